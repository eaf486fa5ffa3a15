"""security: audit seal keys (issue 14)

Each audit row records which key sealed it (``key_id``, PANAH_AUDIT_KEYS). Rows written
before keep NULL: they were sealed with a plain SHA-256 and still verify as such.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 13:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("key_id", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("key_id")
