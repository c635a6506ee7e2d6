"""The 回访与司法确认 tab as a mediator uses it (offscreen, real SQLite and PostgreSQL): the visits
planned when the agreement takes effect, the visit form and the next step it offers, a party not
reached, a visit moved, added and cancelled, and the judicial-confirmation tracking."""

from __future__ import annotations

from datetime import date

import pytest
from gui_helpers import answer_yes, choose, click, click_ok, type_text
from PySide6.QtCore import QDate, Qt
from test_agreements import statement_term
from test_followups import _agreed

from mediator_desktop import settings as opts
from mediator_desktop.ui.app import init_application
from mediator_desktop.ui.case.followup_panel import (
    AddVisitDialog,
    CancelVisitDialog,
    FollowUpPanel,
    NotReachedDialog,
    RescheduleDialog,
    VisitTableModel,
)
from mediator_desktop.ui.case.visit_dialog import VisitDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def gui(qapp, org_services, clock):  # type: ignore[no-untyped-def]
    init_application(qapp, opts.Settings())
    return org_services


def _panel(qtbot, services, case_id: int) -> FollowUpPanel:  # type: ignore[no-untyped-def]
    panel = FollowUpPanel(services)
    qtbot.addWidget(panel)
    panel.resize(1100, 900)
    panel.show_case(case_id)
    panel.show()
    return panel


def _cells(panel: FollowUpPanel) -> list[list[str]]:
    m = panel.model
    return [[m.data(m.index(r, c)) for c in range(m.columnCount())] for r in range(m.rowCount())]


def _select(panel: FollowUpPanel, predicate) -> int:  # type: ignore[no-untyped-def]
    visit = next(v for v in panel.model.rows if predicate(v))
    panel.select_visit(visit.id)
    assert panel.selected_visit().id == visit.id
    return visit.id


def test_an_agreement_taking_effect_shows_its_visits(qtbot, gui) -> None:
    s = gui
    d, _ = _agreed(s)                       # effective 2026-11-21; today is 2026-11-22
    panel = _panel(qtbot, s, d.id)
    rows = _cells(panel)
    assert sorted((r[1], r[2]) for r in rows) == [("张三", "履行期限回访"), ("张三", "满意度回访"),
                                                  ("李四", "满意度回访")]
    # Those to make first, by date: the money is due on 11-30, the satisfaction visits a month on.
    assert rows[0][:3] == ["2026年11月30日", "张三", "履行期限回访"]
    assert rows[0][3] == "待回访（还剩6个工作日）"
    assert [r[0] for r in rows[1:]] == ["2026年12月21日", "2026年12月21日"]
    assert "3次回访，尚未进行3次" in panel.visits_hint.text()
    # The judicial-confirmation window: 30 days from 11-21 is 12-21, a Monday.
    assert panel.window_line.isVisible()
    assert panel.window_line.text().startswith("司法确认申请期限：2026年12月21日（还剩")
    assert panel.confirmation_box.isVisible()
    # Nothing selected: only 新增回访 makes sense.
    assert not panel.record_button.isEnabled() and panel.add_button.isEnabled()
    assert not panel.print_button.isEnabled()
    _select(panel, lambda v: v.kind == "performance")
    assert panel.record_button.isEnabled() and panel.reschedule_button.isEnabled()
    assert "协议第一条约定李四于2026年11月30日前履行" in panel.history.text()
    assert panel.history_lines and "安排回访：2026年11月30日" in panel.history_lines[-1]


def test_record_a_visit_then_take_the_next_steps(qtbot, gui) -> None:
    s = gui
    d, _ = _agreed(s)
    panel = _panel(qtbot, s, d.id)
    visit_id = _select(panel, lambda v: v.kind == "performance")
    click(qtbot, panel.record_button)
    dialog = panel.visit_dialog
    assert isinstance(dialog, VisitDialog)
    qtbot.waitExposed(dialog)
    assert dialog.party_label.text() == "张三"
    assert dialog.done_on.date() == QDate(2026, 11, 22)
    assert dialog.visitor.text() == "测试员"              # the current user, by default
    (combo,) = dialog.term_combos.values()
    assert combo.currentData() == "not_due"               # due 11-30: not yet
    assert not dialog.risk_note.isEnabled()

    click(qtbot, dialog.method_buttons["phone"])
    choose(combo, "not_performed")
    choose(dialog.satisfaction, "满意")
    click(qtbot, dialog.new_risk)
    assert dialog.risk_note.isEnabled()
    type_text(qtbot, dialog.risk_note, "双方又因停车发生争吵")
    type_text(qtbot, dialog.measures, "电话提醒李四")
    dialog.visitor.clear()
    type_text(qtbot, dialog.visitor, "杨志强")
    with qtbot.waitSignal(panel.changed) as changed, qtbot.waitSignal(dialog.recorded) as recorded:
        click_ok(qtbot, dialog.buttons)
    assert changed.args == [d.id]
    assert recorded.args[0].visit.done

    # The case shows it: the panel row and the service agree.
    row = next(r for r, v in enumerate(panel.model.rows) if v.id == visit_id)
    assert _cells(panel)[row][3:] == ["已回访", "电话", "满意", "杨志强"]
    stored = next(v for v in s.followups.visits(d.id) if v.id == visit_id)
    assert stored.done and stored.visitor == "杨志强" and stored.risk_note == "双方又因停车发生争吵"
    assert stored.terms[0].found == "not_performed"
    assert s.agreements.get(d.id).terms[0].status == "not_performed"

    # The next step is offered in the same window.
    assert dialog.pages.currentWidget() is dialog.next_page
    assert not dialog.buttons.isVisible()
    assert list(dialog.offer_buttons) == ["raise_risk", "urge", "judicial", "lawsuit"]
    assert dialog.offer_buttons["urge"].text() == "督促履行"
    assert "未履行" in dialog.found_label.text()

    # 督促履行: visit again in five working days (11-23 … 11-27).
    click(qtbot, dialog.offer_buttons["urge"])
    assert dialog.urge_box.isVisible() and not dialog.offers_box.isVisible()
    assert dialog.next_on.date() == QDate(2026, 11, 27)
    type_text(qtbot, dialog.urge_note, "李四答应月底付清")
    with qtbot.waitSignal(panel.changed):
        click_ok(qtbot, dialog.urge_buttons)
    assert dialog.offers_box.isVisible()
    assert dialog.offer_buttons["urge"].text() == "✔ 督促履行" and not dialog.offer_buttons["urge"].isEnabled()
    urge = [v for v in s.followups.visits(d.id) if v.kind == "urge"]
    assert [(v.party_name, v.due.due) for v in urge] == [("张三", date(2026, 11, 27))]
    assert any(r[0] == "2026年11月27日" and r[2] == "督促履行后回访" for r in _cells(panel))
    assert "督促义务人按协议履行：李四答应月底付清" in s.followups.get(visit_id).measures

    # 建议申请司法确认 is recorded as advice given; 提高风险等级 asks for a higher level.
    with qtbot.waitSignal(panel.changed):
        click(qtbot, dialog.offer_buttons["judicial"])
    assert "建议双方" in dialog.offer_notes["judicial"].text()
    click(qtbot, dialog.offer_buttons["raise_risk"])
    assert dialog.risk_box.isVisible() and "目前为：无" in dialog.risk_now.text()
    assert [dialog.level.itemData(i) for i in range(dialog.level.count())] == ["yellow", "orange", "red"]
    choose(dialog.level, "orange")
    click_ok(qtbot, dialog.risk_buttons)            # who was told, and when (Law 25)
    assert "向谁报告" in dialog.risk_errors.message("reported_to") and s.cases.get(d.id).risk_level == "none"
    type_text(qtbot, dialog.reported_to, "幸福村委会")
    with qtbot.waitSignal(panel.changed):
        click_ok(qtbot, dialog.risk_buttons)
    assert s.cases.get(d.id).risk_level == "orange"
    assert dialog.later_button.text() == "完成，关闭"
    click(qtbot, dialog.later_button)
    assert not dialog.isVisible()

    # The urge visit finds everything performed: 结案归档 asks the case view to archive.
    _select(panel, lambda v: v.kind == "urge")
    click(qtbot, panel.record_button)
    again = panel.visit_dialog
    assert again is not dialog
    click(qtbot, again.method_buttons["visit"])
    choose(next(iter(again.term_combos.values())), "performed")
    choose(again.satisfaction, "满意")
    click_ok(qtbot, again.buttons)
    assert list(again.offer_buttons) == ["close"]
    with qtbot.waitSignal(panel.close_requested) as close:
        click(qtbot, again.offer_buttons["close"])
    assert close.args == [d.id] and not again.isVisible()

    # A recorded visit opens again to look at or correct it; the record prints.
    _select(panel, lambda v: v.id == visit_id)
    assert panel.record_button.text() == "查看或更正记录…"
    assert panel.print_button.isEnabled()
    click(qtbot, panel.print_button)
    documents = panel.document_dialog
    assert documents.current_kind() == "follow-up-record"
    assert not documents.message.isVisible() and documents.pdf.pageCount() >= 1
    documents.reject()


def test_a_refused_visit_record_keeps_what_was_typed_and_names_the_field(qtbot, gui) -> None:
    s = gui
    d, _ = _agreed(s)
    panel = _panel(qtbot, s, d.id)
    visit_id = _select(panel, lambda v: v.kind == "performance")
    dialog = panel.record_visit()
    qtbot.waitExposed(dialog)
    combo = next(iter(dialog.term_combos.values()))
    combo.setCurrentIndex(0)                              # 请选择
    click(qtbot, dialog.new_risk)
    type_text(qtbot, dialog.risk_note, "邻居反映双方又吵架")
    type_text(qtbot, dialog.measures, "上门劝解")
    dialog.visitor.clear()
    click_ok(qtbot, dialog.buttons)
    assert dialog.isVisible() and dialog.pages.currentWidget() is dialog.form_page
    assert dialog.errors.message("visitor") == "请填写回访人"
    assert "回访方式" in dialog.errors.message("method")
    assert dialog.errors.message(f"terms[{next(iter(dialog.term_combos))}]") == "请选择第一条的履行情况"
    assert "满意度" in dialog.errors.message("satisfaction")
    assert dialog.risk_note.toPlainText() == "邻居反映双方又吵架"
    assert dialog.measures.toPlainText() == "上门劝解" and dialog.new_risk.isChecked()
    assert not s.followups.get(visit_id).done
    # Closing with unsaved input asks first; "继续填写" keeps it.
    dialog.reject()
    box = dialog.discard_box
    assert box is not None and box.isVisible()
    click(qtbot, next(b for b in box.buttons() if b.text() == "继续填写"))
    assert dialog.isVisible() and dialog.measures.toPlainText() == "上门劝解"
    # Completing the form then saves.
    click(qtbot, dialog.method_buttons["visit"])
    choose(combo, "partly_performed")
    choose(dialog.satisfaction, "基本满意")
    type_text(qtbot, dialog.visitor, "王芳")
    click_ok(qtbot, dialog.buttons)
    assert dialog.pages.currentWidget() is dialog.next_page
    assert s.followups.get(visit_id).visitor == "王芳"


def test_not_reached_reschedule_add_and_cancel_through_the_dialogs(qtbot, gui) -> None:
    s = gui
    d, _ = _agreed(s)
    panel = _panel(qtbot, s, d.id)

    # 未联系上: tried today by phone, try again the next working day (Sunday 11-22 → Monday 11-23).
    visit_id = _select(panel, lambda v: v.kind == "satisfaction" and v.party_name == "李四")
    click(qtbot, panel.not_reached_button)
    dialog = panel.small_dialog
    assert isinstance(dialog, NotReachedDialog)
    assert dialog.tried_on.date() == QDate(2026, 11, 22) and dialog.method.currentData() == "phone"
    assert dialog.retry_on.date() == QDate(2026, 11, 23)
    type_text(qtbot, dialog.note, "电话无人接听")
    dialog.retry_on.setDate(QDate(2026, 11, 22))         # the same day: refused, the dialog stays
    click_ok(qtbot, dialog.buttons)
    assert dialog.isVisible() and "晚于这次联系的日期" in dialog.errors.message("retry_on")
    assert dialog.note.text() == "电话无人接听"
    dialog.retry_on.setDate(QDate(2026, 11, 25))
    with qtbot.waitSignal(panel.changed):
        click_ok(qtbot, dialog.buttons)
    assert not dialog.isVisible()
    assert s.followups.get(visit_id).due.due == date(2026, 11, 25)
    assert panel.selected_visit().id == visit_id
    row = next(r for r, v in enumerate(panel.model.rows) if v.id == visit_id)
    assert _cells(panel)[row][0] == "2026年11月25日"
    assert _cells(panel)[row][3].startswith("未联系上1次，待回访")
    assert any("电话未联系上：电话无人接听" in line for line in panel.history_lines)

    # 改期: to the same date is refused; a new date with a reason moves it.
    click(qtbot, panel.reschedule_button)
    dialog = panel.small_dialog
    assert isinstance(dialog, RescheduleDialog)
    dialog.new_due.setDate(QDate(2026, 11, 25))
    type_text(qtbot, dialog.reason, "当事人外出")
    click_ok(qtbot, dialog.buttons)
    assert dialog.isVisible() and "与原日期相同" in dialog.errors.message("new_due")
    dialog.new_due.setDate(QDate(2026, 12, 15))
    with qtbot.waitSignal(panel.changed):
        click_ok(qtbot, dialog.buttons)
    assert s.followups.get(visit_id).due.due == date(2026, 12, 15)
    row = next(r for r, v in enumerate(panel.model.rows) if v.id == visit_id)
    assert _cells(panel)[row][0] == "2026年12月15日"
    assert any("改期：2026年11月25日 → 2026年12月15日（当事人外出）" in line for line in panel.history_lines)
    assert any("改期" in h.text and "当事人外出" in h.text for h in s.cases.get(d.id).history)

    # 新增回访: the party is asked for; then it is planned, and 取消回访 removes it.
    click(qtbot, panel.add_button)
    dialog = panel.small_dialog
    assert isinstance(dialog, AddVisitDialog)
    type_text(qtbot, dialog.reason, "了解赔礼道歉是否落实")
    click_ok(qtbot, dialog.buttons)
    assert dialog.isVisible() and dialog.errors.message("party") == "请选择回访对象"
    choose(dialog.party, 1)
    dialog.due_on.setDate(QDate(2026, 12, 2))
    with qtbot.waitSignal(panel.changed):
        click_ok(qtbot, dialog.buttons)
    added = next(v for v in s.followups.visits(d.id) if v.reason == "了解赔礼道歉是否落实")
    assert (added.party_name, added.due.due, added.kind) == ("李四", date(2026, 12, 2), "other")
    assert panel.selected_visit().id == added.id and len(panel.model.rows) == 4
    click(qtbot, panel.cancel_button)
    dialog = panel.small_dialog
    assert isinstance(dialog, CancelVisitDialog)
    type_text(qtbot, dialog.reason, "重复安排")
    with qtbot.waitSignal(panel.changed):
        click_ok(qtbot, dialog.buttons)
    assert len(panel.model.rows) == 3 and all(v.id != added.id for v in s.followups.visits(d.id))
    assert any("取消回访李四" in h.text and "重复安排" in h.text for h in s.cases.get(d.id).history)


def test_judicial_confirmation_through_the_panel(qtbot, gui) -> None:
    s = gui
    d, _ = _agreed(s, signed_on=date(2026, 11, 2))
    panel = _panel(qtbot, s, d.id)
    assert panel.window_line.text().startswith("司法确认申请期限：2026年12月2日（还剩")

    # Refused: no court. The typed date stays and the field is named.
    qtbot.keyClicks(panel.filed_on, "2026-11-10")
    type_text(qtbot, panel.court_case_number, "（2026）云0902民特12号")
    choose(panel.result, "pending")
    click(qtbot, panel.save_confirmation_button)
    assert panel.confirmation_errors.message("court") == "请填写受理申请的人民法院"
    assert panel.filed_on.text() == "2026-11-10" and s.followups.confirmation(d.id).recorded is None
    assert panel.window_line.isVisible()
    # A date that is not one is caught before the service.
    panel.ruled_on.setText("11月18日")
    click(qtbot, panel.save_confirmation_button)
    assert "日期格式不对" in panel.confirmation_errors.message("ruled_on")
    panel.ruled_on.clear()

    panel.court.setEditText("")
    type_text(qtbot, panel.court.lineEdit(), "临沧市临翔区人民法院")
    with qtbot.waitSignal(panel.changed):
        click(qtbot, panel.save_confirmation_button)
    recorded = s.followups.confirmation(d.id).recorded
    assert (recorded.court, recorded.filed_on, recorded.result) == ("临沧市临翔区人民法院", date(2026, 11, 10), "pending")
    assert recorded.court_case_number == "（2026）云0902民特12号"
    assert not panel.window_line.isVisible()               # filed: the window no longer matters
    assert panel.confirmation_saved.isVisible()
    assert panel.filed_on.text() == "2026年11月10日"

    # Enforcement needs the court's confirmation first.
    click(qtbot, panel.enforcement_applied)
    qtbot.keyClicks(panel.enforcement_on, "2026-11-20")
    click(qtbot, panel.save_confirmation_button)
    assert "裁定协议有效后" in panel.confirmation_errors.message("enforcement_applied")
    choose(panel.result, "confirmed")
    qtbot.keyClicks(panel.ruled_on, "2026-11-18")
    with qtbot.waitSignal(panel.changed):
        click(qtbot, panel.save_confirmation_button)
    recorded = s.followups.confirmation(d.id).recorded
    assert recorded.enforcement_applied and recorded.enforcement_on == date(2026, 11, 20)

    # Filed after the window: a warning the user confirms with 仍然保存.
    late, _ = _agreed(s, signed_on=date(2026, 9, 1))
    panel.show_case(late.id)
    assert panel.window_line.text() == "司法确认申请期限已于2026年10月8日届满（协议生效后30日），本案没有记录申请。"
    assert panel.court.currentText() == "" and panel.filed_on.text() == ""
    type_text(qtbot, panel.court.lineEdit(), "某某县人民法院")
    qtbot.keyClicks(panel.filed_on, "2026-10-09")
    click(qtbot, panel.save_confirmation_button)
    box = panel.confirm_box
    assert box is not None and box.isVisible() and "2026年10月8日" in box.text()
    assert "2026年10月8日" in panel.confirmation_errors.message("filed_on")
    assert s.followups.confirmation(late.id).recorded is None
    with qtbot.waitSignal(panel.changed):
        answer_yes(qtbot, box)
    assert s.followups.confirmation(late.id).recorded.filed_on == date(2026, 10, 9)
    assert not panel.window_line.isVisible()

    # An oral agreement cannot be confirmed: the section says so instead of asking.
    oral, _ = _agreed(s, form="oral")
    panel.show_case(oral.id)
    assert not panel.confirmation_box.isVisible() and not panel.window_line.isVisible()
    assert "口头协议不能申请司法确认" in panel.confirmation_hint.text()


def test_a_case_without_an_agreement_explains_what_comes(qtbot, gui) -> None:
    from conftest import sample_draft

    s = gui
    d = s.cases.register(sample_draft())
    panel = _panel(qtbot, s, d.id)
    assert panel.model.rowCount() == 0
    assert not panel.confirmation_box.isVisible()
    assert "还没有生效的调解协议" in panel.confirmation_hint.text()
    assert "协议生效后，系统会自动安排回访" in panel.visits_hint.text()
    assert not panel.add_button.isEnabled() and not panel.window_line.isVisible()


def test_the_visits_model_passes_qtmodeltester(qtmodeltester, gui) -> None:
    s = gui
    model = VisitTableModel()
    qtmodeltester.check(model)                             # empty
    d, _ = _agreed(s)
    visit = next(v for v in s.followups.visits(d.id) if v.kind == "satisfaction")
    s.followups.not_reached(visit.id, date(2026, 11, 22), date(2026, 11, 24), "phone")
    model.set_visits(s.followups.visits(d.id), date(2026, 12, 1), s.ctx.calendar())
    assert model.rowCount() == 3 and model.columnCount() == 7
    qtmodeltester.check(model)
    overdue = next(r for r in range(3) if model.rows[r].id == visit.id)
    # Due Tuesday 11-24, today Tuesday 12-01: five working days have passed.
    assert model.data(model.index(overdue, 3)) == "已逾期5个工作日（未联系上1次）"
    assert model.data(model.index(overdue, 3), Qt.ItemDataRole.ForegroundRole).color().name() == "#b00020"
    assert model.data(model.index(overdue, 0), Qt.ItemDataRole.UserRole) == visit.id
    assert model.headerData(0, Qt.Orientation.Horizontal) == "回访日期"


def test_dates_in_a_year_without_a_holiday_arrangement_say_provisional(qtbot, gui, clock) -> None:
    from datetime import datetime

    s = gui
    clock.value = datetime(2026, 12, 28, 9, 30)
    d, _ = _agreed(s, terms=[statement_term()], signed_on=date(2026, 12, 28))   # a month on is in 2027
    panel = _panel(qtbot, s, d.id)
    satisfaction = [r for r in _cells(panel) if r[2] == "满意度回访"]
    assert satisfaction and all(r[0].endswith("（暂定）") for r in satisfaction)
    assert "暂定" in panel.window_line.text() and "2027年1月27日" in panel.window_line.text()


def test_the_case_view_tab_archives_after_a_visit_or_shows_what_is_missing(qtbot, gui) -> None:
    """The issue's done-means through the whole window: a visit recorded in the case view's
    回访与司法确认 tab shows on the case, and 结案归档 goes through the archive guard — here
    refused for missing case-file items, with the checklist shown."""
    from gui_helpers import start_gui
    from PySide6.QtWidgets import QApplication
    from test_agreements import _ready_for_agreed

    from mediator_desktop.ui.app import create_main_window

    s = gui
    d, _ = _agreed(s, terms=[statement_term()])
    _ready_for_agreed(s, d.id)
    s.cases.transition(d.id, s.cases.get(d.id).version, "agreed")
    settings = start_gui(QApplication.instance(), s)
    window = create_main_window(s, settings)
    qtbot.addWidget(window)
    window.show()
    window.select_case(d.id)
    view = window.case_view
    view.tabs.setCurrentWidget(view.followup_panel)
    panel = view.followup_panel
    assert "下次回访" in view.deadline.text()
    _select(panel, lambda v: v.party == 0)
    click(qtbot, panel.record_button)
    dialog = panel.visit_dialog
    click(qtbot, dialog.method_buttons["visit"])
    choose(dialog.satisfaction, "满意")
    click_ok(qtbot, dialog.buttons)
    assert list(dialog.offer_buttons) == ["close"]
    assert any("回访张三" in h.text for h in s.cases.get(d.id).history)
    click(qtbot, dialog.offer_buttons["close"])
    # No ID papers were filed: the archive is refused, naming them, and the checklist shows.
    assert s.cases.get(d.id).status == "agreed"
    assert view.message.isVisible() and "当事人身份证明" in view.message.text()
    assert view.tabs.currentWidget() is view.checklist_panel
