"""A piece keeps its text's rendering (``Piece.body_html``), made whenever the text is set, under the rules whose
version is ``portal.text.RENDERING``. The pages that show the text (a published piece's page, the writer's view,
the score sheet) show the stored rendering without converting the Markdown again; a rendering made under other
rules is never shown."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from portal.extensions import db
from portal.models.people import Role
from portal.models.pieces import Piece
from portal.text import RENDERING, render_markdown
from tests.builders_elearning import make_published

TEXT = "## Latar belakang\n\nWarga **bergotong-royong** membangun jalan.\n\n- swadaya Rp 5 juta\n- 120 KK"


@pytest.fixture(autouse=True)
def _no_kept_conversions():
    render_markdown.cache_clear()
    yield
    render_markdown.cache_clear()


def _converted_during(fn) -> int:
    """How many texts ``fn`` converted from Markdown (the conversions are kept per text: a miss is one)."""
    render_markdown.cache_clear()
    fn()
    return render_markdown.cache_info().misses


def test_the_rendering_follows_every_change_of_the_text(app, make_tree, make_piece):
    team = make_tree().team["semarang-TF01"]
    piece = make_piece(team, status="draft", body_md=TEXT)
    db.session.expire_all()
    stored = db.session.get(Piece, piece.id)
    assert stored.body_html == str(render_markdown(TEXT)) and stored.body_html_rendering == RENDERING
    assert "<h2>Latar belakang</h2>" in stored.body_html and "<strong>bergotong-royong</strong>" in stored.body_html

    stored.body_md = "Teks *baru* <script>alert(1)</script> [tautan](javascript:alert(1))"
    db.session.commit()
    db.session.expire_all()
    changed = db.session.get(Piece, piece.id)
    assert "<em>baru</em>" in changed.body_html and "Latar belakang" not in changed.body_html
    assert "<script>" not in changed.body_html and "&lt;script&gt;" in changed.body_html
    assert "javascript:" not in changed.body_html


def test_the_writers_autosave_stores_the_new_rendering_and_the_view_shows_it(app, client, make_tree, make_user,
                                                                             make_piece, login):
    team = make_tree().team["semarang-TF01"]
    writer = make_user(Role.WRITER, team)
    piece = make_piece(team, status="draft")
    login(writer)
    saved = client.post(f"/tulisan/{piece.id}/simpan", json={"version": piece.version, "body_md": TEXT})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Piece, piece.id).body_html == str(render_markdown(TEXT))

    view = {}
    assert _converted_during(lambda: view.update(page=client.get(f"/tulisan/{piece.id}/lihat"))) == 0
    assert view["page"].status_code == 200
    assert "<strong>bergotong-royong</strong>" in view["page"].get_data(as_text=True)


def test_a_published_piece_page_shows_the_stored_rendering(app, client, make_tree, make_piece):
    team = make_tree().team["semarang-TF01"]
    piece = make_published(make_piece, team, "national", title="Jalan warga", body_md=TEXT)
    page = {}
    assert _converted_during(lambda: page.update(r=client.get(f"/elearning/tulisan/{piece.id}"))) == 0
    html = page["r"].get_data(as_text=True)
    assert page["r"].status_code == 200 and "<strong>bergotong-royong</strong>" in html and "<li>120 KK</li>" in html


@pytest.mark.parametrize("rendering", [None, RENDERING - 1, RENDERING + 1])
def test_a_rendering_made_under_other_rules_is_never_shown(app, client, make_tree, make_piece, rendering):
    """A stored rendering whose version is not the current one (made before the rules changed, or none at all:
    a row written around the mapped piece) is ignored: the page converts the text it has."""
    team = make_tree().team["semarang-TF01"]
    piece = make_published(make_piece, team, "national", title="Jalan warga", body_md=TEXT)
    db.session.execute(update(Piece).where(Piece.id == piece.id)
                       .values(body_html="<p>RENDERING LAMA</p>", body_html_rendering=rendering))
    db.session.commit()
    page = {}
    assert _converted_during(lambda: page.update(r=client.get(f"/elearning/tulisan/{piece.id}"))) == 1
    html = page["r"].get_data(as_text=True)
    assert "RENDERING LAMA" not in html and "<strong>bergotong-royong</strong>" in html


def test_a_stored_rendering_is_sanitised_again_when_shown(app, client, make_tree, make_piece):
    """Whatever wrote the column (a restored backup, a repair in SQL), the page shows only what a text may hold."""
    team = make_tree().team["semarang-TF01"]
    piece = make_published(make_piece, team, "national", title="Jalan warga", body_md=TEXT)
    db.session.execute(update(Piece).where(Piece.id == piece.id).values(
        body_html='<p onclick="alert(1)">Tersimpan <script>alert(2)</script><a href="javascript:alert(3)">x</a>'
                  '<iframe src="https://contoh.id"></iframe><strong>tebal</strong></p>',
        body_html_rendering=RENDERING))
    db.session.commit()
    html = client.get(f"/elearning/tulisan/{piece.id}").get_data(as_text=True)
    article = html[html.index('<div class="prose">'):]
    article = article[:article.index("</div>")]
    assert "Tersimpan" in article and "<strong>tebal</strong>" in article
    for forbidden in ("onclick", "<script", "alert(2)", "javascript:", "<iframe"):
        assert forbidden not in article, forbidden


def test_links_in_a_piece_keep_only_web_mail_and_phone_addresses(app, client, make_tree, make_piece):
    """Converted or stored, a link of a piece's text keeps its address only for http(s), mailto and tel (the
    sanitiser's own defaults would also let ftp, irc, sms, ... through)."""
    tree = make_tree()
    team = tree.team["semarang-TF01"]
    links = {"https://contoh.id/a": True, "http://contoh.id/b": True, "mailto:rw@contoh.id": True,
             "tel:+62241234": True, "ftp://contoh.id/c": False, "irc://contoh.id/d": False, "sms:+62241234": False,
             "data:text/html,x": False}
    body_md = TEXT + "\n\n" + " ".join(f"[tautan {i}]({url})" for i, url in enumerate(links))
    converted = make_published(make_piece, team, "national", title="Jalan warga", body_md=body_md)
    stored = make_published(make_piece, tree.team["semarang-TF02"], "national", title="Jalan kampung", body_md=TEXT)
    db.session.execute(update(Piece).where(Piece.id == stored.id).values(  # the same links in a stored rendering
        body_html="<p>" + " ".join(f'<a href="{url}">tautan {i}</a>' for i, url in enumerate(links)) + "</p>",
        body_html_rendering=RENDERING))
    db.session.commit()
    for piece in (converted, stored):
        html = client.get(f"/elearning/tulisan/{piece.id}").get_data(as_text=True)
        article = html[html.index('<div class="prose">'):]
        for i, (url, kept) in enumerate(links.items()):
            assert (f'href="{url}"' in article) is kept, (piece.title, url)
            assert f"tautan {i}" in article
