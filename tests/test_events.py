"""Side effects announced, not hidden: the operations send named signals (portal/signals.py), the subscribers
are registered by the app factory (portal/subscribers.py), and nothing attaches a listener at import time."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from builders_elearning import make_knowledge_product, make_published
from builders_panels import PERIOD, kmw_panel, make_pool, score_all

from portal import signals
from portal.elearning import operations as elearning_ops
from portal.extensions import db
from portal.models.people import Role
from portal.org import csvio
from portal.org import operations as org_ops
from portal.panels import operations as panel_ops
from portal.submissions import operations as submission_ops

ROOT = Path(__file__).resolve().parent.parent

# Every SQLAlchemy event the portal listens to, by target.
SESSION_EVENTS = ("before_flush", "after_flush", "do_orm_execute", "after_commit", "after_transaction_end",
                  "after_begin")
ENGINE_EVENTS = ("before_cursor_execute",)
POOL_EVENTS = ("connect", "checkout", "checkin")

_PROBE = """
import importlib, json, pkgutil, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool
import flask_sqlalchemy  # its own listeners are not the portal's

TARGETS = {"Session": (Session, %(session)r), "Engine": (Engine, %(engine)r), "Pool": (Pool, %(pool)r)}

def count():
    out = {}
    for name, (target, events) in TARGETS.items():
        for event_name in events:
            levels = getattr(target.dispatch, event_name)._clslevel
            out[f"{name}.{event_name}"] = sum(len(listeners) for listeners in levels.values())
    return out

before = count()
import portal
for module in pkgutil.walk_packages(portal.__path__, "portal."):
    if ".migrations.versions." not in module.name:
        importlib.import_module(module.name)
after_import = count()
from portal import page_cache, search
named = [*(n for n, _ in page_cache.SESSION_EVENTS), "after_flush"]
functions = [*page_cache.SESSION_EVENTS, ("after_flush", search.index_flushed)]
contained_at_import = [event.contains(Session, n, f) for n, f in functions]
app = portal.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": sys.argv[1]})
portal.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": sys.argv[1]})  # a second app adds nothing twice
print(json.dumps({"before": before, "after_import": after_import, "after_factory": count(),
                  "contained_at_import": contained_at_import,
                  "contained_after_factory": [event.contains(Session, n, f) for n, f in functions]}))
"""


def test_no_portal_module_attaches_a_listener_at_import_and_the_factory_does(tmp_path):
    """Import every portal module in a fresh interpreter: no SQLAlchemy listener appears until create_app."""
    probe = _PROBE % {"session": SESSION_EVENTS, "engine": ENGINE_EVENTS, "pool": POOL_EVENTS}
    result = subprocess.run([sys.executable, "-c", probe, f"sqlite:///{tmp_path / 'probe.db'}"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, check=False,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                                 "PORTAL_INSTANCE_PATH": str(tmp_path / "instance")})
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["after_import"] == seen["before"]
    assert not any(seen["contained_at_import"])
    assert all(seen["contained_after_factory"])
    grew = {name for name, n in seen["after_factory"].items() if n > seen["before"][name]}
    assert {"Session.before_flush", "Session.after_flush", "Session.do_orm_execute", "Session.after_commit",
            "Session.after_transaction_end"} <= grew


def test_the_factory_connects_every_subscription(app):
    from portal.subscribers import SUBSCRIPTIONS

    for signal, receivers in SUBSCRIPTIONS.items():
        connected = set(signal.receivers_for(object()))
        assert set(receivers) <= connected, signal.name


# --- each signal is sent by its operation -------------------------------------------------------------

@pytest.fixture
def caught():
    """Every signal sent while the test runs: ``[(name, sender, details)]``."""
    seen: list[tuple[str, object, dict]] = []
    receivers = {}
    for name, signal in signals.all_signals().items():
        def receive(sender, _name=name, **details):
            seen.append((_name, sender, details))
        receivers[name] = receive
        signal.connect(receive)
    yield seen
    for name, signal in signals.all_signals().items():
        signal.disconnect(receivers[name])


def _names(seen) -> list[str]:
    return [name for name, _sender, _details in seen]


def test_submit_and_withdraw_announce_themselves(app, make_tree, make_user, make_piece, caught):
    tree = make_tree()
    team = tree.team["semarang-TF01"]
    writer = make_user(Role.WRITER, team)
    piece = make_piece(team, period=submission_ops.team_writing_period(team), status="draft")
    submission_ops.submit_piece(writer, piece)
    submission_ops.withdraw_piece(writer, piece)
    assert caught == [("piece-submitted", piece, {}), ("piece-withdrawn", piece, {})]


def test_refused_submission_announces_nothing(app, make_tree, make_user, make_piece, caught):
    tree = make_tree()
    team = tree.team["semarang-TF01"]
    piece = make_piece(team, period=submission_ops.team_writing_period(team), status="draft")
    with pytest.raises(submission_ops.SubmissionError):
        submission_ops.withdraw_piece(make_user(Role.WRITER, team), piece)
    assert caught == []


def test_a_decision_announces_the_panel_and_the_pieces_it_published(app, make_tree, make_user, make_piece, caught):
    tree = make_tree()
    admin = make_user(Role.ADMIN)
    korkot = make_piece(tree.team["semarang-KK"], title="Korkot Semarang")  # straight to the KMW panel
    pool = make_pool(make_user, 3, tree.kmw["A"], prefix="kmw")
    panel = kmw_panel(tree, "A", pool, admin)
    score_all(panel, pool, lambda entry: 8)  # NA 800: a provincial best practice
    caught.clear()
    panel_ops.close_panel(panel.id, pool[0])
    published = [(sender, details) for name, sender, details in caught if name == "piece-published"]
    assert [name for name in _names(caught) if name in ("piece-published", "panel-decided")] == \
        ["piece-published", "panel-decided"]
    assert published == [(panel, {"pieces": [korkot]})] and korkot.published_at is not None


def test_panel_work_announces_members_entries_returns_and_sheets(app, make_tree, make_user, make_piece, caught):
    from portal.models.reviews import PanelMode, Tier

    tree = make_tree()
    admin = make_user(Role.ADMIN)
    kept = make_piece(tree.team["demak-TF01"], title="Lengkap")
    poor = make_piece(tree.team["demak-TF02"], title="Kurang")
    pool = make_pool(make_user, 3, tree.city["demak"])
    outsider = make_user(Role.PANEL_MEMBER, tree.city["semarang"])
    panel = panel_ops.open_panel(Tier.CITY, PERIOD, admin, city=tree.city["demak"])
    assert caught == []  # opening collects nothing: the scheduled step does, at the end of the 15th
    panel_ops.collect_city_entries(panel.id, admin)
    assert caught == [("entries-collected", panel, {"count": 2})]
    ids = [m.id for m in pool]
    with pytest.raises(panel_ops.PanelError):
        panel_ops.set_members(panel.id, [*ids, outsider.id], pool[0].id, PanelMode.INDIVIDUAL, admin)
    panel_ops.set_members(panel.id, ids, pool[0].id, PanelMode.INDIVIDUAL, admin)
    panel_ops.set_members(panel.id, ids, pool[1].id, PanelMode.INDIVIDUAL, admin)  # only the chair changes
    assert caught[1:] == [("panel-members-set", panel, {"added": ids, "new_chair": pool[0].id}),
                          ("panel-members-set", panel, {"added": [], "new_chair": pool[1].id})]
    entries = {e.piece_id: e for e in panel.entries}
    del caught[:]
    panel_ops.check_entry(entries[poor.id].id, pool[0], {c: c != 2 for c in range(1, 9)})
    panel_ops.check_entry(entries[kept.id].id, pool[0], {c: True for c in range(1, 9)})
    [(name, sender, details)] = caught
    assert (name, sender) == ("piece-returned", entries[poor.id]) and len(details["reasons"]) == 1
    del caught[:]
    draft = panel_ops.save_sheet(entries[kept.id].id, pool[2], {c: 7 for c in range(1, 9)}, version=None,
                                 submit=False)
    assert caught == []
    sheet = panel_ops.save_sheet(entries[kept.id].id, pool[1], {c: 8 for c in range(1, 9)}, version=None,
                                 submit=True)
    panel_ops.save_sheet(entries[kept.id].id, pool[1], {c: 9 for c in range(1, 9)}, version=sheet.version,
                         submit=True)  # a change to a sent sheet is no second sending
    assert caught == [("sheet-submitted", sheet, {})] and draft.id != sheet.id


def test_discussion_operations_announce_themselves(app, make_tree, make_user, make_piece, caught):
    tree = make_tree()
    piece = make_published(make_piece, tree.team["semarang-TF01"], "national")
    reader = make_user(Role.READER)
    manager = make_user(Role.DATA_MANAGER, tree.city["semarang"])
    comment = elearning_ops.add_comment(piece, reader, "Sangat berguna")
    assert elearning_ops.toggle_confirmation(piece, reader) is True
    assert elearning_ops.toggle_confirmation(piece, reader) is False
    elearning_ops.moderate_comment(comment, manager, True, "spam")
    award = elearning_ops.record_award(piece, make_user(Role.ADMIN), "Lokakarya nasional")
    assert caught == [("comment-posted", comment, {}),
                      ("piece-confirmed", piece, {"user": reader, "confirmed": True}),
                      ("piece-confirmed", piece, {"user": reader, "confirmed": False}),
                      ("comment-moderated", comment, {"hidden": True}),
                      ("award-recorded", award, {})]


def test_knowledge_products_announce_publication_and_withdrawal(app, make_tree, make_user, caught):
    tree = make_tree()
    author = make_user(Role.WRITER)
    product = make_knowledge_product(author, tree.kmw["A"])
    manager = make_user(Role.DATA_MANAGER, tree.kmw["A"])
    elearning_ops.publish_knowledge_product(product, manager)
    elearning_ops.withdraw_knowledge_product(product, manager)
    assert caught == [("knowledge-product-published", product, {}), ("knowledge-product-withdrawn", product, {})]


def test_a_successful_anthology_build_announces_itself(app, make_tree, make_piece, caught):
    from portal.anthology import operations as book_ops
    from tests.builders_anthology import YEAR, national_year

    tree, winners, _ = national_year(make_tree, make_piece, pieces=1, photos=1)
    book = book_ops.save_book(None, YEAR, None, title="", foreword="", page_format="A5",
                              piece_ids=[winners[0].id])
    assert book_ops.build_book(book.id) == "built"
    assert caught == [("anthology-built", book, {})]


def test_reward_operations_announce_themselves(app, make_tree, make_user, make_piece, caught):
    from datetime import date

    from portal.rewards import operations as reward_ops

    tree = make_tree()
    writer = make_user(Role.WRITER, tree.team["semarang-TF01"])
    piece = make_published(make_piece, tree.team["semarang-TF01"], "national", period="2026-10",
                           created_by_id=writer.id)
    manager = make_user(Role.DATA_MANAGER, None)
    award = elearning_ops.record_award(piece, manager, "Lokakarya nasional")
    reward_ops.correct_award(award, manager, title="Lokakarya nasional 2026", description="", recipient_name="",
                             reason="Tahun tertinggal")
    reward_ops.revoke_award(award, manager, "Dicabut untuk diuji")
    nomination_round = reward_ops.open_round(manager, year=2026, semester=2, quota=1, workshop_name="Lokakarya",
                                             workshop_date=date(2027, 1, 20), workshop_place="Jakarta")
    province = tree.province["jateng"]
    nominations = reward_ops.confirm_province(nomination_round, province, manager, [writer.id], "")
    assert caught == [("award-recorded", award, {}),
                      ("award-corrected", award, {"previous": {"title": "Lokakarya nasional", "description": "",
                                                               "recipient_name": ""}}),
                      ("award-revoked", award, {}),
                      ("nomination-round-opened", nomination_round, {}),
                      ("nominations-confirmed", nomination_round, {"province": province, "nominations": nominations})]


def test_tree_operations_announce_themselves(app, make_tree, caught):
    tree = make_tree()
    city = org_ops.create_node("kota", code="KUDUS", name="Kabupaten Kudus", parent=tree.province["jateng"])
    org_ops.update_node("kota", city, code="KUDUS", name="Kab. Kudus", parent=tree.province["jateng"])
    org_ops.update_node("kota", city, code="KUDUS", name="Kab. Kudus", parent=tree.province["sulsel"])
    org_ops.update_node("kota", city, code="KUDUS", name="Kab. Kudus", parent=tree.province["sulsel"])  # no change
    korkot = city.teams[0]
    org_ops.delete_node("tim", korkot)
    assert caught == [("org-node-created", city, {"level": "kota"}), ("org-node-renamed", city, {"level": "kota"}),
                      ("org-node-moved", city, {"level": "kota"}), ("org-node-deleted", korkot, {"level": "tim"})]


def test_a_tree_import_announces_the_renamed_nodes(app, make_tree, caught):
    tree = make_tree()
    rows = [csvio.COLUMNS, ["W1", "Wilayah I", "KMW-A", "KMW A", "JATENG", "Jawa Tengah Raya", "WIB", "DEMAK",
                            "Kabupaten Demak", "DEMAK-TF01", "TF 01 Kabupaten Demak", "tf", "", ""]]
    data = "\n".join(",".join(row) for row in rows).encode()
    result = csvio.import_tree_csv(data)
    assert result.ok, result.problems
    assert caught == [("org-node-renamed", tree.province["jateng"], {"level": "provinsi"}),
                      ("org-tree-imported", result, {})]


def test_every_signal_is_covered_here():
    """A new signal needs its operation's test above (and a line in portal/subscribers.py if it is public)."""
    covered = {"piece-submitted", "piece-withdrawn", "piece-published", "panel-decided", "comment-posted",
               "panel-members-set", "entries-collected", "piece-returned", "sheet-submitted",
               "comment-moderated", "piece-confirmed", "award-recorded", "knowledge-product-published",
               "knowledge-product-withdrawn", "org-node-created", "org-node-renamed", "org-node-moved",
               "org-node-deleted", "org-tree-imported", "anthology-built", "award-corrected", "award-revoked",
               "nomination-round-opened", "nominations-confirmed"}
    assert set(signals.all_signals()) == covered


# --- what the subscribers do with them -------------------------------------------------------------------

def test_an_announced_change_alone_empties_the_page_cache_after_commit(app, make_tree, make_piece):
    """The signal's subscriber marks the transaction; nothing else in it would count as public."""
    from portal.page_cache import HEADER

    tree = make_tree()
    make_published(make_piece, tree.team["semarang-TF01"], "national")
    assert app.test_client().get("/elearning/").headers[HEADER] == "miss"
    assert app.test_client().get("/elearning/").headers[HEADER] == "hit"
    signals.panel_decided.send(object())  # an announcement without any row change
    assert app.test_client().get("/elearning/").headers[HEADER] == "hit"  # not committed yet
    db.session.rollback()
    assert app.test_client().get("/elearning/").headers[HEADER] == "hit"  # rolled back: nothing happened
    signals.panel_decided.send(object())
    db.session.commit()
    assert app.test_client().get("/elearning/").headers[HEADER] == "miss"


def test_a_renamed_city_is_indexed_once_in_its_transaction(app, make_tree, make_piece):
    from sqlalchemy import event

    from portal import search

    tree = make_tree()
    make_published(make_piece, tree.team["makassar-TF01"], "province", title="Lorong garden")
    city = tree.city["makassar"]
    writes = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO PIECE_SEARCH_ENTRY"):
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        org_ops.update_node("kota", city, code=city.code, name="Kota Daeng", parent=city.province)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(writes) == 1  # the flush indexed it; the announcement found it in step
    assert [p.title for p in search.search_pieces("Daeng").pieces] == ["Lorong garden"]

