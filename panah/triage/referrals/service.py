"""Referral use cases: refer a contact to a partner agency, track it until the agency has
taken it, escalate a late one, and turn a partner's hand-over into a contact.

Each runs inside the caller's unit of work and never commits; ``now`` is passed in (UTC).
A move is a conditional UPDATE on (id, version, state), so of two simultaneous answers
exactly one wins and the other gets a Conflict saying what happened. Escalation is a
conditional UPDATE on ``escalated_at IS NULL``: it happens once, however many server
processes run the timers.
The rules themselves are pure, in :mod:`panah.triage.referrals.model`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.core.errors import Conflict, InvalidInput
from panah.geo.orm import Province
from panah.intake.model import Channel, LocationFix, LocationSource, RiskLevel
from panah.intake.orm import Contact
from panah.intake.routing.context import RoutingContext
from panah.intake.routing.phones import to_e164
from panah.intake.service import NewContact, find_contact, open_contact
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.audit_orm import Entry, append_many
from panah.security.policy import Actor
from panah.triage.orm import Agency, ContactCategory, Referral
from panah.triage.referrals.export import Format, export_document
from panah.triage.referrals.model import (
    ConsentStatus,
    HandoverKind,
    ReferralState,
    ReferralView,
    ack_deadline,
    check_consent,
    check_move,
    escalation_due,
)
from panah.triage.referrals.queries import (
    AWAITING,
    agencies_of,
    get_referral,
    record_of,
    referrals_for_agency,
    to_utc,
)
from panah.triage.referrals.schemas import (
    HandoverIn,
    HandoverReceipt,
    PartnerReferralPublic,
    ReferralPublic,
    handover_receipt,
    partner_referral_public,
    referral_public,
)
from panah.triage.service import categories_of, contact_of
from panah.triage.taxonomy import check_categories

S = ReferralState


# --- the 123 side ---------------------------------------------------------------------------

def directory_agency(session: Session, agency_code: str) -> Agency:
    """The active agency with this code, or InvalidInput saying where to choose one."""
    agency = session.scalar(select(Agency).where(Agency.code == agency_code))
    if agency is None or not agency.active:
        raise InvalidInput(
            f"Agency {agency_code!r} is not in the directory; choose one from "
            "/api/directory/agencies.",
            f"سازمان {agency_code!r} در فهرست سازمان‌ها نیست؛ یکی را از "
            "/api/directory/agencies برگزینید.",
            field="agency_code", agency_code=agency_code)
    return agency


def request_referral(
    session: Session, *, contact: Contact, agency_code: str, urgency: RiskLevel,
    consent: ConsentStatus, override_reason: str | None, kind: HandoverKind,
    category: str | None, actor: Actor | None, now: datetime,
) -> Referral:
    """Refer ``contact`` to a directory agency; the partner must decide by ``ack_due_at``.

    Without consent only under the immediate-danger override (``check_consent``): the
    written reason is stored encrypted on the row, and the audit log says only that the
    override was used (a reason may name the person)."""
    now = to_utc(now)
    agency = directory_agency(session, agency_code)
    if category is not None:
        check_categories([category])
    overridden = check_consent(consent, urgency=urgency, override_reason=override_reason)
    referral = Referral(
        contact_id=contact.id, agency_id=agency.id, state=S.requested.value, version=1,
        urgency=urgency.value, kind=kind.value, category=category, consent=consent.value,
        override_reason=(override_reason or "").strip() if overridden else None,
        requested_at=now, requested_by=actor.user_id if actor else None,
        ack_due_at=ack_deadline(now, urgency=urgency), updated_at=now)
    session.add(referral)
    session.flush()
    audit(session, actor, AuditAction.create, "referral", referral.id, now=now,
          reason=f"agency={agency.code} urgency={urgency.value} kind={kind.value}")
    if overridden:
        audit(session, actor, AuditAction.create, "referral", referral.id, now=now,
              reason=f"consent override used (consent={consent.value}, "
                     f"urgency={urgency.value})")
    return referral


def refer_contact(
    session: Session, *, contact_id: int, agency_code: str, urgency: RiskLevel | None,
    consent: ConsentStatus, override_reason: str | None, kind: HandoverKind,
    category: str | None, actor: Actor | None, now: datetime,
) -> ReferralPublic:
    """Refer the contact (NotFound if it is gone) at ``urgency``, by default its risk now."""
    contact = contact_of(session, contact_id)
    referral = request_referral(
        session, contact=contact, agency_code=agency_code,
        urgency=urgency or RiskLevel(contact.risk), consent=consent,
        override_reason=override_reason, kind=kind, category=category, actor=actor, now=now)
    return referral_public(record_of(session, referral), now)


def refer_from_triage(
    session: Session, *, contact_id: int, agency_code: str, consent: str,
    override_reason: str | None, warm_transfer: bool, actor: Actor | None, now: datetime,
) -> Referral:
    """The triage panel's referral: at the contact's risk now, about its first category,
    with the consent the form gives (refused, saying so, if it gives none)."""
    contact = contact_of(session, contact_id)
    categories = categories_of(session, contact.id)
    return request_referral(
        session, contact=contact, agency_code=agency_code, urgency=RiskLevel(contact.risk),
        consent=_consent(consent), override_reason=override_reason,
        kind=HandoverKind.warm_transfer if warm_transfer else HandoverKind.handover,
        category=categories[0].value if categories else None, actor=actor, now=now)


def _consent(value: str) -> ConsentStatus:
    if value not in {c.value for c in ConsentStatus}:
        raise InvalidInput("Say whether the caller agreed to the referral.",
                           "بگویید تماس‌گیرنده با ارجاع موافق بود یا نه.", field="consent")
    return ConsentStatus(value)


def export_referral(session: Session, *, referral_id: int, fmt: Format, base_url: str,
                    actor: Actor | None, now: datetime) -> dict[str, Any]:
    """A hand-over document of the referral (EIDO or FHIR), validated; the export is
    audited."""
    referral = get_referral(session, referral_id=referral_id)
    built = export_document(session, referral, fmt, base_url=base_url)
    audit(session, actor, AuditAction.export, "referral", referral_id, now=now, reason=fmt)
    return built


def cancel_referral(session: Session, *, referral_id: int, actor: Actor | None,
                    now: datetime) -> ReferralPublic:
    """Withdraw a referral the partner has not accepted yet (a Conflict after that)."""
    referral = move_referral(session, referral_id=referral_id, target=S.cancelled,
                             actor=actor, now=now)
    return referral_public(record_of(session, referral), now)


def _stamps(referral: Referral, target: ReferralState, now: datetime) -> dict[str, object]:
    if target is S.received:
        return {"received_at": now}
    if target in (S.accepted, S.rejected):  # an answer plainly means it was received
        return {"decided_at": now, "received_at": referral.received_at or now}
    if target is S.completed:
        return {"completed_at": now}
    return {}


def move_referral(
    session: Session, *, referral_id: int, target: ReferralState,
    partner_reference: str | None = None, note: str | None = None,
    expected_version: int | None = None, agency_ids: Collection[int] | None = None,
    actor: Actor | None, now: datetime,
) -> Referral:
    """Move a referral along its lifecycle: the partner's answers (received … completed),
    or the 123 side's cancel. ``expected_version``: the version the mover saw (default:
    the one read now). Impossible moves and lost races are a Conflict with the reason."""
    now = to_utc(now)
    referral = get_referral(session, referral_id=referral_id, agency_ids=agency_ids)
    current = S(referral.state)
    check_move(current, target)
    version = referral.version if expected_version is None else expected_version
    values: dict[str, object] = {"state": target.value, "version": version + 1,
                                 "updated_at": now, **_stamps(referral, target, now)}
    if partner_reference is not None:
        values["partner_reference"] = partner_reference
    if note is not None:
        values["partner_note"] = note
    moved = session.execute(
        update(Referral)
        .where(Referral.id == referral_id, Referral.version == version,
               Referral.state == current.value)
        .values(**values).execution_options(synchronize_session=False))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise _lost_race(referral_id, current)
    session.refresh(referral)
    audit(session, actor, AuditAction.update, "referral", referral_id, now=now,
          reason=f"{current.value}->{target.value}")
    return referral


def _lost_race(referral_id: int, seen: ReferralState) -> Conflict:
    return Conflict(
        f"Referral {referral_id} changed after it was read (it was {seen.label_en}); reload "
        "it and answer again if still needed.",
        f"ارجاع {referral_id} پس از خواندن تغییر کرد (پیش‌تر {seen.label_fa} بود)؛ آن را "
        "دوباره بارگذاری کنید و اگر هنوز لازم است دوباره پاسخ دهید.",
        referral_id=referral_id, reason="version")


def _view(referral: Referral, agency_code: str) -> ReferralView:
    return ReferralView(
        id=str(referral.id), agency_code=agency_code, state=S(referral.state),
        urgency=RiskLevel(referral.urgency), requested_at=as_utc(referral.requested_at),
        kind=HandoverKind(referral.kind), consent=ConsentStatus(referral.consent),
        escalated_at=as_utc(referral.escalated_at) if referral.escalated_at else None)


def escalate_overdue(session: Session, *, now: datetime) -> int:
    """Alert the shift supervisor to referrals still waiting for the partner's decision at
    their deadline: ``escalated_at`` set and an audit entry; once each. How many now."""
    now = to_utc(now)
    due = session.execute(
        select(Referral, Agency.code).join(Agency, Agency.id == Referral.agency_id)
        .where(Referral.state.in_(AWAITING), Referral.escalated_at.is_(None),
               Referral.ack_due_at <= now)
        .order_by(Referral.ack_due_at, Referral.id)).all()
    entries = []
    for referral, code in due:
        if not escalation_due(_view(referral, code), now=now):
            continue
        won = session.execute(
            update(Referral)
            .where(Referral.id == referral.id, Referral.escalated_at.is_(None),
                   Referral.state == referral.state)
            .values(escalated_at=now, updated_at=now)
            .execution_options(synchronize_session=False))
        session.expire(referral)
        if won.rowcount == 1:  # type: ignore[attr-defined]
            entries.append(Entry(None, AuditAction.update, "referral", str(referral.id),
                                 f"escalated: {code} did not decide by the deadline"))
    append_many(session, now=now, entries=entries)
    return len(entries)


# --- the partner's side -------------------------------------------------------------------

def _agency_ids(session: Session, actor: Actor) -> list[int]:
    return [a.id for a in agencies_of(session, actor)]


def partner_referrals(session: Session, *, actor: Actor, base_url: str,
                      now: datetime) -> list[PartnerReferralPublic]:
    """Open referrals addressed to the actor's agencies, the earliest deadline first; the
    partner's read of each goes on the audit chain."""
    records = referrals_for_agency(session, agency_ids=_agency_ids(session, actor))
    append_many(session, now=now, entries=[
        Entry(actor, AuditAction.read, "referral", str(record.referral.id), "partner")
        for record in records])
    return [partner_referral_public(session, record, base_url) for record in records]


def partner_referral(session: Session, *, referral_id: int, actor: Actor, base_url: str,
                     now: datetime) -> PartnerReferralPublic:
    """One referral addressed to the actor's agencies (NotFound for any other); audited."""
    referral = get_referral(session, referral_id=referral_id,
                            agency_ids=_agency_ids(session, actor))
    audit(session, actor, AuditAction.read, "referral", referral_id, now=now, reason="partner")
    return partner_referral_public(session, record_of(session, referral), base_url)


def partner_answer(
    session: Session, *, referral_id: int, target: ReferralState, reference: str | None,
    note: str | None, version: int | None, actor: Actor, base_url: str, now: datetime,
) -> PartnerReferralPublic:
    """A partner's acknowledgement or answer to a referral addressed to its agencies."""
    referral = partner_move(session, referral_id=referral_id, target=target,
                            reference=reference, note=note, version=version, actor=actor,
                            now=now)
    return partner_referral_public(session, record_of(session, referral), base_url)


def partner_move(
    session: Session, *, referral_id: int, target: ReferralState, reference: str | None,
    note: str | None, version: int | None, actor: Actor, now: datetime,
) -> Referral:
    """Move a referral addressed to the actor's agencies (NotFound for any other): the
    partner API's answer and the partner inbox's buttons are this one use case."""
    return move_referral(
        session, referral_id=referral_id, target=target, partner_reference=reference,
        note=note, expected_version=version, agency_ids=_agency_ids(session, actor),
        actor=actor, now=now)


# --- hand-overs from partners ---------------------------------------------------------------

def partner_handover(session: Session, *, payload: HandoverIn, context: RoutingContext,
                     actor: Actor, now: datetime) -> HandoverReceipt:
    """A partner hands a case over: from the agency it names (or its only one), as a
    contact routed like any other; the receipt says whether it is new."""
    agency = handing_agency(session, actor=actor, agency_code=payload.agency_code)
    contact, created = handover_in(session, agency=agency, payload=payload, context=context,
                                   actor=actor, now=now)
    return handover_receipt(contact, created)


def handing_agency(session: Session, *, actor: Actor, agency_code: str | None) -> Agency:
    """Which of the actor's agencies hands a case over: the one named, or the only one."""
    mine = agencies_of(session, actor)
    chosen = [a for a in mine if agency_code in (None, a.code)]
    if len(chosen) == 1:
        return chosen[0]
    shown = 10
    codes = ", ".join(a.code for a in mine[:shown]) + (" …" if len(mine) > shown else "")
    codes = codes or "none"
    named_en = f"{agency_code!r} is not one of your agencies" if agency_code else (
        "Say which of your agencies hands this over")
    named_fa = f"{agency_code!r} از سازمان‌های شما نیست" if agency_code else (
        "بگویید کدام سازمان شما این را می‌سپارد")
    raise InvalidInput(
        f"{named_en} (agency_code); yours: {codes}. With none, ask Panah's administrators "
        "to link your account to the directory.",
        f"{named_fa} (agency_code)؛ سازمان‌های شما: {codes}. اگر هیچ‌کدام نیست، از مدیران "
        "پناه بخواهید حساب شما را به فهرست سازمان‌ها پیوند دهند.",
        field="agency_code", agencies=[a.code for a in mine])


def _fixes(payload: HandoverIn, agency: Agency) -> list[LocationFix]:
    """The partner's point as a *named place*: a place someone other than a handset or the
    phone network gave and located; the closest honest source of the location chain."""
    detail = f"partner:{agency.code}"
    at = payload.located_at  # UTC: HandoverIn makes it so
    if payload.location is not None:
        point = payload.location
        return [LocationFix(LocationSource.named_place, point.lat, point.lon, point.radius_m,
                            at=at, detail=detail)]
    if payload.province_code is not None:
        return [LocationFix(LocationSource.named_place, province_code=payload.province_code,
                            at=at, detail=detail)]
    return []


def _check_province(session: Session, code: str | None) -> None:
    if code is not None and session.get(Province, code) is None:
        raise InvalidInput(
            f"There is no province {code!r}; send an ISO 3166-2:IR code such as IR-02, or "
            "the point.",
            f"استانی با کد {code!r} نیست؛ کدی مانند IR-02 یا نقطهٔ مکان را بفرستید.",
            field="province_code")


def handover_in(
    session: Session, *, agency: Agency, payload: HandoverIn, context: RoutingContext,
    actor: Actor | None, now: datetime,
) -> tuple[Contact, bool]:
    """A partner's hand-over as a contact of the partner channel, routed like any other;
    the same partner reference again is the same contact (``created`` False)."""
    now = to_utc(now)
    _check_province(session, payload.province_code)
    external_id = f"{agency.code}:{payload.reference}"
    found = find_contact(session, Channel.partner, external_id)
    if found is not None:
        return found, False
    new = NewContact(channel=Channel.partner, external_id=external_id,
                     caller=to_e164(payload.phone) if payload.phone else None,
                     fixes=_fixes(payload, agency), risk=payload.urgency,
                     summary=payload.description)
    try:
        with session.begin_nested():  # the same hand-over, twice at once: one contact
            contact = open_contact(session, new=new, context=context, now=now, actor=actor)
    except IntegrityError:
        again = find_contact(session, Channel.partner, external_id)
        if again is None:
            raise
        return again, False
    if payload.category is not None:
        session.add(ContactCategory(contact_id=contact.id, code=payload.category.value, seq=0))
    return contact, True
