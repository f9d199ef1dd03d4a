"""Demo photos that look like scenes of kelurahan work, drawn with Pillow (nothing is downloaded).

Each scene is a street or a hall in morning light: sky and hills, a row of houses with tiled roofs, a lane, and
people at work, plus what the kind of work needs (a drain with water, sacks of a waste bank, a meeting under a
banner, a health post's table and scale, paving, a reading corner, a public toilet block, market stalls, becak).
The ``seed`` makes every photo different and the same seed the same photo.
"""
from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFont

SIZE = (1280, 960)  # drawn at this size
OUTPUT = (1024, 768)  # kept at this size (above the portal's minimum photo size)
HORIZON = 430
SKIN = [(241, 204, 170), (224, 172, 125), (198, 144, 100), (160, 110, 75), (120, 80, 55)]
CLOTH = [(200, 40, 45), (30, 90, 170), (240, 190, 40), (40, 140, 80), (120, 60, 140), (235, 235, 235),
         (250, 120, 40), (60, 60, 70), (180, 150, 100), (20, 160, 170)]
WALL = [(236, 226, 200), (200, 220, 235), (225, 240, 210), (245, 215, 190), (250, 250, 240), (215, 205, 230)]
ROOF = [(170, 70, 45), (150, 60, 40), (120, 90, 80), (90, 100, 110), (180, 95, 60)]
SCENES = ("saluran", "bank_sampah", "rembug", "posyandu", "jalan", "taman_baca", "sanitasi", "pasar", "becak",
          "kerja_bakti")
BANNERS = {"saluran": "NORMALISASI SALURAN RW 03", "bank_sampah": "BANK SAMPAH BERSERI", "rembug": "REMBUG WARGA",
           "posyandu": "POSYANDU MAWAR", "jalan": "PAVINGISASI GANG", "taman_baca": "TAMAN BACA WARGA",
           "sanitasi": "MCK KOMUNAL", "pasar": "PASAR WARGA", "becak": "KOPERASI BECAK",
           "kerja_bakti": "KERJA BAKTI MINGGU PAGI"}


def _font(size: int):
    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _shade(colour, amount: int):
    return tuple(max(0, min(255, c + amount)) for c in colour)


def _sky(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    top, bottom = (90 + rng.randrange(30), 150 + rng.randrange(30), 215), (215, 230, 240)
    for y in range(HORIZON):
        t = y / HORIZON
        draw.line([(0, y), (SIZE[0], y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)))
    for _ in range(rng.randrange(2, 5)):
        x, y = rng.randrange(0, SIZE[0]), rng.randrange(30, 200)
        for k in range(5):
            r = rng.randrange(25, 55)
            draw.ellipse([x + k * 35 - r, y - r // 2, x + k * 35 + r, y + r // 2], fill=(250, 250, 252))
    hill = (95, 140, 95)
    points = [(0, HORIZON)] + [(x, HORIZON - 40 - int(50 * rng.random())) for x in range(0, SIZE[0] + 160, 160)]
    draw.polygon(points + [(SIZE[0], HORIZON)], fill=hill)


def _tree(draw, x: int, base: int, scale: float, rng) -> None:
    draw.rectangle([x - 6 * scale, base - 70 * scale, x + 6 * scale, base], fill=(100, 70, 45))
    green = (40 + rng.randrange(40), 110 + rng.randrange(50), 50)
    for dx, dy, r in ((0, -110, 48), (-35, -85, 38), (35, -85, 38), (0, -70, 40)):
        draw.ellipse([x + (dx - r) * scale, base + (dy - r) * scale, x + (dx + r) * scale, base + (dy + r) * scale],
                     fill=_shade(green, rng.randrange(-15, 15)))


def _houses(draw, rng: random.Random) -> None:
    x = -rng.randrange(0, 80)
    while x < SIZE[0]:
        width = rng.randrange(150, 230)
        height = rng.randrange(120, 170)
        base = HORIZON + 90
        wall = rng.choice(WALL)
        draw.rectangle([x, base - height, x + width, base], fill=wall, outline=_shade(wall, -40))
        roof = rng.choice(ROOF)
        draw.polygon([(x - 14, base - height), (x + width // 2, base - height - rng.randrange(50, 80)),
                      (x + width + 14, base - height)], fill=roof)
        for row in range(0, 3):
            y = base - height - 10 - row * 18
            draw.line([(x + 10 + row * 20, y), (x + width - 10 - row * 20, y)], fill=_shade(roof, -25), width=2)
        door_x = x + rng.randrange(20, width - 60)
        draw.rectangle([door_x, base - 85, door_x + 38, base], fill=(110, 75, 50))
        for wx in (x + 12, x + width - 52):
            if abs(wx - door_x) > 45:
                draw.rectangle([wx, base - height + 35, wx + 40, base - height + 80], fill=(70, 95, 120),
                               outline=(250, 250, 250), width=3)
        if rng.random() < 0.4:
            _tree(draw, x + width + 10, base, 0.9, rng)
        x += width + rng.randrange(12, 40)


def _lane(draw, rng: random.Random, paving: bool) -> None:
    top = HORIZON + 90
    draw.rectangle([0, top, SIZE[0], SIZE[1]], fill=(150, 145, 130))
    draw.polygon([(480, top), (800, top), (1180, SIZE[1]), (100, SIZE[1])], fill=(175, 170, 160))
    if paving:
        for y in range(top + 10, SIZE[1], 26):
            t = (y - top) / (SIZE[1] - top)
            left, right = 480 - 380 * t, 800 + 380 * t
            draw.line([(left, y), (right, y)], fill=(140, 135, 128), width=2)
            step = 30 + 40 * t
            offset = (y // 26) % 2 * step / 2
            xx = left + offset
            while xx < right:
                draw.line([(xx, y), (xx, y + 24)], fill=(140, 135, 128), width=1)
                xx += step


def _drain(draw, rng: random.Random) -> None:
    top = HORIZON + 92
    draw.polygon([(420, top), (470, top), (120, SIZE[1]), (0, SIZE[1]), (0, SIZE[1] - 40)], fill=(95, 95, 90))
    draw.polygon([(432, top + 4), (462, top + 4), (95, SIZE[1]), (15, SIZE[1])], fill=(80, 130, 160))
    for _ in range(12):
        y = rng.randrange(top + 20, SIZE[1])
        t = (y - top) / (SIZE[1] - top)
        x = 440 - 360 * t + rng.randrange(-10, 10)
        draw.line([(x, y), (x + 30 * (0.3 + t), y)], fill=(170, 200, 220), width=2)


def _person(draw, x: int, base: int, scale: float, rng: random.Random, tool: str | None = None) -> None:
    skin, shirt, trousers = rng.choice(SKIN), rng.choice(CLOTH), rng.choice(CLOTH[5:] + [(50, 50, 60)])
    head = 17 * scale
    body_top = base - 150 * scale
    draw.rectangle([x - 10 * scale, base - 70 * scale, x - 2 * scale, base], fill=trousers)
    draw.rectangle([x + 2 * scale, base - 70 * scale, x + 10 * scale, base], fill=trousers)
    draw.rounded_rectangle([x - 20 * scale, body_top, x + 20 * scale, base - 65 * scale], radius=int(8 * scale),
                           fill=shirt)
    draw.line([(x - 20 * scale, body_top + 10 * scale), (x - 34 * scale, body_top + 60 * scale)], fill=skin,
              width=max(2, int(7 * scale)))
    draw.line([(x + 20 * scale, body_top + 10 * scale), (x + 34 * scale, body_top + 55 * scale)], fill=skin,
              width=max(2, int(7 * scale)))
    draw.ellipse([x - head, body_top - 2 * head, x + head, body_top], fill=skin)
    if rng.random() < 0.45:  # a headscarf or a cap
        draw.chord([x - head - 2, body_top - 2 * head - 3, x + head + 2, body_top - head + 8], 180, 360,
                   fill=rng.choice(CLOTH))
    if tool == "hoe":
        draw.line([(x + 34 * scale, body_top + 55 * scale), (x + 60 * scale, base)], fill=(120, 85, 50),
                  width=max(2, int(5 * scale)))
        draw.polygon([(x + 52 * scale, base), (x + 76 * scale, base), (x + 66 * scale, base - 10 * scale)],
                     fill=(120, 120, 125))
    elif tool == "sack":
        draw.ellipse([x + 22 * scale, body_top + 40 * scale, x + 62 * scale, body_top + 95 * scale],
                     fill=(235, 235, 225))


def _banner(draw, text: str, rng: random.Random) -> None:
    font = _font(34)
    width = draw.textlength(text, font=font) + 60
    x = rng.randrange(40, max(41, int(SIZE[0] - width - 40)))
    y = HORIZON - 10
    draw.line([(x, y - 20), (x, y + 120)], fill=(90, 70, 50), width=6)
    draw.line([(x + width, y - 20), (x + width, y + 120)], fill=(90, 70, 50), width=6)
    colour = rng.choice([(200, 30, 40), (20, 110, 70), (25, 80, 160)])
    draw.rectangle([x, y, x + width, y + 56], fill=colour)
    draw.text((x + 30, y + 10), text, fill=(255, 255, 255), font=font)


def _props(draw, scene: str, rng: random.Random) -> None:
    ground = HORIZON + 200
    if scene == "bank_sampah":
        for i in range(9):
            x, y = 120 + i * 95 + rng.randrange(-10, 10), ground + 180 + rng.randrange(-20, 20)
            draw.ellipse([x, y - 70, x + 80, y + 10], fill=rng.choice([(235, 235, 225), (60, 120, 200), (230, 200, 60)]))
        draw.rectangle([900, ground - 20, 1100, ground + 60], fill=(120, 120, 120))
        draw.rectangle([915, ground - 60, 1085, ground - 20], fill=(60, 60, 60))
    elif scene in ("rembug", "taman_baca", "posyandu"):
        wall = rng.choice(WALL)
        draw.rectangle([0, 0, SIZE[0], SIZE[1]], fill=wall)
        for y in range(0, HORIZON - 60, 48):  # the ceiling's boards
            draw.line([(0, y), (SIZE[0], y)], fill=_shade(wall, -30), width=3)
        for x in (160, 560, 960):  # windows onto the kampung
            draw.rectangle([x, 90, x + 180, 300], fill=(150, 190, 220), outline=(120, 90, 60), width=8)
            draw.line([(x + 90, 90), (x + 90, 300)], fill=(120, 90, 60), width=5)
        draw.rectangle([0, HORIZON + 120, SIZE[0], SIZE[1]], fill=(185, 160, 130))  # the floor
        draw.rectangle([0, HORIZON - 60, SIZE[0], HORIZON - 20], fill=(150, 110, 70))
        for x in range(60, SIZE[0], 300):
            draw.rectangle([x, HORIZON - 20, x + 20, SIZE[1]], fill=(170, 130, 90))
        if scene == "taman_baca":
            for x in (80, 1000):
                draw.rectangle([x, HORIZON + 40, x + 200, HORIZON + 330], fill=(140, 95, 60))
                for shelf in range(4):
                    y = HORIZON + 60 + shelf * 70
                    bx = x + 10
                    while bx < x + 190:
                        w = rng.randrange(10, 22)
                        draw.rectangle([bx, y, bx + w, y + 55], fill=rng.choice(CLOTH))
                        bx += w + 2
        if scene == "posyandu":
            draw.rectangle([440, ground - 40, 840, ground], fill=(240, 240, 245), outline=(180, 180, 190))
            draw.rectangle([470, ground, 490, ground + 120], fill=(150, 150, 155))
            draw.rectangle([790, ground, 810, ground + 120], fill=(150, 150, 155))
            draw.ellipse([600, ground - 110, 680, ground - 40], outline=(60, 60, 60), width=5)
    elif scene == "sanitasi":
        draw.rectangle([820, HORIZON - 20, 1180, HORIZON + 200], fill=(235, 240, 245), outline=(150, 150, 160))
        draw.polygon([(800, HORIZON - 20), (1000, HORIZON - 100), (1200, HORIZON - 20)], fill=(40, 110, 160))
        for i in range(3):
            draw.rectangle([850 + i * 110, HORIZON + 60, 920 + i * 110, HORIZON + 200], fill=(60, 120, 170))
    elif scene == "pasar":
        for i in range(4):
            x = 60 + i * 300
            awning = rng.choice([(200, 40, 45), (30, 90, 170), (40, 140, 80), (240, 150, 40)])
            draw.polygon([(x, ground - 140), (x + 260, ground - 140), (x + 280, ground - 90), (x - 20, ground - 90)],
                         fill=awning)
            draw.rectangle([x, ground - 40, x + 260, ground + 10], fill=(150, 110, 70))
            for k in range(8):
                cx = x + 20 + k * 30
                draw.ellipse([cx, ground - 62, cx + 24, ground - 38], fill=rng.choice(CLOTH))
    elif scene == "becak":
        for i in range(3):
            x, y = 150 + i * 360, ground + 120
            draw.ellipse([x, y, x + 90, y + 90], outline=(40, 40, 40), width=6)
            draw.ellipse([x + 170, y, x + 260, y + 90], outline=(40, 40, 40), width=6)
            draw.rectangle([x + 20, y - 120, x + 150, y + 20], fill=rng.choice([(200, 40, 45), (30, 90, 170)]))
            draw.chord([x + 10, y - 190, x + 160, y - 60], 180, 360, fill=(40, 40, 45))


_GRAIN: list[Image.Image] = []


def _grain() -> Image.Image:
    """Noise the size of a photo, made once per process from a small tile."""
    if not _GRAIN:
        tile = Image.effect_noise((256, 256), 14).convert("RGB")
        grain = Image.new("RGB", OUTPUT)
        for x in range(0, OUTPUT[0], 256):
            for y in range(0, OUTPUT[1], 256):
                grain.paste(tile, (x, y))
        _GRAIN.append(grain)
    return _GRAIN[0]


def scene_jpeg(scene: str, seed: str) -> bytes:
    """A JPEG of the scene (one of :data:`SCENES`; another name draws a work day), different for every seed."""
    rng = random.Random(f"{scene}|{seed}")
    image = Image.new("RGB", SIZE, (200, 200, 200))
    draw = ImageDraw.Draw(image)
    indoor = scene in ("rembug", "taman_baca", "posyandu")
    if not indoor:
        _sky(draw, rng)
        for x in range(40, SIZE[0], rng.randrange(250, 400)):
            _tree(draw, x + rng.randrange(-30, 30), HORIZON + 10, 0.6, rng)
        _houses(draw, rng)
        _lane(draw, rng, paving=scene == "jalan")
        if scene == "saluran":
            _drain(draw, rng)
    _props(draw, scene, rng)
    _banner(draw, BANNERS.get(scene, BANNERS["kerja_bakti"]), rng)
    tool = {"saluran": "hoe", "jalan": "hoe", "kerja_bakti": "hoe", "bank_sampah": "sack"}.get(scene)
    people = sorted((rng.randrange(HORIZON + 180, SIZE[1] - 10), rng.randrange(40, SIZE[0] - 40))
                    for _ in range(rng.randrange(6, 12)))
    for base, x in people:  # far ones first, so nearer ones stand in front
        scale = 0.55 + 0.9 * (base - HORIZON - 180) / (SIZE[1] - HORIZON - 190)
        _person(draw, x, base, scale, rng, tool if rng.random() < 0.6 else None)
    # Softened edges (halved and brought back) and a little sensor grain, so it reads as a photo, cheaply.
    image = image.reduce(2).resize(OUTPUT, Image.Resampling.BILINEAR)
    image = Image.blend(image, _grain(), 0.06)
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=84)
    return buf.getvalue()
