"""cases: the case's work on the case file (issue 16)

Types from the triage taxonomy, risk, the lead worker, where the case began, the last
contact with the client, closure and its outcome, the GBV classification and a version for
conditional updates; each team member's discipline. Columns are added in place, never by
rebuilding the table (other tables point to case files).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

def upgrade() -> None:
    with op.batch_alter_table('case_file', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('types', sa.String(length=300), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('risk', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('lead_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('opened_from', sa.String(length=20), nullable=False,
                                      server_default='direct'))
        batch_op.add_column(sa.Column('last_contact_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('closure_requested_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('closure_requested_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('closed_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('gbv_type', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False,
                                      server_default='1'))
        batch_op.create_index(batch_op.f('ix_case_file_lead_user_id'), ['lead_user_id'],
                              unique=False)
    with op.batch_alter_table('case_team_member', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('discipline', sa.String(length=30), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('case_team_member', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('discipline')
    with op.batch_alter_table('case_file', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_file_lead_user_id'))
        for column in ('version', 'gbv_type', 'closed_by', 'closure_requested_by',
                       'closure_requested_at', 'outcome', 'last_contact_at', 'opened_from',
                       'assigned_at', 'lead_user_id', 'risk', 'types'):
            batch_op.drop_column(column)
