"""Referrals to partner agencies, tracked until the agency has taken them (no wrong door),
and the partner API: a partner's referrals, its answers, and its hand-overs to the 123 line.

The 123 side reaches a referral through its contact (``panah.web.access.referral_access``:
the contact's province or the queues it is offered on, as ``contact_access``). A partner
authenticates with its agency's API key and reaches only referrals addressed to its own
agencies (``Agency.user_id``); any other is 404, so it learns nothing of another agency's
work.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.triage.referrals import queries, service
from panah.triage.referrals.model import ReferralState
from panah.triage.referrals.schemas import (
    HandoverIn,
    HandoverReceipt,
    HandoverStatusPublic,
    PartnerReferralPublic,
    ReferralCreate,
    ReferralPublic,
    ReferralStatusUpdate,
)
from panah.web.access import contact_access, referral_access
from panah.web.deps import Routing, Uow, require

router = APIRouter(tags=["referrals"])
Answer = Annotated[Actor, Depends(require(Permission.answer_contacts))]
Partner = Annotated[Actor, Depends(require(Permission.partner_api))]
ContactAccess = Annotated[int, Depends(contact_access(Permission.answer_contacts))]
ReferralId = Annotated[int, Path(ge=1, le=2**31 - 1)]


ReferralAccess = Annotated[int, Depends(referral_access(Permission.answer_contacts))]


def public_base(request: Request) -> str:
    """Panah's origin as partners reach it: always https (documents refuse anything else;
    in production Panah is served only over TLS)."""
    return f"https://{request.url.netloc}"


# --- the 123 side ---------------------------------------------------------------------------

@router.post("/api/contacts/{contact_id}/referrals", response_model=ReferralPublic,
             status_code=201)
def refer_contact(uow: Uow, body: ReferralCreate, actor: Answer,
                  contact_id: ContactAccess) -> ReferralPublic:
    """Refer the contact to a partner agency from the directory. Without consent only at
    high or immediate urgency with a written reason (422 otherwise, with the reason)."""
    return service.refer_contact(
        uow.session, contact_id=contact_id, agency_code=body.agency_code,
        urgency=body.urgency, consent=body.consent, override_reason=body.override_reason,
        kind=body.kind, category=body.category.value if body.category else None,
        actor=actor, now=uow.now)


@router.get("/api/referrals", response_model=list[ReferralPublic])
def list_referrals(
    uow: Uow, actor: Answer,
    state: Annotated[list[ReferralState], Query(max_length=7)] = [],  # noqa: B006
    province: Annotated[str | None, Query(pattern=r"^IR-\d\d$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ReferralPublic]:
    """Referrals of your province's contacts (or ``province``, if your role reaches it):
    escalated first, then overdue, then the newest; ``state`` filters (repeatable)."""
    return queries.province_referrals(uow.session, actor=actor, province_code=province,
                                      states=state, now=uow.now, limit=limit)


@router.get("/api/referrals/{referral_id}", response_model=ReferralPublic)
def read_referral(uow: Uow, referral_id: ReferralAccess) -> ReferralPublic:
    """One referral: its state, deadline, escalation and the partner's answer."""
    return queries.referral(uow.session, referral_id=referral_id, now=uow.now)


@router.get("/api/referrals/{referral_id}/eido")
def referral_eido(request: Request, uow: Uow, actor: Answer,
                  referral_id: ReferralAccess) -> dict[str, Any]:
    """The NENA EIDO incident sent to police or EMS (Panah's subset), validated."""
    return service.export_referral(uow.session, referral_id=referral_id, fmt="eido",
                                   base_url=public_base(request), actor=actor, now=uow.now)


@router.get("/api/referrals/{referral_id}/fhir")
def referral_fhir(request: Request, uow: Uow, actor: Answer,
                  referral_id: ReferralAccess) -> dict[str, Any]:
    """The FHIR R4 Bundle (ServiceRequest, Task, Consent) of a care referral, validated."""
    return service.export_referral(uow.session, referral_id=referral_id, fmt="fhir",
                                   base_url=public_base(request), actor=actor, now=uow.now)


@router.post("/api/referrals/{referral_id}/cancel", response_model=ReferralPublic)
def cancel_referral(uow: Uow, actor: Answer, referral_id: ReferralAccess) -> ReferralPublic:
    """Withdraw a referral the partner has not accepted yet (409 after that: it is theirs)."""
    return service.cancel_referral(uow.session, referral_id=referral_id, actor=actor,
                                   now=uow.now)


# --- the partner API ------------------------------------------------------------------------

@router.get("/api/partner/referrals", response_model=list[PartnerReferralPublic])
def partner_referrals(request: Request, uow: Uow, actor: Partner,
                      ) -> list[PartnerReferralPublic]:
    """Open referrals addressed to your agencies, the earliest deadline first: where, what
    and how urgent, never who (the caller's identity stays with the 123 line)."""
    return service.partner_referrals(uow.session, actor=actor, base_url=public_base(request),
                                     now=uow.now)


@router.get("/api/partner/referrals/{referral_id}", response_model=PartnerReferralPublic)
def partner_referral(request: Request, uow: Uow, actor: Partner,
                     referral_id: ReferralId) -> PartnerReferralPublic:
    """One referral addressed to your agencies (404 for any other)."""
    return service.partner_referral(uow.session, referral_id=referral_id, actor=actor,
                                    base_url=public_base(request), now=uow.now)


@router.post("/api/partner/referrals/{referral_id}/status",
             response_model=PartnerReferralPublic)
def partner_answer(request: Request, uow: Uow, actor: Partner, referral_id: ReferralId,
                   body: ReferralStatusUpdate) -> PartnerReferralPublic:
    """Acknowledge (received) and answer (accepted or rejected, then in_progress and
    completed). An impossible move, or a ``version`` that is no longer current: 409."""
    return service.partner_answer(
        uow.session, referral_id=referral_id, target=ReferralState(body.state),
        reference=body.reference, note=body.note, version=body.version, actor=actor,
        base_url=public_base(request), now=uow.now)


@router.post("/api/partner/handovers", response_model=HandoverReceipt, status_code=201)
def partner_handover(response: Response, actor: Partner, uow: Uow, context: Routing,
                     body: HandoverIn) -> HandoverReceipt:
    """Hand a case to the 123 line: it becomes a contact, routed by its location like any
    other. 201 the first time; the same ``reference`` again: 200 with the same contact."""
    receipt = service.partner_handover(uow.session, payload=body, context=context,
                                       actor=actor, now=uow.now)
    if not receipt.created:
        response.status_code = 200
    return receipt


@router.get("/api/partner/handovers/{contact_id}", response_model=HandoverStatusPublic)
def partner_handover_status(
    uow: Uow, actor: Partner, contact_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> HandoverStatusPublic:
    """How far the 123 line has got with a case you handed over (404 for any other)."""
    return queries.handover_status(uow.session, actor=actor, contact_id=contact_id)
