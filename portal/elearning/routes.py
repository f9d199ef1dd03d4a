"""Public reading pages: landing, national and provincial lists, a piece, search, feeds, honour roll.

No login needed. Anything not published answers 404, whatever the URL. Anonymous pages are publicly cacheable
with an ETag (see ``web.cached``); pages for signed-in users are not.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from portal import ids
from portal import search as search_module
from portal.anthology.queries import public_books
from portal.elearning import bp, queries, rules
from portal.elearning.feeds import build_feed, summary_of
from portal.elearning.forms import CommentForm
from portal.elearning.web import cached, page_arg, photo_tag_data, photo_url
from portal.i18n import current_locale
from portal.kept import Kept
from portal.models.pieces import BestPractice
from portal.page_cache import public_page
from portal.period import Period
from portal.rewards import certificates
from portal.submissions import queries as piece_queries
from portal.text import render_plain_with_links

MAX_QUERY_CHARS = 200
FEED_ENTRIES = 30


def _period_arg() -> Period | None:
    return Period.parse(request.args.get("bulan", ""))


# Template globals (see portal.templating): elearning/_macros.html is imported without context.
bp.add_app_template_global(photo_tag_data, "photo_tag")
bp.add_app_template_global(photo_url, "photo_url")
bp.add_app_template_global(render_plain_with_links, "render_plain")


@bp.route("/")
@public_page
def index():
    return cached(render_template(
        "elearning/index.html",
        national=queries.latest(BestPractice.NATIONAL, 6),
        provincial=queries.latest(BestPractice.PROVINCE, 6),
        provinces=queries.provinces_with_counts(),
        periods=queries.published_periods()[:12],
        products=queries.latest_knowledge_products(5),
        books=public_books(),
    ))


@bp.route("/nasional")
@public_page
def national():
    period = _period_arg()
    return cached(render_template(
        "elearning/list.html", heading=_("Best practice nasional"), period=period,
        result=queries.national_pieces(period, page_arg()),
        periods=queries.published_periods(BestPractice.NATIONAL), endpoint="elearning.national", args={},
        feed_url=url_for("elearning.feed_national"),
    ))


@bp.route("/provinsi")
@public_page
def provinces():
    return cached(render_template("elearning/provinces.html", provinces=queries.provinces_with_counts(),
                                  periods=queries.published_periods()))


@bp.route("/provinsi/<int:province_id>")
@public_page
def province(province_id: int):
    prov = queries.province(province_id) or abort(404)
    period = _period_arg()
    return cached(render_template(
        "elearning/list.html", heading=_("Best practice provinsi %(name)s", name=prov.name), period=period, province=prov,
        result=queries.provincial_pieces(prov.id, period, page_arg()),
        periods=queries.published_periods(None, prov.id), endpoint="elearning.province",
        args={"province_id": prov.id}, feed_url=url_for("elearning.feed_province", province_id=prov.id),
    ))


@bp.route("/bulan/<period:period>")
@public_page
def month(period: Period):
    """Every provincial and national best practice of one month, all provinces."""
    return cached(render_template(
        "elearning/list.html", heading=_("Best practice %(month)s", month=period.label(current_locale())), period=period,
        result=queries.provincial_pieces(None, period, page_arg()), periods=queries.published_periods(),
        endpoint="elearning.month", args={"period": period}, fixed_period=True,
    ))


@dataclass(frozen=True)
class PieceArticle:
    meta: Markup  # link-preview tags
    html: Markup  # the article: title, results, photos, text, institution, awards


# What every reader sees of a published piece changes only with a public change (an award, a corrected title, a
# withdrawal, a renamed team or city), which moves the content generation on (see portal/kept.py).
_articles: Kept[PieceArticle] = Kept(256)


def piece_article(piece) -> PieceArticle:
    """The article part of a published piece's page, rendered once per worker for everyone."""
    return _articles.get(("piece-article", piece.id, request.host_url), lambda: _build_article(piece))


def _build_article(piece) -> PieceArticle:
    photos = piece_queries.photo_rows(piece.id)  # rows: the article only shows them
    og_image = photo_url(photos[0], "display", external=True) if photos else ""
    description = summary_of(piece.body_md, 200)
    return PieceArticle(
        meta=Markup(render_template("elearning/_piece_meta.html", piece=piece, description=description,
                                    og_image=og_image, photos=photos)),
        html=Markup(render_template("elearning/_piece_article.html", piece=piece, photos=photos,
                                    media=piece.media,  # a row of the piece's statement, or the mapped file
                                    results=queries.tier_results(piece.id),
                                    awards=queries.awards_for(piece))),
    )


def render_piece(piece, comment_form: CommentForm | None = None, status: int = 200):
    """The piece page (also re-rendered with a refused comment, keeping what the user typed). ``piece`` is a
    ``queries.ShownPiece``, which brings its confirmations and says whether it has comments and awards, or a mapped
    piece (the discussion's views), for which they are asked."""
    signed_in = current_user.is_authenticated
    # The comment form only shows to signed-in users; building it for a reader would put a CSRF token in a session
    # cookie, and the page could no longer be cached for everyone. (The page's other forms, to confirm, reply,
    # report and moderate, are plain HTML with the CSRF token: building WTForms objects for them was about 8 % of
    # a signed-in reader's page; their POST views validate with their own forms.)
    forms = {"form": comment_form or CommentForm()} if signed_in else {}
    confirmations, confirmed = queries.confirmations_for(piece, current_user.id if signed_in else None)
    body = render_template(
        "elearning/piece.html", piece=piece, article=piece_article(piece), comments=queries.comments_for(piece),
        confirmations=confirmations, confirmed=confirmed, can_moderate=rules.can_moderate(current_user, piece),
        certificates=certificates.downloadable(current_user, piece) if signed_in else [], **forms,
    )
    return cached(body, status)


@bp.route("/tulisan/<int:piece_id>")
@public_page
def piece(piece_id: int):
    reader_id = current_user.id if current_user.is_authenticated else None
    found = queries.shown_piece(piece_id, reader_id) or abort(404)  # rows: the page only shows it
    return render_piece(found)


@bp.route("/cari")
@public_page
def search():
    query = request.args.get("q", "")[:MAX_QUERY_CHARS].strip()
    province_id = ids.int_arg("provinsi") or None
    tier = request.args.get("tingkat") if request.args.get("tingkat") in ("province", "national") else None
    period = _period_arg()
    searched = bool(query or province_id or tier or period)
    result = search_module.search_pieces(query, province_id=province_id, period=period, tier=tier, page=page_arg()) \
        if searched else None
    args = {k: v for k, v in {"q": query, "provinsi": province_id, "bulan": period, "tingkat": tier}.items() if v}
    return cached(render_template(
        "elearning/search.html", query=query, province_id=province_id, tier=tier, period=period, result=result,
        provinces=queries.provinces_with_counts(), periods=queries.published_periods(), args=args,
    ))


def _feed(title: str, pieces, alternate: str):
    body = build_feed(title, request.base_url, alternate, pieces)
    return cached(body, mimetype="application/atom+xml")


@bp.route("/feed/nasional.atom")
@public_page
def feed_national():
    pieces = queries.national_pieces(None, 1, with_text=True).items[:FEED_ENTRIES]
    pieces.sort(key=lambda p: p.published_at, reverse=True)
    return _feed(_("Best practice nasional"), pieces, url_for("elearning.national", _external=True))


@bp.route("/feed/provinsi/<int:province_id>.atom")
@public_page
def feed_province(province_id: int):
    prov = queries.province(province_id) or abort(404)
    pieces = queries.provincial_pieces(prov.id, None, 1, with_text=True).items[:FEED_ENTRIES]
    pieces.sort(key=lambda p: p.published_at, reverse=True)
    return _feed(_("Best practice provinsi %(name)s", name=prov.name), pieces,
                 url_for("elearning.province", province_id=prov.id, _external=True))


@bp.route("/penghargaan")
@public_page
def honour_roll():
    result = queries.honour_roll(page_arg())
    return cached(render_template(
        "elearning/honour_roll.html", result=result, awards=queries.awards_of([p.id for p in result.items]),
        endpoint="elearning.honour_roll", args={},
    ))
