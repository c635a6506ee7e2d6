"""indexes for the risk and escalation clocks

Revision ID: 0014_risk_indexes
Revises: 0013_accounts
Create Date: 2026-12-07

The today view lists the response clock of each case with a risk level, the escalation clock of
each case with a handling level and the 3-5-7-30 clock of each petition-type case (source
信访部门移送). Those few cases are found by ``handling_level`` and ``source`` (``risk_level`` is
indexed already), never by reading every case.
"""

from __future__ import annotations

from alembic import op

revision = '0014_risk_indexes'
down_revision = '0013_accounts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('mediation_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_case_handling_level'), ['handling_level'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_case_source'), ['source'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('mediation_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_case_source'))
        batch_op.drop_index(batch_op.f('ix_mediation_case_handling_level'))
