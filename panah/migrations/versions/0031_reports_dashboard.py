"""reports: the live dashboard's thresholds per province (issue 18)

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-08 00:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0031'
down_revision: str | None = '0030'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('dashboard_threshold',
    sa.Column('province_code', sa.String(length=5), nullable=False),
    sa.Column('tile', sa.String(length=40), nullable=False),
    sa.Column('amber', sa.Float(), nullable=False),
    sa.Column('red', sa.Float(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['province_code'], ['province.code'], name=op.f('fk_dashboard_threshold_province_code_province')),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], name=op.f('fk_dashboard_threshold_updated_by_app_user')),
    sa.PrimaryKeyConstraint('province_code', 'tile', name=op.f('pk_dashboard_threshold'))
    )


def downgrade() -> None:
    op.drop_table('dashboard_threshold')
