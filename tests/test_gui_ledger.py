"""The ledger in the window (offscreen, real SQLite): the case view's 台账 line with 销号… and
再挂号…, 文件 → 导出台账… writing the Excel file, and 文件 → 导入台账… with its column mapping."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from gui_helpers import box_after_task, click, click_ok, shown_window, type_text
from PySide6.QtWidgets import QApplication
from test_ledger import MESSY, _agreed_case, _ledger_file

from mediator_desktop.services.dto import CaseQuery

pytestmark = pytest.mark.gui


def _performed_case(s):  # type: ignore[no-untyped-def]
    d, view = _agreed_case(s)
    money = next(t for t in view.terms if t.kind == "obligation")
    s.agreements.record_performance(money.id, date(2026, 11, 22), "performed", Decimal("12000"))
    s.case_id = d.id


def test_cross_off_and_reopen_through_the_case_view(qtbot, qapp, services, clock) -> None:
    window = shown_window(qtbot, qapp, services, before=_performed_case)
    window.select_case(services.case_id)
    line = window.case_view.ledger_line
    qtbot.waitUntil(line.isVisible)
    assert line.label.text() == "台账：在册"
    assert line.cross_off_button.isVisible()
    assert not line.reopen_button.isVisible()
    # Also in the 案件 menu, enabled as the buttons are.
    assert line.cross_off_action in window.case_menu.actions() and line.cross_off_action.isEnabled()
    assert not line.reopen_action.isEnabled()
    line.cross_off_action.trigger()
    assert line.dialog.isVisible() and line.dialog.windowTitle() == "销号"
    line.dialog.reject()
    click(qtbot, line.cross_off_button)
    dialog = line.dialog
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "销号"
    type_text(qtbot, dialog.note, "履行完毕，回访无反复")
    click_ok(qtbot, dialog.buttons)
    assert not dialog.isVisible()
    assert line.label.text() == "台账：已销号（2026年11月22日，测试员）"
    assert "履行完毕，回访无反复" in line.label.toolTip() and "测试员" in line.label.toolTip()
    assert line.reopen_button.isVisible() and not line.cross_off_button.isVisible()
    assert line.reopen_action.isEnabled() and not line.cross_off_action.isEnabled()
    # 再挂号 without a reason is refused beside the field; what was typed as the date stays.
    click(qtbot, line.reopen_button)
    dialog = line.dialog
    click_ok(qtbot, dialog.buttons)
    assert dialog.isVisible() and "再挂号的原因" in dialog.errors.message("note")
    type_text(qtbot, dialog.note, "李四又堆放建材")
    click_ok(qtbot, dialog.buttons)
    assert not dialog.isVisible()
    assert line.label.text() == "台账：在册（2026年11月22日再挂号）"
    history = [e.text for e in services.ledger.status(services.case_id).events]
    assert len(history) == 2 and "李四又堆放建材" in history[1]
    # The case view read the case again (its version moved): editing it still works.
    assert window.case_view.detail.version == services.cases.get(services.case_id).version


def test_an_unperformed_agreement_is_not_crossed_off_and_the_button_says_why(qtbot, qapp, services, clock) -> None:
    def agreed(s):  # type: ignore[no-untyped-def]
        s.case_id = _agreed_case(s)[0].id

    window = shown_window(qtbot, qapp, services, before=agreed)
    window.select_case(services.case_id)
    line = window.case_view.ledger_line
    assert line.cross_off_button.isVisible() and line.cross_off_action.isEnabled()
    click(qtbot, line.cross_off_button)          # says why, in a box, instead of a grey button
    assert line.refusal is not None and line.refusal.isVisible() and line.dialog is None
    assert "还有条款未履行，不能销号：第一条（待履行）" in line.refusal.text()
    assert services.ledger.line(services.case_id).open


def test_export_ledger_from_the_file_menu_writes_the_file(qtbot, qapp, services, clock, tmp_path) -> None:
    window = shown_window(qtbot, qapp, services, before=_performed_case)
    actions = window.ledger_actions
    assert actions.export_action in window.file_menu.actions()
    actions.export_action.trigger()
    dialog = actions.period_dialog
    assert dialog.isVisible()
    click(qtbot, dialog.quick_buttons["本年"])
    assert dialog.period() == (date(2026, 1, 1), date(2026, 11, 22))
    click_ok(qtbot, dialog.buttons)
    chooser = actions.file_dialog
    assert chooser.isVisible()
    path = tmp_path / "台账.xlsx"
    chooser.selectFile(str(path))
    chooser.accept()
    box = box_after_task(qtbot, window)
    assert box.windowTitle() == "导出台账完成" and "已导出1件纠纷" in box.text()
    from openpyxl import load_workbook

    ws = load_workbook(path).active
    assert ws["A3"].value == "序号" and ws["R3"].value == "备注"
    assert ws["B4"].value == services.cases.get(services.case_id).code
    assert ws["C4"].value == datetime(2026, 11, 20)


def test_import_ledger_shows_problems_then_imports_with_the_mapping_corrected(qtbot, qapp, services, clock,
                                                                              tmp_path) -> None:
    window = shown_window(qtbot, qapp, services)
    actions = window.ledger_actions
    messy = _ledger_file(tmp_path / "旧台账.xlsx", MESSY)

    def open_file(path):  # type: ignore[no-untyped-def]
        actions.import_action.trigger()
        actions.file_dialog.selectFile(str(path))
        actions.file_dialog.accept()
        task = window.task
        qtbot.waitUntil(lambda: task.outcome is not None, timeout=30_000)
        dialog = actions.import_dialog
        qtbot.waitUntil(dialog.isVisible)
        return dialog

    dialog = open_file(messy)
    assert dialog.preview.model().rowCount() == 4
    assert dialog.combos["received_on"].currentText() == "受理时间"
    click(qtbot, dialog.import_button)
    qtbot.waitUntil(lambda: dialog.task.outcome is not None, timeout=30_000)
    text = dialog.problems.toPlainText()
    assert "第7行 纠纷类型：纠纷类型“宠物纠纷”不在纠纷类型表中" in text and "第9行 受理时间" in text
    assert services.cases.count(CaseQuery()) == 0
    dialog.reject()

    clean = [list(r) for r in MESSY if r and any(v is not None for v in r)]
    clean[1][5] = "440524188001010014"
    clean[2][3] = "邻里"
    clean[3][1] = "2026-03-10"
    clean[3][9] = "调解不成 2026.3.20"
    clean[3][14] = None
    for row in clean:
        row[15] = None                  # 备注 moved to a column of its own name
        row.append(f"来源：第{row[0]}号登记簿")
    path = _ledger_file(tmp_path / "台账.xlsx", clean)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.active.cell(row=3, column=17, value="登记簿")   # a header the mapping does not know
    wb.save(path)
    dialog = open_file(path)
    assert dialog.combos["notes"].currentText() == "备注"
    combo = dialog.combos["notes"]
    combo.setCurrentIndex(combo.findText("登记簿"))     # the user corrects the mapping
    click(qtbot, dialog.check_button)
    qtbot.waitUntil(lambda: dialog.task.outcome is not None, timeout=30_000)
    assert "检查通过：4行都可以导入" in dialog.problems.toPlainText()
    assert services.cases.count(CaseQuery()) == 0
    click(qtbot, dialog.import_button)
    qtbot.waitUntil(lambda: dialog.task.outcome is not None, timeout=60_000)
    qtbot.waitUntil(lambda: getattr(window, "message_box", None) is not None and window.message_box.isVisible())
    assert window.message_box.windowTitle() == "导入台账完成"
    assert "已导入4件案件，其中1件已销号" in window.message_box.text()
    assert not dialog.isVisible()
    assert services.cases.count(CaseQuery()) == 4
    first = services.cases.page(CaseQuery(sort="received_on", descending=False))[0]
    detail = services.cases.get(first.id)
    assert any("备注：来源：第1号登记簿" in h.text for h in detail.history)
    assert window.case_model.rowCount() == 4
    QApplication.processEvents()
