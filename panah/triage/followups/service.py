"""Follow-up calls owed after a contact closes: scheduled from its risk screens, listed for
the counsellors of its province, completed once, and escalated once when overdue.

The rules are :mod:`panah.triage.followups.model` (pure); this module stores what they decide.
Completion and escalation are conditional UPDATEs (``… WHERE done_at IS NULL``) with a
row-count check, so two counsellors completing the same call, or two server processes escalating
it, change it once. Every change is audited. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Update, or_, select, update
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.core.errors import Conflict, InvalidInput, NotFound
from panah.intake.model import RiskLevel
from panah.intake.orm import Contact
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.audit_orm import Entry, append_many
from panah.security.policy import Actor
from panah.triage.followups.model import FollowUpResult, escalation_due, plan
from panah.triage.followups.schemas import FollowUpPublic, task_of
from panah.triage.orm import FollowUp

NOTE_MAX = 1000


def schedule_follow_ups(session: Session, *, contact: Contact,
                        screens: Sequence[tuple[str, RiskLevel]], closed_at: datetime,
                        actor: Actor | None) -> list[FollowUp]:
    """Store the follow-up calls the contact's screens call for (none for low risk), earliest
    first, in the contact's province. Calls already stored for the same moment are not
    stored twice, so scheduling again after a re-close adds only what is new."""
    owed = plan([(pid, RiskLevel(level)) for pid, level in screens], closed_at=closed_at)
    stored = {as_utc(at) for at in session.scalars(
        select(FollowUp.due_at).where(FollowUp.contact_id == contact.id))}
    rows = [FollowUp(contact_id=contact.id, province_code=contact.province_code,
                     due_at=due.due_at, reason_en=due.reason_en, reason_fa=due.reason_fa,
                     protocols=",".join(due.protocol_ids), created_at=closed_at)
            for due in owed if due.due_at not in stored]
    if not rows:
        return []
    session.add_all(rows)
    session.flush()
    append_many(session, now=closed_at, entries=[
        Entry(actor, AuditAction.create, "follow_up", str(row.id),
              f"contact {contact.id}: {row.protocols} due {row.due_at.isoformat()}")
        for row in rows])
    return rows


def list_follow_ups(session: Session, *, province_code: str | None,
                    due_before: datetime | None, include_done: bool = False,
                    with_unplaced: bool = False, limit: int = 200) -> list[FollowUp]:
    """Follow-ups of a province (``None``: every province), open ones first by due time (so
    the overdue lead), then, with ``include_done``, done ones latest first.
    ``with_unplaced`` adds those of contacts never placed in a province, which any
    province's counsellors may make (like the national pool's contacts)."""
    query = select(FollowUp)
    if province_code is not None:
        mine = FollowUp.province_code == province_code
        query = query.where(or_(mine, FollowUp.province_code.is_(None)) if with_unplaced
                            else mine)
    if due_before is not None:
        query = query.where(FollowUp.due_at < due_before)
    if not include_done:
        query = query.where(FollowUp.done_at.is_(None))
    rows = list(session.scalars(query.order_by(FollowUp.due_at, FollowUp.id).limit(limit)))
    done = sorted((r for r in rows if r.done_at is not None),
                  key=lambda r: as_utc(cast(datetime, r.done_at)), reverse=True)
    return [r for r in rows if r.done_at is None] + done


def follow_up(session: Session, follow_up_id: int) -> FollowUp:
    row = session.get(FollowUp, follow_up_id)
    if row is None:
        raise NotFound(f"There is no follow-up {follow_up_id}.",
                       f"پیگیری‌ای با شمارهٔ {follow_up_id} نیست.")
    return row


def complete_follow_up(session: Session, *, follow_up_id: int, result: FollowUpResult,
                       note: str | None, actor: Actor, now: datetime) -> FollowUp:
    """Record that the call was made and how it went. Done once: a second completion (a
    colleague was quicker, or the form was sent twice) is a 409."""
    note = _check_note(note)
    result = FollowUpResult(result)
    row = follow_up(session, follow_up_id)
    changed = _execute(session, update(FollowUp)
                       .where(FollowUp.id == follow_up_id, FollowUp.done_at.is_(None))
                       .values(done_at=now, done_by=actor.user_id, result=result.value,
                               note=note))
    if changed != 1:
        raise Conflict("This follow-up is already done; reload the list to see who made the "
                       "call and how it went.",
                       "این پیگیری پیش‌تر انجام شده است؛ فهرست را دوباره بارگذاری کنید تا "
                       "ببینید چه کسی تماس گرفت و نتیجه چه بود.", follow_up_id=follow_up_id)
    session.refresh(row)
    audit(session, actor, AuditAction.update, "follow_up", follow_up_id, now=now,
          reason=f"done: {result.value}")
    return row


def follow_up_done(session: Session, *, follow_up_id: int, result: FollowUpResult,
                   note: str | None, actor: Actor, now: datetime) -> FollowUpPublic:
    """:func:`complete_follow_up`, answered as the API shows a follow-up."""
    row = complete_follow_up(session, follow_up_id=follow_up_id, result=result, note=note,
                             actor=actor, now=now)
    return FollowUpPublic.of(row, now=now)


def escalate_overdue(session: Session, *, now: datetime) -> int:
    """Escalate every follow-up not done by its due time to the shift supervisor, once each
    (``escalated_at`` set, audited). Returns how many were escalated now."""
    candidates = session.scalars(select(FollowUp).where(
        FollowUp.done_at.is_(None), FollowUp.escalated_at.is_(None),
        FollowUp.due_at <= now).order_by(FollowUp.due_at, FollowUp.id)).all()
    escalated = []
    for row in candidates:
        if not escalation_due(task_of(row), now=now):
            continue
        changed = _execute(session, update(FollowUp).where(
            FollowUp.id == row.id, FollowUp.done_at.is_(None),
            FollowUp.escalated_at.is_(None)).values(escalated_at=now))
        if changed == 1:
            escalated.append(row)
    if escalated:
        append_many(session, now=now, entries=[
            Entry(None, AuditAction.update, "follow_up", str(row.id),
                  "overdue: escalated to the shift supervisor") for row in escalated])
        for row in escalated:
            session.refresh(row)
    return len(escalated)


def _execute(session: Session, statement: Update) -> int:
    found = cast(CursorResult[Any], session.execute(
        statement.execution_options(synchronize_session=False)))
    return found.rowcount


def _check_note(note: str | None) -> str | None:
    note = " ".join((note or "").split()) or None
    if note is not None and len(note) > NOTE_MAX:
        raise InvalidInput(f"Keep the note under {NOTE_MAX} characters.",
                           f"یادداشت را کوتاه‌تر از {NOTE_MAX} نویسه بنویسید.", field="note")
    return note
