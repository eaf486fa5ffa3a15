"""The case file's work: types, risk, team, plan, services, status (issue 16): read side."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from panah.cases.thread.items import TimelineItem
from panah.security.policy import Actor


def case_panel(session: Session, *, actor: Actor, case_id: int, now: datetime) -> Any:
    """What this part shows on the case page; None shows nothing."""
    return None


def timeline_items(session: Session, *, actor: Actor, case_id: int,
                   now: datetime) -> list[TimelineItem]:
    """This part's items in the case's timeline that actor may see."""
    return []


def overdue_plans(session: Session, *, case_ids: list[int], now: datetime) -> set[int]:
    """Of ``case_ids``, the cases whose plan is overdue (the flags' "plan overdue" rule asks
    this part: the plan's rules live with the plan)."""
    return set()


def goals_due(session: Session, *, case_ids: list[int], day_start: datetime,
              day_end: datetime) -> dict[int, int]:
    """Of ``case_ids``, how many open plan goals each has due in [day_start, day_end)."""
    return {}
