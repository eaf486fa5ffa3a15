"""security: people, access links (issue 15)

A user's skills, the phone the field app reaches them on (sealed), and since when the
account is disabled; ``access_link`` holds the hashes of one-time links to set a password
or to set up the second factor again. Columns are added in place, never by rebuilding
``app_user``: many tables point to it.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('app_user', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('skills', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('phone', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('access_link',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_access_link_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_access_link'))
    )
    with op.batch_alter_table('access_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_link_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('access_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_link_user_id'))
    op.drop_table('access_link')
    with op.batch_alter_table('app_user', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('disabled_at')
        batch_op.drop_column('phone')
        batch_op.drop_column('skills')
