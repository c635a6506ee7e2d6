"""statistics, the ledger, screening and escalation

Revision ID: 0006_reporting
Revises: 0005_integrity
Create Date: 2026-12-07

Issue 14 (STATISTICS.md): prevention figures recorded on a case; 销号 / 再挂号 on the ledger with
who and when; risk-level changes with who was told and when, and the 一案一策 plan of a red case;
the handling level an escalation clock runs from, and the first receiver (首问负责); referrals
(移交/上报/分流) with their answer; joint case conferences with their tasks; the screening log
(排查) with what each round found. Existing cases stay open on the ledger (挂号) and untracked
for escalation.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006_reporting'
down_revision = '0005_integrity'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('conference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('topic', sa.String(length=300), nullable=False),
    sa.Column('participants', sa.JSON(), nullable=False),
    sa.Column('plan', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_conference_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference'))
    )
    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_conference_organization_id'), ['organization_id'], unique=False)

    op.create_table('screening_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('area', sa.String(length=200), nullable=False),
    sa.Column('screeners', sa.String(length=300), nullable=False),
    sa.Column('nil_report', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_screening_round_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_round'))
    )
    with op.batch_alter_table('screening_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screening_round_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_screening_round_organization_id'), ['organization_id'], unique=False)

    op.create_table('case_prevention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_case_prevention_case_id_mediation_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_prevention'))
    )
    with op.batch_alter_table('case_prevention', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_prevention_case_id'), ['case_id'], unique=False)

    op.create_table('conference_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_conference_case_case_id_mediation_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['conference_id'], ['conference.id'], name=op.f('fk_conference_case_conference_id_conference'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_case'))
    )
    with op.batch_alter_table('conference_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_case_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conference_case_conference_id'), ['conference_id'], unique=False)

    op.create_table('conference_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('who', sa.String(length=100), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['conference_id'], ['conference.id'], name=op.f('fk_conference_task_conference_id_conference'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_task'))
    )
    with op.batch_alter_table('conference_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conference_task_conference_id'), ['conference_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conference_task_due_on'), ['due_on'], unique=False)

    op.create_table('ledger_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_ledger_event_case_id_mediation_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_event'))
    )
    with op.batch_alter_table('ledger_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_event_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_event_on'), ['on'], unique=False)

    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('direction', sa.String(length=20), nullable=False),
    sa.Column('from_unit', sa.String(length=200), nullable=False),
    sa.Column('to_unit', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actions_taken', sa.Text(), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_referral_case_id_mediation_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral'))
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_case_id'), ['case_id'], unique=False)

    op.create_table('risk_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_level', sa.String(length=10), nullable=False),
    sa.Column('to_level', sa.String(length=10), nullable=False),
    sa.Column('reported_to', sa.String(length=200), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_risk_change_case_id_mediation_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_change'))
    )
    with op.batch_alter_table('risk_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_change_case_id'), ['case_id'], unique=False)

    op.create_table('risk_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('lead', sa.String(length=100), nullable=False),
    sa.Column('lead_title', sa.String(length=100), nullable=False),
    sa.Column('members', sa.String(length=400), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_risk_plan_case_id_mediation_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_plan')),
    sa.UniqueConstraint('case_id', name=op.f('uq_risk_plan_case_id'))
    )
    op.create_table('screening_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('parties', sa.String(length=500), nullable=False),
    sa.Column('dispute_type_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('risk_level', sa.String(length=10), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('outcome_on', sa.Date(), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=False),
    sa.Column('referred_to', sa.String(length=200), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_screening_item_case_id_mediation_case'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['dispute_type_id'], ['dispute_type.id'], name=op.f('fk_screening_item_dispute_type_id_dispute_type')),
    sa.ForeignKeyConstraint(['round_id'], ['screening_round.id'], name=op.f('fk_screening_item_round_id_screening_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_item'))
    )
    with op.batch_alter_table('screening_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screening_item_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_screening_item_dispute_type_id'), ['dispute_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_screening_item_round_id'), ['round_id'], unique=False)

    with op.batch_alter_table('mediation_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ledger_closed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('handling_level', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('handling_since', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('first_receiver', sa.String(length=100), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_mediation_case_ledger_closed_on'), ['ledger_closed_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('mediation_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_case_ledger_closed_on'))
        batch_op.drop_column('first_receiver')
        batch_op.drop_column('handling_since')
        batch_op.drop_column('handling_level')
        batch_op.drop_column('ledger_closed_on')

    with op.batch_alter_table('screening_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screening_item_round_id'))
        batch_op.drop_index(batch_op.f('ix_screening_item_dispute_type_id'))
        batch_op.drop_index(batch_op.f('ix_screening_item_case_id'))

    op.drop_table('screening_item')
    op.drop_table('risk_plan')
    with op.batch_alter_table('risk_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_change_case_id'))

    op.drop_table('risk_change')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_case_id'))

    op.drop_table('referral')
    with op.batch_alter_table('ledger_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_event_on'))
        batch_op.drop_index(batch_op.f('ix_ledger_event_case_id'))

    op.drop_table('ledger_event')
    with op.batch_alter_table('conference_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_task_due_on'))
        batch_op.drop_index(batch_op.f('ix_conference_task_conference_id'))

    op.drop_table('conference_task')
    with op.batch_alter_table('conference_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_case_conference_id'))
        batch_op.drop_index(batch_op.f('ix_conference_case_case_id'))

    op.drop_table('conference_case')
    with op.batch_alter_table('case_prevention', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_prevention_case_id'))

    op.drop_table('case_prevention')
    with op.batch_alter_table('screening_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screening_round_organization_id'))
        batch_op.drop_index(batch_op.f('ix_screening_round_held_on'))

    op.drop_table('screening_round')
    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_organization_id'))
        batch_op.drop_index(batch_op.f('ix_conference_held_on'))

    op.drop_table('conference')
