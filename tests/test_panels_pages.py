"""What each role sees on the panel pages, and the score sheet that keeps a refused score as typed.

Every panel page (the panel, its results, its members, the completeness check, the score sheet) shows each role
only the way back and the buttons it can use: members go back to "Panel saya", data managers and administrators
to "Kelola panel"; every link and button on the page answers that user with something other than 403/404.
"""
from __future__ import annotations

import re
from html import unescape

import pytest
from builders_panels import form_scores, scores_for
from builders_reports import add_entry, make_panel, utc

from portal.extensions import db
from portal.models import Role, Tier
from portal.models.reviews import Score, ScoreSheet

PERIOD = "2026-11"


@pytest.fixture
def world(make_tree, make_user, make_piece):
    """Open city, province and national panels of November and a closed city panel of October, with their
    data managers, members (one of whom writes for a team of the city) and an administrator."""
    tree = make_tree()
    semarang, kmw_a = tree.city["semarang"], tree.kmw["A"]
    u = {
        "admin": make_user(Role.ADMIN),
        "dm_national": make_user(Role.DATA_MANAGER, None),
        "dm_province": make_user(Role.DATA_MANAGER, kmw_a),
        "dm_city": make_user(Role.DATA_MANAGER, semarang),
        "chair": make_user(Role.PANEL_MEMBER, semarang),
        "member": make_user(Role.PANEL_MEMBER, semarang),
        "member_writer": make_user(roles=[(Role.PANEL_MEMBER, semarang), (Role.WRITER, tree.team["semarang-TF02"])]),
        "kmw_chair": make_user(Role.PANEL_MEMBER, kmw_a),
        "kmw_member": make_user(Role.PANEL_MEMBER, kmw_a),
        "kmp_chair": make_user(Role.PANEL_MEMBER, None),
        "kmp_member": make_user(Role.PANEL_MEMBER, None),
    }
    city_members = [u["chair"], u["member"], u["member_writer"]]
    city = make_panel(Tier.CITY, PERIOD, city=semarang, members=city_members, chair=u["chair"])
    eligible = add_entry(city, make_piece(tree.team["semarang-TF01"]))
    pending_own = add_entry(city, make_piece(tree.team["semarang-TF02"]), status="pending")
    pending = add_entry(city, make_piece(tree.team["semarang-TF03"]), status="pending")
    province = make_panel(Tier.PROVINCE, PERIOD, kmw=kmw_a, members=[u["kmw_chair"], u["kmw_member"]],
                          chair=u["kmw_chair"])
    add_entry(province, make_piece(tree.team["semarang-TF04"]))
    national = make_panel(Tier.NATIONAL, PERIOD, members=[u["kmp_chair"], u["kmp_member"]], chair=u["kmp_chair"])
    add_entry(national, make_piece(tree.team["demak-TF01"]))
    closed = make_panel(Tier.CITY, "2026-10", city=semarang, members=city_members, chair=u["chair"],
                        closed_at=utc(2026, 10, 20))
    add_entry(closed, make_piece(tree.team["semarang-TF05"], period="2026-10"), na=700.0, rank=1, passed=True,
              selected=True, reviewers=3)
    panels = {"city": city, "province": province, "national": national, "closed": closed}
    entries = {"eligible": eligible, "pending_own": pending_own, "pending": pending}
    return u, panels, entries


def main_of(html: str) -> str:
    return html.split('<main id="isi"', 1)[1].split("</main>", 1)[0]


def back_links(html: str) -> list[str]:
    """The texts of the "←" links at the top of the page."""
    return [unescape(t).strip() for t in re.findall(r"<a [^>]*>←\s*([^<]+)</a>", main_of(html))]


def buttons(html: str) -> dict[str, str]:
    """Text -> class of every link styled as a button and every submit button on the page's content."""
    main = main_of(html)
    found = {unescape(text).strip(): cls for cls, text in re.findall(r'<a class="(btn[^"]*)" href="[^"]*">([^<]+)</a>', main)}
    found.update({unescape(text).strip(): cls for cls, text in re.findall(r'<button class="(btn[^"]*)" type="submit"[^>]*>([^<]+)</button>', main)})
    return found


def panel_targets(html: str) -> tuple[list[str], list[str]]:
    """(links, form actions) of the page's content that lead to other panel pages."""
    main = main_of(html)
    links = [unescape(h) for h in re.findall(r'<a [^>]*href="([^"#]+)"', main) if h.startswith(("/penilaian", "/laporan"))]
    actions = [unescape(a) for a in re.findall(r'<form [^>]*action="([^"]+)"', main) if a.startswith("/penilaian")]
    return links, actions


def pages_of(panels, entries) -> dict[str, str]:
    city = panels["city"].id
    return {
        "panel": f"/penilaian/panel/{city}", "results": f"/penilaian/panel/{city}/hasil",
        "members": f"/penilaian/panel/{city}/anggota", "check": f"/penilaian/entri/{entries['pending'].id}/periksa",
        "sheet": f"/penilaian/entri/{entries['eligible'].id}/nilai",
        "province": f"/penilaian/panel/{panels['province'].id}", "national": f"/penilaian/panel/{panels['national'].id}",
        "closed": f"/penilaian/panel/{panels['closed'].id}", "closed_results": f"/penilaian/panel/{panels['closed'].id}/hasil",
    }


def as_user(app, login, user):
    return login(user, c=app.test_client())


# --- the way back and the main buttons, per role ---------------------------------------------------------

MANAGE_BACK = ["Kelola panel"]
MEMBER_BACK = ["Panel saya"]


@pytest.mark.parametrize("role, panel", [
    ("dm_national", "national"), ("dm_national", "province"), ("dm_national", "city"),
    ("dm_province", "province"), ("dm_province", "city"), ("dm_city", "city"), ("admin", "national"),
])
def test_data_managers_go_back_to_their_panels_and_set_members(app, login, world, role, panel):
    users, panels, _ = world
    c = as_user(app, login, users[role])
    html = c.get(f"/penilaian/panel/{panels[panel].id}").get_data(as_text=True)
    assert back_links(html) == MANAGE_BACK
    assert f'href="/penilaian/kelola?bulan={PERIOD}"' in html
    assert "Panel saya" not in html
    shown = buttons(html)
    assert "Hasil dan keputusan" not in shown  # only the chair decides
    assert shown.get("Atur anggota") == "btn primary"
    assert shown.get("Hasil penilaian") == "btn"
    assert ("Kumpulkan tulisan tim" in shown) == (panel == "city")
    assert "Lembar nilai" not in shown


@pytest.mark.parametrize("role, panel", [("member", "city"), ("kmw_member", "province"), ("kmp_member", "national")])
def test_members_go_back_to_their_panels_and_see_no_managers_buttons(app, login, world, role, panel):
    users, panels, _ = world
    html = as_user(app, login, users[role]).get(f"/penilaian/panel/{panels[panel].id}").get_data(as_text=True)
    assert back_links(html) == MEMBER_BACK
    assert "Kelola panel" not in html
    shown = buttons(html)
    assert shown.get("Hasil penilaian") == "btn primary"
    assert "Hasil dan keputusan" not in shown
    assert not {"Atur anggota", "Kumpulkan tulisan tim"} & set(shown)
    assert shown.get("Lembar nilai") == "btn small primary"


@pytest.mark.parametrize("role, panel", [("chair", "city"), ("kmw_chair", "province"), ("kmp_chair", "national")])
def test_the_chair_of_an_open_panel_is_shown_the_decision(app, login, world, role, panel):
    users, panels, _ = world
    html = as_user(app, login, users[role]).get(f"/penilaian/panel/{panels[panel].id}").get_data(as_text=True)
    assert back_links(html) == MEMBER_BACK
    assert buttons(html).get("Hasil dan keputusan") == "btn primary"


@pytest.mark.parametrize("role, back", [("chair", MEMBER_BACK), ("member", MEMBER_BACK), ("dm_city", MANAGE_BACK),
                                        ("dm_national", MANAGE_BACK)])
def test_a_closed_panel_offers_results_and_letter_only(app, login, world, role, back):
    users, panels, _ = world
    html = as_user(app, login, users[role]).get(f"/penilaian/panel/{panels['closed'].id}").get_data(as_text=True)
    assert back_links(html) == back
    shown = buttons(html)
    assert shown.get("Hasil penilaian") == "btn primary" and shown.get("Unduh surat (PDF)") == "btn"
    assert not {"Hasil dan keputusan", "Atur anggota", "Kumpulkan tulisan tim", "Periksa kelengkapan"} & set(shown)
    if back == MANAGE_BACK:
        assert 'href="/penilaian/kelola?bulan=2026-10"' in html


def test_completeness_check_is_not_offered_on_ones_own_teams_piece(app, login, world):
    users, panels, entries = world
    html = as_user(app, login, users["member_writer"]).get(f"/penilaian/panel/{panels['city'].id}").get_data(as_text=True)
    assert f"/penilaian/entri/{entries['pending'].id}/periksa" in html
    assert f"/penilaian/entri/{entries['pending_own'].id}/periksa" not in html
    html = as_user(app, login, users["member"]).get(f"/penilaian/panel/{panels['city'].id}").get_data(as_text=True)
    assert f"/penilaian/entri/{entries['pending_own'].id}/periksa" in html


def test_no_empty_button_rows_for_data_managers(app, login, world):
    users, panels, _ = world
    html = as_user(app, login, users["dm_national"]).get(f"/penilaian/panel/{panels['national'].id}").get_data(as_text=True)
    assert not re.search(r'<div class="actions">\s*</div>', html)


# --- every link and button a role is shown, that role can use ---------------------------------------------

ROLES = ["admin", "dm_national", "dm_province", "dm_city", "chair", "member", "member_writer", "kmw_member",
         "kmp_chair"]


@pytest.mark.parametrize("role", ROLES)
def test_every_link_and_button_on_every_panel_page_is_usable_by_whoever_sees_it(app, login, world, role):
    users, panels, entries = world
    c = as_user(app, login, users[role])
    seen = 0
    for name, url in pages_of(panels, entries).items():
        page = c.get(url)
        if page.status_code in (403, 404):
            continue
        assert page.status_code == 200, (name, page.status_code)
        seen += 1
        html = page.get_data(as_text=True)
        links, actions = panel_targets(html)
        for link in links:
            status = c.get(link).status_code
            assert status not in (403, 404), f"{role} on {name}: {link} answers {status}"
        for action in actions:
            # An empty POST: refused for permission (403/404) before anything else is checked; otherwise a
            # message or a redirect. The open panels' entries are not all scored, so nothing gets closed.
            status = c.post(action, data={}).status_code
            assert status not in (403, 404), f"{role} on {name}: the form to {action} answers {status}"
    assert seen


# --- the score sheet keeps what was typed -----------------------------------------------------------------

def score_input(html: str, code: int) -> str:
    match = re.search(rf'<input[^>]*name="score_{code}"[^>]*>', html)
    assert match, f"no input for instrument {code}"
    return match.group(0)


def value_of(tag: str) -> str:
    return unescape(re.search(r'value="([^"]*)"', tag).group(1))


@pytest.mark.parametrize("bad", ["11", "0", "abc", "-3", "7,5", "1e1", "<b>9</b>"])
@pytest.mark.parametrize("button", ["submit", "save"])
def test_refused_score_is_shown_back_as_typed(app, login, world, bad, button):
    users, _, entries = world
    c = as_user(app, login, users["member"])
    url = f"/penilaian/entri/{entries['eligible'].id}/nilai"
    data = form_scores(scores_for(7), **{button: "1"})
    data["score_3"] = bad
    response = c.post(url, data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Periksa nilai yang ditandai" in html and "bilangan bulat 1 sampai 10" in html
    tag = score_input(html, 3)
    assert value_of(tag) == bad
    assert 'aria-invalid="true"' in tag and "error_3" in tag
    assert re.search(r'<p class="error" role="alert" id="error_3">Isi bilangan bulat 1 sampai 10\.</p>', html)
    for code in (1, 2, 4, 5, 6, 7, 8):
        tag = score_input(html, code)
        assert value_of(tag) == "7" and "aria-invalid" not in tag
    assert db.session.scalar(db.select(db.func.count()).select_from(ScoreSheet)) == 0


def test_refused_change_shows_the_typed_value_not_the_saved_one(app, login, world):
    users, _, entries = world
    c = as_user(app, login, users["member"])
    url = f"/penilaian/entri/{entries['eligible'].id}/nilai"
    assert c.post(url, data=form_scores(scores_for(6), save="1")).status_code == 302
    data = form_scores(scores_for(6), save="1")
    data["score_5"], data["score_6"] = "12", "8"
    html = c.post(url, data=data).get_data(as_text=True)
    assert value_of(score_input(html, 5)) == "12"
    assert value_of(score_input(html, 6)) == "8"
    saved = db.session.scalars(db.select(Score).join(ScoreSheet).where(Score.instrument_code == 5)).one()
    assert saved.score == 6  # nothing of the refused post was stored


def test_score_fields_open_the_numeric_keypad_and_keep_any_text(app, login, world):
    """type=number would blank what it cannot parse; the sheet uses a text field with the numeric keypad."""
    users, _, entries = world
    html = as_user(app, login, users["member"]).get(f"/penilaian/entri/{entries['eligible'].id}/nilai").get_data(as_text=True)
    for code in range(1, 9):
        tag = score_input(html, code)
        assert 'type="text"' in tag and 'inputmode="numeric"' in tag
        assert 'data-min="1"' in tag and 'data-max="10"' in tag


def test_sheet_shows_the_photos_in_order_and_the_history_of_a_submitted_sheet_only(app, login, world):
    """The score sheet reads the piece's photos and the sheet's changes as rows (submissions.queries.photo_rows,
    panels.queries.change_rows): both must still be on the page, the photos in their order with their captions
    and addresses, the history only once the sheet was submitted (a draft's changes are not kept), oldest first."""
    users, _, entries = world
    entry = entries["eligible"]
    photos = sorted(entry.piece.photos, key=lambda p: p.position)
    c = as_user(app, login, users["member"])
    url = f"/penilaian/entri/{entry.id}/nilai"
    html = main_of(c.get(url).get_data(as_text=True))
    shown = re.findall(r'<a href="/tulisan/foto/(\d+)/display"><img [^>]*alt="([^"]*)"', html)
    assert shown == [(str(p.id), p.caption) for p in photos]
    assert "Riwayat perubahan" not in html

    def save(values: dict[int, int], button: str) -> None:
        version = re.search(r'name="version" type="hidden" value="(\d*)"', c.get(url).get_data(as_text=True)).group(1)
        assert c.post(url, data=form_scores(values, version=version, **{button: "1"})).status_code == 302

    save(scores_for(6), "save")
    save({**scores_for(6), 2: 9}, "save")
    assert "Riwayat perubahan" not in c.get(url).get_data(as_text=True)  # a draft keeps no history
    save(scores_for(6), "submit")
    save({**scores_for(6), 3: 8}, "submit")
    save({**scores_for(6), 3: 8, 5: 4}, "submit")
    html = main_of(c.get(url).get_data(as_text=True))
    assert "Riwayat perubahan (2)" in html
    items = re.findall(r"<li>[^<]*: instrumen (\d): (\d+) → (\d+)</li>", html)
    assert items == [("3", "6", "8"), ("5", "6", "4")]


def test_the_score_sheets_rows_answer_the_panel_rules_as_the_mapped_entry(app, world, make_user):
    """The score sheet reads its entry, panel and piece as rows (``panels.queries.entry_view``), the results page
    its panel (``panel_view``), and they ask the same rules of them as of mapped objects: for every entry of
    every panel (city, province, national, closed) and every role, including a recused member, a member who
    writes for the piece's team and a pool member of no panel, each rule gives the mapped objects' answer, and
    the pages show the same piece, node, rubric and record."""
    from portal import scoring_adapter
    from portal.models.reviews import Entry, Panel, Recusal
    from portal.panels import queries, rules

    users, _, entries = world
    db.session.add(Recusal(entry_id=entries["eligible"].id, user_id=users["member"].id, reason="Kerabat penulis"))
    db.session.commit()
    people = [*users.values(), make_user(Role.PANEL_MEMBER, None)]
    answers: dict[str, set] = {"view": set(), "score": set(), "manage": set(), "chair": set()}
    for entry in db.session.scalars(db.select(Entry).order_by(Entry.id)).all():
        view = queries.entry_view(entry.id)
        assert (view.id, view.status, view.piece_id, view.panel_id) == (entry.id, entry.status, entry.piece_id,
                                                                       entry.panel_id)
        assert rules.panel_title(view.panel) == rules.panel_title(entry.panel)
        assert scoring_adapter.panel_rubric(view.panel) == scoring_adapter.panel_rubric(entry.panel)
        piece = entry.piece
        assert (view.piece.title, view.piece.body_md, view.piece.author_name, view.piece.team.name,
                view.piece.team.city.name) == (piece.title, piece.body_md, piece.author_name, piece.team.name,
                                               piece.team.city.name)
        for person in people:
            pair = {"view": (rules.can_view_panel(person, view.panel), rules.can_view_panel(person, entry.panel)),
                    "score": (rules.may_score(person, view), rules.may_score(person, entry)),
                    "manage": (rules.can_manage_panel(person, view.panel),
                               rules.can_manage_panel(person, entry.panel)),
                    "chair": (rules.is_chair(person, view.panel), rules.is_chair(person, entry.panel))}
            for rule, (from_rows, from_objects) in pair.items():
                assert from_rows == from_objects, (rule, entry.id, person.email)
                answers[rule].add(from_rows)
    for panel in db.session.scalars(db.select(Panel).order_by(Panel.id)).all():  # a panel's results page
        view = queries.panel_view(panel.id)
        assert view == queries.entry_view(panel.entries[0].id).panel
        assert ((view.id, view.tier, view.period, view.mode, view.status, view.chair_id, view.closed_at,
                 view.closed_late, view.letter_number, view.letter_date)
                == (panel.id, panel.tier, panel.period, panel.mode, panel.status, panel.chair_id, panel.closed_at,
                    panel.closed_late, panel.letter_number, panel.letter_date))
        assert sorted(seat.user_id for seat in view.members) == sorted(m.user_id for m in panel.members)
        for person in people:
            assert rules.can_view_panel(person, view) == rules.can_view_panel(person, panel)
            assert rules.is_chair(person, view) == rules.is_chair(person, panel)
            assert rules.can_manage_panel(person, view) == rules.can_manage_panel(person, panel)
    assert all(seen == {True, False} for seen in answers.values())  # the matrix asks both ways of each rule
    assert queries.entry_view(10**9) is None and queries.panel_view(10**9) is None


def test_the_score_sheets_own_sheet_read_as_rows(app, world):
    """``panels.queries.sheet_view``: none before a save, then the saved scores (an empty one as None), status,
    version and note; a member's own sheet is not the chair's consensus sheet."""
    from portal.models.reviews import SheetStatus
    from portal.panels import operations as ops
    from portal.panels import queries

    users, _, entries = world
    entry, member = entries["eligible"], users["member"]
    assert queries.sheet_view(entry.id, member.id) is None
    ops.save_sheet(entry.id, member, {**scores_for(7), 4: None}, version=None, submit=False, note="Draf pertama")
    db.session.commit()
    shown = queries.sheet_view(entry.id, member.id)
    assert shown.values == {**scores_for(7), 4: None}
    assert (shown.status, shown.version, shown.note, shown.submitted_at) == (SheetStatus.DRAFT, 1, "Draf pertama", None)
    ops.save_sheet(entry.id, member, scores_for(8), version=shown.version, submit=True)
    db.session.commit()
    shown = queries.sheet_view(entry.id, member.id)
    assert shown.values == scores_for(8) and shown.status == SheetStatus.SUBMITTED and shown.submitted_at is not None
    assert queries.sheet_view(entry.id, member.id, consensus=True) is None
    # The history: counted in the sheet's statement, asked for only when there is some.
    from querycount import count_queries

    assert shown.change_count == 0 and queries.change_rows(shown.id) == []
    with count_queries(db.engine) as statements:
        assert queries.sheet_changes(shown) == []
    assert statements == []
    ops.save_sheet(entry.id, member, {**scores_for(8), 2: 5}, version=shown.version, submit=True)
    db.session.commit()
    shown = queries.sheet_view(entry.id, member.id)
    assert shown.change_count == 1 and shown.values == {**scores_for(8), 2: 5}
    assert [(c.instrument_code, c.old_score, c.new_score) for c in queries.sheet_changes(shown)] == [(2, 8, 5)]
    assert queries.sheet_changes(shown) == queries.change_rows(shown.id)


def test_sheet_shows_the_pieces_stored_rendering(app, login, world):
    """The piece beside the sheet is shown from its stored rendering (``Piece.body_html``): opening the sheet
    converts no Markdown, and the text is there as readers see it."""
    from portal.text import render_markdown

    users, _, entries = world
    entry = entries["eligible"]
    entry.piece.body_md = "## Hasil\n\nJalan **sepanjang 300 m** selesai."
    db.session.commit()
    c = as_user(app, login, users["member"])
    render_markdown.cache_clear()
    html = main_of(c.get(f"/penilaian/entri/{entry.id}/nilai").get_data(as_text=True))
    assert render_markdown.cache_info().misses == 0
    assert "<h2>Hasil</h2>" in html and "<strong>sepanjang 300 m</strong>" in html


def test_the_piece_beside_the_sheet_is_rendered_once_and_never_shown_stale(app, login, world, make_user):
    """The piece beside a score sheet is rendered once per worker for everyone who opens the sheet, and any change
    to what it shows is on the next page, even a change that moves no content generation (a photo's caption is
    not public; an SQL repair of a title or a text is no operation at all)."""
    from flask import template_rendered
    from sqlalchemy import text

    users, _, entries = world
    entry = entries["eligible"]
    url = f"/penilaian/entri/{entry.id}/nilai"
    photo = min(entry.piece.photos, key=lambda p: p.position)
    rendered = []

    def note(sender, template, context, **extra):
        rendered.append(template.name)

    def piece_of(user) -> str:
        html = main_of(as_user(app, login, user).get(url).get_data(as_text=True))
        return html.split('<article class="card piece-text">', 1)[1].split("</article>", 1)[0]

    template_rendered.connect(note, app)
    try:
        first = piece_of(users["member"])
        assert first == piece_of(users["chair"]) == piece_of(users["member"])
        assert rendered.count("panels/_piece_body.html") == 1  # the chair and the second visit got the kept one

        db.session.execute(text("UPDATE photo SET caption = 'Keterangan baru' WHERE id = :id"), {"id": photo.id})
        db.session.commit()
        recaptioned = piece_of(users["chair"])
        assert rendered.count("panels/_piece_body.html") == 2
        db.session.execute(text("UPDATE piece SET title = 'Judul diperbaiki', body_html = '<p>Teks diperbaiki</p>' "
                                "WHERE id = :id"), {"id": entry.piece_id})
        db.session.execute(text("UPDATE team SET name = 'Tim berganti nama' WHERE id = :id"),
                           {"id": entry.piece.team_id})
        db.session.commit()
        changed = piece_of(users["chair"])
        assert rendered.count("panels/_piece_body.html") == 3
    finally:
        template_rendered.disconnect(note, app)
    assert 'alt="Keterangan baru"' in recaptioned and 'alt="Keterangan baru"' not in first
    assert "<h2>Judul diperbaiki</h2>" in changed and "<p>Teks diperbaiki</p>" in changed
    assert "Tim berganti nama" in changed and "Tim berganti nama" not in recaptioned
