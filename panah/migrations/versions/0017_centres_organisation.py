"""centres: organisation, hours, coverage, tracker keys (issue 15)

A centre's opening hours; a revision on each county's coverage row, so routing sees a
change of coverage at once (``panah.centres.queries.coverage_stamp``); and a unit's own
tracker key (its prefix, found by a unique index, and a hash of its secret). Columns are
added and dropped in place, never by rebuilding a table: other tables point to the units
and centres, and SQLite rebuilds would have to carry their foreign keys through.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('centre', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('hours', sa.String(length=200), nullable=False,
                                      server_default='24/7'))
    with op.batch_alter_table('county_service', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False,
                                      server_default='0'))
    with op.batch_alter_table('unit', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('tracker_key_prefix', sa.String(length=16),
                                      nullable=True))
        batch_op.add_column(sa.Column('tracker_key_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('tracker_key_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index(batch_op.f('ix_unit_tracker_key_prefix'),
                              ['tracker_key_prefix'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('unit', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_tracker_key_prefix'))
        batch_op.drop_column('tracker_key_at')
        batch_op.drop_column('tracker_key_hash')
        batch_op.drop_column('tracker_key_prefix')
    with op.batch_alter_table('county_service', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('revision')
    with op.batch_alter_table('centre', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('hours')
