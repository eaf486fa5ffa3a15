"""Triage through the API: the taxonomy and risk protocols, and for a contact its
categories, screens, proposed actions, a mobile team and the closing outcomes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Request

from panah.intake.channels.chat import state_frame
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.triage import service
from panah.triage.queries import protocols
from panah.triage.queries.contact import contact_triage
from panah.triage.schemas import (
    AnswersIn,
    CategoriesIn,
    CategoriesOut,
    CategoryPublic,
    ClosedOut,
    CloseIn,
    DispatchRequestPublic,
    MobileTeamIn,
    NextQuestionOut,
    ProtocolPublic,
    ScreenIn,
    ScreenOut,
    TriagePublic,
)
from panah.web.access import contact_access
from panah.web.deps import Uow, require

router = APIRouter(prefix="/api", tags=["triage"])
Answer = Annotated[Actor, Depends(require(Permission.answer_contacts))]
ContactAccess = Annotated[int, Depends(contact_access(Permission.answer_contacts))]


# The taxonomy and the protocols are Panah's own definitions, not stored: no unit of work.
@router.get("/triage/categories", response_model=list[CategoryPublic])
def categories(actor: Answer) -> list[CategoryPublic]:
    """What a contact can be about: the target groups, then information and referral."""
    return protocols.categories()


@router.get("/protocols/{protocol_id}", response_model=ProtocolPublic)
def protocol(protocol_id: str, actor: Answer) -> ProtocolPublic:
    """A risk protocol (its latest version): the questions in the order they are asked."""
    return protocols.protocol(protocol_id)


@router.post("/protocols/{protocol_id}/next", response_model=NextQuestionOut)
def next_step(protocol_id: str, body: AnswersIn, actor: Answer) -> NextQuestionOut:
    """The question to ask next given the answers so far (the branching), or the score
    when every question that is needed has an answer. Nothing is stored."""
    return protocols.next_step(protocol_id, body.answers, body.counsellor_believes_high_danger)


@router.put("/contacts/{contact_id}/categories", response_model=CategoriesOut)
def put_categories(uow: Uow, body: CategoriesIn, actor: Answer,
                   contact_id: ContactAccess) -> CategoriesOut:
    """What the contact is about (several allowed, most important first)."""
    return service.set_categories(uow.session, contact_id=contact_id, codes=body.codes,
                                  actor=actor, now=uow.now)


@router.post("/contacts/{contact_id}/screens", response_model=ScreenOut, status_code=201)
def post_screen(uow: Uow, body: ScreenIn, actor: Answer, contact_id: ContactAccess) -> ScreenOut:
    """A completed risk screen: scored, kept, and the contact's risk set from its screens
    (refused, with the question named, if a required answer is missing)."""
    return service.record_screen(
        uow.session, contact_id=contact_id, protocol_id=body.protocol_id, answers=body.answers,
        counsellor_believes_high_danger=body.counsellor_believes_high_danger,
        actor=actor, now=uow.now)


@router.get("/contacts/{contact_id}/triage", response_model=TriagePublic)
def read_triage(uow: Uow, actor: Answer, contact_id: ContactAccess) -> TriagePublic:
    """The contact's categories, screens, the actions proposed from them, mobile-team
    requests and outcomes."""
    return contact_triage(uow.session, contact_id=contact_id)


@router.post("/contacts/{contact_id}/mobile-team", response_model=DispatchRequestPublic,
             status_code=201)
def post_mobile_team(uow: Uow, body: MobileTeamIn, actor: Answer,
                     contact_id: ContactAccess) -> DispatchRequestPublic:
    """Ask for a mobile team to the caller's location, with safety cautions for the crew."""
    crew = service.ForTheCrew(summary=body.summary, place=body.place,
                              caller_kind=body.caller_kind, prefer_woman=body.prefer_woman)
    return service.request_mobile_team(uow.session, contact_id=contact_id,
                                       cautions=body.cautions, note=body.note, actor=actor,
                                       now=uow.now, crew=crew)


@router.post("/contacts/{contact_id}/close", response_model=ClosedOut)
def post_close(request: Request, uow: Uow, body: CloseIn, actor: Answer,
               contact_id: ContactAccess, background: BackgroundTasks) -> ClosedOut:
    """Close the contact with the actions it ended in. Refused, and nothing saved, without
    an outcome or when an outcome lacks what it needs; "not our remit" is not an outcome.
    A chat's open pages are told the conversation has ended."""
    closed = service.close_contact(uow.session, contact_id=contact_id,
                                   outcomes=[o.model_dump() for o in body.outcomes],
                                   actor=actor, now=uow.now)
    background.add_task(request.app.state.chat_hub.publish, contact_id,
                        state_frame(closed.state))
    return closed
