"""centres: community social-service bases (issue 17)

Neighbourhoods with their profile, programmes and their sessions, participants (a light
record, encrypted), enrolments and attendance, and the residents' needs assessments.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 21:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0029'
down_revision: str | None = '0028'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('community_neighbourhood',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('households', sa.Integer(), nullable=True),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('issues', sa.String(length=300), nullable=False),
    sa.Column('amenities', sa.String(length=300), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['centre.id'], name=op.f('fk_community_neighbourhood_base_id_centre')),
    sa.ForeignKeyConstraint(['county_id'], ['county.id'], name=op.f('fk_community_neighbourhood_county_id_county')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_neighbourhood'))
    )
    with op.batch_alter_table('community_neighbourhood', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_neighbourhood_base_id'), ['base_id'], unique=False)

    op.create_table('community_needs_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('residents', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_community_needs_assessment_created_by_app_user')),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['community_neighbourhood.id'], name=op.f('fk_community_needs_assessment_neighbourhood_id_community_neighbourhood'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_needs_assessment'))
    )
    with op.batch_alter_table('community_needs_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_needs_assessment_neighbourhood_id'), ['neighbourhood_id'], unique=False)

    op.create_table('community_programme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_id'], ['centre.id'], name=op.f('fk_community_programme_base_id_centre')),
    sa.ForeignKeyConstraint(['facilitator_id'], ['app_user.id'], name=op.f('fk_community_programme_facilitator_id_app_user')),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['community_neighbourhood.id'], name=op.f('fk_community_programme_neighbourhood_id_community_neighbourhood')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_programme'))
    )
    with op.batch_alter_table('community_programme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_programme_base_id'), ['base_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_programme_neighbourhood_id'), ['neighbourhood_id'], unique=False)

    op.create_table('community_need',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=160), nullable=False),
    sa.Column('raised_by', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['community_needs_assessment.id'], name=op.f('fk_community_need_assessment_id_community_needs_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_need'))
    )
    with op.batch_alter_table('community_need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_need_assessment_id'), ['assessment_id'], unique=False)

    op.create_table('community_participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('age_group', sa.String(length=20), nullable=False),
    sa.Column('sex', sa.String(length=10), nullable=False),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('referred_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('referred_by', sa.Integer(), nullable=True),
    sa.Column('referral_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['base_id'], ['centre.id'], name=op.f('fk_community_participant_base_id_centre')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_community_participant_case_id_case_file')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_community_participant_client_id_client')),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['community_neighbourhood.id'], name=op.f('fk_community_participant_neighbourhood_id_community_neighbourhood')),
    sa.ForeignKeyConstraint(['referred_by'], ['app_user.id'], name=op.f('fk_community_participant_referred_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_participant'))
    )
    with op.batch_alter_table('community_participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_participant_base_id'), ['base_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_participant_case_id'), ['case_id'], unique=False)

    op.create_table('community_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=160), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('held_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('held_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['held_by'], ['app_user.id'], name=op.f('fk_community_session_held_by_app_user')),
    sa.ForeignKeyConstraint(['programme_id'], ['community_programme.id'], name=op.f('fk_community_session_programme_id_community_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_session'))
    )
    with op.batch_alter_table('community_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_session_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_session_starts_at'), ['starts_at'], unique=False)

    op.create_table('community_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('mark', sa.String(length=10), nullable=False),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('marked_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['marked_by'], ['app_user.id'], name=op.f('fk_community_attendance_marked_by_app_user')),
    sa.ForeignKeyConstraint(['participant_id'], ['community_participant.id'], name=op.f('fk_community_attendance_participant_id_community_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['community_session.id'], name=op.f('fk_community_attendance_session_id_community_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_attendance')),
    sa.UniqueConstraint('session_id', 'participant_id', name=op.f('uq_community_attendance_session_id'))
    )
    with op.batch_alter_table('community_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_attendance_session_id'), ['session_id'], unique=False)

    op.create_table('community_enrolment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['community_participant.id'], name=op.f('fk_community_enrolment_participant_id_community_participant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['community_programme.id'], name=op.f('fk_community_enrolment_programme_id_community_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community_enrolment')),
    sa.UniqueConstraint('programme_id', 'participant_id', name=op.f('uq_community_enrolment_programme_id'))
    )
    with op.batch_alter_table('community_enrolment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_community_enrolment_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_community_enrolment_programme_id'), ['programme_id'], unique=False)


def downgrade() -> None:
    op.drop_table('community_attendance')
    op.drop_table('community_enrolment')
    op.drop_table('community_session')
    op.drop_table('community_participant')
    op.drop_table('community_need')
    op.drop_table('community_programme')
    op.drop_table('community_needs_assessment')
    op.drop_table('community_neighbourhood')
