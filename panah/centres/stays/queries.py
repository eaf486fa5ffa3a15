"""The read side of stays (issue 17)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from panah.cases.thread.items import TimelineItem
from panah.security.policy import Actor


def case_panel(session: Session, *, actor: Actor, case_id: int, now: datetime) -> Any:
    """The case's stays on the case page (``cases/_stays.html``); None: nothing to show."""
    return None


def timeline_items(session: Session, *, actor: Actor, case_id: int,
                   now: datetime) -> list[TimelineItem]:
    return []
