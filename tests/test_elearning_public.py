"""Public e-learning pages: only decided pieces appear, by every route; caching; feeds; sharing tags."""
import re
import xml.etree.ElementTree as ET

import pytest
from flask import url_for

from portal.extensions import db
from portal.models.people import Role
from portal.models.reviews import Tier
from tests.builders_elearning import add_entry, make_knowledge_product, make_published, publish

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def world(make_tree, make_piece):
    """Published: a national winner (Semarang), a provincial one (Makassar). Not public: a draft, a submitted
    piece whose province panel is still open, a piece refused at the province (closed panel, NA < 700)."""
    tree = make_tree()
    national = make_published(make_piece, tree.team["semarang-TF01"], "national", title="Bank sampah Semarang")
    provincial = make_published(make_piece, tree.team["makassar-TF01"], "province", title="Posyandu Makassar")
    draft = make_piece(tree.team["semarang-TF02"], status="draft", title="Draf rahasia sekali")
    undecided = make_piece(tree.team["semarang-TF03"], title="Menunggu keputusan panel")
    add_entry(undecided, Tier.PROVINCE, 900.0, 1, closed=False)
    refused = make_piece(tree.team["demak-TF01"], title="Ditolak tim penilai")
    add_entry(refused, Tier.PROVINCE, 610.0, 4)
    return {"tree": tree, "national": national, "provincial": provincial,
            "hidden": [draft, undecided, refused]}


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_landing_page_lists_winners_anonymous(client, world):
    r = client.get("/elearning/")
    assert r.status_code == 200
    body = text_of(r)
    assert "Bank sampah Semarang" in body and "Posyandu Makassar" in body
    assert 'action="/elearning/cari"' in body
    assert "/elearning/provinsi/" in body and "/elearning/bulan/2026-11" in body


def test_site_root_sends_anonymous_readers_here(client, world):
    r = client.get("/")
    assert r.status_code == 302 and r.headers["Location"].endswith("/elearning/")


@pytest.mark.parametrize("url_of", [
    lambda w: "/elearning/",
    lambda w: "/elearning/nasional",
    lambda w: "/elearning/nasional?bulan=2026-11",
    lambda w: "/elearning/provinsi",
    lambda w: f"/elearning/provinsi/{w['tree'].province['jateng'].id}",
    lambda w: f"/elearning/provinsi/{w['tree'].province['jateng'].id}?bulan=2026-11",
    lambda w: "/elearning/bulan/2026-11",
    lambda w: "/elearning/penghargaan",
    lambda w: "/elearning/cari?q=rahasia",
    lambda w: "/elearning/cari?q=Menunggu",
    lambda w: "/elearning/cari?q=Ditolak",
    lambda w: "/elearning/cari?bulan=2026-11",
    lambda w: "/elearning/feed/nasional.atom",
    lambda w: f"/elearning/feed/provinsi/{w['tree'].province['jateng'].id}.atom",
])
def test_unpublished_pieces_never_listed(client, world, url_of):
    r = client.get(url_of(world))
    assert r.status_code == 200
    body = text_of(r)
    for piece in world["hidden"]:
        assert piece.title not in body
        assert f"/elearning/tulisan/{piece.id}\"" not in body


def test_unpublished_piece_pages_are_404_for_everyone(client, world, make_user, login):
    for piece in world["hidden"]:
        assert client.get(f"/elearning/tulisan/{piece.id}").status_code == 404
        assert client.post(f"/elearning/tulisan/{piece.id}/komentar", data={"body": "x"}).status_code in (302, 404)
    # Even the team's own writer does not see a draft on the public pages.
    writer = make_user(Role.WRITER, world["tree"].team["semarang-TF02"])
    login(writer)
    for piece in world["hidden"]:
        assert client.get(f"/elearning/tulisan/{piece.id}").status_code == 404
        assert client.post(f"/elearning/tulisan/{piece.id}/komentar", data={"body": "x"}).status_code == 404
        assert client.post(f"/elearning/tulisan/{piece.id}/konfirmasi").status_code == 404
    assert client.get("/elearning/tulisan/999999").status_code == 404


def test_unpublished_photos_are_not_served(app, client, world):
    """The photo view (submissions feature) follows can_view_piece: an unpublished piece's photo is refused."""
    from portal.elearning.web import PHOTO_ENDPOINT

    if PHOTO_ENDPOINT not in app.view_functions:
        pytest.skip("the submissions photo view has not landed yet")
    from flask import url_for

    for piece in world["hidden"]:
        with app.test_request_context():
            url = url_for(PHOTO_ENDPOINT, photo_id=piece.photos[0].id, variant="thumb")
        assert client.get(url).status_code in (403, 404)


def test_piece_page_shows_text_badges_results_and_contact(client, world):
    piece = world["national"]
    body = text_of(client.get(f"/elearning/tulisan/{piece.id}"))
    assert piece.title in body
    assert "bergotong-royong membangun jalan lingkungan" in body
    assert "Best practice nasional" in body and "Best practice provinsi" in body and "November 2026" in body
    assert piece.team.name in body and "Kota Semarang" in body
    assert "BKM Sejahtera" in body and "024-123456" in body and "Jl. Merdeka 1" in body
    assert "812,50" in body and "850,00" in body  # tier NAs
    assert "Foto 1" in body and "Foto 2" in body  # captions


def test_reviewers_names_and_scores_never_shown(client, world, make_user):
    from portal.models.reviews import Entry, PanelMember, RubricVersion, Score, ScoreSheet

    piece = world["national"]
    reviewer = make_user(Role.PANEL_MEMBER, world["tree"].kmw["A"], name="Penilai Rahasia Sekali")
    entry = db.session.scalar(db.select(Entry).where(Entry.piece_id == piece.id))
    rubric = RubricVersion(version="uji", active=True)
    db.session.add(rubric)
    db.session.flush()
    db.session.add(PanelMember(panel_id=entry.panel_id, user_id=reviewer.id))
    sheet = ScoreSheet(entry_id=entry.id, user_id=reviewer.id, rubric_id=rubric.id, note="Catatan penilai 7a7a")
    sheet.scores.append(Score(instrument_code=1, score=7))
    db.session.add(sheet)
    db.session.commit()
    body = text_of(client.get(f"/elearning/tulisan/{piece.id}"))
    assert "Penilai Rahasia Sekali" not in body and "Catatan penilai 7a7a" not in body


def test_lists_filter_by_month_and_province(client, world, make_piece):
    tree = world["tree"]
    october = make_published(make_piece, tree.team["semarang-TF04"], "province", period="2026-10",
                             title="Oktober di Semarang")
    jateng = tree.province["jateng"].id
    body = text_of(client.get(f"/elearning/provinsi/{jateng}?bulan=2026-10"))
    assert "Oktober di Semarang" in body and "Bank sampah Semarang" not in body and "Posyandu Makassar" not in body
    body = text_of(client.get(f"/elearning/provinsi/{jateng}"))
    assert "Oktober di Semarang" in body and "Bank sampah Semarang" in body and "Posyandu Makassar" not in body
    body = text_of(client.get("/elearning/nasional"))
    assert "Bank sampah Semarang" in body and "Posyandu Makassar" not in body and october.title not in body
    assert client.get("/elearning/bulan/2026-13").status_code == 404
    assert client.get("/elearning/provinsi/99999").status_code == 404
    assert client.get("/elearning/nasional?bulan=garbage&halaman=x").status_code == 200


def test_lists_paginate_by_twenty(client, make_tree, make_piece):
    tree = make_tree()
    teams = [t for k, t in tree.team.items() if k.startswith("semarang")] + \
        [t for k, t in tree.team.items() if k.startswith("demak")]
    for i, team in enumerate(teams[:10]):
        make_published(make_piece, team, "province", period="2026-11", title=f"Nov {i:02d}")
        make_published(make_piece, team, "province", period="2026-10", title=f"Okt {i:02d}")
        make_published(make_piece, team, "province", period="2026-09", title=f"Sep {i:02d}")
    jateng = tree.province["jateng"].id
    first = text_of(client.get(f"/elearning/provinsi/{jateng}"))
    second = text_of(client.get(f"/elearning/provinsi/{jateng}?halaman=2"))
    assert first.count('class="el-card"') == 20 and second.count('class="el-card"') == 10
    assert "halaman=2" in first and "Halaman 1 dari 2" in first


def test_list_page_is_light_and_constant_in_queries(client, make_tree, make_piece, app):
    from sqlalchemy import event

    tree = make_tree()
    for i, team in enumerate([t for k, t in tree.team.items() if k.startswith("semarang")]):
        make_published(make_piece, team, "province", title=f"Judul panjang nomor {i} " + "kata " * 30)
    statements = []
    listener = lambda *args: statements.append(args[2])
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        r = client.get(f"/elearning/provinsi/{tree.province['jateng'].id}")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert r.status_code == 200 and len(r.get_data()) < 100_000
    assert len(statements) <= 8, statements


def test_xss_in_title_body_and_captions_is_escaped(client, make_tree, make_piece):
    tree = make_tree()
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    piece = make_piece(tree.team["semarang-TF01"], title=f"Judul {payload}",
                       body_md=f"Isi {payload} [klik](javascript:alert(3))", theme=payload,
                       institution_name=payload, facts=payload)
    piece.photos[0].caption = payload
    publish(piece, "national")
    for url in (f"/elearning/tulisan/{piece.id}", "/elearning/", "/elearning/nasional", "/elearning/cari?q=Judul",
                "/elearning/penghargaan"):
        body = text_of(client.get(url))
        assert "<script>alert(1)" not in body, url
        assert "<img src=x" not in body, url
        assert 'href="javascript:' not in body, url
    feed = client.get("/elearning/feed/nasional.atom").get_data()
    assert b"<script>" not in feed


def test_public_page_is_cacheable_and_answers_304(client, world):
    url = f"/elearning/tulisan/{world['national'].id}"
    first = client.get(url)
    assert first.status_code == 200
    assert "public" in first.headers["Cache-Control"] and "max-age=300" in first.headers["Cache-Control"]
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    for path in ("/elearning/", "/elearning/nasional", "/elearning/feed/nasional.atom"):
        tag = client.get(path).headers["ETag"]
        assert client.get(path, headers={"If-None-Match": tag}).status_code == 304, path


def test_etag_changes_when_content_changes(client, world, make_user):
    from tests.builders_elearning import add_comment

    url = f"/elearning/tulisan/{world['national'].id}"
    etag = client.get(url).headers["ETag"]
    add_comment(world["national"], make_user(Role.READER), "Komentar baru yang mengubah halaman")
    r = client.get(url, headers={"If-None-Match": etag})
    assert r.status_code == 200 and "Komentar baru" in text_of(r)


def test_signed_in_pages_are_not_publicly_cached(client, world, make_user, login):
    login(make_user(Role.READER))
    r = client.get(f"/elearning/tulisan/{world['national'].id}")
    assert r.status_code == 200
    assert "public" not in r.headers["Cache-Control"] and "no-store" in r.headers["Cache-Control"]
    assert "private" in r.headers["Cache-Control"]


def test_opengraph_and_twitter_tags(client, world):
    body = text_of(client.get(f"/elearning/tulisan/{world['national'].id}"))
    assert re.search(r'<meta property="og:title" content="Bank sampah Semarang">', body)
    assert '<meta property="og:description"' in body
    assert '<meta name="twitter:card" content="summary_large_image">' in body
    first = min(world["national"].photos, key=lambda p: p.position)
    image = re.search(r'<meta property="og:image" content="([^"]+)">', body)
    assert image, "a piece with photos has a link-preview image"  # an absolute URL of the first photo's display
    assert image.group(1) == f"http://localhost/tulisan/foto/{first.id}/display"
    assert f'<meta property="og:image:alt" content="{first.caption}">' in body


def test_article_shows_the_first_photo_large_and_the_others_in_order(client, world):
    """The article reads the photos as rows (submissions.queries.photo_rows): the first in the hero figure, the
    others below the text, in their positions, each with its caption."""
    photos = sorted(world["national"].photos, key=lambda p: p.position)
    body = text_of(client.get(f"/elearning/tulisan/{world['national'].id}"))
    hero = body.split('<figure class="el-hero">', 1)[1].split("</figure>", 1)[0]
    assert f"/tulisan/foto/{photos[0].id}/display" in hero and f"<figcaption>{photos[0].caption}</figcaption>" in hero
    rest = body.split('<div class="el-photos">', 1)[1].split("</div>", 1)[0]
    assert re.findall(r"<figcaption>([^<]+)</figcaption>", rest) == [p.caption for p in photos[1:]]
    assert [int(i) for i in re.findall(r'<img src="/tulisan/foto/(\d+)/phone"', rest)] == [p.id for p in photos[1:]]


def test_photos_are_responsive_and_lazy(app, client, world):
    from portal.elearning.web import PHOTO_ENDPOINT

    if PHOTO_ENDPOINT not in app.view_functions:
        pytest.skip("the submissions photo view has not landed yet")
    body = text_of(client.get(f"/elearning/tulisan/{world['national'].id}"))
    imgs = [i for i in re.findall(r"<img [^>]+>", body) if "/tulisan/foto/" in i]  # the photos, not the wordmark
    assert imgs and all('loading="lazy"' in i and "srcset=" in i and "width=" in i and "height=" in i for i in imgs)
    # 1280x960 scaled to the display long side (1600: never up) and to the phone size (800x600).
    assert 'width="1280" height="960"' in body and " 800w" in body and " 400w" in body
    # Each variant's address is the one the URL builder gives for it, in JPEG and in WebP, smallest first.
    hero = int(re.search(r'<img src="/tulisan/foto/(\d+)/display"', body).group(1))
    with app.test_request_context():
        def srcset(endpoint):
            return ", ".join(f"{url_for(endpoint, photo_id=hero, variant=v)} {w}w"
                             for v, w in (("thumb", 400), ("phone", 800), ("display", 1280)))
        jpeg, webp = srcset("submissions.photo"), srcset("submissions.photo_webp")
    assert f'<source type="image/webp" srcset="{webp}"' in body and f'srcset="{jpeg}"' in body, (jpeg, webp)


@pytest.mark.parametrize("script_root", ["", "/0/variant-slot", "/portal-0"])
def test_photo_variant_addresses_are_the_url_builders_for_every_photo(app, script_root):
    """The variants' addresses are made from one address built for photo 0 (see ``web._variant_urls``): they are
    exactly what the URL builder gives for each photo and variant, also under a prefix that looks like the slot."""
    from portal.elearning.web import PHOTO_ENDPOINT, VARIANTS, WEBP_ENDPOINT, _variant_urls

    with app.test_request_context("/", base_url=f"http://localhost{script_root}/"):
        assert url_for(PHOTO_ENDPOINT, photo_id=1, variant="a").startswith(f"{script_root}/")
        for photo_id in (0, 7, 10, 123456789):
            for endpoint in (PHOTO_ENDPOINT, WEBP_ENDPOINT):
                build = _variant_urls(endpoint, photo_id)
                assert [build(v) for v in VARIANTS] == [url_for(endpoint, photo_id=photo_id, variant=v)
                                                       for v in VARIANTS]
        assert _variant_urls("no.such_endpoint", 1) is None


def test_feeds_are_valid_atom_with_the_right_entries(client, world):
    tree = world["tree"]
    root = ET.fromstring(client.get("/elearning/feed/nasional.atom").get_data())
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}") is not None
    titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
    assert titles == ["Bank sampah Semarang"]
    for entry in root.findall(f"{ATOM}entry"):
        assert entry.find(f"{ATOM}id").text.startswith("http://localhost/elearning/tulisan/")
        assert entry.find(f"{ATOM}updated").text.endswith("+00:00")
        assert entry.find(f"{ATOM}link").get("href") == entry.find(f"{ATOM}id").text
    r = client.get(f"/elearning/feed/provinsi/{tree.province['sulsel'].id}.atom")
    assert r.mimetype == "application/atom+xml"
    titles = [e.find(f"{ATOM}title").text for e in ET.fromstring(r.get_data()).findall(f"{ATOM}entry")]
    assert titles == ["Posyandu Makassar"]
    empty = ET.fromstring(client.get(f"/elearning/feed/provinsi/{tree.province['papua'].id}.atom").get_data())
    assert empty.findall(f"{ATOM}entry") == [] and empty.find(f"{ATOM}updated") is not None
    assert client.get("/elearning/feed/provinsi/99999.atom").status_code == 404


def test_knowledge_products_only_when_published(client, make_tree, make_user, tmp_path, app):
    from portal import storage

    tree = make_tree()
    expert = make_user(Role.WRITER, tree.kmw["A"], name="Tenaga Ahli Satu")
    published = make_knowledge_product(expert, tree.kmw["A"], published=True, title="Panduan BKM",
                                       document_key="dokumenKunci123", document_type="text/html", document_ext="pdf")
    expert2 = make_user(Role.WRITER, tree.kmw["B"])
    pending = make_knowledge_product(expert2, tree.kmw["B"], title="Belum terbit", document_key="dokumenKunci456",
                                     document_ext="pdf")
    for product in (published, pending):
        path = storage.path_for("documents", product.document_key, ".pdf")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4 <html><script>alert(1)</script>")
    body = text_of(client.get("/elearning/produk-pengetahuan"))
    assert "Panduan BKM" in body and "Belum terbit" not in body
    assert "Panduan BKM" in text_of(client.get("/elearning/"))
    assert client.get(f"/elearning/produk-pengetahuan/{published.id}").status_code == 200
    assert client.get(f"/elearning/produk-pengetahuan/{pending.id}").status_code == 404
    r = client.get(f"/elearning/produk-pengetahuan/{published.id}/dokumen")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.headers["X-Content-Type-Options"] == "nosniff" and "attachment" in r.headers["Content-Disposition"]
    assert client.get(f"/elearning/produk-pengetahuan/{pending.id}/dokumen").status_code == 404


def test_knowledge_product_publication_by_kmw_data_manager(client, make_tree, make_user, login, app):
    tree = make_tree()
    expert = make_user(Role.WRITER, tree.kmw["A"])
    product = make_knowledge_product(expert, tree.kmw["A"], title="Produk KMW A")
    draft = make_knowledge_product(make_user(Role.WRITER, tree.kmw["A"]), tree.kmw["A"], submitted=False)
    other_dm = make_user(Role.DATA_MANAGER, tree.kmw["B"])
    city_dm = make_user(Role.DATA_MANAGER, tree.city["semarang"])
    reader = make_user(Role.READER)
    for user, code in ((other_dm, 403), (city_dm, 403), (reader, 404)):
        c = app.test_client()
        login(user, c=c)
        assert c.post(f"/elearning/produk-pengetahuan/{product.id}/terbitkan").status_code == code
    assert client.get(f"/elearning/produk-pengetahuan/{product.id}").status_code == 404
    dm = make_user(Role.DATA_MANAGER, tree.kmw["A"])
    login(dm)
    assert "Produk KMW A" in text_of(client.get("/elearning/produk-pengetahuan/menunggu"))
    assert client.post(f"/elearning/produk-pengetahuan/{draft.id}/terbitkan").status_code == 403
    assert client.post(f"/elearning/produk-pengetahuan/{product.id}/terbitkan").status_code == 302
    assert client.get(f"/elearning/produk-pengetahuan/{product.id}").status_code == 200


def test_honour_roll_and_award_form(client, world, make_user, login, app):
    national = world["national"]
    body = text_of(client.get("/elearning/penghargaan"))
    assert "Bank sampah Semarang" in body and "Posyandu Makassar" not in body and "Kota Semarang" in body
    kmw_dm = make_user(Role.DATA_MANAGER, world["tree"].kmw["A"])
    c = app.test_client()
    login(kmw_dm, c=c)
    assert c.post(f"/elearning/penghargaan/{national.id}/tambah", data={"title": "X"}).status_code == 403
    dm = make_user(Role.DATA_MANAGER, None)
    login(dm)
    assert client.get(f"/elearning/penghargaan/{world['provincial'].id}/tambah").status_code == 404
    assert client.get(f"/elearning/penghargaan/{world['hidden'][0].id}/tambah").status_code == 404
    bad = client.post(f"/elearning/penghargaan/{national.id}/tambah", data={"title": "  ", "description": "simpan"})
    assert bad.status_code == 400 and "Tuliskan nama penghargaan." in text_of(bad) and "simpan" in text_of(bad)
    ok = client.post(f"/elearning/penghargaan/{national.id}/tambah",
                     data={"title": "Undangan lokakarya penulisan nasional", "description": "Jakarta, Desember"})
    assert ok.status_code == 302
    assert "Undangan lokakarya penulisan nasional" in text_of(app.test_client().get("/elearning/penghargaan"))
    assert "Undangan lokakarya" in text_of(app.test_client().get(f"/elearning/tulisan/{national.id}"))


def test_pages_fit_a_phone(client, world):
    body = text_of(client.get(f"/elearning/tulisan/{world['national'].id}"))
    assert 'name="viewport"' in body and "elearning.css" in body
    assert " style=" not in body and "<script" not in body


def test_media_piece_links_its_file(app, client, make_tree, make_piece, make_user, login):
    """The file shows whether the article is built from the piece's row (the page) or from the mapped piece (the
    page re-rendered with a refused comment); a piece without one shows none."""
    from portal.models.pieces import MediaFile, PieceForm

    tree = make_tree()
    pieces = []
    for team, key in (("semarang-TF01", "mediaKunci789"), ("semarang-TF02", "mediaKunci790")):
        piece = make_piece(tree.team[team], form=PieceForm.VIDEO)
        piece.media = MediaFile(storage_key=key, content_type="video/mp4", extension="mp4", byte_size=10)
        db.session.commit()
        publish(piece, "province")
        pieces.append(piece)
    plain = make_piece(tree.team["demak-TF01"], title="Tanpa berkas")
    publish(plain, "province")
    tags = [f'<video controls preload="none" src="/tulisan/{p.id}/media">' for p in pieces]
    body = text_of(client.get(f"/elearning/tulisan/{pieces[0].id}"))  # the article built from the row
    assert tags[0] in body and "(MP4)" in body
    login(make_user(Role.READER), c=(reader := app.test_client()))
    refused = reader.post(f"/elearning/tulisan/{pieces[1].id}/komentar", data={"body": ""})  # from the mapped piece
    assert refused.status_code == 400 and tags[1] in text_of(refused) and "(MP4)" in text_of(refused)
    other = text_of(client.get(f"/elearning/tulisan/{plain.id}"))
    assert "Tanpa berkas" in other and "<video" not in other and "Unduh karya" not in other


def test_signed_in_reader_gets_the_kept_article_and_sees_changes(app, client, world, make_user, login):
    """The article part of a piece page is rendered once per worker; an award (a public change) shows at once,
    and absolute links in the preview tags follow the host the reader asked."""
    from querycount import count_queries

    from portal.models.elearning import Award

    national = world["national"]
    login(make_user(Role.READER))
    url = f"/elearning/tulisan/{national.id}"
    first = text_of(client.get(url))
    assert "Bank sampah Semarang" in first
    db.session.remove()
    with count_queries(db.engine) as statements:
        again = text_of(client.get(url))
    assert again == first
    # The account and the piece's own row (with its counts of comments, none here, and of awards): nothing of the
    # kept article (its photos, tier results and awards) is read again, and no comment is asked for.
    assert len(statements) == 2 and statements[1].startswith("SELECT piece.id"), statements
    assert not [s for s in statements if not s.startswith("SELECT piece.id")
                and ("FROM award" in s or "FROM photo" in s or "JOIN panel" in s or "FROM comment" in s)], statements
    db.session.add(Award(piece_id=national.id, title="Undangan lokakarya nasional",
                         recorded_by_id=make_user(Role.DATA_MANAGER, None).id))
    db.session.commit()
    assert "Undangan lokakarya nasional" in text_of(client.get(url))
    other_host = text_of(client.get(url, base_url="https://portal.contoh.id"))
    assert 'content="https://portal.contoh.id/elearning/tulisan/' in other_host
    assert "http://localhost/" not in other_host


def test_kept_months_and_province_counts_follow_a_publication(app, client, world, make_piece):
    """The search form's months and the provinces' counts are kept per worker until something is published."""
    page = text_of(client.get("/elearning/provinsi"))
    assert "Jawa Tengah</a> <span class=\"muted\">(1)" in page
    assert 'value="2027-01"' not in text_of(client.get("/elearning/cari?q=sampah"))
    make_published(make_piece, world["tree"].team["demak-TF02"], "province", period="2027-01", title="Baru terbit")
    assert "Jawa Tengah</a> <span class=\"muted\">(2)" in text_of(client.get("/elearning/provinsi"))
    assert 'value="2027-01"' in text_of(client.get("/elearning/cari?q=sampah"))
