"""Moving a single-PC room to the centre's server (issue 16): 设置 → 数据库 → 迁移到服务器.

The whole SQLite database is copied to an empty PostgreSQL database — every table of the
models, ids kept, in the order their keys need — inside one transaction on the server, so a
failure leaves the server as empty as it was. Before that transaction commits, every table is
compared on both sides: the number of rows and a SHA-256 over the rows read back in id order.
The audit trail's hash chain is then verified on the server, and only then does the caller
switch this PC to the server. The SQLite file itself is left as it was (a fallback and a
backup).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.engine import Connection

from mediator_desktop.services.context import Service
from mediator_desktop.services.errors import ServiceError
from mediator_desktop.services.progress import CancelCheck, Progress, step
from mediator_desktop.storage.db import Database
from mediator_desktop.storage.models import Base

#: Rows read and written per statement.
BATCH = 2000
#: Tables a new database may already hold rows of (the migrations' seeds, facts about the
#: database itself): replaced by this PC's.
SEEDED = ("user_role", "app_meta")


class TransferError(ServiceError):
    """The server cannot take the copy (not empty, not PostgreSQL, a difference after copying)."""


@dataclass(frozen=True)
class TransferResult:
    tables: tuple[tuple[str, int], ...]      # (table, rows) copied and compared
    audit_entries: int

    @property
    def rows(self) -> int:
        return sum(n for _t, n in self.tables)

    def describe(self) -> str:
        cases = dict(self.tables).get("mediation_case", 0)
        return (f"已把{cases}件案件（共{len(self.tables)}张表、{self.rows}行）复制到服务器，"
                f"逐表核对行数和校验值一致，审计记录{self.audit_entries}条完整。")


def _plain(value: Any) -> Any:
    """A value as both databases give it back, for the checksum."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, bool):
        return int(value)
    return value


def _order(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


def table_digest(conn: Connection, table: Table) -> tuple[int, str]:
    """(rows, SHA-256 of the rows in key order) of ``table`` as read through ``conn``."""
    digest, rows = hashlib.sha256(), 0
    result = conn.execution_options(yield_per=BATCH).execute(select(table).order_by(*_order(table)))
    for row in result:
        digest.update(json.dumps([_plain(v) for v in row], ensure_ascii=False, default=str).encode("utf-8"))
        rows += 1
    return rows, digest.hexdigest()


class TransferService(Service):
    def copy_to_server(self, url: str, progress: Progress | None = None,
                       cancelled: CancelCheck | None = None) -> TransferResult:
        """Copy this (SQLite) database to the empty PostgreSQL database at ``url`` and verify it."""
        self.ctx.require_admin("迁移数据库")
        if self.ctx.db.dialect != "sqlite":
            raise TransferError("现在用的已经是服务器上的数据库，不需要迁移。")
        step(progress, cancelled, 0, 0)
        target = Database(url)
        try:
            if target.dialect != "postgresql":
                raise TransferError("请填写 PostgreSQL 服务器的地址（postgresql://用户@主机/库名）。")
            target.migrate()
            return self._copy(target, progress, cancelled)
        finally:
            target.dispose()

    def _copy(self, target: Database, progress: Progress | None, cancelled: CancelCheck | None) -> TransferResult:
        from mediator_desktop.storage import audit_chain

        tables = [t for t in Base.metadata.sorted_tables]
        with self.ctx.db.engine.connect() as src:
            counts = {t.name: int(src.execute(select(func.count()).select_from(t)).scalar() or 0) for t in tables}
            total = sum(counts.values()) * 2 or 1
            done = 0
            with target.engine.begin() as dst:
                busy = [t.name for t in tables if t.name not in SEEDED
                        and dst.execute(select(func.count()).select_from(t)).scalar()]
                if busy:
                    raise TransferError("服务器上的这个数据库里已经有数据（" + "、".join(busy[:5])
                                        + "），为免混在一起，请换一个空的数据库。")
                for name in SEEDED:
                    dst.execute(Base.metadata.tables[name].delete())
                for table in tables:
                    result = src.execution_options(yield_per=BATCH).execute(select(table).order_by(*_order(table)))
                    for part in result.partitions(BATCH):
                        dst.execute(insert(table), [dict(row._mapping) for row in part])
                        done += len(part)
                        step(progress, cancelled, done, total)
                    self._reset_sequence(dst, table)
                checked = []
                for table in tables:
                    mine, theirs = table_digest(src, table), table_digest(dst, table)
                    if mine != theirs:
                        raise TransferError(f"复制后核对不一致：表 {table.name} 本机{mine[0]}行、服务器{theirs[0]}行"
                                            "（或内容不同）。服务器上没有留下任何数据，请把日志交给负责电脑的同事。")
                    checked.append((table.name, mine[0]))
                    done += mine[0]
                    step(progress, cancelled, done, total)
                from sqlalchemy.orm import Session

                with Session(bind=dst) as s:
                    verified = audit_chain.verify(s)
                if not verified.ok:
                    raise TransferError("复制到服务器后审计记录核对不通过：" + verified.sentence())
        return TransferResult(tuple(checked), verified.entries)

    @staticmethod
    def _reset_sequence(dst: Connection, table: Table) -> None:
        """Ids were copied as they were: the server's id sequence goes on after the highest."""
        key = list(table.primary_key.columns)
        if len(key) != 1 or not key[0].autoincrement or key[0].type.python_type is not int:
            return
        dst.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key[0].name}'), "
                         f"COALESCE((SELECT max({key[0].name}) FROM {table.name}), 0) + 1, false)"))
