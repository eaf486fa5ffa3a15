"""cases: transfers between provinces and consent records (issue 16)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'consent_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('purpose', sa.String(length=30), nullable=False),
        sa.Column('recipient', sa.String(length=60), nullable=False),
        sa.Column('scope', sa.String(length=300), nullable=False),
        sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('method', sa.String(length=10), nullable=False),
        sa.Column('recorded_by', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('withdrawn_by', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'],
                                name=op.f('fk_consent_record_case_id_case_file')),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'],
                                name=op.f('fk_consent_record_client_id_client')),
        sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'],
                                name=op.f('fk_consent_record_recorded_by_app_user')),
        sa.ForeignKeyConstraint(['withdrawn_by'], ['app_user.id'],
                                name=op.f('fk_consent_record_withdrawn_by_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_record')),
    )
    with op.batch_alter_table('consent_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_record_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_record_client_id'), ['client_id'],
                              unique=False)
    op.create_table(
        'case_transfer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('from_province', sa.String(length=5), nullable=False),
        sa.Column('to_province', sa.String(length=5), nullable=False),
        sa.Column('from_centre_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('consent_id', sa.Integer(), nullable=True),
        sa.Column('override_reason', sa.Text(), nullable=True),
        sa.Column('requested_by', sa.Integer(), nullable=True),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decline_reason', sa.Text(), nullable=True),
        sa.Column('accepted_centre_id', sa.Integer(), nullable=True),
        sa.Column('accepted_lead_id', sa.Integer(), nullable=True),
        sa.Column('from_team', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['accepted_centre_id'], ['centre.id'],
                                name=op.f('fk_case_transfer_accepted_centre_id_centre')),
        sa.ForeignKeyConstraint(['accepted_lead_id'], ['app_user.id'],
                                name=op.f('fk_case_transfer_accepted_lead_id_app_user')),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'],
                                name=op.f('fk_case_transfer_case_id_case_file')),
        sa.ForeignKeyConstraint(['consent_id'], ['consent_record.id'],
                                name=op.f('fk_case_transfer_consent_id_consent_record')),
        sa.ForeignKeyConstraint(['decided_by'], ['app_user.id'],
                                name=op.f('fk_case_transfer_decided_by_app_user')),
        sa.ForeignKeyConstraint(['from_centre_id'], ['centre.id'],
                                name=op.f('fk_case_transfer_from_centre_id_centre')),
        sa.ForeignKeyConstraint(['from_province'], ['province.code'],
                                name=op.f('fk_case_transfer_from_province_province')),
        sa.ForeignKeyConstraint(['requested_by'], ['app_user.id'],
                                name=op.f('fk_case_transfer_requested_by_app_user')),
        sa.ForeignKeyConstraint(['to_province'], ['province.code'],
                                name=op.f('fk_case_transfer_to_province_province')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_transfer')),
    )
    with op.batch_alter_table('case_transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_transfer_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_transfer_from_province'), ['from_province'],
                              unique=False)
        batch_op.create_index('ix_case_transfer_to_province_state', ['to_province', 'state'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_transfer', schema=None) as batch_op:
        batch_op.drop_index('ix_case_transfer_to_province_state')
        batch_op.drop_index(batch_op.f('ix_case_transfer_from_province'))
        batch_op.drop_index(batch_op.f('ix_case_transfer_case_id'))
    op.drop_table('case_transfer')
    with op.batch_alter_table('consent_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_record_client_id'))
        batch_op.drop_index(batch_op.f('ix_consent_record_case_id'))
    op.drop_table('consent_record')
