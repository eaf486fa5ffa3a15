"""intake: flood limits and early events (issue 14)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 13:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('held_event',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.String(length=120), nullable=False),
    sa.Column('held_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['inbound_event.id'],
                            name=op.f('fk_held_event_event_id_inbound_event'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_held_event'))
    )
    with op.batch_alter_table('held_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_held_event_call_id'), ['call_id'], unique=False)

    op.create_table('source_window',
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('source', 'key_hash', name=op.f('pk_source_window'))
    )
    with op.batch_alter_table('source_window', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_window_started_at'), ['started_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('source_window', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_window_started_at'))
    op.drop_table('source_window')
    with op.batch_alter_table('held_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_held_event_call_id'))
    op.drop_table('held_event')
