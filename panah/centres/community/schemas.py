"""API shapes of the community bases: ``XCreate`` in, ``XPublic`` out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from panah.cases.model import CaseCategory
from panah.centres.appointments.schemas import WeekdayName
from panah.centres.community.model import (
    AgeGroup,
    Amenity,
    Audience,
    Issue,
    Mark,
    NeighbourhoodKind,
    ProgrammeKind,
    SessionStatus,
    Sex,
)
from panah.intake.model import RiskLevel

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
DayText = Annotated[str, Field(min_length=8, max_length=12, description=(
    "A day in the Jalali calendar (1405/01/20; Persian digits too) or ISO (2026-04-09)"))]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NeighbourhoodCreate(_In):
    name: str = Field(min_length=1, max_length=120)
    kind: NeighbourhoodKind
    county_id: Id | None = None
    households: int | None = Field(default=None, ge=0, le=10_000_000)
    population: int | None = Field(default=None, ge=0, le=50_000_000)
    issues: list[Issue] = Field(default_factory=list, max_length=len(Issue))
    amenities: list[Amenity] = Field(default_factory=list, max_length=len(Amenity))
    note: str | None = Field(default=None, max_length=2000)


class NeedBody(_In):
    topic: str = Field(min_length=1, max_length=160, description="The residents' words")
    raised_by: int = Field(ge=1, le=100_000, description="How many residents raised it")
    priority: int = Field(ge=1, le=100, description="Its rank, 1 the most pressing")


class AssessmentCreate(_In):
    held_on: DayText
    residents: int = Field(ge=1, le=100_000, description="How many residents took part")
    needs: list[NeedBody] = Field(min_length=1, max_length=30)
    note: str | None = Field(default=None, max_length=2000)


class ProgrammeCreate(_In):
    kind: ProgrammeKind
    title: str = Field(min_length=1, max_length=160)
    facilitator_id: Id | None = Field(default=None, description="A user of the base's province")
    starts_on: DayText
    ends_on: DayText
    capacity: int = Field(ge=1, le=500)
    audience: Audience


class SessionCreate(_In):
    """One session, or a weekly series: ``weeks`` > 1 repeats it on the same weekday."""

    day: DayText = Field(description="The (first) day, Jalali or ISO")
    time: str = Field(min_length=3, max_length=5, description="Iran wall-clock time, 16:00")
    minutes: int = Field(default=90, ge=1, le=24 * 60, description="15 to 240")
    place: str = Field(min_length=1, max_length=160,
                       description="A public community place (a school, a mosque's hall)")
    topic: str | None = Field(default=None, max_length=200)
    weekday: WeekdayName | None = Field(
        default=None, description="For a series: the weekday (defaults to the day's)")
    weeks: int = Field(default=1, ge=1, le=52)


class ParticipantCreate(_In):
    name: str = Field(min_length=1, max_length=80, description="A first name or an alias")
    age_group: AgeGroup
    sex: Sex
    phone: str | None = Field(default=None, max_length=30)
    neighbourhood_id: Id | None = None


class EnrolBody(_In):
    participant_id: Id


class MarkBody(_In):
    participant_id: Id
    mark: Mark


class AttendanceUpdate(_In):
    marks: list[MarkBody] = Field(max_length=500)
    held: bool = Field(default=False, description="Also mark the session held")


class ReferralCreate(_In):
    reason: str = Field(min_length=1, max_length=2000)
    category: CaseCategory
    risk: RiskLevel = RiskLevel.medium
    client_name: str | None = Field(default=None, max_length=120,
                                    description="Defaults to the participant's name")


# ---- out ----------------------------------------------------------------------------------


class NeedPublic(BaseModel):
    topic: str
    raised_by: int
    priority: int


class AssessmentPublic(BaseModel):
    id: int
    held_on: date
    residents: int
    note: str | None
    needs: list[NeedPublic]


class ProgrammeBrief(BaseModel):
    id: int
    kind: ProgrammeKind
    title: str
    audience: Audience
    starts_on: date
    ends_on: date
    capacity: int
    enrolled: int
    facilitator: str | None
    neighbourhood_id: int
    neighbourhood: str


class NeighbourhoodPublic(BaseModel):
    id: int
    base_id: int
    base_name_fa: str
    base_name_en: str
    name: str
    kind: NeighbourhoodKind
    county_id: int | None
    households: int | None
    population: int | None
    issues: list[Issue]
    amenities: list[Amenity]
    note: str | None
    assessments: list[AssessmentPublic] = []
    programmes: list[ProgrammeBrief] = []


class SessionBrief(BaseModel):
    id: int
    programme_id: int
    programme_title: str
    kind: ProgrammeKind
    starts_at: datetime
    ends_at: datetime
    day: date  # in Iran
    place: str
    topic: str | None
    status: SessionStatus
    present: int = 0


class ParticipantBrief(BaseModel):
    id: int
    name: str
    age_group: AgeGroup
    sex: Sex
    case_id: int | None
    case_reference: str | None = None


class ProgrammePublic(ProgrammeBrief):
    base_id: int
    sessions: list[SessionBrief]
    participants: list[ParticipantBrief]


class SheetRow(BaseModel):
    participant: ParticipantBrief
    mark: Mark | None


class SessionPublic(SessionBrief):
    minutes: int
    note: str | None
    base_id: int
    held_at: datetime | None
    may_take_attendance: bool
    rows: list[SheetRow]


class CalendarWeekPublic(BaseModel):
    base_id: int
    base_name_fa: str
    base_name_en: str
    bases: list[tuple[int, str, str]]
    days: list[date]
    previous_week: date
    next_week: date
    today: date
    sessions: list[SessionBrief]
    programmes: list[ProgrammeBrief]
    neighbourhoods: list[tuple[int, str]]


class ParticipantPublic(ParticipantBrief):
    base_id: int
    phone: str | None
    neighbourhood: str | None
    client_id: int | None
    referred_at: datetime | None
    referral_reason: str | None
    programmes: list[ProgrammeBrief]
    attended: int
    may_refer: bool = False


class ReferralPublic(BaseModel):
    participant_id: int
    case_id: int
    case_reference: str
    client_id: int
