"""sessions, records, outcomes and evidence

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Issue 3: record headers and the read-back-and-signed mark on sessions, caucus and private notes
(never printed or exported), the rights notice per party, extensions of the time limit,
structured agreement terms with their performance, attachments kept byte for byte with their
SHA-256, and the termination's reason kind. Existing rows get the column defaults.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('time_limit_extension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('new_due_on', sa.Date(), nullable=False),
    sa.Column('consent', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_time_limit_extension_case_id_mediation_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_time_limit_extension'))
    )
    with op.batch_alter_table('time_limit_extension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_time_limit_extension_case_id'), ['case_id'], unique=False)

    op.create_table('case_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('party', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_case_note_case_id_mediation_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['mediation_session.id'], name=op.f('fk_case_note_session_id_mediation_session'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_note'))
    )
    with op.batch_alter_table('case_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_note_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_note_session_id'), ['session_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('added_by', sa.String(length=100), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_attachment_case_id_mediation_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['term_id'], ['agreement_term.id'], name=op.f('fk_attachment_term_id_agreement_term'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_sha256'), ['sha256'], unique=False)

    op.create_table('term_performance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['term_id'], ['agreement_term.id'], name=op.f('fk_term_performance_term_id_agreement_term'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_term_performance'))
    )
    with op.batch_alter_table('term_performance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_term_performance_term_id'), ['term_id'], unique=False)

    with op.batch_alter_table('agreement_term', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=False, server_default='obligation'))
        batch_op.add_column(sa.Column('subject', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('instalments', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('text_edited', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('case_party', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('notice_method', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('notice_by', sa.String(length=100), nullable=False, server_default=''))

    with op.batch_alter_table('mediation_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('interviewee', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('recorder', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('mediator_ids', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('signed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('cancelled', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))

    with op.batch_alter_table('termination', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_kind', sa.String(length=20), nullable=True))

    # Before this revision a session's record was, by the exchange format's definition, the
    # signed record: keep it so (otherwise it would drop out of exports and the case file).
    op.execute("UPDATE mediation_session SET signed_at = COALESCE(ends_at, starts_at) "
               "WHERE record <> '' AND signed_at IS NULL")
    # Imported clauses were written as text: keep the text, never regenerate it.
    op.execute("UPDATE agreement_term SET text_edited = TRUE")
    op.execute("UPDATE agreement_term SET subject = text WHERE amount IS NULL")



def downgrade() -> None:
    with op.batch_alter_table('termination', schema=None) as batch_op:
        batch_op.drop_column('reason_kind')

    with op.batch_alter_table('mediation_session', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('cancelled')
        batch_op.drop_column('signed_at')
        batch_op.drop_column('mediator_ids')
        batch_op.drop_column('recorder')
        batch_op.drop_column('interviewee')
        batch_op.drop_column('subject')

    with op.batch_alter_table('case_party', schema=None) as batch_op:
        batch_op.drop_column('notice_by')
        batch_op.drop_column('notice_method')
        batch_op.drop_column('notice_on')

    with op.batch_alter_table('agreement_term', schema=None) as batch_op:
        batch_op.drop_column('text_edited')
        batch_op.drop_column('instalments')
        batch_op.drop_column('subject')
        batch_op.drop_column('kind')

    with op.batch_alter_table('term_performance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_term_performance_term_id'))

    op.drop_table('term_performance')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_sha256'))
        batch_op.drop_index(batch_op.f('ix_attachment_case_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('case_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_note_session_id'))
        batch_op.drop_index(batch_op.f('ix_case_note_case_id'))

    op.drop_table('case_note')
    with op.batch_alter_table('time_limit_extension', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_time_limit_extension_case_id'))

    op.drop_table('time_limit_extension')
