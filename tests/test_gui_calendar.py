"""The 节假日安排 dialog and the simple-procedure box at intake, driven as a user would
(offscreen): entering 2027's Spring Festival and a make-up Saturday, a refused save that keeps
the entries, the built-in years, and a court-entrusted case with a 7-day time limit."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import sample_draft
from gui_helpers import click, click_ok, start_gui, type_text
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QMessageBox

from mediator_desktop.domain.workdays import Deadline, builtin_arrangement
from mediator_desktop.services.calendar import EnteredDay
from mediator_desktop.services.context import Actor
from mediator_desktop.ui.agenda.calendar_dialog import (
    BuiltinModel,
    CalendarDialog,
    EnteredDaysModel,
)
from mediator_desktop.ui.intake.intake_dialog import IntakeDialog

pytestmark = pytest.mark.gui

SOURCE = "国务院办公厅关于2027年部分节假日安排的通知"
SPRING_2027 = [date(2027, 2, 5) + timedelta(days=k) for k in range(9)]


@pytest.fixture
def gui(qapp, sqlite_services):  # type: ignore[no-untyped-def]
    start_gui(qapp, sqlite_services)
    return sqlite_services


def open_dialog(qtbot, services) -> CalendarDialog:  # type: ignore[no-untyped-def]
    dialog = CalendarDialog(services)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def add_holiday(qtbot, dialog: CalendarDialog, start: date, end: date, name: str) -> None:  # type: ignore[no-untyped-def]
    click(qtbot, dialog.add_holiday_button)
    sub = dialog.range_dialog
    qtbot.waitExposed(sub)
    sub.start.setDate(QDate(start.year, start.month, start.day))
    sub.end.setDate(QDate(end.year, end.month, end.day))
    type_text(qtbot, sub.name.lineEdit(), name)
    click_ok(qtbot, sub.buttons)
    assert not sub.isVisible()


def add_makeup(qtbot, dialog: CalendarDialog, day: date) -> None:  # type: ignore[no-untyped-def]
    click(qtbot, dialog.add_makeup_button)
    sub = dialog.makeup_dialog
    qtbot.waitExposed(sub)
    sub.day.setDate(QDate(day.year, day.month, day.day))
    click_ok(qtbot, sub.buttons)


def table_texts(dialog: CalendarDialog) -> list[tuple[str, str, str]]:
    m = dialog.model
    return [tuple(m.data(m.index(r, c)) for c in range(3)) for r in range(m.rowCount())]  # type: ignore[misc]


def test_enter_2027_spring_festival_and_a_make_up_saturday(qtbot, gui) -> None:
    services = gui
    dialog = open_dialog(qtbot, services)
    # The first year not yet known is proposed: 2027, not published, provisional.
    assert dialog.year() == 2027
    assert "2027年" in dialog.year_combo.currentText() and "未公布" in dialog.year_combo.currentText()
    assert "暂定" in dialog.state.text()
    assert not dialog.builtin_box.isVisible() and dialog.complete.isVisible()
    assert dialog.model.rowCount() == 0

    add_holiday(qtbot, dialog, date(2027, 2, 5), date(2027, 2, 13), "春节")
    assert dialog.model.rowCount() == 9
    assert table_texts(dialog)[0] == ("2027年2月5日 星期五", "放假", "春节")
    assert table_texts(dialog)[-1] == ("2027年2月13日 星期六", "放假", "春节")
    add_makeup(qtbot, dialog, date(2027, 2, 20))
    assert table_texts(dialog)[-1] == ("2027年2月20日 星期六", "调休上班", "调休上班")
    type_text(qtbot, dialog.source, SOURCE)
    dialog.complete.setChecked(True)

    with qtbot.waitSignal(dialog.saved) as saved:
        click_ok(qtbot, dialog.buttons)
    assert saved.args == [2027]
    assert dialog.isVisible() and "已保存" in dialog.message.text()
    stored = services.calendar.days(2027)
    assert [d.day for d in stored] == [*SPRING_2027, date(2027, 2, 20)]
    assert stored[0] == EnteredDay(date(2027, 2, 5), False, "春节")
    assert stored[-1].working
    info = {y.year: y for y in services.calendar.years()}[2027]
    assert info.complete and info.source == SOURCE
    # The dialog shows the new state; the services' calendar knows the year now.
    assert "已录入" in dialog.year_combo.currentText() and "暂定" not in dialog.state.text()
    cal = services.ctx.calendar()
    assert cal.is_working_day(date(2027, 2, 8)) == (False, False)
    assert cal.is_working_day(date(2027, 3, 3)) == (True, False)
    # Closing without changes asks nothing.
    dialog.reject()
    assert not dialog.isVisible()


def test_a_refused_save_keeps_the_entries(qtbot, gui) -> None:
    services = gui
    dialog = open_dialog(qtbot, services)
    add_makeup(qtbot, dialog, date(2027, 2, 20))
    dialog.complete.setChecked(True)
    click_ok(qtbot, dialog.buttons)
    # Complete with no holiday entered: refused, the message in red, the table kept.
    assert dialog.message.isVisible()
    assert "尚未录入2027年的放假日期" in dialog.message.text()
    assert "b00020" in dialog.message.styleSheet()
    assert dialog.model.rowCount() == 1 and dialog.complete.isChecked()
    assert services.calendar.days(2027) == []

    # Someone without the right: the Chinese refusal, entries still kept.
    add_holiday(qtbot, dialog, date(2027, 2, 5), date(2027, 2, 13), "春节")
    services.ctx.actor = Actor(name="王芳", can_administer=False)
    click_ok(qtbot, dialog.buttons)
    assert "王芳" in dialog.message.text() and "权限" in dialog.message.text()
    assert dialog.model.rowCount() == 10
    assert services.calendar.days(2027) == []

    # Put right, the same entries are saved.
    services.ctx.actor = Actor(name="测试员")
    click_ok(qtbot, dialog.buttons)
    assert "已保存" in dialog.message.text()
    assert len(services.calendar.days(2027)) == 10


def test_the_small_dialogs_refuse_mistakes_and_keep_the_input(qtbot, gui) -> None:
    services = gui
    dialog = open_dialog(qtbot, services)
    click(qtbot, dialog.add_holiday_button)
    sub = dialog.range_dialog
    assert sub.start.minimumDate() == QDate(2027, 1, 1) and sub.end.maximumDate() == QDate(2027, 12, 31)
    sub.start.setDate(QDate(2027, 10, 1))
    assert sub.end.date() == QDate(2027, 10, 1)          # "to" follows "from"
    sub.end.setDate(QDate(2027, 9, 30))
    type_text(qtbot, sub.name.lineEdit(), "国庆节")
    click_ok(qtbot, sub.buttons)
    assert sub.isVisible() and "早于" in sub.message.text()
    sub.end.setDate(QDate(2027, 12, 31))
    click_ok(qtbot, sub.buttons)
    assert sub.isVisible() and "超过31天" in sub.message.text()
    assert sub.name.currentText() == "国庆节"
    sub.end.setDate(QDate(2027, 10, 7))
    click_ok(qtbot, sub.buttons)
    assert dialog.model.rowCount() == 7 and table_texts(dialog)[0][2] == "国庆节"

    # A plain Wednesday is no make-up day.
    click(qtbot, dialog.add_makeup_button)
    makeup = dialog.makeup_dialog
    makeup.day.setDate(QDate(2027, 3, 3))
    click_ok(qtbot, makeup.buttons)
    assert makeup.isVisible() and "本来就是工作日" in makeup.message.text()
    makeup.day.setDate(QDate(2027, 9, 26))                  # a Sunday
    type_text(qtbot, makeup.name, "国庆节调休")
    click_ok(qtbot, makeup.buttons)
    assert not makeup.isVisible()
    assert table_texts(dialog)[0] == ("2027年9月26日 星期日", "调休上班", "国庆节调休")

    # Adding a day that is already there replaces it (no duplicates to be refused later).
    add_holiday(qtbot, dialog, date(2027, 10, 7), date(2027, 10, 8), "国庆节")
    assert dialog.model.rowCount() == 9


def test_delete_selected_rows(qtbot, gui) -> None:
    services = gui
    services.calendar.save_year(2027, [EnteredDay(d, False, "春节") for d in SPRING_2027], complete=False)
    dialog = open_dialog(qtbot, services)
    assert dialog.model.rowCount() == 9 and not dialog.remove_button.isEnabled()
    dialog.table.selectRow(0)
    assert dialog.remove_button.isEnabled()
    click(qtbot, dialog.remove_button)
    assert dialog.model.rowCount() == 8 and table_texts(dialog)[0][0] == "2027年2月6日 星期六"
    click_ok(qtbot, dialog.buttons)
    assert [d.day for d in services.calendar.days(2027)] == SPRING_2027[1:]


def test_switching_year_with_unsaved_entries_asks_first(qtbot, gui) -> None:
    services = gui
    dialog = open_dialog(qtbot, services)
    add_makeup(qtbot, dialog, date(2027, 2, 20))
    dialog.year_combo.setCurrentIndex(dialog.year_combo.findData(2026))
    box = dialog.discard_box
    assert box.isVisible() and "还没有保存" in box.text()
    assert dialog.year() == 2027 and dialog.year_combo.currentData() == 2027
    click(qtbot, box.button(QMessageBox.StandardButton.Cancel))    # 继续填写
    assert dialog.year() == 2027 and dialog.model.rowCount() == 1
    dialog.year_combo.setCurrentIndex(dialog.year_combo.findData(2026))
    click(qtbot, dialog.discard_box.button(QMessageBox.StandardButton.Discard))
    assert dialog.year() == 2026 and dialog.model.rowCount() == 0


def test_a_built_in_year_is_shown_read_only_with_its_holidays(qtbot, gui) -> None:
    services = gui
    dialog = open_dialog(qtbot, services)
    dialog.year_combo.setCurrentIndex(dialog.year_combo.findData(2026))
    assert dialog.year() == 2026 and "已内置" in dialog.year_combo.currentText()
    assert dialog.builtin_box.isVisible() and not dialog.complete.isVisible()
    assert "更正" in dialog.builtin_note.text() and "更正" in dialog.entered_title.text()
    m = dialog.builtin_model
    rows = [tuple(m.data(m.index(r, c)) for c in range(3)) for r in range(m.rowCount())]
    assert [r[0] for r in rows] == ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]
    assert ("国庆节", "10月1日至10月7日（7天）", "9月20日（星期日）、10月10日（星期六）") in rows
    assert rows[1][2] == "2月14日（星期六）、2月28日（星期六）"
    # A correction can still be entered for it.
    add_holiday(qtbot, dialog, date(2026, 10, 8), date(2026, 10, 8), "更正")
    click_ok(qtbot, dialog.buttons)
    assert services.calendar.days(2026) == [EnteredDay(date(2026, 10, 8), False, "更正")]
    assert "另有手工更正" in dialog.year_combo.currentText()


def test_someone_without_the_right_only_looks(qtbot, qapp, sqlite_url, clock) -> None:  # type: ignore[no-untyped-def]
    from mediator_desktop.services.app import Services

    services = Services.open(sqlite_url, Actor(name="王芳", can_administer=False))
    services.ctx._clock = clock
    try:
        dialog = open_dialog(qtbot, services)
        assert "只能查看" in dialog.state.text()
        assert not dialog.add_holiday_button.isEnabled() and not dialog.add_makeup_button.isEnabled()
        assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
        dialog.close()
    finally:
        services.close()


def test_models_pass_qtmodeltester(qtmodeltester, gui) -> None:
    entered = EnteredDaysModel()
    qtmodeltester.check(entered)                                   # empty
    entered.set_days([EnteredDay(date(2027, 2, 20), True, "调休上班"),
                      *[EnteredDay(d, False, "春节") for d in SPRING_2027]])
    qtmodeltester.check(entered)
    assert entered.days()[0].day == SPRING_2027[0]                 # kept in date order
    assert entered.data(entered.index(9, 1), Qt.ItemDataRole.ForegroundRole) is not None
    assert entered.data(entered.index(0, 0), Qt.ItemDataRole.UserRole) == SPRING_2027[0]
    builtin = BuiltinModel()
    qtmodeltester.check(builtin)
    builtin.set_rows(builtin_arrangement(2026))
    qtmodeltester.check(builtin)
    assert builtin.rowCount() == 7
    assert builtin_arrangement(2040) == []                         # unknown to the library: nothing


# -- the simple-procedure box at intake ---------------------------------------------------------------


def test_court_entrusted_simple_procedure_gives_seven_days(qtbot, gui) -> None:
    services = gui
    dialog = IntakeDialog(services)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    u = dialog.ui
    assert u.source.currentData() == "party_application"
    assert not u.simpleProcedure.isVisible()                       # only for 法院委托
    u.source.setCurrentIndex(u.source.findData("court_delegated"))
    assert not u.simpleProcedure.isVisible()
    u.source.setCurrentIndex(u.source.findData("court_entrusted"))
    assert u.simpleProcedure.isVisible() and u.simpleProcedure.isEnabled()
    assert u.simpleProcedure.text() == "适用简易程序（委托调解7日）"
    click(qtbot, u.simpleProcedure)
    assert u.simpleProcedure.isChecked() and dialog.draft().simple_procedure
    # Ticked, then the source changed: no simple procedure for that source.
    u.source.setCurrentIndex(u.source.findData("party_application"))
    assert not u.simpleProcedure.isVisible() and not dialog.draft().simple_procedure
    u.source.setCurrentIndex(u.source.findData("court_entrusted"))
    assert dialog.draft().simple_procedure

    u.disputeType.setCurrentIndex(u.disputeType.findData("邻里纠纷"))
    type_text(qtbot, u.summary, "法院委托调解的相邻通行纠纷。")
    for name in ("张三", "李四"):
        party = dialog.add_party("person")
        type_text(qtbot, party.name, name)
        type_text(qtbot, party.address, "龙门街道幸福村3组")
        click_ok(qtbot, party.buttons)
    with qtbot.waitSignal(dialog.saved) as saved:
        click_ok(qtbot, u.buttonBox)
    detail = services.cases.get(saved.args[0])
    assert detail.received_on == date(2026, 11, 22)                # today by the services' clock
    assert detail.simple_procedure and detail.source == "court_entrusted"
    # 2026-11-22 + 7 days = Sunday 11-29 → Monday 11-30.
    assert detail.time_limit == Deadline(date(2026, 11, 30), False)

    # Opened again for editing, the box shows ticked; unticking gives 15 days.
    again = IntakeDialog(services, case_id=detail.id)
    qtbot.addWidget(again)
    again.open()
    assert again.ui.simpleProcedure.isVisible() and again.ui.simpleProcedure.isChecked()
    click(qtbot, again.ui.simpleProcedure)
    with qtbot.waitSignal(again.saved):
        click_ok(qtbot, again.ui.buttonBox)
    changed = services.cases.get(detail.id)
    assert not changed.simple_procedure
    assert changed.time_limit == Deadline(date(2026, 12, 7), False)   # 11-22 + 15 = 12-07, a Monday


def test_unsaved_simple_procedure_tick_asks_before_closing(qtbot, gui) -> None:
    services = gui
    detail = services.cases.register(sample_draft(source="court_entrusted"))
    dialog = IntakeDialog(services, case_id=detail.id)
    qtbot.addWidget(dialog)
    dialog.open()
    click(qtbot, dialog.ui.simpleProcedure)
    dialog.reject()
    assert dialog.isVisible() and dialog.discard_box.isVisible()


# -- screenshot ---------------------------------------------------------------------------------------


def calendar_screenshot(path: Path | str) -> Path:
    """Render the 节假日安排 dialog with part of 2027 entered to ``path`` (PNG), on a temporary
    database: ``python tests/test_gui_calendar.py`` writes docs/screenshots/calendar.png."""
    from mediator_desktop.paths import HOME_ENV

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault(HOME_ENV, tempfile.mkdtemp())     # never the user's own settings
    from mediator_desktop.services.app import Services
    from mediator_desktop.settings import Settings
    from mediator_desktop.ui.app import init_application

    app = QApplication.instance() or QApplication(sys.argv[:1])
    init_application(app, Settings())  # type: ignore[arg-type]
    folder = tempfile.mkdtemp()
    services = Services.open(f"sqlite:///{Path(folder).as_posix()}/calendar.sqlite3")
    services.ctx._clock = lambda: datetime(2026, 12, 20, 9, 30)
    try:
        services.calendar.save_year(2027, [EnteredDay(date(2027, 1, 1), False, "元旦"),
                                           *[EnteredDay(d, False, "春节") for d in SPRING_2027],
                                           EnteredDay(date(2027, 2, 20), True, "春节调休")],
                                    complete=False, source=SOURCE)
        dialog = CalendarDialog(services)
        dialog.show()
        for _ in range(3):
            app.processEvents()
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        assert dialog.grab().save(str(target))
        dialog.close()
        dialog.deleteLater()
        return target
    finally:
        services.close()


def test_calendar_screenshot(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = calendar_screenshot(tmp_path / "calendar.png")
    image = QImage(str(target))
    assert image.width() >= 800 and image.height() >= 600


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    print(calendar_screenshot(Path(__file__).resolve().parents[1] / "docs" / "screenshots" / "calendar.png"))
