"""Triage through the API: the taxonomy and risk protocols, and for a contact its
categories, screens, proposed actions, a mobile team and the closing outcomes."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.core.db import unit_of_work
from panah.core.errors import NotFound
from panah.intake.model import RiskLevel
from panah.intake.orm import Contact
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.triage import protocol_data, service
from panah.triage.orm import ContactOutcome, DispatchRequest, Screen
from panah.triage.protocols import Protocol, Question, ScreenResult, check_answers, next_question
from panah.triage.schemas import (
    AnswersIn,
    CategoriesIn,
    CategoriesOut,
    CategoryPublic,
    ChoicePublic,
    ClosedOut,
    CloseIn,
    DispatchRequestPublic,
    MobileTeamIn,
    NextQuestionOut,
    OutcomePublic,
    ProposalPublic,
    ProtocolPublic,
    QuestionPublic,
    ReasonPublic,
    ScoreOut,
    ScreenIn,
    ScreenOut,
    TriagePublic,
)
from panah.triage.taxonomy import TAXONOMY, suggested_protocols
from panah.web.access import contact_access
from panah.web.deps import get_clock, require

router = APIRouter(prefix="/api", tags=["triage"])
Answer = Annotated[Actor, Depends(require(Permission.answer_contacts))]
ContactAccess = Annotated[int, Depends(contact_access(Permission.answer_contacts))]


@router.get("/triage/categories", response_model=list[CategoryPublic])
def categories(actor: Answer) -> list[CategoryPublic]:
    """What a contact can be about: the target groups, then information and referral."""
    return [CategoryPublic(code=c.code.value, group=c.group.value, label_fa=c.label_fa,
                           label_en=c.label_en, protocols=[p.value for p in c.protocols],
                           restricted=c.restricted) for c in TAXONOMY.values()]


@router.get("/protocols/{protocol_id}", response_model=ProtocolPublic)
def protocol(protocol_id: str, actor: Answer) -> ProtocolPublic:
    """A risk protocol (its latest version): the questions in the order they are asked."""
    return protocol_public(protocol_data.get(protocol_id))


@router.post("/protocols/{protocol_id}/next", response_model=NextQuestionOut)
def next_step(protocol_id: str, body: AnswersIn, actor: Answer) -> NextQuestionOut:
    """The question to ask next given the answers so far (the branching), or the score
    when every question that is needed has an answer. Nothing is stored."""
    found = protocol_data.get(protocol_id)
    check_answers(found, body.answers, partial=True)
    question = next_question(found, body.answers)
    if question is not None:
        return NextQuestionOut(question=question_public(question), complete=False)
    result = service.score_screen(found, body.answers, body.counsellor_believes_high_danger)
    return NextQuestionOut(question=None, complete=True, score=score_out(result))


@router.put("/contacts/{contact_id}/categories", response_model=CategoriesOut)
def put_categories(request: Request, body: CategoriesIn, actor: Answer,
                   contact_id: ContactAccess) -> CategoriesOut:
    """What the contact is about (several allowed, most important first)."""
    with unit_of_work(request.app.state.session_factory) as session:
        chosen = service.set_categories(session, contact=_contact(session, contact_id),
                                        codes=body.codes, actor=actor,
                                        now=get_clock(request).now())
    return CategoriesOut(codes=[c.value for c in chosen],
                         suggested_protocols=[p.value for p in suggested_protocols(chosen)])


@router.post("/contacts/{contact_id}/screens", response_model=ScreenOut, status_code=201)
def post_screen(request: Request, body: ScreenIn, actor: Answer,
                contact_id: ContactAccess) -> ScreenOut:
    """A completed risk screen: scored, kept, and the contact's risk set from its screens
    (refused, with the question named, if a required answer is missing)."""
    with unit_of_work(request.app.state.session_factory) as session:
        contact = _contact(session, contact_id)
        result = service.record_screen(
            session, contact=contact, protocol_id=body.protocol_id, answers=body.answers,
            counsellor_believes_high_danger=body.counsellor_believes_high_danger,
            actor=actor, now=get_clock(request).now())
        return ScreenOut(**score_out(result).model_dump(), contact_risk=RiskLevel(contact.risk))


@router.get("/contacts/{contact_id}/triage", response_model=TriagePublic)
def read_triage(request: Request, actor: Answer, contact_id: ContactAccess) -> TriagePublic:
    """The contact's categories, screens, the actions proposed from them, mobile-team
    requests and outcomes."""
    with unit_of_work(request.app.state.session_factory) as session:
        return triage_public(session, _contact(session, contact_id))


@router.post("/contacts/{contact_id}/mobile-team", response_model=DispatchRequestPublic,
             status_code=201)
def post_mobile_team(request: Request, body: MobileTeamIn, actor: Answer,
                     contact_id: ContactAccess) -> DispatchRequestPublic:
    """Ask for a mobile team to the caller's location, with safety cautions for the crew."""
    with unit_of_work(request.app.state.session_factory) as session:
        made = service.request_mobile_team(
            session, contact=_contact(session, contact_id), cautions=body.cautions,
            note=body.note, actor=actor, now=get_clock(request).now())
        return dispatch_public(made)


@router.post("/contacts/{contact_id}/close", response_model=ClosedOut)
def post_close(request: Request, body: CloseIn, actor: Answer,
               contact_id: ContactAccess) -> ClosedOut:
    """Close the contact with the actions it ended in. Refused, and nothing saved, without
    an outcome or when an outcome lacks what it needs; "not our remit" is not an outcome."""
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        closed = service.close_contact(
            session, contact=_contact(session, contact_id),
            outcomes=service.outcome_inputs([o.model_dump() for o in body.outcomes]),
            actor=actor, now=now)
        return ClosedOut(contact_id=contact_id, state=closed.contact.state,
                         outcomes=[outcome_public(o) for o in closed.outcomes],
                         follow_ups=closed.follow_ups)


def _contact(session: Session, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound("The contact is gone.", "تماس دیگر نیست.")
    return contact


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


def dispatch_public(row: DispatchRequest) -> DispatchRequestPublic:
    return DispatchRequestPublic(
        id=row.id, contact_id=row.contact_id, province_code=row.province_code,
        county_key=row.county_key, priority=row.priority, lat=row.lat, lon=row.lon,
        radius_m=row.radius_m, cautions=[c for c in row.cautions.split(",") if c],
        state=row.state, requested_at=as_utc(row.requested_at))


def outcome_public(row: ContactOutcome) -> OutcomePublic:
    return OutcomePublic(outcome=row.outcome, referral_id=row.referral_id,
                         dispatch_request_id=row.dispatch_request_id)


def triage_public(session: Session, contact: Contact) -> TriagePublic:
    chosen = service.categories_of(session, contact.id)
    screens = session.scalars(select(Screen).where(Screen.contact_id == contact.id)
                              .order_by(Screen.id)).all()
    requests = session.scalars(select(DispatchRequest).where(
        DispatchRequest.contact_id == contact.id).order_by(DispatchRequest.id)).all()
    outcomes = session.scalars(select(ContactOutcome).where(
        ContactOutcome.contact_id == contact.id).order_by(ContactOutcome.id)).all()
    return TriagePublic(
        contact_id=contact.id, risk=RiskLevel(contact.risk), categories=[c.value for c in chosen],
        suggested_protocols=[p.value for p in suggested_protocols(chosen)],
        screens=[stored_score(s) for s in screens],
        proposals=[ProposalPublic(kind=p.kind.value, urgency=p.urgency, reason_fa=p.reason_fa,
                                  reason_en=p.reason_en, agency_domain=p.agency_domain,
                                  warm_transfer=p.warm_transfer)
                   for p in service.proposals_for(session, contact)],
        dispatch_requests=[dispatch_public(r) for r in requests],
        outcomes=[outcome_public(o) for o in outcomes])
