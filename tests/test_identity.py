"""The signed-in person read as rows (portal/auth/identity.py) answers what the ORM account answers."""
from __future__ import annotations

from portal import permissions as perm
from portal.auth.identity import SignedIn, signed_in
from portal.auth.sessions import load_user
from portal.extensions import db
from portal.models.org import Kmw, Region, Team
from portal.models.people import Role, User

FIELDS = ("id", "role", "team_id", "city_id", "kmw_id", "level", "place", "timezone")


def _as_rows(user_id: int) -> SignedIn:
    found = signed_in(user_id)
    assert found is not None
    return found[0]


def test_every_level_of_role_reads_as_the_orm_reads_it(make_tree, make_user, app):
    tree = make_tree()
    empty_kmw = Kmw(code="KMW-C", name="KMW C", region=db.session.scalar(db.select(Region)))
    db.session.add(empty_kmw)
    db.session.commit()
    person = make_user(roles=[
        (Role.WRITER, tree.team["jayapura-TF01"]), (Role.DATA_MANAGER, tree.city["makassar"]),
        (Role.PANEL_MEMBER, tree.kmw["B"]), (Role.WRITER, tree.kmw["A"]), (Role.PANEL_MEMBER, empty_kmw),
        (Role.DATA_MANAGER, None), (Role.READER, None), (Role.ADMIN, None)])
    account = db.session.get(User, person.id)
    expected = [tuple(getattr(a, f) for f in FIELDS) for a in account.roles]
    # the KMW of two provinces takes its first by name (Papua, WIT), the one without provinces says nothing
    assert [e[-2:] for e in expected] == [
        ("TF 01 Kota Jayapura, Kota Jayapura, Papua", "Asia/Jayapura"),
        ("Kota Makassar, Sulawesi Selatan", "Asia/Makassar"),
        ("KMW B", "Asia/Jayapura"), ("KMW A", "Asia/Jakarta"), ("KMW C", None), ("", None), ("", None), ("", None)]
    home = perm.home_timezone(account)

    rows = _as_rows(person.id)
    assert [tuple(getattr(a, f) for f in FIELDS) for a in rows.roles] == expected
    assert perm.home_timezone(rows) == home == "Asia/Jayapura"
    assert (rows.id, rows.email, rows.name, rows.get_id()) == (person.id, person.email, person.name, person.get_id())
    assert rows.is_authenticated and rows.is_active and not rows.is_anonymous


def test_the_rules_answer_alike_for_rows_and_orm(make_tree, make_user, app):
    tree = make_tree()
    people = [make_user(Role.WRITER, tree.team["semarang-TF01"]), make_user(Role.DATA_MANAGER, tree.city["demak"]),
              make_user(Role.DATA_MANAGER, tree.kmw["B"]), make_user(Role.PANEL_MEMBER, tree.city["semarang"]),
              make_user(Role.WRITER, tree.kmw["A"]), make_user(Role.ADMIN), make_user(Role.READER)]
    for person in people:
        rows = _as_rows(person.id)
        account = db.session.get(User, person.id)
        for city in tree.city.values():
            assert perm.can_manage_city(rows, city) == perm.can_manage_city(account, city)
            assert perm.panel_pool_covers(rows, city_id=city.id) == perm.panel_pool_covers(account, city_id=city.id)
        for kmw in tree.kmw.values():
            assert perm.can_manage_kmw(rows, kmw) == perm.can_manage_kmw(account, kmw)
            assert perm.is_kmw_expert(rows, kmw.id) == perm.is_kmw_expert(account, kmw.id)
        for check in (perm.is_admin, perm.is_data_manager, perm.can_manage_national, perm.managed_scope,
                      perm.writes_for_a_team, perm.is_kmw_expert):
            assert check(rows) == check(account), (check.__name__, person.email)
        assert perm.writer_teams(rows) == perm.writer_teams(account)  # the same ORM objects, from the session
        assert perm.expert_kmws(rows) == perm.expert_kmws(account)


def test_a_team_is_read_with_its_city_and_province_once_and_then_comes_from_the_session(make_tree, make_user, app):
    from tests.querycount import count_queries

    tree = make_tree()
    writer_id = make_user(Role.WRITER, tree.team["makassar-TF02"]).id
    db.session.expunge_all()  # as at the start of a request: nothing read yet
    rows = _as_rows(writer_id)
    with count_queries(db.engine) as statements:
        team = rows.roles[0].team
        assert (team.name, team.city.name, team.city.province.timezone) == (
            "TF 02 Kota Makassar", "Kota Makassar", "Asia/Makassar")
        assert rows.roles[0].team is team
    assert len(statements) == 1, statements.summary()
    assert isinstance(team, Team) and rows.account is db.session.get(User, writer_id)


def test_a_writer_of_two_teams_has_both_read_in_one_statement_in_the_order_given(make_tree, make_user, app):
    from tests.querycount import count_queries

    tree = make_tree()
    writer_id = make_user(roles=[(Role.WRITER, tree.team["jayapura-TF02"]), (Role.WRITER, tree.team["demak-TF01"]),
                                 (Role.WRITER, tree.kmw["B"])]).id
    db.session.expunge_all()
    rows = _as_rows(writer_id)
    with count_queries(db.engine) as statements:
        teams = perm.writer_teams(rows)
        assert [(t.name, t.city.province.timezone) for t in teams] == [
            ("TF 02 Kota Jayapura", "Asia/Jayapura"), ("TF 01 Kabupaten Demak", "Asia/Jakarta")]
        assert perm.writer_teams(rows) == teams  # from the identity map now
    assert len(statements) == 1, statements.summary()
    assert [k.name for k in perm.expert_kmws(rows)] == ["KMW B"]


def test_the_writers_pages_take_the_teams_from_the_signed_in_rows_without_a_statement(make_tree, make_user, app):
    """``submissions.queries.writer_teams``: for the signed-in person the teams come from the roles' rows (id,
    name, kind, city, time zone, as the mapped teams say them, in the order given) with no statement; for an
    account they are its mapped teams. The deadlines follow the same time zone either way."""
    from portal.models.org import node_timezone
    from portal.submissions import operations, queries
    from tests.querycount import count_queries

    tree = make_tree()
    writer_id = make_user(roles=[(Role.WRITER, tree.team["jayapura-TF02"]), (Role.WRITER, tree.team["demak-TF01"]),
                                 (Role.WRITER, tree.kmw["B"]), (Role.PANEL_MEMBER, tree.city["semarang"])]).id
    db.session.expunge_all()
    rows = _as_rows(writer_id)
    with count_queries(db.engine) as statements:
        teams = queries.writer_teams(rows)
    assert len(statements) == 0, statements.summary()
    account = db.session.get(User, writer_id)
    mapped = queries.writer_teams(account)
    assert all(isinstance(t, Team) for t in mapped)
    assert [(t.id, t.name, t.kind, t.city_id, t.city.name, node_timezone(t)) for t in teams] == [
        (t.id, t.name, t.kind, t.city_id, t.city.name, node_timezone(t)) for t in mapped]
    assert [node_timezone(t) for t in teams] == ["Asia/Jayapura", "Asia/Jakarta"]
    assert [operations.team_writing_cycle(t) for t in teams] == [operations.team_writing_cycle(t) for t in mapped]
    reader = make_user(Role.READER)
    assert queries.writer_teams(_as_rows(reader.id)) == []


def test_no_roles_no_account_a_disabled_account_and_an_ended_session(app):
    person = User(email="tanpa.peran@uji.bp.id", name="Tanpa Peran", password_hash="x")
    db.session.add(person)
    db.session.commit()
    rows = _as_rows(person.id)
    assert rows.roles == () and perm.home_timezone(rows) == "Asia/Jakarta" and not perm.is_data_manager(rows)
    with app.test_request_context():
        assert load_user(person.get_id()).id == person.id
        assert load_user(f"{person.id}:{person.session_version + 1}") is None  # signed out everywhere since
        assert load_user("999999:1") is None and load_user("nonsense") is None
        db.session.get(User, person.id).active = False
        db.session.commit()
        assert load_user(person.get_id()) is None
