"""Builders for submissions tests: generated photos, bad files and tiny media files (nothing binary committed)."""
from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw


def jpeg(width=1280, height=960, color=(30, 120, 90), *, exif=None, quality=85) -> bytes:
    image = Image.new("RGB", (width, height), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 8, height // 8, width // 2, height // 2), fill=(240, 200, 40))
    buf = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buf, "JPEG", quality=quality, **kwargs)
    return buf.getvalue()


def png(width=1024, height=768, mode="RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, (width, height), (10, 20, 200) if mode == "RGB" else (10, 20, 200, 128)).save(buf, "PNG")
    return buf.getvalue()


def webp(width=800, height=600) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 50, 50)).save(buf, "WEBP")
    return buf.getvalue()


def jpeg_with_gps(width=960, height=640, orientation=None) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "KameraUji"  # Make
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "S"
    gps[2] = (6.0, 58.0, 12.5)
    gps[3] = "E"
    gps[4] = (110.0, 24.0, 33.0)
    return jpeg(width, height, exif=exif)


def png_bomb(width=20_000, height=20_000) -> bytes:
    """A tiny PNG whose header declares huge dimensions (CRC fixed so the header itself is valid)."""
    data = bytearray(png(1, 1))
    ihdr_start = 8 + 8  # signature, then length + type of the IHDR chunk
    body = bytearray(data[ihdr_start:ihdr_start + 13])
    body[0:8] = struct.pack(">II", width, height)
    data[ihdr_start:ihdr_start + 13] = body
    crc = zlib.crc32(b"IHDR" + bytes(body)) & 0xFFFFFFFF
    data[ihdr_start + 13:ihdr_start + 17] = struct.pack(">I", crc)
    return bytes(data)


HTML_AS_JPG = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
SVG_WITH_SCRIPT = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="1000" height="1000">'
                   b'<script>alert(document.cookie)</script><rect width="1000" height="1000"/></svg>')


def truncated_jpeg() -> bytes:
    data = jpeg(1280, 960)
    return data[: len(data) // 2]


def mp3_with_xing(seconds: float) -> bytes:
    """A real, tiny MPEG-1 Layer III file whose Xing header states the frame count for ``seconds`` of audio.

    mutagen reads the duration from that header (1152 samples per frame at 44.1 kHz), exactly as it would
    for an encoder's file; the audio frames themselves are silent padding.
    """
    frames = int(seconds * 44100 / 1152)
    header = bytes([0xFF, 0xFB, 0x90, 0x64])  # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, stereo
    frame_len = 144 * 128000 // 44100  # 417 bytes
    xing = bytearray(frame_len)
    xing[0:4] = header
    offset = 4 + 32  # side information of a stereo MPEG-1 frame
    xing[offset:offset + 4] = b"Xing"
    xing[offset + 4:offset + 8] = struct.pack(">I", 0x0001)  # frames field present
    xing[offset + 8:offset + 12] = struct.pack(">I", frames)
    silent = bytearray(frame_len)
    silent[0:4] = header
    return bytes(xing) + bytes(silent) * 8


def pdf_document() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def long_text(words: int = 560) -> str:
    base = ("Warga kelurahan bergotong royong memperbaiki saluran drainase bersama BKM dan KSM setempat "
            "sehingga banjir tidak lagi menggenangi permukiman ketika musim hujan tiba. ")
    out = []
    while len(" ".join(out).split()) < words:
        out.append(base)
    return "\n\n".join(out)


def complete_fields(**over) -> dict:
    fields = {
        "form": "artikel", "title": "Saluran bersih, kampung sehat", "theme": "Lingkungan", "body_md": long_text(),
        "facts": "Panjang saluran 420 m; 96 KK", "institution_name": "BKM Sejahtera Bersama",
        "institution_address": "Jl. Kenari 12, Kelurahan Tandang", "institution_phone": "024-7654321",
        "author_name": "Siti Rahmawati", "author_position": "Faskel Teknik", "author_place": "Kota Semarang",
        "author_phone": "0812-3456-7890",
    }
    fields.update(over)
    return fields


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def iso_media(seconds: float, brand: bytes = b"M4A ") -> bytes:
    """A tiny, real ISO base media file (M4A with brand ``M4A ``, MP4 with ``isom``): ftyp, moov/mvhd, mdat.
    mutagen reads the duration from the movie header (timescale 1000), as for a recorder's file."""
    ftyp = _box(b"ftyp", brand + struct.pack(">I", 0) + brand + b"isom")
    mvhd = _box(b"mvhd", bytes(4) + struct.pack(">IIII", 0, 0, 1000, int(seconds * 1000))
                + b"\x00\x01\x00\x00\x01\x00" + bytes(10) + bytes(36) + bytes(24) + struct.pack(">I", 2))
    return ftyp + _box(b"moov", mvhd) + _box(b"mdat", bytes(16))
