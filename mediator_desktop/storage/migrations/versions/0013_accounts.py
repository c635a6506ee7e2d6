"""accounts, roles and committees of users

Revision ID: 0013_accounts
Revises: 0012_audit_chain
Create Date: 2026-12-07

Issue 16: people who sign in (login, name, role, the argon2 hash of their password, the lock
after wrong passwords), the roles and what each may do (seeded with the defaults of
``domain/permissions.py``; the administrator edits them) and the committees a user belongs to.
A database without users works as before: sign-in is off until the first administrator is added.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mediator_desktop.domain.permissions import DEFAULT_ROLES, RoleCode

revision = '0013_accounts'
down_revision = '0012_audit_chain'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('user_role',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('permissions', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_user_role'))
    )
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('mediator_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('password_changed_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['mediator_id'], ['mediator.id'], name=op.f('fk_user_account_mediator_id_mediator'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['role'], ['user_role.code'], name=op.f('fk_user_account_role_user_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('login', name=op.f('uq_user_account_login'))
    )
    op.create_table('user_organization',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_user_organization_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_organization_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_organization'))
    )
    with op.batch_alter_table('user_organization', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_organization_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_organization_user_id'), ['user_id'], unique=False)

    roles = sa.table('user_role', sa.column('code', sa.String), sa.column('name', sa.String),
                     sa.column('permissions', sa.JSON), sa.column('position', sa.Integer))
    op.bulk_insert(roles, [{"code": code, "name": RoleCode(code).label, "permissions": [p.value for p in perms],
                            "position": k} for k, (code, perms) in enumerate(DEFAULT_ROLES.items())])


def downgrade() -> None:
    op.drop_table('user_organization')
    op.drop_table('user_account')
    op.drop_table('user_role')
