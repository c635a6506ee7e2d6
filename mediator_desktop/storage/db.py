"""Opening the database: engine set-up per dialect, migrations at start-up, sessions.

SQLite (the default, one PC): WAL journal, foreign keys and a busy timeout on *every*
connection, write transactions started with ``BEGIN IMMEDIATE`` so two writers queue instead of
failing half-way. PostgreSQL (a centre whose room PCs share one database): psycopg 3.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from mediator_desktop import paths

log = logging.getLogger(__name__)

_NETWORK_FS = {"cifs", "smb3", "smbfs", "nfs", "nfs4", "9p", "afpfs", "sshfs", "fuse.sshfs", "davfs"}


class StorageError(Exception):
    """A database problem the user can understand and act on (message in Chinese)."""


def normalize_url(url: str | None) -> URL:
    """Turn what the user typed (``--db``) into a SQLAlchemy URL.

    Accepts a SQLAlchemy URL, a plain ``postgresql://`` URL (psycopg 3 is used), or a file path.
    """
    if not url:
        return make_url(paths.default_database_url())
    if "://" not in url:
        return make_url(f"sqlite:///{Path(url).expanduser().resolve().as_posix()}")
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StorageError(f"数据库地址格式不正确：{url}") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StorageError(f"不支持的数据库类型：{parsed.get_backend_name()}（仅支持 SQLite 和 PostgreSQL）")
    return parsed


def _network_filesystem(path: Path) -> str | None:
    """The file-system type if ``path`` lies on a network share (where SQLite corrupts)."""
    text = str(path)
    if text.startswith("\\\\") or text.startswith("//"):
        return "network share"
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return None
    best, fstype = "", None
    resolved = str(path.resolve())
    for line in mounts:
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        if (resolved == mount_point or resolved.startswith(mount_point.rstrip("/") + "/")) and len(
            mount_point
        ) > len(best):
            best, fstype = mount_point, fields[2]
    return fstype if fstype in _NETWORK_FS else None


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy's "begin" event decide how a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        if conn.get_execution_options().get("sqlite_immediate"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


class Database:
    """One database the application works on."""

    def __init__(self, url: str | None = None, *, echo: bool = False) -> None:
        self.url = normalize_url(url)
        self.dialect = self.url.get_backend_name()
        if self.dialect == "sqlite":
            db_file = self.url.database
            if db_file and db_file != ":memory:":
                path = Path(db_file)
                fs = _network_filesystem(path.parent if path.parent.exists() else Path.cwd())
                if fs:
                    raise StorageError(
                        f"本机数据库文件不能放在网络共享盘上（{fs}），否则数据会损坏。"
                        "多台电脑共用数据请改用 PostgreSQL 服务器。"
                    )
                path.parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(self.url, echo=echo)
            _sqlite_setup(self.engine)
        else:
            self.engine = create_engine(
                self.url, echo=echo, pool_pre_ping=True, connect_args={"connect_timeout": 10}
            )
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        writer_engine = (
            self.engine.execution_options(sqlite_immediate=True)
            if self.dialect == "sqlite"
            else self.engine
        )
        self._writer = sessionmaker(writer_engine, expire_on_commit=False)

    @cached_property
    def cjk_words(self) -> bool:
        """Whether PostgreSQL's text-search parser keeps a Chinese character as a word (true
        under a UTF-8 locale; a server created with the plain C locale drops them)."""
        if self.dialect != "postgresql":
            return True
        with self.read() as s:
            return bool(s.execute(text("SELECT length(to_tsvector('simple', '张 三')) = 2")).scalar())

    @property
    def sqlite_file(self) -> Path | None:
        if self.dialect == "sqlite" and self.url.database not in (None, "", ":memory:"):
            return Path(self.url.database)  # type: ignore[arg-type]
        return None

    def describe(self) -> str:
        """Where the data lives, for the status bar (never shows a password)."""
        if self.sqlite_file:
            return f"本机数据库：{self.sqlite_file}"
        if self.dialect == "sqlite":
            return "内存数据库"
        return f"PostgreSQL：{self.url.host or 'localhost'}:{self.url.port or 5432}/{self.url.database}"

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self._reader()
        try:
            yield session
        finally:
            # close() ends the transaction without expiring what was read (rollback() would).
            session.close()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that commits on success and rolls back on any exception."""
        session = self._writer()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    # -- schema -----------------------------------------------------------------------------

    def migrate(self, *, backup: bool = True) -> Path | None:
        """Bring the schema to the newest revision; returns the backup made, if any.

        Before changing an existing SQLite file a consistent copy is written to the backups
        folder, so a failed upgrade never costs the user their data.
        """
        from mediator_desktop.storage import migrations

        try:
            current = migrations.current_revision(self.engine)
        except OperationalError as exc:
            raise StorageError(f"无法连接数据库：{exc.orig}") from exc
        head = migrations.head_revision()
        if current == head:
            return None
        backup_path = None
        if backup and current is not None and self.sqlite_file and self.sqlite_file.exists():
            backup_path = self.backup_sqlite(reason=f"before-{head}")
        migrations.upgrade(self.engine)
        return backup_path

    def backup_sqlite(self, reason: str = "manual") -> Path:
        assert self.sqlite_file is not None
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = paths.backups_dir() / f"{self.sqlite_file.stem}-{stamp}-{reason}.sqlite3"
        src = sqlite3.connect(self.sqlite_file)
        try:
            dst = sqlite3.connect(target)
            with dst:
                src.backup(dst)
            dst.close()
        finally:
            src.close()
        log.info("backed up %s to %s", self.sqlite_file, target)
        return target

    def table_names(self) -> list[str]:
        return inspect(self.engine).get_table_names()

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    db = Database(url)
    if migrate:
        db.migrate()
    return db


