"""Python's cyclic garbage collector, run on the GUI thread only.

A collection runs in whichever thread happens to allocate when a threshold is crossed. When that
is a worker thread (an import, a backup, the reminder count), the cycles it frees may hold Qt
objects that belong to the GUI thread, and Qt crashes deleting them there: seen here as rare
segfaults in the GUI tests while a background task ran. As qutebrowser and pyqtgraph do, the
automatic collector is switched off and a timer on the GUI thread collects instead, generation
by generation when the counts pass the usual thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

#: How often the GUI thread looks at the collector's counts (milliseconds).
INTERVAL_MS = 500


class GarbageCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        gc.disable()
        self.timer.start()

    def check(self) -> None:
        """Collect the generations whose counts passed their thresholds (youngest first)."""
        counts = gc.get_count()
        if counts[0] > self.threshold[0]:
            gc.collect(0)
            if counts[1] > self.threshold[1]:
                gc.collect(1)
                if counts[2] > self.threshold[2]:
                    gc.collect(2)


def collect_on_gui_thread(app: QObject) -> GarbageCollector:
    """Install the collector once for ``app`` (the QApplication); returns it."""
    existing = app.findChild(GarbageCollector)
    return existing if existing is not None else GarbageCollector(app)
