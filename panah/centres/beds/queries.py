"""The read side of the bed finder and requests (issue 17)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from panah.cases.thread.items import TimelineItem
from panah.security.policy import Actor


def case_panel(session: Session, *, actor: Actor, case_id: int, now: datetime) -> Any:
    """The bed finder and the case's requests on the case page (``cases/_shelter.html``);
    None: nothing to show."""
    return None


def shelter_requests(session: Session, *, actor: Actor, shelter_id: int,
                     now: datetime) -> Any:
    """The requests waiting for a shelter's answer, for its board
    (``shelters/_requests.html``); None: nothing to show."""
    return None


def timeline_items(session: Session, *, actor: Actor, case_id: int,
                   now: datetime) -> list[TimelineItem]:
    return []
