"""Full-text search over published pieces, on SQLite (FTS5) and PostgreSQL (to_tsvector 'simple')."""
import re

import pytest
from sqlalchemy import event, text

from portal import search
from portal.extensions import db
from portal.models.pieces import BestPractice
from portal.models.reviews import Tier
from tests.builders_elearning import add_entry, make_published, publish
from tests.querycount import count_queries
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
def test_sqlite_index_is_rebuilt_lazily_when_missing_or_by_the_command_when_out_of_step(corpus, runner):
    db.session.execute(text("DROP TABLE piece_search"))
    db.session.commit()
    assert titles(search.search_pieces("balita")) == {"Posyandu mandiri"}
    db.session.execute(text("DELETE FROM piece_search"))
    db.session.commit()
    # Emptied behind the portal's back: a search no longer counts the index on every request to notice that
    # (writes keep it in step); the operator's command repairs it.
    result = runner.invoke(args=["rebuild-search-index"])
    assert result.exit_code == 0, result.output
    assert "4 tulisan" in result.output
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
    """The decision operation calls index_piece; if some code does not, the flush indexes the piece anyway."""
    from datetime import UTC, datetime

    from portal.models.pieces import BestPractice

    piece = make_piece(corpus["tree"].team["demak-TF02"], title="Irigasi desa", body_md="Saluran irigasi baru.")
    piece.best_practice = BestPractice.PROVINCE
    piece.published_at = datetime(2026, 11, 29, tzinfo=UTC)
    db.session.commit()
    assert titles(search.search_pieces("irigasi")) == {"Irigasi desa"}


def test_lazy_repair_of_the_index_is_kept(corpus, make_piece):
    """The index follows the piece in the transaction that publishes it, so it is committed with it (no search
    has to repair it, and a search's rollback cannot lose it)."""
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


def entries(piece_id: int) -> int:
    return db.session.execute(text("SELECT count(*) FROM piece_search_entry WHERE piece_id = :i"),
                              {"i": piece_id}).scalar()


def test_publication_writes_the_entry_and_withdrawal_removes_it(corpus):
    piece = corpus["pieces"]["posyandu"]
    assert entries(piece.id) == 1
    assert [entries(p.id) for p in corpus["hidden"]] == [0, 0]
    if on_postgres():
        head, document = db.session.execute(
            text("SELECT head::text, document::text FROM piece_search_entry WHERE piece_id = :i"), {"i": piece.id}).one()
        assert re.search(r"'posyandu':\d+A", document) and re.search(r"'kesehatan':\d+B", document)
        assert re.search(r"'makassar':\d+C", head) and "'balita'" in document and "'balita'" not in head
    piece.published_at = None  # withdrawn through the ORM, without calling the index
    piece.best_practice = None
    db.session.commit()
    assert entries(piece.id) == 0
    assert search.search_pieces("balita").total == 0
    publish(piece, "province")
    assert entries(piece.id) == 1
    assert titles(search.search_pieces("balita")) == {"Posyandu mandiri"}


def test_edits_renames_moves_and_deletions_follow_into_the_index(corpus):
    tree, pieces = corpus["tree"], corpus["pieces"]
    pieces["posyandu"].title = "Posyandu lansia"
    tree.city["makassar"].name = "Kota Daeng"
    tree.province["papua"].name = "Papua Pegunungan"
    tree.team["demak-TF01"].city = tree.city["semarang"]
    db.session.commit()
    assert titles(search.search_pieces("lansia daeng")) == {"Posyandu lansia"}
    assert search.search_pieces("mandiri").total == 0 and search.search_pieces("makassar").total == 0
    assert titles(search.search_pieces("pegunungan")) == {"Jalan setapak"}
    assert titles(search.search_pieces("bergulir semarang")) == {"Kredit mikro bergulir"}
    assert search.search_pieces("bergulir demak").total == 0
    moved = tree.team["jayapura-TF01"]
    moved.city = tree.city["demak"]
    db.session.commit()
    jateng = tree.province["jateng"].id
    assert titles(search.search_pieces("gotong", province_id=jateng)) == {"Jalan setapak"}
    db.session.delete(pieces["kredit"])
    db.session.commit()
    assert search.search_pieces("bergulir").total == 0
    if not on_postgres():
        assert db.session.execute(text("SELECT count(*) FROM piece_search WHERE piece_id = :i"),
                                  {"i": pieces["kredit"].id}).scalar() == 0


def test_a_title_hit_ranks_first_and_equal_ranks_come_newest_first(make_tree, make_piece):
    tree = make_tree()
    team = iter(tree.team[f"semarang-TF{i:02d}"] for i in range(1, 10))
    body = "Kader menimbang balita setiap bulan di balai warga."
    older = make_published(make_piece, next(team), title="Kerja bakti", body_md=f"Sumur resapan. {body}")
    title_hit = make_published(make_piece, next(team), title="Sumur resapan baru", body_md=body)
    many = make_published(make_piece, next(team), title="Kerja bakti",
                          body_md="Sumur resapan, sumur resapan, sumur resapan. " + body)
    newer = make_published(make_piece, next(team), title="Kerja bakti", body_md=f"Sumur resapan. {body}")
    result = search.search_pieces("sumur resapan")
    assert [p.id for p in result.pieces][0] == title_hit.id
    ids = [p.id for p in result.pieces]
    assert ids.index(newer.id) == ids.index(older.id) - 1  # the same text ranks the same: newest first
    assert result.total == 4 and set(ids) == {older.id, title_hit.id, many.id, newer.id}


@pytest.mark.parametrize("limit", [search.RANK_ALL_LIMIT, 1], ids=["rank all", "many matches"])
def test_a_word_in_every_piece(make_tree, make_piece, monkeypatch, limit):
    """Above RANK_ALL_LIMIT matches PostgreSQL ranks on title, theme and place only: title hits still come first,
    then theme hits, then the rest newest first; filters, totals and pages are the same."""
    monkeypatch.setattr(search, "RANK_ALL_LIMIT", limit)
    tree = make_tree()
    teams = [t for k, t in tree.team.items() if k.startswith(("semarang", "demak")) and "TF" in k]
    body = "Warga menabung di bank sampah kelurahan."
    # The oldest two have the word in their title and theme: only ranking puts them first.
    by_theme = make_published(make_piece, teams[10], period="2026-08", title="Kegiatan lama", theme="Tabungan warga",
                              body_md=body)
    by_title = make_published(make_piece, teams[11], period="2026-08", title="Warga menabung", theme="Lingkungan",
                              body_md=body)
    made = []
    for i, team in enumerate(teams[:10]):
        for period in ("2026-09", "2026-10"):
            level = "national" if i % 5 == 0 else "province"
            made.append(make_published(make_piece, team, level, period=period, title=f"Kegiatan {period} {i}",
                                       theme="Lingkungan", body_md=body))
    first = search.search_pieces("warga")
    assert first.total == 22 and len(first.pieces) == 20
    assert [p.id for p in first.pieces[:2]] == [by_title.id, by_theme.id]
    assert [p.id for p in first.pieces[2:]] == [p.id for p in reversed(made)][:18]  # the rest newest first
    second = search.search_pieces("warga", page=2)
    assert [p.id for p in second.pieces] == [made[1].id, made[0].id] and second.total == 22
    assert search.search_pieces("warga", page=3).pieces == []
    national = search.search_pieces("warga", tier="national")
    assert national.total == 4 and {p.best_practice for p in national.pieces} == {BestPractice.NATIONAL}
    assert search.search_pieces("warga", period="2026-10", tier="province").total == 10
    assert search.search_pieces("warga", province_id=tree.province["papua"].id).total == 0


def test_a_search_page_only_reads(client, corpus):
    client.get("/elearning/cari?q=sampah")  # the first search of a process may check that the index exists
    commits = []

    def on_commit(connection):
        commits.append(connection)

    event.listen(db.engine, "commit", on_commit)
    try:
        with count_queries(db.engine) as statements:
            for url in ("/elearning/cari?q=warga&tingkat=province", "/elearning/cari?q=balita",
                        f"/elearning/cari?provinsi={corpus['tree'].province['jateng'].id}"):
                assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "commit", on_commit)
    writes = [s for s in statements if s.split()[0].upper() in ("INSERT", "UPDATE", "DELETE", "CREATE", "DROP",
                                                                 "ALTER")]
    assert writes == [] and commits == []


@pytest.mark.skipif(not on_postgres(), reason="PostgreSQL's planner")
def test_postgres_matches_through_the_gin_index_once_the_table_has_statistics(corpus):
    """With planner statistics (autovacuum takes them) PostgreSQL would scan the entries and decompress every
    document for each search; the search's statements match through the GIN index instead, and only they."""
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"VACUUM ANALYZE {search.ENTRY_TABLE}"))
    plans = {}

    def explain(conn, cursor, statement, parameters, context, executemany):
        if search.ENTRY_TABLE in statement and "@@" in statement:
            cursor.execute("EXPLAIN " + statement, parameters)
            plans[statement.split()[1]] = " ".join(row[0] for row in cursor.fetchall())

    event.listen(db.engine, "before_cursor_execute", explain)
    try:
        result = search.search_pieces("sampah warga")
    finally:
        event.remove(db.engine, "before_cursor_execute", explain)
    assert titles(result) == {"Bank sampah warga"}
    assert len(plans) == 2  # the count and the page
    for plan in plans.values():
        assert search.PG_INDEX in plan and "Seq Scan on piece_search_entry" not in plan, plan
    assert db.session.scalar(text("SELECT current_setting('enable_seqscan')")) == "on"  # for what follows


def test_rebuild_command_restores_an_emptied_index(corpus, runner):
    db.session.execute(text("DELETE FROM piece_search_entry"))
    db.session.commit()
    assert search.search_pieces("balita").total == 0
    result = runner.invoke(args=["rebuild-search-index"])
    assert result.exit_code == 0, result.output
    assert "4 tulisan" in result.output
    assert titles(search.search_pieces("balita")) == {"Posyandu mandiri"}
    assert search.rebuild_index() == 4


@pytest.mark.skipif(on_postgres(), reason="the FTS5 table exists on SQLite only")
def test_sqlite_index_from_before_migration_0004_is_replaced(corpus):
    """Revision 0003's FTS5 rows had their own rowids and no entry table: the first search rebuilds both."""
    db.session.execute(text("DROP TABLE piece_search_entry"))
    db.session.execute(text("DELETE FROM piece_search"))
    db.session.execute(text("INSERT INTO piece_search (piece_id, title, body, city, province, theme) "
                            "VALUES (999, 'balita', '', '', '', '')"))
    db.session.commit()
    assert titles(search.search_pieces("balita")) == {"Posyandu mandiri"}
    assert db.session.execute(text("SELECT min(rowid = piece_id) FROM piece_search")).scalar() == 1
