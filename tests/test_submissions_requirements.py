"""The formal requirements check, rule by rule."""
from types import SimpleNamespace

import pytest

from portal.submissions.requirements import Missing, check_requirements


@pytest.fixture(autouse=True)
def _request(app, request):
    if "outside_a_request" in request.node.name:
        yield
        return
    with app.test_request_context():
        yield


def photo(w=1280, h=960, caption="Warga bekerja bakti"):
    return SimpleNamespace(width=w, height=h, caption=caption)


def piece(**over):
    fields = {
        "form": "artikel", "title": "Drainase baru di RW 03", "body_md": " ".join(["kata"] * 520),
        "photos": [photo(), photo()], "media": None,
        "institution_name": "BKM Maju", "institution_address": "Jl. Kenanga 3", "institution_phone": "0411-555",
        "author_name": "Siti", "author_position": "Faskel Teknik", "author_place": "Kota Makassar", "author_phone": "0812-1",
    }
    fields.update(over)
    return SimpleNamespace(**fields)


def codes(p, **kw):
    return [m.code for m in check_requirements(p, **kw)]


def test_complete_piece_passes(app):
    assert check_requirements(piece()) == []


def test_real_piece_row_passes(app, make_tree, make_piece):
    tree = make_tree()
    assert check_requirements(make_piece(tree.team["semarang-TF01"])) == []


def test_messages_are_indonesian_and_say_what_to_fix(app):
    found = check_requirements(piece(title="", body_md="satu dua tiga"))
    assert all(isinstance(m, Missing) and m.message for m in found)
    words = next(m for m in found if m.code == "words")
    assert "3 kata" in words.message and "500" in words.message and "497" in words.message


def test_title_required(app):
    assert codes(piece(title="   ")) == ["title"]


def test_word_minimum_default_and_configured(app):
    assert codes(piece(body_md=" ".join(["kata"] * 499))) == ["words"]
    assert codes(piece(body_md=" ".join(["kata"] * 500))) == []
    assert codes(piece(body_md=" ".join(["kata"] * 100)), min_words=100) == []
    app.config["MIN_WORDS"] = 600
    assert codes(piece(body_md=" ".join(["kata"] * 550))) == ["words"]


@pytest.mark.parametrize("form", ["narasi", "feature"])
def test_every_written_form_needs_words(app, form):
    assert codes(piece(form=form, body_md="pendek")) == ["words"]


def test_media_piece_needs_its_file_not_words(app):
    assert codes(piece(form="grafis", body_md="")) == ["media"]
    assert codes(piece(form="grafis", body_md="", media=SimpleNamespace(duration_seconds=None))) == []


@pytest.mark.parametrize("form", ["audio", "video", "audiovisual"])
def test_timed_media_needs_fifteen_minutes(app, form):
    assert codes(piece(form=form, media=SimpleNamespace(duration_seconds=14 * 60 + 59))) == ["media_duration"]
    assert codes(piece(form=form, media=SimpleNamespace(duration_seconds=15 * 60))) == []
    assert codes(piece(form=form, media=SimpleNamespace(duration_seconds=None))) == ["media_duration"]


def test_photo_count(app):
    assert codes(piece(photos=[photo()])) == ["photos_min"]
    assert codes(piece(photos=[])) == ["photos_min"]
    assert codes(piece(photos=[photo()] * 5)) == []
    assert codes(piece(photos=[photo()] * 6)) == ["photos_max"]
    assert codes(piece(photos=[photo()] * 3), photos_min=4) == ["photos_min"]
    assert codes(piece(photos=[photo()] * 3), photos_max=2) == ["photos_max"]


def test_photo_size_either_orientation(app):
    assert codes(piece(photos=[photo(640, 480), photo(480, 640)])) == []
    assert codes(piece(photos=[photo(639, 480), photo()])) == ["photo_size"]
    assert codes(piece(photos=[photo(640, 479), photo()])) == ["photo_size"]
    assert codes(piece(photos=[photo(479, 2000), photo()])) == ["photo_size"]
    assert codes(piece(photos=[photo(300, 200), photo()]), min_short=100, min_long=200) == []
    message = check_requirements(piece(photos=[photo(), photo(600, 400)]))[0].message
    assert "Foto 2" in message and "600 x 400" in message


def test_every_photo_needs_a_caption(app):
    found = check_requirements(piece(photos=[photo(), photo(caption="  ")]))
    assert [m.code for m in found] == ["photo_caption"] and "Foto 2" in found[0].message


@pytest.mark.parametrize("field", ["institution_name", "institution_address", "institution_phone",
                                   "author_name", "author_position", "author_place", "author_phone"])
def test_institution_and_author_fields_required(app, field):
    assert codes(piece(**{field: ""})) == [field]


def test_everything_missing_is_listed_at_once(app):
    empty = piece(title="", body_md="", photos=[], institution_name="", institution_address="", institution_phone="",
                  author_name="", author_position="", author_place="", author_phone="")
    assert len(codes(empty)) == 10


def test_works_outside_a_request(app, make_tree, make_piece):
    """Reports and command-line jobs call the check without a request: messages stay Indonesian."""
    tree = make_tree()
    piece = make_piece(tree.team["semarang-TF01"], photos=1, author_phone="")
    from flask import has_request_context

    assert not has_request_context()
    found = check_requirements(piece)
    assert [m.code for m in found] == ["photos_min", "author_phone"]
    assert "minimal 2 foto" in found[0].message
