"""Two programs at once on one database — first starts, imports, a writer behind a long import —
all end up working (or one gets a Chinese sentence), never a traceback: real processes of
``python -m mediator_desktop`` on a new SQLite file and a new PostgreSQL database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import pg_url, sample_draft, setup_org
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def start_cli(*args: str, home: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, MEDIATOR_DESKTOP_HOME=str(home))
    return subprocess.Popen([sys.executable, "-m", "mediator_desktop", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def together(runs: list[list[str]], home: Path) -> list[tuple[int, str, str]]:
    """Start the commands at once; their exit codes and output, none with a traceback."""
    procs = [start_cli(*args, home=home) for args in runs]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert "Traceback" not in out + err, err
        results.append((p.returncode, out, err))
    return results


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def new_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database nobody has opened yet: a SQLite file not yet made, or an empty PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{(tmp_path / 'new.sqlite3').as_posix()}"
        return
    server = make_url(pg_url())
    name = f"mediator_race_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def scalar(url: str, sql: str):  # type: ignore[no-untyped-def]
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def test_three_first_starts_at_once_share_one_schema(new_db: str, _isolated_home: Path) -> None:
    from mediator_desktop.storage import migrations

    results = together([["agenda", "--create", "--db", new_db]] * 3, _isolated_home)
    assert [code for code, _out, _err in results] == [0, 0, 0], results
    assert scalar(new_db, "SELECT count(*) FROM alembic_version") == 1
    assert scalar(new_db, "SELECT version_num FROM alembic_version") == migrations.head_revision()
    # The code tables were seeded once, not three times.
    from mediator_desktop.services.organization import DEFAULT_DISPUTE_TYPES

    seeded = sum(1 + len(children) for _name, children in DEFAULT_DISPUTE_TYPES)
    assert scalar(new_db, "SELECT count(*) FROM dispute_type") == seeded
    # And the database works for all afterwards.
    again = together([["agenda", "--db", new_db]], _isolated_home)
    assert again[0][0] == 0


def test_two_imports_of_one_file_at_once(new_db: str, shared_samples: Path, _isolated_home: Path) -> None:
    """Into a new database, each import creating the organisation: one wins, the other finds its
    cases already there (duplicates, exit 3) — one organisation, each case once."""
    results = together([["import", str(shared_samples), "--create", "--db", new_db]] * 2, _isolated_home)
    codes = sorted(code for code, _out, _err in results)
    assert codes == [0, 3], results
    loser = next(err for code, _out, err in results if code == 3)
    assert "与已有案件（2026）忙畔人调字第1号重复" in loser and "--allow-duplicates" in loser
    assert scalar(new_db, "SELECT count(*) FROM organization") == 1
    assert scalar(new_db, "SELECT count(*) FROM mediation_case") == 2


def hold_write_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another program in the middle of a long write (an import on another window) for ``seconds``."""
    code = ("import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\n"
            "print('locked', flush=True)\n"
            "time.sleep(float(sys.argv[2]))\n"
            "c.execute('COMMIT')\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_an_import_behind_a_long_write_waits_and_says_so(sqlite_url: str, shared_samples: Path,
                                                         _isolated_home: Path) -> None:
    from mediator_desktop.storage.db import BUSY_TIMEOUT_MS

    path = Path(sqlite_url.removeprefix("sqlite:///"))
    holder = hold_write_lock(path, BUSY_TIMEOUT_MS / 1000 + 8)  # well beyond one busy timeout
    try:
        started = time.monotonic()
        (code, out, err), = together([["import", str(shared_samples), "--db", sqlite_url]], _isolated_home)
        assert code == 0, err
        assert "另一台电脑（或另一个窗口）正在保存或导入，请稍候……" in err
        assert "新增2件" in out
        assert time.monotonic() - started >= BUSY_TIMEOUT_MS / 1000
    finally:
        holder.wait(timeout=60)


def test_a_write_waits_then_refuses_in_chinese_when_the_other_never_ends(sqlite_url: str, clock) -> None:  # type: ignore[no-untyped-def]
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.context import Actor
    from mediator_desktop.services.errors import ServiceError
    from mediator_desktop.storage.db import WAITING_MESSAGE, Database

    services = Services(Database(sqlite_url, busy_timeout_ms=200), Actor(name="测试员"))
    services.ctx._clock = clock
    told: list[str] = []
    services.db.on_wait = told.append
    services.db.lock_wait_total_s = 1.5
    try:
        services.dispute_types.ensure_defaults()
        setup_org(services)
        other = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None,
                                check_same_thread=False)
        # Released after 0.7 s: the write waits (and says so), then goes through.
        other.execute("BEGIN IMMEDIATE")
        release = threading.Timer(0.7, lambda: other.execute("COMMIT"))
        release.start()
        assert services.cases.register(sample_draft()).code
        release.join()
        assert told and set(told) == {WAITING_MESSAGE}
        # Never released: after lock_wait_total_s a Chinese sentence saying what to do.
        told.clear()
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(ServiceError) as err:
            services.cases.register(sample_draft())
        assert "等了2秒仍在写" in str(err.value) and "请等那边的导入或保存结束后再试" in str(err.value)
        assert err.value.kind == "busy"  # type: ignore[attr-defined]
        assert len(told) >= 3
        other.execute("ROLLBACK")
        other.close()
        assert services.cases.register(sample_draft()).code  # and it works again
    finally:
        services.close()


@pytest.fixture
def waiting_window(qtbot, qapp, sqlite_url: str, clock):  # type: ignore[no-untyped-def]
    """The main window on a SQLite database whose busy timeout is short, and a second
    connection (``other``) that can hold the write lock."""
    from gui_helpers import start_gui

    from mediator_desktop.services.app import Services
    from mediator_desktop.services.context import Actor
    from mediator_desktop.storage.db import Database
    from mediator_desktop.ui.app import create_main_window

    services = Services(Database(sqlite_url, busy_timeout_ms=200), Actor(name="测试员"))
    services.ctx._clock = clock
    services.dispute_types.ensure_defaults()
    try:
        window = create_main_window(services, start_gui(qapp, services))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        other = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None,
                                check_same_thread=False)
        yield services, window, other
        other.close()
    finally:
        services.close()


def test_the_window_says_it_waits(waiting_window) -> None:  # type: ignore[no-untyped-def]
    """While a write in the window waits for another writer, the status bar says so."""
    from mediator_desktop.storage.db import WAITING_MESSAGE

    services, window, other = waiting_window
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.7, lambda: other.execute("COMMIT"))
    release.start()
    assert services.cases.register(sample_draft()).code  # (what 登记 calls) went through after the wait
    release.join()
    assert window.statusBar().currentMessage() == WAITING_MESSAGE


def test_a_write_in_a_background_task_says_it_waits_on_the_gui_thread(  # type: ignore[no-untyped-def]
        qtbot, waiting_window) -> None:
    """An import runs in a worker thread: its wait note reaches the status bar through a queued
    signal (a widget touched from the worker would be a Qt thread warning, which fails the test)."""
    from mediator_desktop.storage.db import WAITING_MESSAGE
    from mediator_desktop.ui.common.background import run_task, running_tasks

    services, window, other = waiting_window
    other.execute("BEGIN IMMEDIATE")
    seen: list[str] = []
    window.statusBar().messageChanged.connect(seen.append)
    done: list[str] = []
    run_task(window, lambda _r: services.cases.register(sample_draft()).code, title="导入", text="正在导入……",
             on_done=done.append)
    qtbot.waitUntil(lambda: WAITING_MESSAGE in seen, timeout=5000)   # shown while the worker waits
    other.execute("COMMIT")
    qtbot.waitUntil(lambda: bool(done) and not running_tasks(window), timeout=10_000)
    assert done[0].startswith("（")
