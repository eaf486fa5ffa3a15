"""API shapes of the case file's work: ``XCreate`` in, ``WorkPublic`` (the panel) out.

Values the rules judge (an outcome, a GBV type, a plan's goals) are plain strings here, so
a missing or wrong one is refused by the domain with a message naming the rule, in
Persian and English, rather than by a generic validation error.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from panah.intake.model import RiskLevel

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Rating = Annotated[int, Field(ge=0, le=3)]
ShortText = Annotated[str, Field(max_length=2000)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WorkUpdate(_In):
    """Only the fields sent change; ``gbv_type: null`` clears it."""

    types: list[str] | None = Field(default=None, max_length=10,
                                    description="Triage taxonomy codes besides the category")
    risk: RiskLevel | None = None
    gbv_type: str | None = Field(default=None, max_length=40,
                                 description="A GBVIMS incident type (GBV cases only)")


class TeamMemberCreate(_In):
    user_id: Id
    discipline: str | None = Field(default=None, max_length=30,
                                   description="Defaults to the member's role")
    lead: bool = False


class LeadSet(_In):
    user_id: Id


class PsychosocialForm(_In):
    presenting_problem: ShortText = ""
    safety: Rating = 0
    family_support: Rating = 0
    social_support: Rating = 0
    health: Rating = 0
    housing_income: Rating = 0
    strengths: ShortText = ""
    needs: ShortText = ""


class AssessmentCreate(_In):
    kind: str = Field(max_length=30,
                      description="psychosocial, or a triage protocol id (lethality_screen …)")
    answers: dict[str, bool | str] = Field(default_factory=dict, max_length=40)
    believes_high_danger: bool = False
    form: PsychosocialForm | None = None


class GoalCreate(_In):
    text: str = Field(min_length=1, max_length=1000)
    due_on: str = Field(max_length=20, description="A day: 1405/01/20 (Jalali) or 2026-04-09")
    owner_discipline: str | None = Field(default=None, max_length=30)
    owner_user_id: Id | None = None


class Reason(_In):
    reason: str = Field(default="", max_length=1000)


class ServiceCreate(_In):
    kind: str = Field(max_length=30)
    at: datetime | None = Field(default=None, description="When it was given; default now")
    discipline: str | None = Field(default=None, max_length=30)
    note: str | None = Field(default=None, max_length=5000)


class ServiceNoteCreate(_In):
    text: str = Field(min_length=1, max_length=5000)


class StatusChange(_In):
    to: str = Field(max_length=30)
    reason: str = Field(default="", max_length=1000)


class ClosureRequest(_In):
    outcome: str | None = Field(default=None, max_length=40)
    reason: str = Field(default="", max_length=1000)


class ClosureApproval(_In):
    outcome: str | None = Field(default=None, max_length=40,
                                description="Confirms or corrects the requested outcome")


# ---- out ---------------------------------------------------------------------------------


class PersonPublic(BaseModel):
    user_id: int
    full_name: str
    role: str


class MemberPublic(PersonPublic):
    discipline: str
    lead: bool


class DisciplineGroup(BaseModel):
    discipline: str
    members: list[MemberPublic]


class AssessmentPublic(BaseModel):
    id: int
    kind: str
    at: datetime
    by: str | None
    level: str | None
    concern: int | None
    protocol_version: str | None
    answers: dict[str, object]


class GoalPublic(BaseModel):
    id: int
    text: str
    due_on: str  # ISO day; pages show it in Jalali
    due_jalali: str
    owner_discipline: str | None
    owner: str | None
    done_at: datetime | None
    overdue: bool


class PlanPublic(BaseModel):
    state: str
    goals: list[GoalPublic]
    submitted_at: datetime | None
    decided_at: datetime | None
    decided_by: str | None
    return_reason: str | None
    overdue: bool


class NotePublic(BaseModel):
    id: int
    at: datetime
    author: str | None
    discipline: str | None
    text: str


class ServicePublic(BaseModel):
    id: int
    kind: str
    at: datetime
    by: str | None
    discipline: str | None
    state: str
    closed_at: datetime | None
    notes: list[NotePublic]
    hidden_notes: int  # notes this reader may not see (notes by discipline)


class StatusEventPublic(BaseModel):
    at: datetime
    from_status: str | None
    to_status: str
    by: str | None
    reason: str | None


class GbvPublic(BaseModel):
    applies: bool
    gbv_type: str | None
    options: list[tuple[str, str, str]]  # value, Persian, English


class QuestionPublic(BaseModel):
    id: str
    text_fa: str
    text_en: str
    choices: list[tuple[str, str, str]]  # value, Persian, English (yes/no: yes and no)


class ProtocolPublic(BaseModel):
    """A triage protocol the case's types suggest, to be scored inside the case."""

    id: str
    title_fa: str
    title_en: str
    questions: list[QuestionPublic]


class WorkPublic(BaseModel):
    """The case page's work panel, and its JSON twin."""

    case_id: int
    status: str
    next_status: str | None
    risk: str | None
    types: list[str]
    lead: PersonPublic | None
    assigned_at: datetime | None
    team: list[DisciplineGroup]
    staff: list[DisciplineGroup]  # the province's staff who may join (for editors)
    assessments: list[AssessmentPublic]
    plan: PlanPublic | None
    services: list[ServicePublic]
    gbv: GbvPublic
    protocols: list[ProtocolPublic]  # for editors: the protocols the case's types suggest
    outcome: str | None
    closure_requested_at: datetime | None
    closure_requested_by: str | None
    closed_at: datetime | None
    events: list[StatusEventPublic]
    can_edit: bool
    can_approve: bool
    version: int
