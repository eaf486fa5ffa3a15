"""Referral use cases: refer a contact to a partner agency, track it until the agency has
taken it, escalate a late one, and turn a partner's hand-over into a contact.

Each runs inside the caller's unit of work and never commits; ``now`` is passed in (UTC).
A move is a conditional UPDATE on (id, version, state), so of two simultaneous answers
exactly one wins and the other gets a Conflict saying what happened. Escalation is a
conditional UPDATE on ``escalated_at IS NULL``: it happens once, however many tickers run.
The rules themselves are pure, in :mod:`panah.triage.referrals.model`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, case, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.core.errors import Conflict, InvalidInput, NotFound
from panah.geo.orm import Province
from panah.intake.model import Channel, LocationFix, LocationSource, RiskLevel
from panah.intake.orm import Contact
from panah.intake.routing.phones import to_e164
from panah.intake.service import NewContact, find_contact, open_contact
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.audit_orm import Entry, append_many
from panah.security.policy import Actor, Resource, decide
from panah.security.roles import Permission
from panah.triage.orm import Agency, ContactCategory, Referral
from panah.triage.referrals.model import (
    AWAITING_DECISION,
    ConsentStatus,
    HandoverKind,
    ReferralState,
    ReferralView,
    ack_deadline,
    check_consent,
    check_move,
    escalation_due,
)
from panah.triage.referrals.schemas import HandoverIn
from panah.triage.taxonomy import check_categories

S = ReferralState
OPEN_STATES = frozenset({S.requested, S.received, S.accepted, S.in_progress})
_AWAITING = [s.value for s in AWAITING_DECISION]


@dataclass(frozen=True, slots=True)
class ReferralRecord:
    """A referral with what a list shows beside it: its agency and its contact's province."""

    referral: Referral
    agency: Agency
    province_code: str | None

    def overdue(self, now: datetime) -> bool:
        return (self.referral.state in _AWAITING
                and _utc(now) >= as_utc(self.referral.ack_due_at))


def _utc(now: datetime) -> datetime:
    # SQLite stores times without their zone: every stored time must be UTC.
    return now.astimezone(UTC)


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
    now = _utc(now)
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


def get_referral(session: Session, *, referral_id: int,
                 agency_ids: Collection[int] | None = None) -> Referral:
    """The referral; a partner (``agency_ids``) finds only those addressed to its agencies,
    and the same 404 for any other, so it learns nothing of another agency's work."""
    referral = session.get(Referral, referral_id)
    if referral is None or (agency_ids is not None and referral.agency_id not in agency_ids):
        raise NotFound(f"There is no referral {referral_id} for you.",
                       f"ارجاعی با شمارهٔ {referral_id} برای شما نیست.",
                       referral_id=referral_id)
    return referral


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
    now = _utc(now)
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
    now = _utc(now)
    due = session.execute(
        select(Referral, Agency.code).join(Agency, Agency.id == Referral.agency_id)
        .where(Referral.state.in_(_AWAITING), Referral.escalated_at.is_(None),
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


# --- reads ----------------------------------------------------------------------------------

def _records(session: Session, *conditions: object, order: Sequence[object],
             limit: int | None = None) -> list[ReferralRecord]:
    query = (select(Referral, Agency, Contact.province_code)
             .join(Agency, Agency.id == Referral.agency_id)
             .join(Contact, Contact.id == Referral.contact_id)
             .where(*conditions).order_by(*order).limit(limit))  # type: ignore[arg-type]
    return [ReferralRecord(r, a, p) for r, a, p in session.execute(query)]


def record_of(session: Session, referral: Referral) -> ReferralRecord:
    contact = session.get_one(Contact, referral.contact_id)
    return ReferralRecord(referral, session.get_one(Agency, referral.agency_id),
                          contact.province_code)


def list_referrals(
    session: Session, *, province_code: str | None, states: Collection[ReferralState] = (),
    now: datetime, limit: int = 100,
) -> list[ReferralRecord]:
    """The supervisor's view: escalated first, then overdue, then the newest; of one
    province's contacts (``None``: every province)."""
    now = _utc(now)
    awaiting = Referral.state.in_(_AWAITING)
    rank = case((and_(awaiting, Referral.escalated_at.is_not(None)), 0),
                (and_(awaiting, Referral.ack_due_at <= now), 1), else_=2)
    conditions = []
    if province_code is not None:
        conditions.append(Contact.province_code == province_code)
    if states:
        conditions.append(Referral.state.in_([s.value for s in states]))
    return _records(session, *conditions, limit=limit,
                    order=(rank, Referral.requested_at.desc(), Referral.id.desc()))


def referrals_for_agency(
    session: Session, *, agency_ids: Collection[int],
    states: Collection[ReferralState] = OPEN_STATES,
) -> list[ReferralRecord]:
    """Referrals addressed to these agencies, the earliest deadline first."""
    if not agency_ids:
        return []
    return _records(session, Referral.agency_id.in_(list(agency_ids)),
                    Referral.state.in_([s.value for s in states]),
                    order=(Referral.ack_due_at, Referral.id))


def agencies_of(session: Session, actor: Actor) -> list[Agency]:
    """The active directory agencies whose machine account ``actor`` is, within the reach
    of the key it came with (its province, or the nation)."""
    rows = session.scalars(select(Agency).where(Agency.user_id == actor.user_id,
                                                Agency.active.is_(True)).order_by(Agency.code))
    return [a for a in rows
            if decide(actor, Permission.partner_api, Resource("agency", a.province_code))]


# --- hand-overs from partners ---------------------------------------------------------------

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
    session: Session, *, agency: Agency, payload: HandoverIn, context: object,
    actor: Actor | None, now: datetime,
) -> tuple[Contact, bool]:
    """A partner's hand-over as a contact of the partner channel, routed like any other;
    the same partner reference again is the same contact (``created`` False)."""
    now = _utc(now)
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


def handed_over_by(session: Session, *, contact_id: int,
                   agencies: Sequence[Agency]) -> tuple[Contact, str]:
    """A contact one of ``agencies`` handed over, with the partner's reference; else 404."""
    contact = session.get(Contact, contact_id)
    if contact is not None and contact.channel == Channel.partner.value:
        for agency in agencies:
            prefix = f"{agency.code}:"
            if (contact.external_id or "").startswith(prefix):
                return contact, (contact.external_id or "").removeprefix(prefix)
    raise NotFound(f"You handed over no contact {contact_id}.",
                   f"شما تماسی با شمارهٔ {contact_id} نسپرده‌اید.", contact_id=contact_id)
