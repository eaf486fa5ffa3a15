"""dispatch: the crew's context and closed incidents (issue 14)

The crew's context travels from triage's request to the incident: the counsellor's short
summary and the place in words (personal, so encrypted), who called, what the contact is
about, and whether a woman worker is wanted. ``incident.place`` was plain text: it becomes
an encrypted column, and the rows already stored are sealed here (downgrading opens them
again). Sealing needs the key ring, which ``panah db upgrade`` installs from the settings.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 13:10:00.000000
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLACE = "incident.place"  # the column's context: what its tokens are bound to


def upgrade() -> None:
    with op.batch_alter_table('dispatch_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('place', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('caller_kind', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('prefer_woman', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('categories', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('caller_kind', sa.String(length=20), nullable=True))
    _move_places(sa.String(length=200), sa.Text(), _seal)


def downgrade() -> None:
    _move_places(sa.Text(), sa.String(length=200), _open)
    # Dropped in place (SQLite 3.35+), never rebuilt: see _move_places.
    with op.batch_alter_table('incident', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('caller_kind')
        batch_op.drop_column('categories')
        batch_op.drop_column('summary')
    with op.batch_alter_table('dispatch_request', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('prefer_woman')
        batch_op.drop_column('caller_kind')
        batch_op.drop_column('place')
        batch_op.drop_column('summary')


def _move_places(old: sa.types.TypeEngine[str], new: sa.types.TypeEngine[str],
                 change: Callable[[str], str]) -> None:
    """``incident.place`` into a column of the new type, each value changed on the way
    (sealed or opened). Renamed, added and dropped in place, never rebuilt: SQLite rebuilds
    a table to change a column's type, and the rows of other tables that point to the
    incidents would fail their foreign keys."""
    with op.batch_alter_table('incident', schema=None, recreate='never') as batch_op:
        batch_op.alter_column('place', new_column_name='place_before', existing_type=old,
                              existing_nullable=True)
        batch_op.add_column(sa.Column('place', new, nullable=True))
    bind = op.get_bind()
    incident = sa.table('incident', sa.column('id', sa.Integer()),
                        sa.column('place_before', sa.Text()), sa.column('place', sa.Text()))
    rewrite = sa.update(incident).where(incident.c.id == sa.bindparam('row_id')).values(
        place=sa.bindparam('value'))
    last = 0
    while True:  # a batch at a time, so memory stays flat
        rows = bind.execute(sa.select(incident.c.id, incident.c.place_before).where(
            incident.c.place_before.is_not(None), incident.c.id > last)
            .order_by(incident.c.id).limit(500)).all()
        if not rows:
            break
        bind.execute(rewrite, [{'row_id': row_id, 'value': change(value)}
                               for row_id, value in rows])
        last = rows[-1][0]
    with op.batch_alter_table('incident', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('place_before')


def _seal(value: str) -> str:
    from panah.security.crypto import current_keyring, encrypt

    return encrypt(current_keyring(), value, context=PLACE)


def _open(value: str) -> str:
    from panah.security.crypto import current_keyring, decrypt

    return decrypt(current_keyring(), value, context=PLACE)[:200]
