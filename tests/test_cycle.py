"""The monthly cycle: due days, deadline edges in WIB, WITA and WIT, extensions."""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal import cycle
from portal.extensions import db
from portal.models.pieces import Extension

ZONES = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]


def local(tz, *args):
    return datetime(*args, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def test_due_days():
    assert cycle.stage_due_day("2026-11", "writing") == date(2026, 11, 15)
    assert cycle.stage_due_day("2026-11", "city") == date(2026, 11, 20)
    assert cycle.stage_due_day("2026-11", "province") == date(2026, 11, 25)
    assert cycle.stage_due_day("2026-11", "national") == date(2026, 11, 30)
    assert cycle.stage_due_day("2028-02", "national") == date(2028, 2, 29)
    assert cycle.stage_due_day("2026-12", "national") == date(2026, 12, 31)


def test_bad_period_and_stage_are_refused():
    with pytest.raises(ValueError):
        cycle.stage_due_day("2026-13", "writing")
    with pytest.raises(ValueError):
        cycle.stage_due_day("2026-11", "lunch")
    with pytest.raises(ValueError):
        cycle.is_open("2026-11", "writing", "Asia/Jakarta", datetime(2026, 11, 1))  # naive


@pytest.mark.parametrize("tz", ZONES)
def test_writing_deadline_edges_in_each_zone(tz):
    on_time = local(tz, 2026, 11, 15, 23, 59, 59, 999999)
    late = local(tz, 2026, 11, 16, 0, 0, 0)
    assert cycle.stage_deadline("2026-11", "writing", tz) == late
    assert cycle.is_open("2026-11", "writing", tz, now=on_time)
    assert not cycle.is_open("2026-11", "writing", tz, now=late)
    assert cycle.writing_period(tz, now=on_time) == "2026-11"
    assert cycle.writing_period(tz, now=late) == "2026-12"


def test_deadlines_differ_by_zone():
    wib = cycle.stage_deadline("2026-11", "writing", "Asia/Jakarta")
    wita = cycle.stage_deadline("2026-11", "writing", "Asia/Makassar")
    wit = cycle.stage_deadline("2026-11", "writing", "Asia/Jayapura")
    assert wib == datetime(2026, 11, 15, 17, 0, tzinfo=UTC)
    assert wib - wita == timedelta(hours=1) and wita - wit == timedelta(hours=1)
    # 16 Nov 00:30 WIT is already late in Jayapura, while Jakarta (22:30 WIB) is still open.
    now = local("Asia/Jayapura", 2026, 11, 16, 0, 30)
    assert not cycle.is_open("2026-11", "writing", "Asia/Jayapura", now)
    assert cycle.is_open("2026-11", "writing", "Asia/Jakarta", now)


def test_current_period_is_local():
    now = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)  # 23:30 WIB, 01:30 WIT on 1 Dec
    assert cycle.current_period("Asia/Jakarta", now) == "2026-11"
    assert cycle.current_period("Asia/Jayapura", now) == "2026-12"


def test_year_end_rolls_into_january():
    now = local("Asia/Jakarta", 2026, 12, 20, 9, 0)
    assert cycle.writing_period("Asia/Jakarta", now) == "2027-01"


def test_extension_keeps_writing_open():
    tz = "Asia/Makassar"
    now = local(tz, 2026, 11, 17, 10, 0)
    until = local(tz, 2026, 11, 18, 0, 0)
    assert not cycle.is_open("2026-11", "writing", tz, now)
    assert cycle.is_open("2026-11", "writing", tz, now, extended_until=until)
    assert cycle.writing_period(tz, now, extended_until=until) == "2026-11"
    # an "extension" earlier than the deadline never shortens it
    assert cycle.is_open("2026-11", "writing", tz, local(tz, 2026, 11, 15, 12), extended_until=local(tz, 2026, 11, 1))


def test_time_left():
    deadline = datetime(2026, 11, 15, 17, tzinfo=UTC)
    assert cycle.time_left(deadline, deadline - timedelta(hours=5)) == timedelta(hours=5)
    assert cycle.time_left(deadline, deadline + timedelta(hours=5)) == timedelta(0)
    assert cycle.format_time_left(timedelta(days=2, hours=3, minutes=4, seconds=59)) == (2, 3, 4)


def test_extension_lookup_and_effective_deadline(app, make_tree, make_user):
    tree = make_tree()
    team, other = tree.team["makassar-TF01"], tree.team["makassar-TF02"]
    city = tree.city["makassar"]
    tz = "Asia/Makassar"
    base = cycle.stage_deadline("2026-11", "writing", tz)
    assert cycle.extension_for("2026-11", "writing", team_id=team.id) is None
    assert cycle.effective_deadline("2026-11", "writing", tz, team_id=team.id) == base
    db.session.add(Extension(period="2026-11", stage="writing", team_id=team.id, until=base + timedelta(days=1),
                             reason="banjir", granted_at=base - timedelta(days=2)))
    db.session.add(Extension(period="2026-11", stage="writing", team_id=team.id, until=base + timedelta(days=3),
                             reason="listrik padam", granted_at=base - timedelta(days=1)))
    db.session.commit()
    ext = cycle.extension_for("2026-11", "writing", team_id=team.id)
    assert ext.reason == "listrik padam"  # the latest recorded one
    assert cycle.effective_deadline("2026-11", "writing", tz, team_id=team.id) == base + timedelta(days=3)
    assert cycle.effective_deadline("2026-11", "writing", tz, team_id=other.id) == base  # not the other team
    assert cycle.extension_for("2026-12", "writing", team_id=team.id) is None  # not another month
    assert cycle.extension_for("2026-11", "city", team_id=team.id) is None  # not another stage
    assert cycle.is_late("2026-11", "writing", tz, base + timedelta(days=2), team_id=team.id) is False
    assert cycle.is_late("2026-11", "writing", tz, base + timedelta(days=2), team_id=other.id) is True
    # a city-wide extension reaches the city's teams when the caller passes the city
    db.session.add(Extension(period="2026-11", stage="writing", city_id=city.id, until=base + timedelta(days=5),
                             reason="gempa"))
    db.session.commit()
    assert cycle.effective_deadline("2026-11", "writing", tz, team_id=other.id, city_id=city.id) \
        == base + timedelta(days=5)


def test_bulk_extensions_match_single_lookups(app, make_tree):
    tree = make_tree()
    tz = "Asia/Jakarta"
    teams = [tree.team[f"demak-TF0{i}"] for i in (1, 2, 3)]
    city = tree.city["demak"]
    base = cycle.stage_deadline("2026-11", "writing", tz)
    db.session.add_all([
        Extension(period="2026-11", stage="writing", team_id=teams[0].id, until=base + timedelta(days=2), reason="a",
                  granted_at=base - timedelta(days=3)),
        Extension(period="2026-11", stage="writing", team_id=teams[0].id, until=base + timedelta(days=1), reason="b",
                  granted_at=base - timedelta(days=1)),  # the latest recorded one wins, even if shorter
        Extension(period="2026-11", stage="writing", city_id=city.id, until=base + timedelta(hours=5), reason="c"),
        Extension(period="2026-10", stage="writing", team_id=teams[1].id, until=base, reason="d"),
    ])
    db.session.commit()
    found = cycle.latest_extensions(["2026-11", "2026-10"], "writing", team_ids=[t.id for t in teams],
                                    city_ids=[city.id])
    for team in teams:
        for period in ("2026-11", "2026-10"):
            assert cycle.effective_deadline_from(period, "writing", tz, found, team_id=team.id, city_id=city.id) \
                == cycle.effective_deadline(period, "writing", tz, team_id=team.id, city_id=city.id)
    assert found[("team", teams[0].id, "2026-11")] == base + timedelta(days=1)
    assert cycle.latest_extensions([], "writing", team_ids=[1]) == {}
