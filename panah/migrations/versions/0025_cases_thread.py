"""cases: thread: (issue 16)

What a case is linked to: the contacts, incidents and referrals of its thread, each once
per case (``case_link``).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'case_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('ref_id', sa.Integer(), nullable=False),
        sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('linked_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ondelete='CASCADE',
                                name=op.f('fk_case_link_case_id_case_file')),
        sa.ForeignKeyConstraint(['linked_by'], ['app_user.id'],
                                name=op.f('fk_case_link_linked_by_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_link')),
        sa.UniqueConstraint('case_id', 'kind', 'ref_id', name=op.f('uq_case_link_case_id')),
    )
    op.create_index(op.f('ix_case_link_case_id'), 'case_link', ['case_id'], unique=False)
    op.create_index('ix_case_link_kind_ref', 'case_link', ['kind', 'ref_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_link_kind_ref', table_name='case_link')
    op.drop_index(op.f('ix_case_link_case_id'), table_name='case_link')
    op.drop_table('case_link')
