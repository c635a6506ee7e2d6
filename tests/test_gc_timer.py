"""The cyclic garbage collector runs on the GUI thread only (ui/common/gc_timer.py): a worker
thread that allocates (an import, a backup) must never be the one that frees Qt objects."""

from __future__ import annotations

import gc
import threading

from gui_helpers import start_gui

from mediator_desktop.ui.common.gc_timer import INTERVAL_MS, GarbageCollector


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_the_window_collects_on_its_own_thread(qtbot, qapp, services) -> None:  # type: ignore[no-untyped-def]
    start_gui(qapp, services)
    assert not gc.isenabled(), "automatic collection would run in whatever thread allocates"
    assert len(qapp.findChildren(GarbageCollector)) == 1
    collected_in: list[str] = []

    class Watched(_Cycle):
        def __del__(self) -> None:
            collected_in.append(threading.current_thread().name)

    def make_garbage() -> None:
        for _ in range(gc.get_threshold()[0] * 3):
            Watched()

    worker = threading.Thread(target=make_garbage, name="worker")
    worker.start()
    worker.join()
    assert collected_in == []  # the worker's allocations set off no collection
    qtbot.waitUntil(lambda: len(collected_in) > 0, timeout=INTERVAL_MS * 6)
    assert set(collected_in) == {threading.main_thread().name}
