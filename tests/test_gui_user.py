"""Who is at the PC (issue 11): the first run asks who uses this PC and how case codes look, the
title bar shows the user, 设置 changes the user at once, and the name goes into 告知人, 回访人,
记录人 and every timeline entry. Also: signing a record removes its autosave journal, the
status-bar notice never covers the case count, and the count follows the first case saved."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import shiboken6
from conftest import sample_draft
from gui_helpers import answer_yes, choose, click, click_ok, start_gui, type_text
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QDialogButtonBox
from test_followups import _agreed

from mediator_desktop import settings as opts
from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.services.journals import journal_path
from mediator_desktop.services.sessions import SessionDraft
from mediator_desktop.ui.app import create_main_window, init_application
from mediator_desktop.ui.settings.first_run import FirstRunDialog

pytestmark = pytest.mark.gui

ORG = "龙门街道人民调解委员会"


@pytest.fixture
def gui(qapp, sqlite_services):  # type: ignore[no-untyped-def]
    return sqlite_services, start_gui(qapp, sqlite_services)


def _window(qtbot, services, settings):  # type: ignore[no-untyped-def]
    window = create_main_window(services, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _tab(view, widget) -> None:  # type: ignore[no-untyped-def]
    """Open a tab of the case view, as clicking its title does."""
    view.tabs.setCurrentWidget(widget)
    assert view.tabs.currentWidget() is widget


def _newest_timeline_entry(view) -> list[str]:  # type: ignore[no-untyped-def]
    _tab(view, view.history)
    return [view.history.item(0, c).text() for c in range(3)]


def _record_notice(qtbot, view, row: int, user: str, party: str) -> None:  # type: ignore[no-untyped-def]
    """告知 the party of ``row`` through its dialog: 告知人 proposed as ``user``, accepted, shown
    in the table and as the newest timeline entry, by that user."""
    panel = view.sessions_panel
    _tab(view, panel)
    panel.notices.selectRow(row)
    click(qtbot, panel.notice_button)
    notice = panel.notice_dialog
    qtbot.waitExposed(notice)
    assert notice.by.text() == user
    click_ok(qtbot, notice.buttons)
    assert panel.notices.item(row, 3).text() == user
    newest = _newest_timeline_entry(view)
    assert newest[1] == user and f"告知{party}" in newest[2]


def _select_all_and_type(qtbot, line_edit, text: str) -> None:  # type: ignore[no-untyped-def]
    line_edit.setFocus()
    qtbot.keyClick(line_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, line_edit, text)


def _change_user(qtbot, window, *, pick: str | None = None, typed: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """设置 → 调解员 → 使用者: pick a mediator from the list or type a name, 更换使用者, 关闭."""
    dialog = window.open_settings()
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentIndex(1)
    assert dialog.tabs.tabText(1) == "调解员"
    if pick is not None:
        dialog.user.setCurrentIndex(dialog.user.findText(pick))
    else:
        assert typed is not None
        _select_all_and_type(qtbot, dialog.user.lineEdit(), typed)
    with qtbot.waitSignal(dialog.user_changed):
        click(qtbot, dialog.user_save)
    name = pick or typed
    assert dialog.user_message.text().startswith(f"现在的使用者是“{name}”")
    close = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close)
    click(qtbot, close)
    assert not dialog.isVisible()


def test_first_run_asks_who_uses_this_pc_and_the_title_shows_it(qtbot, qapp, sqlite_services) -> None:
    services = sqlite_services
    settings = opts.Settings()
    init_application(qapp, settings)
    dialog = FirstRunDialog(services, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    form = dialog.org_form
    type_text(qtbot, form.name, ORG)
    type_text(qtbot, form.short_name, "龙门")
    # 案号格式 is a plain choice with its example beside it; the raw pattern hides behind 自定义.
    year = date.today().year
    choices = [form.code_choice.itemText(i) for i in range(form.code_choice.count())]
    assert choices[0] == f"（年份）简称人调字第N号　　例：（{year}）龙门人调字第1号"
    assert choices[1] == f"（年份）简称人调字第00N号　　例：（{year}）龙门人调字第001号"
    assert choices[-1] == "自定义（高级）…"
    assert not any("{" in c for c in choices)
    assert not form.code_pattern.isVisibleTo(dialog)
    assert form.preview.text() == f"（{year}）龙门人调字第1号"
    form.code_choice.setCurrentIndex(form.code_choice.count() - 1)          # 自定义: the expert field
    assert form.code_pattern.isVisibleTo(dialog)
    assert form.code_pattern.text() == "（{year}）{short_name}人调字第{N}号"
    form.code_choice.setCurrentIndex(1)                                      # back to a plain choice
    assert not form.code_pattern.isVisibleTo(dialog)
    assert form.preview.text() == f"（{year}）龙门人调字第001号"
    # The mediator typed is proposed as the user until another name is typed there.
    type_text(qtbot, dialog.mediator_name, "周红梅")
    qtbot.keyClicks(dialog.mediator_phone, "13800003333")
    assert dialog.user.currentText() == "周红梅"
    _select_all_and_type(qtbot, dialog.user.lineEdit(), "张卫东")
    with qtbot.waitSignal(dialog.accepted):
        click_ok(qtbot, dialog.buttons)

    assert services.organization.get().code_pattern == "（{year}）{short_name}人调字第{N:03d}号"
    assert sorted(m.name for m in services.mediators.list()) == sorted(["周红梅", "张卫东"])
    assert services.ctx.actor.name == "张卫东"
    assert opts.Settings().get(opts.CURRENT_USER) == "张卫东"          # remembered for the next start
    window = _window(qtbot, services, settings)
    assert window.windowTitle() == f"{ORG} — 张卫东 — 调解工作台"
    # The first case registered says who did it.
    detail = services.cases.register(sample_draft())
    assert detail.code == "（2026）龙门人调字第001号"
    assert services.cases.timeline(detail.id)[-1].actor == "张卫东"


def test_first_run_on_a_pc_joining_a_set_up_database_only_asks_who(qtbot, qapp, sqlite_services) -> None:
    services = sqlite_services
    settings = start_gui(qapp, services)         # organisation and two mediators exist already
    dialog = FirstRunDialog(services, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "谁在使用这台电脑"
    assert not dialog.org_form.isVisibleTo(dialog) and not dialog.mediator_name.isVisibleTo(dialog)
    assert [dialog.user.itemText(i) for i in range(dialog.user.count())] == ["杨志强", "王芳"]
    click_ok(qtbot, dialog.buttons)                                          # nobody chosen yet
    assert dialog.isVisible() and dialog.user_errors.message("user") == "请选择或填写在这台电脑上使用工作台的人"
    dialog.user.setCurrentIndex(dialog.user.findText("王芳"))
    with qtbot.waitSignal(dialog.accepted):
        click_ok(qtbot, dialog.buttons)
    assert services.ctx.actor.name == "王芳" and settings.get(opts.CURRENT_USER) == "王芳"
    assert len(services.mediators.list()) == 2                               # no mediator added


def test_naming_the_user_keeps_the_private_notes_written_before(qtbot, qapp, sqlite_services) -> None:
    """Before a PC knew its user, everything was written as 调解员. The private notes and the
    unsaved private drafts of that time become the named user's, not invisible to them; another
    mediator's private note stays theirs."""
    from mediator_desktop.services.journals import JOURNAL_FORMAT, private_drafts, read_journal
    from mediator_desktop.services.journals import write_journal_file as write_atomically

    services = sqlite_services
    settings = start_gui(qapp, services)
    detail = services.cases.register(sample_draft())
    opts.apply_current_user(services, opts.UNNAMED_USER)
    services.sessions.add_note(detail.id, "private", "当事人私下透露可以分期付款")
    opts.apply_current_user(services, "杨志强")
    services.sessions.add_note(detail.id, "private", "杨志强自己的笔记")
    journal = journal_path(services.database_id, 41)
    write_atomically(journal, {"format": JOURNAL_FORMAT, "database": services.db.describe(), "session_id": 41,
                               "private": {opts.UNNAMED_USER: {"text": "没写完的个人笔记"}}})
    opts.apply_current_user(services, opts.UNNAMED_USER)
    assert not settings.get(opts.CURRENT_USER)

    dialog = FirstRunDialog(services, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.user.setCurrentIndex(dialog.user.findText("王芳"))
    with qtbot.waitSignal(dialog.accepted):
        click_ok(qtbot, dialog.buttons)

    assert [n.body for n in services.sessions.notes(detail.id)] == ["当事人私下透露可以分期付款"]
    assert private_drafts(read_journal(journal)) == {"王芳": {"text": "没写完的个人笔记"}}
    assert services.pending_journals() == [41]
    opts.apply_current_user(services, "杨志强")
    assert [n.body for n in services.sessions.notes(detail.id)] == ["杨志强自己的笔记"]


def test_the_user_fills_notice_visit_and_timeline_and_settings_change_it(qtbot, gui) -> None:
    services, settings = gui
    d, _ = _agreed(services)                     # an agreement in effect: visits are planned
    window = _window(qtbot, services, settings)
    _change_user(qtbot, window, pick="杨志强")
    assert services.ctx.actor.name == "杨志强" and opts.Settings().get(opts.CURRENT_USER) == "杨志强"
    assert window.windowTitle() == f"{ORG} — 杨志强 — 调解工作台"
    window.select_case(d.id)
    view = window.case_view

    # 权利义务告知 of 李四: 告知人 is the user.
    _record_notice(qtbot, view, 1, "杨志强", "李四")
    assert services.sessions.notices(d.id)[1].by == "杨志强"

    # 回访记录: 回访人 is the user.
    followups = view.followup_panel
    _tab(view, followups)
    visit = next(v for v in followups.model.rows if v.kind == "performance")
    followups.select_visit(visit.id)
    click(qtbot, followups.record_button)
    form = followups.visit_dialog
    qtbot.waitExposed(form)
    assert form.visitor.text() == "杨志强"
    click(qtbot, form.method_buttons["phone"])
    choose(form.satisfaction, "满意")
    with qtbot.waitSignal(form.recorded):
        click_ok(qtbot, form.buttons)
    assert next(v for v in services.followups.visits(d.id) if v.id == visit.id).visitor == "杨志强"
    assert services.cases.timeline(d.id)[-1].actor == "杨志强"
    if form.isVisible():                                   # the next-step page: not needed here
        form.close()

    # A new name typed in 设置 becomes a mediator and the next entry carries it.
    _change_user(qtbot, window, typed="张卫东")
    assert window.windowTitle() == f"{ORG} — 张卫东 — 调解工作台"
    assert "张卫东" in [m.name for m in services.mediators.list()]
    window.select_case(d.id)
    _record_notice(qtbot, view, 0, "张卫东", "张三")
    audit = services.cases.get(d.id).history[-1]
    assert audit.actor == "张卫东"


def test_notice_dialog_refuses_an_empty_notifier(qtbot, gui) -> None:
    services, settings = gui
    d, _ = _agreed(services)
    window = _window(qtbot, services, settings)
    window.select_case(d.id)
    panel = window.case_view.sessions_panel
    _tab(window.case_view, panel)
    panel.notices.selectRow(0)
    click(qtbot, panel.notice_button)
    notice = panel.notice_dialog
    qtbot.waitExposed(notice)
    assert notice.by.text() == "测试员"
    notice.by.clear()
    click_ok(qtbot, notice.buttons)
    assert notice.isVisible() and notice.errors.message("by") == "请填写“告知人”"
    type_text(qtbot, notice.by, "王芳")
    click_ok(qtbot, notice.buttons)
    assert not notice.isVisible() and services.sessions.notices(d.id)[0].by == "王芳"


def _accepted_case_with_session(services):  # type: ignore[no-untyped-def]
    detail = services.cases.register(sample_draft(mediators=[MediatorAssignment(services.mediator_ids[0])]))
    detail = services.cases.transition(detail.id, detail.version, "accepted")
    services.sessions.schedule(detail.id, SessionDraft(
        starts_at=datetime(2026, 11, 22, 8, 0), ends_at=datetime(2026, 11, 22, 9, 0), place="调解室",
        present=[0, 1]))
    return detail


def _open_record(qtbot, window, case_id: int):  # type: ignore[no-untyped-def]
    window.select_case(case_id)
    panel = window.case_view.sessions_panel
    _tab(window.case_view, panel)
    panel.sessions.selectRow(0)
    click(qtbot, panel.record_button)
    editor = panel.record_editor
    qtbot.waitExposed(editor)
    return editor


def test_signing_without_saving_leaves_no_journal_and_no_warning(qtbot, gui) -> None:
    services, settings = gui
    case = _accepted_case_with_session(services)
    window = _window(qtbot, services, settings)
    editor = _open_record(qtbot, window, case.id)
    journal = journal_path(services.database_id, editor.view.id)
    assert editor.recorder.text() == "王芳"            # the session's recorder (from the case)
    type_text(qtbot, editor.body, "调解员告知双方权利义务。\n张三称：通道被堵。")
    editor.timer.timeout.emit()                       # the autosave has run
    assert journal.exists()
    click(qtbot, editor.sign_button)                  # 宣读并签字 without pressing 保存
    answer_yes(qtbot, editor.sign_box)
    assert services.sessions.get(editor.view.id).signed_at is not None
    assert not journal.exists()
    click(qtbot, editor.close_button)
    window.close()
    assert not journal.exists() and services.pending_journals() == []
    qtbot.wait(50)                                    # the closed windows go, as at a restart
    again = _window(qtbot, services, settings)
    assert not again.unsaved_label.isVisibleTo(again)
    assert again.statusBar().currentMessage() == ""


def _covers(a, b) -> bool:  # type: ignore[no-untyped-def]
    """Whether widgets ``a`` and ``b`` overlap on screen."""
    ra = QRect(a.mapToGlobal(QPoint(0, 0)), a.size())
    rb = QRect(b.mapToGlobal(QPoint(0, 0)), b.size())
    return ra.intersects(rb)


def test_the_unsaved_record_notice_never_covers_the_case_count(qtbot, gui) -> None:
    services, settings = gui
    case = _accepted_case_with_session(services)
    window = _window(qtbot, services, settings)
    editor = _open_record(qtbot, window, case.id)
    type_text(qtbot, editor.body, "张三称：通道被堵。")
    editor.timer.timeout.emit()
    shiboken6.delete(editor)                           # the power goes: nothing saved, journal kept
    window.case_view.sessions_panel.record_editor = None
    window.close()

    window = _window(qtbot, services, settings)
    notice, count = window.unsaved_label, window.count_label
    qtbot.waitUntil(lambda: notice.isVisible() and notice.width() > 0, timeout=2000)
    assert notice.text().startswith("有1份调解记录在上次关闭前未保存")
    assert count.isVisible() and count.text() == "共 1 件案件"
    assert not _covers(notice, count)
    # A passing status message hides at most the notice, never the count.
    window.statusBar().showMessage("正在导入……")
    assert count.isVisible() and count.text() == "共 1 件案件"
    window.statusBar().clearMessage()
    # Restoring and saving the record removes the notice.
    editor = _open_record(qtbot, window, case.id)
    assert editor.banner.isVisible()
    click(qtbot, editor.save_button)
    assert not window.unsaved_label.isVisibleTo(window)


def test_the_count_follows_the_first_case_saved(qtbot, gui) -> None:
    services, settings = gui
    window = _window(qtbot, services, settings)
    assert window.count_label.text() == "共 0 件案件"
    dialog = window.new_case()
    qtbot.waitExposed(dialog)
    u = dialog.ui
    assert u.recorder.text() == "测试员"               # 记录人: the user of this PC
    choose(u.source, "party_application")
    choose(u.disputeType, "邻里纠纷")
    type_text(qtbot, u.summary, "李四在通道堆放建材，张三出入不便。")
    type_text(qtbot, u.requests, "清除通道堆放物")
    party = dialog.add_party("person")
    type_text(qtbot, party.name, "张三")
    type_text(qtbot, party.address, "龙门街道幸福村3组")
    click_ok(qtbot, party.buttons)
    party = dialog.add_party("person")
    choose(party.role, "respondent")
    type_text(qtbot, party.name, "李四")
    type_text(qtbot, party.address, "龙门街道幸福村3组")
    click_ok(qtbot, party.buttons)
    with qtbot.waitSignal(dialog.saved) as saved:
        click_ok(qtbot, u.buttonBox)
    assert window.count_label.text() == "共 1 件案件"
    assert services.cases.get(saved.args[0]).recorder == "测试员"


def test_a_new_case_proposes_the_user_as_its_mediator(qtbot, gui) -> None:
    from mediator_desktop.ui.intake.intake_dialog import IntakeDialog

    services, _settings = gui
    opts.apply_current_user(services, "王芳")
    dialog = IntakeDialog(services)
    qtbot.addWidget(dialog)
    mediators = dialog.ui.mediatorList
    ticked = [mediators.item(i).text() for i in range(mediators.count())
              if mediators.item(i).checkState() == Qt.CheckState.Checked]
    assert ticked == ["王芳"] and dialog.ui.recorder.text() == "王芳"
    opts.apply_current_user(services, "书记员小李")                 # not a mediator: nobody ticked
    other = IntakeDialog(services)
    qtbot.addWidget(other)
    assert all(other.ui.mediatorList.item(i).checkState() == Qt.CheckState.Unchecked
               for i in range(other.ui.mediatorList.count()))


def test_closing_settings_with_a_user_chosen_but_not_taken_asks_first(qtbot, gui) -> None:
    """A name picked in 设置 without pressing 更换使用者: 关闭 asks; 返回设置 keeps the dialog with
    the choice, 更换 takes it, and 不更换 leaves the user as they were."""
    from gui_helpers import when_modal
    from PySide6.QtWidgets import QMessageBox

    from mediator_desktop.ui.settings.settings_dialog import SettingsDialog

    services, settings = gui
    opts.set_current_user(services, settings, "杨志强")

    def open_and_pick(name: str):  # type: ignore[no-untyped-def]
        dialog = SettingsDialog(services, settings)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.user.setCurrentIndex(dialog.user.findText(name))
        return dialog, dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close)

    def answer(label: str):  # type: ignore[no-untyped-def]
        def press(box: QMessageBox) -> None:
            assert "还没有按“更换使用者”" in box.text()
            assert box.defaultButton().text() == "返回设置"          # Enter keeps the dialog
            next(b for b in box.buttons() if b.text() == label).click()
        return press

    dialog, close = open_and_pick("王芳")
    when_modal(QMessageBox, answer("返回设置"))
    click(qtbot, close)
    assert dialog.isVisible() and dialog.user.currentText() == "王芳" and services.ctx.actor.name == "杨志强"
    when_modal(QMessageBox, answer("更换"))
    click(qtbot, close)
    assert not dialog.isVisible() and services.ctx.actor.name == "王芳" and settings.get(opts.CURRENT_USER) == "王芳"

    dialog, close = open_and_pick("杨志强")
    when_modal(QMessageBox, answer("不更换"))
    click(qtbot, close)
    assert not dialog.isVisible() and services.ctx.actor.name == "王芳"
