"""Backup and restore round-trip everything, photos included, between SQLite and PostgreSQL.

The source is always a SQLite database of its own, loaded with the demo data plus at least one row of every
table. It is backed up, restored into the test database (PostgreSQL when TEST_DATABASE_URL is set, else a
fresh SQLite file), backed up again from there and restored into a third, fresh SQLite database. Every table's
rows must come out identical and every file byte-for-byte the same.
"""
from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from portal import create_app, search
from portal.extensions import db
from portal.maintenance import MaintenanceError, backup, restore
from tests.support import suite_clock_shift


def _make_app(tmp_path: Path, name: str):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / (name + '.db')}",
                       "UPLOAD_DIR": str(tmp_path / f"{name}-uploads"), "SECRET_KEY": "k",
                       "CLOCK_SHIFT_SECONDS": suite_clock_shift()},
                      instance_path=str(tmp_path / f"{name}-instance"))


def _fill_every_table() -> dict:
    """Demo data plus a row in every table, with awkward values (unicode, newlines, quotes, None, floats)."""
    from portal import photos, storage
    from portal.demo import load_demo_data
    from portal.models import (
        Award,
        Comment,
        CommentReport,
        Confirmation,
        DeliveryMode,
        Entry,
        EntryStatus,
        Extension,
        Job,
        JobState,
        KnowledgeProduct,
        MailDigest,
        MailPreference,
        MailState,
        MediaFile,
        Notification,
        OutboxMessage,
        Panel,
        PanelMember,
        PanelStatus,
        PasswordToken,
        Photo,
        Piece,
        PieceForm,
        PieceStatus,
        Recusal,
        RubricVersion,
        Score,
        ScoreChange,
        ScoreSheet,
        SheetStatus,
        Team,
        Tier,
        User,
    )
    from portal.models.pieces import BestPractice

    load_demo_data()
    team = db.session.scalar(select(Team).where(Team.code == "3374-TF01"))
    users = db.session.scalars(select(User).order_by(User.id)).all()
    rubric = db.session.scalar(select(RubricVersion))
    now = datetime(2026, 11, 14, 16, 59, 59, 123456, tzinfo=UTC)
    body = "Warga RW 05 \"bergotong-royong\"\nmembangun jalan — 120 KK, ½ biaya swadaya. ✓ Ñ 日本"
    piece = Piece(team=team, period="2025-01", status=PieceStatus.SUBMITTED, form=PieceForm.FEATURE, title="Jalan «baru»",
                  body_md=body, submitted_at=now, published_at=now + timedelta(days=20),
                  best_practice=BestPractice.NATIONAL, moved_from_period="2024-12")
    media_piece = Piece(team=db.session.scalar(select(Team).where(Team.code == "3374-TF02")), period="2025-01",
                        form=PieceForm.VIDEO, title="Video")
    db.session.add_all([piece, media_piece])
    db.session.flush()
    files: dict[str, bytes] = {}
    for i in range(3):
        key = storage.new_key()
        piece.photos.append(Photo(position=i, caption=f"Foto {i} «kerja bakti»", storage_key=key, width=4000,
                                  height=3000, byte_size=1234))
        for variant in photos.VARIANTS:
            data = os.urandom(2048 + i)
            storage.write_atomic(photos.photo_path(key, variant), data)
            files[photos.photo_path(key, variant).relative_to(storage.upload_root()).as_posix()] = data
    media_key, doc_key = storage.new_key(), storage.new_key()
    db.session.add(MediaFile(piece=media_piece, storage_key=media_key, content_type="video/mp4", extension="mp4",
                             byte_size=9, duration_seconds=912.5))
    for kind, key, suffix in (("media", media_key, ".mp4"), ("documents", doc_key, ".pdf")):
        data = os.urandom(4096)
        storage.write_atomic(storage.path_for(kind, key, suffix), data)
        files[storage.path_for(kind, key, suffix).relative_to(storage.upload_root()).as_posix()] = data
    expert = users[6]
    db.session.add(KnowledgeProduct(author=expert, kmw_id=expert.roles[0].kmw_id, year=2019, title="Produk",
                                    document_key=doc_key, document_type="application/pdf", document_ext="pdf",
                                    submitted_at=now))
    db.session.add(Extension(period="2025-01", stage="writing", team_id=team.id, until=now + timedelta(days=3),
                             reason="Banjir", granted_by_id=users[7].id))
    panel = Panel(tier=Tier.CITY, period="2025-01", scope_key=f"city:{team.city_id}", city_id=team.city_id,
                  status=PanelStatus.CLOSED, chair_id=users[10].id, rubric_id=rubric.id, closed_at=now,
                  closed_by_id=users[10].id, letter_number="001/UJI-CADANGAN/I/2025", letter_date=date(2026, 11, 20))
    db.session.add(panel)
    for u in users[10:13]:
        panel.members.append(PanelMember(user_id=u.id))
    entry = Entry(panel=panel, piece_id=piece.id, status=EntryStatus.ELIGIBLE, na=733.3333333333334, reviewers=3,
                  passed=True, rank=1, tied=False, selected=True, checklist=json.dumps({"1": True, "2": False}))
    db.session.add(entry)
    db.session.flush()
    db.session.add(Recusal(entry_id=entry.id, user_id=users[12].id, reason="sekota", automatic=True))
    sheet = ScoreSheet(entry_id=entry.id, user_id=users[10].id, status=SheetStatus.SUBMITTED, rubric_id=rubric.id,
                       submitted_at=now, note="Catatan")
    for code in range(1, 9):
        sheet.scores.append(Score(instrument_code=code, score=None if code == 8 else code))
    db.session.add(sheet)
    db.session.flush()
    db.session.add(ScoreChange(sheet_id=sheet.id, user_id=users[10].id, instrument_code=2, old_score=6, new_score=8))
    parent = Comment(piece_id=piece.id, user_id=users[-1].id, kind="question", body="Berapa biayanya?")
    db.session.add(parent)
    db.session.flush()
    reply = Comment(piece_id=piece.id, user_id=users[1].id, parent_id=parent.id, body="Rp 12.500.000", hidden=True,
                    hidden_reason="uji", hidden_by_id=users[0].id, hidden_at=now)
    db.session.add(reply)
    db.session.flush()
    db.session.add_all([
        CommentReport(comment_id=reply.id, user_id=users[-1].id, reason="spam"),
        Confirmation(piece_id=piece.id, user_id=users[-1].id),
        Award(piece_id=piece.id, title="Lokakarya nasional", recorded_by_id=users[9].id),
        Notification(user_id=users[1].id, piece_id=piece.id, category="piece_published", title="Terpilih",
                     body="Tulisan «Anda» terbit", link="/elearning/tulisan/1", read_at=now),
        PasswordToken(user_id=users[1].id, token_hash="a" * 64, expires_at=now),
        Job(key="J" * 32, kind="bundle", parameters_json=json.dumps({"scope": "city", "node_id": team.city_id,
                                                                     "period": "2025-01", "selection": "sent"}),
            user_id=users[7].id, state=JobState.FAILED, attempt=3, progress_done=2, progress_total=7,
            heartbeat_at=now, result_name="best practice_korkot «Semarang».zip", failure="worker_lost",
            failure_detail="", created_at=now, updated_at=now, finished_at=now),
        MailPreference(user_id=users[2].id, category="reminder", channel="email", mode=DeliveryMode.DIGEST,
                       updated_at=now),
    ])
    db.session.flush()
    first = OutboxMessage(user_id=users[3].id, recipient=users[3].email, recipient_name="Sri «Rahayu»",
                          category="reminder", subject="Pengingat: tulisan Januari", text_body="Halo\r\n",
                          html_body="<p>Halo &amp; selamat</p>", message_id="<a.1@bp.contoh.id>",
                          unsubscribe_url="https://bp.contoh.id/surel/berhenti/x", state=MailState.FAILED,
                          attempts=2, next_attempt_at=now, last_error="550 5.1.1 no such user", created_at=now)
    db.session.add(first)
    db.session.flush()
    db.session.add(OutboxMessage(user_id=users[3].id, recipient=users[3].email, recipient_name="", category="reminder",
                                 subject="Pengingat", text_body="Halo", html_body="<p>Halo</p>",
                                 message_id="<a.2@bp.contoh.id>", state=MailState.SENT, attempts=1, last_error="",
                                 resent_from_id=first.id, created_at=now, sent_at=now))
    digest = MailDigest(user_id=users[2].id, day=now.date(), message_id=first.id, created_at=now)
    db.session.add(digest)
    db.session.flush()
    db.session.add(Notification(user_id=users[2].id, category="reminder", title="Pengingat", body="",
                                link="https://bp.contoh.id/tulisan/", delivery=DeliveryMode.DIGEST,
                                digest_id=digest.id, created_at=now))
    from datetime import date as calendar_day

    from portal.models.books import AnthologyBook, AnthologyPiece
    from portal.models.rewards import Nomination, NominationRound
    from portal.models.schedule import RunState, ScheduledRun

    db.session.add(ScheduledRun(step="collect_city", node_kind="city", node_id=team.city_id, period="2025-01",
                                due_at=now, state=RunState.DONE, attempt=1, started_at=now, finished_at=now,
                                counts_json='{"entries": 1}', error=""))
    book = AnthologyBook(year=2025, scope_key="national", title="Antologi «2025»", foreword="Kata pengantar\r\n",
                         page_format="A5", created_at=now, updated_at=now)
    db.session.add(book)
    db.session.flush()
    db.session.add(AnthologyPiece(book_id=book.id, piece_id=piece.id, position=1))
    nomination_round = NominationRound(year=2025, semester=1, quota=2, workshop_name="Lokakarya", opened_at=now,
                                       workshop_date=calendar_day(2025, 7, 1), workshop_place="Jakarta",
                                       first_period="2025-01", last_period="2025-06", letter_number="001/BP/2025")
    db.session.add(nomination_round)
    db.session.flush()
    db.session.add(Nomination(round_id=nomination_round.id, province_id=team.city.province_id, user_id=users[1].id,
                              position=1, proposed=False, best_practices=2, mean_na=801.5, reason="ganti",
                              confirmed_at=now))
    from portal import audit

    audit.record("score_changed", target=f"sheet:{sheet.id}", detail="2: 6 -> 8", user_id=users[10].id)
    db.session.commit()
    return files


def _table_rows() -> dict[str, list[tuple]]:
    out = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        out[table.name] = [tuple(r) for r in rows]
    return out


def _hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def _source_backup_once(tmp_path_factory):
    """The full SQLite source and its backup, made once for this module's tests (about 4 s each on SQLite and 8 on
    PostgreSQL's run), on the suite's calendar. The tests get copies (``source_backup``)."""
    tmp_path = tmp_path_factory.mktemp("backup-source")
    src = _make_app(tmp_path, "source")
    with src.app_context():
        db.create_all()
        mine = _fill_every_table()
        rows = _table_rows()
        files = _hashes(Path(src.config["UPLOAD_DIR"]))  # demo seeders may add photos of their own
        assert {k: hashlib.sha256(v).hexdigest() for k, v in mine.items()}.items() <= files.items()
        zip_path = tmp_path / "cadangan.zip"
        manifest = backup(zip_path)
        db.engine.dispose()
    empty = [name for name, r in rows.items() if not r]
    assert empty == [], f"the round-trip test must cover every table; empty: {empty}"
    return zip_path, manifest, rows, files


@pytest.fixture
def source_backup(tmp_path, app, _source_backup_once):
    """A backup zip of a full SQLite source (this test's own copy), its manifest, its rows and its files
    (path -> sha256)."""
    made, manifest, rows, files = _source_backup_once
    zip_path = tmp_path / made.name
    shutil.copyfile(made, zip_path)
    return zip_path, copy.deepcopy(manifest), rows, files


def test_round_trip_sqlite_to_test_database_to_fresh_sqlite(tmp_path, app, source_backup):
    zip_path, manifest, rows, files = source_backup
    assert manifest["revision"] is None and manifest["dialect"] == "sqlite"
    assert manifest["tables"] == {name: len(r) for name, r in rows.items()}
    assert manifest["files"] == files

    result = restore(zip_path)  # into the test database: PostgreSQL or SQLite
    assert result.files == len(files)
    restored = _table_rows()
    assert restored == rows
    upload_root = Path(app.config["UPLOAD_DIR"])
    assert _hashes(upload_root) == files

    from portal.models import Comment, Entry, Panel, Piece, Region

    piece = db.session.scalar(select(Piece).where(Piece.title == "Jalan «baru»"))
    assert "½ biaya swadaya. ✓ Ñ 日本" in piece.body_md and piece.submitted_at.microsecond == 123456
    assert piece.submitted_at.tzinfo is not None and piece.best_practice.value == "national"
    assert len(piece.photos) == 3
    assert db.session.scalar(select(Panel.letter_date).where(Panel.letter_number == "001/UJI-CADANGAN/I/2025")) \
        == date(2026, 11, 20)
    assert db.session.scalar(select(Entry.na).where(Entry.piece_id == piece.id)) == pytest.approx(733.3333333333334,
                                                                                                  abs=1e-9)
    reply = db.session.scalar(select(Comment).where(Comment.body == "Rp 12.500.000"))
    assert reply.hidden is True and reply.body == "Rp 12.500.000"
    # The search index is not in the backup; the restore rebuilds it.
    published = db.session.scalar(select(func.count()).select_from(Piece).where(Piece.published_at.is_not(None)))
    assert published and db.session.execute(text("SELECT count(*) FROM piece_search_entry")).scalar() == published
    assert "Jalan «baru»" in {p.title for p in search.search_pieces("bergotong royong").pieces}

    # PostgreSQL's planner statistics are taken after the load: it knows the real row counts at once.
    if db.engine.dialect.name == "postgresql":
        assert db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'piece'")) == len(rows["piece"])

    # Sequences follow the restored ids (PostgreSQL): a new row gets a fresh id, no collision.
    before = db.session.scalar(select(func.max(Region.id)))
    db.session.add(Region(code="W9", name="Wilayah baru"))
    db.session.commit()
    assert db.session.scalar(select(func.max(Region.id))) == before + 1

    second = tmp_path / "cadangan-2.zip"
    db.session.rollback()
    db.session.execute(db.delete(Region).where(Region.code == "W9"))
    db.session.commit()
    backup(second)
    third = _make_app(tmp_path, "third")
    with third.app_context():
        db.create_all()
        restore(second)
        assert _table_rows() == rows
        assert db.session.execute(text("SELECT count(*) FROM piece_search_entry")).scalar() == published
        assert "Jalan «baru»" in {p.title for p in search.search_pieces("bergotong royong").pieces}
        assert _hashes(Path(third.config["UPLOAD_DIR"])) == _hashes(upload_root)
        db.engine.dispose()
    with zipfile.ZipFile(zip_path) as a, zipfile.ZipFile(second) as b:
        for table in rows:
            assert a.read(f"data/{table}.jsonl") == b.read(f"data/{table}.jsonl"), table


def test_refuses_a_database_that_is_not_empty(app, source_backup, make_tree):
    zip_path, *_ = source_backup
    make_tree()
    with pytest.raises(MaintenanceError, match="tidak kosong"):
        restore(zip_path)
    assert not any(Path(app.config["UPLOAD_DIR"]).rglob("*.jpg"))


def test_refuses_another_schema_revision(app, source_backup):
    zip_path, *_ = source_backup
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('abc123')"))
    try:
        with pytest.raises(MaintenanceError, match="Revisi skema berbeda"):
            restore(zip_path)
        from portal.models import Region

        assert db.session.scalar(select(func.count(Region.id))) == 0
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE alembic_version"))


def _rewrite(zip_path: Path, out: Path, change) -> Path:
    with zipfile.ZipFile(zip_path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            name, data = change(info.filename, src.read(info.filename))
            if name:
                dst.writestr(name, data)
    return out


def test_a_damaged_file_undoes_everything(tmp_path, app, source_backup):
    zip_path, manifest, rows, files = source_backup
    victim = "uploads/" + sorted(files)[-1]
    bad = _rewrite(zip_path, tmp_path / "rusak.zip", lambda n, d: (n, b"x" + d[1:] if n == victim else d))
    with pytest.raises(MaintenanceError, match="rusak"):
        restore(bad)
    assert all(not r for r in _table_rows().values())
    assert _hashes(Path(app.config["UPLOAD_DIR"])) == {}


def test_refuses_paths_escaping_the_upload_folder(tmp_path, app, source_backup):
    zip_path, manifest, rows, files = source_backup
    victim = "uploads/" + sorted(files)[0]
    evil = _rewrite(zip_path, tmp_path / "jahat.zip", lambda n, d: ("uploads/../../escaped.txt" if n == victim else n, d))
    with pytest.raises(MaintenanceError, match="tidak aman"):
        restore(evil)
    assert not (tmp_path / "escaped.txt").exists()
    assert all(not r for r in _table_rows().values())


def test_refuses_a_zip_that_is_not_a_backup(tmp_path, app):
    other = tmp_path / "lain.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(MaintenanceError, match="bukan cadangan"):
        restore(other)


def test_commands(tmp_path, app, runner, source_backup):
    zip_path, manifest, rows, files = source_backup
    answer = runner.invoke(args=["restore", str(zip_path)], input="n\n")
    assert answer.exit_code != 0 and all(not r for r in _table_rows().values())
    done = runner.invoke(args=["restore", str(zip_path), "--yes"])
    assert done.exit_code == 0, done.output
    assert f"{sum(manifest['tables'].values())} baris, {len(files)} berkas" in done.output
    again = runner.invoke(args=["restore", str(zip_path), "--yes"])
    assert again.exit_code == 2 and "tidak kosong" in again.output
    out = tmp_path / "lagi.zip"
    made = runner.invoke(args=["backup", str(out)])
    assert made.exit_code == 0 and out.exists() and f"{len(files)} berkas" in made.output
    assert not (tmp_path / "lagi.zip.part").exists()
