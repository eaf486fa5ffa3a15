"""API shapes of triage: the taxonomy and protocols out; categories, screens, a mobile
team and the closing outcomes in; and the builders that turn the pure rules' results and
the stored rows into those shapes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from panah.core.clock import as_utc
from panah.core.errors import NotFound
from panah.intake.model import RiskLevel
from panah.triage import protocol_data
from panah.triage.actions import Proposal
from panah.triage.orm import ContactOutcome, DispatchRequest, Screen
from panah.triage.protocols import (
    ANSWERS_EN,
    ANSWERS_FA,
    AnsweredQuestion,
    Answers,
    Protocol,
    Question,
    ScreenResult,
    answered_questions,
    reason_texts,
)
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


class AnswerPublic(BaseModel):
    """One answer of a screen with its question's text, as people read it."""

    question_id: str
    question_fa: str
    question_en: str
    answer_fa: str
    answer_en: str


class ScoreOut(BaseModel):
    protocol_id: str
    version: str
    level: RiskLevel
    counsellor_override: bool
    reasons: list[ReasonPublic]
    answers: list[AnswerPublic] = Field(
        default_factory=list, description="The answers given, each with its question's text, "
        "in the order the protocol asks them")


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
    summary: str | None = Field(default=None, max_length=500,
                                description="For the crew, in a few lines: who, what, now")
    place: str | None = Field(default=None, max_length=300,
                              description="The place in words: street, building, landmark")
    caller_kind: str | None = Field(default=None, pattern=r"^(person|third_party|agency)$",
                                    description="Who called: the person themself, a third "
                                    "party or an agency; from the channel if not given")
    prefer_woman: bool | None = Field(default=None, description="A woman worker on the "
                                      "crew; as the contact asked for a woman if not given")


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
    summary: str | None = None
    place: str | None = None
    caller_kind: str | None = None
    prefer_woman: bool = False


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


def score_out(result: ScreenResult, answered: tuple[AnsweredQuestion, ...] = ()) -> ScoreOut:
    return ScoreOut(protocol_id=result.protocol_id.value, version=result.version,
                    level=result.level, counsellor_override=result.counsellor_override,
                    reasons=[ReasonPublic(level=r.level, text_fa=r.text_fa, text_en=r.text_en,
                                          question_ids=list(r.question_ids))
                             for r in result.reasons],
                    answers=[answer_public(a) for a in answered])


def answer_public(answer: AnsweredQuestion) -> AnswerPublic:
    return AnswerPublic(question_id=answer.question_id, question_fa=answer.question_fa,
                        question_en=answer.question_en, answer_fa=answer.answer_fa,
                        answer_en=answer.answer_en)


def stored_score(row: Screen) -> ScoreOut:
    """A stored screen as people read it: its reasons and answers name each question by
    its text, in the version of the protocol it was asked by (screens stored before the
    reasons did so are read the same way)."""
    protocol = _protocol_of(row)
    answers: Answers = json.loads(row.answers) if row.answers else {}
    reasons = []
    for r in json.loads(row.reasons):
        fa, en = r["fa"], r["en"]
        if protocol is not None and r["questions"]:
            fa, en = reason_texts(protocol, fa.split(ANSWERS_FA)[0], en.split(ANSWERS_EN)[0],
                                  r["questions"], answers)
        reasons.append(ReasonPublic(level=RiskLevel(row.level), text_fa=fa, text_en=en,
                                    question_ids=r["questions"]))
    answered = answered_questions(protocol, answers) if protocol is not None else ()
    return ScoreOut(protocol_id=row.protocol_id, version=row.version,
                    level=RiskLevel(row.level), counsellor_override=row.counsellor_override,
                    reasons=reasons, answers=[answer_public(a) for a in answered])


def _protocol_of(row: Screen) -> Protocol | None:
    try:
        return protocol_data.get(row.protocol_id, row.version)
    except NotFound:
        return None


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
        state=row.state, requested_at=as_utc(row.requested_at), summary=row.summary,
        place=row.place, caller_kind=row.caller_kind, prefer_woman=row.prefer_woman)


def outcome_public(row: ContactOutcome) -> OutcomePublic:
    return OutcomePublic(outcome=row.outcome, referral_id=row.referral_id,
                         dispatch_request_id=row.dispatch_request_id)
