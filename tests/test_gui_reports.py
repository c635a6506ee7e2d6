"""The 统计报表 window, driven as a user does: the menu 统计 → 统计报表…, choosing the period,
the table (model tester), a figure's cases by double-click and by Enter, opening a case from
there, the charts, 导出Excel (file reopened) and 打印 (through the documents' print path)."""

from __future__ import annotations

from gui_helpers import click, shown_window
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox
from test_statistics import build_book

from mediator_desktop.ui.reports.case_list import CaseListDialog
from mediator_desktop.ui.reports.window import FIGURE_ROLE, ReportsWindow


def _row_of(window: ReportsWindow, key: str) -> int:
    model = window.model
    return next(r for r in range(model.rowCount()) if model.rows[r][1] is not None and model.rows[r][1].key == key)


def _computed(qtbot, window: ReportsWindow) -> None:  # type: ignore[no-untyped-def]
    task = window.task  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: task.outcome is not None, timeout=60_000)
    assert task.outcome == "done", task.outcome


def test_reports_window_period_table_details_charts_and_files(qapp, qtbot, qtmodeltester, sqlite_services,
                                                              tmp_path) -> None:
    main = shown_window(qtbot, qapp, sqlite_services, before=build_book)
    ids = sqlite_services.ids
    assert main.reports_menu.title() == "统计(&T)" and main.reports_action in main.reports_menu.actions()
    main.reports_action.trigger()
    window = main.reports
    assert isinstance(window, ReportsWindow) and window.isVisible()
    _computed(qtbot, window)   # the current month at first (November 2026: nothing received)
    assert window.model.report is not None

    # Choose 季报, 2026, 第三季度 and press 统计.
    window.set_period("quarter", 2026, 3)
    assert window.part.isVisible() and not window.start.isVisible()
    click(qtbot, window.run_button)
    _computed(qtbot, window)
    qtmodeltester.check(window.model)
    assert "2026年第三季度" in window.heading.text()
    assert [window.model.headerData(c, Qt.Orientation.Horizontal) for c in range(window.model.columnCount())] == [
        "项目", "龙门街道\n人民调解委员会", "幸福村\n人民调解委员会", "合计", "单位"]   # (full names, wrapped)
    assert window.model.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == "龙门街道人民调解委员会"
    accepted = _row_of(window, "accepted.total")
    assert window.model.index(accepted, 3).data() == "7" and window.model.index(accepted, 2).data() == "2"
    rate = _row_of(window, "success.rate")
    assert window.model.index(rate, 3).data() == "60.0%"
    assert "结果不明" in window.notes.text()

    # Double-click the 幸福村 column of 受理调解纠纷数: its two cases.
    index = window.model.index(accepted, 2)
    assert index.data(FIGURE_ROLE) == ("accepted.total", ids["B"])
    window.table.scrollTo(index)
    rect = window.table.visualRect(index)
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    details = window.details[-1]
    assert isinstance(details, CaseListDialog)
    qtbot.waitUntil(details.isVisible)
    assert [r.id for r in details.model.rows] == sorted([ids["9"], ids["10"]])
    assert "受理调解纠纷数：2件" in details.heading.text() and "幸福村" in details.heading.text()
    # Enter on the first case opens it in the main window.
    details.table.setFocus()
    with qtbot.waitSignal(details.open_case) as opened:
        qtbot.keyClick(details.table, Qt.Key.Key_Return)
    assert opened.args == [ids["9"]]
    qtbot.waitUntil(lambda: main.case_view.detail is not None and main.case_view.detail.id == ids["9"])
    details.reject()

    # Enter on 书面协议 (total column) lists cases 1 and 6.
    written = window.model.index(_row_of(window, "success.written"), 3)
    window.table.setCurrentIndex(written)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    details = window.details[-1]
    assert [r.code for r in details.model.rows] == ["T-6", "T-1"]   # by 受理日期
    details.reject()

    # The charts are drawn.
    window.tabs.setCurrentIndex(1)
    for label in window.chart_labels.values():
        assert not label.pixmap().isNull() and label.pixmap().width() > 300

    # 导出Excel: the file chooser, then the file written in the background.
    click(qtbot, window.xlsx_button)
    target = tmp_path / "统计表.xlsx"
    dialog = window.file_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.selectFile(str(target))
    dialog.accept()
    _computed(qtbot, window)
    box = window.message_box  # type: ignore[attr-defined]
    qtbot.waitUntil(box.isVisible)
    assert box.icon() == QMessageBox.Icon.Information and str(target) in box.text()
    box.accept()
    ws = load_workbook(target)["统计表"]
    assert ws["A1"].value == "人民调解工作统计表" and "2026年第三季度" in ws["A2"].value

    # 打印: the report's PDF shown, printed to a file through the documents' print path.
    click(qtbot, window.print_button)
    _computed(qtbot, window)
    preview = window.preview
    qtbot.waitUntil(preview.isVisible)
    assert preview.pdf.pageCount() >= 3
    printer = preview.new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "打印.pdf"))
    assert preview.print_to(printer) == preview.pdf.pageCount()
    assert (tmp_path / "打印.pdf").stat().st_size > 10_000
    preview.reject()

    # 自定义 dates: reversed ones are refused in red, naming the end date.
    from datetime import date

    window.set_period("custom", start=date(2026, 9, 1), end=date(2026, 8, 1))
    assert window.start.isVisible() and not window.year.isVisible()
    click(qtbot, window.run_button)
    assert window.message.isVisible() and "结束日期" in window.message.text()
    window.close()


def test_prevention_figures_are_ticked_on_the_case_overview(qapp, qtbot, sqlite_services) -> None:
    from conftest import sample_draft

    def register(services):  # type: ignore[no-untyped-def]
        services.case_id = services.cases.register(sample_draft()).id

    main = shown_window(qtbot, qapp, sqlite_services, before=register)
    case_id = sqlite_services.case_id
    main.select_case(case_id)
    box = main.case_view.prevention
    qtbot.waitUntil(lambda: box.case_id == case_id)
    assert not any(t.isChecked() for t in box.ticks.values())
    count = box.persons["group_petition"]
    assert not count.isEnabled()
    tick = box.ticks["group_petition"]
    tick.setFocus()
    qtbot.keyClick(tick, Qt.Key.Key_Space)   # ticked from the keyboard
    assert tick.isChecked() and count.isEnabled()
    count.setValue(15)
    click(qtbot, box.save_button)
    assert box.done.text() == "已保存"
    assert [(p.kind, p.persons) for p in sqlite_services.prevention.get(case_id)] == [("group_petition", 15)]
    main.select_case(case_id)   # shown again: as saved
    assert box.ticks["group_petition"].isChecked() and count.value() == 15


def test_a_long_organisation_name_is_wrapped_whole_in_the_header() -> None:
    from mediator_desktop.ui.reports.window import wrapped_name

    assert wrapped_name("龙门街道人民调解委员会") == "龙门街道\n人民调解委员会"
    assert wrapped_name("某某县某某镇某某村矛盾纠纷调处中心") == "某某县某某镇某\n某村矛盾纠纷调\n处中心"
    assert wrapped_name("合计") == "合计"
