"""API shapes of the 123 line: inbound events in, contacts and queues out, line settings,
and the public help page's chat and report."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from panah.core.clock import as_utc
from panah.intake.model import RiskLevel
from panah.intake.queue.overflow import AttemptOutcome
from panah.intake.routing.lines import MAX_OVERFLOW_S, MIN_OVERFLOW_S

if TYPE_CHECKING:
    from panah.intake.orm import Contact
    from panah.intake.routing.service import LineView

Key = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[\w.:@/+=-]+$")]
# The help page's own token, drawn in the page's memory and sent with each request: its
# chats and reports are counted together against a limit (panah.intake.limits).
VisitorToken = Annotated[str | None, Field(
    default=None, min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
    description="The help page's own random token (page memory only), counted per visitor")]
Phone = Annotated[str, Field(min_length=3, max_length=30)]


class PointIn(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    radius_m: float | None = Field(default=None, ge=0, le=1_000_000)


class TelephonyEvent(BaseModel):
    """What a PBX adapter sends for each call: offered, answered, ended."""

    model_config = ConfigDict(extra="forbid")

    event_id: Key = Field(description="Idempotency key: the same id twice creates nothing new")
    kind: Literal["call.offered", "call.answered", "call.ended"]
    call_id: Key
    caller: Phone | None = Field(default=None, description="Caller number (any format)")
    called: Phone | None = None
    at: datetime | None = None
    location: PointIn | None = Field(default=None, description="Network (cell) location")


class SmsIn(BaseModel):
    """An inbound text from the SMS gateway; AML messages are recognised by their text."""

    model_config = ConfigDict(extra="forbid")

    message_id: Key
    sender: Phone
    recipient: Phone | None = None
    text: str = Field(min_length=1, max_length=2000)
    at: datetime | None = None


class EventReceipt(BaseModel):
    event_id: int
    status: str
    contact_id: int | None
    duplicate: bool


class TrailStepPublic(BaseModel):
    seq: int
    step: str
    outcome: str
    detail_en: str
    detail_fa: str


class LocationPublic(BaseModel):
    source: str
    lat: float | None
    lon: float | None
    radius_m: float | None
    province_code: str | None


class ContactSummary(BaseModel):
    id: int
    channel: str
    state: str
    risk: RiskLevel
    queue: str
    offered_to: list[str]
    province_code: str | None
    location_source: str
    approximate: bool
    queued_at: datetime | None
    waited_s: int
    language: str
    wants_woman: bool
    held_for: str | None = Field(
        default=None, description="in your queue list only: why to leave it to a colleague "
        "for now, 'woman' (a woman counsellor was asked for) or 'language:<name>'; none: "
        "take it")


def summary(contact: Contact, now: datetime) -> ContactSummary:
    """A contact as a queue list shows it, with how long it has waited at ``now``."""
    queued = as_utc(contact.queued_at) if contact.queued_at else None
    return ContactSummary(
        id=contact.id, channel=contact.channel, state=contact.state,
        risk=RiskLevel(contact.risk), queue=contact.queue,
        offered_to=[q for q in contact.offered_to.split(",") if q],
        province_code=contact.province_code, location_source=contact.location_source,
        approximate=contact.approximate, queued_at=queued,
        waited_s=int((now - queued).total_seconds()) if queued else 0,
        language=contact.language, wants_woman=contact.wants_woman)


class EarlierContactPublic(BaseModel):
    id: int
    channel: str
    offered_at: datetime
    risk: RiskLevel
    state: str
    lost: bool = Field(description="the caller hung up before anyone answered")


class CaseHintPublic(BaseModel):
    """A case file of this number. Its category only when you may open the case."""

    id: int
    status: str
    opened_at: datetime
    category: str | None
    restricted: bool
    may_open: bool


class ContactPublic(ContactSummary):
    caller: str | None
    county_key: str | None
    centre_code: str | None
    locations: list[LocationPublic]
    trail: list[TrailStepPublic]
    earlier_contacts: int
    earlier: list[EarlierContactPublic] = Field(
        description="the number's latest earlier contacts (up to 10), newest first")
    cases: list[CaseHintPublic] = Field(description="case files of this number")
    flags: list[str] = Field(description="what to know before answering: earlier_immediate, "
                             "earlier_high, protected_case, open_case, many_recent, "
                             "lost_before")


class AttemptPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # read from callbacks.Attempt

    at: datetime
    outcome: str
    note: str | None


class CallbackPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # read from callbacks.CallbackTask

    contact_id: int
    caller: str | None
    risk: RiskLevel
    channel: str
    province_code: str | None
    abandoned_at: datetime | None
    state: str = Field(description="due, escalated (attempts used up: for the supervisor) "
                                   "or done")
    due_at: datetime
    overdue: bool
    attempts: list[AttemptPublic]


class AttemptIn(BaseModel):
    outcome: AttemptOutcome = Field(description="reached, no_answer, busy or wrong_number")
    note: str | None = Field(default=None, max_length=500)


class LinePublic(BaseModel):
    province_code: str
    queue: str
    overflow_after_s: float
    backup_queues: list[str]
    national_pool: bool
    hours: str = Field(description="Iran time spans, e.g. 08:00-20:00; empty: open 24/7")
    customised: bool = Field(description="false: the service's defaults")
    updated_at: datetime | None

    @classmethod
    def of(cls, view: LineView) -> LinePublic:
        line = view.line
        return cls(province_code=line.province_code, queue=line.queue,
                   overflow_after_s=line.overflow_after_s,
                   backup_queues=list(line.backup_queues), national_pool=line.national_pool,
                   hours=view.hours_text, customised=view.customised,
                   updated_at=view.updated_at)


class LineIn(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    overflow_after_s: float = Field(ge=MIN_OVERFLOW_S, le=MAX_OVERFLOW_S)
    backup_queues: list[str] = Field(max_length=5, description="province codes, in order")
    national_pool: bool = True
    hours: str = Field(default="", max_length=200)


class HelpChatCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    message: str = Field(min_length=1, max_length=2000)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    accuracy_m: float | None = Field(default=None, ge=0, le=1_000_000)
    in_danger: bool = False
    wants_woman: bool = False
    language: str = Field(default="fa", pattern=r"^[a-z]{2,3}$")
    visitor: VisitorToken = None


class HelpChatCreated(BaseModel):
    contact_id: int
    token: str = Field(description="Keep in page memory only; it opens this chat's socket")
    queue: str


class ReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    what: str = Field(min_length=1, max_length=2000)
    place: str | None = Field(default=None, max_length=200)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    when: str | None = Field(default=None, max_length=100)
    visitor: VisitorToken = None


class ReportReceived(BaseModel):
    contact_id: int
    queue: str

