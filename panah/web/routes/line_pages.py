"""The counsellor's console: the 123 queue with live wait timers, and one screen per contact.

Thin: the pages read through the same functions as the JSON API (``routes.intake``) and the
same access dependency, so a page never shows what ``/api/contacts/{id}`` would refuse.
The live parts (wait timers, taking, the map, the chat) are in ``static/js/line.js``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from panah.centres.orm import Centre
from panah.core.db import unit_of_work
from panah.core.errors import InvalidInput
from panah.geo.orm import County, Province
from panah.intake.model import NATIONAL_QUEUE, Channel, RiskLevel
from panah.intake.queue.overflow import AttemptOutcome
from panah.intake.routing.model import LineConfig
from panah.intake.schemas import AttemptIn, ContactPublic, ContactSummary
from panah.security.policy import Actor
from panah.security.roles import Permission, Role
from panah.web.access import contact_access, follow_up_access
from panah.web.deps import get_clock, require
from panah.web.i18n import persian_digits, request_language
from panah.web.routes.intake import (
    callback_attempt,
    intake_context,
    line_callbacks,
    line_queue,
    read_contact,
)

router = APIRouter(tags=["123 line pages"], include_in_schema=False)
Answer = Annotated[Actor, Depends(require(Permission.answer_contacts))]
ContactAccess = Annotated[int, Depends(contact_access(Permission.answer_contacts))]
FollowUpAccess = Annotated[int, Depends(follow_up_access(Permission.answer_contacts))]
CHAT_CHANNELS = frozenset({Channel.web_chat.value, Channel.sms.value})
URGENT = frozenset({RiskLevel.immediate, RiskLevel.high})
POLL_SECONDS = 2
_TOKEN = re.compile(r"[A-Za-z][\w-]*|\d+")


@dataclass(frozen=True, slots=True)
class QueueLoad:
    """One queue as a supervisor sees it: contacts offered to it, the urgent ones, the oldest.

    ``kind``: own (the province's queue), backup and partner (where its overflow goes),
    national (the pool), incoming (another province's queue whose overflow reached us).
    """

    queue: str
    kind: str
    waiting: int
    urgent: int
    oldest: ContactSummary | None


def queue_loads(contacts: Sequence[ContactSummary], line: LineConfig | None) -> list[QueueLoad]:
    """Every queue of the province and of its overflow, even when empty, then any other
    queue the waiting contacts are offered to. Pure."""
    kinds: dict[str, str] = {}
    if line is not None:
        kinds[line.queue] = "own"
        for queue in line.backup_queues:
            kinds.setdefault(queue, "backup")
        for queue in line.overflow_partners:
            kinds.setdefault(queue, "partner")
        if line.national_pool:
            kinds.setdefault(NATIONAL_QUEUE, "national")
    for contact in contacts:
        for queue in contact.offered_to:
            kinds.setdefault(queue, "national" if queue == NATIONAL_QUEUE else "incoming")
    return [_load(queue, kind, contacts) for queue, kind in kinds.items()]


def _load(queue: str, kind: str, contacts: Sequence[ContactSummary]) -> QueueLoad:
    offered = [c for c in contacts if queue in c.offered_to]
    return QueueLoad(queue=queue, kind=kind, waiting=len(offered),
                     urgent=sum(c.risk in URGENT for c in offered),
                     oldest=max(offered, key=lambda c: c.waited_s, default=None))


def _page(request: Request, template: str, context: dict[str, Any]) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, context
    )


def _provinces(session: Session) -> dict[str, Province]:
    return {p.code: p for p in session.scalars(select(Province))}


def _queue_context(request: Request, actor: Actor) -> dict[str, Any]:
    contacts = line_queue(request, actor)
    with unit_of_work(request.app.state.session_factory) as session:
        provinces = _provinces(session)
        line = intake_context(request, session).lines.get(actor.province_code or "")
        session.expunge_all()
    supervising = actor.role is Role.supervisor
    return {"contacts": contacts, "provinces": provinces, "poll_seconds": POLL_SECONDS,
            "loads": queue_loads(contacts, line) if supervising else None,
            "province": provinces.get(actor.province_code or ""),
            **(_supervised_actions(request, actor) if supervising else {})}


def _supervised_actions(request: Request, actor: Actor) -> dict[str, Any]:
    """The province's referrals (escalated and overdue first) and mobile-team requests."""
    from panah.triage.orm import DispatchRequest
    from panah.triage.referrals.service import list_referrals

    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        referrals = list_referrals(session, province_code=actor.province_code, now=now,
                                   limit=20)
        requests = list(session.scalars(select(DispatchRequest).where(
            DispatchRequest.province_code == actor.province_code)
            .order_by(DispatchRequest.id.desc()).limit(20)))
        session.expunge_all()
    return {"referrals": referrals, "dispatch_requests": requests, "now": now}


@router.get("/line", response_class=HTMLResponse)
def queue_page(request: Request, actor: Answer) -> Response:
    """The 123 queue in the order to answer it, with live wait timers and a take button;
    a supervisor also sees every queue of the province and its overflow."""
    return _page(request, "line/queue.html", _queue_context(request, actor))


@router.get("/line/queue", response_class=HTMLResponse)
def queue_fragment(request: Request, actor: Answer) -> Response:
    """The live part of the queue page, polled every few seconds (HTMX swaps it in)."""
    return _page(request, "line/_live.html", _queue_context(request, actor))


def _places(session: Session, contact: ContactPublic) -> dict[str, Any]:
    """Names of where the contact was routed: province, county, centre, and every queue."""
    provinces = _provinces(session)
    county = (session.scalar(select(County).where(County.key == contact.county_key))
              if contact.county_key else None)
    centre = (session.scalar(select(Centre).where(Centre.code == contact.centre_code))
              if contact.centre_code else None)
    session.expunge_all()
    return {"provinces": provinces, "county": county, "centre": centre,
            "contact_province": provinces.get(contact.province_code or "")}


def persian_text(text: str) -> str:
    """Persian digits for numbers, but codes such as ``IR-02`` stay as written."""
    return _TOKEN.sub(lambda m: m[0] if m[0][0].isalpha() else persian_digits(m[0]), text)


def _trail(contact: ContactPublic, lang: str) -> list[dict[str, str]]:
    """Each step in the page's language, with the other language for the hover title."""
    fa = [persian_text(s.detail_fa) for s in contact.trail]
    return [{"step": s.step, "kind": s.step.split(":")[0], "outcome": s.outcome,
             "text": fa[i] if lang == "fa" else s.detail_en,
             "other": s.detail_en if lang == "fa" else s.detail_fa}
            for i, s in enumerate(contact.trail)]


def _map_data(contact: ContactPublic, lang: str) -> dict[str, Any]:
    located = [loc.model_dump() for loc in contact.locations
               if loc.lat is not None and loc.lon is not None]
    return {"contact_id": contact.id, "lang": lang, "province_code": contact.province_code,
            "county_key": contact.county_key, "used_source": contact.location_source,
            "locations": located, "chat": contact.channel in CHAT_CHANNELS}


@router.get("/line/contacts/{contact_id}", response_class=HTMLResponse)
def contact_page(request: Request, contact_id: ContactAccess) -> Response:
    """One contact on one screen: caller and history, risk, the location on the map with its
    accuracy, the routing trail, and the chat for web-chat and SMS contacts."""
    contact = read_contact(request, contact_id)
    with unit_of_work(request.app.state.session_factory) as session:
        places = _places(session, contact)
    lang = request_language(request)
    return _page(request, "line/contact.html", places | {
        "contact": contact, "chat": contact.channel in CHAT_CHANNELS,
        "trail": _trail(contact, lang),
        "used": next((loc for loc in contact.locations
                      if loc.source == contact.location_source), None),
        "map_data": _map_data(contact, lang)})


def _callbacks_context(request: Request, actor: Actor, **extra: Any) -> dict[str, Any]:
    from panah.triage.followups.service import FollowUpResult, list_follow_ups

    with unit_of_work(request.app.state.session_factory) as session:
        provinces = _provinces(session)
        follow_ups = list_follow_ups(session, province_code=actor.province_code,
                                     due_before=None, with_unplaced=True, limit=50)
        session.expunge_all()
    return {"tasks": line_callbacks(request, actor), "provinces": provinces,
            "outcomes": [o.value for o in AttemptOutcome], "follow_ups": follow_ups,
            "follow_up_results": [r.value for r in FollowUpResult],
            **extra}


@router.get("/line/callbacks", response_class=HTMLResponse)
def callbacks_page(request: Request, actor: Answer) -> Response:
    """Callers lost before anyone answered, to call back: the number, when it is due, the
    attempts so far, and a form to log the next one."""
    return _page(request, "line/callbacks.html", _callbacks_context(request, actor))


@router.post("/line/follow-ups/{follow_up_id}/done", response_class=HTMLResponse)
async def follow_up_form(request: Request, actor: Answer, follow_up_id: FollowUpAccess,
                         ) -> Response:
    """The work list's follow-up form (HTMX): record the call, answer with the list."""
    from panah.triage.followups.service import FollowUpResult, complete_follow_up

    form = await request.form()
    result, note = str(form.get("result", "")), str(form.get("note", "")) or None
    if result not in {r.value for r in FollowUpResult}:
        raise InvalidInput("Choose how the follow-up call went.",
                           "بگویید تماس پیگیری چگونه بود.", field="result")

    def complete() -> None:
        with unit_of_work(request.app.state.session_factory) as session:
            complete_follow_up(session, follow_up_id=follow_up_id, note=note, actor=actor,
                               result=FollowUpResult(result), now=get_clock(request).now())

    await run_in_threadpool(complete)
    return _page(request, "line/_callbacks.html",
                 _callbacks_context(request, actor, followed=follow_up_id))


@router.post("/line/contacts/{contact_id}/callback-attempt", response_class=HTMLResponse)
async def callback_attempt_form(request: Request, actor: Answer,
                                contact_id: ContactAccess) -> Response:
    """The work list's form (HTMX): log an attempt, answer with the list as it is now."""
    form = await request.form()
    outcome, note = str(form.get("outcome", "")), str(form.get("note", ""))
    if outcome not in {o.value for o in AttemptOutcome}:
        raise InvalidInput("Choose what happened when you called.",
                           "بگویید هنگام تماس چه شد.", field="outcome")
    await run_in_threadpool(callback_attempt, request, AttemptIn(
        outcome=AttemptOutcome(outcome), note=note or None), actor, contact_id)
    return _page(request, "line/_callbacks.html",
                 _callbacks_context(request, actor, logged=contact_id))
