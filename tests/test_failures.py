"""One error hierarchy (portal/failures.py): an operation's refusal becomes a flash on a form page, a JSON error
on a JSON endpoint and an error page otherwise, in one handler; and a GET of the rubric admin writes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from portal import failures
from portal.accounts.rules import ScopeError
from portal.auth.operations import AccountError
from portal.elearning.operations import DiscussionError
from portal.extensions import db
from portal.maintenance import MaintenanceError
from portal.models.people import Role
from portal.models.pieces import Piece, PieceStatus
from portal.models.reviews import RubricVersion
from portal.org.csvtable import TableError
from portal.org.operations import OrgError
from portal.panels.operations import PanelError, PanelLocked, StaleSheet
from portal.photos import PhotoError
from portal.rubric_admin.operations import RubricRefused
from portal.submissions.media import MediaError
from portal.submissions.operations import SubmissionError, VersionConflict


@pytest.mark.parametrize("error", [AccountError, DiscussionError, MaintenanceError, MediaError, OrgError, PanelError,
                                   PanelLocked, PhotoError, RubricRefused, ScopeError, StaleSheet, SubmissionError,
                                   TableError, VersionConflict])
def test_every_feature_refusal_is_a_portal_error(error):
    assert issubclass(error, failures.PortalError)


def test_the_message_travels_with_the_error():
    assert OrgError("Kode sudah dipakai.", "code").message == "Kode sudah dipakai."
    assert str(SubmissionError("Batas sudah lewat.")) == "Batas sudah lewat."
    assert RubricRefused(["a", "b"]).message == "a; b"
    assert DiscussionError("x").json() == {"error": "x"}
    assert VersionConflict(1).json()["conflict"] is True and VersionConflict(1).status == 409


# --- form pages: a flash and back where the view said --------------------------------------------------

def _flashes(client) -> list:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


def test_a_refused_delete_is_flashed_on_the_node_page(app, client, make_tree, make_user, login):
    tree = make_tree()
    login(make_user(Role.ADMIN))
    city = tree.city["semarang"]
    response = client.post(f"/admin/struktur/kota/{city.id}/hapus")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/struktur/kota/{city.id}")
    assert [(category, "Tidak dapat dihapus" in text) for category, text in _flashes(client)] == [("error", True)]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tidak dapat dihapus: masih ada" in page


def test_a_refused_withdrawal_is_flashed_and_writes_nothing(app, client, make_tree, make_user, make_piece, login):
    tree = make_tree()
    team = tree.team["semarang-TF01"]
    writer = make_user(Role.WRITER, team)
    piece = make_piece(team, status="draft")
    login(writer)
    response = client.post(f"/tulisan/{piece.id}/tarik")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/tulisan/{piece.id}/lihat")
    assert _flashes(client) == [("error", "Hanya tulisan yang sudah dikirim yang dapat ditarik kembali.")]
    db.session.expire_all()
    assert db.session.get(Piece, piece.id).status == PieceStatus.DRAFT


def test_a_panel_that_cannot_decide_says_why_on_its_results(app, client, make_tree, make_user, make_piece, login):
    from builders_panels import city_panel, make_pool

    tree = make_tree()
    make_piece(tree.team["semarang-TF01"])
    pool = make_pool(make_user, 3, tree.city["semarang"])
    panel = city_panel(tree, "semarang", pool, make_user(Role.ADMIN))
    login(pool[0])
    response = client.post(f"/penilaian/panel/{panel.id}/tutup")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/penilaian/panel/{panel.id}/hasil")
    [(category, text)] = _flashes(client)
    assert category == "error" and "belum diperiksa" in text


def test_a_form_post_asking_for_json_gets_the_refusal_as_json(app, client, make_tree, make_user, login):
    tree = make_tree()
    login(make_user(Role.ADMIN))
    city = tree.city["semarang"]
    response = client.post(f"/admin/struktur/kota/{city.id}/hapus", headers={"Accept": "application/json"})
    assert response.status_code == 400 and "Tidak dapat dihapus" in response.get_json()["error"]
    assert _flashes(client) == []


# --- JSON endpoints: {"error": message} with the error's status ----------------------------------------

@pytest.fixture
def draft(make_tree, make_user, make_piece, login, client):
    tree = make_tree()
    team = tree.team["semarang-TF01"]
    writer = make_user(Role.WRITER, team)
    piece = make_piece(team, status="draft")
    login(writer)
    return piece


def test_autosave_refusals_are_json(app, client, draft):
    stale = client.post(f"/tulisan/{draft.id}/simpan", json={"version": draft.version + 5, "title": "Baru"})
    assert stale.status_code == 409 and stale.is_json
    assert stale.get_json()["conflict"] is True and "sudah diubah di jendela" in stale.get_json()["error"]
    draft.status = PieceStatus.SUBMITTED
    db.session.commit()
    locked = client.post(f"/tulisan/{draft.id}/simpan", json={"version": draft.version, "title": "Baru"})
    assert locked.status_code == 400 and locked.get_json() == {
        "error": "Tulisan sudah dikirim. Tarik kembali dulu jika ingin mengubahnya."}
    assert _flashes(client) == []
    db.session.expire_all()
    assert db.session.get(Piece, draft.id).title != "Baru"


def test_a_refused_photo_upload_is_json(app, client, draft):
    import io

    response = client.post(f"/tulisan/{draft.id}/foto", data={"photo": (io.BytesIO(b"bukan foto"), "x.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and response.is_json and response.get_json()["error"]
    assert _flashes(client) == []


# --- anything else: the error page, with the message escaped -------------------------------------------

def test_a_refusal_without_a_page_to_go_back_to_is_an_error_page(app):
    def refuse():
        raise OrgError("<b>Kode</b> sudah dipakai.")

    app.add_url_rule("/_uji/tolak", "refuse_for_test", refuse)
    response = app.test_client().get("/_uji/tolak")
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "&lt;b&gt;Kode&lt;/b&gt; sudah dipakai." in body and "<b>Kode" not in body


# --- the rubric admin: a GET writes nothing -------------------------------------------------------------

@pytest.fixture
def written(app):
    """The statements other than SELECT run while the test looks, and the COMMITs."""
    seen: list[str] = []

    def statement(conn, cursor, sql, parameters, context, executemany):
        if not sql.lstrip().upper().startswith("SELECT"):
            seen.append(sql)

    def commit(conn):
        seen.append("COMMIT")

    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(db.engine, "commit", commit)
    yield seen
    event.remove(db.engine, "before_cursor_execute", statement)
    event.remove(db.engine, "commit", commit)


def test_rubric_pages_write_nothing_on_get(app, client, make_user, login, written):
    login(make_user(Role.ADMIN))
    written.clear()
    index = client.get("/admin/rubrik/")
    assert index.status_code == 200 and "Aktif: pob-2010" in index.get_data(as_text=True)
    new = client.get("/admin/rubrik/baru")
    assert new.status_code == 200 and "Inovasi, kreatif, dan menginspirasi" in new.get_data(as_text=True)
    assert [s for s in written if s != "COMMIT"] == []  # a read-only request may end with COMMIT (portal/db.py)
    assert db.session.scalar(db.select(db.func.count()).select_from(RubricVersion)) == 0


def test_the_first_new_rubric_stores_the_default_first(app, client, make_user, login):
    from tests.test_rubric_admin import _form

    login(make_user(Role.ADMIN))
    client.get("/admin/rubrik/")
    assert client.post("/admin/rubrik/baru", data=_form(version="pob-2010")).status_code == 200  # name taken
    assert client.post("/admin/rubrik/baru", data=_form()).status_code == 302
    versions = {v.version: v.active for v in db.session.scalars(db.select(RubricVersion))}
    assert versions == {"pob-2010": True, "uji-2027": False}


def test_a_json_endpoint_leaves_no_mark_on_the_next_request(app, client, draft):
    """The test app context outlives requests (as a shell script's does): a form post after a JSON call still
    gets its flash and redirect."""
    assert client.post(f"/tulisan/{draft.id}/simpan", json={"version": draft.version + 5}).status_code == 409
    response = client.post(f"/tulisan/{draft.id}/tarik", content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/tulisan/{draft.id}/lihat")
