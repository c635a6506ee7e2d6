"""The window's paths as the user feels them, measured inside one GUI process (offscreen Qt,
1366×768), and their plain baselines. Run by bench/run.py, one process per measurement:

    gui_probe.py start-app URL T0       process start → case list painted (and reminders counted)
    gui_probe.py start-bare T0          process start → a bare QMainWindow + QTableView painted
    gui_probe.py window URL             search per keystroke, stalls while typing, first search
                                        after idle, the today window, scrolling, peak memory
    gui_probe.py bare-window DBFILE N   the baselines: plain SQL pages in a bare table, the same
                                        scrolling and a bare table of N rows as the today window

Each prints one JSON line. T0 is the parent's time.time() just before it started the process.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
MODE = sys.argv[1]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _painted_flag(widget):  # type: ignore[no-untyped-def]
    """A list that becomes non-empty when ``widget`` is painted."""
    from PySide6.QtCore import QEvent, QObject

    class Watch(QObject):
        def __init__(self) -> None:
            super().__init__(widget)
            self.painted: list[float] = []

        def eventFilter(self, _obj, event):  # type: ignore[no-untyped-def]
            if event.type() == QEvent.Type.Paint and not self.painted:
                self.painted.append(time.time())
            return False

    watch = Watch()
    widget.installEventFilter(watch)
    return watch


def _close(window) -> None:  # type: ignore[no-untyped-def]
    """As the application quits: its background work (the day's first backup, say) is stopped
    or waited for, so no worker thread outlives the process's Qt objects."""
    from mediator_desktop.ui.common.background import stop_tasks

    stop_tasks(window)


def start_app(url: str, t0: float) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    from mediator_desktop.services.app import Services
    from mediator_desktop.settings import Settings
    from mediator_desktop.ui.app import create_main_window, init_application

    app = QApplication(sys.argv[:1])
    settings = Settings()
    init_application(app, settings)
    services = Services.open(url, lazy=True)   # as ui/app.py run() opens it
    window = create_main_window(services, settings)
    watch = _painted_flag(window.table.viewport())
    window.resize(1366, 768)
    window.show()
    while not watch.painted:
        app.processEvents()
    painted = watch.painted[0] - t0
    while window._reminders_at == float("-inf") or window._recount is not None:   # counted, not just labelled
        app.processEvents()
        time.sleep(0.002)
    counted = time.time() - t0
    _close(window)
    return {"painted_s": painted, "reminders_s": counted}


def start_bare(t0: float) -> dict[str, float]:
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    model = QStandardItemModel(0, 7)
    for r in range(200):
        model.appendRow([QStandardItem(f"行{r}列{c}") for c in range(7)])
    table = QTableView()
    table.setModel(model)
    window.setCentralWidget(table)
    watch = _painted_flag(table.viewport())
    window.resize(1366, 768)
    window.show()
    while not watch.painted:
        app.processEvents()
    return {"painted_s": watch.painted[0] - t0}


def _words() -> list[str]:
    return ["张", "张三", "王建", "李秀英", "zs", "wjg", "lxy", "zhang", "138", "1390883", "龙门人调字第1", "第12号",
            "物业", "工资", "排水沟", "装修款", "离婚", "宅基地", "交通事故", "邻里", "𠮷", "马有福", "刘", "chen",
            "yang", "2025", "赔偿", "围墙"]


def window_paths(url: str) -> dict[str, object]:
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from mediator_desktop.services.app import Services
    from mediator_desktop.settings import SHOW_TODAY_ON_START, Settings
    from mediator_desktop.ui.app import create_main_window, init_application

    app = QApplication(sys.argv[:1])
    settings = Settings()
    settings.set(SHOW_TODAY_ON_START, False)
    init_application(app, settings)
    services = Services.open(url, lazy=True)   # as ui/app.py run() opens it
    window = create_main_window(services, settings)
    window.resize(1366, 768)
    window.show()
    while window._reminders_at == float("-inf") or window._recount is not None:   # counted, not just labelled
        app.processEvents()
        time.sleep(0.002)
    out: dict[str, object] = {}

    def search_path(text: str) -> float:
        """One keystroke's whole path once the debounce fires: query, count, model reset, the
        first case shown, everything painted."""
        window.search.blockSignals(True)
        window.search.setText(text)
        window.search.blockSignals(False)
        start = time.perf_counter()
        window.refresh()
        window.repaint()
        return (time.perf_counter() - start) * 1000

    # 1. per keystroke, every prefix of every word, three rounds (the first round warms caches)
    times: list[float] = []
    for round_ in range(3):
        for word in _words():
            for i in range(1, len(word) + 1):
                t = search_path(word[:i])
                if round_:
                    times.append(t)
    out["search_ms"] = times

    # 2. the longest pause of the event loop while typing at 110 ms per character, the real
    #    debounce and everything it sets off included
    gaps: list[float] = []
    last = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        last[0] = now

    heart = QTimer(interval=1)
    heart.timeout.connect(beat)
    window.search.clear()
    QTest.qWait(300)
    heart.start()
    last[0] = time.perf_counter()   # (not from before the 300 ms wait: that was counted as a pause)
    for word in _words():
        for i in range(1, len(word) + 1):
            window.search.setText(word[:i])
            QTest.qWait(110)
        QTest.qWait(400)
        window.search.clear()
        QTest.qWait(200)
    heart.stop()
    out["typing_longest_pause_ms"] = max(gaps)
    out["typing_pauses_over_100ms"] = sum(1 for g in gaps if g > 100)

    # 3. the first search after ten seconds of doing nothing
    QTest.qWait(10_000)
    out["idle_search_ms"] = search_path("李秀")

    # 4. the today window, as it opens at start (the list itself is read in a worker)
    start = time.perf_counter()
    items = services.reminders.today_list()
    out["today_list_s"] = time.perf_counter() - start
    out["today_items"] = len(items)
    start = time.perf_counter()
    view = window.open_today(items)
    view.repaint()
    out["today_window_s"] = time.perf_counter() - start
    view.close()

    # 5. scrolling the whole list to its end, painting as it goes
    window.search.clear()
    window._search_timer.stop()
    window.refresh()
    table, model = window.table, window.case_model
    bar = table.verticalScrollBar()
    start = time.perf_counter()
    steps = 0
    while True:
        bar.setValue(bar.maximum())
        app.processEvents()
        table.viewport().repaint()
        steps += 1
        if not model.canFetchMore() and bar.value() == bar.maximum():
            break
    out["scroll_s"] = time.perf_counter() - start
    out["scroll_rows"] = model.rowCount()
    out["scroll_steps"] = steps
    out["peak_mb"] = _peak_mb()
    window.close()
    _close(window)
    services.close()
    return out


def bare_window(db_file: str, today_rows: int) -> dict[str, object]:
    """Baselines: a bare table over plain SQL keyset pages of the same cases, scrolled the same
    way; a bare table of ``today_rows`` plain rows, built and painted."""
    import sqlite3

    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication(sys.argv[:1])
    con = sqlite3.connect(db_file)
    sql = ("SELECT id, code, received_on, status, title, party_names, mediator_names FROM mediation_case "
           "WHERE (received_on, id) < (?, ?) ORDER BY received_on DESC, id DESC LIMIT 200")

    class Plain(QAbstractTableModel):
        def __init__(self, lazy: bool, rows: list[tuple] | None = None) -> None:  # type: ignore[type-arg]
            super().__init__()
            self.lazy = lazy
            self.rows: list[tuple] = rows or []  # type: ignore[type-arg]
            self.done = not lazy

        def rowCount(self, parent=QModelIndex()) -> int:  # type: ignore[no-untyped-def]
            return 0 if parent.isValid() else len(self.rows)

        def columnCount(self, parent=QModelIndex()) -> int:  # type: ignore[no-untyped-def]
            return 0 if parent.isValid() else 7

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
            if role == Qt.ItemDataRole.DisplayRole:
                return str(self.rows[index.row()][index.column()])
            return None

        def canFetchMore(self, parent=QModelIndex()) -> bool:  # type: ignore[no-untyped-def]
            return not parent.isValid() and not self.done

        def fetchMore(self, parent=QModelIndex()) -> None:  # type: ignore[no-untyped-def]
            after = (self.rows[-1][2], self.rows[-1][0]) if self.rows else ("9999-12-31", 1 << 62)
            page = con.execute(sql, after).fetchall()
            if not page:
                self.done = True
                return
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()

    out: dict[str, object] = {}
    window = QMainWindow()
    table = QTableView()
    model = Plain(lazy=True)
    table.setModel(model)
    window.setCentralWidget(table)
    window.resize(1366, 768)
    window.show()
    model.fetchMore()
    app.processEvents()
    bar = table.verticalScrollBar()
    start = time.perf_counter()
    while True:
        bar.setValue(bar.maximum())
        app.processEvents()
        table.viewport().repaint()
        if not model.canFetchMore() and bar.value() == bar.maximum():
            break
    out["scroll_s"] = time.perf_counter() - start
    out["scroll_rows"] = model.rowCount()
    out["peak_mb"] = _peak_mb()

    rows = [(f"逾期{i}", "2026-11-23", "回访", f"（2026）龙门人调字第{i}号", "张三、李四", "回访：协议履行情况",
             "已逾期3个工作日") for i in range(today_rows)]
    start = time.perf_counter()
    view = QTableView()
    view.setModel(Plain(lazy=False, rows=rows))
    view.resize(1150, 620)
    view.show()
    view.resizeColumnsToContents()
    view.repaint()
    out["today_window_s"] = time.perf_counter() - start
    return out


def main() -> int:
    if MODE == "start-app":
        result: dict[str, object] = dict(start_app(sys.argv[2], float(sys.argv[3])))
    elif MODE == "start-bare":
        result = dict(start_bare(float(sys.argv[2])))
    elif MODE == "window":
        result = window_paths(sys.argv[2])
    elif MODE == "bare-window":
        result = bare_window(sys.argv[2], int(sys.argv[3]))
    else:
        raise SystemExit(f"unknown mode {MODE}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
