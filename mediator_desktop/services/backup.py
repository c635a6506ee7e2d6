"""Backups of the whole database and their restore (备份与恢复).

A backup is ONE file, a zip holding ``manifest.json`` (application version, schema revision, case
and attachment counts, SHA-256 of the database content) and the database itself: a consistent
copy made with SQLite's online backup API (never a copy of the live file), or a ``pg_dump``
archive taken in the same snapshot as the manifest's counts (PostgreSQL). Attachments are kept
in the database (``services/evidence.py``), so the copy carries them. The zip's comment is the
SHA-256 of every byte before it: a single damaged byte anywhere in the file is found before
anything is replaced. Optionally the database is encrypted with a passphrase (``cryptography``'s
Fernet, the key derived with scrypt; a lost passphrase means a lost backup).

A restore checks the whole file, the passphrase, the content's hash, the schema revision (a
newer one is refused) and, for SQLite, ``PRAGMA integrity_check`` — all before anything is
touched; then it keeps the current database as a backup and puts the copy in its place (SQLite:
the online backup API into the open file, or temp file + fsync + rename when there is none;
PostgreSQL: ``pg_restore`` through ``psql`` in one transaction).

Automatic backups (:func:`automatic_backup`) go to the backup folder of :class:`BackupPolicy`:
at the first start of each day, before every import and before a restore; they are pruned to
``daily`` days and ``monthly`` months. Pruning only ever looks at files named and sealed as this
module makes them, and never deletes the newest.
"""

from __future__ import annotations

import base64
import glob
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from mediator_desktop import __version__, paths
from mediator_desktop.services.context import Service
from mediator_desktop.services.errors import ServiceError
from mediator_desktop.services.progress import CancelCheck, Progress, step
from mediator_desktop.storage.db import Database

log = logging.getLogger(__name__)

FORMAT = "mediator-desktop-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: The zip comment: this marker and the hex SHA-256 of every byte of the file before the comment.
SEAL = b"MEDIATOR-BACKUP-SHA256:"
SEAL_LENGTH = len(SEAL) + 64
SUFFIX = ".mdbackup"
#: Names of the automatic backups (the only files pruning ever considers).
AUTO_NAME = re.compile(r"^auto-(\d{8})-(\d{6})-([a-z-]+)\.mdbackup$")
#: scrypt cost (RFC 7914): 2**15 × 8 × 128 bytes = 32 MB of memory, about 0.1 s here.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
#: Encrypted to check a passphrase before the (large) database is decrypted.
CHECK_TEXT = b"mediator-desktop passphrase check"
CHUNK = 1 << 20
#: How long a PostgreSQL restore waits for other PCs to let go of the tables.
PG_LOCK_TIMEOUT_S = 30
#: Scratch folders and partial files older than this were left by a killed process: swept.
STALE_SECONDS = 6 * 3600

#: What the CLI help and the backup dialog say about encryption.
PASSPHRASE_WARNING = ("加密的备份只有用同一个密码才能恢复。密码忘记了，备份就再也打不开，谁也无法找回——"
                      "请把密码抄在纸上，和U盘分开保管。")

DEFAULT_DAILY = 14
DEFAULT_MONTHLY = 12


class BackupError(ServiceError):
    """A backup that cannot be made or a file that cannot be restored (Chinese, names the file)."""


@dataclass(frozen=True)
class BackupPolicy:
    """Where the automatic backups go and how many are kept (settings of this PC)."""

    folder: str = ""          # empty: paths.backups_dir()
    daily: int = DEFAULT_DAILY
    monthly: int = DEFAULT_MONTHLY

    def directory(self) -> Path:
        if self.folder.strip():
            return Path(self.folder.strip()).expanduser()
        return paths.backups_dir()


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file says of itself (its manifest), once the file was found whole."""

    path: Path
    manifest: dict[str, Any] = field(repr=False)

    @property
    def dialect(self) -> str:
        return str(self.manifest["dialect"])

    @property
    def revision(self) -> str | None:
        value = self.manifest.get("schema_revision")
        return str(value) if value else None

    @property
    def case_count(self) -> int:
        return int(self.manifest["case_count"])

    @property
    def encrypted(self) -> bool:
        return bool(self.manifest.get("encryption"))

    @property
    def created_at(self) -> str:
        return str(self.manifest.get("created_at", ""))

    def describe(self) -> str:
        """One Chinese line: when, which version, how many cases."""
        when = self.created_at.replace("T", " ")[:16]
        lock = "，已加密" if self.encrypted else ""
        return (f"{when} 由调解工作台 {self.manifest.get('app_version', '?')} 备份，"
                f"{self.case_count}件案件、{self.manifest.get('attachment_count', 0)}个附件{lock}")


@dataclass(frozen=True)
class RestoreResult:
    info: BackupInfo
    #: The database as it was before the restore (None: there was none).
    previous: Path | None


# -- files ----------------------------------------------------------------------------------


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


def _sha256_file(path: Path, limit: int | None = None) -> str:
    digest = hashlib.sha256()
    remaining = path.stat().st_size if limit is None else limit
    with open(path, "rb") as fh:
        while remaining > 0:
            block = fh.read(min(CHUNK, remaining))
            if not block:
                break
            digest.update(block)
            remaining -= len(block)
    return digest.hexdigest()


def _write_failed(path: Path, exc: OSError) -> BackupError:
    return BackupError(f"无法写入备份文件 {path}：{exc.strerror or exc}。请检查U盘或网络盘是否连着、"
                       "是否有空间、是否允许写入。")


@contextmanager
def _atomic_file(target: Path) -> Iterator[Path]:
    """A temporary file beside ``target`` (0600); put in its place — fsynced, renamed, the folder
    fsynced — only when the block succeeded. A failure, a cancel or a killed process never leaves
    a partial ``target`` (nor a damaged earlier one)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _sweep(target.parent, f".{glob.escape(target.name)}.*.part")
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        os.close(fd)
    except OSError as exc:
        raise _write_failed(target, exc) from exc
    part = Path(tmp)
    try:
        yield part
        with open(part, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(part, target)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise _write_failed(target, exc) from exc
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def _seal(path: Path) -> None:
    """Write the zip comment: the SHA-256 of everything before it (see :data:`SEAL`)."""
    size = path.stat().st_size
    digest = _sha256_file(path, size - SEAL_LENGTH)
    with open(path, "rb+") as fh:
        fh.seek(size - SEAL_LENGTH)
        fh.write(SEAL + digest.encode("ascii"))


def is_sealed(path: Path) -> bool:
    """Whether ``path`` ends with this module's seal (a backup it made; not checked whole)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(-SEAL_LENGTH, os.SEEK_END)
            return fh.read(len(SEAL)) == SEAL
    except OSError:
        return False


def _damaged(path: Path, what: str) -> BackupError:
    return BackupError(f"备份文件 {path} 已损坏（{what}），不能用它恢复；当前数据没有改动。"
                       "请换一份备份文件（例如备份文件夹中较早的一份）再试。")


def _check_seal(path: Path) -> None:
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(4)
            if head != b"PK\x03\x04":
                raise BackupError(f"{path} 不是调解工作台的备份文件（或文件开头已损坏），不能用它恢复；当前数据没有改动。")
            if size < SEAL_LENGTH + 22:
                raise _damaged(path, "文件太短，不完整")
            fh.seek(size - SEAL_LENGTH)
            tail = fh.read()
    except OSError as exc:
        raise BackupError(f"无法读取备份文件 {path}：{exc.strerror or exc}") from exc
    if not tail.startswith(SEAL):
        raise BackupError(f"{path} 不是调解工作台的备份文件（或文件末尾已损坏），不能用它恢复；当前数据没有改动。")
    if _sha256_file(path, size - SEAL_LENGTH) != tail[len(SEAL):].decode("ascii", "replace"):
        raise _damaged(path, "校验和不符，文件内容有改动或读写出错")


# -- encryption -----------------------------------------------------------------------------


def _fernet(passphrase: str, params: dict[str, Any]) -> Any:
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    kdf = Scrypt(salt=base64.b64decode(params["salt"]), length=32, n=int(params["n"]), r=int(params["r"]),
                 p=int(params["p"]))
    return Fernet(base64.urlsafe_b64encode(kdf.derive(passphrase.encode("utf-8"))))


def _new_encryption(passphrase: str) -> tuple[dict[str, Any], Any]:
    params: dict[str, Any] = {"scheme": "fernet", "kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
                              "salt": base64.b64encode(secrets.token_bytes(16)).decode("ascii"),
                              "compression": "zlib"}
    fernet = _fernet(passphrase, params)
    params["check"] = fernet.encrypt(CHECK_TEXT).decode("ascii")
    return params, fernet


def check_passphrase(passphrase: str, repeated: str) -> None:
    """A new passphrase, typed twice: refused in Chinese when empty, short or not the same twice."""
    if len(passphrase) < 6:
        raise BackupError("密码至少要6个字符。")
    if passphrase != repeated:
        raise BackupError("两次输入的密码不一样，请重新输入。")


# -- making a backup ------------------------------------------------------------------------


def _count(conn: Any, table: str) -> int:
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.Error:
        return 0


def _sqlite_facts(path: Path) -> tuple[str | None, int, int, str]:
    """Revision, case count, attachment count and ``integrity_check`` of a SQLite copy."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            check = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            return None, 0, 0, str(exc)
        try:
            rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
            revision = str(rows[0][0]) if len(rows) == 1 else None
        except sqlite3.Error:
            revision = None
        return revision, _count(conn, "mediation_case"), _count(conn, "attachment"), check
    finally:
        conn.close()


def _sqlite_snapshot(db_file: Path, target: Path, progress: Progress | None, cancelled: CancelCheck | None) -> None:
    """A consistent copy of the live database through SQLite's online backup API (in steps, so
    it reports progress, can be cancelled and lets other writers in between)."""
    os.close(paths.private_opener(str(target), os.O_WRONLY | os.O_CREAT))
    src = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            def report(_status: int, remaining: int, total: int) -> None:
                step(progress, cancelled, total - remaining, total)

            src.backup(dst, pages=2048, progress=report)
            dst.execute("PRAGMA journal_mode=DELETE")   # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()


def _pg_env(db: Database) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and the environment carrying it (never on a command line)."""
    url = db.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


PG_TOOLS_MISSING = ("这台电脑上没有找到 PostgreSQL 的{tool}程序，不能备份或恢复服务器上的数据库。请安装与服务器"
                    "版本相同的 PostgreSQL 客户端工具（Windows：PostgreSQL 安装程序中的“Command Line Tools”；"
                    "Debian/Ubuntu：apt install postgresql-client），或请负责服务器的同事在服务器上用 pg_dump 备份。")


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(PG_TOOLS_MISSING.format(tool=f" {name} "))
    return found


def _pg_dump(db: Database, target: Path) -> tuple[str | None, int, int]:
    """``pg_dump`` of the database into ``target`` (custom format), in the same snapshot as the
    revision and the counts it returns."""
    pg_dump = _pg_tool("pg_dump")
    url, env = _pg_env(db)
    with db.engine.connect() as conn:
        conn.execute(text("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        cases = conn.execute(text("SELECT count(*) FROM mediation_case")).scalar() or 0
        attachments = conn.execute(text("SELECT count(*) FROM attachment")).scalar() or 0
        done = subprocess.run([pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                               f"--snapshot={snapshot}", "--file", str(target), "--dbname", url],
                              env=env, capture_output=True, text=True)
        conn.execute(text("COMMIT"))
    if done.returncode != 0:
        log.warning("pg_dump failed: %s", done.stderr)
        raise BackupError(f"pg_dump 没有完成备份：{done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ''}"
                          "。请检查服务器是否连得上，以及 pg_dump 的版本是否不低于服务器的版本。")
    return (str(revision) if revision else None), int(cases), int(attachments)


WORK_PREFIX = ".backup-work-"


def _sweep(folder: Path, pattern: str) -> None:
    """Remove what a killed backup or restore left behind (its scratch folder holds a copy of
    personal data; a ``.part`` file half a backup): only names this module gives, only old ones."""
    import time

    try:
        leftovers = list(folder.glob(pattern))
    except OSError:
        return
    for path in leftovers:
        try:
            if time.time() - path.stat().st_mtime < STALE_SECONDS:
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            log.info("removed %s, left behind by an interrupted backup", path)
        except OSError as exc:
            log.warning("could not remove %s: %s", path, exc)


def _work_dir(near: Path | None = None) -> tempfile.TemporaryDirectory[str]:
    """A private (0700) scratch folder for copies of personal data, on the database's disk."""
    base = near if near is not None and near.is_dir() else paths.data_dir()
    _sweep(base, f"{WORK_PREFIX}*")
    return tempfile.TemporaryDirectory(dir=base, prefix=WORK_PREFIX)


def create_backup(db: Database, target: Path, *, passphrase: str | None = None, reason: str = "manual",
                  progress: Progress | None = None, cancelled: CancelCheck | None = None) -> BackupInfo:
    """Write a backup of ``db`` to ``target`` (see the module's docstring); returns what it holds."""
    target = Path(target)
    if target.is_dir():
        raise BackupError(f"{target} 是一个文件夹；请给备份文件起一个名字（例如 调解工作台备份{SUFFIX}）。")
    step(progress, cancelled, 0, 0)
    work_near = db.sqlite_file.parent if db.sqlite_file else None
    with _work_dir(work_near) as work:
        if db.sqlite_file is not None:
            if not db.sqlite_file.exists():
                raise BackupError(f"找不到数据库文件 {db.sqlite_file}，没有可备份的内容。")
            payload = Path(work) / "database.sqlite3"
            try:
                _sqlite_snapshot(db.sqlite_file, payload, progress, cancelled)
            except sqlite3.DatabaseError as exc:
                raise BackupError(f"无法读取数据库 {db.sqlite_file}（{exc}），备份没有完成。") from exc
            revision, cases, attachments, check = _sqlite_facts(payload)
            if check != "ok":
                raise BackupError(f"数据库 {db.sqlite_file} 的完整性检查没有通过（{check[:200]}），"
                                  "备份没有完成。请联系负责电脑的同事。")
            dialect, member = "sqlite", "database.sqlite3"
        elif db.dialect == "postgresql":
            payload = Path(work) / "database.pgdump"
            revision, cases, attachments = _pg_dump(db, payload)
            dialect, member = "postgresql", "database.pgdump"
        else:
            raise BackupError("内存数据库不能备份。")
        step(progress, cancelled, 0, 0)
        manifest: dict[str, Any] = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "app_version": __version__,
            "created_at": datetime.now().isoformat(timespec="seconds"), "reason": reason, "dialect": dialect,
            "schema_revision": revision, "case_count": cases, "attachment_count": attachments,
            "attachments": "stored in the database (included in it)",
            "database_sha256": _sha256_file(payload), "database_size": payload.stat().st_size,
            "encryption": None,
        }
        stored = payload
        if passphrase:
            params, fernet = _new_encryption(passphrase)
            manifest["encryption"] = params
            member += ".fernet"
            stored = Path(work) / member
            token = fernet.encrypt(zlib.compress(payload.read_bytes(), 6))
            with open(stored, "wb", opener=paths.private_opener) as fh:
                fh.write(token)
            del token
        manifest["payload"] = {"name": member, "size": stored.stat().st_size, "sha256": _sha256_file(stored)}
        step(progress, cancelled, 0, 0)
        with _atomic_file(target) as part:
            with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
                zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1), compress_type=zipfile.ZIP_STORED)
                zf.write(stored, member, compress_type=zipfile.ZIP_STORED if passphrase else zipfile.ZIP_DEFLATED)
                zf.comment = SEAL + b"0" * 64
            _seal(part)
            if cancelled is not None and cancelled():
                step(progress, cancelled, 0, 0)
    log.info("backup of %s written to %s (%s cases)", db.describe(), target, cases)
    return BackupInfo(target, manifest)


# -- reading and checking a backup ---------------------------------------------------------


def read_backup(path: Path) -> BackupInfo:
    """The manifest of the backup ``path``, after checking that every byte of the file is as it
    was written. Refuses (Chinese, naming the file and the problem) anything else."""
    path = Path(path)
    if not path.exists():
        raise BackupError(f"找不到备份文件 {path}，请检查文件名和所在文件夹。")
    if path.is_dir():
        raise BackupError(f"{path} 是一个文件夹，不是备份文件。")
    _check_seal(path)
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
    except (zipfile.BadZipFile, KeyError, ValueError, UnicodeDecodeError) as exc:
        raise _damaged(path, "目录或说明部分读不出来") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} 不是调解工作台的备份文件，不能用它恢复；当前数据没有改动。")
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise BackupError(f"备份文件 {path} 由更新版本的调解工作台（{manifest.get('app_version', '?')}）制作，"
                          "本程序读不了。请先把调解工作台升级到最新版本再恢复；当前数据没有改动。")
    return BackupInfo(path, manifest)


def _newer_schema(info: BackupInfo) -> bool:
    if info.revision is None:
        return False
    from mediator_desktop.storage import migrations

    return not migrations.is_known(info.revision)


def _extract(info: BackupInfo, work: Path, passphrase: str | None) -> Path:
    """The database of the backup, checked (hashes, passphrase), as a file in ``work``."""
    path, manifest = info.path, info.manifest
    entry = manifest.get("payload") or {}
    member = str(entry.get("name", ""))
    stored = work / "payload"
    try:
        with zipfile.ZipFile(path) as zf, zf.open(member) as src, open(stored, "wb", opener=paths.private_opener) as out:
            shutil.copyfileobj(src, out, CHUNK)
    except (zipfile.BadZipFile, KeyError, OSError, zlib.error, EOFError) as exc:
        if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile) and exc.errno is not None:
            raise BackupError(f"无法读取备份文件 {path}：{exc.strerror or exc}") from exc
        raise _damaged(path, "数据部分读不出来") from exc
    if _sha256_file(stored) != entry.get("sha256"):
        raise _damaged(path, "数据部分的校验和不符")
    database = work / ("database.pgdump" if info.dialect == "postgresql" else "database.sqlite3")
    if info.encrypted:
        if not passphrase:
            raise BackupError(f"备份文件 {path} 已加密，请输入备份时设的密码。")
        from cryptography.fernet import InvalidToken

        params = manifest["encryption"]
        try:
            fernet = _fernet(passphrase, params)
        except (KeyError, ValueError, TypeError) as exc:
            raise _damaged(path, "加密参数不对") from exc
        try:
            fernet.decrypt(str(params.get("check", "")).encode("ascii"))
        except InvalidToken as exc:
            raise BackupError(f"密码不对，打不开备份文件 {path}；当前数据没有改动。请输入备份时设的密码"
                              "（注意大小写和输入法的全角、半角）。") from exc
        try:
            plain = zlib.decompress(fernet.decrypt(stored.read_bytes()))
        except (InvalidToken, zlib.error) as exc:
            raise _damaged(path, "加密的数据解不开") from exc
        with open(database, "wb", opener=paths.private_opener) as out:
            out.write(plain)
        del plain
        stored.unlink()
    else:
        stored.rename(database)
    if _sha256_file(database) != manifest.get("database_sha256"):
        raise _damaged(path, "数据库内容的校验和不符")
    return database


def verify_backup(path: Path, passphrase: str | None = None) -> BackupInfo:
    """Check a backup through and through without restoring it (what ``restore`` does first)."""
    info = read_backup(path)
    with _work_dir() as work:
        _verified_database(info, Path(work), passphrase)
    return info


def _verified_database(info: BackupInfo, work: Path, passphrase: str | None) -> Path:
    if _newer_schema(info):
        raise BackupError(f"备份文件 {info.path} 由更新版本的调解工作台制作（数据库版本 {info.revision}），"
                          "本程序不能用它恢复。请先把调解工作台升级到最新版本再恢复；当前数据没有改动。")
    database = _extract(info, work, passphrase)
    if info.dialect == "sqlite":
        revision, cases, _attachments, check = _sqlite_facts(database)
        if check != "ok":
            raise _damaged(info.path, f"数据库完整性检查没有通过：{check[:100]}")
        if revision != info.revision or cases != info.case_count:
            raise _damaged(info.path, "数据库内容与说明不一致")
    else:
        done = subprocess.run([_pg_tool("pg_restore"), "--list", str(database)], capture_output=True, text=True)
        if done.returncode != 0:
            raise _damaged(info.path, "pg_restore 读不了其中的数据库")
    return database


# -- restoring -----------------------------------------------------------------------------


def restore_backup(db: Database, source: Path, *, passphrase: str | None = None,
                   policy: BackupPolicy | None = None, progress: Progress | None = None,
                   cancelled: CancelCheck | None = None) -> RestoreResult:
    """Replace the data of ``db`` by the backup ``source``: checked first (nothing is touched when
    it is damaged, encrypted with another passphrase, of a newer schema or of the other kind of
    database); the current database is then kept as an automatic backup (``before-restore``)."""
    policy = policy or BackupPolicy()
    info = read_backup(Path(source))
    step(progress, cancelled, 0, 0)
    wanted = "sqlite" if db.dialect == "sqlite" else "postgresql"
    if info.dialect != wanted:
        kinds = {"sqlite": "本机数据库（SQLite）", "postgresql": "PostgreSQL 服务器"}
        raise BackupError(f"备份文件 {info.path} 是{kinds.get(info.dialect, info.dialect)}的备份，"
                          f"不能恢复到{kinds[wanted]}；当前数据没有改动。")
    if wanted == "postgresql":
        for tool in ("pg_dump", "pg_restore", "psql"):   # all three before anything is touched
            _pg_tool(tool)
    near = db.sqlite_file.parent if db.sqlite_file else None
    if near is not None:
        near.mkdir(parents=True, exist_ok=True)
    with _work_dir(near) as work:
        database = _verified_database(info, Path(work), passphrase)
        step(progress, cancelled, 0, 0)
        previous = _keep_current(db, policy, info.path)
        if cancelled is not None and cancelled():
            step(progress, cancelled, 0, 0)
        db.dispose()
        if db.sqlite_file is not None:
            _replace_sqlite(db.sqlite_file, database)
        else:
            _replace_postgresql(db, database)
    db.__dict__.pop("database_id", None)
    db.dispose()
    db.migrate()       # an older backup is brought up to this version (after its own backup)
    log.info("restored %s from %s (previous data kept in %s)", db.describe(), info.path, previous)
    return RestoreResult(info, previous)


def _keep_current(db: Database, policy: BackupPolicy, source: Path) -> Path | None:
    """The current database as a backup before it is replaced (None: there is none yet); the
    pruning after it never takes ``source``, the backup being restored."""
    if db.sqlite_file is not None and not db.sqlite_file.exists():
        return None
    try:
        return automatic_backup(db, policy, "before-restore", protect=source)
    except BackupError as exc:
        if db.sqlite_file is None:
            raise
        # A damaged database cannot be read through SQLite: keep its files as they are.
        log.warning("online backup of the current database failed (%s); copying its files", exc)
        folder = policy.directory()
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = folder / f"damaged-{stamp}-{db.sqlite_file.name}"
        for suffix in ("", "-wal"):
            src = Path(f"{db.sqlite_file}{suffix}")
            if src.exists():
                shutil.copyfile(src, Path(f"{kept}{suffix}"))
                paths.private_file(Path(f"{kept}{suffix}"))
        return kept


def _replace_sqlite(db_file: Path, database: Path) -> None:
    if db_file.exists():
        # Into the file in place, through SQLite: one transaction (a crash leaves the old data),
        # and the -wal/-shm of the open database stay consistent with it.
        src = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(db_file)
            try:
                dst.execute(f"PRAGMA busy_timeout={10_000}")
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=WAL")
                dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                dst.close()
        except sqlite3.OperationalError as exc:
            raise BackupError(f"数据库 {db_file} 正在被使用（另一个窗口或程序），没有恢复。"
                              "请关闭其他调解工作台窗口后再试。") from exc
        finally:
            src.close()
        return
    # No database: the checked copy is put in place (fsync + rename); a -wal/-shm left behind
    # by a deleted database would be replayed into it, so they are moved aside first.
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for suffix in ("-wal", "-shm"):
        stale = Path(f"{db_file}{suffix}")
        if stale.exists():
            stale.rename(Path(f"{db_file}{suffix}.orphaned-{stamp}"))
    with open(database, "rb+") as fh:
        os.fsync(fh.fileno())
    paths.private_file(database)
    try:
        os.replace(database, db_file)
    except OSError:   # another disk: copy next to it, then rename
        with _atomic_file(db_file) as part:
            shutil.copyfile(database, part)
    _fsync_dir(db_file.parent)


def _replace_postgresql(db: Database, dump: Path) -> None:
    """The schema replaced by the dump's in ONE transaction (``pg_restore`` writes the SQL,
    ``psql --single-transaction`` runs it after dropping the current tables): an error leaves
    the server's data as it was."""
    pg_restore, psql = _pg_tool("pg_restore"), _pg_tool("psql")
    url, env = _pg_env(db)
    script = subprocess.run([pg_restore, "--no-owner", "--no-privileges", "--file", "-", str(dump)],
                            env=env, capture_output=True)
    if script.returncode != 0:
        raise BackupError(f"pg_restore 读不了备份：{script.stderr.decode('utf-8', 'replace').strip()[-300:]}")
    # Another PC holding a table open makes the drop wait: give up (and roll back) after a while.
    head = (f"SET lock_timeout = '{PG_LOCK_TIMEOUT_S}s';\n"
            "DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n").encode("ascii")
    done = subprocess.run([psql, "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", "--single-transaction",
                           "--dbname", url, "--file", "-"], input=head + script.stdout, env=env, capture_output=True)
    if done.returncode != 0:
        log.warning("psql restore failed: %s", done.stderr)
        busy = b"lock timeout" in done.stderr or b"canceling statement due to lock" in done.stderr
        if busy:
            raise BackupError("服务器上的数据库正被其他电脑使用，没有恢复（数据保持原样）。"
                              "请让其他电脑关闭调解工作台后再试。")
        raise BackupError("服务器上的数据库没有恢复（已撤回，数据保持原样）："
                          f"{done.stderr.decode('utf-8', 'replace').strip()[-300:]}")


# -- automatic backups and their retention ------------------------------------------------


def auto_name(when: datetime, reason: str) -> str:
    return f"auto-{when:%Y%m%d-%H%M%S}-{reason}{SUFFIX}"


def automatic_backup(db: Database, policy: BackupPolicy, reason: str, *,
                     now: datetime | None = None, protect: Path | None = None) -> Path | None:
    """A backup into the policy's folder (then pruned). Of a PostgreSQL server only before a
    restore (``pg_dump``): the daily and pre-import copies of a centre's shared database are
    the server's own backups' job, not every room PC's. None when nothing was made."""
    if db.sqlite_file is None and not (db.dialect == "postgresql" and reason == "before-restore"):
        log.info("automatic backup (%s) not made: not a local SQLite database", reason)
        return None
    when = now or datetime.now()
    folder = policy.directory()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if not policy.folder.strip():
            raise _write_failed(folder, exc) from exc
        # The chosen folder (a USB stick, a network share) is not there: the data folder's.
        log.warning("backup folder %s unavailable (%s); using the default one", folder, exc)
        folder = paths.backups_dir()
    target = folder / auto_name(when, reason)
    while target.exists():
        when += timedelta(seconds=1)
        target = folder / auto_name(when, reason)
    create_backup(db, target, reason=reason)
    prune(folder, policy.daily, policy.monthly, protect=protect)
    return target


def made_today(policy: BackupPolicy, today: date | None = None) -> bool:
    """Whether an automatic backup of today is in the folder (or in the data folder's, where
    it went while the chosen folder was not there)."""
    day = (today or date.today()).strftime("%Y%m%d")
    for folder in dict.fromkeys((policy.directory(), paths.backups_dir())):
        try:
            if folder.is_dir() and any((m := AUTO_NAME.match(p.name)) and m.group(1) == day
                                       for p in folder.iterdir()):
                return True
        except OSError:
            continue
    return False


def daily_backup(db: Database, policy: BackupPolicy, *, now: datetime | None = None) -> Path | None:
    """The first start of a day: a backup, unless one was made today already."""
    if made_today(policy, (now or datetime.now()).date()):
        return None
    return automatic_backup(db, policy, "daily", now=now)


def _auto_backups(folder: Path) -> list[tuple[datetime, Path]]:
    found = []
    for path in folder.iterdir() if folder.is_dir() else []:
        match = AUTO_NAME.match(path.name)
        if not match or not path.is_file() or not is_sealed(path):
            continue
        try:
            found.append((datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S"), path))
        except ValueError:
            continue
    return sorted(found, reverse=True)


def retained(stamps: list[datetime], daily: int, monthly: int) -> set[datetime]:
    """Which backups (by time) retention keeps: the newest of each of the ``daily`` most recent
    days with a backup, then the newest of each of the ``monthly`` most recent months among
    the rest — and always the newest of all."""
    ordered = sorted(stamps, reverse=True)
    keep: set[datetime] = set(ordered[:1])
    days: set[date] = set()
    for stamp in ordered:
        if stamp.date() not in days and len(days) < daily:
            days.add(stamp.date())
            keep.add(stamp)
    months: set[tuple[int, int]] = set()
    for stamp in ordered:
        if stamp.date() in days:
            continue
        month = (stamp.year, stamp.month)
        if month not in months and len(months) < monthly:
            months.add(month)
            keep.add(stamp)
    return keep


def prune(folder: Path, daily: int, monthly: int, *, protect: Path | None = None) -> list[Path]:
    """Delete the automatic backups retention does not keep; returns them. Only files named
    ``auto-…mdbackup`` and sealed as this module seals its backups are ever considered;
    ``protect`` (the backup being restored) is kept whatever its age."""
    backups = _auto_backups(folder)
    keep = retained([stamp for stamp, _ in backups], daily, monthly)
    removed = []
    for stamp, path in backups:
        if stamp not in keep and not (protect is not None and path.resolve() == protect.resolve()):
            try:
                path.unlink()
                removed.append(path)
            except OSError as exc:
                log.warning("could not prune %s: %s", path, exc)
    return removed


class BackupService(Service):
    """The facade's door to backups of its database (the window's 备份… / 恢复…, start-up)."""

    @property
    def policy(self) -> BackupPolicy:
        policy: BackupPolicy = self.ctx.backup_policy
        return policy

    def create(self, target: str | Path, *, passphrase: str | None = None, progress: Progress | None = None,
               cancelled: CancelCheck | None = None) -> BackupInfo:
        """A backup of the whole database to ``target``: every case with full ID numbers, so
        only an administrator makes one by hand (the automatic ones stay in the backup folder);
        recorded in the audit trail."""
        self.ctx.require_admin("备份数据")
        info = create_backup(self.ctx.db, Path(target), passphrase=passphrase, progress=progress,
                             cancelled=cancelled)
        with self.ctx.db.write() as s:
            self.ctx.audit(s, "backup", "database", target=str(target), cases=info.case_count,
                           encrypted=info.encrypted)
        return info

    def inspect(self, source: str | Path) -> BackupInfo:
        """What the backup file holds, once found whole (no passphrase needed)."""
        return read_backup(Path(source))

    def restore(self, source: str | Path, *, passphrase: str | None = None, progress: Progress | None = None,
                cancelled: CancelCheck | None = None) -> RestoreResult:
        """The database replaced by the backup ``source`` (the one it replaces kept aside): only
        an administrator; the restored database records who restored it from where."""
        self.ctx.require_admin("恢复数据")
        result = restore_backup(self.ctx.db, Path(source), passphrase=passphrase, policy=self.policy,
                                progress=progress, cancelled=cancelled)
        self.ctx.forget_calendar()
        self.record_restore(source, result.info)
        return result

    def record_restore(self, source: str | Path, info: BackupInfo) -> None:
        """Say in the restored database's audit trail who restored it, from which backup."""
        with self.ctx.db.write() as s:
            self.ctx.audit(s, "restore", "database", source=str(source), created=info.created_at,
                           cases=info.case_count)

    def daily(self) -> Path | None:
        """The first start of the day's backup (None: made already today, or not possible here)."""
        return daily_backup(self.ctx.db, self.policy, now=self.ctx.now())

    def before_import(self) -> Path | None:
        return automatic_backup(self.ctx.db, self.policy, "before-import", now=self.ctx.now())

    @property
    def folder(self) -> Path:
        """Where the automatic backups go (the setting, or the data folder's ``backups``)."""
        return self.policy.directory()

    @property
    def default_folder(self) -> Path:
        return paths.backups_dir()

    @staticmethod
    def check_passphrase(passphrase: str, repeated: str) -> None:
        """A new passphrase typed twice: a :class:`BackupError` saying what is wrong with it."""
        check_passphrase(passphrase, repeated)
