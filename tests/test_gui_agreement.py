"""The agreement editor and the 协议与履行 tab as a mediator uses them (offscreen): typing the
terms, watching the clause appear, saving, and recording performance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import sample_draft
from gui_helpers import choose, click, click_ok, start_gui, type_text
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from mediator_desktop.services.dto import MediatorAssignment
from mediator_desktop.ui.case.agreement_editor import AgreementEditor
from mediator_desktop.ui.case.agreement_panel import AgreementPanel

pytestmark = pytest.mark.gui


@pytest.fixture
def gui(qapp, sqlite_services):  # type: ignore[no-untyped-def]
    start_gui(qapp, sqlite_services)
    return sqlite_services


def _case_in_mediation(s):  # type: ignore[no-untyped-def]
    d = s.cases.register(sample_draft(mediators=[MediatorAssignment(s.mediator_ids[0])]))
    d = s.cases.transition(d.id, d.version, "accepted")
    return s.cases.transition(d.id, d.version, "in_mediation")


def test_write_an_agreement_see_it_and_record_performance(qtbot, gui, tmp_path) -> None:
    services = gui
    case = _case_in_mediation(services)
    panel = AgreementPanel(services)
    qtbot.addWidget(panel)
    panel.show_case(case.id)
    panel.show()
    assert panel.edit_button.text() == "填写协议…" and panel.edit_button.isEnabled()
    assert not panel.perform_button.isEnabled()
    assert "还没有调解协议" in panel.hint.text()

    click(qtbot, panel.edit_button)
    editor = panel.editor
    assert editor is not None
    qtbot.waitExposed(editor)
    assert editor.number.text() == case.code and editor.copies.value() == 3
    assert editor.facts.toPlainText() == case.summary
    assert len(editor.cards) == 1  # one empty term to start with

    # Term 1: money in two instalments.
    money = editor.cards[0]
    choose(money.obligor, 1)
    choose(money.obligee, 0)
    type_text(qtbot, money.subject, "补偿款")
    qtbot.keyClicks(money.amount, "10000")
    assert money.amount_hint.text() == "人民币壹万元整（¥10,000.00）"
    assert "内容不明确" in money.flag.text() and "未写明履行期限" in money.flag.text()
    click(qtbot, money.add_instalment_button)
    click(qtbot, money.add_instalment_button)
    first, second = money.instalment_rows
    qtbot.keyClicks(first.amount, "6000")
    qtbot.keyClicks(first.due_on, "2026-11-30")
    qtbot.keyClicks(second.amount, "3000")
    qtbot.keyClicks(second.due_on, "2026-12-31")
    assert "各期金额之和与总金额不符" in money.flag.text()
    second.amount.clear()
    qtbot.keyClicks(second.amount, "4000")
    type_text(qtbot, money.method, "银行转账")
    clause = money.text.toPlainText()
    assert clause == ("李四分两期以银行转账方式向张三支付补偿款人民币壹万元整（¥10,000.00）：第一期于2026年11月30日前"
                      "支付人民币陆仟元整（¥6,000.00）；第二期于2026年12月31日前支付人民币肆仟元整（¥4,000.00）。")
    assert money.flag.text().startswith("内容明确")
    assert "壹万元整" in money.instalment_sum.text()

    # Editing the clause by hand keeps it; "按上面各项重新生成" brings the generated one back.
    type_text(qtbot, money.text, "另")
    assert money.text_edited and not money.edited_note.isHidden()
    qtbot.keyClicks(money.place, "X")
    assert money.text.toPlainText() != clause.replace("以银行转账方式", "以银行转账方式在X")
    click(qtbot, money.regenerate_button)
    assert not money.text_edited and "在X" in money.text.toPlainText()
    money.place.clear()
    assert money.text.toPlainText() == clause

    # Term 2: a statement; term 3: an unclear obligation.
    click(qtbot, editor.add_statement_button)
    statement = editor.cards[1]
    assert statement.obligor.isHidden() or not statement.obligor.isVisibleTo(statement)
    type_text(qtbot, statement.subject, "双方就本纠纷再无其他争议。")
    assert statement.text.toPlainText() == "双方就本纠纷再无其他争议。"
    assert statement.flag.isHidden()
    click(qtbot, editor.add_term_button)
    unclear = editor.cards[2]
    assert unclear.title_label.text() == "第三条"
    choose(unclear.obligor, 1)
    type_text(qtbot, unclear.subject, "清除通道堆放的建材")
    assert unclear.text.toPlainText() == "李四清除通道堆放的建材。"
    assert "内容不明确" in unclear.flag.text() and "未写明履行期限" in unclear.flag.text()

    # A refused save keeps everything and names the field.
    qtbot.keyClicks(editor.signed_on, "2026-11-21")
    editor.copies.setValue(2)
    click_ok(qtbot, editor.buttons)
    assert editor.isVisible()
    assert "一式3份" in editor.errors.message("copies")
    assert money.subject.text() == "补偿款" and len(editor.cards) == 3
    editor.copies.setValue(3)
    editor.grab().save(str(tmp_path / "agreement_editor.png"))
    with qtbot.waitSignal(panel.changed) as changed, qtbot.waitSignal(editor.saved) as saved:
        click_ok(qtbot, editor.buttons)
    assert changed.args == [case.id]
    view = saved.args[0]
    assert [t.text for t in view.terms] == [clause, "双方就本纠纷再无其他争议。", "李四清除通道堆放的建材。"]
    assert view.problems == ("第三条内容不明确：未写明向谁履行（权利人）；未写明履行期限",)
    assert view.signed_on == date(2026, 11, 21)

    # The panel shows the agreement, each term, the unclear flag and the performance status.
    assert panel.edit_button.text() == "修改协议…" and panel.perform_button.isEnabled()
    assert panel.fields["number"].text() == case.code and panel.fields["copies"].text() == "一式3份"
    assert panel.fields["signed_on"].text() == "2026年11月21日"
    assert [b.text.text() for b in panel.term_boxes] == [t.text for t in view.terms]
    assert panel.term_boxes[2].flag.text().startswith("内容不明确")
    assert panel.term_boxes[0].flag.isHidden()
    assert "待履行" in panel.term_boxes[0].status.text()
    assert "第三条内容不明确" in panel.missing.text()

    # Record a performance: a wrong date is shown next to the field and nothing is lost.
    click(qtbot, panel.term_boxes[0].record_button)
    dialog = panel.performance_dialog
    assert dialog is not None and dialog.term.currentData() == view.terms[0].id
    assert dialog.term.count() == 2  # the statement owes nothing
    choose(dialog.status, "partly_performed")
    dialog.on.clear()
    qtbot.keyClicks(dialog.on, "2026-11-23")
    qtbot.keyClicks(dialog.amount, "6000")
    assert dialog.amount_hint.text() == "人民币陆仟元整（¥6,000.00）"
    type_text(qtbot, dialog.note, "现金支付，有收条")
    click_ok(qtbot, dialog.buttons)
    assert dialog.isVisible() and dialog.errors.message("on") == "履行日期不能晚于今天"
    assert dialog.amount.text() == "6000" and dialog.note.toPlainText() == "现金支付，有收条"
    dialog.on.clear()
    type_text(qtbot, dialog.on, "2026年11月22日")
    with qtbot.waitSignal(panel.changed):
        click_ok(qtbot, dialog.buttons)
    rows = services.agreements.performance(view.terms[0].id)
    assert [(r.on, r.status, r.amount, r.note) for r in rows] == [
        (date(2026, 11, 22), "partly_performed", Decimal("6000.00"), "现金支付，有收条")]
    box = panel.term_boxes[0]
    assert "部分履行" in box.status.text() and "¥6,000.00" in box.status.text()
    assert [h.text() for h in box.history] == ["· 2026年11月22日　部分履行　¥6,000.00　现金支付，有收条　（测试员记录）"]
    assert box.due.text() == "履行期限：2026年12月31日前"
    panel.grab().save(str(tmp_path / "agreement_panel.png"))


def test_reopened_editor_keeps_ids_moves_and_removes_terms(qtbot, gui) -> None:
    services = gui
    case = _case_in_mediation(services)
    panel = AgreementPanel(services)
    qtbot.addWidget(panel)
    panel.show_case(case.id)
    editor = panel.open_editor()
    assert editor is not None
    a = editor.cards[0]
    choose(a.obligor, 1)
    choose(a.obligee, 0)
    type_text(qtbot, a.subject, "修缮费")
    qtbot.keyClicks(a.amount, "800")
    qtbot.keyClicks(a.due_on, "2026-12-01")
    click(qtbot, editor.add_statement_button)
    type_text(qtbot, editor.cards[1].subject, "双方互不追究。")
    with qtbot.waitSignal(editor.saved) as saved:
        click_ok(qtbot, editor.buttons)
    ids = [t.id for t in saved.args[0].terms]

    editor = panel.open_editor()
    assert editor is not None and editor.windowTitle().startswith("修改调解协议")
    assert [c.term_id for c in editor.cards] == ids
    assert editor.cards[0].amount.text() == "800.00"
    click(qtbot, editor.cards[1].up_button)
    assert editor.cards[0].title_label.text() == "第一条" and editor.cards[0].term_id == ids[1]
    assert not editor.cards[0].up_button.isEnabled()
    click(qtbot, editor.add_term_button)
    click(qtbot, editor.cards[2].remove_button)
    assert len(editor.cards) == 2
    # An amount that is not a number is shown beside the field; the save does not go through.
    editor.cards[1].amount.clear()
    qtbot.keyClicks(editor.cards[1].amount, "8oo")
    click_ok(qtbot, editor.buttons)
    assert "金额请只写数字" in editor.cards[1].errors.message("amount")
    assert "1 处需要修改" in editor.general.text()
    editor.cards[1].amount.clear()
    qtbot.keyClicks(editor.cards[1].amount, "900")
    with qtbot.waitSignal(editor.saved) as saved:
        click_ok(qtbot, editor.buttons)
    view = saved.args[0]
    assert [t.id for t in view.terms] == [ids[1], ids[0]]
    assert "玖佰元整" in view.terms[1].text

    # Cancelling with unsaved changes asks first and keeps the dialog on "继续填写".
    editor = panel.open_editor()
    assert editor is not None
    type_text(qtbot, editor.responsibilities, "李四负主要责任")
    click(qtbot, editor.buttons.button(QDialogButtonBox.StandardButton.Cancel))
    box = editor.discard_box
    click(qtbot, box.button(QMessageBox.StandardButton.Cancel))
    assert editor.isVisible() and editor.responsibilities.toPlainText() == "李四负主要责任"


def test_the_editor_refuses_a_case_that_is_not_mediating(qtbot, gui) -> None:
    services = gui
    d = services.cases.register(sample_draft(mediators=[MediatorAssignment(services.mediator_ids[0])]))
    panel = AgreementPanel(services)
    qtbot.addWidget(panel)
    panel.show_case(d.id)
    assert not panel.edit_button.isEnabled()
    assert "开始调解后才能填写调解协议" in panel.hint.text()
    editor = AgreementEditor(services, d.id)
    qtbot.addWidget(editor)
    assert not editor.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    assert "开始调解后" in editor.refusal.text()


def test_an_oral_agreement_uses_the_same_editor(qtbot, gui) -> None:
    services = gui
    case = _case_in_mediation(services)
    editor = AgreementEditor(services, case.id)
    qtbot.addWidget(editor)
    editor.open()
    click(qtbot, editor.oral)
    assert editor.signed_on_label.text() == "达成日期："
    editor.facts.clear()
    card = editor.cards[0]
    choose(card.obligor, 0)
    choose(card.obligee, 1)
    type_text(qtbot, card.subject, "当面赔礼道歉")
    qtbot.keyClicks(card.due_on, "2026-11-22")
    assert card.text.toPlainText() == "张三于2026年11月22日前向李四履行：当面赔礼道歉。"
    editor.signed_on.clear()
    click(qtbot, editor.today_button)
    assert editor.signed_on.text() == "2026-11-22"
    with qtbot.waitSignal(editor.saved) as saved:
        click_ok(qtbot, editor.buttons)
    view = saved.args[0]
    assert view.form == "oral" and view.signed_on == date(2026, 11, 22) and view.copies is None
    panel = AgreementPanel(services)
    qtbot.addWidget(panel)
    panel.show_case(case.id)
    assert panel.heading.text() == "口头协议"
    assert panel.form.labelForField(panel.fields["signed_on"]).text() == "达成日期："


def test_the_panel_of_a_terminated_case_says_when_and_why_it_ended(qtbot, gui) -> None:
    """Issue 12: not "本案还没有调解协议" (as if one might still come) but how and when it ended."""
    services = gui
    d = _case_in_mediation(services)
    d = services.cases.transition(d.id, d.version, "terminated", reason="双方分歧太大", reason_kind="impossible",
                                  routes_explained=True)
    panel = AgreementPanel(services)
    qtbot.addWidget(panel)
    panel.show_case(d.id)
    panel.show()
    assert panel.hint.isVisible()
    assert panel.hint.text() == "本案已于2026年11月22日终止调解（双方分歧太大），终止调解的案件没有调解协议"
    assert "还没有" not in panel.hint.text() and not panel.edit_button.isEnabled()
