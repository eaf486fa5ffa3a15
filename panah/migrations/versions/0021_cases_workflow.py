"""cases: workflow: (issue 16)

The case file's work: assessments (protocol screens and the psychosocial form), the plan
and its goals, services delivered and their notes by discipline, and every status change.
Answers, goals, notes and reasons are encrypted (``sa.Text`` here).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str, **kw: str) -> sa.ForeignKeyConstraint:
    referred = target.split('.')[0]
    return sa.ForeignKeyConstraint([column], [target],
                                   name=op.f(f'fk_{table}_{column}_{referred}'), **kw)


def _index(table: str, column: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)


def upgrade() -> None:
    op.create_table('case_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('protocol_version', sa.String(length=20), nullable=True),
    sa.Column('level', sa.String(length=20), nullable=True),
    sa.Column('concern', sa.Integer(), nullable=True),
    sa.Column('answers', sa.Text(), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    _fk('case_assessment', 'case_id', 'case_file.id', ondelete='CASCADE'),
    _fk('case_assessment', 'by_user_id', 'app_user.id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_assessment'))
    )
    _index('case_assessment', 'case_id')
    op.create_table('case_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    _fk('case_plan', 'case_id', 'case_file.id', ondelete='CASCADE'),
    _fk('case_plan', 'submitted_by', 'app_user.id'),
    _fk('case_plan', 'decided_by', 'app_user.id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_plan')),
    sa.UniqueConstraint('case_id', name=op.f('uq_case_plan_case_id'))
    )
    op.create_table('case_goal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('owner_discipline', sa.String(length=30), nullable=True),
    sa.Column('owner_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    _fk('case_goal', 'plan_id', 'case_plan.id', ondelete='CASCADE'),
    _fk('case_goal', 'owner_user_id', 'app_user.id'),
    _fk('case_goal', 'created_by', 'app_user.id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_goal'))
    )
    _index('case_goal', 'plan_id')
    _index('case_goal', 'due_on')
    op.create_table('case_service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('discipline', sa.String(length=30), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    _fk('case_service', 'case_id', 'case_file.id', ondelete='CASCADE'),
    _fk('case_service', 'by_user_id', 'app_user.id'),
    _fk('case_service', 'closed_by', 'app_user.id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_service'))
    )
    _index('case_service', 'case_id')
    op.create_table('case_service_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('discipline', sa.String(length=30), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    _fk('case_service_note', 'service_id', 'case_service.id', ondelete='CASCADE'),
    _fk('case_service_note', 'author_id', 'app_user.id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_service_note'))
    )
    _index('case_service_note', 'service_id')
    op.create_table('case_status_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    _fk('case_status_event', 'case_id', 'case_file.id', ondelete='CASCADE'),
    _fk('case_status_event', 'by_user_id', 'app_user.id'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_status_event'))
    )
    _index('case_status_event', 'case_id')


def downgrade() -> None:
    for table, columns in (('case_status_event', ('case_id',)),
                           ('case_service_note', ('service_id',)),
                           ('case_service', ('case_id',)),
                           ('case_goal', ('due_on', 'plan_id')),
                           ('case_plan', ()),
                           ('case_assessment', ('case_id',))):
        if columns:
            with op.batch_alter_table(table, schema=None) as batch_op:
                for column in columns:
                    batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
        op.drop_table(table)
