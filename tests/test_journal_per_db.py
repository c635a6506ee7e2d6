"""An autosave journal belongs to one database (issue 17): two databases on one PC, the same
session number in each, and typing in one never overwrites or deletes the other's unsaved text.

Before the fix a journal was named ``session-3.json`` whatever the database: typing into session 3
of database B overwrote the journal of session 3 of database A, and closing B's editor deleted it.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
import shiboken6
from conftest import make_services, sample_draft
from gui_helpers import click, start_gui, type_text

from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.services.journals import journal_path
from mediator_desktop.services.sessions import SessionDraft
from mediator_desktop.ui.case.record_editor import RecordEditor
from mediator_desktop.ui.case.sessions_panel import SessionsPanel

pytestmark = pytest.mark.gui


def _database(tmp_path: Path, sqlite_template: Path, name: str, clock):  # type: ignore[no-untyped-def]
    target = tmp_path / f"{name}.sqlite3"
    shutil.copy(sqlite_template, target)
    return make_services(f"sqlite:///{target.as_posix()}", clock)


def _case_with_session_3(services):  # type: ignore[no-untyped-def]
    """An accepted case whose only session has id 3 (two sessions of another case come first)."""
    def accepted():  # type: ignore[no-untyped-def]
        detail = services.cases.register(sample_draft(mediators=[MediatorAssignment(services.mediator_ids[0])]))
        return services.cases.transition(detail.id, detail.version, "accepted")

    other = accepted()
    for hour in (8, 10):
        services.sessions.schedule(other.id, SessionDraft(starts_at=datetime(2026, 11, 20, hour, 0)))
    case = accepted()
    view = services.sessions.schedule(case.id, SessionDraft(starts_at=datetime(2026, 11, 22, 8, 0),
                                                             ends_at=datetime(2026, 11, 22, 9, 0)))
    assert view.id == 3
    return case


def _open_record(qtbot, services, case_id: int) -> RecordEditor:  # type: ignore[no-untyped-def]
    """调解活动 → the session → 编辑记录, as the mediator opens it."""
    panel = SessionsPanel(services, ["调解室"], autosave_seconds=1)
    qtbot.addWidget(panel)
    panel.resize(1000, 900)
    panel.show()
    panel.show_case(case_id)
    panel.sessions.selectRow(0)
    click(qtbot, panel.record_button)
    editor = panel.record_editor
    qtbot.waitExposed(editor)
    assert editor.view.id == 3
    return editor


def test_session_3_of_database_b_never_touches_the_journal_of_session_3_of_database_a(
        qtbot, qapp, tmp_path, sqlite_template, clock) -> None:
    a = _database(tmp_path, sqlite_template, "a", clock)
    b = _database(tmp_path, sqlite_template, "b", clock)
    try:
        start_gui(qapp, a)
        start_gui(qapp, b)
        assert a.database_id != b.database_id
        assert a.database_id == a.database_id      # stable: kept in the database
        case_a = _case_with_session_3(a)
        case_b = _case_with_session_3(b)

        # Database A: the mediator types into session 3's record; the autosave runs; the PC
        # loses power (the editor vanishes without closing or saving).
        editor = _open_record(qtbot, a, case_a.id)
        type_text(qtbot, editor.body, "甲库的记录：张三称通道被堵。")
        editor.timer.timeout.emit()
        assert journal_path(a.database_id, 3).exists()
        shiboken6.delete(editor)
        assert a.pending_journals() == [3]

        # Database B (another data set on the same PC): session 3 too. Typing writes B's own
        # journal; closing the editor saves the record and removes B's journal only.
        editor = _open_record(qtbot, b, case_b.id)
        assert not editor.banner.isVisible()         # A's text is not offered in B
        type_text(qtbot, editor.body, "乙库的记录")
        editor.timer.timeout.emit()
        assert journal_path(b.database_id, 3).exists()
        assert journal_path(a.database_id, 3) != journal_path(b.database_id, 3)
        editor.close()
        assert b.sessions.get(3).record == "乙库的记录"
        assert not journal_path(b.database_id, 3).exists()
        assert b.pending_journals() == []

        # Back in database A: its unsaved text is offered, whole.
        assert a.pending_journals() == [3]
        editor = _open_record(qtbot, a, case_a.id)
        assert editor.banner.isVisible() and editor.banner.text().startswith("已恢复")
        assert editor.body.toPlainText() == "甲库的记录：张三称通道被堵。"
        assert a.sessions.get(3).record == ""
        click(qtbot, editor.save_button)
        assert a.sessions.get(3).record == "甲库的记录：张三称通道被堵。"
        assert b.sessions.get(3).record == "乙库的记录"
        editor.close()
    finally:
        a.close()
        b.close()


def test_a_journal_of_the_earlier_naming_moves_to_its_own_database(qtbot, gui_a) -> None:
    """A journal an earlier version left (``autosave/session-3.json``, marked with the database's
    description) is still offered after the update, in its own database only."""
    from mediator_desktop import paths
    from mediator_desktop.services.journals import JOURNAL_FORMAT
    from mediator_desktop.services.journals import write_journal_file as write_atomically

    services = gui_a
    case = _case_with_session_3(services)
    legacy = paths.autosave_dir() / "session-3.json"
    write_atomically(legacy, {"format": JOURNAL_FORMAT, "database": services.db.describe(), "session_id": 3,
                              "base_version": 1, "record": {"record": "升级前没保存的记录"}, "notes": {},
                              "private": {}})
    assert services.pending_journals() == [3]
    assert not legacy.exists() and journal_path(services.database_id, 3).exists()
    editor = _open_record(qtbot, services, case.id)
    assert editor.body.toPlainText() == "升级前没保存的记录"
    assert editor.banner.isVisible()


def test_two_first_asks_agree_on_the_database_id(db_url) -> None:
    """The identity is made once: two connections asking for it on a new database (two PCs'
    first starts) get the same UUID, on SQLite and PostgreSQL."""
    import threading
    import uuid

    from sqlalchemy import delete

    from mediator_desktop.storage.db import DATABASE_ID_KEY, Database
    from mediator_desktop.storage.models import SchemaInfo

    fresh = Database(db_url)
    with fresh.write() as s:                      # a database that has never been asked
        s.execute(delete(SchemaInfo).where(SchemaInfo.key == DATABASE_ID_KEY))
    fresh.dispose()
    dbs = [Database(db_url) for _ in range(4)]
    found: list[str] = []
    barrier = threading.Barrier(len(dbs))

    def ask(db: Database) -> None:
        barrier.wait()
        found.append(db.database_id)

    threads = [threading.Thread(target=ask, args=(db,)) for db in dbs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for db in dbs:
        db.dispose()
    assert len(found) == 4 and len(set(found)) == 1
    assert str(uuid.UUID(found[0])) == found[0]
    again = Database(db_url)
    assert again.database_id == found[0]
    again.dispose()


@pytest.fixture
def gui_a(qapp, sqlite_services):  # type: ignore[no-untyped-def]
    start_gui(qapp, sqlite_services)
    return sqlite_services
