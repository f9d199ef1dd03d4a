"""A Word document (.docx) as a piece's Markdown and pictures: the untrusted part of the Word import.

This file imports nothing of the portal (the standard library, mammoth, BeautifulSoup, nh3 and markdownify only):
the portal runs it as its own process (``python -I word_convert.py``, see ``portal.submissions.word_import``),
which limits its own memory and CPU time before it reads the document, and is killed after a timeout. A hostile
document can at worst use up that process.

``inspect`` reads only the zip's directory (cheap): the portal calls it before starting the process, so a file of
the wrong kind (.doc, .odt, .rtf, .pdf, a password-protected or macro-enabled document, a renamed file) or a zip
bomb (too many parts, too many bytes once unpacked) is answered at once. ``convert`` checks again, then turns the
document into Markdown (headings, bold, italic, lists, simple tables, links; styles and comments dropped) and
collects its embedded pictures with their captions.

The declared sizes of the zip's directory bound what is unpacked: Python's ``zipfile`` never returns more bytes
than a member declares (and fails on a CRC mismatch), and mammoth reads the document through it.
"""
from __future__ import annotations

import base64
import io
import json
import re
import sys
import zipfile
from dataclasses import dataclass

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc, and Office's encrypted documents
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")  # a password-protected .docx is an OLE container
IMAGE_SRC = "docx-image:"

# Paragraph styles the document may name (Word stores the built-in names in English, whatever its language).
STYLE_MAP = """
p[style-name='caption'] => p.docx-caption:fresh
p[style-name='Caption'] => p.docx-caption:fresh
p[style-name='Title'] => h1.docx-title:fresh
p[style-name='Subtitle'] => h2:fresh
"""
# A caption typed as an ordinary paragraph right below the picture: "Foto 1: ...", "Gambar 2. ...".
CAPTION_LABEL = re.compile(r"^\s*(foto|gambar|figure|fig\.|photo|picture)\s*\d*\s*[.:)\-\u2013\u2014]\s*", re.IGNORECASE)
CAPTION_PARAGRAPH = re.compile(r"^\s*(foto|gambar|figure|fig\.|photo|picture)\s*\d+\s*[.:)\-\u2013\u2014]", re.IGNORECASE)
# Alt text that Word writes by itself says so; that sentence is no caption.
AUTO_ALT = re.compile(r"(description automatically generated.*|deskripsi dibuat secara otomatis.*)$",
                      re.IGNORECASE | re.DOTALL)
LINK_SCHEMES = ("http:", "https:", "mailto:", "tel:")


class Refused(Exception):
    """The document is refused; ``code`` names why (the portal words the message)."""

    def __init__(self, code: str, **detail):
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Limits:
    max_parts: int
    max_unpacked_bytes: int
    max_images: int
    max_image_bytes: int


@dataclass(frozen=True)
class HtmlPolicy:
    """What the portal lets through in a piece (``portal.text``): the converted HTML is cleaned to it."""
    tags: frozenset
    attributes: dict
    url_schemes: frozenset


def inspect(data: bytes, limits: Limits) -> None:
    """Raise ``Refused`` unless ``data`` looks like a .docx within ``limits``."""
    if not data:
        raise Refused("empty")
    if data.startswith(OLE_SIGNATURE):
        raise Refused("encrypted" if ENCRYPTED_STREAM in data else "doc")
    if data.lstrip()[:5] == b"{\\rtf":
        raise Refused("rtf")
    if data.startswith(b"%PDF-"):
        raise Refused("pdf")
    if not data.startswith(b"PK\x03\x04"):
        raise Refused("not_docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > limits.max_parts:
                raise Refused("too_many_parts", parts=len(infos))
            unpacked = sum(info.file_size for info in infos)
            if unpacked > limits.max_unpacked_bytes:
                raise Refused("too_big_unpacked", size=unpacked)
            names = {info.filename for info in infos}
            if any(info.flag_bits & 0x1 for info in infos):
                raise Refused("damaged")
            if "mimetype" in names:
                kind = archive.read("mimetype").strip()
                raise Refused("odt" if kind == ODT_MIMETYPE else "not_docx")
            if "word/vbaProject.bin" in names or any(n.lower().endswith("vbaproject.bin") for n in names):
                raise Refused("macro")
            if "[Content_Types].xml" in names and b"macroEnabled" in archive.read("[Content_Types].xml"):
                raise Refused("macro")
            if "word/document.xml" not in names:
                raise Refused("not_docx")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError):
        raise Refused("damaged") from None


def convert(data: bytes, limits: Limits, policy: HtmlPolicy) -> dict:
    """The document as ``{"markdown": str, "title": str, "images": [...], "skipped_images": int}``; each image is
    ``{"data": bytes | None, "size": int, "content_type": str, "caption": str}`` in the order of the document
    (``data`` is None for a picture over ``limits.max_image_bytes``). Pictures after the first
    ``limits.max_images`` are counted in ``skipped_images``, not read."""
    import mammoth  # here, so that ``inspect`` needs nothing but the standard library

    inspect(data, limits)
    images: list[dict] = []
    skipped = 0

    def on_image(image) -> dict:
        nonlocal skipped
        if len(images) >= limits.max_images:
            skipped += 1
            return {}
        with image.open() as stream:
            payload = stream.read(limits.max_image_bytes + 1)
            size = len(payload)
            if size > limits.max_image_bytes:
                size += len(stream.read())
                payload = None
        images.append({"data": payload, "size": size, "content_type": image.content_type or "",
                       "alt": _alt_text(image.alt_text)})
        return {"src": f"{IMAGE_SRC}{len(images)}"}

    try:
        result = mammoth.convert_to_html(io.BytesIO(data), style_map=STYLE_MAP, external_file_access=False,
                                         convert_image=mammoth.images.img_element(on_image))
    except (zipfile.BadZipFile, KeyError, ValueError, LookupError, AttributeError, TypeError):
        raise Refused("damaged") from None
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(result.value, "html.parser")
    title = _take_title(soup)
    captions = _take_pictures(soup, len(images))
    for number, image in enumerate(images, start=1):
        image["caption"] = (captions.get(number) or image.pop("alt"))[:300]
        image.pop("alt", None)
    return {"markdown": html_to_markdown(str(soup), policy), "title": title, "images": images,
            "skipped_images": skipped}


def _take_title(soup) -> str:
    """The document's title (Word's Title style) when the document starts with it: taken out of the text, since
    a piece has its own title field. Any other Title paragraph stays as a heading."""
    first = next((el for el in soup.find_all(recursive=False) if el.get_text(strip=True)), None)
    title = ""
    if first is not None and first.name == "h1" and "docx-title" in (first.get("class") or []):
        title = " ".join(first.get_text(" ", strip=True).split())[:250]
        first.decompose()
    for left in soup.find_all(class_="docx-title"):
        del left["class"]
    return title


def _alt_text(text: str | None) -> str:
    return " ".join(AUTO_ALT.sub("", text or "").split())


def _caption_text(text: str) -> str:
    return " ".join(CAPTION_LABEL.sub("", text, count=1).split())


def _take_pictures(soup, count: int) -> dict[int, str]:
    """Remove the pictures and their caption paragraphs from the text; return the captions by picture number.

    A picture's caption is the paragraph in Word's Caption style right after it (else right before it), else an
    ordinary paragraph right after it that starts like one ("Foto 1:", "Gambar 2."); the label is dropped, since
    the portal numbers the photos itself."""
    captions: dict[int, str] = {}
    for img in soup.find_all("img"):
        src = img.get("src") or ""
        number = int(src[len(IMAGE_SRC):]) if src.startswith(IMAGE_SRC) and src[len(IMAGE_SRC):].isdigit() else 0
        block = img.find_parent("p")
        caption = _caption_of(block) if block is not None and 0 < number <= count else None
        img.decompose()
        if caption is not None:
            captions[number] = _caption_text(caption.get_text(" ", strip=True))
            caption.decompose()
        if block is not None and not block.get_text(strip=True) and not block.find("img"):
            block.decompose()
    for left in soup.find_all(class_="docx-caption"):
        del left["class"]  # a caption of something else (a table): an ordinary paragraph
    return captions


def _caption_of(block):
    after, before = block.find_next_sibling(), block.find_previous_sibling()
    for candidate in (after, before):
        if candidate is not None and candidate.name == "p" and "docx-caption" in (candidate.get("class") or []):
            return candidate
    if after is not None and after.name == "p" and CAPTION_PARAGRAPH.match(after.get_text(" ", strip=True)) \
            and not after.find("img"):
        return after
    return None


def html_to_markdown(html: str, policy: HtmlPolicy) -> str:
    """Clean ``html`` to what a piece may hold (as the portal cleans pieces, with nh3), then write Markdown."""
    import nh3
    from markdownify import MarkdownConverter

    class Converter(MarkdownConverter):
        def convert_a(self, el, text, parent_tags):
            href = (el.get("href") or "").strip()
            if not href.lower().startswith(LINK_SCHEMES):
                # Bookmarks, the table of contents, footnote references: the words stay, the jump goes.
                return "" if text.strip() == "\u2191" else text
            return super().convert_a(el, text, parent_tags)

    clean = nh3.clean(html, tags=set(policy.tags), attributes={k: set(v) for k, v in policy.attributes.items()},
                      url_schemes=set(policy.url_schemes), strip_comments=True, link_rel=None)
    text = Converter(heading_style="ATX", bullets="-", strong_em_symbol="*", table_infer_header=True,
                     newline_style="BACKSLASH").convert(clean)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


# --- the process the portal starts ----------------------------------------------------------------------

def _limit_resources(memory_bytes: int, cpu_seconds: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX: the portal's timeout still applies
        return
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def main(argv: list[str]) -> int:
    """Read the limits (JSON, first argument) and the document (standard input); write the result as JSON:
    ``{"markdown", "title", "images": [{"data": base64 | None, ...}], "skipped_images"}`` or ``{"refused": code}``."""
    params = json.loads(argv[1])
    _limit_resources(params["memory_bytes"], params["cpu_seconds"])
    limits = Limits(**params["limits"])
    policy = HtmlPolicy(tags=frozenset(params["tags"]), attributes=params["attributes"],
                        url_schemes=frozenset(params["url_schemes"]))
    data = sys.stdin.buffer.read(params["max_bytes"] + 1)
    try:
        if len(data) > params["max_bytes"]:
            raise Refused("too_large")
        out = convert(data, limits, policy)
        for image in out["images"]:
            image["data"] = base64.b64encode(image["data"]).decode("ascii") if image["data"] is not None else None
    except Refused as exc:
        out = {"refused": exc.code}
    except MemoryError:
        out = {"refused": "too_complex"}
    except RecursionError:
        out = {"refused": "too_complex"}
    except Exception:  # noqa: BLE001 - any other failure of the converter on this document: a damaged file
        out = {"refused": "damaged"}
    sys.stdout.write(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
