"""排查记录 and 联席会议 in the window, driven as a mediator uses them (offscreen, real SQLite and
PostgreSQL): a new round with two disputes found, one prevented with a note, the other turned into
a case through the prefilled intake; a conference whose task then shows in 今日提醒."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import sample_draft
from gui_helpers import click, click_ok, shown_window, type_text
from PySide6.QtCore import Qt

from mediator_desktop.domain.enums import ReminderKind
from mediator_desktop.ui.conferences.conference_window import ConferenceWindow
from mediator_desktop.ui.screening.screening_window import OutcomeDialog, RoundDialog, ScreeningWindow

pytestmark = pytest.mark.gui


def _menu_action(window, menu_title: str, text: str):  # type: ignore[no-untyped-def]
    menu = next(m for m in (window.statistics_menu, window.schedule_menu) if m.title() == menu_title)
    assert menu.menuAction() in window.menuBar().actions()
    return next(a for a in menu.actions() if a.text() == text)


def test_a_new_round_with_two_items_one_prevented_one_turned_into_a_case(qtbot, qapp, services) -> None:
    window = shown_window(qtbot, qapp, services)
    _menu_action(window, "统计(&T)", "排查记录(&P)…").trigger()
    screening: ScreeningWindow = window.screening_window
    qtbot.waitExposed(screening)
    click(qtbot, screening.new_button)
    dialog: RoundDialog = screening.dialog
    qtbot.waitExposed(dialog)
    # Nothing typed: refused with the fields named, nothing lost.
    click_ok(qtbot, dialog.buttons)
    assert dialog.isVisible() and "排查区域" in dialog.errors.message("area")
    type_text(qtbot, dialog.area, "幸福村3组")
    type_text(qtbot, dialog.screeners, "王芳")
    click(qtbot, dialog.add_button)
    type_text(qtbot, dialog.items.cellWidget(0, 0), "张某等三户")
    type_text(qtbot, dialog.items.cellWidget(0, 2), "排水沟堵塞积水")
    click(qtbot, dialog.add_button)
    type_text(qtbot, dialog.items.cellWidget(1, 0), "王某、赵某")
    kind = dialog.items.cellWidget(1, 1)
    kind.setCurrentIndex(kind.findText("婚姻家庭纠纷", Qt.MatchFlag.MatchEndsWith))
    type_text(qtbot, dialog.items.cellWidget(1, 2), "夫妻争吵多次")
    dialog.items.cellWidget(1, 3).setCurrentIndex(dialog.items.cellWidget(1, 3).findData("yellow"))

    # 预防 on the first: the round is saved first, then the date and a note (required).
    dialog.items.selectRow(0)
    click(qtbot, dialog.prevent_button)
    outcome: OutcomeDialog = dialog.outcome_dialog
    assert dialog.round_id is not None and outcome is not None
    click_ok(qtbot, outcome.buttons)
    assert outcome.isVisible() and "预防情况" in outcome.errors.message("note")
    type_text(qtbot, outcome.note, "组织疏通排水沟")
    click_ok(qtbot, outcome.buttons)
    assert not outcome.isVisible()
    assert "预防纠纷" in dialog.items.cellWidget(0, 4).text()

    # 转为案件 on the second: the intake opens prefilled; saving it links the new case.
    dialog.items.selectRow(1)
    click(qtbot, dialog.case_button)
    intake = dialog.intake
    qtbot.waitExposed(intake)
    assert "夫妻争吵多次" in intake.ui.summary.toPlainText() and "幸福村3组" in intake.ui.summary.toPlainText()
    assert intake.ui.disputeType.currentData() == "婚姻家庭纠纷"
    assert intake.ui.riskLevel.currentData() == "yellow"
    assert intake.ui.source.currentData() == "committee_initiative"
    intake.parties = sample_draft().parties          # the mediator adds the parties (party dialog: test_gui.py)
    intake._refresh_parties()
    type_text(qtbot, intake.ui.requests, "调解夫妻矛盾")
    type_text(qtbot, intake.ui.riskReportedTo, "村委会")
    click(qtbot, intake.ui.buttonBox.button(intake.ui.buttonBox.StandardButton.Save))
    qtbot.waitUntil(lambda: not intake.isVisible())
    item = services.screening.get(dialog.round_id).items[1]
    assert item.outcome == "case" and item.case_id == intake.case_id
    assert item.case_code in dialog.items.cellWidget(1, 4).text()
    click_ok(qtbot, dialog.buttons)
    assert not dialog.isVisible()
    assert "发现2件" in screening.model.rows[0].result_text and "转案件1" in screening.model.rows[0].result_text
    assert "预防纠纷1件" in screening.figures.text()
    # The new case is in the main list.
    assert window.case_view.detail is not None and window.case_view.detail.id == item.case_id


def test_a_new_conference_with_a_task_appears_in_today(qtbot, qapp, services) -> None:
    window = shown_window(qtbot, qapp, services, before=lambda s: s.cases.register(sample_draft()))
    code = services.cases.page(__import__("mediator_desktop.services.dto", fromlist=["CaseQuery"]).CaseQuery())[0].code
    _menu_action(window, "日程(&R)", "联席会议(&L)…").trigger()
    conferences: ConferenceWindow = window.conference_window
    qtbot.waitExposed(conferences)
    click(qtbot, conferences.new_button)
    dialog = conferences.dialog
    qtbot.waitExposed(dialog)
    type_text(qtbot, dialog.topic, "相邻通行纠纷会诊")
    type_text(qtbot, dialog.cases, code)
    type_text(qtbot, dialog.people.cellWidget(0, 0), "刘军")
    type_text(qtbot, dialog.people.cellWidget(0, 1), "镇派出所")
    type_text(qtbot, dialog.tasks.cellWidget(0, 0), "幸福村委会")
    type_text(qtbot, dialog.tasks.cellWidget(0, 1), "清除通道上的建材")
    dialog.tasks.cellWidget(0, 2).setDate(dialog.tasks.cellWidget(0, 2).date().addDays(3))
    click_ok(qtbot, dialog.buttons)
    assert not dialog.isVisible(), dialog.message.text()
    assert conferences.model.rows[0].case_codes == code
    today = window.open_today()
    qtbot.waitUntil(lambda: any(r.kind == ReminderKind.CONFERENCE_TASK.value for r in today.model.rows))
    task = next(r for r in today.model.rows if r.kind == ReminderKind.CONFERENCE_TASK.value)
    assert (task.party, task.due, task.code) == ("幸福村委会", date(2026, 11, 25), code)
    # Done: no longer a reminder.
    click(qtbot, conferences.open_button)
    dialog = conferences.dialog
    dialog.tasks.selectRow(0)
    click(qtbot, dialog.done_button)
    assert "已于" in dialog.tasks.cellWidget(0, 3).text()
    today.refresh()
    assert not any(r.kind == ReminderKind.CONFERENCE_TASK.value for r in today.model.rows)
    # From the case view too: its 联席会议… button lists this case's conferences.
    window.select_case(task.case_id)
    click(qtbot, window.case_view.conferences_button)
    assert conferences.case_id == task.case_id and len(conferences.model.rows) == 1


def test_tab_goes_round_the_screening_and_conference_windows(qtbot, qapp, services) -> None:
    """Keyboard alone: Tab reaches every input and button (each row's inputs in reading order,
    the row with the cursor selected), and no two mnemonics of one window share a letter."""
    from test_gui_keyboard import back_to, close_all, focused, mnemonic_problems, press, tab_round

    from mediator_desktop.services.screening import ItemDraft, RoundDraft

    rnd = services.screening.save(None, RoundDraft(date(2026, 11, 20), "幸福村", "王芳", False, "", [
        ItemDraft("张某", None, "排水沟堵塞", "none"), ItemDraft("", None, "拖欠工资", "orange")]))
    window = shown_window(qtbot, qapp, services)
    with qtbot.waitActive(window):
        window.activateWindow()
    screening = window.open_screening()
    conferences = window.open_conferences()
    round_dialog = screening._open(rnd.id)
    failures: list[str] = []
    round_dialog.items.selectRow(0)   # the buttons of a row are enabled before Tab counts them
    for name, opener in (("排查记录", lambda: screening), ("排查", lambda: round_dialog),
                         ("预防", lambda: (round_dialog.items.selectRow(0), round_dialog.prevent())[1]),
                         ("移交", lambda: (round_dialog.items.selectRow(1), round_dialog.refer())[1]),
                         ("联席会议", lambda: conferences), ("联席会议记录", conferences.new_conference)):
        shown = opener()
        assert shown is not None, name
        shown.show()
        shown.activateWindow()
        qtbot.waitExposed(shown)
        failures += [f"{name}: {p}" for p in tab_round(qtbot, shown)]
        failures += [f"{name}: {p}" for p in mnemonic_problems(shown)]
        if name == "排查":
            # Tab into the second row's first input: that row is the selected one.
            round_dialog.items.cellWidget(0, 3).setFocus()
            press(qtbot, Qt.Key.Key_Tab)
            assert focused() is round_dialog.items.cellWidget(1, 0)
            assert round_dialog.items.currentRow() == 1
        if name in ("预防", "移交"):
            shown.reject()
            back_to(qtbot, round_dialog)
    assert not failures, "\n".join(failures)
    close_all(qtbot)


def test_the_screening_frequency_is_a_setting_the_reminder_follows(qtbot, qapp, services) -> None:
    from mediator_desktop import settings as opts
    from mediator_desktop.services.screening import RoundDraft
    from mediator_desktop.ui.settings.settings_dialog import SettingsDialog

    window = shown_window(qtbot, qapp, services)
    services.screening.save(None, RoundDraft(date(2026, 11, 10), "幸福村", "王芳", True))   # the log is kept
    assert any(r.kind == ReminderKind.SCREENING.value for r in services.reminders.today_list())
    dialog: SettingsDialog = window.open_settings()
    assert dialog.screening_per_month.value() == 2
    dialog.screening_per_month.setValue(0)
    click(qtbot, dialog.followup_save)
    assert window.settings.get(opts.SCREENING_PER_MONTH) == 0
    assert opts.Settings().get(opts.SCREENING_PER_MONTH) == 0          # saved to the file
    assert not any(r.kind == ReminderKind.SCREENING.value for r in services.reminders.today_list())


def test_delete_is_apart_from_close_in_the_screening_and_conference_lists(qtbot, qapp, services) -> None:
    """删除 follows 新的/打开 with space between; 关闭 stands alone at the right, far from 删除,
    and pressing 关闭 closes the window (nothing deleted)."""
    from mediator_desktop.services.screening import ItemDraft, RoundDraft
    from mediator_desktop.ui.common.record_list import DESTRUCTIVE_GAP

    services.screening.save(None, RoundDraft(date(2026, 11, 20), "幸福村", "王芳", False, "", [
        ItemDraft("张某", None, "排水沟堵塞", "none")]))
    window = shown_window(qtbot, qapp, services)
    for shown in (window.open_screening(), window.open_conferences()):
        shown.resize(900, 500)
        qtbot.waitExposed(shown)
        new, opened, delete, close = shown.new_button, shown.open_button, shown.delete_button, shown.close_button
        assert new.x() < opened.x() < delete.x() < close.x()
        assert delete.x() - opened.geometry().right() >= DESTRUCTIVE_GAP
        assert close.x() - delete.geometry().right() > 3 * DESTRUCTIVE_GAP
        assert close.geometry().right() > shown.width() - 40     # 关闭 at the right edge
        click(qtbot, close)
        qtbot.waitUntil(lambda shown=shown: not shown.isVisible())
    assert len(services.screening.rounds()) == 1
