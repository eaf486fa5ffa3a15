"""The case file's rules (issue 16): when an open case is flagged (pure; ``now`` passed in).

- ``unassigned``: no lead worker 3 h after opening (1 h when the risk is high or immediate);
- ``no_contact``: nothing in touch with the client for 14 days (since the last contact, else
  since opening);
- ``plan_overdue``: the plan's own rules say so (the workflow part answers it as a fact).

A closed case has no flags. Each time-based rule also says when it falls due, so a list can
show "in 40 min" before it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class FlagCode(StrEnum):
    unassigned = "unassigned"
    no_contact = "no_contact"
    plan_overdue = "plan_overdue"


UNASSIGNED_AFTER = timedelta(hours=3)
UNASSIGNED_AFTER_HIGH_RISK = timedelta(hours=1)
NO_CONTACT_AFTER = timedelta(days=14)
HIGH_RISKS = frozenset({"high", "immediate"})
# How long a raised flag may stand before the supervisors are told. Zero for every rule:
# each rule already carries its own grace (3 h, 1 h, 14 days, the plan's due date).
ESCALATE_AFTER: dict[FlagCode, timedelta] = {code: timedelta(0) for code in FlagCode}
CLOSED = frozenset({"closed"})


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the rules look at, read from the case file (and the plan, for plan_overdue)."""

    case_id: int
    status: str
    opened_at: datetime
    risk: str | None = None
    lead_user_id: int | None = None
    last_contact_at: datetime | None = None
    plan_overdue: bool = False


@dataclass(frozen=True, slots=True)
class Flag:
    code: FlagCode
    due_at: datetime  # when the rule's time ran out (or runs out, for an upcoming flag)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def unassigned_after(risk: str | None) -> timedelta:
    """How long a case may wait for its lead worker: 1 h at high or immediate risk, else 3 h."""
    return UNASSIGNED_AFTER_HIGH_RISK if risk in HIGH_RISKS else UNASSIGNED_AFTER


def due_times(facts: CaseFacts) -> dict[FlagCode, datetime]:
    """When each time-based rule falls due for this case (the rules that can fall due)."""
    if facts.status in CLOSED:
        return {}
    due: dict[FlagCode, datetime] = {}
    if facts.lead_user_id is None:
        due[FlagCode.unassigned] = _utc(facts.opened_at) + unassigned_after(facts.risk)
    touched = facts.last_contact_at or facts.opened_at
    due[FlagCode.no_contact] = _utc(touched) + NO_CONTACT_AFTER
    return due


def flags(facts: CaseFacts, now: datetime) -> list[Flag]:
    """The flags raised on the case at ``now``."""
    if facts.status in CLOSED:
        return []
    raised = [Flag(code, at) for code, at in due_times(facts).items() if at <= now]
    if facts.plan_overdue:
        raised.append(Flag(FlagCode.plan_overdue, now))
    return raised


def upcoming(facts: CaseFacts, now: datetime) -> list[Flag]:
    """The time-based flags not raised yet, with when they will be (soonest first)."""
    return sorted((Flag(code, at) for code, at in due_times(facts).items() if at > now),
                  key=lambda f: f.due_at)


def escalation_due(code: FlagCode, raised_at: datetime, now: datetime) -> bool:
    """Is a flag raised at ``raised_at`` and still standing to go to the supervisors now?"""
    return _utc(raised_at) + ESCALATE_AFTER[code] <= now


@cache
def iran_time() -> tzinfo:
    """Asia/Tehran (+03:30 all year since 2022, the fallback without tzdata)."""
    try:
        return ZoneInfo("Asia/Tehran")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=3, minutes=30), "IRST")


def iran_day(now: datetime) -> tuple[date, datetime, datetime]:
    """The Iran day ``now`` falls in: the day, and its start and end as UTC moments."""
    day = _utc(now).astimezone(iran_time()).date()
    start = datetime.combine(day, time(0), tzinfo=iran_time()).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=iran_time()).astimezone(UTC)
    return day, start, end
