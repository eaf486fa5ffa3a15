"""The statistics' read side: figures counted in the database, grouped by Iran day and
dimension, rolled up into Jalali periods in Python (panah.reports.periods).

CONTRACT: ``statistics(session, *, actor, query, now) -> StatsTable``; access (a province's
people see their province; an analyst counts only, suppressed) is decided here, once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from panah.reports.statistics.model import StatsQuery, StatsTable
from panah.security.policy import Actor


def statistics(session: Session, *, actor: Actor | None, query: StatsQuery,
               now: datetime) -> StatsTable:
    raise NotImplementedError("issue 18: the statistics engine (helper B)")
