"""optimistic locking for visits, performance and agreement terms

Revision ID: 0005_integrity
Revises: 0004
Create Date: 2026-11-23

Issue 17: follow-up visits (回访), performance records (履行情况) and the agreement terms whose
status a performance record sets get a ``version`` checked on every UPDATE, like cases and
records, so a second PC's stale save raises a conflict instead of silently overwriting the first.
Existing rows start at version 1.

It also mends a series an earlier import ran out (a code like 第9223372036854775807号 set
``case_sequence.last_n`` so high that the next registration overflowed or looped): such a series
continues after the highest number of the series held by a case, at most 999999.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005_integrity'
down_revision = '0004'
branch_labels = None
depends_on = None

_TABLES = ('follow_up', 'term_performance', 'agreement_term')


def upgrade() -> None:
    # Adding a column only: batch mode on SQLite uses a plain ALTER TABLE ADD COLUMN (no rebuild).
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    op.execute(
        "UPDATE case_sequence SET last_n = COALESCE((SELECT MAX(c.code_n) FROM mediation_case c "
        "WHERE c.organization_id = case_sequence.organization_id AND c.code_year = case_sequence.year "
        "AND c.code_n <= 999999), 0) WHERE last_n > 999999"
    )


def downgrade() -> None:
    for table in reversed(_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
