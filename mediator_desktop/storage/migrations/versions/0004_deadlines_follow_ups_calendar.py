"""deadlines, follow-up visits and the holiday calendar

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Issue 5: follow-up visits (回访) gain their kind, the term they check, whether the application
planned them, the reason, per-term performance, risk signs, measures and whether anyone sued,
with a history of every date change; judicial confirmation gains enforcement; a court-entrusted
case can be under simple procedure (7 days); a year's holiday arrangement can be entered by
hand. Existing visits were entered by people: they become satisfaction visits, not auto.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('holiday_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('working', sa.Boolean(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_holiday_day'))
    )
    op.create_table('holiday_year',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('complete', sa.Boolean(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('entered_by', sa.String(length=100), nullable=False),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_holiday_year'))
    )
    # follow_up is rebuilt on SQLite (a new foreign key): do it before anything refers to it.
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=False, server_default='satisfaction'))
        batch_op.add_column(sa.Column('term_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('auto', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('term_performance', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('risk_note', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('measures', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('sued', sa.Boolean(), nullable=True))
        batch_op.create_index(batch_op.f('ix_follow_up_due_on'), ['due_on'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_follow_up_term_id_agreement_term'), 'agreement_term', ['term_id'], ['id'], ondelete='SET NULL')

    op.create_table('follow_up_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('follow_up_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('old_due', sa.Date(), nullable=True),
    sa.Column('new_due', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['follow_up_id'], ['follow_up.id'], name=op.f('fk_follow_up_event_follow_up_id_follow_up'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_event'))
    )
    with op.batch_alter_table('follow_up_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_event_follow_up_id'), ['follow_up_id'], unique=False)

    with op.batch_alter_table('judicial_confirmation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enforcement_applied', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('enforcement_on', sa.Date(), nullable=True))

    # A plain ALTER TABLE ADD COLUMN: rebuilding mediation_case on SQLite would drop the
    # triggers that keep the search index in step.
    op.add_column('mediation_case', sa.Column('simple_procedure', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    # simple_procedure stays on mediation_case: dropping a column rebuilds the table on SQLite,
    # which would lose the search triggers, and an unused column with a default harms nothing.
    with op.batch_alter_table('judicial_confirmation', schema=None) as batch_op:
        batch_op.drop_column('enforcement_on')
        batch_op.drop_column('enforcement_applied')

    with op.batch_alter_table('follow_up_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_event_follow_up_id'))
    op.drop_table('follow_up_event')

    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_follow_up_term_id_agreement_term'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_follow_up_due_on'))
        for column in ('sued', 'measures', 'risk_note', 'term_performance', 'reason', 'auto', 'term_id', 'kind'):
            batch_op.drop_column(column)

    op.drop_table('holiday_year')
    op.drop_table('holiday_day')
