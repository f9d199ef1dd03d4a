"""The anthology books on the public pages: the list with covers and sizes, and the downloads. Only books with a
successful build exist here; anything else is a 404."""
from __future__ import annotations

from flask import abort, render_template, send_file
from flask_login import current_user

from portal.anthology import operations
from portal.anthology import queries as book_queries
from portal.elearning import bp
from portal.elearning.web import cached
from portal.page_cache import public_page
from portal.reports.bundles import safe_name

DOWNLOADS = {"pdf": ("application/pdf", ".pdf"), "epub": ("application/epub+zip", ".epub"),
             "sampul": ("image/jpeg", ".jpg")}


@bp.route("/buku")
@public_page
def books():
    return cached(render_template("elearning/books.html", books=book_queries.public_books()))


@bp.route("/buku/<int:book_id>/<kind>")
def book_file(book_id: int, kind: str):
    if kind not in DOWNLOADS:
        abort(404)
    book = book_queries.public_book(book_id) or abort(404)
    path = operations.book_file(book, "cover" if kind == "sampul" else kind)
    if path is None:
        abort(404)
    mimetype, suffix = DOWNLOADS[kind]
    response = send_file(path, mimetype=mimetype, as_attachment=kind != "sampul",
                         download_name=safe_name(f"{book.title} {book.year}", limit=100) + suffix, conditional=True,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store" if current_user.is_authenticated else "public, max-age=3600"
    return response
