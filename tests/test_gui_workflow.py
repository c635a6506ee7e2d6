"""A case run from intake to the archive inside the main window, as a mediator does it
(issue 3's "done means"): intake, two sessions with a signed record, the rights notice, a
written agreement, 调解成功 and 归档; another case to termination; the guards refusing an
illegal step with a clear message."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from conftest import sample_draft
from gui_helpers import answer_yes, choose, click_ok, type_text
from PIL import Image
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import QMessageBox
from test_gui import fill_person, gui  # noqa: F401  (gui is a fixture)

from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.ui.app import create_main_window

pytestmark = pytest.mark.gui


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def schedule(qtbot, panel, button, day: int, start: int, *, interviewee: str = "") -> None:  # type: ignore[no-untyped-def]
    click(qtbot, button)
    dialog = panel.session_dialog
    qtbot.waitExposed(dialog)
    dialog.date.setDate(QDate(2026, 11, day))
    dialog.start.setTime(QTime(start, 0))
    dialog.end.setTime(QTime(start + 1, 30))
    if interviewee:
        type_text(qtbot, dialog.interviewee, interviewee)
    with qtbot.waitSignal(dialog.saved):
        click_ok(qtbot, dialog.buttons)


def write_and_sign(qtbot, panel, row: int, text: str) -> None:  # type: ignore[no-untyped-def]
    panel.sessions.selectRow(row)
    click(qtbot, panel.record_button)
    editor = panel.record_editor
    qtbot.waitExposed(editor)
    type_text(qtbot, editor.body, text)
    click(qtbot, editor.save_button)
    click(qtbot, editor.sign_button)
    qtbot.mouseClick(editor.sign_box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert editor.signed_label.text().startswith("✔ 已于")
    click(qtbot, editor.close_button)


def test_a_case_from_intake_through_two_sessions_to_agreement_and_archive(qtbot, gui, clock, tmp_path) -> None:  # noqa: F811
    services, settings = gui
    window = create_main_window(services, settings)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()

    # Intake (受理登记) through the dialog.
    dialog = window.new_case()
    qtbot.waitExposed(dialog)
    u = dialog.ui
    u.source.setCurrentIndex(u.source.findData("party_application"))
    u.disputeType.setCurrentIndex(u.disputeType.findData("邻里纠纷"))
    type_text(qtbot, u.summary, "李四在两家之间的通道堆放建材，张三出入不便。")
    type_text(qtbot, u.requests, "清除通道堆放物并赔偿损失")
    u.mediatorList.item(0).setCheckState(Qt.CheckState.Checked)
    for name, phone in (("张三", "13800001234"), ("李四", "13900005678")):
        party = dialog.add_party("person")
        fill_person(qtbot, party, name=name, id_number="", phone=phone)
        click_ok(qtbot, party.buttons)
    with qtbot.waitSignal(dialog.saved) as saved:
        click_ok(qtbot, u.buttonBox)
    case_id = saved.args[0]
    view = window.case_view
    assert view.fields["status"].text() == "登记"

    # A guard: 调解成功 is not even offered before mediation; after it, refused with the reasons.
    assert "agreed" not in view.action_buttons
    click(qtbot, view.action_buttons["accepted"])
    answer_yes(qtbot, view.transition_box)
    click(qtbot, view.action_buttons["in_mediation"])
    assert view.fields["status"].text() == "调解中"
    assert "调解期限：2026年12月22日，还剩22个工作日" in view.deadline.text()
    click(qtbot, view.action_buttons["agreed"])
    answer_yes(qtbot, view.transition_box)
    assert "请先在“协议与履行”中填写调解协议" in view.message.text()
    assert view.fields["status"].text() == "调解中"

    # Two sessions: an investigation of a neighbour and a mediation with both parties.
    view.tabs.setCurrentWidget(view.sessions_panel)
    panel = view.sessions_panel
    clock.value = clock.value.replace(day=26, hour=17)
    schedule(qtbot, panel, panel.investigate_button, 23, 9, interviewee="邻居王五")
    schedule(qtbot, panel, panel.mediate_button, 25, 14)
    assert panel.sessions.rowCount() == 2
    write_and_sign(qtbot, panel, 0, "问：通道里的建材是谁的？\n答：李四的，堆了三个月。")
    write_and_sign(qtbot, panel, 1, "调解员告知双方权利义务。\n张三称：通道被堵三个月。\n李四称：愿意清除。")
    for row in range(2):
        panel.notices.selectRow(row)
        click(qtbot, panel.notice_button)
        notice = panel.notice_dialog
        qtbot.waitExposed(notice)
        notice.on.setDate(QDate(2026, 11, 25))
        click_ok(qtbot, notice.buttons)
    assert [panel.notices.item(r, 2).text() for r in range(2)] == ["书面告知", "书面告知"]

    # The written agreement with one clear money term.
    view.tabs.setCurrentWidget(view.agreement_panel)
    agreement = view.agreement_panel
    click(qtbot, agreement.edit_button)
    editor = agreement.editor
    qtbot.waitExposed(editor)
    term = editor.cards[0]
    choose(term.obligor, 1)
    choose(term.obligee, 0)
    type_text(qtbot, term.subject, "补偿款")
    qtbot.keyClicks(term.amount, "12000")
    qtbot.keyClicks(term.due_on, "2026-12-31")
    type_text(qtbot, term.method, "银行转账")
    qtbot.keyClicks(editor.signed_on, "2026-11-25")
    assert term.flag.text().startswith("内容明确")
    with qtbot.waitSignal(editor.saved):
        click_ok(qtbot, editor.buttons)

    # 调解成功 now passes; 归档 is refused until the identity papers are filed.
    click(qtbot, view.action_buttons["agreed"])
    answer_yes(qtbot, view.transition_box)
    assert view.fields["status"].text() == "调解成功", view.message.text()
    click(qtbot, view.action_buttons["closed"])
    assert "卷宗缺少必备材料" in view.message.text() and "当事人身份证明材料" in view.message.text()
    view.tabs.setCurrentWidget(view.checklist_panel)
    missing = [view.checklist_panel.model.index(r, 0).data() for r in range(13)]
    assert len(missing) == 13
    scan = tmp_path / "身份证-张三.png"
    Image.new("RGB", (600, 380), "white").save(scan)
    view.tabs.setCurrentWidget(view.evidence_panel)
    view.evidence_panel.add_paths([str(scan)], item=3)
    assert services.evidence.attachments(case_id)[0].name == "身份证-张三.png"

    # The case file binds the signed records and the scan; the export carries the outcome.
    detail = services.cases.get(case_id)
    from mediator_desktop.documents.style import style_from_settings

    pdf = services.documents.render(detail.code, "case-file", "pdf", style_from_settings(settings))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "通道里的建材是谁的" in text and "李四称：愿意清除" in text and "身份证-张三.png" in text
    exported = services.exchange.export_document([detail.code])["cases"][0]
    assert [s["kind"] for s in exported["sessions"]] == ["investigation", "mediation"]
    assert exported["agreement"]["terms"][0]["amount"] == "12000.00"

    view.tabs.setCurrentWidget(view.history)
    texts = [view.history.item(r, 2).text() for r in range(view.history.rowCount())]
    assert any(t.startswith("调解（调解室），到场：张三、李四；记录已宣读签字") for t in texts)
    assert "书面调解协议生效（" + detail.code + "）" in texts

    click(qtbot, view.action_buttons["closed"])
    assert view.fields["status"].text() == "已归档", view.message.text()


def test_a_case_to_termination_and_guards_that_refuse(qtbot, gui, clock) -> None:  # noqa: F811
    services, settings = gui
    mediator = services.mediators.list()[0].id
    detail = services.cases.register(sample_draft(mediators=[MediatorAssignment(mediator)]))
    window = create_main_window(services, settings)
    qtbot.addWidget(window)
    window.show()
    window.select_case(detail.id)
    view = window.case_view
    click(qtbot, view.action_buttons["accepted"])
    answer_yes(qtbot, view.transition_box)
    # Extension of the time limit needs the parties' consent and a later date.
    click(qtbot, view.extend_button)
    extension = view.extension_dialog
    extension.new_due.setDate(QDate(2026, 12, 10))
    extension.accept()
    assert "双方当事人同意" in extension.error.text()
    extension.agreed.setChecked(True)
    type_text(qtbot, extension.consent, "双方在调解记录上签字同意")
    extension.new_due.setDate(QDate(2027, 1, 8))
    extension.accept()
    assert view.fields["time_limit"].text().startswith("2027年1月8日")
    # 归档 is not offered in 受理; an illegal transition by the service is refused in words.
    assert "closed" not in view.action_buttons
    from mediator_desktop.services.errors import TransitionError

    with pytest.raises(TransitionError, match="不能直接变为“已归档”"):
        services.cases.transition(detail.id, services.cases.get(detail.id).version, "closed")
    click(qtbot, view.action_buttons["in_mediation"])
    view.tabs.setCurrentWidget(view.sessions_panel)
    clock.value = clock.value.replace(day=25)
    schedule(qtbot, view.sessions_panel, view.sessions_panel.mediate_button, 23, 9)
    # Termination: reason kind, reason and "other routes explained" (Law 26).
    click(qtbot, view.action_buttons["terminated"])
    reason = view.reason_dialog
    choose(reason.reason_kind, "refused")
    type_text(qtbot, reason.reason, "李四明确表示不再接受调解")
    reason.accept()
    assert "仲裁" in reason.error.text()
    reason.routes.setChecked(True)
    reason.accept()
    assert view.fields["status"].text() == "终止调解"
    assert view.fields["outcome"].text().startswith("终止调解（2026年11月25日）：当事人拒绝继续调解")
    exported = services.exchange.export_document([detail.code])["cases"][0]
    assert exported["termination"] == {"on": "2026-11-25", "reason": "李四明确表示不再接受调解",
                                       "routes_explained": True, "reason_kind": "refused"}  # version 2 carries the kind
    assert "record" not in json.dumps(exported["sessions"])     # nothing was signed
    assert services.cases.get(detail.id).termination.on == date(2026, 11, 25)


def test_a_refused_state_change_keeps_the_typed_reason(qtbot, gui, sqlite_url, clock) -> None:  # noqa: F811
    from conftest import make_services

    services, settings = gui
    mediator = services.mediators.list()[0].id
    detail = services.cases.register(sample_draft(mediators=[MediatorAssignment(mediator)]))
    detail = services.cases.transition(detail.id, detail.version, "accepted")
    window = create_main_window(services, settings)
    qtbot.addWidget(window)
    window.show()
    window.select_case(detail.id)
    view = window.case_view
    click(qtbot, view.action_buttons["terminated"])
    reason = view.reason_dialog
    choose(reason.reason_kind, "withdrawn")
    type_text(qtbot, reason.reason, "申请人撤回申请")
    reason.routes.setChecked(True)
    other = make_services(sqlite_url, clock, actor_name="另一人")   # another PC edits the case meanwhile
    try:
        current = other.cases.get(detail.id)
        draft = current.to_draft()
        draft.title = "另一台电脑改的名称"
        other.cases.update(current.id, current.version, draft)
    finally:
        other.close()
    reason.accept()
    assert reason.isVisible() and "其他电脑" in reason.error.text()
    assert reason.reason.toPlainText() == "申请人撤回申请"      # nothing typed is lost
    reason.accept()                                              # the case was reloaded: now it goes
    assert view.fields["status"].text() == "终止调解"
