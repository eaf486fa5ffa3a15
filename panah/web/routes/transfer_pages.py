"""Transfer and consent pages: the transfers inbox, and the case panel's forms.

Thin: each calls the same domain functions and access dependencies as the JSON API; a
refusal re-renders the page with the reason (422) and saves nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from panah.cases.consent import service as consent_service
from panah.cases.consent.schemas import ConsentCreate
from panah.cases.transfers import queries, referrals, service
from panah.cases.transfers.schemas import CaseReferralCreate, TransferCreate
from panah.core.errors import Conflict, InvalidInput
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import CaseAccess, EditCase, case_access, consent_access, transfer_access
from panah.web.deps import Uow, require
from panah.web.routes.case_pages import render_case

router = APIRouter(tags=["transfer pages"], include_in_schema=False)
TransferCase = Annotated[CaseAccess, Depends(case_access(Permission.transfer_case))]
Transferring = Annotated[Actor, Depends(require(Permission.transfer_case))]
Editing = Annotated[Actor, Depends(require(Permission.edit_case))]
AnswerTransfer = Annotated[int, Depends(transfer_access(Permission.transfer_case))]
WithdrawConsent = Annotated[int, Depends(consent_access(Permission.edit_case))]
Problem = (InvalidInput, Conflict, ValidationError)
FORM_PROBLEM = InvalidInput("Fill in the form's required fields.",
                            "بخش‌های لازم فرم را پر کنید.")


def _page(request: Request, template: str, context: dict[str, Any],
          status: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, context, status_code=status)


def _error(problem: Exception) -> InvalidInput | Conflict:
    return problem if isinstance(problem, InvalidInput | Conflict) else FORM_PROBLEM


def _inbox(request: Request, uow: Uow, actor: Actor, error: Exception | None = None,
           ) -> Response:
    inbox = queries.inbox_page(uow.session, actor=actor, now=uow.now)
    return _page(request, "transfers/inbox.html",
                 {"inbox": inbox, "error": _error(error) if error else None},
                 status=422 if error else 200)


def _case(request: Request, uow: Uow, grant: CaseAccess, error: Exception) -> Response:
    """The case page again, with the transfers panel's error."""
    return render_case(request, uow, grant, status=422, transfer_error=_error(error))


def _on_case(request: Request, uow: Uow, grant: CaseAccess, step: Callable[[], object],
             ) -> Response:
    try:
        with uow.session.begin_nested():  # a refusal leaves nothing saved
            step()
    except Problem as problem:
        return _case(request, uow, grant, problem)
    return RedirectResponse(f"/cases/{grant.case_id}#transfers", status_code=303)


@router.get("/cases/transfers", response_class=HTMLResponse)
def transfers_page(request: Request, uow: Uow, actor: Transferring) -> Response:
    """Transfers into and out of your province, with accept and decline."""
    return _inbox(request, uow, actor)


@router.post("/cases/transfers/{transfer_id}/accept", response_class=HTMLResponse)
def accept_form(request: Request, uow: Uow, transfer_id: AnswerTransfer, actor: Transferring,
                lead_user_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
                ) -> Response:
    """Accept: the case moves here; open it."""
    try:
        with uow.session.begin_nested():
            done = service.accept_transfer(uow.session, actor=actor, transfer_id=transfer_id,
                                           lead_user_id=lead_user_id, now=uow.now)
    except Problem as problem:
        return _inbox(request, uow, actor, problem)
    return RedirectResponse(f"/cases/{done.case_id}", status_code=303)


@router.post("/cases/transfers/{transfer_id}/decline", response_class=HTMLResponse)
def decline_form(request: Request, uow: Uow, transfer_id: AnswerTransfer, actor: Transferring,
                 reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Decline with a reason; back to the inbox."""
    try:
        with uow.session.begin_nested():
            service.decline_transfer(uow.session, actor=actor, transfer_id=transfer_id,
                                     reason=reason, now=uow.now)
    except Problem as problem:
        return _inbox(request, uow, actor, problem)
    return RedirectResponse("/cases/transfers", status_code=303)


@router.post("/cases/transfers/{transfer_id}/cancel", response_class=HTMLResponse)
def cancel_form(request: Request, uow: Uow, transfer_id: AnswerTransfer, actor: Transferring,
                ) -> Response:
    """The sending province withdraws its request."""
    try:
        with uow.session.begin_nested():
            done = service.cancel_transfer(uow.session, actor=actor, transfer_id=transfer_id,
                                           now=uow.now)
    except Problem as problem:
        return _inbox(request, uow, actor, problem)
    return RedirectResponse(f"/cases/{done.case_id}#transfers", status_code=303)


@router.post("/cases/{case_id}/consents", response_class=HTMLResponse)
def consent_form(
    request: Request, uow: Uow, grant: EditCase,
    purpose: Annotated[str, Form(max_length=30)] = "",
    recipient: Annotated[str, Form(max_length=60)] = "",
    scope: Annotated[str, Form(max_length=300)] = "summary",
    method: Annotated[str, Form(max_length=10)] = "verbal",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Record the client's consent from the case page."""
    def step() -> object:
        data = ConsentCreate(purpose=purpose, recipient=recipient,  # type: ignore[arg-type]
                             scope=scope or "summary", method=method,  # type: ignore[arg-type]
                             note=note or None)
        return consent_service.record_consent(uow.session, actor=grant.actor,
                                              case_id=grant.case_id, data=data, now=uow.now)
    return _on_case(request, uow, grant, step)


@router.post("/consents/{consent_id}/withdraw", response_class=HTMLResponse)
def withdraw_form(uow: Uow, consent_id: WithdrawConsent, actor: Editing) -> Response:
    """The client withdraws a consent; back to its case."""
    done = consent_service.withdraw_consent(uow.session, actor=actor, consent_id=consent_id,
                                            now=uow.now)
    return RedirectResponse(f"/cases/{done.case_id}#transfers", status_code=303)


@router.post("/cases/{case_id}/transfers", response_class=HTMLResponse)
def transfer_form(
    request: Request, uow: Uow, grant: TransferCase,
    to_province: Annotated[str, Form(max_length=5)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    override_reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Ask another province to take the case."""
    def step() -> object:
        data = TransferCreate(to_province=to_province, reason=reason,
                              override_reason=override_reason or None)
        return service.request_transfer(uow.session, actor=grant.actor,
                                        case_id=grant.case_id, data=data, now=uow.now)
    return _on_case(request, uow, grant, step)


@router.post("/cases/{case_id}/referrals", response_class=HTMLResponse)
def referral_form(
    request: Request, uow: Uow, grant: EditCase,
    agency_code: Annotated[str, Form(max_length=60)] = "",
    override_reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Refer the client onward to a partner agency."""
    def step() -> object:
        data = CaseReferralCreate(agency_code=agency_code,
                                  override_reason=override_reason or None)
        return referrals.refer_case(uow.session, actor=grant.actor, case_id=grant.case_id,
                                    data=data, now=uow.now)
    return _on_case(request, uow, grant, step)
