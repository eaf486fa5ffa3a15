"""Flags on the write side: one round of the rules over every open case, recorded in
``case_flag`` (raise once, escalate once, clear once). Runs inside the caller's unit of work
(the timer's), never commits.

Idempotent: a flag is raised only where no uncleared row of that (case, flag) exists (and a
partial unique index refuses a second one), escalated by a conditional UPDATE on
``escalated_at IS NULL``, cleared by one on ``cleared_at IS NULL``: two rounds at the same
moment do the work once.

The timer ticks every second, but the rules (hours and days long) are run over the open
cases at most once a minute (``ROUND_EVERY``): :func:`claim_round` takes the minute by a
conditional UPDATE of the one ``case_flag_round`` row (``last_at <= now - 1 min``) and the
round goes on only if that row changed, so several server processes and a restart keep to
once a minute. A flag is therefore raised, escalated or cleared up to a minute late.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from panah.cases.flags.model import CaseFacts, FlagCode, escalation_due, flags
from panah.cases.flags.orm import CaseFlag, CaseFlagRound
from panah.cases.orm import Case
from panah.cases.workflow.queries import overdue_plans
from panah.core import rounds
from panah.core.clock import as_utc
from panah.security.orm import User
from panah.security.roles import Role

# Who is told of an escalated flag: the province's shift supervisors.
ESCALATE_TO = (Role.supervisor.value,)
# The timer's rounds over the open cases: at most one a minute.
ROUND_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Round:
    raised: int = 0
    escalated: int = 0
    cleared: int = 0

    def counts(self) -> dict[str, int]:
        return {"case_flags_raised": self.raised, "case_flags_escalated": self.escalated,
                "case_flags_cleared": self.cleared}


def open_case_facts(session: Session, *, now: datetime,
                    case_ids: list[int] | None = None) -> dict[int, CaseFacts]:
    """The rules' facts of every case not closed (or of ``case_ids``), plan included."""
    query = select(Case.id, Case.status, Case.opened_at, Case.risk, Case.lead_user_id,
                   Case.last_contact_at).where(Case.status != "closed")
    if case_ids is not None:
        query = query.where(Case.id.in_(case_ids))
    rows = session.execute(query).all()
    late = overdue_plans(session, case_ids=[r.id for r in rows], now=now) if rows else set()
    return {r.id: CaseFacts(
        case_id=r.id, status=r.status, opened_at=as_utc(r.opened_at), risk=r.risk,
        lead_user_id=r.lead_user_id,
        last_contact_at=as_utc(r.last_contact_at) if r.last_contact_at else None,
        plan_overdue=r.id in late) for r in rows}


def claim_round(session: Session, *, now: datetime) -> bool:
    """Take this minute's round of the flags (see :mod:`panah.core.rounds`)."""
    return rounds.claim_round(session, CaseFlagRound, now=now, every=ROUND_EVERY)


def run_flags(session: Session, *, now: datetime) -> Round:
    """Raise the flags that now hold, clear those that no longer do, escalate the ones
    standing past their grace to the province's supervisors."""
    facts = open_case_facts(session, now=now)
    holding = {(case_id, f.code.value) for case_id, fact in facts.items()
               for f in flags(fact, now)}
    standing = list(session.scalars(select(CaseFlag).where(CaseFlag.cleared_at.is_(None))))
    recorded = {(row.case_id, row.flag) for row in standing}
    cleared = sum(_clear(session, row.id, now) for row in standing
                  if (row.case_id, row.flag) not in holding)
    fresh = sorted(holding - recorded)
    session.add_all(CaseFlag(case_id=case_id, flag=code, raised_at=now)
                    for case_id, code in fresh)
    session.flush()
    escalated = _escalate(session, now)
    return Round(raised=len(fresh), escalated=escalated, cleared=cleared)


def _clear(session: Session, row_id: int, now: datetime) -> int:
    done = session.execute(update(CaseFlag).where(
        CaseFlag.id == row_id, CaseFlag.cleared_at.is_(None)).values(cleared_at=now))
    return int(done.rowcount)  # type: ignore[attr-defined]


def _escalate(session: Session, now: datetime) -> int:
    waiting = session.execute(
        select(CaseFlag.id, CaseFlag.flag, CaseFlag.raised_at, Case.province_code)
        .join(Case, Case.id == CaseFlag.case_id)
        .where(CaseFlag.cleared_at.is_(None), CaseFlag.escalated_at.is_(None))).all()
    due = [w for w in waiting if escalation_due(FlagCode(w.flag), as_utc(w.raised_at), now)]
    if not due:
        return 0
    told = supervisors_of(session, {w.province_code for w in due})
    escalated = 0
    for row in due:
        done = session.execute(update(CaseFlag).where(
            CaseFlag.id == row.id, CaseFlag.escalated_at.is_(None)).values(
            escalated_at=now,
            escalated_to=",".join(map(str, told[row.province_code]))[:300] or None))
        escalated += int(done.rowcount)  # type: ignore[attr-defined]
    return escalated


def supervisors_of(session: Session, provinces: set[str]) -> dict[str | None, list[int]]:
    """The active supervisors of each province, by id."""
    found: dict[str | None, list[int]] = defaultdict(list)
    for user_id, province in session.execute(
            select(User.id, User.province_code).where(
                User.role.in_(ESCALATE_TO), User.province_code.in_(provinces),
                User.is_active.is_(True), User.disabled_at.is_(None)).order_by(User.id)):
        found[province].append(user_id)
    return found
