"""Storage: connection set-up, migrations, backups — against real SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from mediator_desktop.storage import migrations
from mediator_desktop.storage.db import Database, StorageConflictError, StorageError, normalize_url, open_database
from mediator_desktop.storage.models import Base, Case

SCHEMAS = Path(__file__).resolve().parent / "data" / "schemas"


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        with db.read() as s:
            assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        with pytest.raises(StorageConflictError) as err, db.write() as s:
            s.execute(text("INSERT INTO case_mediator (case_id, mediator_id, role, position) "
                           "VALUES (999, 999, 'presiding', 0)"))
        assert isinstance(err.value.__cause__, IntegrityError)
    finally:
        db.dispose()


def test_models_and_migrations_agree(db_url: str) -> None:
    """A model change without a migration fails here (on both dialects)."""
    db = Database(db_url)
    try:
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            # The search index is made by hand in the migration (FTS5 / pg_trgm), not by models.
            diff = [d for d in compare_metadata(ctx, Base.metadata)
                    if not any(name in repr(d) for name in
                               ("case_fts", "ix_case_search_trgm", "ix_case_search_chars", "search_tsv"))]
        assert diff == []
        assert migrations.current_revision(db.engine) == migrations.head_revision()
    finally:
        db.dispose()


def test_search_index_exists(db_url: str) -> None:
    db = Database(db_url)
    try:
        with db.read() as s:
            if db.dialect == "sqlite":
                assert s.execute(text("SELECT count(*) FROM sqlite_master WHERE name='case_fts'")).scalar() == 1
            else:
                assert s.execute(text("SELECT count(*) FROM pg_indexes WHERE indexname='ix_case_search_trgm'")).scalar() == 1
    finally:
        db.dispose()


@pytest.mark.parametrize("schema_file", sorted(SCHEMAS.glob("*.sqlite3")), ids=lambda p: p.stem)
def test_upgrade_from_every_released_schema(schema_file: Path, tmp_path: Path) -> None:
    """Each released schema (tests/data/schemas/<revision>.sqlite3, holding one imported sample
    case) upgrades to the newest one with its data intact and a backup made first."""
    target = tmp_path / schema_file.name
    shutil.copy(schema_file, target)
    db = Database(str(target))
    try:
        before = migrations.current_revision(db.engine)
        assert before == schema_file.stem
        backup = db.migrate()
        assert migrations.current_revision(db.engine) == migrations.head_revision()
        if before != migrations.head_revision():
            assert backup is not None and backup.exists()
        with db.read() as s:
            codes = list(s.scalars(text("SELECT code FROM mediation_case ORDER BY id")))
        assert codes == ["（2026）忙畔人调字第1号", "（2026）忙畔人调字第2号"]
    finally:
        db.dispose()


def test_released_schemas_are_kept() -> None:
    files = {p.stem for p in SCHEMAS.glob("*.sqlite3")}
    assert {"0001", "0002", "0003", "0004", "0005_integrity", "0016_case_deadlines"} <= files


def test_visits_before_0004_become_satisfaction_visits_and_search_survives(tmp_path: Path) -> None:
    """0004 adds columns: earlier visits were entered by people (not planned by the application),
    and the case table keeps its search triggers (it is altered in place, never rebuilt)."""
    target = tmp_path / "0003.sqlite3"
    shutil.copy(SCHEMAS / "0003.sqlite3", target)
    con = sqlite3.connect(target)
    case_id = con.execute("SELECT min(id) FROM mediation_case").fetchone()[0]
    con.execute("INSERT INTO follow_up (case_id, position, party, due_on, done_on, method, notes, visitor) "
                "VALUES (?, 0, 0, '2026-11-20', '2026-11-18', 'phone', '已付清', '杨志强')", (case_id,))
    triggers = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    con.commit()
    con.close()
    db = Database(str(target))
    try:
        db.migrate()
        with db.read() as s:
            row = s.execute(text("SELECT kind, auto, term_performance, measures, sued FROM follow_up")).one()
            after = set(s.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
            simple = set(s.scalars(text("SELECT simple_procedure FROM mediation_case")))
        assert (row.kind, row.auto, row.measures, row.sued) == ("satisfaction", 0, "", None)
        assert row.term_performance == "[]"
        assert triggers and triggers <= after
        assert simple == {0}
    finally:
        db.dispose()


def test_visits_performance_and_terms_before_0005_start_at_version_1(tmp_path: Path) -> None:
    """0005 (issue 17) gives visits, performance records and agreement terms a version for
    optimistic locking: existing rows start at 1, the next save makes 2, and the case table keeps
    its search triggers."""
    from mediator_desktop.storage.models import AgreementTerm, FollowUp, TermPerformance

    target = tmp_path / "0004.sqlite3"
    shutil.copy(SCHEMAS / "0004.sqlite3", target)
    con = sqlite3.connect(target)
    case_id = con.execute("SELECT min(id) FROM mediation_case").fetchone()[0]
    term_id = con.execute("SELECT min(id) FROM agreement_term").fetchone()[0]
    con.execute("INSERT INTO follow_up (case_id, position, party, due_on, notes, visitor, kind, auto, reason, "
                "term_performance, risk_note, measures) VALUES (?, 0, 0, '2026-11-30', '', '', 'satisfaction', 0, "
                "'', '[]', '', '')", (case_id,))
    con.execute("INSERT INTO term_performance (term_id, \"on\", status, amount, note, recorded_at, actor) "
                "VALUES (?, '2026-11-22', 'performed', 100, '已付', '2026-11-22 10:00:00', '杨志强')", (term_id,))
    triggers = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    con.commit()
    con.close()
    db = Database(str(target))
    try:
        db.migrate()
        assert migrations.current_revision(db.engine) == migrations.head_revision()
        with db.read() as s:
            versions = {t: set(s.scalars(text(f"SELECT version FROM {t}")))
                        for t in ("follow_up", "term_performance", "agreement_term")}
            after = set(s.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
        assert versions == {"follow_up": {1}, "term_performance": {1}, "agreement_term": {1}}
        assert triggers and triggers <= after
        with db.write() as s:
            visit = s.get(FollowUp, 1)
            perf = s.get(TermPerformance, 1)
            term = s.get(AgreementTerm, term_id)
            assert visit is not None and perf is not None and term is not None
            visit.notes, perf.note, term.place = "已回访", "已付清", term.place + "（改）"
        with db.read() as s:
            assert {t: set(s.scalars(text(f"SELECT version FROM {t} WHERE id = :i"), {"i": i}))
                    for t, i in (("follow_up", 1), ("term_performance", 1), ("agreement_term", term_id))} == {
                "follow_up": {2}, "term_performance": {2}, "agreement_term": {2}}
    finally:
        db.dispose()


def test_a_series_an_import_ran_out_is_mended_by_0005(tmp_path: Path) -> None:
    """Before issue 17 an imported 第9223372036854775807号 set the series so high that the next
    registration overflowed; 0005 lets the series continue after the highest number held."""
    from conftest import make_services, sample_draft

    target = tmp_path / "0004.sqlite3"
    shutil.copy(SCHEMAS / "0004.sqlite3", target)
    con = sqlite3.connect(target)
    held = con.execute("SELECT max(code_n) FROM mediation_case").fetchone()[0]
    con.execute("UPDATE case_sequence SET last_n = 9223372036854775807")
    con.commit()
    con.close()
    services = make_services(f"sqlite:///{target}")
    try:
        with services.ctx.db.read() as s:
            assert set(s.scalars(text("SELECT last_n FROM case_sequence"))) <= {held, 0}
        code = services.cases.register(sample_draft()).code
        assert code.endswith(f"第{held + 1}号"), code
    finally:
        services.close()


def test_records_before_0003_stay_signed(tmp_path: Path) -> None:
    """Before 0003 a stored record was the signed record: after the upgrade it still is, so it
    stays in exports and the case file."""
    target = tmp_path / "0002.sqlite3"
    shutil.copy(SCHEMAS / "0002.sqlite3", target)
    db = Database(str(target))
    try:
        db.migrate()
        with db.read() as s:
            rows = s.execute(text("SELECT record, signed_at, starts_at, ends_at FROM mediation_session")).all()
            edited = set(s.scalars(text("SELECT text_edited FROM agreement_term")))
            owed = s.execute(text("SELECT text, subject FROM agreement_term WHERE amount IS NULL")).all()
        assert rows and all((r.signed_at is not None) == bool(r.record) for r in rows)
        assert owed and all(t.subject == t.text for t in owed)   # a clause without money owes what it says
        assert all(r.signed_at == (r.ends_at or r.starts_at) for r in rows if r.record)
        assert edited == {1}
    finally:
        db.dispose()


def test_backup_before_migration(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = Database(str(path))
    migrations.upgrade(db.engine, "0001")
    db.dispose()
    db = Database(str(path))
    try:
        backup = db.backup_sqlite("test")
        con = sqlite3.connect(backup)
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        con.close()
    finally:
        db.dispose()


def test_urls_and_paths() -> None:
    assert normalize_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalize_url("/tmp/x.sqlite3").drivername == "sqlite"
    with pytest.raises(StorageError):
        normalize_url("mysql://u@h/db")


def test_unreachable_postgres_gives_a_chinese_message() -> None:
    with pytest.raises(StorageError) as err:
        open_database("postgresql://nobody@127.0.0.1:1/nothing")
    assert "无法连接数据库" in str(err.value)


def test_case_code_is_unique_in_the_database(db_url: str) -> None:
    from conftest import make_services, sample_draft, setup_org

    s = make_services(db_url)
    try:
        setup_org(s)
        first = s.cases.register(sample_draft())
        with pytest.raises(StorageConflictError) as err, s.db.write() as session:
            dup = session.get(Case, first.id)
            session.expunge(dup)
            session.execute(text(
                "INSERT INTO mediation_case (organization_id, code, code_year, code_n, received_on, source, "
                "dispute_type_id, title, summary, requests, risk_level, risk_reported_to, status, recorder, "
                "party_names, mediator_names, search_text, created_at, created_by, updated_at, version) "
                "SELECT organization_id, code, code_year, code_n, received_on, source, dispute_type_id, title, "
                "summary, requests, risk_level, risk_reported_to, status, recorder, party_names, mediator_names, "
                "search_text, created_at, created_by, updated_at, version FROM mediation_case WHERE id = :id"),
                {"id": first.id})
        assert isinstance(err.value.__cause__, IntegrityError) and "冲突" in str(err.value)
    finally:
        s.close()


def test_the_expected_revision_is_the_newest_migration() -> None:
    """Opening an up-to-date database compares with a constant instead of asking Alembic: it
    must name the newest migration (a new migration changes it in the same commit)."""
    from mediator_desktop.storage.revision import HEAD_REVISION

    assert migrations.head_revision() == HEAD_REVISION


def test_opening_an_up_to_date_database_does_not_load_alembic(sqlite_url: str) -> None:
    import subprocess
    import sys

    open_database(sqlite_url).dispose()      # created and migrated
    code = ("import sys; from mediator_desktop.storage.db import open_database; "
            f"db = open_database({sqlite_url!r}); db.dispose(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
