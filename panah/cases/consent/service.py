"""Consent use cases: record, withdraw, and the gate every act from a case passes.

Each runs inside the caller's unit of work and never commits. The rule is pure
(:mod:`panah.cases.consent.model`); here it meets the stored records and the audit log.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from panah.cases.consent import model
from panah.cases.consent.model import Act, ConsentPurpose, ConsentView
from panah.cases.consent.orm import ConsentRecord
from panah.cases.consent.queries import consent_public
from panah.cases.consent.schemas import ConsentCreate, ConsentPublic
from panah.cases.orm import Case
from panah.core.clock import as_utc
from panah.core.errors import Conflict, InvalidInput, NotFound
from panah.intake.model import RiskLevel
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.policy import Actor


def view_of(record: ConsentRecord) -> ConsentView:
    return ConsentView(id=record.id, purpose=ConsentPurpose(record.purpose),
                       recipient=record.recipient, given_at=as_utc(record.given_at),
                       withdrawn_at=as_utc(record.withdrawn_at) if record.withdrawn_at else None)


def case_of(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"There is no case {case_id}.", f"پرونده‌ای با شمارهٔ {case_id} نیست.")
    return case


def record_consent(session: Session, *, actor: Actor, case_id: int, data: ConsentCreate,
                   now: datetime) -> ConsentPublic:
    """Record what the case's client agreed to (the note stored encrypted; audited)."""
    case = case_of(session, case_id)
    given_at = as_utc(data.given_at) if data.given_at is not None else now
    if given_at > now:
        raise InvalidInput("Consent is recorded once given: the time is in the future.",
                           "رضایت پس از داده‌شدن ثبت می‌شود: زمان در آینده است.",
                           field="given_at")
    record = ConsentRecord(
        client_id=case.client_id, case_id=case.id, purpose=data.purpose.value,
        recipient=model.check_recipient(data.purpose, data.recipient),
        scope=" ".join(data.scope.split()) or "summary", given_at=given_at,
        method=data.method.value, recorded_by=actor.user_id, recorded_at=now,
        note=(data.note or "").strip() or None)
    session.add(record)
    session.flush()
    audit(session, actor, AuditAction.create, "consent", record.id, now=now,
          reason=f"case={case.id} {record.purpose} to {record.recipient}")
    return consent_public(session, record, now)


def withdraw_consent(session: Session, *, actor: Actor, consent_id: int,
                     now: datetime) -> ConsentPublic:
    """The client withdraws a consent: future acts under it stop (a pending transfer under
    it can no longer be accepted). Once; audited."""
    record = session.get(ConsentRecord, consent_id)
    if record is None:
        raise NotFound(f"There is no consent record {consent_id}.",
                       f"رضایتی با شمارهٔ {consent_id} ثبت نشده است.")
    model.check_withdrawal(view_of(record), now=now)
    won = session.execute(
        update(ConsentRecord)
        .where(ConsentRecord.id == consent_id, ConsentRecord.withdrawn_at.is_(None))
        .values(withdrawn_at=now, withdrawn_by=actor.user_id)
        .execution_options(synchronize_session=False))
    if won.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("This consent was withdrawn a moment ago; reload the page.",
                       "این رضایت همین حالا پس گرفته شد؛ صفحه را تازه کنید.",
                       consent_id=consent_id)
    session.refresh(record)
    audit(session, actor, AuditAction.update, "consent", consent_id, now=now,
          reason="withdrawn")
    return consent_public(session, record, now)


def covering_record(session: Session, *, case: Case, purpose: ConsentPurpose,
                    recipient: str, consent_id: int | None,
                    at: datetime) -> ConsentRecord | None:
    """The consent named (of this client), or else the client's latest covering one."""
    if consent_id is not None:
        named = session.get(ConsentRecord, consent_id)
        if named is None or named.client_id != case.client_id:
            raise InvalidInput("That consent record is not this client's; choose one of theirs.",
                               "آن رضایت از آنِ این مددجو نیست؛ یکی از رضایت‌های او را برگزینید.",
                               field="consent_id")
        return named
    records = {r.id: r for r in session.scalars(select(ConsentRecord).where(
        ConsentRecord.client_id == case.client_id, ConsentRecord.purpose == purpose.value))}
    found = model.covering([view_of(r) for r in records.values()], purpose=purpose,
                           recipient=recipient, at=at)
    return records[found.id] if found is not None else None


def gate(session: Session, *, actor: Actor, case: Case, purpose: ConsentPurpose,
         recipient: str, consent_id: int | None, override_reason: str | None, act: Act,
         subject: str, now: datetime, urgency: RiskLevel | None = None,
         ) -> tuple[int | None, str | None]:
    """An act from a case passes here: a covering consent record, or the immediate-danger
    override at the case's risk (or ``urgency``) with its reason (the audit log says it was
    used, not the reason: a reason may name the person). Returns (consent id, override
    reason)."""
    record = covering_record(session, case=case, purpose=purpose, recipient=recipient,
                             consent_id=consent_id, at=now)
    if urgency is None:  # the case's risk; unknown risk never overrides
        urgency = RiskLevel(case.risk) if case.risk else RiskLevel.low
    overridden = model.check_covered(
        view_of(record) if record is not None else None, purpose=purpose,
        recipient=recipient, urgency=urgency, override_reason=override_reason, act=act, at=now)
    if overridden:
        audit(session, actor, AuditAction.update, "case", case.id, now=now,
              reason=f"consent override used for {subject} to {recipient} "
                     f"(risk={urgency.value})")
        return None, " ".join((override_reason or "").split())
    assert record is not None  # noqa: S101 - check_covered passed without an override
    return record.id, None
