"""文件 → 备份… / 恢复… as a user does it: the menu, the file dialog, the passphrase, the
progress in the background; the daily backup at start; the backup options in 设置 → 数据库."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import sample_draft
from gui_helpers import box_after_task, click, click_ok, shown_window, type_text
from PySide6.QtWidgets import QLabel

from mediator_desktop import paths
from mediator_desktop import settings as opts
from mediator_desktop.services.backup import PASSPHRASE_WARNING, read_backup
from mediator_desktop.services.dto import CaseQuery


@pytest.fixture
def window(qtbot, qapp, sqlite_services):  # type: ignore[no-untyped-def]
    return shown_window(qtbot, qapp, sqlite_services, before=lambda s: s.cases.register(sample_draft()))


def _menu_action(window, text: str):  # type: ignore[no-untyped-def]
    assert window.file_menu.title() == "文件(&F)"
    return next(a for a in window.file_menu.actions() if a.text() == text)


def _export(services) -> str:  # type: ignore[no-untyped-def]
    return json.dumps(services.exchange.export_document(), ensure_ascii=False, sort_keys=True)


@pytest.mark.gui
def test_backup_from_the_menu_then_restore_it(qtbot, window, sqlite_services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = _export(sqlite_services)
    target = tmp_path / "U盘" / "备份.mdbackup"
    target.parent.mkdir()
    _menu_action(window, "备份(&B)…").trigger()
    dialog = window.backup_dialog
    assert dialog.isVisible() and PASSPHRASE_WARNING in [label.text() for label in dialog.findChildren(QLabel)]
    click(qtbot, dialog.browse)
    files = dialog.file_dialog
    assert files.isVisible()
    files.selectFile(str(target))
    files.accept()
    assert dialog.path.text() == str(target)
    dialog.encrypt.setChecked(True)
    type_text(qtbot, dialog.passphrase, "longmen2026")
    type_text(qtbot, dialog.repeated, "longmen2025")
    click_ok(qtbot, dialog.buttons)
    assert dialog.isVisible() and "两次输入的密码不一样" in dialog.message.text()
    dialog.repeated.clear()
    type_text(qtbot, dialog.repeated, "longmen2026")
    click_ok(qtbot, dialog.buttons)
    assert not dialog.isVisible()
    box = box_after_task(qtbot, window)
    assert box.windowTitle() == "备份完成" and str(target) in box.text()
    box.close()
    assert target.exists() and read_backup(target).encrypted and read_backup(target).case_count == 1

    # A case registered after the backup is gone once the backup is restored.
    sqlite_services.cases.register(sample_draft(title="备份之后的案件"))
    assert sqlite_services.cases.count(CaseQuery()) == 2
    _menu_action(window, "恢复(&S)…").trigger()
    files = window.file_dialog
    files.selectFile(str(target))
    files.accept()
    task = window.task
    qtbot.waitUntil(lambda: task.outcome is not None, timeout=60_000)
    restore = window.restore_dialog
    qtbot.waitUntil(restore.isVisible)
    click_ok(qtbot, restore.buttons)
    assert "请输入备份时设的密码" in restore.message.text()
    type_text(qtbot, restore.passphrase, "wrong-passphrase")
    click_ok(qtbot, restore.buttons)
    box = box_after_task(qtbot, window)
    assert box.windowTitle() == "不能恢复" and "密码不对" in box.text()
    box.close()
    assert sqlite_services.cases.count(CaseQuery()) == 2

    window.confirm_restore(read_backup(target))
    restore = window.restore_dialog
    type_text(qtbot, restore.passphrase, "longmen2026")
    click_ok(qtbot, restore.buttons)
    box = box_after_task(qtbot, window)
    assert box.windowTitle() == "恢复完成", box.text()
    assert "恢复前的数据已另存为" in box.text()
    box.close()
    assert _export(sqlite_services) == before
    assert window.case_model.rowCount() == 1
    assert "共 1 件案件" in window.count_label.text()


@pytest.mark.gui
def test_a_damaged_backup_is_refused_in_the_window(qtbot, window, sqlite_services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    damaged = tmp_path / "damaged.mdbackup"
    damaged.write_bytes(b"PK\x03\x04" + b"\x00" * 500)
    window.check_backup(str(damaged))
    box = box_after_task(qtbot, window)
    assert box.windowTitle() == "不能恢复" and str(damaged) in box.text() and "当前数据没有改动" in box.text()


@pytest.mark.gui
def test_the_first_start_of_a_day_makes_a_backup(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: getattr(window, "daily_backup_task", None) is not None, timeout=10_000)
    task = window.daily_backup_task
    qtbot.waitUntil(lambda: task.outcome is not None, timeout=60_000)
    assert task.outcome == "done"
    made = list(paths.backups_dir().glob("auto-*-daily.mdbackup"))
    assert len(made) == 1 and read_backup(made[0]).case_count == 1
    again = window.daily_backup()          # a second start the same day: nothing more
    qtbot.waitUntil(lambda: again.outcome is not None, timeout=60_000)
    assert len(list(paths.backups_dir().glob("auto-*-daily.mdbackup"))) == 1


@pytest.mark.gui
def test_backup_options_on_the_database_page(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = window.open_settings()
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    dialog.backup_folder.setText(str(blocker))
    assert not dialog.save_backup()
    assert str(blocker) in dialog.backup_errors._fields[opts.BACKUP_FOLDER.key][1].text()
    stick = tmp_path / "stick"
    dialog.backup_folder.setText(str(stick))
    dialog.backup_daily.setValue(7)
    dialog.backup_monthly.setValue(6)
    assert dialog.save_backup()
    saved = opts.Settings()
    assert (saved.get(opts.BACKUP_FOLDER), saved.get(opts.BACKUP_DAILY), saved.get(opts.BACKUP_MONTHLY)) == (
        str(stick), 7, 6)
    assert window.services.backups.folder == stick
    dialog.reject()
