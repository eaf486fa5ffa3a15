"""cases: clients: (issue 16)

The client's full identity (phones, birth date, why there is no national code, disability,
nationality, languages), the blind indexes for duplicates (a keyed hash per phone and per
name word, and of the whole name key) and merges with their undo. Columns are added to
``client`` in place (case files point to it).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NEW_COLUMNS = ('merged_into_id', 'name_key_hash', 'languages', 'nationality', 'disability',
                'no_national_code_note', 'no_national_code_reason', 'birth_date', 'phones')


def upgrade() -> None:
    with op.batch_alter_table('client', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('phones', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('birth_date', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('no_national_code_reason', sa.String(length=20),
                                      nullable=True))
        batch_op.add_column(sa.Column('no_national_code_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('disability', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('nationality', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('languages', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('name_key_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_client_name_key_hash'), ['name_key_hash'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_client_merged_into_id'), ['merged_into_id'],
                              unique=False)
    op.create_table(
        'client_phone',
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('phone_hash', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE',
                                name=op.f('fk_client_phone_client_id_client')),
        sa.PrimaryKeyConstraint('client_id', 'phone_hash', name=op.f('pk_client_phone')),
    )
    op.create_index(op.f('ix_client_phone_phone_hash'), 'client_phone', ['phone_hash'],
                    unique=False)
    op.create_table(
        'client_name_token',
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE',
                                name=op.f('fk_client_name_token_client_id_client')),
        sa.PrimaryKeyConstraint('client_id', 'token_hash', name=op.f('pk_client_name_token')),
    )
    op.create_index(op.f('ix_client_name_token_token_hash'), 'client_name_token',
                    ['token_hash'], unique=False)
    op.create_table(
        'client_merge',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survivor_id', sa.Integer(), nullable=False),
        sa.Column('merged_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('by', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('moved_case_ids', sa.Text(), nullable=False),
        sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('undone_by', sa.Integer(), nullable=True),
        sa.Column('undo_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['survivor_id'], ['client.id'],
                                name=op.f('fk_client_merge_survivor_id_client')),
        sa.ForeignKeyConstraint(['merged_id'], ['client.id'],
                                name=op.f('fk_client_merge_merged_id_client')),
        sa.ForeignKeyConstraint(['by'], ['app_user.id'],
                                name=op.f('fk_client_merge_by_app_user')),
        sa.ForeignKeyConstraint(['undone_by'], ['app_user.id'],
                                name=op.f('fk_client_merge_undone_by_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_client_merge')),
    )
    op.create_index(op.f('ix_client_merge_survivor_id'), 'client_merge', ['survivor_id'],
                    unique=False)
    op.create_index(op.f('ix_client_merge_merged_id'), 'client_merge', ['merged_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_client_merge_merged_id'), table_name='client_merge')
    op.drop_index(op.f('ix_client_merge_survivor_id'), table_name='client_merge')
    op.drop_table('client_merge')
    op.drop_index(op.f('ix_client_name_token_token_hash'), table_name='client_name_token')
    op.drop_table('client_name_token')
    op.drop_index(op.f('ix_client_phone_phone_hash'), table_name='client_phone')
    op.drop_table('client_phone')
    with op.batch_alter_table('client', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_merged_into_id'))
        batch_op.drop_index(batch_op.f('ix_client_name_key_hash'))
        for column in _NEW_COLUMNS:
            batch_op.drop_column(column)
