"""Long work off the GUI thread, driven as a mediator does it: import a file of generated cases
from the 导入 menu item (answering the file dialog), watch the progress dialog count up while
the window keeps working, cancel an import (nothing imported) and an export (no file), export
the cases and the schedule (.ics), render the whole case file (卷宗) — and close the window
while an import runs."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from gui_helpers import click, start_gui
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from mediator_desktop.services.demo_data import generate_document
from mediator_desktop.services.dto import CaseQuery
from mediator_desktop.services.errors import ServiceError
from mediator_desktop.ui.app import create_main_window
from mediator_desktop.ui.common import background

pytestmark = pytest.mark.gui

#: Enough cases for the import to take a while (about a second here): the progress shows
#: several counts and a cancel arrives while it runs. (300 were enough while the import wrote
#: through the ORM's flush, about three times slower.)
N_CASES = 1000


@pytest.fixture
def gui(qapp, services, monkeypatch):  # type: ignore[no-untyped-def]
    """Real services (SQLite and PostgreSQL) set up as at start-up; the progress dialog shows
    at once (in use it waits 0.3 s so a quick export does not flash a window)."""
    monkeypatch.setattr(background, "PROGRESS_DELAY_MS", 0)
    settings = start_gui(qapp, services)
    return services, settings


@pytest.fixture
def window(qtbot, gui):  # type: ignore[no-untyped-def]
    services, settings = gui
    w = create_main_window(services, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def cases_file(tmp_path: Path, n: int = N_CASES) -> Path:
    """A case-exchange file of ``n`` realistic generated cases (bench/run.py's generator)."""
    path = tmp_path / "案件.json"
    path.write_text(json.dumps(generate_document(n, seed=11), ensure_ascii=False), encoding="utf-8")
    return path


def answer(qtbot, dialog: QFileDialog, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Choose ``path`` in an open file dialog and press its accept button (打开 / 保存)."""
    assert dialog.isVisible()
    dialog.selectFile(str(path))
    dialog.accept()


class Watch:
    """Records the task's progress reports, whether its dialog was on screen at each, and the
    ticks of a timer on the GUI thread (which only tick while that thread processes events)."""

    def __init__(self, task) -> None:  # type: ignore[no-untyped-def]
        self.task = task
        self.reports: list[tuple[int, int, str]] = []
        self.dialog_shown: list[bool] = []
        self.ticks = 0
        self.timer = QTimer(interval=10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        task.progressed.connect(self._report)

    def _tick(self) -> None:
        self.ticks += 1

    def _report(self, done: int, total: int, text: str) -> None:
        self.reports.append((done, total, text))
        self.dialog_shown.append(self.task.dialog.isVisible())

    def counted(self) -> list[int]:
        return [done for done, total, _ in self.reports if total > 0]


def case_count(services) -> int:  # type: ignore[no-untyped-def]
    return services.cases.count(CaseQuery())


def test_import_of_generated_cases_shows_progress_and_keeps_the_window_working(qtbot, window, gui, tmp_path) -> None:
    services, _settings = gui
    source = cases_file(tmp_path)
    window.import_action.trigger()
    answer(qtbot, window.file_dialog, source)
    task = window.task
    watch = Watch(task)
    qtbot.waitUntil(lambda: task.outcome is not None, timeout=120_000)
    watch.timer.stop()
    assert task.outcome == "done", task.error
    # The dialog was on screen, in Chinese, and its count went up to every case written.
    assert watch.reports and watch.dialog_shown.count(True) > len(watch.reports) // 2 and watch.dialog_shown[-1]
    counted = watch.counted()
    assert counted == sorted(counted) and len(set(counted)) > 3
    assert counted[-1] == 2 * N_CASES                     # checked, then written
    texts = [t for _d, _t, t in watch.reports]
    assert any(t.startswith("正在检查第") for t in texts) and any(t.startswith("正在写入第") for t in texts)
    assert task.dialog.isHidden()
    # The GUI thread kept processing events all along.
    assert watch.ticks >= 5
    # The result is said, and the cases are in the list.
    box = window.message_box
    assert box.windowTitle() == "导入完成" and f"新增{N_CASES}件" in box.text()
    box.close()
    assert case_count(services) == N_CASES
    assert window.case_model.rowCount() > 0 and f"{N_CASES:,}" in window.count_label.text()


def test_cancelling_an_import_imports_nothing(qtbot, window, gui, tmp_path) -> None:
    services, _settings = gui
    window.import_path(str(cases_file(tmp_path)))
    task = window.task
    qtbot.waitUntil(lambda: task.dialog.isVisible() and task.dialog.bar.maximum() > 0, timeout=60_000)
    click(qtbot, task.dialog.cancel_button)
    assert task.dialog.label.text() == "正在取消，请稍候……"
    qtbot.waitUntil(lambda: task.outcome is not None, timeout=60_000)
    assert task.outcome == "cancelled"
    assert window.message_box.windowTitle() == "导入已取消" and "没有导入任何案件" in window.message_box.text()
    window.message_box.close()
    assert case_count(services) == 0
    # A second import then works.
    window.import_path(str(cases_file(tmp_path, 20)))
    qtbot.waitUntil(lambda: window.task.outcome is not None, timeout=60_000)
    assert case_count(services) == 20


def test_a_refused_file_says_why_in_chinese(qtbot, window, gui, tmp_path) -> None:
    services, _settings = gui
    bad = tmp_path / "坏文件.json"
    bad.write_text('{"format": "mediator-desktop/case-exchange", "version": 1,', encoding="utf-8")
    task = window.import_path(str(bad))
    qtbot.waitUntil(lambda: task.outcome is not None)
    assert task.outcome == "failed"
    box = window.message_box
    assert box.windowTitle() == "导入失败" and "未导入任何数据" in box.text() and "第1行" in box.text()
    box.close()
    task = window.import_path(str(tmp_path / "没有这个文件.json"))
    qtbot.waitUntil(lambda: task.outcome is not None)
    assert task.outcome == "failed" and window.message_box.text().startswith("无法导入：")
    assert case_count(services) == 0


def test_export_from_the_menu_writes_a_valid_file_and_cancel_leaves_none(qtbot, window, gui, tmp_path) -> None:
    from mediator_desktop.exchange.validate import load_document, validate_document

    services, _settings = gui
    services.exchange.import_document(generate_document(N_CASES, seed=5))
    window.export_action.trigger()
    target = tmp_path / "导出.json"
    answer(qtbot, window.file_dialog, target)
    task = window.task
    watch = Watch(task)
    qtbot.waitUntil(lambda: task.outcome is not None, timeout=120_000)
    assert task.outcome == "done", task.error
    counted = watch.counted()
    assert counted == sorted(counted) and counted[-1] == N_CASES
    assert window.message_box.windowTitle() == "导出完成" and f"已导出{N_CASES}件" in window.message_box.text()
    window.message_box.close()
    doc, problems = load_document(target.read_bytes())
    assert problems == [] and validate_document(doc) == []
    assert len(doc["cases"]) == N_CASES                 # type: ignore[index]
    assert not list(tmp_path.glob("*.part"))

    # Cancelled: no file (and an earlier file of that name is left as it was).
    other = tmp_path / "取消的导出.json"
    window.export_path(str(other))
    task = window.task
    qtbot.waitUntil(lambda: task.dialog.isVisible(), timeout=60_000)
    qtbot.keyClick(task.dialog, Qt.Key.Key_Escape)      # Esc (or ×) asks to cancel, as 取消 does
    qtbot.waitUntil(lambda: task.outcome is not None, timeout=60_000)
    if task.outcome == "cancelled":
        assert window.message_box.windowTitle() == "导出已取消"
        assert not other.exists()
    else:                                               # it had already finished: a whole file
        assert task.outcome == "done" and validate_document(json.loads(other.read_text("utf-8"))) == []
    window.message_box.close()
    assert not list(tmp_path.glob("*.part"))


def test_schedule_export_runs_in_the_background_and_the_file_parses(qtbot, window, gui, tmp_path) -> None:
    from icalendar import Calendar
    from test_reminders import _mediating


    services, _settings = gui
    for day in (1, 5, 10, 15, 20):
        _mediating(services, date(2026, 11, day))
    window.ics_action.trigger()
    target = tmp_path / "调解日程.ics"
    answer(qtbot, window.file_dialog, target)
    task = window.task
    qtbot.waitUntil(lambda: task.outcome is not None, timeout=60_000)
    assert task.outcome == "done", task.error
    assert window.message_box.windowTitle() == "导出完成"
    window.message_box.close()
    events = list(Calendar.from_ical(target.read_bytes()).walk("VEVENT"))
    assert len(events) == len(services.reminders.ics_items()) == 5


def test_closing_the_window_during_an_import_cancels_it_cleanly(qtbot, gui, tmp_path) -> None:
    services, settings = gui
    w = create_main_window(services, settings)
    qtbot.addWidget(w)
    w.show()
    w.import_path(str(cases_file(tmp_path)))
    task = w.task
    qtbot.waitUntil(lambda: task.dialog.bar.maximum() > 0, timeout=60_000)
    w.close()                                           # waits for the worker: no thread left running
    assert not task._thread.isRunning()
    assert not background.busy(w)
    assert case_count(services) in (0, N_CASES)         # all or nothing, never a part
    qtbot.wait(50)                                      # the task's last word is dropped, not shown
    assert getattr(w, "message_box", None) is None


def test_an_unexpected_error_reaches_the_exception_hook(qtbot, qapp) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    def broken(_reporter):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("bug")

    with qtbot.captureExceptions() as caught:
        task = background.run_task(parent, broken, title="测试", text="……")
        qtbot.waitUntil(lambda: task.outcome is not None)
    assert task.outcome == "error"
    assert len(caught) == 1 and caught[0][0] is ZeroDivisionError
    # A ServiceError is the user's message, in a box.
    task = background.run_task(parent, lambda _r: (_ for _ in ()).throw(ServiceError("找不到这个案件")),
                               title="生成卷宗", text="……")
    qtbot.waitUntil(lambda: task.outcome is not None)
    box = parent.message_box
    assert task.outcome == "failed" and box.windowTitle() == "生成卷宗失败" and box.text() == "找不到这个案件"
    assert box.icon() == QMessageBox.Icon.Warning
    box.close()


def test_the_case_file_is_rendered_in_the_background_from_the_checklist(qtbot, window, gui, shared_samples,
                                                                        tmp_path) -> None:
    from pypdf import PdfReader

    services, _settings = gui
    sample = json.loads(shared_samples.read_text(encoding="utf-8"))
    code = services.exchange.import_document({**sample, "cases": sample["cases"][:1]}).created[0]
    window.refresh()
    assert window.case_view.heading.text() == code
    panel = window.case_view.checklist_panel
    window.case_view.tabs.setCurrentWidget(panel)
    click(qtbot, panel.case_file_button)
    dialog = panel.document_dialog
    qtbot.waitExposed(dialog)
    assert dialog.current_kind() == "case-file"
    task = dialog.render_task
    watch = Watch(task)
    qtbot.waitUntil(lambda: task.outcome is not None, timeout=60_000)
    assert task.outcome == "done", task.error
    assert watch.reports and watch.counted() == sorted(watch.counted())
    assert any(t.startswith("正在生成第") for _d, _t, t in watch.reports)
    pages = len(PdfReader(io.BytesIO(dialog.rendered.data)).pages)
    assert pages >= 4 and dialog.pdf.pageCount() == pages and dialog.info.text().startswith(f"共{pages}页")
    assert dialog.save_pdf_button.isEnabled()
    assert dialog.save(tmp_path / "卷宗.pdf", "pdf")
    assert len(PdfReader(tmp_path / "卷宗.pdf").pages) == pages

    # Another document is rendered at once; back to the case file, then closed while it renders.
    dialog.kind.setCurrentIndex(dialog.kind.findData("agreement"))
    assert dialog.rendered is not None and not background.busy(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("case-file"))
    task = dialog.render_task
    assert dialog.rendered is None and not dialog.print_button.isEnabled()
    dialog.reject()
    assert not task._thread.isRunning() and not background.busy(window)


def test_services_stop_at_the_step_the_user_cancels(gui, tmp_path) -> None:
    """The Qt-free side: progress counts up, and a cancel at any step leaves nothing behind
    (no case imported, no export file, no .ics file, no *.part)."""
    from mediator_desktop.services.errors import Cancelled

    services, _settings = gui

    def after(n: int):  # type: ignore[no-untyped-def]
        calls = [0]

        def cancelled() -> bool:
            calls[0] += 1
            return calls[0] > n
        return cancelled

    doc = generate_document(40, seed=3)
    seen: list[tuple[int, int]] = []
    with pytest.raises(Cancelled):
        services.exchange.import_document(doc, progress=lambda d, t: seen.append((d, t)), cancelled=after(70))
    assert case_count(services) == 0
    assert seen[0] == (0, 0) and seen[-1] == (68, 80) and [d for d, _t in seen[1:]] == list(range(69))
    services.exchange.import_document(doc)
    with pytest.raises(Cancelled):
        services.exchange.export_to_file(tmp_path / "出.json", cancelled=after(20))
    assert services.exchange.export_to_file(tmp_path / "全.json", cancelled=after(10**6)) == 40
    with pytest.raises(Cancelled):
        services.reminders.write_ics(tmp_path / "日程.ics", cancelled=after(3))
    written = sorted(p.name for p in tmp_path.iterdir() if p.is_file() and not p.name.startswith("test.sqlite3"))
    assert written == ["全.json"]
