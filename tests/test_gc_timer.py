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


def test_services_made_lazily_in_workers_while_the_window_runs(qtbot, qapp, sqlite_url, clock) -> None:  # type: ignore[no-untyped-def]
    """The window opens its services lazily (ui/app.py): whichever thread first asks for a
    service makes it. With collection on the GUI thread only that is safe; here eight workers
    at a time ask for every service of fresh lazy facades — and use them — while the window
    builds and drops widgets and collects on its own thread, round after round."""
    from conftest import make_services
    from gui_helpers import shown_window
    from PySide6.QtWidgets import QLabel

    from mediator_desktop.services.app import Services
    from mediator_desktop.services.context import Actor

    base = make_services(sqlite_url, clock)
    window = shown_window(qtbot, qapp, base)
    assert not gc.isenabled()
    names = [n for n, attr in vars(Services).items() if type(attr).__name__ == "_Service"]
    errors: list[BaseException] = []
    for _round in range(8):
        lazy = Services.open(sqlite_url, Actor(name="测试员"), lazy=True)
        assert set(names) - set(lazy.unmade()) == {"dispute_types"}   # (open seeds the code table)
        made: list[list[object]] = []

        def ask(facade: Services = lazy, made: list[list[object]] = made) -> None:
            try:
                got = []
                for name in names:
                    got.append(getattr(facade, name))
                    for _ in range(200):
                        _Cycle()                  # garbage from the worker: collected on the GUI thread
                facade.reminders.today_list()
                facade.cases.status_counts()
                made.append(got)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        workers = [threading.Thread(target=ask) for _ in range(8)]
        for w in workers:
            w.start()
        while any(w.is_alive() for w in workers):
            labels = [QLabel(f"{i}", window) for i in range(50)]
            for label in labels:
                label.deleteLater()
            qapp.processEvents()
            gc.collect(0)
        for w in workers:
            w.join()
        assert errors == []
        assert lazy.unmade() == []
        # One object per service, whichever thread made it.
        assert all([id(x) for x in got] == [id(x) for x in made[0]] for got in made)
        lazy.close()
    qtbot.waitUntil(lambda: window._painted, timeout=5000)
    window.close()
    base.close()
