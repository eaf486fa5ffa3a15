"""API shapes of follow-up calls, and the stored row as the pure rules see it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from panah.core.clock import as_utc
from panah.triage.followups.model import FollowUpResult, FollowUpTask, overdue
from panah.triage.orm import FollowUp


def task_of(row: FollowUp) -> FollowUpTask:
    """The stored row as the pure rules see it (times as aware UTC)."""
    return FollowUpTask(
        id=str(row.id), due_at=as_utc(row.due_at),
        done_at=as_utc(row.done_at) if row.done_at else None,
        escalated_at=as_utc(row.escalated_at) if row.escalated_at else None)


class FollowUpPublic(BaseModel):
    """A follow-up call owed after a contact closed. The caller's number is on the contact
    (``GET /api/contacts/{contact_id}``), whose read is audited."""

    id: int
    contact_id: int
    province_code: str | None
    due_at: datetime
    overdue: bool = Field(description="Not done and its due time has come")
    escalated_at: datetime | None = Field(description="When it went to the shift supervisor")
    reason_en: str
    reason_fa: str
    protocols: list[str]
    created_at: datetime
    done_at: datetime | None
    done_by: int | None
    result: str | None
    note: str | None

    @classmethod
    def of(cls, row: FollowUp, *, now: datetime) -> FollowUpPublic:
        due = as_utc(row.due_at)
        return cls(
            id=row.id, contact_id=row.contact_id, province_code=row.province_code, due_at=due,
            overdue=overdue(task_of(row), now=now),
            escalated_at=as_utc(row.escalated_at) if row.escalated_at else None,
            reason_en=row.reason_en, reason_fa=row.reason_fa,
            protocols=[p for p in row.protocols.split(",") if p],
            created_at=as_utc(row.created_at),
            done_at=as_utc(row.done_at) if row.done_at else None, done_by=row.done_by,
            result=row.result, note=row.note)


class FollowUpDone(BaseModel):
    """How the follow-up call went."""

    model_config = ConfigDict(extra="forbid")

    result: FollowUpResult = Field(description="reached, no_answer, wrong_number or declined")
    note: str | None = Field(default=None, max_length=1000,
                             description="How the person is, what was agreed")
