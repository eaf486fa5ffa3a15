"""API shapes of dispatch: incidents, recommendations, assignments, the field app's
changes (statuses, positions, check-ins, reports) and the board."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from panah.dispatch.model import CallerKind, Priority, UnitStatus
from panah.dispatch.orm import PostKind, UnitKind
from panah.dispatch.recommend import Recommendation

Lat = Annotated[float, Field(ge=-90, le=90)]
Lon = Annotated[float, Field(ge=-180, le=180)]
ClientId = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Caution = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$")]
Role = Annotated[str, Field(min_length=1, max_length=30, pattern=r"^[a-z_]+$")]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$")]
SUMMARY_MAX = 500  # a few lines the crew reads on the way, not the case notes


class IncidentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    lat: Lat
    lon: Lon
    priority: Priority = Priority.medium
    cautions: list[Caution] = Field(default_factory=list, max_length=10)
    note: str | None = Field(default=None, max_length=4000)
    place: str | None = Field(default=None, max_length=200)
    radius_m: float | None = Field(default=None, ge=0, le=100_000)
    needs_roles: list[Role] = Field(default_factory=list, max_length=4)
    prefer_woman: bool = False
    needs_kind: str | None = Field(default=None, pattern=r"^(adapted_van|sedan)$")
    summary: str | None = Field(default=None, max_length=SUMMARY_MAX)
    caller_kind: CallerKind | None = None
    categories: list[Code] = Field(default_factory=list, max_length=6)


class IncidentPublic(BaseModel):
    id: int
    province_code: str
    county_key: str | None
    priority: str
    state: str
    lat: float
    lon: float
    radius_m: float | None
    place: str | None  # in words, as the caller or the counsellor said it
    area_fa: str | None = None  # the county and province the point lies in
    area_en: str | None = None
    cautions: list[str]
    cautions_fa: list[str]
    cautions_en: list[str]
    note: str | None
    summary: str | None = None  # the counsellor's words for the crew
    categories: list[str] = []  # what the contact is about (triage's codes)
    categories_fa: list[str] = []
    categories_en: list[str] = []
    caller_kind: str | None = None  # person | third_party | agency
    needs_roles: list[str]
    prefer_woman: bool
    contact_id: int | None
    dispatch_request_id: int | None
    created_at: datetime
    closed_at: datetime | None = None
    units: list[str] = []


class PickPublic(BaseModel):
    unit_id: int
    call_sign: str
    minutes: float
    km: float | None
    score: float
    reasons: list[str]
    explain_en: str
    explain_fa: str


class ExcludedPublic(BaseModel):
    unit_id: int
    call_sign: str
    reason: str


class RecommendationPublic(BaseModel):
    incident_id: int
    picks: list[PickPublic]
    excluded: list[ExcludedPublic]


def recommendation_public(incident_id: int, found: Recommendation) -> RecommendationPublic:
    """The recommendation as the API gives it (and with a 409 for a unit just taken)."""
    return RecommendationPublic(
        incident_id=incident_id,
        picks=[PickPublic(unit_id=p.unit_id, call_sign=p.call_sign, minutes=p.minutes,
                          km=p.km, score=p.score, reasons=list(p.reasons),
                          explain_en=p.explain_en, explain_fa=p.explain_fa) for p in found.picks],
        excluded=[ExcludedPublic(unit_id=e.unit_id, call_sign=e.call_sign, reason=e.reason)
                  for e in found.excluded])


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: int = Field(ge=1, le=2**31 - 1)


class AssignmentPublic(BaseModel):
    id: int
    incident_id: int
    unit_id: int
    call_sign: str
    assigned_at: datetime
    estimate_minutes: float | None
    explanation: str | None


class CloseIncidentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cancelled: bool = False


class StatusIn(BaseModel):
    """A status from the crew's phone (``client_id`` makes a retry harmless) or from a
    dispatcher who heard it on the radio."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    status: UnitStatus
    at: AwareDatetime | None = None  # when it happened; now if not given
    client_id: ClientId | None = None
    lat: Lat | None = None
    lon: Lon | None = None


class StatusEventPublic(BaseModel):
    id: int
    unit_id: int
    incident_id: int | None
    status: str
    previous: str | None
    at: datetime
    received_at: datetime
    source: str
    applied: bool
    client_id: str | None
    lat: float | None  # where the unit was: the phone's point, else its last fix
    lon: float | None


class StatusOut(BaseModel):
    event: StatusEventPublic
    applied: bool
    replay: bool
    unit_status: str


class PositionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    lat: Lat
    lon: Lon
    at: AwareDatetime
    accuracy_m: float | None = Field(default=None, ge=0, le=100_000)
    speed_kmh: float | None = Field(default=None, ge=0, le=400)
    heading_deg: float | None = Field(default=None, ge=0, le=360)


class TrackerPositionIn(PositionIn):
    """A vehicle tracker's position, by call sign (machine accounts over HTTP)."""

    call_sign: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")


class PositionOut(BaseModel):
    id: int
    stored: bool  # False: the same fix came before (a retry)
    unit_lat: float | None
    unit_lon: float | None
    position_at: datetime | None


class CheckInIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: AwareDatetime | None = None


class CheckInOut(BaseModel):
    next_due_at: datetime


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    incident_id: int = Field(ge=1, le=2**31 - 1)
    client_id: ClientId
    written_at: AwareDatetime
    outcome: str = Field(min_length=1, max_length=40)
    text: str = Field(min_length=1, max_length=8000)
    people_seen: int = Field(default=0, ge=0, le=1000)
    children_seen: int = Field(default=0, ge=0, le=1000)
    taken_to_centre_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class ReportOut(BaseModel):
    id: int
    incident_id: int
    stored: bool
    outcome: str


class SeatPublic(BaseModel):
    role: str
    prefer_woman: bool
    filled: bool
    woman_preferred_but_not: bool


class TrailItem(BaseModel):
    status: str
    status_fa: str
    status_en: str
    at: datetime
    applied: bool


class UnitPublic(BaseModel):
    id: int
    call_sign: str
    kind: str
    status: str
    status_fa: str
    status_en: str
    status_since: datetime | None
    province_code: str | None
    post: str | None
    post_fa: str | None
    post_lat: float | None
    post_lon: float | None
    at_home: bool = False  # waits at its home centre: its (Nowruz) post is closed today
    lat: float | None  # the position shown: the last fix, else the post
    lon: float | None
    position_at: datetime | None
    position_stale: bool
    incident_id: int | None
    check_in_due_at: datetime | None
    crew: list[str]
    seats: list[SeatPublic] = []
    trail: list[TrailItem] = []  # the latest statuses, oldest first


class AlertPublic(BaseModel):
    id: int
    unit_id: int
    call_sign: str
    incident_id: int | None
    kind: str
    raised_at: datetime


class RequestPublic(BaseModel):
    id: int
    contact_id: int
    priority: str
    cautions: list[str]
    requested_at: datetime
    has_point: bool


class ClosedIncidentPublic(BaseModel):
    """A closed or cancelled incident in the board's list: its page has the timeline."""

    id: int
    priority: str
    state: str  # closed | cancelled
    place: str | None
    categories: list[str]
    created_at: datetime
    closed_at: datetime
    units: list[str]  # every unit sent, in order
    outcome: str | None  # the visit report's, e.g. taken_to_shelter


class TimelineEntry(BaseModel):
    """One moment of an incident: made, a unit sent, a crew's status, a report, the end."""

    at: datetime
    kind: str  # created | assigned | status | report | closed | cancelled
    call_sign: str | None = None
    status: str | None = None  # kind "status": the unit's new status
    status_fa: str | None = None
    status_en: str | None = None
    applied: bool = True  # False: overtaken while the phone was offline (history only)
    estimate_minutes: float | None = None  # kind "assigned"
    outcome: str | None = None  # kind "report"


class VisitReportPublic(BaseModel):
    """A crew's visit report; ``text`` only for those who may read it (need-to-know)."""

    id: int
    call_sign: str | None
    written_at: datetime
    outcome: str
    people_seen: int
    children_seen: int
    taken_to_fa: str | None
    taken_to_en: str | None
    text: str | None
    text_withheld: bool


class IncidentTimelinePublic(BaseModel):
    incident: IncidentPublic
    entries: list[TimelineEntry]  # oldest first
    reports: list[VisitReportPublic]


class BoardPublic(BaseModel):
    province_code: str | None
    stamp: str
    units: list[UnitPublic]
    incidents: list[IncidentPublic]
    alerts: list[AlertPublic]
    requests: list[RequestPublic]
    closed_today: list[ClosedIncidentPublic] = []
    closed_earlier: list[ClosedIncidentPublic] = []  # earlier this week (from Saturday)


class CrewAssignmentPublic(BaseModel):
    """What the crew's phone shows: their unit, and the incident it is on (if any)."""

    unit: UnitPublic
    incident: IncidentPublic | None
    allowed_next: list[str]
    # The server's time: the phone stamps queued changes on this clock, not its own.
    server_now: datetime
    safety_check_minutes: int


class BusStatusPublic(BaseModel):
    configured: bool
    connected: bool
    detail_en: str
    detail_fa: str


class TeamChannelPublic(BaseModel):
    id: int
    kind: str  # direct | centre | incident
    name_fa: str
    name_en: str
    incident_id: int | None
    units: list[str]
    last_message_id: int


class TeamChannelMessageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: ClientId
    text: str = Field(min_length=1, max_length=2000)


class VoiceNoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    client_id: ClientId
    audio_base64: str = Field(min_length=4, max_length=700_000)
    mime: str = Field(min_length=5, max_length=60)
    seconds: float = Field(gt=0, le=60)


class RadioMessageIn(BaseModel):
    """What a radio user said, from the radio gateway (see panah/integrations/radio.py)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    talkgroup: str = Field(pattern=r"^panah-[1-9]\d{0,8}$")
    client_id: ClientId
    call_sign: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")
    text: str | None = Field(default=None, min_length=1, max_length=2000)
    audio_base64: str | None = Field(default=None, min_length=4, max_length=700_000)
    mime: str | None = Field(default=None, max_length=60)
    seconds: float | None = Field(default=None, gt=0, le=60)


class TeamChannelMessagePublic(BaseModel):
    id: int
    channel_id: int
    client_id: str
    at: datetime
    sender_name: str
    sender_call_sign: str | None
    kind: str
    text: str | None
    voice_url: str | None
    voice_seconds: float | None
    source: str


class PostPublic(BaseModel):
    id: int
    code: str
    kind: str  # permanent | nowruz
    name_fa: str
    name_en: str
    county: str
    lat: float
    lon: float
    active_from: date | None
    active_to: date | None


class ShiftCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime
    ends_at: AwareDatetime
    post_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    crew_member_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(
        min_length=1, max_length=6)


class ShiftPublic(BaseModel):
    id: int
    unit_id: int
    post_id: int | None
    starts_at: datetime
    ends_at: datetime
    crew_member_ids: list[int]
    seats: list[SeatPublic]


# ---- the fleet as an administrator enters it (issue 15: also one spreadsheet row) -------------

FleetCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")]
CallSign = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$",
                                examples=["MZN-12"])]
Username = Annotated[str, Field(min_length=1, max_length=80)]


class PostIn(BaseModel):
    """A post, keyed by ``code``: permanent, or a Nowruz post open from ``active_from`` to
    ``active_to`` (both required for it, refused for a permanent one). ``county`` is its
    key or its Persian or English name; the point must lie in the province (the county's;
    ``province_code``, when given, must be the same)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_strip_whitespace=True)

    code: FleetCode = Field(examples=["MZN-N-NUR"])
    kind: PostKind
    name_fa: str = Field(min_length=1, max_length=160)
    name_en: str = Field(min_length=1, max_length=160)
    province_code: str | None = Field(default=None, pattern=r"^IR-\d\d$")
    county: str = Field(min_length=1, max_length=120)
    lat: Lat
    lon: Lon
    active_from: date | None = None
    active_to: date | None = None


class UnitIn(BaseModel):
    """A vehicle, keyed by ``call_sign``: its kind, its home centre (by code; the unit
    belongs to that centre's province), the post it waits at (by code, same province), and
    whether it is in service (``active``: false retires it)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    call_sign: CallSign
    kind: UnitKind
    home_centre_code: FleetCode
    post_code: FleetCode | None = None
    active: bool = True
    # The crew roster: usernames of active accounts of the unit's province (roles field_crew,
    # social_worker or psychologist), in the seat each fills. None (left out, a blank
    # column) leaves the roster as it is; a list replaces the members who hold an account
    # (named members without one stay).
    social_workers: list[Username] | None = Field(
        default=None, max_length=20, examples=[["sh.rahmani"]],
        description="Usernames seated as social workers; omitted: roster unchanged.")
    psychologists: list[Username] | None = Field(
        default=None, max_length=20, examples=[["p.nouri"]],
        description="Usernames seated as psychologists; omitted: roster unchanged.")


class CrewMemberPublic(BaseModel):
    """Someone on a unit's roster: an account (``username``) or a named member without one."""

    username: str | None
    full_name: str
    role: str  # social_worker | psychologist
    is_woman: bool


class FleetPostPublic(BaseModel):
    code: str
    kind: PostKind
    name_fa: str
    name_en: str
    province_code: str
    county_key: str
    county_fa: str
    county_en: str
    lat: float
    lon: float
    active_from: date | None
    active_to: date | None
    units: list[str] = []  # call signs of the units in service waiting there


class FleetUnitPublic(BaseModel):
    call_sign: str
    kind: UnitKind
    province_code: str | None
    home_centre_code: str
    home_centre_fa: str
    home_centre_en: str
    post_code: str | None
    post_fa: str | None
    post_en: str | None
    status: str  # the unit's status, or ``retired``
    active: bool
    tracker_key_prefix: str | None  # which key its tracker holds (never the key)
    tracker_key_at: datetime | None
    crew: list[CrewMemberPublic] = []  # the roster, social workers first


class TrackerKeyCreated(BaseModel):
    """A unit's new tracker key: shown here once, never again (only a hash is kept). It
    replaces the unit's previous key at once."""

    call_sign: str
    key: str
    prefix: str
    created_at: datetime

