"""The partner inbox: what a partner agency's staff see when they sign in (police 110,
EMS 115, a hospital), and what they do there.

The same use cases as the partner API, which stays for systems: the referrals addressed to
the person's agencies (``queries.agencies_of``: the agency's machine account or one of its
staff), read under the same rule (where, what and how urgent; never who: no caller, name,
number or note of the 123 side), each read on the audit chain; an answer is
``service.partner_move``; a hand-over is ``service.partner_handover``. Any other agency's
referral is a 404, as in the API.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.core.errors import InvalidInput
from panah.geo.orm import County
from panah.geo.queries import RegionName, province_names
from panah.intake.model import Channel, RiskLevel
from panah.intake.orm import Contact
from panah.security.audit import AuditAction
from panah.security.audit_orm import Entry, append_many
from panah.security.policy import Actor
from panah.triage.orm import Agency, Referral
from panah.triage.referrals.export import place_of
from panah.triage.referrals.model import (
    HandoverKind,
    ReferralState,
    check_partner_answer,
    partner_moves,
)
from panah.triage.referrals.queries import (
    OPEN_STATES,
    ReferralRecord,
    agencies_of,
    referrals_for_agency,
)
from panah.triage.referrals.service import partner_move
from panah.triage.taxonomy import TAXONOMY, Category, CategoryGroup, in_group

S = ReferralState
FINISHED = frozenset({S.rejected, S.completed, S.cancelled})
FINISHED_SHOWN = 20
HANDOVERS_SHOWN = 20
REFERENCE_MAX = 120  # as the partner API's reference
CATEGORY_CODES = frozenset(c.value for c in Category)
STATE_CODES = frozenset(s.value for s in ReferralState)


@dataclass(frozen=True, slots=True)
class AgencyName:
    code: str
    name_fa: str
    name_en: str
    province_code: str | None
    province_wide: bool  # for the whole province (or nation), not one county


@dataclass(frozen=True, slots=True)
class Where:
    """Where help is needed, as the partner may know it: never a person."""

    province: RegionName | None
    county: RegionName | None
    lat: float | None
    lon: float | None
    radius_m: float | None


@dataclass(frozen=True, slots=True)
class InboxReferral:
    """A referral as the partner's staff see it: the tracking fields, what it is about,
    where and how urgent, and the answers they can give now."""

    id: int
    version: int
    agency: AgencyName
    state: ReferralState
    urgency: RiskLevel
    kind: HandoverKind
    category: str | None
    category_fa: str | None
    category_en: str | None
    where: Where
    requested_at: datetime
    ack_due_at: datetime
    overdue: bool
    escalated: bool
    received_at: datetime | None
    decided_at: datetime | None
    partner_reference: str | None
    partner_note: str | None
    moves: tuple[ReferralState, ...]


@dataclass(frozen=True, slots=True)
class Handover:
    """A case the agency handed to 123, and how far the line has got with it."""

    contact_id: int
    agency_code: str
    reference: str
    handed_at: datetime
    queue: str
    province_code: str | None
    risk: RiskLevel
    answered: bool
    closed: bool


@dataclass(frozen=True, slots=True)
class InboxPage:
    """The inbox: the person's agencies, the open referrals (the earliest deadline first),
    the latest finished ones, the cases they handed over, and the provinces' names."""

    agencies: list[AgencyName]
    open: list[InboxReferral]
    finished: list[InboxReferral]
    handovers: list[Handover]
    provinces: dict[str, RegionName]


def _agency_name(agency: Agency) -> AgencyName:
    return AgencyName(agency.code, agency.name_fa, agency.name_en, agency.province_code,
                      agency.county_key is None)


def _county(session: Session, key: str | None) -> RegionName | None:
    county = session.scalar(select(County).where(County.key == key)) if key else None
    return RegionName(county.key, county.name_fa, county.name_en) if county else None


def _where(session: Session, record: ReferralRecord,
           provinces: dict[str, RegionName]) -> Where:
    place = place_of(session.get_one(Contact, record.referral.contact_id), record.agency)
    return Where(provinces.get(place.province_code), _county(session, place.county_code),
                 place.lat, place.lon, place.radius_m)


def _item(session: Session, record: ReferralRecord, provinces: dict[str, RegionName],
          now: datetime) -> InboxReferral:
    r = record.referral
    state = S(r.state)
    info = TAXONOMY[Category(r.category)] if r.category in CATEGORY_CODES else None
    return InboxReferral(
        id=r.id, version=r.version, agency=_agency_name(record.agency), state=state,
        urgency=RiskLevel(r.urgency), kind=HandoverKind(r.kind), category=r.category,
        category_fa=info.label_fa if info else None, category_en=info.label_en if info else None,
        where=_where(session, record, provinces), requested_at=as_utc(r.requested_at),
        ack_due_at=as_utc(r.ack_due_at), overdue=record.overdue(now),
        escalated=r.escalated_at is not None,
        received_at=as_utc(r.received_at) if r.received_at else None,
        decided_at=as_utc(r.decided_at) if r.decided_at else None,
        partner_reference=r.partner_reference, partner_note=r.partner_note,
        moves=partner_moves(state))


def partner_inbox(session: Session, *, actor: Actor, now: datetime) -> InboxPage:
    """The inbox of ``actor``'s agencies; each referral shown is a partner's read, on the
    audit chain as the API's are."""
    agencies = agencies_of(session, actor)
    ids = [a.id for a in agencies]
    open_records = referrals_for_agency(session, agency_ids=ids, states=OPEN_STATES)
    finished = sorted(referrals_for_agency(session, agency_ids=ids, states=FINISHED),
                      key=lambda rec: (as_utc(rec.referral.updated_at), rec.referral.id),
                      reverse=True)[:FINISHED_SHOWN]
    append_many(session, now=now, entries=[
        Entry(actor, AuditAction.read, "referral", str(rec.referral.id), "partner inbox")
        for rec in [*open_records, *finished]])
    provinces = {p.code: p for p in province_names(session)}
    return InboxPage(
        agencies=[_agency_name(a) for a in agencies],
        open=[_item(session, rec, provinces, now) for rec in open_records],
        finished=[_item(session, rec, provinces, now) for rec in finished],
        handovers=handovers_of(session, agencies=agencies),
        provinces=provinces)


def handovers_of(session: Session, *, agencies: list[Agency],
                 limit: int = HANDOVERS_SHOWN) -> list[Handover]:
    """The latest cases these agencies handed to 123 (a partner-channel contact whose
    reference starts with the agency's code), newest first."""
    if not agencies:
        return []
    prefixes = {f"{a.code}:": a.code for a in agencies}
    rows = session.scalars(
        select(Contact).where(Contact.channel == Channel.partner.value,
                              or_(*[Contact.external_id.startswith(p, autoescape=True)
                                    for p in prefixes]))
        .order_by(Contact.offered_at.desc(), Contact.id.desc()).limit(limit))
    found = []
    for contact in rows:
        external = contact.external_id or ""
        prefix = next(p for p in prefixes if external.startswith(p))
        found.append(Handover(
            contact_id=contact.id, agency_code=prefixes[prefix],
            reference=external.removeprefix(prefix), handed_at=as_utc(contact.offered_at),
            queue=contact.queue, province_code=contact.province_code,
            risk=RiskLevel(contact.risk), answered=contact.answered_at is not None,
            closed=contact.closed_at is not None))
    return found


def answer_referral(
    session: Session, *, actor: Actor, referral_id: int, state: str, version: int | None,
    reference: str | None, note: str | None, now: datetime,
) -> Referral:
    """A button of the inbox: acknowledge, accept, decline (with the reason), started or
    done, for a referral addressed to the actor's agencies (the partner API's move)."""
    if state not in STATE_CODES:
        raise InvalidInput("Choose acknowledge, accept or decline.",
                           "یکی از «دریافت شد»، «می‌پذیریم» یا «نمی‌پذیریم» را برگزینید.",
                           field="state")
    target = S(state)
    text = check_partner_answer(target, note)
    ref = (reference or "").strip() or None
    if ref is not None and len(ref) > REFERENCE_MAX:
        raise InvalidInput(f"Keep your reference under {REFERENCE_MAX} characters.",
                           f"شمارهٔ پرونده‌تان را کوتاه‌تر از {REFERENCE_MAX} نویسه بنویسید.",
                           field="reference")
    return partner_move(session, referral_id=referral_id, target=target, reference=ref,
                        note=text, version=version, actor=actor, now=now)


# --- handing a case to 123 ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class HandoverForm:
    """What the hand-over form offers: the person's agencies (province-wide ones first),
    the provinces (the agency's first chosen), the categories and urgencies, and a fresh
    reference, so sending the same form twice hands the case over once."""

    agencies: list[AgencyName]
    provinces: list[RegionName]
    province_code: str | None
    categories: list[tuple[str, str, str]]  # code, Persian, English
    urgencies: tuple[RiskLevel, ...]
    reference: str


def handover_form(session: Session, *, actor: Actor) -> HandoverForm:
    agencies = sorted(agencies_of(session, actor), key=lambda a: (a.county_key is not None,
                                                                  a.code))
    home = agencies[0].province_code if agencies else None
    rows = [*in_group(CategoryGroup.social_emergency), TAXONOMY[Category.other]]
    return HandoverForm(
        agencies=[_agency_name(a) for a in agencies], provinces=province_names(session),
        province_code=home or actor.province_code,
        categories=[(row.code.value, row.label_fa, row.label_en) for row in rows],
        urgencies=tuple(RiskLevel), reference=f"web-{secrets.token_hex(6)}")
