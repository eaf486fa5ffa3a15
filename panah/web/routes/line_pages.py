"""The counsellor's console: the 123 queue with live wait timers, and one screen per contact.

Thin: the pages read through the same domain functions as the JSON API (``routes.intake``)
and the same access dependency, so a page never shows what ``/api/contacts/{id}`` would
refuse. The live parts (wait timers, taking, the map, the chat) are in ``static/js/line.js``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from panah.core.errors import InvalidInput
from panah.intake.model import Channel
from panah.intake.queue import callbacks
from panah.intake.queue.overflow import AttemptOutcome
from panah.intake.schemas import ContactPublic
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.triage.followups.model import FollowUpResult
from panah.triage.followups.service import complete_follow_up
from panah.triage.queries import line as screens
from panah.web.access import contact_access, follow_up_access
from panah.web.deps import Routing, Uow, require
from panah.web.i18n import persian_digits, request_language

router = APIRouter(tags=["123 line pages"], include_in_schema=False)
Answer = Annotated[Actor, Depends(require(Permission.answer_contacts))]
ContactAccess = Annotated[int, Depends(contact_access(Permission.answer_contacts))]
FollowUpAccess = Annotated[int, Depends(follow_up_access(Permission.answer_contacts))]
CHAT_CHANNELS = frozenset({Channel.web_chat.value, Channel.sms.value})
POLL_SECONDS = 2
_TOKEN = re.compile(r"[A-Za-z][\w-]*|\d+")


def _page(request: Request, template: str, context: dict[str, Any]) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, context
    )


def _queue_context(page: screens.QueuePage, uow: Uow) -> dict[str, Any]:
    supervision = page.supervision
    return {"contacts": page.contacts, "provinces": page.provinces,
            "poll_seconds": POLL_SECONDS,
            "loads": supervision.loads if supervision is not None else None,
            "province": page.province,
            **({"referrals": supervision.referrals,
                "dispatch_requests": supervision.dispatch_requests, "now": uow.now}
               if supervision is not None else {})}


@router.get("/line", response_class=HTMLResponse)
def queue_page(request: Request, actor: Answer, uow: Uow, routing: Routing) -> Response:
    """The 123 queue in the order to answer it, with live wait timers and a take button;
    a supervisor also sees every queue of the province and its overflow."""
    page = screens.queue_page(uow.session, actor=actor, context=routing, now=uow.now)
    return _page(request, "line/queue.html", _queue_context(page, uow))


@router.get("/line/queue", response_class=HTMLResponse)
def queue_fragment(request: Request, actor: Answer, uow: Uow, routing: Routing) -> Response:
    """The live part of the queue page, polled every few seconds (HTMX swaps it in)."""
    page = screens.queue_page(uow.session, actor=actor, context=routing, now=uow.now)
    return _page(request, "line/_live.html", _queue_context(page, uow))


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
def contact_page(request: Request, contact_id: ContactAccess, uow: Uow) -> Response:
    """One contact on one screen: caller and history, risk, the location on the map with its
    accuracy, the routing trail, and the chat for web-chat and SMS contacts."""
    page = screens.contact_page(uow.session, actor=request.state.actor, contact_id=contact_id,
                        now=uow.now)
    contact, lang = page.contact, request_language(request)
    return _page(request, "line/contact.html", {
        "provinces": page.provinces, "county": page.county, "centre": page.centre,
        "contact_province": page.contact_province,
        "contact": contact, "chat": contact.channel in CHAT_CHANNELS,
        "trail": _trail(contact, lang),
        "used": next((loc for loc in contact.locations
                      if loc.source == contact.location_source), None),
        "map_data": _map_data(contact, lang)})


def _callbacks_context(page: screens.CallbacksPage, **extra: Any) -> dict[str, Any]:
    return {"tasks": page.tasks, "provinces": page.provinces,
            "outcomes": [o.value for o in AttemptOutcome], "follow_ups": page.follow_ups,
            "follow_up_results": [r.value for r in FollowUpResult],
            **extra}


@router.get("/line/callbacks", response_class=HTMLResponse)
def callbacks_page(request: Request, actor: Answer, uow: Uow) -> Response:
    """Callers lost before anyone answered, to call back: the number, when it is due, the
    attempts so far, and a form to log the next one."""
    page = screens.callbacks_page(uow.session, actor=actor, now=uow.now)
    return _page(request, "line/callbacks.html", _callbacks_context(page))


@router.post("/line/follow-ups/{follow_up_id}/done", response_class=HTMLResponse)
def follow_up_form(request: Request, actor: Answer, follow_up_id: FollowUpAccess, uow: Uow,
                   result: Annotated[str, Form()] = "", note: Annotated[str, Form()] = "",
                   ) -> Response:
    """The work list's follow-up form (HTMX): record the call, answer with the list."""
    if result not in {r.value for r in FollowUpResult}:
        raise InvalidInput("Choose how the follow-up call went.",
                           "بگویید تماس پیگیری چگونه بود.", field="result")
    complete_follow_up(uow.session, follow_up_id=follow_up_id, note=note or None, actor=actor,
                       result=FollowUpResult(result), now=uow.now)
    page = screens.callbacks_page(uow.session, actor=actor, now=uow.now)
    return _page(request, "line/_callbacks.html", _callbacks_context(page, followed=follow_up_id))


@router.post("/line/contacts/{contact_id}/callback-attempt", response_class=HTMLResponse)
def callback_attempt_form(request: Request, actor: Answer, contact_id: ContactAccess, uow: Uow,
                          outcome: Annotated[str, Form()] = "",
                          note: Annotated[str, Form()] = "") -> Response:
    """The work list's form (HTMX): log an attempt, answer with the list as it is now."""
    if outcome not in {o.value for o in AttemptOutcome}:
        raise InvalidInput("Choose what happened when you called.",
                           "بگویید هنگام تماس چه شد.", field="outcome")
    callbacks.log_attempt(uow.session, actor=actor, contact_id=contact_id,
                          outcome=AttemptOutcome(outcome), note=note or None, now=uow.now)
    page = screens.callbacks_page(uow.session, actor=actor, now=uow.now)
    return _page(request, "line/_callbacks.html", _callbacks_context(page, logged=contact_id))
