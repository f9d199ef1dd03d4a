"""Discussion on published pieces: comments, questions, replies, confirmations, reports, moderation, notifications."""
import re
from html.parser import HTMLParser

import pytest
from flask import g

from portal.extensions import db
from portal.models.elearning import Comment, CommentReport, Confirmation, Notification
from portal.models.people import AuditLog, Role
from tests.builders_elearning import add_comment, make_published


@pytest.fixture
def scene(make_tree, make_piece, make_user):
    tree = make_tree()
    piece = make_published(make_piece, tree.team["semarang-TF01"], "national", title="Bank sampah Semarang")
    return {
        "tree": tree, "piece": piece,
        "writer": make_user(Role.WRITER, tree.team["semarang-TF01"], name="Penulis Tim Satu"),
        "co_writer": make_user(Role.WRITER, tree.team["semarang-TF01"]),
        "other_writer": make_user(Role.WRITER, tree.team["semarang-TF02"]),
        "reader": make_user(Role.READER, name="Pembaca Setia"),
        "city_dm": make_user(Role.DATA_MANAGER, tree.city["semarang"]),
        "other_city_dm": make_user(Role.DATA_MANAGER, tree.city["demak"]),
        "kmw_dm": make_user(Role.DATA_MANAGER, tree.kmw["A"]),
        "other_kmw_dm": make_user(Role.DATA_MANAGER, tree.kmw["B"]),
        "national_dm": make_user(Role.DATA_MANAGER, None),
    }


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_no_active_markup(page: str) -> None:
    """No script or svg element, no on* handler, no javascript: link anywhere in the parsed page."""
    parser = _Tags()
    parser.feed(page)
    for tag, attrs in parser.tags:
        assert tag not in ("script", "svg", "iframe"), tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not (attrs.get("href") or "").strip().lower().startswith("javascript"), attrs


def body_of(r) -> str:
    return r.get_data(as_text=True)


def test_anonymous_cannot_comment_but_sees_comments(client, scene):
    add_comment(scene["piece"], scene["reader"], "Sangat menginspirasi")
    url = f"/elearning/tulisan/{scene['piece'].id}"
    page = body_of(client.get(url))
    assert "Sangat menginspirasi" in page and "Pembaca Setia" in page and "Masuk" in page
    r = client.post(f"{url}/komentar", data={"body": "Anonim"})
    assert r.status_code == 302 and "/akun/masuk" in r.headers["Location"]
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1


def test_signed_in_reader_comments_and_it_shows(client, scene, login):
    login(scene["reader"])
    url = f"/elearning/tulisan/{scene['piece'].id}"
    r = client.post(f"{url}/komentar", data={"body": "Bagaimana cara memulai bank sampah?\nTerima kasih."})
    assert r.status_code == 302 and "#komentar-" in r.headers["Location"]
    page = body_of(client.get(url))
    assert "Bagaimana cara memulai bank sampah?<br>Terima kasih." in page


def test_empty_or_too_long_comment_refused_and_text_kept(client, scene, login):
    login(scene["reader"])
    url = f"/elearning/tulisan/{scene['piece'].id}/komentar"
    r = client.post(url, data={"body": "   "})
    assert r.status_code == 400 and "Tulis isi komentar terlebih dahulu." in body_of(r)
    long_text = "panjang " * 400
    r = client.post(url, data={"body": long_text})
    assert r.status_code == 400 and "terlalu panjang" in body_of(r) and "panjang panjang" in body_of(r)
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0


@pytest.mark.parametrize("payload", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    'javascript:alert(1) <a href="javascript:alert(1)">x</a>',
    '"><svg onload=alert(1)>',
])
def test_xss_in_comments_and_replies_is_escaped(client, scene, login, payload):
    login(scene["reader"])
    url = f"/elearning/tulisan/{scene['piece'].id}"
    client.post(f"{url}/komentar", data={"body": f"awal {payload} https://contoh.id/a?b=1 akhir"})
    parent = db.session.scalar(db.select(Comment))
    client.post(f"{url}/komentar", data={"body": f"balas {payload}", "parent_id": str(parent.id)})
    page = body_of(client.get(url))
    assert_no_active_markup(page)
    assert "<img src=x" not in page and "<svg" not in page
    assert '<a href="https://contoh.id/a?b=1" rel="noopener noreferrer nofollow ugc">' in page


def test_reply_to_a_reply_is_flattened_to_one_level(client, scene, login):
    top = add_comment(scene["piece"], scene["writer"], "Komentar utama")
    reply = add_comment(scene["piece"], scene["reader"], "Balasan pertama", parent=top)
    login(scene["reader"])
    r = client.post(f"/elearning/tulisan/{scene['piece'].id}/komentar",
                    data={"body": "Balasan atas balasan", "parent_id": str(reply.id)})
    assert r.status_code == 302
    nested = db.session.scalar(db.select(Comment).where(Comment.body == "Balasan atas balasan"))
    assert nested.parent_id == top.id and nested.kind == "comment"


def test_reply_to_a_comment_of_another_piece_is_refused(client, scene, login, make_piece):
    other = make_published(make_piece, scene["tree"].team["semarang-TF02"], "province")
    foreign = add_comment(other, scene["writer"], "Di tulisan lain")
    login(scene["reader"])
    r = client.post(f"/elearning/tulisan/{scene['piece'].id}/komentar",
                    data={"body": "Nyasar", "parent_id": str(foreign.id)})
    assert r.status_code == 400 and "tidak ditemukan" in body_of(r)


def test_question_notifies_the_team_writers(client, scene, login, app):
    login(scene["other_writer"])
    r = client.post(f"/elearning/tulisan/{scene['piece'].id}/komentar",
                    data={"body": "Berapa biaya awalnya?", "kind": "question"})
    assert r.status_code == 302
    notified = {n.user_id for n in db.session.scalars(db.select(Notification))}
    assert notified == {scene["writer"].id, scene["co_writer"].id}
    # A plain comment does not notify.
    client.post(f"/elearning/tulisan/{scene['piece'].id}/komentar", data={"body": "Bagus", "kind": "comment"})
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 2
    w = app.test_client()
    login(scene["writer"], c=w)
    page = body_of(w.get("/notifikasi"))  # the notification centre (moved from /elearning/notifikasi)
    assert "Pertanyaan baru" in page and "1 belum dibaca" in page
    assert w.post("/notifikasi/baca-semua").status_code == 302
    assert "belum dibaca" not in body_of(w.get("/notifikasi"))
    # Another user's notifications are not listed for the reader.
    assert "Pertanyaan baru" not in body_of(client.get("/notifikasi"))


def test_notifications_need_login(client, scene):
    assert client.get("/notifikasi").status_code == 302
    # an old bookmark of the e-learning notifications lands on the centre
    old = client.get("/elearning/notifikasi")
    assert old.status_code == 301 and old.headers["Location"].endswith("/notifikasi")


def test_confirm_toggles_and_counts(client, scene, login, app):
    url = f"/elearning/tulisan/{scene['piece'].id}"
    login(scene["reader"])
    assert client.post(f"{url}/konfirmasi").status_code == 302
    assert client.post(f"{url}/konfirmasi").status_code == 302
    assert db.session.scalar(db.select(db.func.count(Confirmation.id))) == 0
    client.post(f"{url}/konfirmasi")
    other = app.test_client()
    login(scene["writer"], c=other)
    other.post(f"{url}/konfirmasi")
    assert db.session.scalar(db.select(db.func.count(Confirmation.id))) == 2
    page = body_of(app.test_client().get(url))
    assert re.search(r"<strong>2</strong> pelaku program", page)
    assert "Batalkan konfirmasi" in body_of(client.get(url))


def test_the_shown_pieces_confirmations_are_those_counted_alone(client, scene, login, app):
    """The piece page reads the confirmations in the piece's own statement (``queries.shown_piece``): the count
    and the reader's own confirmation agree with ``confirmations_of`` for every reader, before and after
    confirming; anonymous readers match none; the page shows them."""
    from portal.elearning import queries

    piece, url = scene["piece"], f"/elearning/tulisan/{scene['piece'].id}"
    readers = [scene[k] for k in ("reader", "writer", "other_writer", "national_dm")]

    def agree():
        for person in [None, *readers]:
            user_id = person.id if person else None
            shown = queries.shown_piece(piece.id, user_id)
            assert (shown.confirmations, shown.confirmed) == queries.confirmations_of(piece.id, user_id), person
        return queries.shown_piece(piece.id).confirmations

    assert agree() == 0
    for person in readers[:2]:
        db.session.add(Confirmation(piece_id=piece.id, user_id=person.id))
    db.session.commit()
    assert agree() == 2
    assert queries.shown_piece(piece.id, scene["reader"].id).confirmed
    assert not queries.shown_piece(piece.id, scene["other_writer"].id).confirmed
    assert not queries.shown_piece(piece.id).confirmed
    login(scene["reader"])
    page = body_of(client.get(url))
    assert re.search(r"<strong>2</strong> pelaku program", page) and "Batalkan konfirmasi" in page
    login(scene["other_writer"], c=(other := app.test_client()))
    page = body_of(other.get(url))
    assert re.search(r"<strong>2</strong> pelaku program", page) and "Batalkan konfirmasi" not in page


def test_the_shown_pieces_counts_spare_the_statements_of_what_it_lacks(scene, client):
    """``shown_piece`` counts the piece's comments (hidden ones and replies too) and standing awards: with none,
    ``comments_for`` and ``awards_for`` send no statement; with some, they answer what ``comments_of`` and
    ``awards_of`` answer, as they do for a mapped piece."""
    from datetime import UTC, datetime

    from querycount import count_queries

    from portal.elearning import queries
    from portal.models.elearning import Award

    piece = scene["piece"]

    def same(shown):
        as_shown = [(c.id, [r.id for r in c.replies]) for c in queries.comments_for(shown)]
        assert as_shown == [(c.id, [r.id for r in c.replies]) for c in queries.comments_of(piece.id)]
        assert as_shown == [(c.id, [r.id for r in c.replies]) for c in queries.comments_for(piece)]
        assert [a.id for a in queries.awards_for(shown)] == [a.id for a in queries.awards_of([piece.id])[piece.id]]
        assert [a.id for a in queries.awards_for(piece)] == [a.id for a in queries.awards_for(shown)]
        return as_shown

    shown = queries.shown_piece(piece.id)
    assert (shown.comment_count, shown.award_count) == (0, 0)
    with count_queries(db.engine) as statements:
        assert queries.comments_for(shown) == [] and queries.awards_for(shown) == []
    assert statements == []
    same(shown)
    top = add_comment(piece, scene["reader"], "Pertanyaan", hidden=True)
    add_comment(piece, scene["writer"], "Jawaban", parent=top)
    award = Award(piece_id=piece.id, title="Undangan lokakarya", recorded_by_id=scene["national_dm"].id)
    db.session.add(award)
    db.session.commit()
    shown = queries.shown_piece(piece.id)
    assert (shown.comment_count, shown.award_count) == (2, 1)
    assert len(same(shown)) == 1 and "Undangan lokakarya" in body_of(client.get(f"/elearning/tulisan/{piece.id}"))
    award.revoked_at = datetime.now(UTC)
    db.session.commit()
    shown = queries.shown_piece(piece.id)
    assert shown.award_count == 0 and queries.awards_for(shown) == []
    same(shown)


def test_hidden_comments_are_not_shown_to_the_public(client, scene, login):
    visible = add_comment(scene["piece"], scene["reader"], "Komentar yang wajar")
    hidden = add_comment(scene["piece"], scene["reader"], "Iklan obat kuat 0812", hidden=True)
    add_comment(scene["piece"], scene["writer"], "Balasan tersembunyi rahasia", parent=visible, hidden=True)
    url = f"/elearning/tulisan/{scene['piece'].id}"
    page = body_of(client.get(url))
    assert "Komentar yang wajar" in page
    assert "Iklan obat kuat" not in page and "Balasan tersembunyi rahasia" not in page
    assert "komentar disembunyikan" in page
    login(scene["other_writer"])
    assert "Iklan obat kuat" not in body_of(client.get(url))
    assert hidden.id


def test_report_then_city_data_manager_hides_with_reason(client, scene, login, app):
    comment = add_comment(scene["piece"], scene["reader"], "Kata-kata kasar")
    login(scene["other_writer"])
    assert client.post(f"/elearning/komentar/{comment.id}/laporkan", data={"reason": "kasar"}).status_code == 302
    assert client.post(f"/elearning/komentar/{comment.id}/laporkan", data={"reason": "lagi"}).status_code == 302
    assert db.session.scalar(db.select(db.func.count(CommentReport.id))) == 1
    dm = app.test_client()
    login(scene["city_dm"], c=dm)
    assert "Kata-kata kasar" in body_of(dm.get("/elearning/moderasi"))
    refused = dm.post(f"/elearning/komentar/{comment.id}/moderasi", data={"action": "hide", "reason": ""})
    assert refused.status_code == 302
    db.session.refresh(comment)
    assert comment.hidden is False
    r = dm.post(f"/elearning/komentar/{comment.id}/moderasi", data={"action": "hide", "reason": "bahasa kasar"})
    assert r.status_code == 302
    db.session.refresh(comment)
    assert comment.hidden and comment.hidden_reason == "bahasa kasar" and comment.hidden_by_id == scene["city_dm"].id
    assert db.session.scalar(db.select(CommentReport)).resolved
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "comment_hidden")) is not None
    assert "Kata-kata kasar" not in body_of(app.test_client().get(f"/elearning/tulisan/{scene['piece'].id}"))
    # The moderator still sees it, marked, and can restore it.
    assert "bahasa kasar" in body_of(dm.get(f"/elearning/tulisan/{scene['piece'].id}"))
    assert dm.post(f"/elearning/komentar/{comment.id}/moderasi", data={"action": "restore", "reason": ""}).status_code == 302
    db.session.refresh(comment)
    assert comment.hidden is False


@pytest.mark.parametrize("who,allowed", [
    ("reader", False), ("writer", False), ("other_writer", False), ("other_city_dm", False),
    ("other_kmw_dm", False), ("city_dm", True), ("kmw_dm", True), ("national_dm", True),
])
def test_who_may_hide_a_comment(app, scene, login, who, allowed):
    comment = add_comment(scene["piece"], scene["reader"], "Komentar uji")
    c = app.test_client()
    login(scene[who], c=c)
    r = c.post(f"/elearning/komentar/{comment.id}/moderasi", data={"action": "hide", "reason": "uji"})
    assert r.status_code == (302 if allowed else 403)
    db.session.refresh(comment)
    assert comment.hidden is allowed


def test_reader_and_other_city_cannot_open_moderation_of_our_city(app, scene, login):
    comment = add_comment(scene["piece"], scene["reader"], "Dilaporkan di Semarang")
    db.session.add(CommentReport(comment_id=comment.id, user_id=scene["writer"].id, reason="x"))
    db.session.commit()
    c = app.test_client()
    login(scene["reader"], c=c)
    assert c.get("/elearning/moderasi").status_code == 403
    d = app.test_client()
    login(scene["other_city_dm"], c=d)
    assert "Dilaporkan di Semarang" not in body_of(d.get("/elearning/moderasi"))
    e = app.test_client()
    login(scene["other_kmw_dm"], c=e)
    assert "Dilaporkan di Semarang" not in body_of(e.get("/elearning/moderasi"))


def test_moderating_an_unknown_comment_is_404(app, scene, login):
    c = app.test_client()
    login(scene["national_dm"], c=c)
    assert c.post("/elearning/komentar/99999/moderasi", data={"action": "hide", "reason": "x"}).status_code == 404
    assert c.post("/elearning/komentar/99999/laporkan").status_code == 404


def test_csrf_required_on_discussion_forms(app, scene, login):
    app.config["WTF_CSRF_ENABLED"] = True
    c = app.test_client()
    page = c.get("/akun/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    c.post("/akun/masuk", data={"email": scene["reader"].email, "password": "kata-sandi-uji-9431", "csrf_token": token})
    # The test app context outlives requests, so Flask-WTF's per-request token cache in ``g`` would carry the
    # pre-login token over; production requests each get a fresh ``g``.
    g.pop("csrf_token", None)
    url = f"/elearning/tulisan/{scene['piece'].id}"
    assert c.post(f"{url}/komentar", data={"body": "tanpa token"}).status_code == 400
    assert c.post(f"{url}/konfirmasi").status_code == 400
    page = c.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = c.post(f"{url}/komentar", data={"body": "dengan token", "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)[-3000:]


@pytest.fixture
def limited(app_config):
    app_config["RATELIMIT_ENABLED"] = True


def test_comments_are_rate_limited_per_account(limited, app, scene, login):
    c = app.test_client()
    login(scene["reader"], c=c)
    url = f"/elearning/tulisan/{scene['piece'].id}/komentar"
    codes = [c.post(url, data={"body": f"komentar {i}"}).status_code for i in range(7)]
    assert codes[:5] == [302] * 5 and codes[-1] == 429
    r = c.post(url, data={"body": "lagi"})
    assert r.status_code == 429 and "Terlalu banyak percobaan" in r.get_data(as_text=True)
    # Another account (same address) is not blocked by the first one's limit.
    other = app.test_client()
    login(scene["writer"], c=other)
    assert other.post(url, data={"body": "dari akun lain"}).status_code == 302


def test_piece_page_queries_do_not_grow_with_comments(app, scene, make_user):
    from sqlalchemy import event

    def count_for_page() -> int:
        statements = []
        listener = lambda *args: statements.append(args[2])
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert app.test_client().get(f"/elearning/tulisan/{scene['piece'].id}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    first = add_comment(scene["piece"], scene["reader"], "satu")
    add_comment(scene["piece"], scene["writer"], "dua", parent=first)
    few = count_for_page()
    for i in range(12):
        top = add_comment(scene["piece"], make_user(Role.READER), f"komentar {i}")
        add_comment(scene["piece"], make_user(Role.READER), f"balasan {i}", parent=top)
    assert count_for_page() <= few
