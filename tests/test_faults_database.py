"""Database down: every page answers a friendly 503 with Retry-After, no stack trace, and a form POST is not
consumed (the browser keeps what the user typed; the page says to keep it open and send again)."""
from __future__ import annotations

import pytest

from portal import create_app

DOWN_URLS = {
    "postgresql": "postgresql://postgres@127.0.0.1:1/nothing_listens_here",  # connection refused
    "sqlite": "sqlite:////nonexistent-folder/for/sure/portal.db",  # unable to open the database file
}


@pytest.fixture(params=sorted(DOWN_URLS))
def down_app(request, tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": DOWN_URLS[request.param],
                      "UPLOAD_DIR": str(tmp_path / "uploads"), "SECRET_KEY": "k", "PROPAGATE_EXCEPTIONS": False},
                     instance_path=str(tmp_path / "instance"))
    return app


def _assert_friendly_503(response) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert "Layanan sedang tidak tersedia" in body
    assert "jangan tutup halaman ini" in body  # tells the user to keep the page and send again
    for leak in ("Traceback", "OperationalError", "psycopg", "sqlite3", "nothing_listens_here", "nonexistent-folder"):
        assert leak not in body, leak
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response.headers
    return body


def test_login_post_answers_503_and_keeps_nothing_half_done(down_app):
    client = down_app.test_client()
    response = client.post("/akun/masuk", data={"email": "penulis@uji.bp.id", "password": "rahasia-sekali-9"})
    _assert_friendly_503(response)
    assert "Location" not in response.headers  # not redirected away: the browser still holds the typed form


def test_registration_post_answers_503(down_app):
    client = down_app.test_client()
    response = client.post("/akun/daftar", data={"email": "baru@uji.bp.id", "name": "Pembaca Baru",
                                                 "password": "kalimat-sandi-panjang-71", "confirm": "kalimat-sandi-panjang-71"})
    _assert_friendly_503(response)


def test_signed_in_pages_answer_503(down_app):
    client = down_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:1"  # a signed-in user: loading them needs the database
        session["_fresh"] = True
    for url in ("/", "/akun/kata-sandi"):
        _assert_friendly_503(client.get(url))
    _assert_friendly_503(client.post("/akun/kata-sandi", data={"current": "a", "password": "b", "confirm": "b"}))


def test_public_page_without_database_still_renders(down_app):
    """The sign-in page itself needs no database: a user can still see it while the database is down."""
    response = down_app.test_client().get("/akun/masuk")
    assert response.status_code in (200, 503)
    assert "Traceback" not in response.get_data(as_text=True)
