"""Transfers between provinces, consent records, and a case's referral onward: the API.

Each route is one call into the domain (``panah.cases.transfers``, ``panah.cases.consent``);
access is decided before it runs (``panah.web.access``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from panah.cases.consent import queries as consents
from panah.cases.consent import service as consent_service
from panah.cases.consent.schemas import ConsentCreate, ConsentPublic
from panah.cases.transfers import queries, referrals, service
from panah.cases.transfers.schemas import (
    CaseReferralCreate,
    TransferAccept,
    TransferCreate,
    TransferDecline,
    TransferPublic,
)
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.triage.referrals.schemas import ReferralPublic
from panah.web.access import (
    CaseAccess,
    EditCase,
    ViewCase,
    case_access,
    consent_access,
    transfer_access,
)
from panah.web.deps import Uow, require

router = APIRouter(prefix="/api", tags=["transfers and consent"])
TransferCase = Annotated[CaseAccess, Depends(case_access(Permission.transfer_case))]
WithdrawConsent = Annotated[int, Depends(consent_access(Permission.edit_case))]
AnswerTransfer = Annotated[int, Depends(transfer_access(Permission.transfer_case))]
Transferring = Annotated[Actor, Depends(require(Permission.transfer_case))]
Editing = Annotated[Actor, Depends(require(Permission.edit_case))]


@router.post("/cases/{case_id}/consents", response_model=ConsentPublic, status_code=201)
def record_consent(uow: Uow, grant: EditCase, body: ConsentCreate) -> ConsentPublic:
    """Record the client's consent: what (purpose), to whom, how far (scope), when, how."""
    return consent_service.record_consent(uow.session, actor=grant.actor,
                                          case_id=grant.case_id, data=body, now=uow.now)


@router.get("/cases/{case_id}/consents", response_model=list[ConsentPublic])
def list_consents(uow: Uow, grant: ViewCase) -> list[ConsentPublic]:
    """The consents of the case's client, newest first, withdrawn ones included."""
    return consents.client_consents(uow.session, case_id=grant.case_id, now=uow.now)


@router.post("/consents/{consent_id}/withdraw", response_model=ConsentPublic)
def withdraw_consent(uow: Uow, consent_id: WithdrawConsent, actor: Editing) -> ConsentPublic:
    """The client withdraws a consent: acts under it stop from now (audited)."""
    return consent_service.withdraw_consent(uow.session, actor=actor, consent_id=consent_id,
                                            now=uow.now)


@router.post("/cases/{case_id}/transfers", response_model=TransferPublic, status_code=201)
def request_transfer(uow: Uow, grant: TransferCase, body: TransferCreate) -> TransferPublic:
    """Ask another province to take the case, under the client's consent (or the
    immediate-danger override with its reason)."""
    return service.request_transfer(uow.session, actor=grant.actor, case_id=grant.case_id,
                                    data=body, now=uow.now)


@router.get("/transfers", response_model=list[TransferPublic])
def transfer_inbox(uow: Uow, actor: Transferring) -> list[TransferPublic]:
    """Transfers into and out of your province, waiting ones first: a summary of each case
    (category, risk, reason, the sending province), never its notes."""
    return queries.transfer_inbox(uow.session, actor=actor, now=uow.now)


@router.post("/transfers/{transfer_id}/accept", response_model=TransferPublic)
def accept_transfer(uow: Uow, transfer_id: AnswerTransfer, actor: Transferring,
                    body: TransferAccept | None = None) -> TransferPublic:
    """Take the case into your province, with its receiving lead worker (default: you)."""
    return service.accept_transfer(uow.session, actor=actor, transfer_id=transfer_id,
                                   lead_user_id=body.lead_user_id if body else None,
                                   now=uow.now)


@router.post("/transfers/{transfer_id}/decline", response_model=TransferPublic)
def decline_transfer(uow: Uow, transfer_id: AnswerTransfer, actor: Transferring,
                     body: TransferDecline) -> TransferPublic:
    """Decline the transfer, saying why (the sending province reads it)."""
    return service.decline_transfer(uow.session, actor=actor, transfer_id=transfer_id,
                                    reason=body.reason, now=uow.now)


@router.post("/transfers/{transfer_id}/cancel", response_model=TransferPublic)
def cancel_transfer(uow: Uow, transfer_id: AnswerTransfer, actor: Transferring,
                    ) -> TransferPublic:
    """Withdraw your province's request before it is answered."""
    return service.cancel_transfer(uow.session, actor=actor, transfer_id=transfer_id,
                                   now=uow.now)


@router.post("/cases/{case_id}/referrals", response_model=ReferralPublic, status_code=201)
def refer_case(uow: Uow, grant: EditCase, body: CaseReferralCreate) -> ReferralPublic:
    """Refer the case's client onward to a partner agency (the 1480 counselling line …),
    under their consent to a referral to that agency (or the override)."""
    return referrals.refer_case(uow.session, actor=grant.actor, case_id=grant.case_id,
                                data=body, now=uow.now)
