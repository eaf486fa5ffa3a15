"""The callback work list: contacts lost before anyone answered, to be called back.

An abandoned contact gets a callback task (``service.abandon``) due within 10 minutes for
risk ≥ medium. A counsellor calls and logs each attempt; :func:`after_attempt` (pure, in
``overflow``) decides what the task becomes: done, due again later, or escalated to the
supervisor when the attempts are used up. Each attempt is stored and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.core.errors import Conflict, InvalidInput
from panah.intake.model import ContactState, RiskLevel
from panah.intake.orm import Callback, CallbackAttempt, Contact
from panah.intake.queue.overflow import AttemptOutcome, after_attempt
from panah.intake.service import move
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.policy import Actor, Resource, decide
from panah.security.roles import Permission

NOTE_MAX = 500
OPEN_STATES = ("due", "escalated")


@dataclass(frozen=True, slots=True)
class Attempt:
    at: datetime
    outcome: str
    note: str | None


@dataclass(frozen=True, slots=True)
class CallbackTask:
    contact_id: int
    caller: str | None
    risk: RiskLevel
    channel: str
    province_code: str | None
    abandoned_at: datetime | None
    state: str  # due | escalated | done
    due_at: datetime
    overdue: bool
    attempts: tuple[Attempt, ...]


def _resource(contact: Contact) -> Resource:
    offered = frozenset(q for q in contact.offered_to.split(",") if q)
    return Resource("contact", province_code=contact.province_code, offered_to=offered)


def open_callbacks(session: Session, actor: Actor, now: datetime) -> list[CallbackTask]:
    """The callbacks this actor may make (the same rule as reading the contact), escalated
    ones first, then by due time."""
    rows = session.execute(
        select(Callback, Contact).join(Contact, Contact.id == Callback.contact_id)
        .where(Callback.state.in_(OPEN_STATES)).order_by(Callback.due_at))
    tasks = [_task(session, callback, contact, now) for callback, contact in rows
             if decide(actor, Permission.answer_contacts, _resource(contact))]
    return sorted(tasks, key=lambda t: (t.state != "escalated", t.due_at))


def _task(session: Session, callback: Callback, contact: Contact, now: datetime) -> CallbackTask:
    attempts = session.scalars(select(CallbackAttempt).where(
        CallbackAttempt.callback_id == callback.id).order_by(CallbackAttempt.id))
    due = as_utc(callback.due_at)
    return CallbackTask(
        contact_id=contact.id, caller=contact.caller, risk=RiskLevel(contact.risk),
        channel=contact.channel, province_code=contact.province_code,
        abandoned_at=as_utc(contact.abandoned_at) if contact.abandoned_at else None,
        state=callback.state, due_at=due, overdue=callback.state == "due" and due <= now,
        attempts=tuple(Attempt(as_utc(a.at), a.outcome, a.note) for a in attempts))


def log_attempt(session: Session, *, actor: Actor, contact_id: int, outcome: AttemptOutcome,
                note: str | None, now: datetime) -> CallbackTask:
    """Record one attempt to call back; the task moves on as ``after_attempt`` decides."""
    note = " ".join((note or "").split()) or None
    if note is not None and len(note) > NOTE_MAX:
        raise InvalidInput(f"Keep the note under {NOTE_MAX} characters.",
                           f"یادداشت را کوتاه‌تر از {NOTE_MAX} نویسه بنویسید.", field="note")
    found = session.execute(
        select(Callback, Contact).join(Contact, Contact.id == Callback.contact_id)
        .where(Callback.contact_id == contact_id).with_for_update()).first()
    if found is None:
        raise Conflict("This contact has no callback to make: it was not lost, or it had "
                       "only asked for information.",
                       "این تماس بازتماسی ندارد: از دست نرفته یا فقط اطلاعات خواسته بود.")
    callback, contact = found
    if callback.state not in OPEN_STATES:
        raise Conflict("This callback is already done; reload the list.",
                       "این بازتماس انجام شده است؛ فهرست را دوباره بارگذاری کنید.")
    made = 1 + len(session.scalars(select(CallbackAttempt.id).where(
        CallbackAttempt.callback_id == callback.id)).all())
    session.add(CallbackAttempt(callback_id=callback.id, at=now, by_user=actor.user_id,
                                outcome=outcome.value, note=note))
    decision = after_attempt(outcome, made, RiskLevel(contact.risk), now)
    callback.state = decision.state
    if decision.due_at is not None:
        callback.due_at = decision.due_at
    if decision.state == "done":
        callback.done_at = now
        move(contact, ContactState.callback_done if outcome is AttemptOutcome.reached
             else ContactState.closed, now)
    session.flush()
    audit(session, actor, AuditAction.update, "contact", contact.id, now=now,
          reason=f"callback attempt {made}: {outcome.value}")
    return _task(session, callback, contact, now)
