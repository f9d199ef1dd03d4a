"""View helpers of the public pages: HTTP caching and responsive photo markup."""
from __future__ import annotations

import hashlib

from flask import current_app, g, make_response, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from portal import ids

# The submissions feature serves photo variants ("thumb", "phone", "display") to anyone allowed by
# permissions.can_view_piece (published pieces are public).
PHOTO_ENDPOINT = "submissions.photo"
WEBP_ENDPOINT = "submissions.photo_webp"
PHONE_LONG_SIDE = 800


def page_arg() -> int:
    """The list page asked for (``?halaman=``), 1 when absent or not a page number."""
    return ids.page_arg("halaman")


def cached(body, status: int = 200, mimetype: str | None = None):
    """A GET response with explicit caching.

    Anonymous readers: ``Cache-Control: public, max-age=PUBLIC_CACHE_SECONDS`` with an ETag, and 304 when the
    browser's copy is unchanged. Signed-in users: ``private, no-store`` (their page shows their own name,
    notifications and forms). The ETag is computed over the page without the per-session CSRF token of the
    language switch, so the same content gets the same validator."""
    response = make_response(body, status)
    if mimetype:
        response.mimetype = mimetype
    response.vary.add("Cookie")
    if getattr(current_user, "is_authenticated", False) or request.method not in ("GET", "HEAD"):
        response.headers["Cache-Control"] = "private, no-store"
        return response
    response.cache_control.public = True
    response.cache_control.max_age = int(current_app.config["PUBLIC_CACHE_SECONDS"])
    data = response.get_data()
    token = g.get("csrf_token")
    if token:
        data = data.replace(str(token).encode(), b"")
    response.set_etag(hashlib.sha256(data).hexdigest()[:32])
    return response.make_conditional(request)


VARIANTS = ("thumb", "phone", "display")  # smallest first, as a srcset lists them
_VARIANT_SLOT = "variant-slot"  # built into a photo's address once, then replaced by each variant's name
_SLOTS = f"/0/{_VARIANT_SLOT}"  # the address's last two segments, built with photo 0 and the variant slot


def _long_sides() -> dict[str, int]:
    config = current_app.config
    return {
        "thumb": config.get("PHOTO_THUMB_LONG_SIDE", 400),
        "phone": config.get("PHOTO_PHONE_LONG_SIDE", PHONE_LONG_SIDE),
        "display": config.get("PHOTO_DISPLAY_LONG_SIDE", 1600),
    }


def scaled(photo, variant: str, long_sides: dict[str, int] | None = None) -> tuple[int, int]:
    """Width and height of a variant: the original scaled down to the variant's long side, never up."""
    width, height = photo.width or 1, photo.height or 1
    scale = min(1.0, (long_sides or _long_sides())[variant] / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def photo_url(photo, variant: str = "display", external: bool = False) -> str:
    try:
        return url_for(PHOTO_ENDPOINT, photo_id=photo.id, variant=variant, _external=external)
    except BuildError:
        return ""


def _variant_urls(endpoint: str, photo_id: int):
    """The addresses of a photo's variants at ``endpoint``, without building a URL for the photo: the address is
    built once for photo 0 with a slot for the variant (the same for every photo, so the URL builder's memory has
    it, see ``portal.Portal.url_for``), then the photo's id and the variant's name take the places of the last two
    path segments (digits and plain letters, which the URL builder leaves as they are). A page of photos shown for
    the first time otherwise built two new URLs per photo. None when the endpoint is not offered."""
    try:
        url = url_for(endpoint, photo_id=0, variant=_VARIANT_SLOT)
    except BuildError:
        return None
    before, _, after = url.rpartition(_SLOTS)
    before = f"{before}/{int(photo_id)}/"
    return lambda variant: before + variant + after


def photo_tag_data(photo, variant: str, sizes: str) -> dict:
    """What a template needs for a responsive <picture>: the JPEG's src and srcset, the same sizes in WebP
    (``webp_srcset``; empty when not offered), sizes, width and height. The browser takes the smallest variant
    that fills ``sizes`` at its pixel density, in WebP when it accepts it."""
    long_sides = _long_sides()
    jpeg, webp = _variant_urls(PHOTO_ENDPOINT, photo.id), _variant_urls(WEBP_ENDPOINT, photo.id)
    widths = {v: scaled(photo, v, long_sides)[0] for v in VARIANTS} if jpeg else {}
    width, height = scaled(photo, variant, long_sides)
    return {"src": jpeg(variant) if jpeg else "",
            "srcset": ", ".join(f"{jpeg(v)} {w}w" for v, w in widths.items()),
            "webp_srcset": ", ".join(f"{webp(v)} {w}w" for v, w in widths.items()) if webp else "",
            "sizes": sizes, "width": width, "height": height}
