"""Sign-in limits per account and per address (issue #15, item 16; OWASP ASVS 2.2.1).

A KMW office signs in from one NAT address at the start of a panel meeting: 30 colleagues must all get in.
One account must not be brute-forced, from however many addresses; one address must not try a password on
account after account. The limiter must not tell which accounts exist. Counters in memory (the test app's
default storage); the Redis-shared counters and the storage's failure are in tests/test_security_ratelimit.py.
"""
from __future__ import annotations

import re

import pytest

from portal.models.people import Role
from tests.support import PASSWORD

OFFICE = "203.0.113.7"  # the KMW office's one public address
WRONG = "bukan-kata-sandinya-1"


@pytest.fixture
def limited(app_config):
    app_config["RATELIMIT_ENABLED"] = True
    app_config["RATELIMIT_STORAGE_URI"] = "memory://"


def sign_in(app, email: str, password: str, address: str = OFFICE, **headers):
    """One attempt from a fresh browser at ``address`` (the client's address as the server sees it)."""
    return app.test_client().post("/akun/masuk", data={"email": email, "password": password},
                                  environ_base={"REMOTE_ADDR": address}, headers=headers)


def page_text(response) -> str:
    """The page without what legitimately differs between two attempts: the CSRF field and the seconds to wait."""
    body = re.sub(r'name="csrf_token"[^>]*>', "", response.get_data(as_text=True))
    return re.sub(r"\d+ (detik|menit)", "N", body)


def test_thirty_colleagues_behind_one_address_sign_in_in_the_same_minute(limited, app, make_user):
    people = [make_user(Role.PANEL_MEMBER, email=f"penilai{i:02d}@kmw.bp.id") for i in range(30)]
    typos = [sign_in(app, person.email, WRONG) for person in people[:10]]  # a third of them mistype once
    assert [r.status_code for r in typos] == [200] * 10
    answers = [sign_in(app, person.email, PASSWORD) for person in people]
    assert [r.status_code for r in answers] == [302] * 30
    assert all(r.headers["Location"] == "/" for r in answers)


def test_one_account_is_not_brute_forced_from_many_addresses(limited, app, make_user):
    writer = make_user(Role.WRITER, email="penulis@uji.bp.id")
    answers = [sign_in(app, writer.email, WRONG, address=f"198.51.100.{i}") for i in range(1, 11)]
    assert [r.status_code for r in answers] == [200] * 10
    assert all("Email atau kata sandi salah." in r.get_data(as_text=True) for r in answers)

    refused = sign_in(app, writer.email, WRONG, address="198.51.100.77")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    page = refused.get_data(as_text=True)
    assert "Terlalu banyak percobaan masuk" in page
    assert "Kata sandi untuk email ini sudah terlalu sering salah" in page
    assert re.search(r"Silakan coba lagi dalam \d+ detik\.", page)
    assert "Traceback" not in page and 'lang="id"' in page

    # While the account is held, even the right password waits (else the limit would only slow a guesser),
    # however the email is typed.
    assert sign_in(app, writer.email, PASSWORD, address="198.51.100.78").status_code == 429
    assert sign_in(app, "  PENULIS@Uji.bp.id ", PASSWORD, address="198.51.100.79").status_code == 429
    # Other accounts, from the same addresses, are not held.
    colleague = make_user(Role.WRITER, email="rekan@uji.bp.id")
    assert sign_in(app, colleague.email, PASSWORD, address="198.51.100.1").status_code == 302


def test_only_failed_attempts_count_against_an_account(limited, app, make_user):
    writer = make_user(Role.WRITER, email="rajin@uji.bp.id")
    for i in range(15):  # signing in on phone, laptop and office computer all day
        assert sign_in(app, writer.email, PASSWORD, address=f"192.0.2.{i}").status_code == 302
    codes = [sign_in(app, writer.email, WRONG, address=f"192.0.2.{i}").status_code for i in range(11)]
    assert codes == [200] * 10 + [429]


def test_unknown_and_existing_accounts_get_the_same_answers(limited, app, make_user):
    """The limiter must not tell which accounts exist: same codes, same pages, same waits."""
    make_user(Role.WRITER, email="ada@uji.bp.id")

    def run(email: str, subnet: str):
        return [sign_in(app, email, WRONG, address=f"{subnet}.{i}") for i in range(12)]

    existing, unknown = run("ada@uji.bp.id", "10.1.0"), run("tidak-ada@uji.bp.id", "10.2.0")
    assert [r.status_code for r in existing] == [r.status_code for r in unknown] == [200] * 10 + [429] * 2
    for a, b in zip(existing, unknown):
        assert page_text(a).replace("ada@uji.bp.id", "X") == page_text(b).replace("tidak-ada@uji.bp.id", "X")
        assert a.headers.get("Retry-After") is None or abs(int(a.headers["Retry-After"]) - int(b.headers["Retry-After"])) <= 2


def test_one_address_cannot_spray_passwords_over_many_accounts(limited, app):
    codes = [sign_in(app, f"tebakan{i}@uji.bp.id", "musim-hujan-2026").status_code for i in range(60)]
    assert codes == [200] * 60
    refused = sign_in(app, "tebakan60@uji.bp.id", "musim-hujan-2026")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    page = refused.get_data(as_text=True)
    assert "Terlalu banyak percobaan masuk dari jaringan Anda" in page
    assert "Kata sandi untuk email ini" not in page
    # Another address is not held by this one.
    assert sign_in(app, "tebakan61@uji.bp.id", "musim-hujan-2026", address="198.51.100.200").status_code == 200


def test_a_forged_forwarded_for_header_does_not_escape_the_address_limit(limited, app):
    """Without BEHIND_PROXY the client's own X-Forwarded-For is ignored: the address is the peer's."""
    codes = [sign_in(app, f"palsu{i}@uji.bp.id", WRONG, **{"X-Forwarded-For": f"10.9.{i}.1"}).status_code
             for i in range(61)]
    assert codes == [200] * 60 + [429]


def test_behind_the_proxy_each_client_address_counts_on_its_own(limited, app_config, tmp_path):
    """With BEHIND_PROXY the proxy's X-Forwarded-For hop is the address: two offices behind one nginx."""
    from portal import create_app
    from portal.extensions import db

    app_config["BEHIND_PROXY"] = True
    proxied = create_app(dict(app_config), instance_path=str(tmp_path / "instance-proxy"))
    with proxied.app_context():
        db.create_all()

    def attempt(i: int, client_address: str):
        return sign_in(proxied, f"kantor{i}@uji.bp.id", WRONG, address="127.0.0.1",
                       **{"X-Forwarded-For": client_address})

    office_a = [attempt(i, "203.0.113.10").status_code for i in range(61)]
    assert office_a == [200] * 60 + [429]
    assert attempt(99, "203.0.113.20").status_code == 200  # the other office, through the same proxy
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_older_setting_login_rate_limit_still_sets_the_address_ceiling(app_config, limited, tmp_path):
    """An instance config written before the split (``LOGIN_RATE_LIMIT``) keeps meaning per address."""
    from portal import create_app
    from portal.extensions import db

    app_config["LOGIN_RATE_LIMIT"] = "3 per minute"
    old = create_app(dict(app_config), instance_path=str(tmp_path / "instance-old"))
    with old.app_context():
        db.create_all()
    codes = [sign_in(old, f"lama{i}@uji.bp.id", WRONG).status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]
    with old.app_context():
        db.session.remove()
        db.engine.dispose()


def test_settings_choose_both_limits(app_config, limited, app, make_user):
    app.config["LOGIN_RATE_LIMIT_ACCOUNT"] = "2 per minute"
    app.config["LOGIN_RATE_LIMIT_ADDRESS"] = "5 per minute"
    writer = make_user(Role.WRITER, email="atur@uji.bp.id")
    assert [sign_in(app, writer.email, WRONG, address=f"10.3.0.{i}").status_code for i in range(3)] == [200, 200, 429]
    assert [sign_in(app, f"x{i}@uji.bp.id", WRONG, address="10.4.0.1").status_code for i in range(6)] == \
        [200] * 5 + [429]


def test_the_limited_page_is_friendly(limited, app, make_user):
    writer = make_user(Role.WRITER, email="ramah@uji.bp.id")
    for i in range(10):
        sign_in(app, writer.email, WRONG, address=f"10.5.0.{i}")
    refused = sign_in(app, writer.email, WRONG, address="10.5.0.99")
    assert refused.status_code == 429
    assert refused.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in refused.headers["Content-Security-Policy"]
    page = refused.get_data(as_text=True)
    assert 'href="/akun/masuk"' in page  # a way back once the wait is over
    assert "pengelola data" in page  # and what to do meanwhile instead of guessing
    assert "<form" not in page.split("<main", 1)[-1]  # no form that would only be refused again
    english = app.test_client()
    english.get("/akun/bahasa/en")
    answer = english.post("/akun/masuk", data={"email": writer.email, "password": WRONG},
                          environ_base={"REMOTE_ADDR": "10.5.0.100"})
    assert answer.status_code == 429 and "Traceback" not in answer.get_data(as_text=True)


def test_a_get_of_the_sign_in_page_is_never_limited(limited, app):
    for i in range(61):
        sign_in(app, f"g{i}@uji.bp.id", WRONG)
    client = app.test_client()
    assert all(client.get("/akun/masuk", environ_base={"REMOTE_ADDR": OFFICE}).status_code == 200 for _ in range(5))


def test_every_limit_of_the_portal_is_on_post_only(app):
    """``portal.extensions`` lets reads skip the limiter altogether; that is right only while no limit is declared
    for another method. Read from the limiter's own register of decorated limits (every route's, not only sign-in)."""
    from portal.extensions import SAFE_METHODS, limiter

    declared = {route: [limit.methods for group in groups for limit in group]
                for route, groups in limiter.limit_manager._decorated_limits.items()}
    assert {"portal.auth.routes.login.login", "portal.auth.reset.forgot_password.forgot_password",
            "portal.elearning.routes_discussion.comment.comment"} <= set(declared), sorted(declared)
    for route, methods in declared.items():
        assert all(m == ("post",) for m in methods), (route, methods)
    assert {m.lower() for m in SAFE_METHODS}.isdisjoint({"post", "put", "patch", "delete"})


def test_a_read_never_reaches_the_limiter_and_a_post_still_does(limited, app, make_user, monkeypatch):
    """The limiter's request hooks run for requests it may limit only (``portal.extensions``): a GET, HEAD or
    OPTIONS costs it nothing, a POST goes through its hooks and its decorated limits as before."""
    from portal.extensions import limiter

    make_user(Role.WRITER, email="baca@uji.bp.id")
    asked = []
    original = limiter.identify_request
    monkeypatch.setattr(limiter, "identify_request", lambda: asked.append(request_method()) or original())
    client = app.test_client()
    for method in ("get", "head", "options"):
        for path in ("/elearning/", "/"):
            assert getattr(client, method)(path).status_code in (200, 302), (method, path)
    assert asked == []  # (the three views with a limit of their own still ask it, and it lets a read through)
    assert sign_in(app, "baca@uji.bp.id", WRONG).status_code == 200
    assert asked and set(asked) == {"POST"}
    codes = [sign_in(app, "baca@uji.bp.id", WRONG).status_code for _ in range(10)]
    assert codes == [200] * 9 + [429]  # the account's limit (10 failures a minute) still holds


def request_method() -> str:
    from flask import request

    return request.method
