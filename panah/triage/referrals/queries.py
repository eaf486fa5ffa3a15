"""Referrals' read side: a referral with its agency, the lists the 123 side and the
partners see, the partner's own agencies, and a partner's hand-overs; and the read models
the referral routes answer with. Reads only: the partner's reads, which are audited, are
use cases in ``service``."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.core.errors import Forbidden, NotFound
from panah.intake.model import Channel
from panah.intake.orm import Contact
from panah.security.policy import Actor, Resource, decide
from panah.security.roles import Permission
from panah.triage.orm import Agency, AgencyStaff, Referral
from panah.triage.referrals.model import AWAITING_DECISION, ReferralState
from panah.triage.referrals.schemas import (
    HandoverStatusPublic,
    ReferralPublic,
    handover_status_public,
    referral_public,
)

S = ReferralState
OPEN_STATES = frozenset({S.requested, S.received, S.accepted, S.in_progress})
AWAITING = [s.value for s in AWAITING_DECISION]


@dataclass(frozen=True, slots=True)
class ReferralRecord:
    """A referral with what a list shows beside it: its agency and its contact's province."""

    referral: Referral
    agency: Agency
    province_code: str | None

    def overdue(self, now: datetime) -> bool:
        return (self.referral.state in AWAITING
                and to_utc(now) >= as_utc(self.referral.ack_due_at))


def to_utc(now: datetime) -> datetime:
    # SQLite stores times without their zone: every stored time must be UTC.
    return now.astimezone(UTC)


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
    now = to_utc(now)
    awaiting = Referral.state.in_(AWAITING)
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
    """The active directory agencies whose machine account ``actor`` is, or whose staff
    (``AgencyStaff``) ``actor`` is one of, within the reach of the key it came with or of
    the person's province (or the nation)."""
    staff = select(AgencyStaff.agency_id).where(AgencyStaff.user_id == actor.user_id)
    rows = session.scalars(select(Agency).where(
        or_(Agency.user_id == actor.user_id, Agency.id.in_(staff)),
        Agency.active.is_(True)).order_by(Agency.code))
    return [a for a in rows
            if decide(actor, Permission.partner_api, Resource("agency", a.province_code))]


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


# --- read models of the routes --------------------------------------------------------------

def referral(session: Session, *, referral_id: int, now: datetime) -> ReferralPublic:
    """One referral: its state, deadline, escalation and the partner's answer."""
    return referral_public(record_of(session, get_referral(session, referral_id=referral_id)),
                           now)


def province_referrals(
    session: Session, *, actor: Actor, province_code: str | None,
    states: Collection[ReferralState], now: datetime, limit: int,
) -> list[ReferralPublic]:
    """Referrals of the actor's province's contacts (or ``province_code``'s, if the actor's
    role reaches it; Forbidden otherwise), as :func:`list_referrals` orders them."""
    province = province_code or actor.province_code
    if not decide(actor, Permission.answer_contacts, Resource("referral", province)):
        raise Forbidden("You see your own province's referrals only.",
                        "شما تنها ارجاع‌های استان خود را می‌بینید.", province_code=province)
    return [referral_public(record, now) for record in list_referrals(
        session, province_code=province, states=states, now=now, limit=limit)]


def handover_status(session: Session, *, actor: Actor, contact_id: int,
                    ) -> HandoverStatusPublic:
    """How far the 123 line has got with a case the actor's agencies handed over."""
    contact, reference = handed_over_by(session, contact_id=contact_id,
                                        agencies=agencies_of(session, actor))
    return handover_status_public(contact, reference)
