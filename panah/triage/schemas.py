"""API shapes of triage: the taxonomy and protocols out; categories, screens, a mobile
team and the closing outcomes in; and the builders that turn the pure rules' results and
the stored rows into those shapes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from panah.core.clock import as_utc
from panah.intake.model import RiskLevel
from panah.triage.actions import Proposal
from panah.triage.orm import ContactOutcome, DispatchRequest, Screen
from panah.triage.protocols import Protocol, Question, ScreenResult
from panah.triage.taxonomy import CategoryInfo

Code = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z0-9_.-]+$")]


class CategoryPublic(BaseModel):
    code: str
    group: str
    label_fa: str
    label_en: str
    protocols: list[str]
    restricted: bool


class ChoicePublic(BaseModel):
    value: str
    text_fa: str
    text_en: str


class QuestionPublic(BaseModel):
    id: str
    text_fa: str
    text_en: str
    kind: str
    choices: list[ChoicePublic] = []
    note_fa: str = ""
    note_en: str = ""


class ProtocolPublic(BaseModel):
    id: str
    version: str
    title_fa: str
    title_en: str
    source: str
    questions: list[QuestionPublic]


class AnswersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: dict[Code, bool | Code] = Field(
        default_factory=dict, description="Question id → yes/no (true/false) or a choice value")
    counsellor_believes_high_danger: bool = Field(
        default=False, description="The counsellor's judgement raises the level to high")


class ReasonPublic(BaseModel):
    level: RiskLevel
    text_fa: str
    text_en: str
    question_ids: list[str]


class ScoreOut(BaseModel):
    protocol_id: str
    version: str
    level: RiskLevel
    counsellor_override: bool
    reasons: list[ReasonPublic]


class NextQuestionOut(BaseModel):
    """The next question to ask given the answers so far; ``None`` when the screen is
    complete, with its score."""

    question: QuestionPublic | None
    complete: bool
    score: ScoreOut | None = None


class ScreenIn(AnswersIn):
    protocol_id: Code


class ScreenOut(ScoreOut):
    contact_risk: RiskLevel = Field(description="The contact's risk now: its most urgent screen")


class CategoriesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    codes: list[Code] = Field(max_length=20, description="Category codes, most important first")


class CategoriesOut(BaseModel):
    codes: list[str]
    suggested_protocols: list[str]


class ProposalPublic(BaseModel):
    kind: str  # mobile_team | referral
    urgency: RiskLevel
    reason_fa: str
    reason_en: str
    agency_domain: str | None
    warm_transfer: bool


class MobileTeamIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cautions: list[Code] = Field(default_factory=list, max_length=10,
                                 description="Safety cautions for the crew: weapon, "
                                 "violent_person, children_present, substance, dog")
    note: str | None = Field(default=None, max_length=2000)


class DispatchRequestPublic(BaseModel):
    id: int
    contact_id: int
    province_code: str | None
    county_key: str | None
    priority: str
    lat: float | None
    lon: float | None
    radius_m: float | None
    cautions: list[str]
    state: str
    requested_at: datetime


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Code = Field(description="counselled, mobile_team_requested, centre_appointment, "
                          "shelter_request, referral, information_given, "
                          "callback_scheduled, silent_misdial or nuisance")
    note: str | None = Field(default=None, max_length=4000,
                             description="For counselled: the phone-intervention note")
    directory_entry_ids: list[Code] = Field(default_factory=list, max_length=20,
                                            description="For information_given")
    due_at: datetime | None = Field(default=None, description="For callback_scheduled")
    agency_code: Code | None = Field(default=None, description="For referral")


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcomes: list[OutcomeIn] = Field(max_length=10)


class OutcomePublic(BaseModel):
    outcome: str
    referral_id: int | None
    dispatch_request_id: int | None


class ClosedOut(BaseModel):
    contact_id: int
    state: str
    outcomes: list[OutcomePublic]
    follow_ups: int


class TriagePublic(BaseModel):
    """Everything triage knows of a contact, for its screen."""

    contact_id: int
    risk: RiskLevel
    categories: list[str]
    suggested_protocols: list[str]
    screens: list[ScoreOut]
    proposals: list[ProposalPublic]
    dispatch_requests: list[DispatchRequestPublic]
    outcomes: list[OutcomePublic]


# --- builders -------------------------------------------------------------------------------

def category_public(info: CategoryInfo) -> CategoryPublic:
    return CategoryPublic(code=info.code.value, group=info.group.value, label_fa=info.label_fa,
                          label_en=info.label_en, protocols=[p.value for p in info.protocols],
                          restricted=info.restricted)


def protocol_public(found: Protocol) -> ProtocolPublic:
    return ProtocolPublic(id=found.id.value, version=found.version, title_fa=found.title_fa,
                          title_en=found.title_en, source=found.source,
                          questions=[question_public(q) for q in found.questions])


def question_public(question: Question) -> QuestionPublic:
    return QuestionPublic(
        id=question.id, text_fa=question.text_fa, text_en=question.text_en,
        kind=question.kind.value, note_fa=question.note_fa, note_en=question.note_en,
        choices=[ChoicePublic(value=c.value, text_fa=c.text_fa, text_en=c.text_en)
                 for c in question.choices])


def score_out(result: ScreenResult) -> ScoreOut:
    return ScoreOut(protocol_id=result.protocol_id.value, version=result.version,
                    level=result.level, counsellor_override=result.counsellor_override,
                    reasons=[ReasonPublic(level=r.level, text_fa=r.text_fa, text_en=r.text_en,
                                          question_ids=list(r.question_ids))
                             for r in result.reasons])


def stored_score(row: Screen) -> ScoreOut:
    return ScoreOut(protocol_id=row.protocol_id, version=row.version,
                    level=RiskLevel(row.level), counsellor_override=row.counsellor_override,
                    reasons=[ReasonPublic(level=RiskLevel(row.level), text_fa=r["fa"],
                                          text_en=r["en"], question_ids=r["questions"])
                             for r in json.loads(row.reasons)])


def proposal_public(proposal: Proposal) -> ProposalPublic:
    return ProposalPublic(kind=proposal.kind.value, urgency=proposal.urgency,
                          reason_fa=proposal.reason_fa, reason_en=proposal.reason_en,
                          agency_domain=proposal.agency_domain,
                          warm_transfer=proposal.warm_transfer)


def dispatch_public(row: DispatchRequest) -> DispatchRequestPublic:
    return DispatchRequestPublic(
        id=row.id, contact_id=row.contact_id, province_code=row.province_code,
        county_key=row.county_key, priority=row.priority, lat=row.lat, lon=row.lon,
        radius_m=row.radius_m, cautions=[c for c in row.cautions.split(",") if c],
        state=row.state, requested_at=as_utc(row.requested_at))


def outcome_public(row: ContactOutcome) -> OutcomePublic:
    return OutcomePublic(outcome=row.outcome, referral_id=row.referral_id,
                         dispatch_request_id=row.dispatch_request_id)
