"""centres: stays (issue 17)

shelter_stay_extension, a supervisor's extensions of a stay (reason encrypted);
shelter_stay_alert, the alerts raised on a stay near or past its last day (once each per
last day); shelter_alert_round, when the alerts' timer last ran its once-a-minute round

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 21:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0027'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('shelter_stay_extension',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stay_id', sa.Integer(), nullable=False),
    sa.Column('previous_end', sa.Date(), nullable=False),
    sa.Column('until', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('extended_by', sa.Integer(), nullable=False),
    sa.Column('extended_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['extended_by'], ['app_user.id'], name=op.f('fk_shelter_stay_extension_extended_by_app_user')),
    sa.ForeignKeyConstraint(['stay_id'], ['shelter_stay.id'], name=op.f('fk_shelter_stay_extension_stay_id_shelter_stay'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shelter_stay_extension'))
    )
    with op.batch_alter_table('shelter_stay_extension', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shelter_stay_extension_stay_id'), ['stay_id'], unique=False)

    op.create_table('shelter_stay_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stay_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('for_day', sa.Date(), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['stay_id'], ['shelter_stay.id'], name=op.f('fk_shelter_stay_alert_stay_id_shelter_stay'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shelter_stay_alert')),
    sa.UniqueConstraint('stay_id', 'kind', 'for_day', name=op.f('uq_shelter_stay_alert_stay_id'))
    )
    with op.batch_alter_table('shelter_stay_alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shelter_stay_alert_stay_id'), ['stay_id'], unique=False)

    op.create_table('shelter_alert_round',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shelter_alert_round'))
    )


def downgrade() -> None:
    op.drop_table('shelter_alert_round')
    with op.batch_alter_table('shelter_stay_alert', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shelter_stay_alert_stay_id'))
    op.drop_table('shelter_stay_alert')
    with op.batch_alter_table('shelter_stay_extension', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shelter_stay_extension_stay_id'))
    op.drop_table('shelter_stay_extension')
