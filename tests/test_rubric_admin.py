"""Administrators keep rubric versions: new weights are checked by the engine, and only new panels use them."""
import pytest

from portal.extensions import db
from portal.models.people import Role
from portal.models.reviews import RubricVersion
from portal.rubrics import active_rubric


def _form(version="uji-2027", weights=(10, 20, 10, 10, 10, 20, 10, 10), **extra):
    data = {"version": version, "passing_grade": 700, "min_score": 1, "max_score": 10}
    for i, w in enumerate(weights):
        data[f"instruments-{i}-code"] = i + 1
        data[f"instruments-{i}-name"] = f"Instrumen {i + 1}"
        data[f"instruments-{i}-description"] = "uraian"
        data[f"instruments-{i}-weight"] = w
    data.update(extra)
    return data


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


def test_admin_sees_the_default_rubric(client, admin, login):
    login(admin)
    body = client.get("/admin/rubrik/").get_data(as_text=True)
    assert "Inovasi, kreatif, dan menginspirasi" in body and "pob-2010" in body


def test_new_version_and_activation(client, admin, login):
    login(admin)
    r = client.post("/admin/rubrik/baru", data=_form(weights=(20, 20, 10, 10, 10, 10, 10, 10)))
    assert r.status_code == 302
    version = db.session.scalar(db.select(RubricVersion).where(RubricVersion.version == "uji-2027"))
    assert [i.weight for i in version.instruments][:2] == [20, 20] and not version.active
    client.post(f"/admin/rubrik/{version.id}/aktifkan")
    db.session.expire_all()
    assert active_rubric().version == "uji-2027"
    assert db.session.scalar(db.select(db.func.count()).where(RubricVersion.active.is_(True))) == 1


def test_weights_not_adding_to_100_are_refused_and_typed_values_kept(client, admin, login):
    login(admin)
    r = client.post("/admin/rubrik/baru", data=_form(weights=(20, 20, 20, 10, 10, 10, 10, 10)))
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "100" in body and "Rubrik belum dapat disimpan" in body
    assert 'value="uji-2027"' in body
    assert db.session.scalar(db.select(RubricVersion).where(RubricVersion.version == "uji-2027")) is None


def test_duplicate_version_name_refused(client, admin, login):
    login(admin)
    active_rubric()
    db.session.commit()
    r = client.post("/admin/rubrik/baru", data=_form(version="pob-2010"))
    assert "sudah ada" in r.get_data(as_text=True)


def test_xss_in_instrument_name_is_escaped(client, admin, login):
    login(admin)
    data = _form(**{"instruments-0-name": "<script>alert(1)</script>"})
    client.post("/admin/rubrik/baru", data=data)
    body = client.get("/admin/rubrik/").get_data(as_text=True)
    version = db.session.scalar(db.select(RubricVersion).where(RubricVersion.version == "uji-2027"))
    client.post(f"/admin/rubrik/{version.id}/aktifkan")
    body = client.get("/admin/rubrik/").get_data(as_text=True)
    assert "<script>alert(1)" not in body and "&lt;script&gt;" in body


@pytest.mark.parametrize("role", [Role.DATA_MANAGER, Role.PANEL_MEMBER, Role.WRITER, Role.READER])
def test_only_administrators(client, make_user, make_tree, login, role):
    tree = make_tree()
    scope = tree.team["semarang-TF01"] if role == Role.WRITER else None
    login(make_user(role, scope))
    assert client.get("/admin/rubrik/").status_code == 403
    assert client.post("/admin/rubrik/baru", data=_form()).status_code == 403


def test_anonymous_goes_to_login(client):
    assert "/akun/masuk" in client.get("/admin/rubrik/").headers["Location"]
