"""Opening the database: engine set-up per dialect, migrations at start-up, sessions.

SQLite (the default, one PC): WAL journal, foreign keys and a busy timeout on *every*
connection, write transactions started with ``BEGIN IMMEDIATE`` so two writers queue instead of
failing half-way. PostgreSQL (a centre whose room PCs share one database): psycopg 3.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from mediator_desktop import paths
from mediator_desktop.errors import STALE_MESSAGE, ConflictError, ServiceError

log = logging.getLogger(__name__)

_NETWORK_FS = {"cifs", "smb3", "smbfs", "nfs", "nfs4", "9p", "afpfs", "sshfs", "fuse.sshfs", "davfs"}


#: The ``app_meta`` key of the database's identity (see :attr:`Database.database_id`).
DATABASE_ID_KEY = "database_id"

#: How long a SQLite connection waits for another writer (another program, or a second window
#: on this PC) before it gives up with "database is locked".
BUSY_TIMEOUT_MS = 10_000


class StorageError(ServiceError):
    """A database problem the user can understand and act on (message in Chinese).

    A :class:`~mediator_desktop.errors.ServiceError`, so every place that shows a service's
    refusal shows this too. ``kind`` names the cause for code that reacts to it: ``busy``,
    ``unreachable``, ``full``, ``readonly``, ``cannot-open``, ``corrupt``, ``conflict``, ``other``.
    """

    def __init__(self, message: str, kind: str = "other") -> None:
        super().__init__(message)
        self.kind = kind


class StorageConflictError(StorageError):
    """The database refused a row that clashes with one already saved (a unique or foreign
    key constraint): usually another PC saved the same thing a moment earlier."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "conflict")


#: Chinese sentences for the database errors a user can meet (and what to do about them).
DB_MESSAGES = {
    "busy": "数据库正忙（另一台电脑或程序正在写入），请稍后再试。",
    "unreachable": "无法连接数据库服务器，这一步没有完成。请检查网线或无线网络是否连通、"
                   "服务器电脑是否开机，稍后再试；如果一直连不上，请联系负责服务器的同事。",
    "full": "磁盘空间已满，这一步没有完成。请删除不用的文件腾出空间后再试，或联系负责电脑的同事。",
    "readonly": "数据库只能读、不能写，这一步没有完成。请检查数据库文件是否被设为只读、"
                "U盘或磁盘是否写保护，或联系负责电脑的同事。",
    "cannot-open": "无法打开数据库文件，这一步没有完成。请检查数据库所在的磁盘或U盘是否还连着电脑。",
    "corrupt": "数据库文件已损坏，这一步没有完成。请不要再继续录入，联系负责电脑的同事用备份恢复"
               "（备份在数据文件夹的 backups 中）。",
    "conflict": "这条内容与已经保存的记录冲突（可能另一台电脑刚刚保存了同样的内容），这一步没有完成。"
                "请关闭后重新打开再试。",
    "other": "数据库出错，这一步没有完成。请稍后再试；如果反复出现，请联系负责电脑的同事。",
    "busy-timeout": "另一处（另一台电脑或另一个窗口）的写入一直没有完成，等了{seconds}秒仍在写，这一步没有完成。"
                    "请等那边的导入或保存结束后再试；如果没有别处在用，请关闭所有调解工作台窗口后重新打开。",
}

#: Shown (status bar, command line) while a write waits for another writer to finish.
WAITING_MESSAGE = "另一台电脑（或另一个窗口）正在保存或导入，请稍候……"

#: How long a write waits in all for another writer before it gives up (SQLite), in seconds.
LOCK_WAIT_TOTAL_S = 120.0


class DatabaseMissingError(StorageError):
    """The SQLite file named does not exist, and the caller did not ask for a new database."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"找不到数据库文件：{path}。请检查路径是否输错（数据库没有被新建）。", "missing")
        self.path = path


class NewerSchemaError(StorageError):
    """The database was written by a newer version of the application (an unknown revision)."""

    def __init__(self, revision: str) -> None:
        super().__init__(
            f"这个数据库由更新版本的调解工作台建立或升级过（数据库版本 {revision}），本程序无法使用它。"
            "请把本机的调解工作台升级到最新版本后再打开；数据库没有被改动。", "newer")
        self.revision = revision


_SQLITE_KINDS = {
    "SQLITE_BUSY": "busy", "SQLITE_LOCKED": "busy", "SQLITE_FULL": "full", "SQLITE_READONLY": "readonly",
    "SQLITE_CANTOPEN": "cannot-open", "SQLITE_CORRUPT": "corrupt", "SQLITE_NOTADB": "corrupt",
    "SQLITE_PERM": "readonly",
}
#: PostgreSQL SQLSTATEs (class 08 connection, 53 resources, 57P0x shutdown, 40 rollback…).
_PG_KINDS = {
    "55P03": "busy", "40P01": "busy", "40001": "busy", "53100": "full", "25006": "readonly",
    "57P01": "unreachable", "57P02": "unreachable", "57P03": "unreachable",
}


def _error_kind(exc: DBAPIError) -> str:
    if isinstance(exc, IntegrityError):
        return "conflict"
    orig = exc.orig
    name = getattr(orig, "sqlite_errorname", None)
    if isinstance(name, str):
        base = "_".join(name.split("_")[:2])  # SQLITE_BUSY_SNAPSHOT → SQLITE_BUSY
        if base in _SQLITE_KINDS:
            return _SQLITE_KINDS[base]
        if base == "SQLITE_IOERR":
            return "cannot-open"
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        if sqlstate.startswith("08"):
            return "unreachable"
        if sqlstate in _PG_KINDS:
            return _PG_KINDS[sqlstate]
    text_ = str(orig).lower()
    for needle, kind in (("database is locked", "busy"), ("disk is full", "full"), ("readonly", "readonly"),
                         ("read-only", "readonly"), ("unable to open database", "cannot-open"),
                         ("malformed", "corrupt"), ("not a database", "corrupt")):
        if needle in text_:
            return kind
    if exc.connection_invalidated or (isinstance(exc, OperationalError) and sqlstate is None
                                      and getattr(orig, "sqlite_errorname", None) is None):
        # psycopg reports a refused or dropped connection without a SQLSTATE.
        return "unreachable"
    return "other"


def storage_error(exc: DBAPIError) -> StorageError:
    """The Chinese :class:`StorageError` for a database error SQLAlchemy raised; the original
    is logged with its traceback (the caller chains it with ``raise … from exc``)."""
    kind = _error_kind(exc)
    log.warning("database error (%s): %s", kind, exc.orig, exc_info=exc)
    if kind == "conflict":
        return StorageConflictError(DB_MESSAGES["conflict"])
    return StorageError(DB_MESSAGES[kind], kind)


def normalize_url(url: str | None) -> URL:
    """Turn what the user typed (``--db``) into a SQLAlchemy URL.

    Accepts a SQLAlchemy URL, a plain ``postgresql://`` URL (psycopg 3 is used), or a file path.
    """
    if not url:
        return make_url(paths.default_database_url())
    if "://" not in url:
        return make_url(f"sqlite:///{Path(url).expanduser().resolve().as_posix()}")
    bad = StorageError(f"数据库地址格式不正确：{url}。应当像 postgresql://用户名@服务器地址:5432/库名 这样"
                       "（端口是数字，用户名或密码里的 @ : / 要写成 %40 %3A %2F），请检查后重新输入。", "bad-url")
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise bad from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StorageError(f"不支持的数据库类型：{parsed.get_backend_name()}（仅支持 SQLite 和 PostgreSQL）")
    if parsed.get_backend_name() == "postgresql" and (
        parsed.drivername != "postgresql+psycopg"      # the only driver shipped (psycopg 3)
        or not parsed.database or not _HOST.fullmatch(parsed.host or "localhost")
        or not (parsed.port is None or 0 < parsed.port < 65536)
    ):
        raise bad
    return parsed


#: A host name or an IPv4/IPv6 address (what a PostgreSQL URL's host may be).
_HOST = re.compile(r"[A-Za-z0-9_.\-]+|\[?[0-9A-Fa-f:.]+\]?")


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


def _make_private(db_file: Path) -> None:
    """The database file and its -wal/-shm hold personal data: the user's alone (0600). Done
    before WAL is switched on, as SQLite creates -wal and -shm with the database file's mode."""
    for path in (db_file, db_file.with_name(db_file.name + "-wal"), db_file.with_name(db_file.name + "-shm")):
        if path.exists():
            paths.private_file(path)


def _use_wal(cursor: sqlite3.Cursor, busy_timeout_ms: int) -> None:
    """Put the file in WAL mode (once: the mode stays with the file). Switching needs the file to
    itself, and SQLite answers "locked" at once, without waiting through the busy timeout, while
    another program holds it (two PCs, or two imports, opening a new database together): so a
    file already in WAL mode is left alone, and the switch is retried within the busy timeout."""
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return
    deadline = time.monotonic() + busy_timeout_ms / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def _sqlite_setup(engine: Engine, busy_timeout_ms: int, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy's "begin" event decide how a transaction starts.
        dbapi_connection.isolation_level = None
        if engine.url.database not in (None, "", ":memory:"):
            _make_private(Path(engine.url.database))
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:") and not read_only:
            _use_wal(cursor, busy_timeout_ms)
        # FULL: a commit is on the disk (the WAL fsynced) before it is reported done, so a power
        # cut never drops an acknowledged commit (NORMAL may lose the last ones; see bench/).
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        if conn.get_execution_options().get("sqlite_immediate"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


class Database:
    """One database the application works on."""

    def __init__(self, url: str | None = None, *, echo: bool = False,
                 busy_timeout_ms: int = BUSY_TIMEOUT_MS, create: bool = True) -> None:
        """``create=False``: a SQLite file that does not exist is refused (a mistyped path must
        not silently become a new, empty database); the default database is always made."""
        self.url = normalize_url(url)
        self.dialect = self.url.get_backend_name()
        self.read_only = False
        #: Called with :data:`WAITING_MESSAGE` while a write waits for another writer.
        self.on_wait: Callable[[str], None] | None = None
        self.lock_wait_total_s = LOCK_WAIT_TOTAL_S
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
                if not path.exists():
                    if not create:
                        raise DatabaseMissingError(path)
                    path.parent.mkdir(parents=True, exist_ok=True)
                elif path.is_dir():
                    raise StorageError(f"{path} 是一个文件夹，不是数据库文件。请检查路径是否输错。", "cannot-open")
                elif not path.stat().st_mode & 0o222:
                    # Marked read-only by the user: open it so (reading works, a write is refused
                    # in Chinese) — also for the administrator, whom file modes do not stop.
                    self.read_only = True
            if self.read_only:
                # Without a -wal file nothing is pending: "immutable" lets SQLite read a WAL
                # database without creating the -shm file it could not write beside it.
                wal = Path(f"{self.url.database}-wal")
                flags = "mode=ro" if wal.exists() and wal.stat().st_size else "mode=ro&immutable=1"
                from urllib.parse import quote

                self.engine = create_engine(f"sqlite:///file:{quote(str(self.url.database))}?{flags}&uri=true",
                                            echo=echo)
            else:
                self.engine = create_engine(self.url, echo=echo)
            _sqlite_setup(self.engine, busy_timeout_ms, self.read_only)
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
        from mediator_desktop.storage import audit_chain

        #: Who the services act as (set by them): the audit entry of changes no service entry carried.
        self.actor_name: Callable[[], str] = lambda: ""
        audit_chain.install(self._writer, lambda: self.actor_name())

    def listen(self, name: str, fn: Callable[..., Any], *, reads: bool = True) -> None:
        """Register a session event (``before_flush``, ``do_orm_execute``…) on the write sessions
        and, with ``reads``, the read sessions: how the services' rules reach every query."""
        for factory in ((self._reader, self._writer) if reads else (self._writer,)):
            event.listen(factory, name, fn)

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
            return Path(self.url.database or "")
        return None

    def describe(self) -> str:
        """Where the data lives, for the status bar (never shows a password)."""
        if self.sqlite_file:
            return f"本机数据库：{self.sqlite_file}"
        if self.dialect == "sqlite":
            return "内存数据库"
        return f"PostgreSQL：{self.url.host or 'localhost'}:{self.url.port or 5432}/{self.url.database}"

    # Every service reads and writes through these two: a database error raised inside them
    # (locked, unreachable, disk full, read-only, a constraint) leaves as a StorageError with a
    # Chinese sentence, in this one place (the original is chained and logged).

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self._reader()
        try:
            yield session
        except DBAPIError as exc:
            raise storage_error(exc) from exc
        finally:
            # close() ends the transaction without expiring what was read (rollback() would).
            session.close()

    def serialize(self, session: Session, what: str) -> None:
        """Make check-then-insert writes on ``what`` (seeding the code tables, the organisation
        an import creates) take turns across PCs: on PostgreSQL a transaction-scoped advisory
        lock; SQLite's ``BEGIN IMMEDIATE`` already lets one writer in at a time."""
        if self.dialect == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:what))"), {"what": f"mediator:{what}"})

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that commits on success and rolls back on any exception."""
        session = self._begin_write() if self.dialect == "sqlite" else self._writer()
        try:
            yield session
            session.commit()
        except BaseException as exc:
            try:
                session.rollback()
            except DBAPIError:  # the connection is gone: nothing to roll back
                log.warning("rollback failed", exc_info=True)
            if isinstance(exc, DBAPIError):
                raise storage_error(exc) from exc
            if isinstance(exc, StaleDataError):
                # Another PC (or window) changed or deleted the row this write was updating.
                log.warning("stale data: %s", exc, exc_info=exc)
                raise ConflictError(STALE_MESSAGE) from exc
            raise
        finally:
            session.close()

    def _begin_write(self) -> Session:
        """A SQLite write session holding the write lock (``BEGIN IMMEDIATE``). While another
        writer (a long import elsewhere) holds it, this waits — telling :attr:`on_wait` after
        each busy timeout — up to :attr:`lock_wait_total_s`, then refuses in Chinese."""
        started = time.monotonic()
        while True:
            session = self._writer()
            try:
                session.connection()  # BEGIN IMMEDIATE: waits up to the busy timeout
                return session
            except OperationalError as exc:
                session.close()
                if _error_kind(exc) != "busy":
                    raise storage_error(exc) from exc
                self._waited(started, exc)

    def _waited(self, started: float, exc: OperationalError) -> None:
        """One busy timeout passed: give up after :attr:`lock_wait_total_s`, else say so and wait on."""
        waited = time.monotonic() - started
        if waited >= self.lock_wait_total_s:
            log.warning("gave up waiting for the write lock after %.0f s", waited)
            raise StorageError(DB_MESSAGES["busy-timeout"].format(seconds=round(waited)), "busy") from exc
        log.info("waiting for another writer (%.0f s so far)", waited)
        if self.on_wait is not None:
            self.on_wait(WAITING_MESSAGE)

    # -- schema -----------------------------------------------------------------------------

    def migrate(self, *, backup: bool = True) -> Path | None:
        """Bring the schema to the newest revision; returns the backup made, if any.

        Before changing an existing SQLite file a consistent copy is written to the backups
        folder, so a failed upgrade never costs the user their data.
        """
        from mediator_desktop.storage.revision import HEAD_REVISION, stored_revision

        try:
            if stored_revision(self.engine) == HEAD_REVISION:
                return None     # up to date: Alembic is not even imported
            from mediator_desktop.storage import migrations

            current = migrations.current_revision(self.engine)
        except DBAPIError as exc:  # not a database, truncated, unreachable…
            raise storage_error(exc) from exc
        head = migrations.head_revision()
        if current == head:
            return None
        if current is not None and not migrations.is_known(current):
            # Refused before any backup or change: retrying never piles up copies.
            raise NewerSchemaError(current)
        if self.read_only:
            raise StorageError("这个数据库需要升级后才能使用，但数据库文件是只读的，没有升级。"
                               "请取消文件的只读属性（或复制到可写的位置）后再打开。", "readonly")
        backup_path = None
        if backup and current is not None and self.sqlite_file and self.sqlite_file.exists():
            backup_path = self._existing_backup(f"before-{head}") or self.backup_sqlite(reason=f"before-{head}")
        started = time.monotonic()
        while True:
            try:
                migrations.upgrade(self.engine)  # (BEGIN IMMEDIATE first: busy means nothing was done)
                return backup_path
            except OperationalError as exc:
                if _error_kind(exc) != "busy" or self.dialect != "sqlite":
                    raise storage_error(exc) from exc
                self._waited(started, exc)
            except DBAPIError as exc:
                raise storage_error(exc) from exc

    def _existing_backup(self, reason: str) -> Path | None:
        """A backup for ``reason`` made after the database last changed (an upgrade that failed
        and is retried): reused, so retries do not fill the backups folder with copies."""
        assert self.sqlite_file is not None
        wal = self.sqlite_file.with_name(self.sqlite_file.name + "-wal")
        changed = max(p.stat().st_mtime for p in (self.sqlite_file, wal)
                      if p.exists() and (p is not wal or p.stat().st_size))  # (an empty -wal: just opened)
        folder = paths.backups_dir()
        candidates = sorted(folder.glob(f"{self.sqlite_file.stem}-*-{reason}.sqlite3")) if folder.exists() else []
        for candidate in reversed(candidates):
            if candidate.stat().st_mtime >= changed:
                return candidate
        return None

    def backup_sqlite(self, reason: str = "manual") -> Path:
        assert self.sqlite_file is not None
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = paths.backups_dir() / f"{self.sqlite_file.stem}-{stamp}-{reason}.sqlite3"
        os.close(paths.private_opener(str(target), os.O_WRONLY | os.O_CREAT))  # 0600 before SQLite fills it
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

    @cached_property
    def database_id(self) -> str:
        """This database's identity: a UUID kept in ``app_meta`` (key ``database_id``), made the
        first time it is asked for. Two PCs asking at once agree: each inserts its candidate
        ignoring a conflict, then both read back the one row that won."""
        from sqlalchemy import select

        from mediator_desktop.storage.models import SchemaInfo

        query = select(SchemaInfo.value).where(SchemaInfo.key == DATABASE_ID_KEY)
        with self.read() as s:
            value = s.scalar(query)
        if value is None:
            from sqlalchemy.dialects import postgresql, sqlite

            insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
            with self.write() as s:
                s.execute(insert(SchemaInfo).values(key=DATABASE_ID_KEY, value=str(uuid.uuid4()))
                          .on_conflict_do_nothing(index_elements=[SchemaInfo.key]))
                value = s.scalar(query)
        try:
            return str(uuid.UUID(str(value)))
        except ValueError as exc:
            raise StorageError("数据库的标识已损坏，无法确定自动保存的内容属于哪个数据库。"
                               "请联系负责电脑的同事。") from exc

    def table_names(self) -> list[str]:
        return inspect(self.engine).get_table_names()

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None, *, migrate: bool = True, create: bool = True,
                  on_wait: Callable[[str], None] | None = None) -> Database:
    db = Database(url, create=create)
    db.on_wait = on_wait
    if migrate:
        db.migrate()
    return db


