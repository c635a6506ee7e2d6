"""Database errors reach the user as one Chinese sentence: a locked SQLite file, a full disk, a
read-only database, an unreachable server — each met for real, through a service."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import sample_draft, setup_org
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError

from mediator_desktop.services.app import Services
from mediator_desktop.services.context import Actor
from mediator_desktop.services.errors import ServiceError
from mediator_desktop.storage.db import DB_MESSAGES, Database, StorageConflictError


def open_services(url: str, **db_options: object) -> Services:
    services = Services(Database(url, **db_options), Actor(name="测试员"))  # type: ignore[arg-type]
    services.dispute_types.ensure_defaults()
    return services


def test_a_database_locked_by_another_program_says_busy_and_works_again_after(sqlite_url: str) -> None:
    services = open_services(sqlite_url, busy_timeout_ms=300)
    services.db.lock_wait_total_s = 0  # give up at the first busy timeout (the wait: test_concurrent_starts)
    try:
        setup_org(services)
        other = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another PC's program in the middle of a write
        try:
            with pytest.raises(ServiceError) as err:
                services.cases.register(sample_draft())
            assert str(err.value).startswith("另一处（另一台电脑或另一个窗口）的写入一直没有完成")
            assert err.value.kind == "busy"  # type: ignore[attr-defined]
            assert isinstance(err.value.__cause__, OperationalError)
            # Reading still works while the other program writes (WAL).
            assert services.organization.is_set_up()
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert services.cases.register(sample_draft()).code  # and the same step works again
    finally:
        services.close()


def test_a_full_disk_says_so(sqlite_url: str) -> None:
    services = open_services(sqlite_url)
    try:
        setup_org(services)
        with services.db.engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

        # The file may not grow by a single page: what SQLite reports on a full disk.
        @event.listens_for(services.db.engine, "connect")
        def _cap(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

        services.db.engine.dispose()
        draft = sample_draft(summary="很长的纠纷经过。" * 2_000)
        with pytest.raises(ServiceError) as err:
            services.cases.register(draft)
        assert str(err.value) == DB_MESSAGES["full"] and str(err.value).startswith("磁盘空间已满")
    finally:
        services.close()


def test_a_read_only_database_says_so(sqlite_url: str) -> None:
    services = open_services(sqlite_url)
    try:
        setup_org(services)

        @event.listens_for(services.db.engine, "connect")
        def _read_only(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_connection.execute("PRAGMA query_only=ON")

        services.db.engine.dispose()
        with pytest.raises(ServiceError) as err:
            services.cases.register(sample_draft())
        assert str(err.value).startswith("数据库只能读、不能写")
        assert services.organization.is_set_up()  # reading is fine
    finally:
        services.close()


def test_an_unreachable_server_says_so_on_every_call() -> None:
    services = Services(Database("postgresql://nobody@127.0.0.1:1/nothing"), Actor(name="测试员"))
    try:
        with pytest.raises(ServiceError) as err:
            services.organization.is_set_up()
        assert str(err.value).startswith("无法连接数据库服务器")
    finally:
        services.close()


def test_a_constraint_is_a_conflict_not_a_crash(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        with pytest.raises(StorageConflictError) as err, db.write() as s:
            s.connection().exec_driver_sql(
                "INSERT INTO case_mediator (case_id, mediator_id, role, position) VALUES (999, 999, 'presiding', 0)")
        assert isinstance(err.value, ServiceError) and isinstance(err.value.__cause__, IntegrityError)
        assert "冲突" in str(err.value)
    finally:
        db.dispose()
