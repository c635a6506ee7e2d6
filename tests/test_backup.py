"""备份与恢复 on real SQLite files (and PostgreSQL with the real pg_dump/pg_restore): one file
with a manifest, checked whole before anything is replaced; automatic backups and retention."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import REPO, make_services, sample_draft

from mediator_desktop import paths
from mediator_desktop.cli import main
from mediator_desktop.services.backup import (
    PASSPHRASE_WARNING,
    BackupError,
    BackupPolicy,
    auto_name,
    create_backup,
    daily_backup,
    prune,
    read_backup,
    restore_backup,
    retained,
)
from mediator_desktop.services.dto import CaseQuery
from mediator_desktop.storage.db import Database
from mediator_desktop.storage.revision import HEAD_REVISION


def _fill(url: str, shared_samples: Path) -> None:
    """The shared sample cases (imported as a user does) and an attachment kept in the database."""
    services = make_services(url)
    try:
        services.exchange.import_text(shared_samples.read_bytes())
        case_id = services.cases.page(CaseQuery(), limit=1)[0].id
        services.evidence.add(case_id, 6, "现场照片.bin", os.urandom(3000) + b"\x00\xff" * 500)
    finally:
        services.close()


def _export(url: str) -> str:
    services = make_services(url)
    try:
        return json.dumps(services.exchange.export_document(), ensure_ascii=False, sort_keys=True)
    finally:
        services.close()


def _attachments(url: str) -> list[tuple[str, str]]:
    services = make_services(url)
    try:
        with services.db.read() as s:
            from sqlalchemy import text

            return [(r[0], r[1]) for r in s.execute(text("SELECT name, sha256 FROM attachment ORDER BY id"))]
    finally:
        services.close()


def _db_file(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def _remove_database(db_file: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)


@pytest.fixture
def filled(sqlite_url: str, shared_samples: Path) -> str:
    _fill(sqlite_url, shared_samples)
    return sqlite_url


def test_backup_delete_restore_gives_the_same_export(filled: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    before, attachments = _export(filled), _attachments(filled)
    cases = len(json.loads(before)["cases"])
    assert attachments and cases > 0
    target = tmp_path / "usb" / "备份.mdbackup"
    assert main(["--db", str(_db_file(filled)), "backup", "-o", str(target)]) == 0
    assert "已备份到" in capsys.readouterr().out
    info = read_backup(target)
    assert info.case_count == cases
    assert info.manifest["schema_revision"] == HEAD_REVISION
    assert info.manifest["attachment_count"] == len(attachments)
    assert len(info.manifest["database_sha256"]) == 64
    assert target.stat().st_mode & 0o777 == 0o600
    _remove_database(_db_file(filled))
    assert main(["--db", str(_db_file(filled)), "restore", str(target)]) == 0
    assert "已恢复" in capsys.readouterr().out
    assert _export(filled) == before
    assert _attachments(filled) == attachments
    conn = sqlite3.connect(_db_file(filled))
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_restore_over_an_open_database_keeps_the_current_one_first(filled: str, tmp_path: Path) -> None:
    before = _export(filled)
    target = tmp_path / "b.mdbackup"
    db = Database(filled)
    create_backup(db, target)
    services = make_services(filled)   # the window's services stay open during the restore
    services.cases.register(sample_draft(title="备份之后登记的案件"))
    changed = _export(filled)
    assert changed != before
    result = services.backups.restore(target)
    assert result.previous is not None and result.previous.parent == paths.backups_dir()
    assert services.cases.count(CaseQuery(text="备份之后登记")) == 0
    services.close()
    assert _export(filled) == before
    # The kept copy is itself a backup: it brings the later case back.
    restore_backup(Database(filled), result.previous)
    assert _export(filled) == changed
    conn = sqlite3.connect(_db_file(filled))
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    db.dispose()


@pytest.mark.parametrize("where", ["payload", "manifest", "central-directory", "seal", "first"])
def test_a_flipped_byte_is_refused_and_nothing_changes(filled: str, tmp_path: Path, where: str, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "b.mdbackup"
    create_backup(Database(filled), target)
    data = bytearray(target.read_bytes())
    positions = {"first": 0, "payload": len(data) // 2, "manifest": data.index(b'"case_count"') + 3,
                 "central-directory": data.rindex(b"PK\x01\x02") + 8, "seal": len(data) - 5}
    data[positions[where]] ^= 0x01
    target.write_bytes(bytes(data))
    before = _export(filled)
    assert main(["--db", str(_db_file(filled)), "restore", str(target)]) == 3
    err = capsys.readouterr().err
    assert "已损坏" in err or "不是调解工作台的备份文件" in err, err
    assert str(target) in err and "当前数据没有改动" in err
    assert _export(filled) == before
    assert not list(paths.backups_dir().glob("*before-restore*"))


def test_encrypted_backup_needs_its_passphrase(filled: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    before = _export(filled)
    secret, wrong = tmp_path / "pass.txt", tmp_path / "wrong.txt"
    secret.write_text("龙门调解2026\n", encoding="utf-8")
    wrong.write_text("龙门调解2025\n", encoding="utf-8")
    target = tmp_path / "b.mdbackup"
    assert main(["--db", str(_db_file(filled)), "backup", "-o", str(target), "--passphrase-file", str(secret)]) == 0
    info = read_backup(target)
    assert info.encrypted and info.manifest["encryption"]["kdf"] == "scrypt"
    assert b"SQLite format 3" not in target.read_bytes()
    _remove_database(_db_file(filled))
    assert main(["--db", str(_db_file(filled)), "restore", str(target), "--passphrase-file", str(wrong)]) == 3
    assert "密码不对" in capsys.readouterr().err
    assert not _db_file(filled).exists()
    with pytest.raises(BackupError, match="已加密"):
        restore_backup(Database(filled), target)
    assert main(["--db", str(_db_file(filled)), "restore", str(target), "--passphrase-file", str(secret)]) == 0
    assert _export(filled) == before


def test_a_short_or_mistyped_new_passphrase_is_refused(filled: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    short = tmp_path / "p"
    short.write_text("abc\n")
    assert main(["--db", str(_db_file(filled)), "backup", "-o", str(tmp_path / "b"), "--passphrase-file", str(short)]) == 2
    assert "至少要6个字符" in capsys.readouterr().err
    assert not (tmp_path / "b").exists()


def test_help_warns_that_a_lost_passphrase_loses_the_backup(capsys) -> None:  # type: ignore[no-untyped-def]
    for command in ("backup", "restore"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert PASSPHRASE_WARNING in capsys.readouterr().out.replace("\n", "").replace(" ", "")


def test_a_newer_schema_is_refused(filled: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    newer = tmp_path / "newer.sqlite3"
    conn = sqlite3.connect(_db_file(filled))
    conn.execute(f"VACUUM INTO '{newer}'")
    conn.close()
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.commit()
    conn.close()
    target = tmp_path / "newer.mdbackup"
    create_backup(Database(str(newer)), target)
    before = _export(filled)
    assert main(["--db", str(_db_file(filled)), "restore", str(target)]) == 3
    err = capsys.readouterr().err
    assert "更新版本" in err and "0099_from_the_future" in err and "当前数据没有改动" in err
    assert _export(filled) == before


def test_a_backup_of_the_other_kind_of_database_or_another_file_is_refused(filled: str, tmp_path: Path) -> None:
    other = tmp_path / "cases.json"
    other.write_text("{}")
    with pytest.raises(BackupError, match="不是调解工作台的备份文件"):
        restore_backup(Database(filled), other)
    with pytest.raises(BackupError, match="找不到备份文件"):
        restore_backup(Database(filled), tmp_path / "missing.mdbackup")
    with pytest.raises(BackupError, match="文件夹"):
        restore_backup(Database(filled), tmp_path)


def test_an_older_schema_is_restored_and_upgraded(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    schema = sorted((REPO / "tests" / "data" / "schemas").glob("*.sqlite3"))[0]
    old.write_bytes(schema.read_bytes())
    target = tmp_path / "old.mdbackup"
    info = create_backup(Database(str(old)), target)
    assert info.revision != "0005_integrity"
    live = tmp_path / "live.sqlite3"
    db = Database(str(live))
    restore_backup(db, target)
    from mediator_desktop.storage.revision import HEAD_REVISION, stored_revision

    assert stored_revision(db.engine) == HEAD_REVISION
    db.dispose()


def test_kill_9_during_a_backup_leaves_the_database_untouched(filled: str, tmp_path: Path) -> None:
    services = make_services(filled)
    case_id = services.cases.page(CaseQuery(), limit=1)[0].id
    for n in range(3):   # a database of some 40 MB: the backup takes several steps
        services.evidence.add(case_id, 6, f"录像{n}.bin", os.urandom(14 * 1024 * 1024))
    services.close()
    before = _export(filled)
    target = tmp_path / "out" / "b.mdbackup"
    marker = tmp_path / "started"
    child = f"""
import sys, time
from pathlib import Path
from mediator_desktop.services.backup import create_backup
from mediator_desktop.storage.db import Database
def progress(done, total):
    Path({str(marker)!r}).write_text(str(done))
    time.sleep(0.05)
db = Database({filled!r})
while True:
    create_backup(db, Path({str(target)!r}), progress=progress)
"""
    for delay in (0.0, 0.4, 1.1):
        marker.unlink(missing_ok=True)
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        proc = subprocess.Popen([sys.executable, "-c", child], env=env)
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert marker.exists(), "the child never started its backup"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL
        conn = sqlite3.connect(_db_file(filled))
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        assert _export(filled) == before
        if target.exists():      # an earlier round's backup, whole: never a partial one
            assert read_backup(target).case_count > 0
    # What the killed processes left (a scratch copy, a partial file) goes with a later backup
    # once it is old enough not to be another process's work in progress.
    leftovers = [*target.parent.glob(".b.mdbackup.*.part"), *_db_file(filled).parent.glob(".backup-work-*")]
    assert leftovers
    old = time.time() - 7 * 3600
    for path in leftovers:
        os.utime(path, (old, old))
    create_backup(Database(filled), target)
    assert not any(p.exists() for p in leftovers)
    assert read_backup(target).case_count > 0


def _sealed_copy(source: Path, folder: Path, when: datetime, reason: str = "daily") -> Path:
    path = folder / auto_name(when, reason)
    path.write_bytes(source.read_bytes())
    return path


def test_retention_keeps_exactly_n_daily_and_m_monthly(filled: str, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    one = tmp_path / "one.mdbackup"
    create_backup(Database(filled), one)
    start = datetime(2026, 7, 1, 8, 30)
    made = [_sealed_copy(one, folder, start + timedelta(days=d)) for d in range(160)]
    made.append(_sealed_copy(one, folder, start + timedelta(days=159, hours=3), "before-import"))
    # Not ours: an unsealed file of our naming, the migration copies, a user's file.
    foreign = [folder / auto_name(datetime(2026, 1, 5, 9), "daily"), folder / "mediator-20260101-before-0005.sqlite3",
               folder / "我的笔记.txt"]
    for path in foreign:
        path.write_bytes(b"not a backup")
    removed = prune(folder, daily=3, monthly=2)
    kept = sorted(p.name for p in folder.iterdir() if p not in foreign)
    newest_day = start + timedelta(days=159)       # 2026-12-07
    assert kept == sorted([
        auto_name(newest_day + timedelta(hours=3), "before-import"),          # daily: 12-07 (its newest)
        auto_name(newest_day - timedelta(days=1), "daily"),                   # daily: 12-06
        auto_name(newest_day - timedelta(days=2), "daily"),                   # daily: 12-05
        auto_name(newest_day - timedelta(days=3), "daily"),                   # monthly: December (12-04)
        auto_name(datetime(2026, 11, 30, 8, 30), "daily"),                    # monthly: November
    ])
    assert len(removed) == len(made) - 5
    assert all(p.exists() for p in foreign)
    # Nothing but the newest when asked to keep nothing; it is never deleted.
    prune(folder, daily=0, monthly=0)
    assert [p.name for p in folder.iterdir() if p not in foreign] == [auto_name(newest_day + timedelta(hours=3),
                                                                                 "before-import")]


def test_restoring_an_old_automatic_backup_does_not_prune_it(filled: str, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    old = folder / auto_name(datetime(2025, 3, 1, 9, 0), "daily")
    create_backup(Database(filled), old)
    for d in range(3):   # newer ones fill the daily and monthly places
        _sealed_copy(old, folder, datetime.now() - timedelta(days=d + 1))
    policy = BackupPolicy(folder=str(folder), daily=3, monthly=0)
    result = restore_backup(Database(filled), old, policy=policy)
    assert result.previous is not None and result.previous.parent == folder
    assert old.exists()
    prune(folder, 3, 0)
    assert not old.exists()      # once it is not being restored, retention applies as usual


def test_retained_always_keeps_the_newest() -> None:
    stamps = [datetime(2026, 1, 1) + timedelta(hours=h) for h in range(100)]
    assert retained(stamps, 0, 0) == {stamps[-1]}
    assert len(retained(stamps, 2, 0)) == 2


def test_a_daily_backup_once_a_day_and_before_every_import(sqlite_url: str, shared_samples: Path,
                                                            tmp_path: Path) -> None:
    policy = BackupPolicy(folder=str(tmp_path / "stick"), daily=14, monthly=12)
    db = Database(sqlite_url)
    day = datetime.now().replace(hour=8, minute=0, second=0, microsecond=0) - timedelta(days=2)
    first = daily_backup(db, policy, now=day)
    assert first is not None and first.parent == tmp_path / "stick"
    assert daily_backup(db, policy, now=day + timedelta(hours=7)) is None
    assert daily_backup(db, policy, now=day + timedelta(days=1)) is not None
    db.dispose()
    services = make_services(sqlite_url)
    services.ctx.backup_policy = policy
    services.exchange.import_text(shared_samples.read_bytes())
    services.close()
    imports = list((tmp_path / "stick").glob("auto-*-before-import.mdbackup"))
    assert len(imports) == 1 and read_backup(imports[0]).case_count == 0


def test_an_unplugged_backup_folder_falls_back_to_the_data_folder(sqlite_url: str, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    policy = BackupPolicy(folder=str(blocker / "backups"))
    made = daily_backup(Database(sqlite_url), policy)
    assert made is not None and made.parent == paths.backups_dir()


def test_a_backup_into_a_folder_or_unwritable_place_says_so(filled: str, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="是一个文件夹"):
        create_backup(Database(filled), tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(BackupError, match="无法写入备份文件"):
        create_backup(Database(filled), blocker / "b.mdbackup")


# -- PostgreSQL: the real pg_dump / pg_restore / psql ---------------------------------------


@pytest.mark.postgres
def test_postgresql_backup_and_restore(pg_migrated: str, shared_samples: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from conftest import _truncate_pg

    url = pg_migrated
    _truncate_pg(url)
    _fill(url, shared_samples)
    before, attachments = _export(url), _attachments(url)
    target = tmp_path / "pg.mdbackup"
    assert main(["--db", url, "backup", "-o", str(target)]) == 0
    info = read_backup(target)
    assert info.dialect == "postgresql" and info.case_count > 0 and info.manifest["attachment_count"] == 1
    # The server loses its data…
    _truncate_pg(url)
    assert _export(url) != before
    # …a damaged copy is refused, nothing touched…
    damaged = tmp_path / "damaged.mdbackup"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x10
    damaged.write_bytes(bytes(data))
    assert main(["--db", url, "restore", str(damaged)]) == 3
    assert "已损坏" in capsys.readouterr().err
    # …the whole one brings it back (and the emptied state is kept first).
    assert main(["--db", url, "restore", str(target)]) == 0
    assert "恢复前的数据已另存为" in capsys.readouterr().out
    assert [p.name.endswith("-before-restore.mdbackup") for p in paths.backups_dir().iterdir()] == [True]
    assert _export(url) == before
    assert _attachments(url) == attachments
    # A SQLite backup is not restored into the server.
    sqlite_backup = tmp_path / "s.mdbackup"
    sqlite_file = tmp_path / "s.sqlite3"
    Database(str(sqlite_file)).migrate()
    create_backup(Database(str(sqlite_file)), sqlite_backup)
    with pytest.raises(BackupError, match="不能恢复到PostgreSQL"):
        restore_backup(Database(url), sqlite_backup)


@pytest.mark.postgres
def test_postgresql_without_pg_dump_says_what_to_do(pg_migrated: str, tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    made = tmp_path / "made.mdbackup"
    assert main(["--db", pg_migrated, "backup", "-o", str(made)]) == 0
    monkeypatch.setenv("PATH", str(tmp_path))   # no PostgreSQL client programs on this PATH
    assert main(["--db", pg_migrated, "backup", "-o", str(tmp_path / "b.mdbackup")]) == 1
    err = capsys.readouterr().err
    assert "pg_dump" in err and "postgresql-client" in err
    assert not (tmp_path / "b.mdbackup").exists()
    assert main(["--db", pg_migrated, "restore", str(made)]) == 3
    err = capsys.readouterr().err
    assert "没有找到 PostgreSQL 的 pg_dump 程序" in err and "Command Line Tools" in err
    assert not paths.backups_dir().exists() or not list(paths.backups_dir().iterdir())
