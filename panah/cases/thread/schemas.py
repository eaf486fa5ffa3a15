"""API shapes for the thread from call to case: ways in, links, the timeline, visits."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from panah.cases.model import CaseCategory
from panah.cases.thread.model import LinkKind
from panah.intake.model import RiskLevel

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class _Opening(BaseModel):
    """What the worker adds when a case opens from something already known."""

    model_config = ConfigDict(extra="forbid")

    client_name: str = Field(min_length=1, max_length=120,
                             description="The client's name as they give it")
    category: CaseCategory | None = Field(
        default=None, description="Defaults to the first case category triage chose")
    lead_user_id: Id | None = None
    first_note: str | None = Field(default=None, max_length=5000)


class CaseFromContact(_Opening):
    """Open a case from a 123 contact (a call, a chat, a partner's hand-over)."""

    link_to_case_id: Id | None = Field(
        default=None, description="Link the contact to this existing case instead")
    open_anyway: bool = Field(
        default=False, description="Open a new case although the number has an open one")


class CaseFromVisit(_Opening):
    """Open a case from a mobile team's visit report."""


class WalkInCreate(_Opening):
    """Someone walked into a centre: a contact of channel walk_in and its case, at once."""

    category: CaseCategory  # nothing triaged it: say it
    phone: str | None = Field(default=None, max_length=30)
    summary: str | None = Field(default=None, max_length=2000,
                                description="Why they came, in a few words")
    risk: RiskLevel | None = None


class LinkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: LinkKind
    ref_id: Id


class LinkPublic(BaseModel):
    id: int
    case_id: int
    kind: LinkKind
    ref_id: int
    linked_at: datetime


class TimelineItemPublic(BaseModel):
    at: datetime
    kind: str
    label_key: str
    text: str
    text_en: str | None
    actor: str | None
    link: str | None
    facts: list[tuple[str, str]]


class TimelineDayPublic(BaseModel):
    day: date = Field(description="Iran's calendar day (Gregorian here; pages show Jalali)")
    items: list[TimelineItemPublic]


class TimelinePublic(BaseModel):
    case_id: int
    order: str = Field(default="newest_first")
    days: list[TimelineDayPublic]


class VisitAwaitingPublic(BaseModel):
    """An incident of your province with a visit report and no case yet."""

    incident_id: int
    report_id: int
    written_at: datetime
    place: str | None
    outcome: str
    people_seen: int
    children_seen: int
    call_sign: str | None
    text: str
    categories: list[str]
    priority: str
