"""The 调解活动 tab, the scheduling dialog, the record editor and the agenda, driven as a mediator
uses them (offscreen): scheduling with a clash, writing and signing a record, surviving a crash,
the three kinds of writing looking different, the rights notice and the agenda."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
import shiboken6
from conftest import make_services, sample_draft
from gui_helpers import answer_yes, click, click_ok, start_gui, type_text
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFormLayout, QFrame, QLineEdit, QMessageBox

from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.services.errors import FieldProblem, NotFoundError, ValidationError
from mediator_desktop.services.journals import journal_path
from mediator_desktop.services.sessions import RecordDraft, SessionDraft
from mediator_desktop.storage.models import Case, MediationSession
from mediator_desktop.ui.agenda.agenda import CASE_ID_ROLE, AgendaView
from mediator_desktop.ui.case.record_editor import (
    NOTE_CAPTIONS,
    RecordEditor,
    note_paper,
    note_style,
)
from mediator_desktop.ui.case.sessions_panel import SessionsPanel
from mediator_desktop.ui.common.widgets import FieldErrors, add_row, attempt, error_label

pytestmark = pytest.mark.gui

ROOMS = ["调解室", "接待室"]


@pytest.fixture
def gui(qapp, sqlite_services):  # type: ignore[no-untyped-def]
    start_gui(qapp, sqlite_services)
    return sqlite_services


def accepted_case(services, **overrides):  # type: ignore[no-untyped-def]
    detail = services.cases.register(sample_draft(mediators=[MediatorAssignment(services.mediator_ids[0])],
                                                  **overrides))
    return services.cases.transition(detail.id, detail.version, "accepted")


def make_panel(qtbot, services, case_id: int) -> SessionsPanel:  # type: ignore[no-untyped-def]
    panel = SessionsPanel(services, ROOMS, autosave_seconds=1)
    qtbot.addWidget(panel)
    panel.resize(1000, 900)
    panel.show()
    panel.show_case(case_id)
    return panel


def pixel(widget, x: int, y: int) -> QColor:  # type: ignore[no-untyped-def]
    return widget.grab().toImage().pixelColor(x, y)


def test_schedule_two_sessions_from_the_panel_and_confirm_the_clash(qtbot, gui) -> None:
    services = gui
    other = accepted_case(services)
    services.sessions.schedule(other.id, SessionDraft(
        starts_at=datetime(2026, 11, 24, 9, 0), ends_at=datetime(2026, 11, 24, 10, 0), place="接待室"))
    case = accepted_case(services)
    panel = make_panel(qtbot, services, case.id)
    assert panel.mediate_button.isEnabled() and not panel.hint.isVisible()

    # First: a mediation in the mediation room, with an invited participant.
    click(qtbot, panel.mediate_button)
    dialog = panel.session_dialog
    qtbot.waitExposed(dialog)
    assert dialog.kind.currentData() == "mediation"
    assert dialog.place.currentText() == "调解室"              # the first room of the settings
    assert dialog.subject.text() == case.title and dialog.recorder.text() == "王芳"
    assert not dialog.interviewee.isVisible()                  # only for investigations
    dialog.date.setDate(QDate(2026, 11, 23))
    dialog.start.setTime(QTime(9, 0))
    dialog.end.setTime(QTime(10, 30))
    type_text(qtbot, dialog.participants, "村委会主任 陈刚")
    assert not dialog.clash_label.isVisible()
    with qtbot.waitSignal(panel.changed) as changed:
        click_ok(qtbot, dialog.buttons)
    assert changed.args == [case.id]
    assert panel.sessions.rowCount() == 1
    first = services.sessions.sessions(case.id)[0]
    assert (first.starts_at, first.ends_at, first.place) == (datetime(2026, 11, 23, 9, 0),
                                                            datetime(2026, 11, 23, 10, 30), "调解室")
    assert first.participants == ("村委会主任 陈刚",) and first.present == (0, 1)
    assert first.mediator_names == ("杨志强",)

    # Second: an investigation that overlaps the first in the same room — the clash shows live.
    click(qtbot, panel.investigate_button)
    dialog = panel.session_dialog
    qtbot.waitExposed(dialog)
    assert dialog.interviewee.isVisible()
    type_text(qtbot, dialog.interviewee, "邻居王五")
    dialog.date.setDate(QDate(2026, 11, 23))
    dialog.start.setTime(QTime(10, 0))
    dialog.end.setTime(QTime(11, 0))
    assert dialog.clash_label.isVisible()
    assert "“调解室”在11月23日 09:00–10:30已安排了案件" in dialog.clash_label.text()
    assert "调解员杨志强" in dialog.clash_label.text()         # the same mediator, too
    # Moving to the other room at a time it is booked by another case: still a clash, other reason.
    dialog.place.setEditText("接待室")
    dialog.date.setDate(QDate(2026, 11, 24))
    dialog.start.setTime(QTime(9, 30))
    assert f"“接待室”在11月24日 09:00–10:00已安排了案件{other.code}的活动" in dialog.clash_label.text()
    dialog.date.setDate(QDate(2026, 11, 23))
    dialog.start.setTime(QTime(10, 0))
    dialog.place.setEditText("调解室")
    assert "“调解室”" in dialog.clash_label.text()
    # Saving is refused until "仍然安排" is ticked; nothing typed is lost.
    click_ok(qtbot, dialog.buttons)
    assert dialog.isVisible()
    assert "请勾选“仍然安排”" in dialog.message.text()
    assert dialog.interviewee.text() == "邻居王五"
    assert dialog.confirm_clash.isVisible() and len(services.sessions.sessions(case.id)) == 1
    dialog.confirm_clash.setChecked(True)
    with qtbot.waitSignal(dialog.saved):
        click_ok(qtbot, dialog.buttons)
    assert not dialog.isVisible()
    assert panel.sessions.rowCount() == 2
    assert panel.sessions.item(1, 1).text() == "调查" and panel.sessions.item(1, 2).text() == "调解室"
    assert services.sessions.sessions(case.id)[1].interviewee == "邻居王五"


def test_dialog_refuses_an_end_before_the_start_and_keeps_the_values(qtbot, gui) -> None:
    services = gui
    case = accepted_case(services)
    panel = make_panel(qtbot, services, case.id)
    dialog = panel.schedule("mediation")
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.date.setDate(QDate(2026, 11, 25))
    dialog.start.setTime(QTime(15, 0))
    dialog.end.setTime(QTime(14, 0))
    type_text(qtbot, dialog.subject, "新的事由")
    click_ok(qtbot, dialog.buttons)
    assert dialog.isVisible()
    assert dialog.errors.message("ends_at") == "“结束时间”须晚于开始时间"
    assert dialog.subject.text().endswith("新的事由")
    assert services.sessions.sessions(case.id) == []


def test_registered_case_cannot_get_sessions(qtbot, gui) -> None:
    services = gui
    case = services.cases.register(sample_draft())
    panel = make_panel(qtbot, services, case.id)
    assert not panel.mediate_button.isEnabled() and not panel.investigate_button.isEnabled()
    assert panel.hint.text() == "案件受理后才能安排调查、调解。"


def test_write_autosave_crash_restore_save_and_sign(qtbot, gui) -> None:
    services = gui
    case = accepted_case(services)
    services.sessions.schedule(case.id, SessionDraft(
        starts_at=datetime(2026, 11, 22, 8, 0), ends_at=datetime(2026, 11, 22, 9, 0), place="调解室",
        present=[0, 1]))
    panel = make_panel(qtbot, services, case.id)
    panel.sessions.selectRow(0)
    click(qtbot, panel.record_button)
    editor = panel.record_editor
    qtbot.waitExposed(editor)
    session_id = editor.view.id
    journal = journal_path(services.database_id, session_id)
    assert editor.when.text() == "2026年11月22日 08:00—09:00"
    assert editor.tabs.tabText(0) == "调解记录（将入卷宗）"
    assert not journal.exists() and not editor.banner.isVisible()

    type_text(qtbot, editor.body, "调解员告知双方权利义务。\n张三称：通道被堵。")
    assert editor.timer.isActive()                         # the autosave is due (real firing: below)
    editor.timer.timeout.emit()
    saved = json.loads(journal.read_text(encoding="utf-8"))
    assert saved["record"]["record"] == "调解员告知双方权利义务。\n张三称：通道被堵。"
    assert saved["session_id"] == session_id
    assert services.sessions.get(session_id).record == ""
    editor.tabs.setCurrentIndex(2)
    type_text(qtbot, editor.private.editor, "私人草稿")
    assert editor.timer.isActive()
    editor.timer.timeout.emit()
    saved = json.loads(journal.read_text(encoding="utf-8"))
    assert saved["private"] == {"测试员": {"note_id": None, "party": None, "body": "私人草稿"}}

    # The PC loses power: the editor disappears without closing or saving.
    shiboken6.delete(editor)
    panel.record_editor = None
    assert journal.exists()
    assert services.pending_journals() == [session_id]

    editor = RecordEditor(services, session_id, autosave_seconds=1)
    qtbot.addWidget(editor)
    editor.show()
    assert editor.banner.isVisible()
    assert editor.banner.text().startswith("已恢复") and "分自动保存的内容" in editor.banner.text()
    assert editor.body.toPlainText() == "调解员告知双方权利义务。\n张三称：通道被堵。"
    assert editor.private.editor.toPlainText() == "私人草稿"
    type_text(qtbot, editor.outcome, "双方同意三日内清除建材。")
    click(qtbot, editor.save_button)
    assert not journal.exists() and not editor.banner.isVisible()
    assert services.pending_journals() == []
    assert [n.body for n in services.sessions.notes(case.id)] == ["私人草稿"]
    stored = services.sessions.get(session_id)
    assert stored.record == "调解员告知双方权利义务。\n张三称：通道被堵。"
    assert stored.outcome == "双方同意三日内清除建材。"

    # 宣读并签字: confirm, then the record is locked and says when.
    click(qtbot, editor.sign_button)
    answer_yes(qtbot, editor.sign_box)
    assert editor.signed_label.text().startswith("✔ 已于2026年11月22日 09:30宣读签字")
    assert editor.body.isReadOnly() and editor.place.isReadOnly() and not editor.present.isEnabled()
    assert not editor.save_button.isEnabled() and not editor.sign_button.isVisible()
    assert editor.unsign_button.isVisible()
    assert services.sessions.get(session_id).signed_at == datetime(2026, 11, 22, 9, 30)

    # Opening it again needs a reason; then it can be corrected.
    click(qtbot, editor.unsign_button)
    dialog = editor.unsign_dialog
    click_ok(qtbot, dialog.buttons)
    assert dialog.isVisible() and "原因" in dialog.error.text()
    type_text(qtbot, dialog.reason, "记录有误需更正")
    click_ok(qtbot, dialog.buttons)
    assert not dialog.isVisible()
    assert not editor.body.isReadOnly() and editor.sign_button.isVisible()
    assert editor.signed_label.text() == "尚未宣读签字"


def test_closing_saves_and_a_refused_save_keeps_the_text(qtbot, gui, sqlite_url, clock) -> None:
    services = gui
    case = accepted_case(services)
    view = services.sessions.schedule(case.id, SessionDraft(starts_at=datetime(2026, 11, 22, 8, 0)))
    editor = RecordEditor(services, view.id, autosave_seconds=1)
    qtbot.addWidget(editor)
    editor.show()
    type_text(qtbot, editor.body, "第一段")
    click(qtbot, editor.close_button)
    assert not editor.isVisible()
    assert services.sessions.get(view.id).record == "第一段"
    assert not journal_path(services.database_id, view.id).exists()

    editor = RecordEditor(services, view.id, autosave_seconds=1)
    qtbot.addWidget(editor)
    editor.show()
    assert editor.body.toPlainText() == "第一段" and not editor.banner.isVisible()
    # Another PC saves the same record meanwhile.
    other = make_services(sqlite_url, clock, actor_name="另一人")
    try:
        current = other.sessions.get(view.id)
        other.sessions.save_record(current.id, current.version, RecordDraft(record="另一台电脑写的"))
    finally:
        other.close()
    type_text(qtbot, editor.body, "，第二段")
    click(qtbot, editor.save_button)
    assert "已被其他电脑修改" in editor.message.text() and editor.message.isVisible()
    assert editor.body.toPlainText() == "第一段，第二段"
    assert journal_path(services.database_id, view.id).exists()
    # Closing does not lose it either: first close explains, second close keeps the journal.
    click(qtbot, editor.close_button)
    assert editor.isVisible() and "再点一次“关闭”" in editor.message.text()
    click(qtbot, editor.close_button)
    assert not editor.isVisible()
    restored = RecordEditor(services, view.id, autosave_seconds=1)
    qtbot.addWidget(restored)
    assert restored.body.toPlainText() == "第一段，第二段"
    assert "其他电脑上也被修改过" in restored.banner.text()


def test_the_three_kinds_of_writing_look_different(qtbot, gui) -> None:
    services = gui
    case = accepted_case(services)
    view = services.sessions.schedule(case.id, SessionDraft(starts_at=datetime(2026, 11, 22, 8, 0)))
    editor = RecordEditor(services, view.id, autosave_seconds=1)
    qtbot.addWidget(editor)
    editor.resize(900, 800)
    editor.show()
    assert editor.record_caption.text() == "此记录向当事人宣读并签字后将入卷宗"
    assert editor.caucus.caption.text() == "背对背记录：仅供调解员参考，不入卷宗、不打印、不导出"
    assert editor.private.caption.text() == "个人笔记，仅本人可见：不入卷宗、不打印、不导出"
    colours = []
    for index, page in enumerate([editor.record_page, editor.caucus, editor.private]):
        editor.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        colours.append(pixel(page, 5, page.height() // 2).name())
    assert colours == ["#ffffff", "#fff4c2", "#e6e6e6"]

    # A caucus note needs its party; the typed text stays when refused.
    editor.tabs.setCurrentIndex(1)
    pane = editor.caucus
    type_text(qtbot, pane.editor, "李四私下表示愿意让步")
    click(qtbot, pane.save_button)
    assert pane.message.text() == "背对背记录须选择是与哪一方当事人谈话"
    assert pane.editor.toPlainText() == "李四私下表示愿意让步"
    pane.party.setCurrentIndex(pane.party.findData(1))
    click(qtbot, pane.save_button)
    assert pane.list.count() == 1 and not pane.message.isVisible()
    editor.tabs.setCurrentIndex(2)
    type_text(qtbot, editor.private.editor, "下次先找村主任")
    click(qtbot, editor.private.save_button)
    notes = services.sessions.notes(case.id)
    assert [(n.kind, n.party, n.body, n.session_id) for n in notes] == [
        ("caucus", 1, "李四私下表示愿意让步", view.id), ("private", None, "下次先找村主任", view.id)]
    assert services.sessions.get(view.id).record == ""      # never part of the record

    # In the case's tab the notes are coloured by kind; another user sees only the caucus note.
    panel = make_panel(qtbot, services, case.id)
    assert panel.notes.count() == 2
    assert panel.notes.item(0).background().color().name() == "#fff4c2"
    assert panel.notes.item(1).background().color().name() == "#e6e6e6"
    assert panel.notes.item(0).text().startswith("【背对背·李四】")
    assert panel.notes.item(1).text().startswith("【个人笔记】")


def test_notes_from_the_panel_and_privacy(qtbot, gui, sqlite_url, clock) -> None:
    services = gui
    case = accepted_case(services)
    panel = make_panel(qtbot, services, case.id)
    click(qtbot, panel.private_button)
    dialog = panel.note_dialog
    qtbot.waitExposed(dialog)
    assert dialog.caption.text().startswith("个人笔记，仅本人可见")
    assert not dialog.party.isVisible()
    assert pixel(dialog.paper, 5, dialog.paper.height() // 2).name() == "#e6e6e6"
    type_text(qtbot, dialog.body, "只给自己看")
    with qtbot.waitSignal(panel.changed):
        click_ok(qtbot, dialog.buttons)
    click(qtbot, panel.caucus_button)
    dialog = panel.note_dialog
    qtbot.waitExposed(dialog)
    assert pixel(dialog.paper, 5, dialog.paper.height() // 2).name() == "#fff4c2"
    type_text(qtbot, dialog.body, "张三希望先道歉")
    click_ok(qtbot, dialog.buttons)
    assert dialog.isVisible() and "哪一方当事人" in dialog.message.text()
    dialog.party.setCurrentIndex(dialog.party.findData(0))
    click_ok(qtbot, dialog.buttons)
    assert panel.notes.count() == 2

    other = make_services(sqlite_url, clock, actor_name="另一人")
    try:
        other_panel = make_panel(qtbot, other, case.id)
        assert other_panel.notes.count() == 1
        assert "张三希望先道歉" in other_panel.notes.item(0).text()
    finally:
        other.close()


def test_rights_notice_and_cancel_from_the_panel(qtbot, gui) -> None:
    services = gui
    case = accepted_case(services)
    services.sessions.schedule(case.id, SessionDraft(starts_at=datetime(2026, 11, 25, 9, 0), place="调解室"))
    panel = make_panel(qtbot, services, case.id)
    assert [panel.notices.item(r, 1).text() for r in range(2)] == ["尚未告知", "尚未告知"]
    panel.notices.selectRow(1)
    click(qtbot, panel.notice_button)
    dialog = panel.notice_dialog
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "记录权利义务告知 — 李四"
    assert dialog.on.date() == QDate(2026, 11, 22) and dialog.on.maximumDate() == QDate(2026, 11, 22)
    dialog.oral.setChecked(True)
    click_ok(qtbot, dialog.buttons)
    assert [panel.notices.item(1, c).text() for c in range(4)] == ["李四", "2026年11月22日", "口头告知", "测试员"]
    assert services.sessions.notices(case.id)[1].method == "oral"

    panel.sessions.selectRow(0)
    click(qtbot, panel.cancel_button)
    answer_yes(qtbot, panel.cancel_box)
    assert panel.sessions.item(0, 5).text() == "已取消"
    assert services.sessions.sessions(case.id)[0].cancelled


def test_agenda_week_and_day(qtbot, qtmodeltester, gui) -> None:
    services = gui
    a, b = accepted_case(services), accepted_case(services)
    services.sessions.schedule(a.id, SessionDraft(starts_at=datetime(2026, 11, 23, 9, 0),
                                                  ends_at=datetime(2026, 11, 23, 10, 0), place="调解室"))
    services.sessions.schedule(b.id, SessionDraft(kind="investigation", starts_at=datetime(2026, 11, 23, 9, 30),
                                                  place="调解室"), confirmed_clash=True)
    services.sessions.schedule(b.id, SessionDraft(starts_at=datetime(2026, 11, 27, 14, 0), place="接待室"))
    agenda = AgendaView(services)
    qtbot.addWidget(agenda)
    agenda.resize(1200, 700)
    agenda.show()
    # Opens on this week (today is Sunday 22 November: the week of the 16th).
    assert agenda.title.text() == "2026年11月16日（周一）至11月22日（周日）"
    assert agenda.message.text() == "本周没有安排调查或调解。"
    click(qtbot, agenda.next_button)
    assert agenda.title.text() == "2026年11月23日（周一）至11月29日（周日）"
    week = agenda.week_model
    qtmodeltester.check(week)
    assert week.rowCount() == 2 and week.columnCount() == 7
    assert week.headerData(0, Qt.Orientation.Horizontal) == "周一\n11月23日"
    first = week.data(week.index(0, 0))
    assert first.splitlines() == ["⚠ 时间冲突", "09:00—10:00　调解", "调解室", a.code, "张三、李四"]
    assert week.data(week.index(0, 0), Qt.ItemDataRole.BackgroundRole).color().name() == "#ffcf99"
    assert b.code in week.data(week.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    friday = week.data(week.index(0, 4))
    assert friday.startswith("14:00　调解") and week.data(week.index(0, 4), Qt.ItemDataRole.BackgroundRole) is None
    assert week.data(week.index(1, 4)) is None
    # Double-clicking an entry opens its case.
    rect = agenda.week_view.visualRect(week.index(0, 4))
    qtbot.mouseClick(agenda.week_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(agenda.open_case) as opened:
        qtbot.mouseDClick(agenda.week_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [b.id]

    agenda.show_day(date(2026, 11, 23))
    assert agenda.title.text() == "2026年11月23日（周一）"
    assert agenda.prev_button.text() == "◀ 前一天" and agenda.day_button.isChecked()
    day = agenda.day_model
    qtmodeltester.check(day)
    assert day.rowCount() == 2
    assert [day.data(day.index(r, 3)) for r in range(2)] == [a.code, b.code]
    assert day.data(day.index(1, 0)) == "⚠ 09:30" and day.data(day.index(1, 1)) == "调查"
    assert day.data(day.index(1, 0), CASE_ID_ROLE) == b.id
    click(qtbot, agenda.next_button)
    assert agenda.title.text() == "2026年11月24日（周二）" and day.rowCount() == 0
    click(qtbot, agenda.today_button)
    assert agenda.title.text() == "2026年11月22日（周日）　今天"
    click(qtbot, agenda.week_button)
    assert agenda.stack.currentWidget() is agenda.week_view
    # A new session appears on refresh.
    services.sessions.schedule(a.id, SessionDraft(starts_at=datetime(2026, 11, 22, 15, 0), place="接待室"))
    agenda.refresh()
    assert agenda.week_model.rowCount() == 1
    assert agenda.week_model.data(agenda.week_model.index(0, 6)).startswith("15:00　调解")


def test_autosave_timer_really_fires_within_autosave_seconds(qtbot, gui) -> None:
    services = gui
    case = accepted_case(services)
    view = services.sessions.schedule(case.id, SessionDraft(starts_at=datetime(2026, 11, 22, 8, 0)))
    editor = RecordEditor(services, view.id, autosave_seconds=1)
    qtbot.addWidget(editor)
    editor.show()
    journal = journal_path(services.database_id, view.id)
    assert editor.timer.interval() == 1000 and not editor.timer.isActive()
    type_text(qtbot, editor.body, "张三称")
    assert editor.timer.isActive() and not journal.exists()
    qtbot.waitUntil(journal.exists, timeout=15_000)        # generous: only the firing itself is tested
    assert json.loads(journal.read_text(encoding="utf-8"))["record"]["record"] == "张三称"
    assert not editor.timer.isActive()


def test_a_private_draft_is_restored_only_for_its_author(qtbot, gui, sqlite_url, clock) -> None:
    services = gui
    case = accepted_case(services)
    view = services.sessions.schedule(case.id, SessionDraft(starts_at=datetime(2026, 11, 22, 8, 0)))
    journal = journal_path(services.database_id, view.id)
    editor = RecordEditor(services, view.id, autosave_seconds=1)
    qtbot.addWidget(editor)
    editor.show()
    editor.tabs.setCurrentIndex(2)
    type_text(qtbot, editor.private.editor, "只给自己看的草稿")
    assert editor.write_journal()
    assert list(json.loads(journal.read_text(encoding="utf-8"))["private"]) == ["测试员"]
    shiboken6.delete(editor)                                # power cut: nothing saved
    assert services.pending_journals() == [view.id]

    # Another mediator opens the same session on this PC: the draft is neither shown nor taken over.
    other = make_services(sqlite_url, clock, actor_name="另一人")
    try:
        assert other.pending_journals() == []
        theirs = RecordEditor(other, view.id, autosave_seconds=1)
        qtbot.addWidget(theirs)
        theirs.show()
        assert theirs.private.editor.toPlainText() == "" and theirs.private.list.count() == 0
        assert not theirs.banner.isVisible() and not theirs.has_unsaved()
        assert journal.exists()                              # the first author's draft is still kept
        type_text(qtbot, theirs.body, "另一人写的记录")
        theirs.tabs.setCurrentIndex(2)
        type_text(qtbot, theirs.private.editor, "另一人的笔记")
        assert theirs.write_journal()
        drafts = json.loads(journal.read_text(encoding="utf-8"))["private"]
        assert {a: d["body"] for a, d in drafts.items()} == {"测试员": "只给自己看的草稿", "另一人": "另一人的笔记"}
        click(qtbot, theirs.save_button)
        assert other.sessions.get(view.id).record == "另一人写的记录"
        assert [(n.author, n.body) for n in other.sessions.notes(case.id)] == [("另一人", "另一人的笔记")]
        left = json.loads(journal.read_text(encoding="utf-8"))
        assert left["record"] is None and list(left["private"]) == ["测试员"]
        assert other.pending_journals() == []
        theirs.close()
        assert not theirs.isVisible()
    finally:
        other.close()

    # The author comes back: the draft is there, saved as the author's own note.
    assert services.pending_journals() == [view.id]
    editor = RecordEditor(services, view.id, autosave_seconds=1)
    qtbot.addWidget(editor)
    editor.show()
    assert editor.private.editor.toPlainText() == "只给自己看的草稿"
    assert editor.banner.isVisible() and editor.body.toPlainText() == "另一人写的记录"
    click(qtbot, editor.save_button)
    assert not journal.exists() and services.pending_journals() == []
    assert [(n.author, n.body) for n in services.sessions.notes(case.id) if n.kind == "private"] == [
        ("测试员", "只给自己看的草稿")]


def test_note_dialog_asks_before_dropping_typed_text(qtbot, gui) -> None:
    services = gui
    case = accepted_case(services)
    panel = make_panel(qtbot, services, case.id)
    dialog = panel.add_note("private")
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)               # nothing typed: closes at once
    assert not dialog.isVisible() and dialog.discard_box is None

    dialog = panel.add_note("caucus")
    assert dialog is not None
    qtbot.waitExposed(dialog)
    type_text(qtbot, dialog.body, "张三愿意赔偿")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    box = dialog.discard_box
    assert box is not None and box.isVisible() and box.text() == "放弃未保存的内容吗？"
    assert dialog.isVisible()
    click(qtbot, box.button(QMessageBox.StandardButton.Cancel))          # 继续填写
    assert dialog.isVisible() and dialog.body.toPlainText() == "张三愿意赔偿"
    dialog.close()                                                        # the window's ×: asks too
    assert dialog.isVisible() and dialog.discard_box is not box and dialog.discard_box.isVisible()
    click(qtbot, dialog.discard_box.button(QMessageBox.StandardButton.Cancel))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.discard_box.isVisible()
    click(qtbot, dialog.discard_box.button(QMessageBox.StandardButton.Discard))    # 不保存，关闭
    assert not dialog.isVisible()
    assert services.sessions.notes(case.id) == []

    # Changing only the party of a saved caucus note counts as unsaved as well.
    note = services.sessions.add_note(case.id, "caucus", "李四同意让步", party=1)
    panel.refresh()
    panel.notes.setCurrentRow(0)
    dialog = panel.edit_note()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert not dialog.has_unsaved()
    dialog.party.setCurrentIndex(dialog.party.findData(0))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.discard_box is not None and dialog.discard_box.isVisible()
    click(qtbot, dialog.discard_box.button(QMessageBox.StandardButton.Cancel))
    click_ok(qtbot, dialog.buttons)
    assert not dialog.isVisible()
    assert services.sessions.notes(case.id)[0].party == 0 and note.party == 1


def test_panel_shows_a_case_or_session_deleted_on_another_pc(qtbot, gui, sqlite_url, clock) -> None:
    services = gui
    case = accepted_case(services)
    view = services.sessions.schedule(case.id, SessionDraft(starts_at=datetime(2026, 11, 25, 9, 0)))
    panel = make_panel(qtbot, services, case.id)
    panel.sessions.selectRow(0)
    assert panel.change_button.isEnabled()
    other = make_services(sqlite_url, clock, actor_name="另一人")
    try:
        with other.ctx.db.write() as s:
            s.delete(s.get(MediationSession, view.id))
        click(qtbot, panel.change_button)                    # no exception escapes
        assert not hasattr(panel, "session_dialog")
        assert panel.message.isVisible() and panel.message.text() == "找不到这次活动，可能已被删除"
        assert panel.sessions.rowCount() == 0                # the list shows what is there now

        with other.ctx.db.write() as s:
            s.delete(s.get(Case, case.id))
        with pytest.raises(NotFoundError):
            services.cases.get(case.id)
        assert panel.schedule("mediation") is None
        assert not hasattr(panel, "session_dialog")
        assert panel.message.isVisible() and panel.message.text() == "找不到这个案件，可能已被删除"
        assert not panel.mediate_button.isEnabled()
    finally:
        other.close()


def test_attempt_and_note_paper_helpers(qtbot, gui) -> None:
    page = QFrame()
    qtbot.addWidget(page)
    form = QFormLayout(page)
    errors = FieldErrors()
    name = QLineEdit()
    add_row(form, errors, "name", "姓名：", name)
    message = error_label()
    form.addRow(message)
    page.show()
    message.hide()

    def refuse() -> None:
        raise ValidationError([FieldProblem("name", "请填写“姓名”"), FieldProblem("other", "另一处问题")])

    def gone() -> None:
        raise NotFoundError("找不到这个案件，可能已被删除")

    assert attempt(lambda: 42, message, errors) == 42 and message.isHidden()
    assert attempt(refuse, message, errors) is None
    assert errors.message("name") == "请填写“姓名”" and message.text() == "另一处问题" and message.isVisible()
    assert attempt(refuse, message) is None                  # no field list: every message in one place
    assert message.text() == "请填写“姓名”\n另一处问题"
    assert attempt(gone, message, errors) is None and message.text() == "找不到这个案件，可能已被删除"

    paper = QFrame()
    qtbot.addWidget(paper)
    lay, caption = note_paper(paper, "private", "paperTest")
    assert paper.layout() is lay and lay.itemAt(0).widget() is caption
    assert caption.text() == NOTE_CAPTIONS["private"] and caption.font().bold() and caption.wordWrap()
    assert paper.objectName() == "paperTest" and paper.styleSheet() == note_style("private", "paperTest")
