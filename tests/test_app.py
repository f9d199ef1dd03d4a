"""The factory, configuration, error pages and headers."""
from portal import create_app, normalise_database_url


def test_factory_uses_test_config(app):
    assert app.config["TESTING"]
    assert app.config["BABEL_DEFAULT_LOCALE"] == "id"


def test_default_database_is_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app(instance_path=str(tmp_path / "inst"))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'inst' / 'portal.db'}"
    assert app.config["UPLOAD_DIR"] == str(tmp_path / "inst" / "uploads")
    # The secret key is generated once and kept in the instance folder.
    assert (tmp_path / "inst" / "secret_key").read_text().strip() == app.config["SECRET_KEY"]
    again = create_app(instance_path=str(tmp_path / "inst"))
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]


def test_database_url_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db:5432/bp")
    app = create_app(instance_path=str(tmp_path / "inst"))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db:5432/bp"


def test_instance_config_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    inst = tmp_path / "inst"
    inst.mkdir()
    (inst / "config.py").write_text("MIN_WORDS = 300\n")
    assert create_app(instance_path=str(inst)).config["MIN_WORDS"] == 300


def test_normalise_database_url():
    assert normalise_database_url("postgresql://x/y") == "postgresql+psycopg://x/y"
    assert normalise_database_url("sqlite:///a.db") == "sqlite:///a.db"


def test_sqlite_pragmas(app):
    from portal.extensions import db

    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000


def test_not_found_page_is_indonesian_with_security_headers(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Halaman tidak ditemukan" in body
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "base-uri 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_server_error_shows_no_stack_trace(app, client):
    @app.route("/_boom")
    def _boom():
        raise RuntimeError("secret internals")

    response = client.get("/_boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body
    assert "Terjadi kesalahan" in body
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/akun/masuk").headers
    assert "max-age" in client.get("/akun/masuk", base_url="https://localhost").headers["Strict-Transport-Security"]


def test_english_is_selectable(client):
    response = client.get("/akun/bahasa/en?next=/akun/masuk")
    assert response.status_code == 302
    assert 'lang="en"' in client.get("/akun/masuk").get_data(as_text=True)


def test_language_switch_refuses_foreign_redirect(client):
    assert client.get("/akun/bahasa/en?next=https://evil.example/").headers["Location"] == "/"
    assert client.get("/akun/bahasa/xx").status_code == 404


def test_anonymous_public_page_sets_no_session_cookie(client):
    response = client.get("/elearning/")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
