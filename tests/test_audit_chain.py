"""The audit trail is a hash chain (issue 16): entries edited, deleted or slipped in outside the
application are found, by the service, by ``mediator-desktop audit verify`` and after an upgrade."""

from __future__ import annotations

import json
import shutil
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import make_services, sample_draft, setup_org
from sqlalchemy import create_engine, select, text

from mediator_desktop.cli import main
from mediator_desktop.storage.db import Database
from mediator_desktop.storage.models import AuditEntry

SCHEMAS = Path(__file__).resolve().parent / "data" / "schemas"


def _filled(url: str, clock, shared_samples: Path):  # type: ignore[no-untyped-def]
    services = make_services(url, clock)
    setup_org(services)
    services.cases.register(sample_draft())
    services.exchange.import_document(json.loads(shared_samples.read_text(encoding="utf-8")))  # bulk rows
    services.cases.register(sample_draft(summary="又一件纠纷，借款未还。"))
    return services


def _sql(url: str, statement: str, **params: object) -> None:
    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    with engine.begin() as conn:
        conn.execute(text(statement), params)
    engine.dispose()


def test_every_write_is_chained_and_the_whole_chain_verifies(db_url: str, clock, shared_samples: Path) -> None:  # type: ignore[no-untyped-def]
    services = _filled(db_url, clock, shared_samples)
    try:
        result = services.audit.verify()
        with services.db.read() as s:
            seqs = list(s.scalars(text("SELECT seq FROM audit_log ORDER BY id")))
        assert result.ok, result.sentence()
        assert result.entries == len(seqs) > 10
        assert seqs == list(range(1, len(seqs) + 1))
        assert "审计记录完整" in result.sentence()
    finally:
        services.close()


@pytest.mark.parametrize("tamper, expected", [
    ("UPDATE audit_log SET actor = '别人' WHERE seq = 5", "第5条审计记录"),
    ("UPDATE audit_log SET detail = '{\"text\": \"改过\"}' WHERE seq = 7", "第7条审计记录"),
    ("DELETE FROM audit_log WHERE seq = 6", "第6条审计记录不见了"),
    ("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)", "不见了"),
    ("INSERT INTO audit_log (at, actor, action, entity, detail) VALUES ('2026-11-22 10:00:00', 'x', 'y', 'z', '{}')",
     "没有校验值"),
])
def test_an_edit_made_outside_the_app_is_found_and_named(sqlite_url: str, clock, shared_samples: Path,  # type: ignore[no-untyped-def]
                                                        tamper: str, expected: str, capsys) -> None:
    _filled(sqlite_url, clock, shared_samples).close()
    assert main(["--db", sqlite_url, "audit", "verify"]) == 0
    assert "审计记录完整" in capsys.readouterr().out
    _sql(sqlite_url, tamper)
    assert main(["--db", sqlite_url, "audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "审计记录不完整" in err and expected in err, err


def test_an_entry_rewritten_with_a_fresh_hash_breaks_the_next_link(sqlite_url: str, clock, shared_samples: Path) -> None:  # type: ignore[no-untyped-def]
    """Whoever edits an entry and recomputes its own hash is caught by the entry after it."""
    from mediator_desktop.storage.audit_chain import digest

    services = _filled(sqlite_url, clock, shared_samples)
    try:
        with services.db.read() as s:
            row = s.execute(text("SELECT seq, prev_hash, at, actor, action, entity, entity_id, case_id, detail "
                                 "FROM audit_log WHERE seq = 3")).one()
        from datetime import datetime
        forged = digest(row.prev_hash, 3, datetime.fromisoformat(row.at), "别人", row.action, row.entity,
                        row.entity_id, row.case_id, json.loads(row.detail))
        _sql(sqlite_url, "UPDATE audit_log SET actor = '别人', hash = :h WHERE seq = 3", h=forged)
        result = services.audit.verify()
        assert not result.ok and result.broken is not None and result.broken.seq == 4
        assert "接不上" in result.sentence()
    finally:
        services.close()


@pytest.mark.postgres
def test_two_pcs_writing_at_once_keep_one_chain(pg_migrated: str, clock) -> None:  # type: ignore[no-untyped-def]
    """Two clients of one PostgreSQL server register cases at the same moments: the chain has
    no fork and no duplicate number."""
    from conftest import _truncate_pg

    _truncate_pg(pg_migrated)
    first = make_services(pg_migrated, clock, actor_name="甲")
    setup_org(first)
    second = make_services(pg_migrated, clock, actor_name="乙")
    errors: list[BaseException] = []

    def work(services, tag: str) -> None:  # type: ignore[no-untyped-def]
        # Registering takes the code series' turn anyway; editing one's own case takes none.
        try:
            case = services.cases.register(sample_draft(summary=f"{tag}的纠纷，邻里之间因排水发生争执。"))
            for k in range(15):
                case = services.cases.update(case.id, case.version,
                                             sample_draft(summary=f"{tag}的纠纷（第{k}次修改），邻里之间因排水发生争执。"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s, t)) for s, t in ((first, "甲"), (second, "乙"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        result = first.audit.verify()
        assert result.ok, result.sentence()
        assert result.entries >= 30
    finally:
        first.close()
        second.close()


def test_an_upgraded_database_chains_its_earlier_entries(tmp_path: Path) -> None:
    target = tmp_path / "old.sqlite3"
    shutil.copy(SCHEMAS / "0005_integrity.sqlite3", target)
    db = Database(str(target))
    try:
        with db.read() as s:
            before = s.execute(text("SELECT count(*) FROM audit_log")).scalar()
        db.migrate()
    finally:
        db.dispose()
    services = make_services(str(target))
    try:
        result = services.audit.verify()
        assert result.ok and result.entries == before > 0, result.sentence()
        services.cases.register(sample_draft())
        result = services.audit.verify()
        assert result.ok and result.entries > before
    finally:
        services.close()


def test_entries_are_listed_with_filters(sqlite_url: str, clock, shared_samples: Path) -> None:  # type: ignore[no-untyped-def]
    services = _filled(sqlite_url, clock, shared_samples)
    try:
        everything = services.audit.entries()
        assert everything and everything[0].seq == max(e.seq or 0 for e in everything)
        code = next(e.case_code for e in everything if e.case_code)
        of_case = services.audit.entries(case_code=code)
        assert of_case and {e.case_code for e in of_case} == {code}
        assert services.audit.entries(actor="没有这个人") == []
        assert all(e.text for e in everything)
        imported = next(e for e in everything if e.action == "import" and not e.case_code)
        assert imported.text.startswith("导入案件交换文件：新建") and "件" in imported.text
    finally:
        services.close()


def test_each_change_is_recorded_old_and_new_under_the_entry_that_says_what_was_done(db_url: str, clock) -> None:  # type: ignore[no-untyped-def]
    from mediator_desktop.storage.models import AuditEntry, Case

    services = make_services(db_url, clock)
    try:
        setup_org(services)
        d = services.cases.register(sample_draft(summary="两家因排水沟发生争执。"))
        draft = services.cases.get(d.id).to_draft()
        draft.summary, draft.title = "两家因排水沟和院墙发生争执。", "排水纠纷"
        d = services.cases.update(d.id, d.version, draft)
        services.cases.transition(d.id, d.version, "accepted")
        long_record = "调解员：" + "双方陈述事实。" * 100
        from test_sessions import draft as session_draft

        from mediator_desktop.services.sessions import RecordDraft
        session = services.sessions.schedule(d.id, session_draft("2026-11-25T09:00"))
        services.sessions.save_record(session.id, session.version, RecordDraft(record=long_record))
        with services.db.write() as s:   # a change made without any service entry
            case = s.get(Case, d.id)
            assert case is not None
            case.recorder = "赵记录"
        with services.db.read() as s:
            entries = list(s.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        update = next(e for e in entries if e.action == "update" and e.entity == "case")
        changed = {c["table"]: c["fields"] for c in update.detail["row_changes"]}["mediation_case"]
        assert changed["summary"] == ["两家因排水沟发生争执。", "两家因排水沟和院墙发生争执。"]
        assert changed["title"][1] == "排水纠纷" and "version" not in changed and "search_text" not in changed
        record = next(c for e in entries for c in e.detail.get("row_changes", ()) if c["table"] == "mediation_session"
                      and "record" in c["fields"])
        assert record["fields"]["record"][1]["chars"] == len(long_record)      # long text: length and hash
        last = entries[-1]
        assert last.action == "change" and last.actor == "测试员"
        assert last.detail["row_changes"][0]["fields"]["recorder"][1] == "赵记录"
        assert services.audit.verify().ok
    finally:
        services.close()


def test_entries_are_timed_by_the_server_clock_on_a_centre_server(db_url: str, clock) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL the entries take the server's time, not the PC's: here the server keeps
    Kiribati time (UTC+14), which no PC in the test has. On SQLite the database is on this PC and
    its time is used. A clock given to the services (the tests' fixed one) times its own entries."""
    postgres = db_url.startswith("postgresql")
    if postgres:
        _sql(db_url, "ALTER ROLE CURRENT_USER SET timezone = 'Pacific/Kiritimati'")
    try:
        services = make_services(db_url)    # the real clock
        try:
            setup_org(services)
            services.cases.register(sample_draft())
            with services.db.read() as s:
                times = list(s.scalars(select(AuditEntry.at).order_by(AuditEntry.seq)))
            expected = datetime.now(UTC) + timedelta(hours=14) if postgres else datetime.now()
            expected = expected.replace(tzinfo=None)
            assert len(times) >= 4 and all(abs((expected - at).total_seconds()) < 60 for at in times), (expected, times)
            services.ctx._clock = clock
            services.cases.register(sample_draft(summary="又一件纠纷，借款未还。"))
            with services.db.read() as s:
                last = s.scalars(select(AuditEntry).where(AuditEntry.action != "change")
                                 .order_by(AuditEntry.seq.desc())).first()
            assert last is not None and last.at == clock()
            assert services.audit.verify().ok
        finally:
            services.close()
    finally:
        if postgres:
            _sql(db_url, "ALTER ROLE CURRENT_USER RESET timezone")
