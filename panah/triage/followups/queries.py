"""Follow-up calls as the API lists them (the rows are read by ``service.list_follow_ups``,
which the line's work list uses too)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from panah.triage.followups.schemas import FollowUpPublic
from panah.triage.followups.service import list_follow_ups


def follow_ups(session: Session, *, province_code: str | None, due_before: datetime | None,
               include_done: bool, with_unplaced: bool, now: datetime) -> list[FollowUpPublic]:
    """Follow-up calls to make, overdue first (then by due time); see
    :func:`list_follow_ups` for what ``province_code`` and ``with_unplaced`` select."""
    rows = list_follow_ups(session, province_code=province_code, due_before=due_before,
                           include_done=include_done, with_unplaced=with_unplaced)
    return [FollowUpPublic.of(row, now=now) for row in rows]
