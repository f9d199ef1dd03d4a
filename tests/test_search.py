"""Full-text search over published pieces, on SQLite (FTS5) and PostgreSQL (to_tsvector 'simple')."""
import pytest
from sqlalchemy import text

from portal import search
from portal.extensions import db
from portal.models.reviews import Tier
from tests.builders_elearning import add_entry, make_published, publish
from tests.support import on_postgres


@pytest.fixture
def corpus(make_tree, make_piece):
    tree = make_tree()
    pieces = {
        "sampah": make_published(make_piece, tree.team["semarang-TF01"], "national", title="Bank sampah warga",
                                 body_md="Warga mengelola **sampah** menjadi tabungan.", theme="Lingkungan"),
        "posyandu": make_published(make_piece, tree.team["makassar-TF01"], "province", title="Posyandu mandiri",
                                   body_md="Kader kesehatan menimbang balita setiap bulan.", theme="Kesehatan"),
        "jalan": make_published(make_piece, tree.team["jayapura-TF01"], "province", period="2026-10",
                                title="Jalan setapak", body_md="Gotong royong membangun jalan.",
                                theme="Infrastruktur"),
        "kredit": make_published(make_piece, tree.team["demak-TF01"], "national", period="2026-10",
                                 title="Kredit mikro bergulir", body_md="Pinjaman bergulir untuk usaha kecil.",
                                 theme="Ekonomi"),
    }
    draft = make_piece(tree.team["semarang-TF02"], status="draft", title="Draf sampah rahasia",
                       body_md="sampah sampah sampah")
    undecided = make_piece(tree.team["semarang-TF03"], title="Sampah menunggu panel", body_md="sampah")
    add_entry(undecided, Tier.PROVINCE, 900.0, 1, closed=False)
    return {"tree": tree, "pieces": pieces, "hidden": [draft, undecided]}


def titles(result) -> set[str]:
    return {p.title for p in result.pieces}


def test_matches_title_body_theme_city_and_province(corpus):
    assert titles(search.search_pieces("sampah")) == {"Bank sampah warga"}
    assert titles(search.search_pieces("balita")) == {"Posyandu mandiri"}
    assert titles(search.search_pieces("ekonomi")) == {"Kredit mikro bergulir"}
    assert titles(search.search_pieces("Makassar")) == {"Posyandu mandiri"}
    assert titles(search.search_pieces("papua")) == {"Jalan setapak"}
    assert titles(search.search_pieces("jawa tengah")) == {"Bank sampah warga", "Kredit mikro bergulir"}
    assert titles(search.search_pieces("gotong royong jayapura")) == {"Jalan setapak"}
    assert titles(search.search_pieces("tidakadakatainiapapun")) == set()


def test_unpublished_pieces_never_found(corpus):
    result = search.search_pieces("sampah")
    for piece in corpus["hidden"]:
        assert piece.id not in {p.id for p in result.pieces}
    assert search.search_pieces("rahasia").total == 0
    assert search.search_pieces("menunggu").total == 0
    assert corpus["hidden"][0].id not in {p.id for p in search.search_pieces("").pieces}


def test_filters_by_province_month_and_tier(corpus):
    tree = corpus["tree"]
    jateng = tree.province["jateng"].id
    assert titles(search.search_pieces("", province_id=jateng)) == {"Bank sampah warga", "Kredit mikro bergulir"}
    assert titles(search.search_pieces("", period="2026-10")) == {"Jalan setapak", "Kredit mikro bergulir"}
    assert titles(search.search_pieces("", tier="national")) == {"Bank sampah warga", "Kredit mikro bergulir"}
    assert len(titles(search.search_pieces("", tier="province"))) == 4  # national winners were provincial first
    assert titles(search.search_pieces("bergulir", province_id=jateng, period="2026-10", tier="national")) == \
        {"Kredit mikro bergulir"}
    assert titles(search.search_pieces("bergulir", period="2026-11")) == set()


@pytest.mark.parametrize("query", ['"', "*", "AND(", 'sampah"', "NEAR(a b)", "a OR", "-", "^", "sampah*", "(((",
                                   "' OR 1=1 --", "NOT", "title:sampah", "%", "\\", "😀"])
def test_query_syntax_never_errors(corpus, query):
    result = search.search_pieces(query)
    assert result.total >= 0
    if query in ("sampah\"", "sampah*"):
        assert "Bank sampah warga" in titles(result)


def test_pagination(make_tree, make_piece):
    tree = make_tree()
    teams = [t for k, t in tree.team.items() if k.startswith(("semarang", "demak"))]
    for period in ("2026-09", "2026-10"):
        for i, team in enumerate(teams[:11]):
            make_published(make_piece, team, "province", period=period, title=f"Koperasi {period} {i}")
    first = search.search_pieces("koperasi", page=1)
    second = search.search_pieces("koperasi", page=2)
    assert first.total == 22 and len(first.pieces) == 20 and len(second.pieces) == 2
    assert first.pages == 2 and first.has_next and second.has_prev
    assert not {p.id for p in first.pieces} & {p.id for p in second.pieces}


def test_search_page_route(client, corpus):
    r = client.get("/elearning/cari?q=sampah")
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "Bank sampah warga" in body and "Draf sampah rahasia" not in body
    assert "Sampah menunggu panel" not in body
    r = client.get('/elearning/cari?q=%22AND(*&provinsi=abc&bulan=zz&tingkat=evil&halaman=-3')
    assert r.status_code == 200
    body = client.get(f"/elearning/cari?provinsi={corpus['tree'].province['papua'].id}").get_data(as_text=True)
    assert "Jalan setapak" in body and "Bank sampah warga" not in body


@pytest.mark.skipif(on_postgres(), reason="the FTS5 table exists on SQLite only")
def test_sqlite_index_is_rebuilt_lazily_when_missing_or_out_of_step(corpus):
    db.session.execute(text("DROP TABLE piece_search"))
    db.session.commit()
    assert titles(search.search_pieces("balita")) == {"Posyandu mandiri"}
    db.session.execute(text("DELETE FROM piece_search"))
    db.session.commit()
    assert titles(search.search_pieces("balita")) == {"Posyandu mandiri"}


@pytest.mark.skipif(on_postgres(), reason="the FTS5 table exists on SQLite only")
def test_unindex_and_index_follow_publication(corpus):
    piece = corpus["pieces"]["posyandu"]
    piece.published_at = None
    search.index_piece(piece)
    db.session.commit()
    assert db.session.execute(text("SELECT count(*) FROM piece_search WHERE piece_id = :i"), {"i": piece.id}).scalar() == 0
    assert search.search_pieces("balita").total == 0
    publish(piece, "province")
    assert titles(search.search_pieces("balita")) == {"Posyandu mandiri"}
    search.unindex_piece(piece.id)
    db.session.commit()
    assert db.session.execute(text("SELECT count(*) FROM piece_search WHERE piece_id = :i"), {"i": piece.id}).scalar() == 0


def test_ensure_search_schema_is_idempotent(app):
    with db.engine.begin() as connection:
        search.ensure_search_schema(connection)
        search.ensure_search_schema(connection)
    with db.engine.connect() as connection:
        if on_postgres():
            found = connection.execute(text("SELECT 1 FROM pg_indexes WHERE indexname = :n"),
                                       {"n": search.PG_INDEX}).first()
        else:
            found = connection.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'piece_search'")).first()
    assert found is not None


def test_fts5_query_quotes_every_token():
    assert search.fts5_query('sampah "AND( warga*') == '"sampah" "AND" "warga"'
    assert search.fts5_query('"*') == ""


def test_piece_published_without_index_call_is_still_found(corpus, make_piece):
    """The decision operation should call index_piece; if it does not, the lazy check heals the index."""
    from datetime import UTC, datetime

    from portal.models.pieces import BestPractice

    piece = make_piece(corpus["tree"].team["demak-TF02"], title="Irigasi desa", body_md="Saluran irigasi baru.")
    piece.best_practice = BestPractice.PROVINCE
    piece.published_at = datetime(2026, 11, 29, tzinfo=UTC)
    db.session.commit()
    assert titles(search.search_pieces("irigasi")) == {"Irigasi desa"}


def test_lazy_repair_of_the_index_is_kept(corpus, make_piece):
    """A repaired index is committed, so the next search does not rebuild it again."""
    from datetime import UTC, datetime

    from portal.models.pieces import BestPractice

    if db.engine.dialect.name != "sqlite":
        pytest.skip("the FTS5 table exists on SQLite only; PostgreSQL indexes the row itself")
    piece = make_piece(corpus["tree"].team["demak-TF02"], title="Irigasi desa", body_md="Saluran irigasi baru.")
    piece.best_practice = BestPractice.PROVINCE
    piece.published_at = datetime(2026, 11, 29, tzinfo=UTC)
    db.session.commit()
    search.search_pieces("irigasi")
    db.session.rollback()  # what the end of a request does to anything not committed
    indexed = db.session.execute(db.text("SELECT count(*) FROM piece_search WHERE piece_id = :i"), {"i": piece.id})
    assert indexed.scalar() == 1
