"""materialised deadlines

Revision ID: 0016_case_deadlines
Revises: 0015_statistics_index
Create Date: 2026-12-07

Issue 15: each case's mediation time limit, judicial-confirmation window and open performance
due dates in ``case_deadline`` (indexed on the due date), kept in step by every write
(services/due_dates.py), so the today view is a range query rather than a computation over every
running case. Existing databases get the table filled here, a batch of cases at a time.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016_case_deadlines'
down_revision = '0015_statistics_index'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('provisional', sa.Boolean(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=True),
    sa.Column('party', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_case_deadline_case_id_mediation_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_deadline'))
    )
    with op.batch_alter_table('case_deadline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_deadline_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_deadline_due_on'), ['due_on'], unique=False)

    # Fill it with the very code that keeps it in step (the calendar as entered in this database).
    from sqlalchemy.orm import Session

    from mediator_desktop.services.calendar import load_calendar
    from mediator_desktop.services.due_dates import rebuild

    with Session(bind=op.get_bind()) as s:
        rebuild(s, load_calendar(s))
        s.flush()


def downgrade() -> None:
    with op.batch_alter_table('case_deadline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_deadline_due_on'))
        batch_op.drop_index(batch_op.f('ix_case_deadline_case_id'))
    op.drop_table('case_deadline')
