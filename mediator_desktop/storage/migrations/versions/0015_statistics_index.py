"""a covering index for the statistics report

Revision ID: 0015_statistics_index
Revises: 0014_risk_indexes
Create Date: 2026-12-07

Issue 14: the statistics table reads, for every case received by the period's end, its date,
status, organisation, type, source and ledger cross-off date. Those columns sit among the case's
long text (summary, search text) in the table; an index holding just them lets the report read
100,000 cases without touching the case rows (about half the report's time on SQLite).
"""

from __future__ import annotations

from alembic import op

revision = '0015_statistics_index'
down_revision = '0014_risk_indexes'
branch_labels = None
depends_on = None

_COLUMNS = ['received_on', 'status', 'organization_id', 'dispute_type_id', 'source', 'ledger_closed_on']


def upgrade() -> None:
    op.create_index('ix_case_statistics', 'mediation_case', _COLUMNS)


def downgrade() -> None:
    op.drop_index('ix_case_statistics', table_name='mediation_case')
