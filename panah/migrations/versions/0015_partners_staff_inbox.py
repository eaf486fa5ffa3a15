"""partners: the partner agencies' staff inbox (issue 14)

Who of a partner agency signs in to its inbox: ``agency_staff`` links people (users with
the partner_agency role) to the agencies they work for, several to one agency.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 13:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('agency_staff',
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_agency_staff_agency_id_agency'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_agency_staff_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('agency_id', 'user_id', name=op.f('pk_agency_staff'))
    )
    with op.batch_alter_table('agency_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_staff_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('agency_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_staff_user_id'))

    op.drop_table('agency_staff')
