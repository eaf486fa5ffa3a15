"""Appointments at a crisis-intervention centre (issue 16): read side."""

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


def due_today(session: Session, *, case_ids: list[int], day_start: datetime,
              day_end: datetime) -> dict[int, int]:
    """Of ``case_ids``, how many appointments and follow-ups each has in [day_start,
    day_end) and not yet done (the worker's list shows them under "due today")."""
    return {}
