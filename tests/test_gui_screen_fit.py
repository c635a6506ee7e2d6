"""Every window fits the mediation room's screen (1366×768, some 1280×720) at the default and at
the largest font; the main window remembers its place and splitters; the font size setting
reaches every label at once.

The screen check runs tests/screen_fit_report.py once per screen size (the offscreen platform
fixes its screen when the QApplication starts), which opens each window and dialog the way the
user does and reports those whose frame or buttons leave the screen."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from gui_helpers import click, start_gui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from mediator_desktop import settings as opts

REPORT = Path(__file__).with_name("screen_fit_report.py")
SCREENS = [(1366, 768), (1280, 720)]
LARGEST = opts.UI_FONT_SIZE.maximum
DEFAULT = opts.UI_FONT_SIZE.default
#: Every window and dialog the report must have opened (at each font), so a window that
#: silently stopped being checked fails too.
EXPECTED = {
    "主窗口", "主窗口·概况", "主窗口·调解活动", "主窗口·协议与履行", "主窗口·回访与司法确认", "主窗口·证据与材料",
    "主窗口·卷宗", "主窗口·时间线", "受理登记", "当事人", "受理登记（修改）", "安排investigation", "安排mediation",
    "调解记录（第1次）", "调解记录·背对背（第1次）", "调解记录（第2次）", "背对背笔记", "调解协议", "文书",
    "回访记录", "回访记录·下一步", "改期", "未联系上", "增加回访", "取消回访", "今日提醒", "日程安排", "节假日安排",
    "设置·调解组织", "设置·显示", "设置·文书", "第一次使用", "从以往案件选取", "权利义务告知", "终止调解（原因）",
    "履行情况", "添加放假日期", "添加调休上班日", "调解员", "备份数据", "恢复数据（已加密）", "设置·数据库",
    "使用说明", "关于",
    "排查记录", "排查（发现的纠纷）", "预防纠纷", "移交处理", "联席会议", "联席会议（记录）",
    "销号", "导出台账", "导入台账",
    "主窗口·风险与移交", "调整风险等级", "一案一策", "处理层级", "移交", "设置·风险与移交",
    "统计报表", "统计报表（自定义期间）", "统计明细",
}


@pytest.fixture(scope="module", params=SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def screen_report(request: pytest.FixtureRequest) -> dict:  # type: ignore[type-arg]
    width, height = request.param
    done = subprocess.run([sys.executable, str(REPORT), str(width), str(height), str(DEFAULT), str(LARGEST)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"screen_fit_report failed at {width}×{height}:\n{done.stderr[-4000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_every_window_fits_the_screen(screen_report: dict) -> None:  # type: ignore[type-arg]
    width, height = screen_report["screen"]
    bad = [f"{r['window']}（{r['font']}磅，{r['size'][0]}×{r['size'][1]}）：" + "；".join(r["problems"])
           for r in screen_report["report"] if r["problems"]]
    assert not bad, f"在 {width}×{height} 的屏幕上放不下：\n" + "\n".join(bad)
    for font in (DEFAULT, LARGEST):
        seen = {r["window"] for r in screen_report["report"] if r["font"] == font}
        assert seen >= EXPECTED, f"{font}磅时没有检查到：{sorted(EXPECTED - seen)}"
    assert not screen_report["qt_warnings"], screen_report["qt_warnings"]


def test_font_change_grows_and_shrinks_open_windows(screen_report: dict) -> None:  # type: ignore[type-arg]
    rows = {r["window"]: r for r in screen_report["report"]}
    change = rows["设置（字号调大后变大、调小后缩回）"]
    assert not change["problems"], change["problems"]


def test_main_window_opens_maximised_then_remembers_geometry_and_splitter(qapp, qtbot, sqlite_services) -> None:  # type: ignore[no-untyped-def]
    from mediator_desktop.ui.app import create_main_window

    settings = start_gui(qapp, sqlite_services)
    window = create_main_window(sqlite_services, settings)
    qtbot.addWidget(window)
    window.show()
    assert window.windowState() & Qt.WindowState.WindowMaximized, "第一次打开应最大化"
    area = window.screen().availableGeometry()
    window.showNormal()
    assert area.contains(window.frameGeometry()), (window.frameGeometry(), area)
    window.setGeometry(area.x() + 30, area.y() + 40, 700, 600)
    window.splitter.setSizes([200, 480])
    sizes = window.splitter.sizes()
    window.close()   # the user closes the window: geometry and splitter are saved
    opts.Settings().load()

    again = create_main_window(sqlite_services, opts.Settings())
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: again.isVisible())
    assert not (again.windowState() & Qt.WindowState.WindowMaximized)
    assert (again.width(), again.height()) == (700, 600)
    assert again.splitter.sizes() == sizes
    again.close()


def test_font_size_reaches_styled_and_scaled_labels(qapp, qtbot, sqlite_services) -> None:  # type: ignore[no-untyped-def]
    """设置 → 显示 → 界面字号: the red error line (own style sheet), the case heading and a
    section heading (own, larger font) all take the new size at once, and keep their proportion."""
    from mediator_desktop.ui.app import apply_font_size, create_main_window

    settings = start_gui(qapp, sqlite_services)
    before = QApplication.font().pointSize()
    window = create_main_window(sqlite_services, settings)
    qtbot.addWidget(window)
    window.show()
    intake = window.new_case()
    click(qtbot, intake.ui.buttonBox.buttons()[0])  # save an empty form: red messages appear
    errors = [label for label in intake.findChildren(QLabel) if label.isVisible() and "#b00020" in label.styleSheet()]
    assert errors, "no red message after saving an empty form"
    error = errors[0]
    heading = window.case_view.heading
    try:
        dialog = window.open_settings()
        dialog.tabs.setCurrentIndex(next(i for i in range(dialog.tabs.count()) if dialog.tabs.tabText(i) == "显示"))
        dialog.font_size.setValue(20)
        assert QApplication.font().pointSize() == 20
        assert error.font().pointSize() == 20
        assert heading.font().pointSizeF() == pytest.approx(20 * 1.3, abs=0.6)
        box = dialog.satisfaction_scale  # a five-line text box stays five lines high
        assert box.maximumHeight() >= 5 * box.fontMetrics().lineSpacing()
        tall = box.maximumHeight()
        dialog.font_size.setValue(14)   # soon after: applied a moment later, with any further step
        qtbot.waitUntil(lambda: QApplication.font().pointSize() == 14, timeout=2000)
        assert error.font().pointSize() == 14
        assert heading.font().pointSizeF() == pytest.approx(14 * 1.3, abs=0.6)
        assert 5 * box.fontMetrics().lineSpacing() <= box.maximumHeight() < tall
        # The arrow key held: the last size is applied, the ones in between are skipped.
        dialog.font_size.setFocus()
        for _ in range(6):
            qtbot.keyClick(dialog.font_size, Qt.Key.Key_Up)
        qtbot.waitUntil(lambda: QApplication.font().pointSize() == 20, timeout=2000)
        assert opts.Settings().get(opts.UI_FONT_SIZE) == 20
        dialog.reject()
    finally:
        apply_font_size(before)
    intake.reject()


def test_documents_dialog_opens_at_the_size_it_was_left_at_within_the_screen(qapp, qtbot, sqlite_services) -> None:  # type: ignore[no-untyped-def]
    from conftest import sample_draft

    from mediator_desktop.ui.app import create_main_window

    settings = start_gui(qapp, sqlite_services)
    code = sqlite_services.cases.register(sample_draft()).code
    window = create_main_window(sqlite_services, settings)
    qtbot.addWidget(window)
    window.show()
    dialog = window.open_documents(code)
    area = dialog.screen().availableGeometry()
    assert area.contains(dialog.frameGeometry())
    dialog.resize(760, 540)          # the user makes it smaller
    click(qtbot, next(b for b in dialog.findChildren(QPushButton) if b.text() == "关闭"))
    again = window.open_documents(code)
    assert (again.width(), again.height()) == (760, 540)
    again.resize(3000, 2000)         # larger than any screen: clamped when it opens next
    again.reject()
    third = window.open_documents(code)
    assert area.contains(third.frameGeometry()), (third.frameGeometry(), area)
    third.reject()


def test_a_resized_dialog_keeps_its_size_and_splitter_across_openings(qapp, qtbot, sqlite_services) -> None:  # type: ignore[no-untyped-def]
    """PreserveGeometry, the base of the dialogs users resize: size and named splitters come back."""
    from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout

    from mediator_desktop.ui.common.widgets import PreserveGeometry, remember_sizes_in

    settings = start_gui(qapp, sqlite_services)
    remember_sizes_in(settings)

    class Sample(PreserveGeometry):
        def __init__(self) -> None:
            super().__init__()
            self.splitter = QSplitter()
            self.splitter.setObjectName("sampleSplitter")
            self.splitter.addWidget(QLabel("左"))
            self.splitter.addWidget(QLabel("右"))
            QVBoxLayout(self).addWidget(self.splitter)
            self.keep_geometry("sample", (800, 500))

    first = Sample()
    qtbot.addWidget(first)
    first.show()
    first.resize(700, 450)
    first.splitter.setSizes([150, 550])
    before = first.splitter.sizes()
    first.reject()
    second = Sample()
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == (700, 450)
    assert second.splitter.sizes() == before
    second.reject()
