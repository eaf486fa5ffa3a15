"""Referrals to partner agencies, tracked until the agency has taken them (no wrong door),
and the partner API: a partner's referrals, its answers, and its hand-overs to the 123 line.

The 123 side reaches a referral through its contact (``panah.web.access.referral_access``:
the contact's province or the queues it is offered on, as ``contact_access``). A partner
authenticates with its agency's API key and reaches only referrals addressed to its own
agencies (``Agency.user_id``); any other is 404, so it learns nothing of another agency's
work.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.core.db import unit_of_work
from panah.core.errors import Forbidden
from panah.intake.model import RiskLevel
from panah.intake.orm import Contact
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.audit_orm import Entry, append_many
from panah.security.policy import Actor, Resource, decide
from panah.security.roles import Permission
from panah.triage.referrals import service
from panah.triage.referrals.export import Format, export_document
from panah.triage.referrals.model import ConsentStatus, HandoverKind, ReferralState
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
from panah.web.deps import get_clock, require
from panah.web.routes.intake import intake_context

router = APIRouter(tags=["referrals"])
Answer = Annotated[Actor, Depends(require(Permission.answer_contacts))]
Partner = Annotated[Actor, Depends(require(Permission.partner_api))]
ContactAccess = Annotated[int, Depends(contact_access(Permission.answer_contacts))]
ReferralId = Annotated[int, Path(ge=1, le=2**31 - 1)]


ReferralAccess = Annotated[int, Depends(referral_access(Permission.answer_contacts))]


def _at(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment is not None else None


def public(record: service.ReferralRecord, now: datetime) -> ReferralPublic:
    r, agency = record.referral, record.agency
    state = ReferralState(r.state)
    return ReferralPublic(
        id=r.id, contact_id=r.contact_id, agency_code=agency.code,
        agency_name_fa=agency.name_fa, agency_name_en=agency.name_en,
        province_code=record.province_code, state=state, state_fa=state.label_fa,
        urgency=RiskLevel(r.urgency), kind=HandoverKind(r.kind), category=r.category,
        consent=ConsentStatus(r.consent), override_used=r.override_reason is not None,
        requested_at=as_utc(r.requested_at), ack_due_at=as_utc(r.ack_due_at),
        received_at=_at(r.received_at), decided_at=_at(r.decided_at),
        completed_at=_at(r.completed_at), escalated_at=_at(r.escalated_at),
        overdue=record.overdue(now), partner_reference=r.partner_reference,
        partner_note=r.partner_note, version=r.version)


def public_base(request: Request) -> str:
    """Panah's origin as partners reach it: always https (documents refuse anything else;
    in production Panah is served only over TLS)."""
    return f"https://{request.url.netloc}"


# --- the 123 side ---------------------------------------------------------------------------

@router.post("/api/contacts/{contact_id}/referrals", response_model=ReferralPublic,
             status_code=201)
def refer_contact(request: Request, body: ReferralCreate, actor: Answer,
                  contact_id: ContactAccess) -> ReferralPublic:
    """Refer the contact to a partner agency from the directory. Without consent only at
    high or immediate urgency with a written reason (422 otherwise, with the reason)."""
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        contact = session.get_one(Contact, contact_id)
        referral = service.request_referral(
            session, contact=contact, agency_code=body.agency_code,
            urgency=body.urgency or RiskLevel(contact.risk), consent=body.consent,
            override_reason=body.override_reason,
            kind=body.kind, category=body.category.value if body.category else None,
            actor=actor, now=now)
        return public(service.record_of(session, referral), now)


@router.get("/api/referrals", response_model=list[ReferralPublic])
def list_referrals(
    request: Request, actor: Answer,
    state: Annotated[list[ReferralState], Query(max_length=7)] = [],  # noqa: B006
    province: Annotated[str | None, Query(pattern=r"^IR-\d\d$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ReferralPublic]:
    """Referrals of your province's contacts (or ``province``, if your role reaches it):
    escalated first, then overdue, then the newest; ``state`` filters (repeatable)."""
    province = province or actor.province_code
    if not decide(actor, Permission.answer_contacts, Resource("referral", province)):
        raise Forbidden("You see your own province's referrals only.",
                        "شما تنها ارجاع‌های استان خود را می‌بینید.", province_code=province)
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        return [public(record, now) for record in service.list_referrals(
            session, province_code=province, states=state, now=now, limit=limit)]


@router.get("/api/referrals/{referral_id}", response_model=ReferralPublic)
def read_referral(request: Request, referral_id: ReferralAccess) -> ReferralPublic:
    """One referral: its state, deadline, escalation and the partner's answer."""
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        referral = service.get_referral(session, referral_id=referral_id)
        return public(service.record_of(session, referral), now)


def _export(request: Request, actor: Actor, referral_id: int, fmt: Format) -> dict[str, Any]:
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        referral = service.get_referral(session, referral_id=referral_id)
        built = export_document(session, referral, fmt, base_url=public_base(request))
        audit(session, actor, AuditAction.export, "referral", referral_id, now=now, reason=fmt)
        return built


@router.get("/api/referrals/{referral_id}/eido")
def referral_eido(request: Request, actor: Answer,
                  referral_id: ReferralAccess) -> dict[str, Any]:
    """The NENA EIDO incident sent to police or EMS (Panah's subset), validated."""
    return _export(request, actor, referral_id, "eido")


@router.get("/api/referrals/{referral_id}/fhir")
def referral_fhir(request: Request, actor: Answer,
                  referral_id: ReferralAccess) -> dict[str, Any]:
    """The FHIR R4 Bundle (ServiceRequest, Task, Consent) of a care referral, validated."""
    return _export(request, actor, referral_id, "fhir")


@router.post("/api/referrals/{referral_id}/cancel", response_model=ReferralPublic)
def cancel_referral(request: Request, actor: Answer,
                    referral_id: ReferralAccess) -> ReferralPublic:
    """Withdraw a referral the partner has not accepted yet (409 after that: it is theirs)."""
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        referral = service.move_referral(session, referral_id=referral_id,
                                         target=ReferralState.cancelled, actor=actor, now=now)
        return public(service.record_of(session, referral), now)


# --- the partner API ------------------------------------------------------------------------

def partner_public(session: Session, record: service.ReferralRecord,
                   base: str) -> PartnerReferralPublic:
    referral = record.referral
    return PartnerReferralPublic(
        id=referral.id, agency_code=record.agency.code,
        state=ReferralState(referral.state), urgency=RiskLevel(referral.urgency),
        kind=HandoverKind(referral.kind), requested_at=as_utc(referral.requested_at),
        ack_due_at=as_utc(referral.ack_due_at), version=referral.version,
        partner_reference=referral.partner_reference,
        eido=export_document(session, referral, "eido", base_url=base))


def _my_agency_ids(session: Session, actor: Actor) -> list[int]:
    return [a.id for a in service.agencies_of(session, actor)]


@router.get("/api/partner/referrals", response_model=list[PartnerReferralPublic])
def partner_referrals(request: Request, actor: Partner) -> list[PartnerReferralPublic]:
    """Open referrals addressed to your agencies, the earliest deadline first: where, what
    and how urgent, never who (the caller's identity stays with the 123 line)."""
    now, base = get_clock(request).now(), public_base(request)
    with unit_of_work(request.app.state.session_factory) as session:
        records = service.referrals_for_agency(session, agency_ids=_my_agency_ids(session, actor))
        append_many(session, now=now, entries=[
            Entry(actor, AuditAction.read, "referral", str(record.referral.id), "partner")
            for record in records])
        return [partner_public(session, record, base) for record in records]


@router.get("/api/partner/referrals/{referral_id}", response_model=PartnerReferralPublic)
def partner_referral(request: Request, actor: Partner,
                     referral_id: ReferralId) -> PartnerReferralPublic:
    """One referral addressed to your agencies (404 for any other)."""
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        referral = service.get_referral(session, referral_id=referral_id,
                                        agency_ids=_my_agency_ids(session, actor))
        audit(session, actor, AuditAction.read, "referral", referral_id, now=now,
              reason="partner")
        return partner_public(session, service.record_of(session, referral),
                              public_base(request))


@router.post("/api/partner/referrals/{referral_id}/status",
             response_model=PartnerReferralPublic)
def partner_answer(request: Request, actor: Partner, referral_id: ReferralId,
                   body: ReferralStatusUpdate) -> PartnerReferralPublic:
    """Acknowledge (received) and answer (accepted or rejected, then in_progress and
    completed). An impossible move, or a ``version`` that is no longer current: 409."""
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        referral = service.move_referral(
            session, referral_id=referral_id, target=ReferralState(body.state),
            partner_reference=body.reference, note=body.note, expected_version=body.version,
            agency_ids=_my_agency_ids(session, actor), actor=actor, now=now)
        return partner_public(session, service.record_of(session, referral),
                              public_base(request))


@router.post("/api/partner/handovers", response_model=HandoverReceipt, status_code=201)
def partner_handover(request: Request, response: Response, actor: Partner,
                     body: HandoverIn) -> HandoverReceipt:
    """Hand a case to the 123 line: it becomes a contact, routed by its location like any
    other. 201 the first time; the same ``reference`` again: 200 with the same contact."""
    now = get_clock(request).now()
    with unit_of_work(request.app.state.session_factory) as session:
        agency = service.handing_agency(session, actor=actor, agency_code=body.agency_code)
        contact, created = service.handover_in(
            session, agency=agency, payload=body, context=intake_context(request, session),
            actor=actor, now=now)
        if not created:
            response.status_code = 200
        return HandoverReceipt(
            contact_id=contact.id, created=created, queue=contact.queue,
            province_code=contact.province_code, state=contact.state,
            status_url=f"/api/partner/handovers/{contact.id}")


@router.get("/api/partner/handovers/{contact_id}", response_model=HandoverStatusPublic)
def partner_handover_status(
    request: Request, actor: Partner, contact_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> HandoverStatusPublic:
    """How far the 123 line has got with a case you handed over (404 for any other)."""
    with unit_of_work(request.app.state.session_factory) as session:
        contact, reference = service.handed_over_by(
            session, contact_id=contact_id, agencies=service.agencies_of(session, actor))
        return HandoverStatusPublic(
            contact_id=contact.id, reference=reference, state=contact.state,
            queue=contact.queue, risk=RiskLevel(contact.risk),
            answered=contact.answered_at is not None, closed=contact.closed_at is not None)
