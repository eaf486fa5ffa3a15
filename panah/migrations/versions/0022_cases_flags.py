"""cases: flags: (issue 16) the case_flag table the escalation timer records in, and
case_flag_round, when the timer last ran its once-a-minute round

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('case_flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('flag', sa.String(length=20), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_to', sa.String(length=300), nullable=True),
    sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_flag_case_id_case_file'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_flag'))
    )
    with op.batch_alter_table('case_flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_flag_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_flag_cleared_at'), ['cleared_at'], unique=False)
        batch_op.create_index('ix_case_flag_standing', ['case_id', 'flag'], unique=True,
                              sqlite_where=sa.text('cleared_at IS NULL'),
                              postgresql_where=sa.text('cleared_at IS NULL'))
    op.create_table('case_flag_round',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_flag_round'))
    )


def downgrade() -> None:
    op.drop_table('case_flag_round')
    with op.batch_alter_table('case_flag', schema=None) as batch_op:
        batch_op.drop_index('ix_case_flag_standing')
        batch_op.drop_index(batch_op.f('ix_case_flag_cleared_at'))
        batch_op.drop_index(batch_op.f('ix_case_flag_case_id'))

    op.drop_table('case_flag')
