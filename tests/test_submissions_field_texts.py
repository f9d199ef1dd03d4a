"""The piece form script's texts (portal/submissions/field_texts.py): every text the script asks for is on the page,
in the user's language, with its ``%(name)`` left for the script to fill; the form carries what the script needs to
keep a draft per user and piece and to shrink photos to the size the portal keeps."""
from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

from portal.models.people import Role
from portal.submissions.field_texts import field_texts

SCRIPT = Path(__file__).resolve().parent.parent / "static" / "js" / "submission.js"


def asked_for() -> set[str]:
    source = SCRIPT.read_text()
    keys = set(re.findall(r"\bt\(\"(\w+)\"", source))
    keys |= set(re.findall(r"\bt\(store \? \"(\w+)\" : \"(\w+)\"\)", source)[0])
    return keys


def form_attribute(html: str, name: str) -> str:
    match = re.search(r"<form [^>]*id=\"piece-form\"[^>]*\s" + name + r"=(['\"])(.*?)\1", html, re.S)
    assert match, f"no {name} on the piece form"
    return unescape(match.group(2))


def test_every_text_the_script_asks_for_is_given(app):
    with app.test_request_context():
        texts = field_texts()
    assert asked_for() <= set(texts), asked_for() - set(texts)
    assert "%(time)s" in texts["saved"] and "%(time)s" in texts["offer"]  # left for the script


def test_the_form_carries_the_texts_the_draft_key_and_the_kept_size(app, client, make_tree, make_user, make_piece,
                                                                    login):
    team = make_tree().team["semarang-TF01"]
    writer = make_user(Role.WRITER, team)
    login(writer)
    piece = make_piece(team, period="2026-12", status="draft")
    html = client.get(f"/tulisan/{piece.id}").get_data(as_text=True)
    texts = json.loads(form_attribute(html, "data-texts"))
    assert texts["local"] == "Belum tersimpan — disimpan di perangkat ini"
    assert texts["offer"] == "Ada teks yang belum tersimpan dari %(time)s."
    assert form_attribute(html, "data-draft-key") == f"{writer.id}-{piece.id}"
    assert form_attribute(html, "data-photo-long-side") == str(app.config["PHOTO_ORIGINAL_LONG_SIDE"])
    assert form_attribute(html, "data-saved-at").startswith(piece.updated_at.date().isoformat())
    assert 'id="autosave-status" class="small muted" aria-live="polite"' in html
