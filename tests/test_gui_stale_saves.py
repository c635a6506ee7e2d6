"""Issue 17 through the real dialogs: another PC saves the same visit, performance or rights
notice while this PC's dialog is open; pressing 保存 shows the conflict message cases and records
show, the dialog stays open and everything typed is still there (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import make_services
from gui_helpers import choose, click, click_ok, start_gui, type_text
from PySide6.QtCore import QDate
from test_followups import _agreed
from test_sessions import accepted_case

from mediator_desktop.services.followups import VisitDraft
from mediator_desktop.services.organization import STALE_MESSAGE
from mediator_desktop.ui.case.agreement_panel import AgreementPanel
from mediator_desktop.ui.case.followup_panel import FollowUpPanel, RescheduleDialog
from mediator_desktop.ui.case.sessions_panel import SessionsPanel
from mediator_desktop.ui.case.visit_dialog import VisitDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def pcs(qapp, services, db_url, clock):  # type: ignore[no-untyped-def]
    """This PC (with the window) and another PC on the same database."""
    start_gui(qapp, services)
    other = make_services(db_url, clock, actor_name="王芳")
    yield services, other
    other.close()


def _performance_visit_selected(qtbot, here):  # type: ignore[no-untyped-def]
    """The follow-up panel of an agreed case, its performance visit selected."""
    d, _ = _agreed(here)
    panel = FollowUpPanel(here)
    qtbot.addWidget(panel)
    panel.resize(1100, 900)
    panel.show_case(d.id)
    panel.show()
    visit = next(v for v in panel.model.rows if v.kind == "performance")
    panel.select_visit(visit.id)
    return panel, visit


def test_a_visit_saved_meanwhile_on_another_pc_keeps_the_form(qtbot, pcs) -> None:  # type: ignore[no-untyped-def]
    here, there = pcs
    panel, visit = _performance_visit_selected(qtbot, here)
    click(qtbot, panel.record_button)
    dialog = panel.visit_dialog
    assert isinstance(dialog, VisitDialog)
    qtbot.waitExposed(dialog)
    click(qtbot, dialog.method_buttons["visit"])
    (combo,) = dialog.term_combos.values()
    choose(combo, "not_performed")
    choose(dialog.satisfaction, "满意")
    type_text(qtbot, dialog.measures, "当面提醒李四按期付款")
    type_text(qtbot, dialog.notes, "李四说月底前一定付清")

    # Meanwhile the other PC records the same visit.
    seen = there.followups.get(visit.id)
    there.followups.record(visit.id, VisitDraft(
        done_on=date(2026, 11, 22), method="phone", satisfaction="基本满意", visitor="王芳",
        term_statuses={t.term_id: "not_due" for t in seen.terms}, notes="电话回访", version=seen.version))

    click_ok(qtbot, dialog.buttons)
    assert dialog.isVisible() and dialog.outcome is None
    assert dialog.message.isVisible() and dialog.message.text() == STALE_MESSAGE
    assert dialog.measures.toPlainText() == "当面提醒李四按期付款"
    assert dialog.notes.toPlainText() == "李四说月底前一定付清"
    assert combo.currentData() == "not_performed" and dialog.satisfaction.currentData() == "满意"
    # The other PC's record stands.
    stored = here.followups.get(visit.id)
    assert stored.notes == "电话回访" and stored.visitor == "王芳"
    dialog.reject()


def test_performance_recorded_meanwhile_on_another_pc_keeps_the_form(qtbot, pcs) -> None:  # type: ignore[no-untyped-def]
    here, there = pcs
    d, _ = _agreed(here)
    panel = AgreementPanel(here)
    qtbot.addWidget(panel)
    panel.show_case(d.id)
    panel.show()
    click(qtbot, panel.term_boxes[0].record_button)
    dialog = panel.performance_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    choose(dialog.status, "partly_performed")
    qtbot.keyClicks(dialog.amount, "5000")
    type_text(qtbot, dialog.note, "现金支付，有收条")

    term = there.agreements.get(d.id).terms[0]
    there.agreements.record_performance(term.id, date(2026, 11, 22), "performed", Decimal("12000"),
                                        "银行转账", version=term.version)

    click_ok(qtbot, dialog.buttons)
    assert dialog.isVisible()
    assert dialog.message.isVisible() and dialog.message.text() == STALE_MESSAGE
    assert dialog.amount.text() == "5000" and dialog.note.toPlainText() == "现金支付，有收条"
    assert dialog.status.currentData() == "partly_performed"
    rows = here.agreements.performance(term.id)
    assert [(r.status, r.note) for r in rows] == [("performed", "银行转账")]
    dialog.reject()


def test_a_notice_recorded_meanwhile_on_another_pc_keeps_the_form(qtbot, pcs) -> None:  # type: ignore[no-untyped-def]
    here, there = pcs
    case = accepted_case(here)
    panel = SessionsPanel(here, ["调解室"], autosave_seconds=1)
    qtbot.addWidget(panel)
    panel.resize(1000, 900)
    panel.show()
    panel.show_case(case.id)
    panel.notices.selectRow(1)
    click(qtbot, panel.notice_button)
    dialog = panel.notice_dialog
    qtbot.waitExposed(dialog)
    dialog.oral.setChecked(True)
    dialog.by.clear()
    type_text(qtbot, dialog.by, "杨志强")

    li = there.sessions.notices(case.id)[1]
    there.sessions.record_notice(li.party_id, date(2026, 11, 21), "written", "王芳", version=li.version)

    click_ok(qtbot, dialog.buttons)
    assert dialog.isVisible()
    assert dialog.message.isVisible() and dialog.message.text() == STALE_MESSAGE
    assert dialog.oral.isChecked() and dialog.by.text() == "杨志强"
    kept = here.sessions.notices(case.id)[1]
    assert (kept.on, kept.method, kept.by) == (date(2026, 11, 21), "written", "王芳")
    dialog.reject()


def test_a_visit_moved_meanwhile_on_another_pc_keeps_the_reschedule_form(qtbot, pcs) -> None:  # type: ignore[no-untyped-def]
    here, there = pcs
    panel, visit = _performance_visit_selected(qtbot, here)
    click(qtbot, panel.reschedule_button)
    dialog = panel.small_dialog
    assert isinstance(dialog, RescheduleDialog)
    qtbot.waitExposed(dialog)
    dialog.new_due.setDate(QDate(2026, 12, 15))
    type_text(qtbot, dialog.reason, "当事人外出务工")

    seen = there.followups.get(visit.id)
    there.followups.reschedule(visit.id, date(2026, 12, 3), "电话约定", version=seen.version)

    click_ok(qtbot, dialog.buttons)
    assert dialog.isVisible()
    assert dialog.message.isVisible() and dialog.message.text() == STALE_MESSAGE
    assert dialog.new_due.date() == QDate(2026, 12, 15) and dialog.reason.text() == "当事人外出务工"
    assert here.followups.get(visit.id).due.due == date(2026, 12, 3)
    dialog.reject()


def test_a_case_edited_meanwhile_on_another_pc_says_who_changed_what_and_keeps_the_form(qtbot, pcs) -> None:  # type: ignore[no-untyped-def]
    """Issue 16: the second save names who saved the case, when, and which parts changed."""
    from conftest import sample_draft

    from mediator_desktop.ui.intake.intake_dialog import IntakeDialog

    here, other = pcs
    d = here.cases.register(sample_draft())
    form = IntakeDialog(here, case_id=d.id)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.ui.summary.setPlainText("这台电脑上改的纠纷简要情况：两家因院墙倒塌发生争执。")
    theirs = other.cases.get(d.id).to_draft()
    theirs.summary, theirs.risk_level, theirs.risk_reported_to = "王芳在另一台电脑上改的。", "yellow", "村委会"
    theirs.risk_reported_on = date(2026, 11, 22)
    other.cases.update(d.id, d.version, theirs)
    click_ok(qtbot, form.ui.buttonBox)
    message = form.ui.generalMessage.text()
    assert form.isVisible() and message.startswith("保存不了：这个案件刚被其他电脑修改过（王芳，")
    assert "改动了：纠纷简要情况、风险等级、风险报告对象、风险报告日期" in message
    assert form.ui.summary.toPlainText() == "这台电脑上改的纠纷简要情况：两家因院墙倒塌发生争执。"
    assert here.cases.get(d.id).summary == "王芳在另一台电脑上改的。"
