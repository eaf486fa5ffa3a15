"""The triage panel of a contact's screen (HTMX): what the contact is about, the risk
screen one question at a time, the actions proposed from it, and closing.

Each form posts here and gets the whole panel back, rendered from the same service calls
as the JSON API (``routes.triage``, ``routes.referrals``); a refusal is shown in the panel,
in the page's language, with nothing saved.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from panah.core.db import unit_of_work
from panah.core.errors import InvalidInput, PanahError
from panah.intake.model import RiskLevel
from panah.intake.orm import Contact
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.triage import protocol_data, service
from panah.triage.directory.queries import agencies_for, search_resources
from panah.triage.orm import Agency, Referral
from panah.triage.outcomes import Outcome
from panah.triage.protocols import Answers, check_answers, next_question
from panah.triage.referrals import service as referral_service
from panah.triage.referrals.model import ConsentStatus, HandoverKind
from panah.triage.taxonomy import TAXONOMY, CategoryGroup
from panah.web.access import contact_access
from panah.web.deps import get_clock, require
from panah.web.routes.triage import triage_public

router = APIRouter(tags=["triage pages"], include_in_schema=False)
Answer = Annotated[Actor, Depends(require(Permission.answer_contacts))]
ContactAccess = Annotated[int, Depends(contact_access(Permission.answer_contacts))]
BASE = "/line/contacts/{contact_id}/triage"


def panel_context(session: Session, contact: Contact, *, screening: dict[str, Any] | None = None,
                  error: PanahError | None = None, notice: str | None = None,
                  resource_query: str | None = None) -> dict[str, Any]:
    """Everything the panel shows; ``screening`` is a protocol being answered."""
    triage = triage_public(session, contact)
    need = triage.categories[0] if triage.categories and not resource_query else None
    referrals = session.execute(select(Referral, Agency).join(
        Agency, Agency.id == Referral.agency_id).where(Referral.contact_id == contact.id)
        .order_by(Referral.id)).all()
    agencies = agencies_for(session, county_key=contact.county_key,
                            province_code=contact.province_code)
    return {
        "contact_id": contact.id, "contact_state": contact.state, "triage": triage,
        "social": [c for c in TAXONOMY.values() if c.group is CategoryGroup.social_emergency],
        "information": [c for c in TAXONOMY.values()
                        if c.group is CategoryGroup.information_referral],
        "protocols": {p: protocol_data.get(p) for p in triage.suggested_protocols},
        "screened": {s.protocol_id for s in triage.screens},
        "screening": screening, "referrals": referrals, "agencies": agencies,
        "resources": search_resources(session, text=resource_query, need=need, limit=8,
                                      county_key=contact.county_key,
                                      province_code=contact.province_code),
        "resource_query": resource_query or "",
        "closing_outcomes": [o.value for o in Outcome], "error": error, "notice": notice,
        "consents": [c.value for c in ConsentStatus]}


def _panel(request: Request, contact_id: int, **extra: Any) -> Response:
    with unit_of_work(request.app.state.session_factory) as session:
        context = panel_context(session, session.get_one(Contact, contact_id), **extra)
        return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
            request, "line/_triage.html", context)


def _act(request: Request, contact_id: int, done: str, work: Any, **extra: Any) -> Response:
    """Run ``work(session, contact, now)`` in its own unit of work and say ``done``; on a
    refusal roll back and show the panel with the reason."""
    now = get_clock(request).now()
    try:
        with unit_of_work(request.app.state.session_factory) as session:
            work(session, session.get_one(Contact, contact_id), now)
    except PanahError as problem:
        return _panel(request, contact_id, error=problem, **extra)
    return _panel(request, contact_id, notice=done)


@router.get(BASE, response_class=HTMLResponse)
def triage_panel(request: Request, actor: Answer, contact_id: ContactAccess,
                 q: str | None = None) -> Response:
    """The panel; ``q`` searches the resource directory (Persian or English)."""
    return _panel(request, contact_id, resource_query=(q or "").strip()[:100] or None)


@router.post(BASE + "/categories", response_class=HTMLResponse)
async def categories_form(request: Request, actor: Answer, contact_id: ContactAccess,
                          ) -> Response:
    codes = [str(c) for c in (await request.form()).getlist("category")]
    return _act(request, contact_id, "categories", lambda s, c, now: service.set_categories(
        s, contact=c, codes=codes, actor=actor, now=now))


def answers_of(form: FormData, protocol_id: str) -> dict[str, bool | str]:
    """The answers so far (hidden ``a.<question>`` fields) and the one just given."""
    protocol = protocol_data.get(protocol_id)
    kinds = {q.id: q.kind.value for q in protocol.questions}
    answers: dict[str, bool | str] = {}
    for name, value in form.multi_items():
        if name.startswith("a.") and name[2:] in kinds:
            answers[name[2:]] = _answer(str(value), kinds[name[2:]])
    question, value = str(form.get("question", "")), str(form.get("answer", ""))
    if question in kinds and value:
        answers[question] = _answer(value, kinds[question])
    return answers


def _answer(value: str, kind: str) -> bool | str:
    return value == "yes" if kind == "yes_no" else value


@router.post(BASE + "/screen", response_class=HTMLResponse)
async def screen_form(request: Request, actor: Answer, contact_id: ContactAccess) -> Response:
    """One step of a screen: keep the answer, show the next question; save when asked to
    finish (or when no question is left)."""
    form = await request.form()
    protocol_id = str(form.get("protocol_id", ""))
    answers = answers_of(form, protocol_id)
    believes = form.get("believes_high_danger") == "on"
    protocol = protocol_data.get(protocol_id)
    state = {"protocol_id": protocol_id, "answers": answers, "believes": believes}
    try:
        check_answers(protocol, answers, partial=True)
    except InvalidInput as problem:
        return _panel(request, contact_id, screening=state, error=problem)
    question = next_question(protocol, answers)
    if question is not None and form.get("finish") != "yes":
        return _panel(request, contact_id, screening={**state, "question": question,
                                                       "can_finish": _complete(protocol_id,
                                                                               answers)})
    return _act(request, contact_id, "screened", lambda s, c, now: service.record_screen(
        s, contact=c, protocol_id=protocol_id, answers=answers,
        counsellor_believes_high_danger=believes, actor=actor, now=now),
        screening={**state, "question": question})


def _complete(protocol_id: str, answers: Answers) -> bool:
    try:
        check_answers(protocol_data.get(protocol_id), answers)
    except InvalidInput:
        return False
    return True


@router.post(BASE + "/mobile-team", response_class=HTMLResponse)
async def mobile_team_form(request: Request, actor: Answer, contact_id: ContactAccess,
                           ) -> Response:
    form = await request.form()
    cautions = [str(c) for c in form.getlist("caution")]
    note = str(form.get("note", "")) or None
    return _act(request, contact_id, "mobile_team", lambda s, c, now: service.request_mobile_team(
        s, contact=c, cautions=cautions, note=note, actor=actor, now=now))


@router.post(BASE + "/referral", response_class=HTMLResponse)
async def referral_form(request: Request, actor: Answer, contact_id: ContactAccess) -> Response:
    form = await request.form()

    def work(session: Session, contact: Contact, now: Any) -> None:
        categories = service.categories_of(session, contact.id)
        referral_service.request_referral(
            session, contact=contact, agency_code=str(form.get("agency_code", "")),
            urgency=RiskLevel(contact.risk), consent=_consent(form),
            override_reason=str(form.get("override_reason", "")) or None,
            kind=(HandoverKind.warm_transfer if form.get("warm_transfer") == "on"
                  else HandoverKind.handover),
            category=categories[0].value if categories else None, actor=actor, now=now)

    return _act(request, contact_id, "referral", work)


def _consent(form: FormData) -> ConsentStatus:
    value = str(form.get("consent", ""))
    if value not in {c.value for c in ConsentStatus}:
        raise InvalidInput("Say whether the caller agreed to the referral.",
                           "بگویید تماس‌گیرنده با ارجاع موافق بود یا نه.", field="consent")
    return ConsentStatus(value)


@router.post(BASE + "/close", response_class=HTMLResponse)
async def close_form(request: Request, actor: Answer, contact_id: ContactAccess) -> Response:
    form = await request.form()
    items = [{"outcome": o, "note": form.get("note") if o == "counselled" else None,
              "agency_code": form.get("agency_code") if o == "referral" else None,
              "directory_entry_ids": form.getlist("resource") if o == "information_given"
              else ()} for o in form.getlist("outcome")]
    return _act(request, contact_id, "closed", lambda s, c, now: service.close_contact(
        s, contact=c, outcomes=service.outcome_inputs(items), actor=actor, now=now))
