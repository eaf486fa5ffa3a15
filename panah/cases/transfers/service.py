"""Transfer use cases: ask, accept, decline, cancel; and a case's referral onward.

Each runs inside the caller's unit of work and never commits. Answers are conditional
UPDATEs: the transfer row on ``state = 'requested'`` and the case on its ``version``, so of
two simultaneous accepts exactly one wins and the other gets a Conflict. On accept the case
row moves (province, centre, lead, team); nothing of its history is copied or deleted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from panah.cases.consent.model import TRANSFER, ConsentPurpose
from panah.cases.consent.orm import ConsentRecord
from panah.cases.consent.service import case_of, gate
from panah.cases.orm import Case, CaseTeamMember
from panah.cases.transfers import model
from panah.cases.transfers.model import Side, TransferState
from panah.cases.transfers.orm import CaseTransfer
from panah.cases.transfers.queries import transfer_public
from panah.cases.transfers.schemas import TransferCreate, TransferPublic
from panah.core.errors import Conflict, InvalidInput, NotFound
from panah.geo.orm import Province
from panah.security.access import audit, users_of
from panah.security.audit import AuditAction
from panah.security.policy import Actor, is_allowed
from panah.security.roles import Permission, Role

S = TransferState


def _pending(session: Session, case_id: int) -> bool:
    return session.scalar(select(CaseTransfer.id).where(
        CaseTransfer.case_id == case_id, CaseTransfer.state == S.requested.value)) is not None


def _claim_case(session: Session, case: Case, values: dict[str, object]) -> None:
    """One conditional UPDATE of the case on the version read: the loser of a race is told."""
    seen = case.version
    won = session.execute(
        update(Case).where(Case.id == case.id, Case.version == seen)
        .values(version=seen + 1, **values).execution_options(synchronize_session=False))
    if won.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("The case changed while you were answering (another transfer or "
                       "answer came first); reload the page.",
                       "پرونده هنگام پاسخ شما تغییر کرد (درخواست یا پاسخ دیگری زودتر رسید)؛ "
                       "صفحه را تازه کنید.", case_id=case.id, reason="version")
    session.expire(case)


def request_transfer(session: Session, *, actor: Actor, case_id: int, data: TransferCreate,
                     now: datetime) -> TransferPublic:
    """Ask the receiving province to take the case: not to its own province, one pending at
    a time, under the client's consent to a transfer there (or the override)."""
    case = case_of(session, case_id)
    if session.get(Province, data.to_province) is None:
        raise InvalidInput(f"There is no province {data.to_province}; choose one from the list.",
                           f"استانی با کد {data.to_province} نیست؛ از فهرست برگزینید.",
                           field="to_province")
    model.check_request(from_province=case.province_code, to_province=data.to_province,
                        pending=_pending(session, case.id), closed=case.status == "closed")
    reason = model.check_reason(data.reason)
    consent_id, override = gate(
        session, actor=actor, case=case, purpose=ConsentPurpose.transfer,
        recipient=data.to_province, consent_id=data.consent_id,
        override_reason=data.override_reason, act=TRANSFER, subject="transfer", now=now)
    team = model.team_text([m.user_id for m in case.team])
    from_province, from_centre = case.province_code, case.centre_id
    _claim_case(session, case, {})  # two requests at once: one wins
    transfer = CaseTransfer(
        case_id=case_id, from_province=from_province, to_province=data.to_province,
        from_centre_id=from_centre, reason=reason, consent_id=consent_id,
        override_reason=override, requested_by=actor.user_id, requested_at=now,
        state=S.requested.value, from_team=team)
    session.add(transfer)
    session.flush()
    audit(session, actor, AuditAction.create, "transfer", transfer.id, now=now,
          reason=f"case={case_id} {from_province}->{data.to_province}")
    return transfer_public(session, transfer, actor=actor)


def _transfer(session: Session, transfer_id: int) -> CaseTransfer:
    transfer = session.get(CaseTransfer, transfer_id)
    if transfer is None:
        raise NotFound(f"There is no transfer {transfer_id}.",
                       f"انتقالی با شمارهٔ {transfer_id} نیست.")
    return transfer


def _answerable(transfer: CaseTransfer, actor: Actor, acting: Side) -> None:
    side = model.side_of(actor.province_code, from_province=transfer.from_province,
                         to_province=transfer.to_province)
    model.check_decision(S(transfer.state), side=side, acting=acting)


def _move(session: Session, transfer: CaseTransfer, target: TransferState,
          values: dict[str, object]) -> None:
    won = session.execute(
        update(CaseTransfer)
        .where(CaseTransfer.id == transfer.id, CaseTransfer.state == S.requested.value)
        .values(state=target.value, **values).execution_options(synchronize_session=False))
    if won.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(transfer)
        state = S(transfer.state)
        raise Conflict(f"This transfer was {state.label_en} a moment ago; reload the page.",
                       f"این انتقال همین حالا {state.label_fa} شد؛ صفحه را تازه کنید.",
                       transfer_id=transfer.id, state=state.value)
    session.refresh(transfer)


def _lead(session: Session, *, actor: Actor, lead_user_id: int | None,
          province: str) -> tuple[int, str, int | None]:
    """The receiving lead worker: one of the receiving province's staff who may work on
    case files (default: the one accepting). (id, role, centre id)."""
    lead_id = lead_user_id or actor.user_id
    user = users_of(session, {lead_id}).get(lead_id)
    if (user is None or not user.is_active or user.province_code != province
            or not is_allowed(Actor(user.id, user.username, Role(user.role)),
                              Permission.edit_case)):
        raise InvalidInput(
            f"The lead worker must be an active case worker of {province}; choose one of "
            "your province's staff.",
            f"مسئول پرونده باید از کارکنان فعال پرونده‌ها در {province} باشد؛ یکی از کارکنان "
            "استان خود را برگزینید.", field="lead_user_id")
    return user.id, user.role, user.centre_id


def accept_transfer(session: Session, *, actor: Actor, transfer_id: int,
                    lead_user_id: int | None, now: datetime) -> TransferPublic:
    """The receiving province takes the case: it moves there with its whole history; the
    receiving lead becomes its team (the sending team is kept on the transfer row)."""
    transfer = _transfer(session, transfer_id)
    _answerable(transfer, actor, Side.receiving)
    consent = session.get(ConsentRecord, transfer.consent_id) if transfer.consent_id else None
    model.check_accept(consent_withdrawn=consent is not None and consent.withdrawn_at is not None)
    lead_id, discipline, centre_id = _lead(session, actor=actor, lead_user_id=lead_user_id,
                                           province=transfer.to_province)
    case = case_of(session, transfer.case_id)
    team = model.team_ids(transfer.from_team) or [m.user_id for m in case.team]
    _move(session, transfer, S.accepted, {
        "decided_by": actor.user_id, "decided_at": now, "accepted_centre_id": centre_id,
        "accepted_lead_id": lead_id, "from_team": model.team_text(team)})
    _claim_case(session, case, {"province_code": transfer.to_province, "centre_id": centre_id,
                                "county_id": None, "lead_user_id": lead_id, "assigned_at": now})
    session.execute(delete(CaseTeamMember).where(CaseTeamMember.case_id == case.id)
                    .execution_options(synchronize_session=False))
    session.add(CaseTeamMember(case_id=case.id, user_id=lead_id, added_at=now,
                               added_by=actor.user_id, discipline=discipline))
    session.flush()
    session.expire(case)
    audit(session, actor, AuditAction.update, "transfer", transfer.id, now=now,
          reason="accepted")
    audit(session, actor, AuditAction.update, "case", case.id, now=now,
          reason=f"transferred {transfer.from_province}->{transfer.to_province}")
    return transfer_public(session, transfer, actor=actor)


def decline_transfer(session: Session, *, actor: Actor, transfer_id: int, reason: str | None,
                     now: datetime) -> TransferPublic:
    """The receiving province declines, saying why; the case stays where it is."""
    transfer = _transfer(session, transfer_id)
    _answerable(transfer, actor, Side.receiving)
    text = model.check_decline(reason)
    _move(session, transfer, S.declined,
          {"decided_by": actor.user_id, "decided_at": now, "decline_reason": text})
    audit(session, actor, AuditAction.update, "transfer", transfer.id, now=now,
          reason="declined")
    return transfer_public(session, transfer, actor=actor)


def cancel_transfer(session: Session, *, actor: Actor, transfer_id: int,
                    now: datetime) -> TransferPublic:
    """The sending province withdraws its request before it is answered."""
    transfer = _transfer(session, transfer_id)
    _answerable(transfer, actor, Side.sending)
    _move(session, transfer, S.cancelled, {"decided_by": actor.user_id, "decided_at": now})
    audit(session, actor, AuditAction.update, "transfer", transfer.id, now=now,
          reason="cancelled")
    return transfer_public(session, transfer, actor=actor)
