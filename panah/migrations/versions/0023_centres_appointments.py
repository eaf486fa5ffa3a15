"""centres: appointments: (issue 16)

Workers' weekly hours, appointments at a crisis-intervention centre, and the follow-ups a
missed appointment leaves on its case.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('worker_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('start', sa.Time(), nullable=False),
    sa.Column('end', sa.Time(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'],
                            name=op.f('fk_worker_hours_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_worker_hours')),
    sa.UniqueConstraint('user_id', 'weekday', name=op.f('uq_worker_hours_user_id'))
    )
    with op.batch_alter_table('worker_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worker_hours_user_id'), ['user_id'], unique=False)

    op.create_table('appointment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('discipline', sa.String(length=30), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('booked_by', sa.Integer(), nullable=True),
    sa.Column('booked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('settled_by', sa.Integer(), nullable=True),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'],
                            name=op.f('fk_appointment_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['centre_id'], ['centre.id'],
                            name=op.f('fk_appointment_centre_id_centre')),
    sa.ForeignKeyConstraint(['worker_id'], ['app_user.id'],
                            name=op.f('fk_appointment_worker_id_app_user')),
    sa.ForeignKeyConstraint(['booked_by'], ['app_user.id'],
                            name=op.f('fk_appointment_booked_by_app_user')),
    sa.ForeignKeyConstraint(['settled_by'], ['app_user.id'],
                            name=op.f('fk_appointment_settled_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment'))
    )
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_centre_id'), ['centre_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_starts_at'), ['starts_at'],
                              unique=False)
        batch_op.create_index('ix_appointment_worker_starts', ['worker_id', 'starts_at'],
                              unique=False)

    op.create_table('case_follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=60), nullable=False),
    sa.Column('from_appointment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'],
                            name=op.f('fk_case_follow_up_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['from_appointment_id'], ['appointment.id'],
                            name=op.f('fk_case_follow_up_from_appointment_id_appointment'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_follow_up')),
    sa.UniqueConstraint('from_appointment_id',
                        name=op.f('uq_case_follow_up_from_appointment_id'))
    )
    with op.batch_alter_table('case_follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_follow_up_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_follow_up_due_at'), ['due_at'], unique=False)


def downgrade() -> None:
    op.drop_table('case_follow_up')
    op.drop_table('appointment')
    op.drop_table('worker_hours')
