"""Transfers between provinces and consent records (issue 16): read side.

The inbox shows both provinces a summary of the case (category, risk, the reason, the
sending province), never its notes: the receiving side reads the file once it has it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case as when
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from panah.cases.consent.orm import ConsentRecord
from panah.cases.consent.queries import client_consents, consent_items, recipient_names
from panah.cases.consent.schemas import ConsentPublic
from panah.cases.orm import Case
from panah.cases.thread.items import TimelineItem
from panah.cases.transfers.model import TransferState
from panah.cases.transfers.orm import CaseTransfer
from panah.cases.transfers.schemas import TransferPublic
from panah.core.clock import as_utc
from panah.geo.orm import Province
from panah.security.access import users_of
from panah.security.audit import AuditAction
from panah.security.audit_orm import Entry, append_many
from panah.security.orm import User
from panah.security.policy import Actor, Resource, is_allowed
from panah.security.roles import Permission, Role
from panah.triage.orm import Agency

S = TransferState


def transfer_resource(session: Session, transfer_id: int) -> Resource | None:
    """A transfer row belongs to both provinces: the sending and the receiving one's roles
    reach it (the case itself keeps its own need-to-know)."""
    row = session.get(CaseTransfer, transfer_id)
    if row is None:
        return None
    return Resource("transfer", province_code=row.to_province,
                    offered_to=frozenset({row.from_province, row.to_province}))


def transfer_public(session: Session, row: CaseTransfer, *, actor: Actor,
                    users: dict[int, User] | None = None) -> TransferPublic:
    case = session.get_one(Case, row.case_id)
    if users is None:
        users = users_of(session, {u for u in (row.requested_by, row.decided_by) if u})
    withdrawn = False
    if row.consent_id is not None:
        withdrawn = session.scalar(select(ConsentRecord.withdrawn_at).where(
            ConsentRecord.id == row.consent_id)) is not None
    state = S(row.state)
    sender, receiver = (session.get_one(Province, row.from_province),
                        session.get_one(Province, row.to_province))
    requester = users.get(row.requested_by) if row.requested_by else None
    decider = users.get(row.decided_by) if row.decided_by else None
    return TransferPublic(
        id=row.id, case_id=row.case_id,
        reference=case.reference, category=case.category,
        risk=case.risk, from_province=row.from_province, to_province=row.to_province,
        from_name_fa=sender.name_fa, from_name_en=sender.name_en, to_name_fa=receiver.name_fa,
        to_name_en=receiver.name_en,
        reason=row.reason, state=state, state_fa=state.label_fa, consent_id=row.consent_id,
        consent_withdrawn=withdrawn, override_used=row.override_reason is not None,
        requested_at=as_utc(row.requested_at),
        requested_by=requester.full_name if requester else None,
        decided_at=as_utc(row.decided_at) if row.decided_at else None,
        decided_by=decider.full_name if decider else None, decline_reason=row.decline_reason,
        direction="incoming" if actor.province_code == row.to_province else "outgoing")


def transfer_inbox(session: Session, *, actor: Actor, now: datetime) -> list[TransferPublic]:
    """Transfers into and out of the actor's province: waiting ones first, then the newest.
    Each summary read goes on the audit chain."""
    province = actor.province_code
    if province is None:
        return []
    rows = list(session.scalars(
        select(CaseTransfer)
        .where(or_(CaseTransfer.to_province == province, CaseTransfer.from_province == province))
        .order_by(when((CaseTransfer.state == S.requested.value, 0), else_=1),
                  CaseTransfer.requested_at.desc(), CaseTransfer.id.desc()).limit(200)))
    users = users_of(session, {u for r in rows for u in (r.requested_by, r.decided_by) if u})
    append_many(session, now=now, entries=[
        Entry(actor, AuditAction.read, "transfer", str(r.id), "inbox") for r in rows])
    return [transfer_public(session, r, actor=actor, users=users) for r in rows]


@dataclass(frozen=True, slots=True)
class ProvinceChoice:
    code: str
    name_fa: str
    name_en: str


@dataclass(frozen=True, slots=True)
class TransferPanel:
    """The case page's transfers and consent panel."""

    case_id: int
    province_code: str
    consents: list[ConsentPublic]
    transfers: list[TransferPublic]
    pending: TransferPublic | None
    provinces: list[ProvinceChoice]
    agencies: list[ProvinceChoice]  # (code, names) of the directory's active agencies
    can_transfer: bool
    can_edit: bool


def case_transfers(session: Session, *, actor: Actor, case_id: int) -> list[TransferPublic]:
    rows = list(session.scalars(select(CaseTransfer).where(CaseTransfer.case_id == case_id)
                                .order_by(CaseTransfer.requested_at.desc(),
                                          CaseTransfer.id.desc())))
    users = users_of(session, {u for r in rows for u in (r.requested_by, r.decided_by) if u})
    return [transfer_public(session, r, actor=actor, users=users) for r in rows]


def case_panel(session: Session, *, actor: Actor, case_id: int, now: datetime) -> TransferPanel:
    """What this part shows on the case page: consents, transfers, and the forms."""
    case = session.get_one(Case, case_id)
    transfers = case_transfers(session, actor=actor, case_id=case_id)
    pending = next((t for t in transfers if t.state is S.requested), None)
    provinces = [ProvinceChoice(p.code, p.name_fa, p.name_en) for p in session.scalars(
        select(Province).where(Province.code != case.province_code).order_by(Province.code))]
    return TransferPanel(
        case_id=case_id, province_code=case.province_code,
        consents=client_consents(session, case_id=case_id, now=now), transfers=transfers,
        pending=pending, provinces=provinces, agencies=_agencies(session, case.province_code),
        can_transfer=is_allowed(actor, Permission.transfer_case) and pending is None
        and case.status != "closed",
        can_edit=is_allowed(actor, Permission.edit_case))


def _agencies(session: Session, province: str) -> list[ProvinceChoice]:
    """The partner agencies a case of ``province`` may be referred to: its own and the
    national ones (the 1480 line)."""
    return [ProvinceChoice(a.code, a.name_fa, a.name_en) for a in session.scalars(
        select(Agency).where(Agency.active.is_(True),
                             or_(Agency.province_code == province,
                                 Agency.province_code.is_(None)))
        .order_by(Agency.province_code.is_(None).desc(), Agency.code))]


def timeline_items(session: Session, *, actor: Actor, case_id: int,
                   now: datetime) -> list[TimelineItem]:
    """Consent given and withdrawn; transfers requested, accepted, declined, cancelled."""
    items = consent_items(session, case_id=case_id, now=now)
    rows = list(session.scalars(select(CaseTransfer).where(CaseTransfer.case_id == case_id)))
    users = users_of(session, {u for r in rows for u in (r.requested_by, r.decided_by) if u})
    names = recipient_names(session, {p for r in rows for p in (r.from_province, r.to_province)})
    for r in rows:
        facts = (("transfers.from", names.get(r.from_province, r.from_province)),
                 ("transfers.to", names.get(r.to_province, r.to_province)))
        asker = users.get(r.requested_by) if r.requested_by else None
        items.append(TimelineItem(at=as_utc(r.requested_at), kind="transfer",
                                  label_key="timeline.transfer_requested", text=r.reason,
                                  actor=asker.full_name if asker else None, facts=facts))
        if r.decided_at is not None and r.state != S.requested.value:
            decider = users.get(r.decided_by) if r.decided_by else None
            items.append(TimelineItem(
                at=as_utc(r.decided_at), kind="transfer",
                label_key=f"timeline.transfer_{r.state}", text=r.decline_reason or "",
                actor=decider.full_name if decider else None, facts=facts))
    return items


@dataclass(frozen=True, slots=True)
class StaffChoice:
    user_id: int
    full_name: str
    role: str


@dataclass(frozen=True, slots=True)
class TransferInbox:
    """The inbox page: transfers in and out, and who may lead a received case."""

    transfers: list[TransferPublic]
    staff: list[StaffChoice]
    me: int


def inbox_page(session: Session, *, actor: Actor, now: datetime) -> TransferInbox:
    staff = [StaffChoice(u.id, u.full_name, u.role) for u in session.scalars(
        select(User).where(User.province_code == actor.province_code, User.is_active.is_(True))
        .order_by(User.full_name))
        if actor.province_code and is_allowed(Actor(u.id, u.username, Role(u.role)),
                                              Permission.edit_case)]
    return TransferInbox(transfers=transfer_inbox(session, actor=actor, now=now), staff=staff,
                         me=actor.user_id)
