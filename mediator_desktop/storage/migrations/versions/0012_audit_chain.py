"""the audit trail as a hash chain

Revision ID: 0012_audit_chain
Revises: 0006_reporting
Create Date: 2026-12-07

Issue 16: every audit entry gets its number in the trail, the hash of the entry before it and
its own (``storage/audit_chain.py``), so an entry edited or deleted outside the application is
detected. Existing entries are chained in the order they were written (by id); the newest
entry's number and hash go to ``app_meta`` (``audit_head``).
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from mediator_desktop.storage.audit_chain import GENESIS, HEAD_KEY, digest

revision = '0012_audit_chain'
down_revision = '0006_reporting'
branch_labels = None
depends_on = None

_BATCH = 5000


def _when(value: object) -> object:
    # SQLite hands a DateTime back as text through a plain SELECT.
    if isinstance(value, str):
        from datetime import datetime

        return datetime.fromisoformat(value)
    return value


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    conn = op.get_bind()
    seq, prev, last_id = 0, GENESIS, 0
    update = sa.text("UPDATE audit_log SET seq = :seq, prev_hash = :prev_hash, hash = :hash WHERE id = :id")
    while True:
        rows = conn.execute(sa.text(
            "SELECT id, at, actor, action, entity, entity_id, case_id, detail FROM audit_log "
            "WHERE id > :last ORDER BY id LIMIT :n"), {"last": last_id, "n": _BATCH}).all()
        if not rows:
            break
        params = []
        for row in rows:
            seq += 1
            detail = json.loads(row.detail) if isinstance(row.detail, str) else row.detail
            own = digest(prev, seq, _when(row.at), row.actor, row.action, row.entity, row.entity_id,  # type: ignore[arg-type]
                         row.case_id, detail)
            params.append({"seq": seq, "prev_hash": prev, "hash": own, "id": row.id})
            prev = own
        conn.execute(update, params)
        last_id = rows[-1].id
    if seq:
        conn.execute(sa.text("INSERT INTO app_meta (key, value) VALUES (:k, :v)"), {"k": HEAD_KEY, "v": f"{seq} {prev}"})
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_audit_log_seq'), ['seq'])


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_log_seq'), type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
    op.execute(sa.text(f"DELETE FROM app_meta WHERE key = '{HEAD_KEY}'"))
