"""``portal.db.CompiledCache``: SQLAlchemy's compiled statements found by the statement's key object first."""
from __future__ import annotations

from sqlalchemy import select

from portal.db import CompiledCache
from portal.extensions import db
from portal.models.people import Role, User


class _Spy:
    """The cache's by-value store, with its lookups written down."""

    def __init__(self, store) -> None:
        self.store, self.seen = store, []

    def get(self, key, default=None):
        self.seen.append(key)
        return self.store.get(key, default)

    def __setitem__(self, key, value) -> None:
        self.store[key] = value


def _by_value_lookups(cache: CompiledCache, monkeypatch) -> list:
    spy = _Spy(cache._by_value)
    monkeypatch.setattr(cache, "_by_value", spy)
    return spy.seen


def test_the_engine_uses_it_and_a_statement_built_once_is_found_by_identity(app, make_user, monkeypatch):
    make_user(Role.WRITER, email="a@uji.bp.id")
    make_user(Role.WRITER, email="b@uji.bp.id")
    statement = select(User.email).where(User.email == db.bindparam("email"))
    with app.app_context():
        cache = db.engine.get_execution_options()["compiled_cache"]
        assert isinstance(cache, CompiledCache)
        with db.engine.connect() as conn:
            assert conn.execute(statement, {"email": "a@uji.bp.id"}).scalar() == "a@uji.bp.id"
            by_value = _by_value_lookups(cache, monkeypatch)
            # the same statement object again, other parameters: found by identity, right answer
            assert conn.execute(statement, {"email": "b@uji.bp.id"}).scalar() == "b@uji.bp.id"
            assert conn.execute(statement, {"email": "c@uji.bp.id"}).scalar() is None
            assert by_value == []
            # an equal statement built anew (another key object): found by value once, then by identity
            again = select(User.email).where(User.email == db.bindparam("email"))
            assert conn.execute(again, {"email": "a@uji.bp.id"}).scalar() == "a@uji.bp.id"
            assert len(by_value) == 1
            assert conn.execute(again, {"email": "b@uji.bp.id"}).scalar() == "b@uji.bp.id"
            assert len(by_value) == 1
            # another statement gets its own compiled form
            other = select(User.name).where(User.email == db.bindparam("email"))
            assert conn.execute(other, {"email": "a@uji.bp.id"}).scalar() != "a@uji.bp.id"


def test_the_orm_goes_through_it_too(app, make_user, monkeypatch):
    make_user(Role.WRITER, email="orm@uji.bp.id")
    statement = select(User.id, User.email).where(User.email == db.bindparam("email"))  # an ORM statement
    with app.app_context():
        by_value = _by_value_lookups(db.engine.get_execution_options()["compiled_cache"], monkeypatch)
        assert db.session.execute(statement, {"email": "orm@uji.bp.id"}).one().email == "orm@uji.bp.id"
        assert len(by_value) == 1
        assert db.session.execute(statement, {"email": "orm@uji.bp.id"}).one().email == "orm@uji.bp.id"
        assert len(by_value) == 1


def test_the_identity_layer_is_bounded_and_keeps_its_key_objects_alive():
    cache = CompiledCache(size=10, by_identity=3)
    dialect = object()
    keys = [(dialect, ("statement", i), (), False, False) for i in range(5)]
    for i, key in enumerate(keys):
        cache[key] = f"compiled {i}"
    assert len(cache._by_identity) <= 3
    assert all(entry[0] in [k[1] for k in keys] for entry in cache._by_identity.values())
    # an equal key (another object) is found by value and answers the same compiled form
    assert cache.get((dialect, ("statement", 0), (), False, False)) == "compiled 0"
    assert cache.get((dialect, ("statement", 9), (), False, False), "none") == "none"
    # the other parts of SQLAlchemy's key count: another flag is another entry
    assert cache.get((dialect, keys[4][1], (), False, True)) is None
    assert cache.get((object(), keys[4][1], (), False, False)) is None
