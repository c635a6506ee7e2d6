"""The audit trail as a hash chain: an entry edited, deleted or slipped in outside the
application is detected (issue 16).

Each :class:`~mediator_desktop.storage.models.AuditEntry` gets a sequence number ``seq`` (1, 2,
3… with no gap), the SHA-256 of the entry before it (``prev_hash``; 64 zeros for the first) and
its own ``hash`` over that and its content (time, actor, action, entity, ids, detail). The newest
entry's number and hash are also kept in ``app_meta`` (``audit_head``), so removing entries from
the end is seen too. :func:`verify` walks the chain and names the first entry that does not fit.

The chain is made in one place for every write: a ``before_flush`` listener on the database's
sessions (:func:`install`) chains the entries a flush inserts, and :func:`chain_rows` the rows a
bulk import inserts without the ORM. Writers take turns while they extend the chain: SQLite's
write transactions already hold the database's write lock (``BEGIN IMMEDIATE``); on PostgreSQL
a transaction-scoped advisory lock makes the second PC wait for the first one's commit.

This is tamper *evidence*, not prevention: whoever can write the database file can recompute the
whole chain. Its worth is that an edit with a database tool, or a row deleted by hand, no
longer passes unnoticed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session, sessionmaker

from mediator_desktop.storage.models import AuditEntry, SchemaInfo

GENESIS = "0" * 64
HEAD_KEY = "audit_head"
#: Entries read per query while verifying.
VERIFY_BATCH = 5000


def digest(prev_hash: str, seq: int, at: datetime, actor: str, action: str, entity: str,
           entity_id: int | None, case_id: int | None, detail: Any) -> str:
    """The hash of one entry: SHA-256 over a canonical JSON of the previous hash and the entry.

    Never change this function: every chain ever written was made with it."""
    # The detail as the database gives it back (tuples as lists, keys as strings), then canonical.
    stored = json.loads(json.dumps(detail or {}, default=str))
    payload = json.dumps(
        [seq, prev_hash, at.isoformat(), actor or "", action, entity, entity_id, case_id, stored],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _lock_and_head(session: Session) -> tuple[int, str, datetime]:
    """Take the chain's turn (PostgreSQL) and read its newest entry: (seq, hash, the server's
    time), (0, GENESIS, …) for an empty trail.

    On a centre's server the entries are timed by the server's clock, read once the turn is
    taken (so the times follow the chain's order), not by the PC's: one PC whose clock is wrong
    must not put its changes before or after the others'. On SQLite the server is this PC."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('mediator:audit-chain'))"))
        server_now = session.scalar(text("SELECT date_trunc('second', clock_timestamp())::timestamp"))
    else:
        server_now = datetime.now().replace(microsecond=0)
    row = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).where(AuditEntry.seq.is_not(None))
        .order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    return (int(row[0]), str(row[1]), server_now) if row else (0, GENESIS, server_now)


def _store_head(session: Session, seq: int, hash_: str) -> None:
    value = f"{seq} {hash_}"
    meta = session.get(SchemaInfo, HEAD_KEY)
    if meta is None:
        session.add(SchemaInfo(key=HEAD_KEY, value=value))
    else:
        meta.value = value


def chain_rows(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Give audit rows inserted in bulk (column values by name) their place in the chain."""
    if not rows:
        return
    seq, prev, server_now = _lock_and_head(session)
    for row in rows:
        if row.get("at") is None:   # None: the database's time (a service's clock set it otherwise)
            row["at"] = server_now
        seq += 1
        row["seq"], row["prev_hash"] = seq, prev
        prev = row["hash"] = digest(prev, seq, row["at"], row.get("actor", ""), row["action"], row["entity"],
                                    row.get("entity_id"), row.get("case_id"), row.get("detail"))
    _store_head(session, seq, prev)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    from mediator_desktop.storage import audit_changes

    audit_changes.collect(session)          # old → new of what this flush changes…
    entries = [o for o in session.new if isinstance(o, AuditEntry) and o.seq is None]
    audit_changes.attach(session, entries)  # …carried by the entry it writes, before its hash is made
    if not entries:
        return
    # The head read below must not flush these entries half-chained.
    with session.no_autoflush:
        seq, prev, server_now = _lock_and_head(session)
        for entry in entries:
            if entry.at is None:    # None: the database's time (a service's clock set it otherwise)
                entry.at = server_now
            seq += 1
            entry.seq, entry.prev_hash = seq, prev
            prev = entry.hash = digest(prev, seq, entry.at, entry.actor, entry.action, entry.entity,
                                       entry.entity_id, entry.case_id, entry.detail)
        _store_head(session, seq, prev)


def install(factory: sessionmaker[Session], actor_name: Any = None) -> None:
    """Chain every audit entry the sessions of ``factory`` insert, with the changes each
    transaction makes (``audit_changes``); ``actor_name()`` names who made changes no entry of
    the services carried."""
    from mediator_desktop.storage import audit_changes

    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "before_commit",
                 lambda session: audit_changes.flush_leftovers(session, actor_name() if actor_name else ""))


@dataclass(frozen=True)
class Break:
    """The first entry that does not fit the chain."""

    seq: int
    entry_id: int | None
    at: datetime | None
    action: str
    reason: str

    def sentence(self) -> str:
        when = f"，{self.at:%Y-%m-%d %H:%M:%S}" if self.at else ""
        what = f"（{self.action}{when}）" if self.action else ""
        return f"第{self.seq}条审计记录{what}：{self.reason}"


@dataclass(frozen=True)
class Verification:
    entries: int
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None

    def sentence(self) -> str:
        if self.broken is None:
            return f"审计记录完整：共{self.entries}条，没有发现被改动、删除或插入的记录。"
        return f"审计记录不完整（已核对{self.entries}条）。{self.broken.sentence()}"


def _entries(session: Session) -> Iterator[AuditEntry]:
    last = 0
    while True:
        batch = session.scalars(select(AuditEntry).where(AuditEntry.seq > last)
                                .order_by(AuditEntry.seq).limit(VERIFY_BATCH)).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].seq or last
        session.expunge_all()


def verify(session: Session) -> Verification:
    """Walk the whole trail in order; the first entry that was changed, or that follows a gap,
    is named. Also checks that nothing was removed from the end (``audit_head``)."""
    unchained = session.scalar(select(AuditEntry.id).where(AuditEntry.seq.is_(None)).limit(1))
    if unchained is not None:
        entry = session.get(AuditEntry, unchained)
        assert entry is not None
        return Verification(0, Break(0, entry.id, entry.at, entry.action, "没有校验值（记录是在软件之外添加的）"))
    expected_seq, prev, count = 1, GENESIS, 0
    for entry in _entries(session):
        seq = entry.seq or 0
        if seq != expected_seq:
            missing = f"第{expected_seq}条" if seq == expected_seq + 1 else f"第{expected_seq}至{seq - 1}条"
            return Verification(count, Break(expected_seq, entry.id, entry.at, entry.action,
                                             f"{missing}审计记录不见了（被删除）"))
        if entry.prev_hash != prev:
            return Verification(count, Break(seq, entry.id, entry.at, entry.action,
                                             "与前一条记录接不上（记录被删除、插入或替换）"))
        own = digest(prev, seq, entry.at, entry.actor, entry.action, entry.entity, entry.entity_id,
                     entry.case_id, entry.detail)
        if entry.hash != own:
            return Verification(count, Break(seq, entry.id, entry.at, entry.action, "内容在软件之外被改动过"))
        prev, expected_seq, count = own, seq + 1, count + 1
    meta = session.get(SchemaInfo, HEAD_KEY)
    if meta is not None:
        head_seq, _, head_hash = meta.value.partition(" ")
        if int(head_seq or 0) != count or (count and head_hash != prev):
            n = int(head_seq or 0)
            reason = (f"最后{n - count}条审计记录不见了（被删除）" if n > count
                      else "最后一条记录与软件记下的不符（被替换）")
            return Verification(count, Break(count + 1 if n > count else count, None, None, "", reason))
    elif count:
        return Verification(count, Break(count, None, None, "", "软件记下的最后一条记录不见了（被删除）"))
    return Verification(count, None)
