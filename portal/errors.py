"""Friendly error pages in Indonesian; never a stack trace. Refusals of operations (``portal.failures``) become a
flash, a JSON error or an error page here, in one place."""
from __future__ import annotations

from flask import Flask, flash, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from portal.audit import record_refusal
from portal.extensions import db
from portal.failures import PortalError, back_url, wants_json
from portal.storage import StorageUnavailable

MESSAGES = {
    400: ("Permintaan tidak dapat diproses", "Periksa isian Anda lalu coba lagi."),
    403: ("Akses ditolak", "Anda tidak memiliki hak untuk membuka halaman ini."),
    404: ("Halaman tidak ditemukan", "Alamat yang Anda buka tidak ada atau sudah dipindahkan."),
    405: ("Cara akses tidak diizinkan", "Halaman ini tidak dapat dibuka dengan cara tersebut."),
    410: ("Tautan tidak berlaku", "Tautan ini sudah dipakai atau kedaluwarsa."),
    413: ("Berkas terlalu besar", "Berkas yang Anda kirim melebihi batas ukuran. Isian Anda yang sudah tersimpan tidak hilang; "
          "kecilkan berkas lalu coba lagi."),
    429: ("Terlalu banyak percobaan", "Tunggu sebentar lalu coba lagi."),
    500: ("Terjadi kesalahan", "Maaf, terjadi kesalahan di server. Tim teknis sudah dapat melihat catatannya."),
    503: ("Layanan sedang tidak tersedia", "Basis data sedang tidak dapat dihubungi. Isian Anda belum terkirim; "
          "jangan tutup halaman ini dan coba kirim lagi beberapa saat lagi."),
}


def render_error(code: int, message: str | None = None):
    """The error page of ``code``; ``message`` (already translated) replaces its usual text."""
    title, text = MESSAGES.get(code, MESSAGES[500])
    try:
        body = render_template("error.html", code=code, title=_(title), text=message or _(text))
    except Exception:  # the template layer itself may be what failed (e.g. database down in a context processor)
        _abandon_transaction()
        body = f"<!doctype html><title>{code}</title><h1>{title}</h1><p>{message or text}</p>"
    return body, code


def _abandon_transaction() -> None:
    """Roll back whatever the failed request left in its transaction; a dropped connection makes the ROLLBACK
    itself fail, which leaves the session usable all the same (and the request's teardown releases it)."""
    try:
        db.session.rollback()
    except Exception:
        pass


def answer_refusal(exc: PortalError):
    """An operation refused (see portal/failures.py): whatever it wrote is abandoned, the user gets its message."""
    _abandon_transaction()
    if wants_json():
        return jsonify(exc.json()), exc.status
    back = back_url()
    if back:
        flash(exc.message, "error")
        return redirect(back)
    title = MESSAGES[400][0]  # "the request could not be processed", and the operation's own message below
    try:
        body = render_template("error.html", code=exc.status, title=_(title), text=exc.message)
    except Exception:
        body = f"<!doctype html><title>{exc.status}</title><p>{escape(exc.message)}</p>"
    return body, exc.status


def install_error_handlers(app: Flask) -> None:
    app.register_error_handler(PortalError, answer_refusal)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if exc.code == 403:
            record_refusal(request)  # counted per user or address, route and hour: probing cannot flood the log
        if exc.code in MESSAGES:
            body, code = render_error(exc.code)
            response = app.make_response((body, code))
            if exc.code == 429 and getattr(exc, "retry_after", None):
                response.headers["Retry-After"] = str(exc.retry_after)
            return response
        return exc

    @app.errorhandler(OperationalError)
    def _database_down(exc):

        app.logger.error("database unavailable: %s", exc)
        _abandon_transaction()
        body, code = render_error(503)
        response = app.make_response((body, code))
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(StorageUnavailable)
    def _storage_unavailable(exc: StorageUnavailable):
        """The upload folder refused a file, for every upload endpoint: JSON to the uploading script; a form post
        goes back to its page with the message (what the operation saved before the file is there)."""
        _abandon_transaction()
        if wants_json():
            response = jsonify(error=exc.message)
            response.status_code = 503
        elif request.method == "POST":
            flash(exc.message, "error")
            response = redirect(request.full_path if request.query_string else request.path, code=303)
        else:
            response = app.make_response(render_error(503, exc.message))
        response.headers["Retry-After"] = "300"
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc):
        if isinstance(exc, HTTPException):
            return exc
        app.logger.exception("unhandled error")
        _abandon_transaction()  # the error page must not run in a failed transaction
        return render_error(500)
