"""The triage panel of a contact's screen (HTMX): what the contact is about, the risk
screen one question at a time, the actions proposed from it, and closing.

Each form posts here and gets the whole panel back, rendered from the same domain calls
as the JSON API (``routes.triage``, ``routes.referrals``); a refusal is shown in the panel,
in the page's language, with nothing saved (the use case runs in a savepoint).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from panah.core.errors import InvalidInput, PanahError
from panah.intake.channels.chat import state_frame
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.triage import protocol_data, service
from panah.triage.queries.panel import triage_panel
from panah.triage.queries.protocols import screen_progress
from panah.triage.referrals import service as referral_service
from panah.triage.schemas import ClosedOut
from panah.web.access import contact_access
from panah.web.deps import Uow, Work, require

router = APIRouter(tags=["triage pages"], include_in_schema=False)
Answer = Annotated[Actor, Depends(require(Permission.answer_contacts))]
ContactAccess = Annotated[int, Depends(contact_access(Permission.answer_contacts))]
BASE = "/line/contacts/{contact_id}/triage"


@dataclass(frozen=True, slots=True)
class ClosingForm:
    """What the close form held when it was sent, shown again with a refusal so nothing
    typed or chosen is lost."""

    outcomes: tuple[str, ...]
    note: str
    resources: tuple[str, ...]
    agency_code: str

    @classmethod
    def of(cls, form: FormData) -> ClosingForm:
        return cls(outcomes=tuple(str(o) for o in form.getlist("outcome")),
                   note=str(form.get("note") or ""),
                   resources=tuple(str(r) for r in form.getlist("resource"))[:20],
                   agency_code=str(form.get("agency_code") or ""))

    def items(self) -> list[dict[str, object]]:
        """The outcomes as the use case takes them."""
        return [{"outcome": o, "note": self.note if o == "counselled" else None,
                 "agency_code": (self.agency_code or None) if o == "referral" else None,
                 "directory_entry_ids": self.resources if o == "information_given" else ()}
                for o in self.outcomes]


def _panel(request: Request, uow: Work, contact_id: int, *,
           screening: dict[str, Any] | None = None, error: PanahError | None = None,
           notice: str | None = None, resource_query: str | None = None,
           closing: ClosingForm | None = None) -> Response:
    """The panel; ``screening`` is a protocol being answered, ``closing`` a close form
    refused (shown again as it was sent)."""
    panel = triage_panel(uow.session, contact_id=contact_id, resource_query=resource_query,
                         keep_resources=closing.resources if closing else ())
    context = {f.name: getattr(panel, f.name) for f in fields(panel)}
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "line/_triage.html",
        {**context, "screening": screening, "error": error, "notice": notice,
         "closing": closing})


def _act(request: Request, uow: Work, contact_id: int, done: str, work: Callable[[], object],
         **extra: Any) -> Response:
    """Run ``work`` (a use case) and say ``done``; on a refusal undo its writes (the
    savepoint) and show the panel with the reason."""
    try:
        with uow.session.begin_nested():
            work()
    except PanahError as problem:
        return _panel(request, uow, contact_id, error=problem, **extra)
    return _panel(request, uow, contact_id, notice=done)


@router.get(BASE, response_class=HTMLResponse)
def triage_panel_page(request: Request, uow: Uow, actor: Answer, contact_id: ContactAccess,
                      q: str | None = None) -> Response:
    """The panel; ``q`` searches the resource directory (Persian or English)."""
    return _panel(request, uow, contact_id, resource_query=(q or "").strip()[:100] or None)


@router.post(BASE + "/categories", response_class=HTMLResponse)
async def categories_form(request: Request, uow: Uow, actor: Answer, contact_id: ContactAccess,
                          ) -> Response:
    codes = [str(c) for c in (await request.form()).getlist("category")]
    return _act(request, uow, contact_id, "categories", lambda: service.set_categories(
        uow.session, contact_id=contact_id, codes=codes, actor=actor, now=uow.now))


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
async def screen_form(request: Request, uow: Uow, actor: Answer, contact_id: ContactAccess,
                      ) -> Response:
    """One step of a screen: keep the answer, show the next question; save when asked to
    finish (or when no question is left)."""
    form = await request.form()
    protocol_id = str(form.get("protocol_id", ""))
    answers = answers_of(form, protocol_id)
    believes = form.get("believes_high_danger") == "on"
    state = {"protocol_id": protocol_id, "answers": answers, "believes": believes}
    try:
        progress = screen_progress(protocol_id, answers)
    except InvalidInput as problem:
        return _panel(request, uow, contact_id, screening=state, error=problem)
    if progress.question is not None and form.get("finish") != "yes":
        return _panel(request, uow, contact_id, screening={
            **state, "question": progress.question, "can_finish": progress.can_finish})
    return _act(request, uow, contact_id, "screened", lambda: service.record_screen(
        uow.session, contact_id=contact_id, protocol_id=protocol_id, answers=answers,
        counsellor_believes_high_danger=believes, actor=actor, now=uow.now),
        screening={**state, "question": progress.question})


@router.post(BASE + "/mobile-team", response_class=HTMLResponse)
async def mobile_team_form(request: Request, uow: Uow, actor: Answer, contact_id: ContactAccess,
                           ) -> Response:
    form = await request.form()
    cautions = [str(c) for c in form.getlist("caution")]
    note = str(form.get("note", "")) or None
    crew = service.ForTheCrew(summary=str(form.get("summary", ""))[:500] or None,
                              place=str(form.get("place", ""))[:300] or None,
                              caller_kind=str(form.get("caller_kind", "")) or None,
                              prefer_woman=form.get("prefer_woman") == "on")
    return _act(request, uow, contact_id, "mobile_team", lambda: service.request_mobile_team(
        uow.session, contact_id=contact_id, cautions=cautions, note=note, actor=actor,
        now=uow.now, crew=crew))


@router.post(BASE + "/referral", response_class=HTMLResponse)
async def referral_form(request: Request, uow: Uow, actor: Answer, contact_id: ContactAccess,
                        ) -> Response:
    form = await request.form()
    return _act(request, uow, contact_id, "referral", lambda: referral_service.refer_from_triage(
        uow.session, contact_id=contact_id, agency_code=str(form.get("agency_code", "")),
        consent=str(form.get("consent", "")),
        override_reason=str(form.get("override_reason", "")) or None,
        warm_transfer=form.get("warm_transfer") == "on", actor=actor, now=uow.now))


@router.post(BASE + "/close", response_class=HTMLResponse)
async def close_form(request: Request, uow: Uow, actor: Answer, contact_id: ContactAccess,
                     background: BackgroundTasks) -> Response:
    """Close the contact; refused, the form comes back as it was sent. A chat's open
    pages are told the conversation has ended."""
    closing = ClosingForm.of(await request.form())
    closed: list[ClosedOut] = []
    page = _act(request, uow, contact_id, "closed", lambda: closed.append(
        service.close_contact(uow.session, contact_id=contact_id, outcomes=closing.items(),
                              actor=actor, now=uow.now)), closing=closing)
    if closed:
        background.add_task(request.app.state.chat_hub.publish, contact_id,
                            state_frame(closed[0].state))
    return page
