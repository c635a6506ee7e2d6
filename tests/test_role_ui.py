"""What each role sees and may press in the real main window (issue 16): signed in as 管理员,
调解员 (their own case and a colleague's), 记录员 and 只读, the window's actions and the case
view's actions and tab buttons are enabled exactly where the services' guard would let the
write through; what is greyed says why, what is enabled works when pressed."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import sample_draft
from gui_helpers import click, start_gui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from test_sessions import draft as session_draft

from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.services.errors import PermissionDenied
from mediator_desktop.services.screening import ItemDraft, RoundDraft

pytestmark = pytest.mark.gui
PW = "role-ui-2026"
#: Every action of the case view but 文书 writes; with nothing allowed they are all greyed.
WRITING_ACTIONS = ("edit", "agreed", "terminated", "investigate", "mediate", "agreement")


@pytest.fixture
def room(qapp, sqlite_services):  # type: ignore[no-untyped-def]
    """Case A in mediation with 杨志强, case B in mediation with 王芳, case C just registered,
    and one user per role (杨志强 the mediator is linked by his name)."""
    s = sqlite_services
    s.settings = start_gui(qapp, s)
    cases = []
    for mediator, summary in ((s.mediator_ids[0], "甲案：排水沟纠纷。"), (s.mediator_ids[1], "乙案：借款纠纷。")):
        c = s.cases.register(sample_draft(mediators=[MediatorAssignment(mediator)], summary=summary))
        c = s.cases.transition(c.id, c.version, "accepted")
        cases.append(s.cases.transition(c.id, c.version, "in_mediation"))
    s.a, s.b = cases
    s.c = s.cases.register(sample_draft(summary="丙案：刚登记的相邻纠纷。"))
    s.screening.save(None, screening_round())
    s.accounts.add_user("admin", "张主任", "admin", PW)
    s.accounts.sign_in("admin", PW)
    for login, name, role in (("yang", "杨志强", "mediator"), ("li", "李记录", "clerk"), ("zhou", "周科员", "viewer")):
        s.accounts.add_user(login, name, role, PW)
    return s


def screening_round() -> RoundDraft:
    return RoundDraft(held_on=date(2026, 11, 20), area="三组", screeners="张主任",
                      items=[ItemDraft(parties="张某、李某", summary="排水沟堵塞")])


def window_as(qtbot, s, login: str, case_id: int):  # type: ignore[no-untyped-def]
    """The main window as ``login`` sees it after signing in, with the case ``case_id`` shown."""
    from mediator_desktop.ui.app import create_main_window

    s.accounts.sign_in(login, PW)
    window = create_main_window(s, s.settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    # The start's own work (reminders, the day's backup) ends before the test goes on.
    qtbot.waitUntil(lambda: getattr(window, "daily_backup_task", None) is not None, timeout=10_000)
    qtbot.waitUntil(lambda: window.daily_backup_task.outcome is not None, timeout=60_000)
    window.select_case(case_id)
    return window


def enabled(window) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    """Whether each case action is enabled, as the 案件 menu shows it when opened."""
    view = window.case_view
    view.load_actions()
    return {key: action.isEnabled() for key, action in view.case_actions.items()}


def refused(call) -> str:  # type: ignore[no-untyped-def]
    """The guard refuses the write ``call`` makes; its sentence."""
    with pytest.raises(PermissionDenied) as info:
        call()
    return str(info.value)


def test_the_administrator_has_every_action(qtbot, room) -> None:  # type: ignore[no-untyped-def]
    window = window_as(qtbot, room, "admin", room.a.id)
    for action in (window.new_action, window.import_action, window.export_action, window.backup_action,
                   window.restore_action, window.ledger_actions.import_action, window.ledger_actions.export_action):
        assert action.isEnabled(), action.text()
    acts = enabled(window)
    assert all(acts[key] for key in (*WRITING_ACTIONS, "documents", "extend")), acts
    assert not window.case_view.role_note.isVisible()
    window.case_view.case_actions["mediate"].trigger()          # pressed: the scheduling dialog opens
    dialog = window.case_view.sessions_panel.session_dialog
    assert dialog.isVisible()
    dialog.reject()


def test_a_mediator_handles_their_own_case_and_only_reads_a_colleagues(qtbot, room) -> None:  # type: ignore[no-untyped-def]
    window = window_as(qtbot, room, "yang", room.a.id)
    view = window.case_view
    assert window.new_action.isEnabled() and window.import_action.isEnabled() and window.export_action.isEnabled()
    assert not window.backup_action.isEnabled() and not window.restore_action.isEnabled()
    assert window.backup_action.toolTip() == "您的角色（调解员）不能备份数据"
    assert "备份数据" in refused(lambda: room.backups.create(room.backups.folder / "手动.mdbackup"))
    assert "恢复数据" in refused(lambda: room.backups.restore(room.backups.folder / "手动.mdbackup"))
    acts = enabled(window)
    assert all(acts[key] for key in WRITING_ACTIONS) and not view.role_note.isVisible()
    click(qtbot, view.edit_button)                                 # his own case: the form opens
    assert window.intake_dialog.isVisible()
    window.intake_dialog.reject()

    window.select_case(room.b.id)                                  # 王芳's case
    acts = enabled(window)
    assert not any(acts[key] for key in (*WRITING_ACTIONS, "record", "notice", "performance", "visit"))
    assert acts["documents"] and view.documents_button.isEnabled()
    assert view.role_note.isVisible() and view.role_note.text() == "您的角色只能查看本案（分配给您的案件才能办理）"
    assert not view.edit_button.isEnabled()
    assert view.edit_button.toolTip() == "您的角色（调解员）不能修改这个案件（只能办理分配给您的案件）"
    assert not any(b.isEnabled() for b in view.action_buttons.values())   # 调解成功, 终止调解
    view.tabs.setCurrentWidget(view.sessions_panel)
    panel = view.sessions_panel
    assert not panel.investigate_button.isEnabled() and not panel.mediate_button.isEnabled()
    assert not panel.private_button.isEnabled() and not panel.caucus_button.isEnabled()
    view.tabs.setCurrentWidget(view.evidence_panel)
    assert not view.evidence_panel.add_button.isEnabled()
    view.tabs.setCurrentWidget(view.risk_panel)
    assert not view.risk_panel.adjust_button.isEnabled()
    # What is greyed is what the guard refuses.
    b = room.cases.get(room.b.id)
    assert "只能办理分配给自己的案件" in refused(lambda: room.cases.update(b.id, b.version, b.to_draft()))
    refused(lambda: room.sessions.schedule(b.id, session_draft("2026-11-26T09:00")))
    refused(lambda: room.cases.transition(b.id, b.version, "terminated", reason="试试", routes_explained=True,
                                             reason_kind="refused"))
    # Ctrl+M on the greyed 修改案件信息 opens nothing; 文书 opens.
    window.intake_dialog = None
    view.case_actions["edit"].trigger()
    assert window.intake_dialog is None
    click(qtbot, view.documents_button)
    assert window.document_dialog.isVisible()
    window.document_dialog.reject()

    screening = window.open_screening()                            # the committee's work: any writer's
    assert screening.new_button.isEnabled() and screening.delete_button.isEnabled()
    screening.close()

    window.select_case(room.a.id)                                  # back on his own: all again
    assert enabled(window)["edit"] and view.edit_button.isEnabled() and not view.role_note.isVisible()
    assert view.edit_button.toolTip() == ""


def test_a_clerk_keeps_records_of_any_case_but_does_not_change_it(qtbot, room) -> None:  # type: ignore[no-untyped-def]
    window = window_as(qtbot, room, "li", room.b.id)
    view = window.case_view
    assert window.new_action.isEnabled()
    for action in (window.import_action, window.export_action, window.ledger_actions.export_action,
                   window.ledger_actions.import_action, window.backup_action):
        assert not action.isEnabled(), action.text()
    assert window.import_action.toolTip() == "您的角色（记录员）不能导入案件"
    acts = enabled(window)
    assert acts["investigate"] and acts["mediate"] and acts["documents"]
    assert not any(acts[key] for key in ("edit", "agreed", "terminated", "agreement", "extend"))
    assert "可以为本案安排调解、填写记录和告知" in view.role_note.text() and view.role_note.isVisible()
    view.tabs.setCurrentWidget(view.sessions_panel)
    panel = view.sessions_panel
    assert panel.caucus_button.isEnabled() and not panel.private_button.isEnabled()
    assert panel.private_button.toolTip() == "您的角色（记录员）不能写个人笔记"
    view.tabs.setCurrentWidget(view.agreement_panel)
    assert not view.agreement_panel.edit_button.isEnabled()
    view.tabs.setCurrentWidget(view.checklist_panel)
    assert not view.checklist_panel.archive_button.isEnabled()
    # Pressed: 安排调解 opens the scheduling dialog for 王芳's case.
    view.case_actions["mediate"].trigger()
    assert panel.session_dialog.isVisible()
    panel.session_dialog.reject()
    b = room.cases.get(room.b.id)
    assert "修改这个案件" in refused(lambda: room.cases.update(b.id, b.version, b.to_draft()))
    refused(lambda: room.sessions.add_note(b.id, "private", "记录员不写个人笔记"))
    assert room.sessions.schedule(b.id, session_draft("2026-11-26T09:00")).id   # what is enabled is allowed

    window.select_case(room.c.id)          # a case still 登记: the intake may be corrected and 受理
    acts = enabled(window)
    assert acts["edit"] and acts["accepted"] and not view.role_note.isVisible()


def test_a_read_only_user_only_reads_and_prints(qtbot, room) -> None:  # type: ignore[no-untyped-def]
    window = window_as(qtbot, room, "zhou", room.a.id)
    view = window.case_view
    for action in (window.new_action, window.import_action, window.export_action, window.backup_action,
                   window.restore_action, window.ledger_actions.import_action, window.ledger_actions.export_action):
        assert not action.isEnabled(), action.text()
    assert window.new_action.toolTip() == "您的角色（只读）不能登记新案件"
    assert window.open_action.isEnabled() and window.agenda_action.isEnabled() and window.settings_action.isEnabled()
    window.settings_action.trigger()       # 设置: this PC's pages open, the administrator's greyed
    settings = window.settings_dialog
    qtbot.waitExposed(settings)
    pages = {settings.tabs.tabText(i): settings.tabs.isTabEnabled(i) for i in range(settings.tabs.count())}
    assert pages["显示"] and pages["文书"] and pages["用户"]
    assert not any(pages[title] for title in ("调解组织", "调解员", "纠纷类型", "数据库", "审计"))
    assert settings.tabs.isTabEnabled(settings.tabs.currentIndex())
    assert settings.tabs.tabToolTip(0) == "您的角色（只读）不能修改调解组织信息"
    settings.reject()
    acts = enabled(window)
    assert [key for key, on in acts.items() if on] == ["documents"]
    assert view.role_note.text() == "您的角色（只读）只能查看和打印本案"
    assert view.edit_button.toolTip() == "您的角色（只读）不能修改这个案件"
    for panel, buttons in ((view.sessions_panel, ("investigate_button", "mediate_button", "notice_button",
                                                  "caucus_button", "private_button")),
                           (view.agreement_panel, ("edit_button",)),
                           (view.followup_panel, ("add_button", "save_confirmation_button", "court", "filed_on")),
                           (view.evidence_panel, ("add_button",)),
                           (view.checklist_panel, ("archive_button",)),
                           (view.risk_panel, ("adjust_button", "plan_button", "report_button"))):
        view.tabs.setCurrentWidget(panel)
        assert not any(getattr(panel, name).isEnabled() for name in buttons), panel
    assert view.checklist_panel.case_file_button.isEnabled()        # 生成卷宗 PDF: printing
    assert not view.prevention.save_button.isEnabled()
    assert not view.ledger_line.cross_off_button.isEnabled() and not view.ledger_line.cross_off_action.isEnabled()
    assert not any(tick.isEnabled() for tick in view.prevention.ticks.values())
    # Tab through the case view: the focus never rests on anything greyed.
    view.documents_button.setFocus()
    for _ in range(12):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget().isEnabled(), QApplication.focusWidget()
    # The guard refuses each write the greyed actions would make.
    a = room.cases.get(room.a.id)
    refused(lambda: room.cases.update(a.id, a.version, a.to_draft()))
    refused(lambda: room.sessions.schedule(a.id, session_draft("2026-11-26T09:00")))
    refused(lambda: room.cases.transition(a.id, a.version, "terminated", reason="试试", routes_explained=True,
                                             reason_kind="refused"))
    refused(lambda: room.cases.register(sample_draft()))
    # 排查记录: read, not written.
    screening = window.open_screening()
    assert not screening.new_button.isEnabled() and not screening.delete_button.isEnabled()
    assert screening.open_button.isEnabled()
    click(qtbot, screening.open_button)
    record = screening.dialog
    qtbot.waitExposed(record)
    assert not record.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert "您的角色（只读）不能修改排查和联席会议记录" in record.message.text()
    record.reject()
    screening.close()
    assert "只读" in refused(lambda: room.screening.save(None, screening_round()))
    click(qtbot, view.documents_button)                          # 文书 works
    assert window.document_dialog.isVisible()
    window.document_dialog.reject()

