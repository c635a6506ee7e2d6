"""Files the application writes hold personal data (issue 17): under the usual umask 022 the data
folder and its sub-folders are 0700 and the database (with its -wal and -shm), the backup made
before a migration, the autosave journals, the logs, the crash log, the settings and every export
are 0600 — each made by the path a user takes. A document the user renders and saves keeps the
user's umask (0644), like any file they save.

Before the fix every one of them was 0644 (folders 0755): readable by every account on the PC.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from gui_helpers import start_gui, type_text

from mediator_desktop import cli, paths
from mediator_desktop.logfile import close_logging

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_private(*files: Path) -> None:
    for f in files:
        assert f.exists(), f
        expected = 0o700 if f.is_dir() else 0o600
        assert mode(f) == expected, f"{f}: {oct(mode(f))}, expected {oct(expected)}"


def test_database_exports_logs_and_settings_are_private(umask_022, tmp_path: Path, shared_samples: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    # The command line on the default database in the data folder: import, export, .ics.
    try:
        assert cli.main(["import", str(shared_samples)]) == 0
        export = tmp_path / "out" / "cases.json"
        assert cli.main(["export", "-o", str(export)]) == 0
        masked = tmp_path / "out" / "masked.json"
        assert cli.main(["export", "-o", str(masked), "--masked"]) == 0
        ics = tmp_path / "out" / "agenda.ics"
        assert cli.main(["agenda", "--ics", str(ics)]) == 0
        # A document the user renders and saves is theirs to share: it keeps the umask.
        from mediator_desktop.services.app import Services

        services = Services.open()
        code = services.cases.get(1).code
        window_export = tmp_path / "out" / "window-export.json"
        services.exchange.export_to_file(window_export)        # 导出 in the window (background task)
        window_ics = tmp_path / "out" / "window.ics"
        services.reminders.write_ics(window_ics)                # 导出到手机日历 in the window
        services.close()
        pdf = tmp_path / "out" / "acceptance.pdf"
        assert cli.main(["render", code, "acceptance", "--format", "pdf", "-o", str(pdf)]) == 0
    finally:
        close_logging()
    capsys.readouterr()

    data = paths.data_dir()
    db_file = paths.default_database_file()
    assert_private(data, db_file, paths.log_dir(), paths.log_file(), export, masked, ics, window_export,
                   window_ics)
    for suffix in ("-wal", "-shm"):
        side = db_file.with_name(db_file.name + suffix)
        if side.exists():           # (SQLite removes them when the last connection closes)
            assert_private(side)
    assert_private(window_ics)
    assert mode(pdf) == 0o644

    # While the database is open, -wal and -shm exist and are private too.
    from mediator_desktop.storage.db import Database

    db = Database(str(db_file))
    with db.read() as s:
        s.connection()
        assert_private(db_file.with_name(db_file.name + "-wal"), db_file.with_name(db_file.name + "-shm"))
    db.dispose()

    # The settings (they may name a server) and their folder.
    from mediator_desktop import settings as opts

    settings = opts.Settings()
    settings.set(opts.CURRENT_USER, "王芳")
    settings.save()
    assert_private(paths.config_dir(), paths.settings_file())


def test_an_earlier_versions_open_files_are_tightened(umask_022, tmp_path: Path) -> None:
    """A data folder, database and log an earlier version left 0755/0644 become private at the
    next start, without losing anything."""
    data = paths.data_dir()
    os.chmod(data, 0o755)
    db_file = paths.default_database_file()
    from mediator_desktop.storage.db import open_database

    db = open_database()
    db.dispose()
    os.chmod(db_file, 0o644)
    log = paths.log_file()
    log.write_text("earlier line\n", encoding="utf-8")
    os.chmod(log, 0o644)
    try:
        assert cli.main(["agenda"]) == 0
    finally:
        close_logging()
    assert_private(data, db_file, log)
    assert log.read_text(encoding="utf-8").startswith("earlier line\n")


def test_the_backup_before_a_migration_is_private(umask_022, tmp_path: Path) -> None:
    from mediator_desktop.storage import migrations
    from mediator_desktop.storage.db import Database, open_database

    old = tmp_path / "old.sqlite3"
    db = Database(str(old))
    migrations.upgrade(db.engine, "0003")
    db.dispose()
    db = open_database(str(old))                 # the start-up migration backs the file up first
    db.dispose()
    backups = list(paths.backups_dir().glob("old-*-before-*.sqlite3"))
    assert len(backups) == 1
    assert_private(paths.backups_dir(), backups[0], old)


def test_the_crash_log_is_private(umask_022) -> None:
    """faulthandler's file (opened at start-up for a hard crash's stacks), in a process of its own
    (pytest keeps its own faulthandler)."""
    subprocess.run([sys.executable, "-c", "from mediator_desktop.logfile import setup_logging\n"
                    "setup_logging(crashes=True)"], check=True, env=os.environ.copy())
    assert_private(paths.log_dir(), paths.crash_file())


@pytest.mark.gui
def test_the_autosave_journal_is_private(umask_022, qtbot, qapp, sqlite_services) -> None:
    from conftest import sample_draft

    from mediator_desktop.services.dto import MediatorAssignment
    from mediator_desktop.services.journals import journal_path
    from mediator_desktop.services.sessions import SessionDraft
    from mediator_desktop.ui.case.record_editor import RecordEditor

    services = sqlite_services
    start_gui(qapp, services)
    detail = services.cases.register(sample_draft(mediators=[MediatorAssignment(services.mediator_ids[0])]))
    case = services.cases.transition(detail.id, detail.version, "accepted")
    view = services.sessions.schedule(case.id, SessionDraft(starts_at=datetime(2026, 11, 22, 8, 0)))
    editor = RecordEditor(services, view.id, autosave_seconds=1)
    qtbot.addWidget(editor)
    editor.show()
    type_text(qtbot, editor.body, "张三称：通道被堵。")
    editor.timer.timeout.emit()
    journal = journal_path(services.database_id, view.id)
    assert_private(paths.autosave_dir(), journal.parent, journal)
    editor.close()
