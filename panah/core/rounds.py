"""A timer's round claimed in the database: one row (id 1) of a table with ``id`` and
``last_at`` per timer. A conditional UPDATE on ``last_at`` takes the round, so however many
server processes tick, and across restarts, the round runs at most once per ``every``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

ROUND_ROW = 1


def claim_round(session: Session, table: type[Any], *, now: datetime,
                every: timedelta = timedelta(minutes=1)) -> bool:
    """Take this round: true if none ran in the ``every`` before ``now`` (and now none other
    will until ``every`` has passed), false if one did."""
    won = session.execute(update(table).where(
        table.id == ROUND_ROW, table.last_at <= now - every).values(last_at=now))
    if int(won.rowcount) == 1:  # type: ignore[attr-defined]
        return True
    if session.get(table, ROUND_ROW) is not None:
        return False
    session.add(table(id=ROUND_ROW, last_at=now))  # the first round ever
    session.flush()
    return True
