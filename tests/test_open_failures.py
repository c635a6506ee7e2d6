"""A database that cannot be opened as asked gets a Chinese sentence saying what to do — on the
command line (the real ``python -m mediator_desktop``) and in the window — never a traceback."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mediator_desktop import paths


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MEDIATOR_DESKTOP_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "mediator_desktop", *args], check=False, capture_output=True,
                          text=True, env=env, timeout=300)


def refused(r: subprocess.CompletedProcess[str], words: str) -> None:
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "Traceback" not in r.stdout + r.stderr, r.stderr
    assert words in r.stderr, r.stderr
    assert r.stderr.startswith("错误："), r.stderr


def backups(home: Path) -> list[Path]:
    folder = home / "data" / "backups"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def good_db(tmp_path: Path, sqlite_template: Path) -> Path:
    target = tmp_path / "room.sqlite3"
    shutil.copy(sqlite_template, target)
    return target


def test_random_bytes_and_truncated_files_are_called_damaged(tmp_path: Path, good_db: Path,
                                                             _isolated_home: Path) -> None:
    noise = tmp_path / "noise.sqlite3"
    noise.write_bytes(os.urandom(64 * 1024))
    truncated = tmp_path / "cut.sqlite3"
    truncated.write_bytes(good_db.read_bytes()[: good_db.stat().st_size // 3])
    for damaged in (noise, truncated):
        before = damaged.read_bytes()
        refused(run_cli("agenda", "--db", str(damaged), home=_isolated_home), "数据库文件已损坏")
        refused(run_cli("export", "-o", str(tmp_path / "o.json"), "--db", str(damaged), home=_isolated_home),
                "用备份恢复")
        assert damaged.read_bytes() == before  # nothing written into it
    assert backups(_isolated_home) == []


def test_a_newer_schema_is_refused_without_piling_up_backups(good_db: Path, _isolated_home: Path) -> None:
    with sqlite3.connect(good_db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.close()
    for _attempt in range(3):
        r = run_cli("agenda", "--db", str(good_db), home=_isolated_home)
        refused(r, "更新版本的调解工作台")
        assert "0099_from_the_future" in r.stderr and "升级到最新版本" in r.stderr
    assert backups(_isolated_home) == []
    with sqlite3.connect(good_db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0099_from_the_future",)
    conn.close()


def test_a_retried_upgrade_writes_one_backup(good_db: Path, _isolated_home: Path) -> None:
    """An older database is backed up once before its upgrade, however often the upgrade is tried."""
    from mediator_desktop.storage import migrations
    from mediator_desktop.storage.db import Database

    good_db.unlink()
    db = Database(str(good_db))
    migrations.upgrade(db.engine, "0003")  # a database the previous version left
    db.dispose()
    head = migrations.head_revision()
    first = Database(str(good_db))
    made = first._existing_backup(f"before-{head}") or first.backup_sqlite(reason=f"before-{head}")
    first.dispose()  # (an upgrade that failed after its backup)
    assert backups(_isolated_home) == [made]
    r = run_cli("agenda", "--db", str(good_db), home=_isolated_home)
    assert r.returncode == 0, r.stderr
    assert backups(_isolated_home) == [made]


def test_a_read_only_file_reads_and_refuses_writes(good_db: Path, shared_samples: Path,
                                                   _isolated_home: Path) -> None:
    good_db.chmod(0o444)
    r = run_cli("agenda", "--db", str(good_db), home=_isolated_home)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    refused(run_cli("import", str(shared_samples), "--db", str(good_db), home=_isolated_home), "数据库只能读、不能写")
    assert good_db.stat().st_mode & 0o777 == 0o444  # the user's choice stays


@pytest.mark.parametrize("url", ["postgresql://:@@x", "postgresql+psycopg://u@host:notaport/db",
                                 "postgresql://u@host:99999/db", "postgresql://u@host/",
                                 "postgresql+asyncpg://u@host/db", "postgresql://u@host:0/db"])
def test_a_malformed_postgresql_url(url: str, _isolated_home: Path) -> None:
    r = run_cli("agenda", "--db", url, home=_isolated_home)
    refused(r, "数据库地址格式不正确")
    assert "postgresql://用户名@服务器地址:5432/库名" in r.stderr


def test_a_mistyped_path_is_not_made_into_a_new_database(tmp_path: Path, shared_samples: Path,
                                                         _isolated_home: Path) -> None:
    typo = tmp_path / "new" / "dir" / "x.sqlite3"
    for args in (["agenda"], ["import", str(shared_samples)], ["export", "-o", str(tmp_path / "o.json")]):
        r = run_cli(*args, "--db", str(typo), home=_isolated_home)
        refused(r, f"找不到数据库文件：{typo}")
        assert "--create" in r.stderr
    assert not (tmp_path / "new").exists()
    # By intent: --create (before or after the sub-command), and demo.
    r = run_cli("import", str(shared_samples), "--db", str(typo), "--create", home=_isolated_home)
    assert r.returncode == 0, r.stderr
    assert "新增2件" in r.stdout
    r = run_cli("--create", "agenda", "--db", str(tmp_path / "other.sqlite3"), home=_isolated_home)
    assert r.returncode == 0 and (tmp_path / "other.sqlite3").exists(), r.stderr
    r = run_cli("demo", "--count", "3", "--db", str(tmp_path / "demo" / "d.sqlite3"), home=_isolated_home)
    assert r.returncode == 0 and (tmp_path / "demo" / "d.sqlite3").exists(), r.stderr
    # The default database (no --db) is made on first use, as before.
    r = run_cli("agenda", home=_isolated_home)
    assert r.returncode == 0, r.stderr
    assert paths.default_database_file().exists()


# -- the window ------------------------------------------------------------------------------


@pytest.fixture
def start_window(qapp, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """``ui.app.run`` as the desktop icon starts it (its error reporter removed afterwards; its
    crash file left to pytest's own fault handler)."""
    import faulthandler

    from mediator_desktop.logfile import close_logging
    from mediator_desktop.ui import app as ui_app
    from mediator_desktop.ui.common.excepthook import ErrorReporter

    monkeypatch.setattr(faulthandler, "enable", lambda *a, **k: None)
    yield ui_app.run
    for reporter in qapp.findChildren(ErrorReporter):
        reporter.uninstall()
        reporter.deleteLater()
    close_logging()


def test_window_shows_a_damaged_database_in_chinese(qtbot, start_window, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QMessageBox

    from tests.gui_helpers import when_modal

    noise = tmp_path / "noise.sqlite3"
    noise.write_bytes(os.urandom(64 * 1024))
    texts: list[str] = []
    seen = when_modal(QMessageBox, lambda box: (texts.append(box.text()), box.accept()))
    assert start_window(str(noise)) == 1
    assert seen and "无法打开数据库" in texts[0] and "数据库文件已损坏" in texts[0]
    assert "Traceback" not in texts[0]


def test_window_asks_before_making_a_missing_database(qtbot, start_window, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from tests.gui_helpers import when_modal

    typo = tmp_path / "U盘" / "调解.sqlite3"
    texts: list[str] = []

    def keep_out(box: QMessageBox) -> None:
        texts.append(box.text())
        button = next(b for b in box.buttons() if b.text() == "不新建")
        assert box.defaultButton() is button  # Enter does not make a database by accident
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    seen = when_modal(QMessageBox, keep_out)
    assert start_window(str(typo)) == 1
    assert seen and f"找不到数据库文件：\n{typo}" in texts[0]
    assert not typo.parent.exists()
