"""The piece form's one word count and its "what is still missing" box, as the server renders them for the
page's script: the server's count on arrival, the box in the order of check_requirements, and the rules the
script checks (limits, field names, message patterns) that give exactly the server's messages."""
from __future__ import annotations

import json
import re
from html import unescape

import pytest

from portal.extensions import db
from portal.models.people import Role
from portal.submissions.requirements import check_requirements
from portal.text import word_count

PERIOD = "2026-12"
BODY = "## Awal\n\n**Gotong-royong** warga: 1.500 KK, e-mail _penting_ 3,5 km. " + "Warga bekerja bersama. " * 30


@pytest.fixture
def writer_piece(make_tree, make_user, make_piece, login):
    tree = make_tree()
    team = tree.team["semarang-TF01"]
    login(make_user(Role.WRITER, team))

    def build(period: str = PERIOD, **fields):
        return make_piece(team, period=period, status="draft", **fields)

    return build


def page_of(client, piece) -> str:
    response = client.get(f"/tulisan/{piece.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def checks_of(html: str) -> dict:
    match = re.search(r"<form [^>]*id=\"piece-form\"[^>]*data-checks='([^']*)'>", html, re.S)
    assert match, "no checks for the page's script"
    return json.loads(unescape(match.group(1)))


def box_items(html: str) -> list[tuple[str, str]]:
    ul = re.search(r'<ul class="small" id="missing-list">(.*?)</ul>', html, re.S).group(1)
    return [(code, unescape(text)) for code, text in re.findall(r'<li data-code="([^"]+)">([^<]*)</li>', ul)]


def fill(pattern: str, **values) -> str:
    """What static/js/submission.js does with a message pattern."""
    return re.sub(r"%\((\w+)\)[ds]", lambda m: str(values[m.group(1)]), pattern)


def test_one_count_the_servers_on_arrival(client, writer_piece):
    piece = writer_piece(body_md=BODY)
    html = page_of(client, piece)
    assert f'Saat ini <strong id="word-count-n">{word_count(BODY)}</strong> kata.' in html
    assert len(re.findall(r"Saat ini", html)) == 1  # the hint no longer carries a second count
    assert "Minimal 500 kata untuk artikel, narasi, dan feature." in html


def test_an_empty_piece_counts_zero(client, writer_piece):
    html = page_of(client, writer_piece(body_md=""))
    assert 'Saat ini <strong id="word-count-n">0</strong> kata.' in html


def test_complete_piece_has_the_box_hidden_and_empty(client, writer_piece):
    html = page_of(client, writer_piece(body_md=BODY + " kata" * 500))
    assert re.search(r'<details class="card missing-box" id="missing-box" hidden>', html)
    assert box_items(html) == []


def test_box_lists_what_is_missing_in_the_servers_order(client, writer_piece):
    piece = writer_piece(title=" ", body_md=BODY, photos=1, author_phone="", institution_name="")
    html = page_of(client, piece)
    expected = [(m.code, m.message) for m in check_requirements(piece)]
    assert [code for code, _ in expected] == ["title", "words", "photos_min", "institution_name", "author_phone"]
    assert box_items(html) == expected
    assert '<span id="missing-count">5</span>' in html
    assert 'id="missing-box" hidden' not in html


def test_the_scripts_rules_give_the_servers_messages(app, client, writer_piece):
    piece = writer_piece(title="", body_md=BODY, photos=1, **{f: "" for f in (
        "institution_name", "institution_address", "institution_phone", "author_name", "author_position",
        "author_place", "author_phone")})
    piece.photos[0].caption = ""
    db.session.commit()
    checks = checks_of(page_of(client, piece))
    assert (checks["min_words"], checks["photos_min"], checks["photos_max"]) == (
        app.config["MIN_WORDS"], app.config["PHOTOS_MIN"], app.config["PHOTOS_MAX"])
    assert checks["word_forms"] == ["artikel", "narasi", "feature"] and checks["has_media"] is False
    messages = checks["messages"]
    words = word_count(BODY)
    browser = [("title", messages["title"]),
               ("words", fill(messages["words"], words=words, min=500, more=500 - words)),
               ("photos_min", fill(messages["photos_min"], n=1, min=2)),
               ("photo_caption", fill(messages["photo_caption"], n=1))]
    browser += [(code, messages[code]) for code, field in checks["required"]]
    with app.test_request_context():
        assert browser == [(m.code, m.message) for m in check_requirements(piece)]
    # Every required field the script reads is a field of the form.
    html = page_of(client, piece)
    for _code, field in checks["required"]:
        assert f'name="{field}"' in html


def test_photos_over_the_limit_and_no_media_read_the_same(app, client, writer_piece):
    messages = checks_of(page_of(client, writer_piece(body_md=BODY)))["messages"]
    too_many = writer_piece("2027-01", body_md=BODY, photos=7)
    video = writer_piece("2027-02", body_md=BODY, form="video")
    with app.test_request_context():
        assert fill(messages["photos_max"], n=7, max=5, more=2) in [m.message for m in check_requirements(too_many)]
        assert messages["media"] in [m.message for m in check_requirements(video)]


def test_messages_follow_the_language(app, client, writer_piece):
    piece = writer_piece(title="", body_md="satu dua", photos=0)
    client.get("/akun/bahasa/en")
    html = page_of(client, piece)
    messages = checks_of(html)["messages"]
    shown = dict(box_items(html))
    assert shown["title"] == messages["title"]
    assert shown["words"] == fill(messages["words"], words=2, min=500, more=498)
    assert shown["photos_min"] == fill(messages["photos_min"], n=0, min=2)


def test_checks_cannot_break_out_of_their_attribute(client, writer_piece):
    """The JSON sits in a single-quoted attribute: quotes and angle brackets in messages arrive escaped."""
    html = page_of(client, writer_piece(body_md=BODY))
    block = re.search(r"data-checks='([^']*)'>", html).group(1)
    assert not set("<>'&") & set(block)
    assert checks_of(html)["messages"]["title"] == "Judul tulisan belum diisi."


def test_autosave_answers_with_the_servers_list(client, writer_piece):
    piece = writer_piece(body_md=BODY)
    answer = client.post(f"/tulisan/{piece.id}/simpan", json={"version": piece.version, "title": "",
                                                              "body_md": "tiga kata saja"})
    assert answer.status_code == 200
    data = answer.get_json()
    assert data["words"] == 3
    assert [m["code"] for m in data["missing"]] == ["title", "words"]
    assert data["missing"][1]["message"] == "Tulisan baru 3 kata; minimal 500 kata. Tambahkan 497 kata lagi."
