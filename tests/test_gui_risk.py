"""The 风险与移交 tab as a mediator uses it (offscreen, real SQLite and PostgreSQL): raising the
level to red is refused without a plan (the field named, what was typed kept) and saved with it;
a 移交 records the referral, writes the case's exchange file and opens the 移送函."""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import sample_draft
from gui_helpers import choose, click, click_ok, type_text
from PySide6.QtWidgets import QLabel

from mediator_desktop import settings as opts
from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.ui.app import init_application
from mediator_desktop.ui.case.risk_panel import ReferralDialog, RiskChangeDialog, RiskPanel

pytestmark = pytest.mark.gui


@pytest.fixture
def gui(qapp, org_services, clock):  # type: ignore[no-untyped-def]
    init_application(qapp, opts.Settings())
    return org_services


def _panel(qtbot, services, case_id: int) -> RiskPanel:  # type: ignore[no-untyped-def]
    panel = RiskPanel(services)
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    panel.show_case(case_id)
    panel.show()
    return panel


def test_adjusting_to_red_needs_the_plan_and_keeps_what_was_typed(qtbot, gui) -> None:
    s = gui
    d = s.cases.register(sample_draft(mediators=[MediatorAssignment(s.mediator_ids[0])]))
    panel = _panel(qtbot, s, d.id)
    assert "风险等级：无" in panel.level_label.text() and "首问负责人：杨志强" in panel.first_receiver.text()

    click(qtbot, panel.adjust_button)
    dialog = panel.dialog
    assert isinstance(dialog, RiskChangeDialog) and dialog.isVisible()
    assert not dialog.plan_box.isVisible()
    choose(dialog.level, "red")
    assert dialog.plan_box.isVisible() and "当天报告" in dialog.response.text()
    # Nothing said about who was told: refused beside that field.
    click_ok(qtbot, dialog.buttons)
    assert dialog.isVisible() and "向谁报告" in dialog.errors.message("reported_to")
    type_text(qtbot, dialog.reported_to, "龙门派出所李警官")
    type_text(qtbot, dialog.note, "双方持械对峙")
    type_text(qtbot, dialog.plan.measures, "每日上门稳控")
    click_ok(qtbot, dialog.buttons)
    # The plan lacks its lead: refused naming the field; the typed values stay.
    assert dialog.isVisible() and "包案领导" in dialog.plan.errors.message("plan.lead")
    assert "职务" in dialog.plan.errors.message("plan.lead_title")
    assert dialog.reported_to.text() == "龙门派出所李警官" and dialog.plan.measures.toPlainText() == "每日上门稳控"
    assert dialog.level.currentData() == "red" and s.risk.view(d.id).level == "none"
    type_text(qtbot, dialog.plan.lead, "赵建国")
    type_text(qtbot, dialog.plan.lead_title, "街道党工委副书记")
    dialog.plan.due_on.setDate(dialog.plan.due_on.date().addDays(12))
    with qtbot.waitSignal(panel.changed):
        click_ok(qtbot, dialog.buttons)
    assert not dialog.isVisible()
    view = s.risk.view(d.id)
    assert view.level == "red" and view.plan is not None and view.plan.lead == "赵建国"
    assert view.history[-1].reported_to == "龙门派出所李警官" and view.history[-1].note == "双方持械对峙"
    assert "风险等级：红" in panel.level_label.text() and "赵建国（街道党工委副书记）" in panel.plan.text()
    assert panel.history_model.rowCount() == 1
    assert "时限：一案一策的完成期限——2026年12月4日" in panel.clocks.text()


def test_a_transfer_writes_the_exchange_file_and_opens_the_letter(qtbot, gui, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from mediator_desktop.ui.documents.document_dialog import DocumentDialog

    s = gui
    d = s.cases.register(sample_draft(mediators=[MediatorAssignment(s.mediator_ids[0])]))
    s.risk.set_handling(d.id, "village", date(2026, 11, 21))
    panel = _panel(qtbot, s, d.id)
    assert "处理层级：村（社区）" in panel.handling.text()
    assert "上报乡镇（街道）" in panel.clocks.text() and not panel.letter_button.isEnabled()

    click(qtbot, panel.report_button)
    dialog = panel.dialog
    assert isinstance(dialog, ReferralDialog) and dialog.handling.currentData() == "township"
    click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Cancel))

    click(qtbot, panel.transfer_button)
    dialog = panel.dialog
    assert isinstance(dialog, ReferralDialog) and dialog.from_unit.text() == "龙门街道人民调解委员会"
    labels = [w.text() for w in dialog.findChildren(QLabel)]
    assert "联系人及电话(&C)：" in labels and "联系人(&C)：" not in labels   # as its message asks
    target = tmp_path / "交换.json"
    dialog.export_path.setText(str(target))
    click_ok(qtbot, dialog.buttons)
    assert dialog.isVisible() and "接收单位" in dialog.errors.message("to_unit")
    type_text(qtbot, dialog.to_unit, "龙门街道矛盾纠纷调处化解中心")
    type_text(qtbot, dialog.reason, "涉及多户村民，村调委会无法化解")
    type_text(qtbot, dialog.actions_taken, "已组织调解两次")
    with qtbot.waitSignal(panel.changed):
        click_ok(qtbot, dialog.buttons)
    qtbot.waitUntil(lambda: isinstance(panel.document_dialog, DocumentDialog), timeout=15_000)
    letter = panel.document_dialog
    assert letter.current_kind() == "referral-letter"
    qtbot.waitUntil(lambda: letter.rendered is not None, timeout=15_000)
    assert "龙门街道矛盾纠纷调处化解中心" in "".join(
        b.text for b in letter.rendered.document.blocks if hasattr(b, "text"))
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert [c["code"] for c in exported["cases"]] == [d.code]
    assert panel.referral_model.rowCount() == 1 and panel.letter_button.isEnabled()
    letter.close()
    # The answer, later.
    click(qtbot, panel.answer_button)
    answer = panel.dialog
    type_text(qtbot, answer.answer, "已受理，由张主任负责")
    with qtbot.waitSignal(panel.changed):
        click_ok(qtbot, answer.buttons)
    assert s.referrals.of_case(d.id)[0].answer == "已受理，由张主任负责"
    assert s.cases.get(d.id).first_receiver == "杨志强"


def test_intake_of_a_red_case_asks_for_who_was_told_and_the_plan(qtbot, gui) -> None:
    from test_gui import fill_person

    from mediator_desktop.ui.case.risk_panel import PlanDialog
    from mediator_desktop.ui.intake.intake_dialog import IntakeDialog

    s = gui
    dialog = IntakeDialog(s)
    qtbot.addWidget(dialog)
    dialog.show()
    u = dialog.ui
    u.disputeType.setCurrentIndex(u.disputeType.findData("邻里纠纷"))
    type_text(qtbot, u.summary, "两家因宅基地界址发生冲突，一方扬言动刀")
    for name in ("张三", "李四"):
        party = dialog.add_party("person")
        fill_person(qtbot, party, name=name)
        click_ok(qtbot, party.buttons)
    assert not dialog.plan_button.isVisible()
    choose(u.riskLevel, "red")
    assert dialog.plan_button.isVisible()
    click_ok(qtbot, u.buttonBox)
    assert dialog.isVisible() and "向谁报告" in u.riskLevelError.text() and "一案一策" in u.riskLevelError.text()
    type_text(qtbot, u.riskReportedTo, "龙门派出所")
    click(qtbot, dialog.plan_button)
    plan = dialog.plan_dialog
    assert isinstance(plan, PlanDialog)
    type_text(qtbot, plan.form.measures, "每日上门稳控")
    type_text(qtbot, plan.form.lead, "赵建国")
    type_text(qtbot, plan.form.lead_title, "街道党工委副书记")
    plan.form.due_on.setDate(plan.form.due_on.date().addDays(7))
    click_ok(qtbot, plan.buttons)
    assert dialog.plan_button.text() == "一案一策（已填）…"
    with qtbot.waitSignal(dialog.saved) as saved:
        click_ok(qtbot, u.buttonBox)
    view = s.risk.view(saved.args[0])
    assert view.level == "red" and view.plan is not None and view.plan.lead == "赵建国"
    assert view.history[0].reported_to == "龙门派出所" and view.first_receiver == "测试员"


def test_the_response_times_are_settings_the_today_list_counts_with(qtbot, gui, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from mediator_desktop.ui.settings.risk_settings import RiskSettingsPage

    s = gui
    settings = opts.Settings(tmp_path / "settings.json")
    page = RiskSettingsPage(s, settings)
    qtbot.addWidget(page)
    page.show()
    d = s.cases.register(sample_draft(risk_level="yellow", risk_reported_to="村委会"))
    due = {r.kind: r.due for r in s.reminders.today_list() if r.code == d.code}
    assert due["risk_response"] == date(2026, 11, 25)          # 3 working days from Sunday 11-22
    page.petition.setText("3,5,7")
    click(qtbot, page.save_button)
    assert "四个" in page.errors.message(opts.PETITION_DAYS.key) and page.petition.text() == "3,5,7"
    page.petition.setText("3,5,7,30")
    page.numbers[opts.RISK_YELLOW_DAYS.key].setValue(5)
    click(qtbot, page.save_button)
    assert page.message.text().startswith("已保存") and opts.Settings(tmp_path / "settings.json").get(
        opts.RISK_YELLOW_DAYS) == 5
    due = {r.kind: r.due for r in s.reminders.today_list() if r.code == d.code}
    assert due["risk_response"] == date(2026, 11, 27)          # 5 working days
