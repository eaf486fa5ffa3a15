"""Follow-up calls owed after a contact closes, from the risk screens it had.

The rules are data (``RULES``), counted from the moment the contact closed:

* suicide risk (``cssrs_screener``) medium or above → a call within 24 h, again at 72 h
  (the days after a suicidal crisis are the most dangerous; two calls, not one);
* lethality of violence (``lethality_screen``) high or immediate → a call within 24 h;
* child safety (``child_safety_check``) high or immediate → a call within 24 h and at 7 days
  (the first checks the child is safe tonight, the second that the plan held).

Calls that fall due at the same moment are one call, with every reason on it. A follow-up
not done by its due time is overdue, and goes to the shift supervisor once
(``escalated_at`` records it). Protocol ids are plain strings so this module stands apart
from the protocol definitions.

Pure: no database, no clock; times are passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from panah.intake.model import RiskLevel

CSSRS = "cssrs_screener"
LETHALITY = "lethality_screen"
CHILD_SAFETY = "child_safety_check"

HOUR = timedelta(hours=1)


class FollowUpResult(StrEnum):
    """How a follow-up call went."""

    reached = "reached"  # spoke with the person; the note says how they are
    no_answer = "no_answer"
    wrong_number = "wrong_number"
    declined = "declined"  # reached, but they did not want to talk

    @property
    def label_fa(self) -> str:
        return _LABELS_FA[self]


_LABELS_FA = {
    FollowUpResult.reached: "با فرد صحبت شد",
    FollowUpResult.no_answer: "پاسخ نداد",
    FollowUpResult.wrong_number: "شماره اشتباه بود",
    FollowUpResult.declined: "نخواست صحبت کند",
}


@dataclass(frozen=True, slots=True)
class FollowUpRule:
    """A screen of ``protocol_id`` at ``at_least`` or more urgent owes calls ``after`` close."""

    protocol_id: str
    at_least: RiskLevel
    after: tuple[timedelta, ...]
    reason_en: str
    reason_fa: str

    def applies(self, protocol_id: str, level: RiskLevel) -> bool:
        return protocol_id == self.protocol_id and level.rank <= self.at_least.rank


RULES: tuple[FollowUpRule, ...] = (
    FollowUpRule(CSSRS, RiskLevel.medium, (24 * HOUR, 72 * HOUR),
                 "suicide risk: call within 24 hours and again at 72 hours",
                 "خطر خودکشی: تماس تا ۲۴ ساعت و دوباره در ۷۲ ساعت"),
    FollowUpRule(LETHALITY, RiskLevel.high, (24 * HOUR,),
                 "high lethality of violence: call within 24 hours",
                 "خطر بالای خشونت مرگبار: تماس تا ۲۴ ساعت"),
    FollowUpRule(CHILD_SAFETY, RiskLevel.high, (24 * HOUR, 7 * 24 * HOUR),
                 "child safety: call within 24 hours and at 7 days",
                 "امنیت کودک: تماس تا ۲۴ ساعت و در روز هفتم"),
)


@dataclass(frozen=True, slots=True)
class FollowUpDue:
    """One follow-up call: when it is due and why (every rule that asked for it)."""

    due_at: datetime
    protocol_ids: tuple[str, ...]
    reason_en: str
    reason_fa: str


def plan(
    screens: Sequence[tuple[str, RiskLevel]],
    *,
    closed_at: datetime,
    rules: Sequence[FollowUpRule] = RULES,
) -> list[FollowUpDue]:
    """The follow-up calls a contact closed at ``closed_at`` owes, earliest first; empty when
    no screen calls for one."""
    wanted: dict[datetime, list[FollowUpRule]] = {}
    for protocol_id, level in screens:
        for rule in rules:
            if not rule.applies(protocol_id, level):
                continue
            for after in rule.after:
                reasons = wanted.setdefault(closed_at + after, [])
                if rule not in reasons:
                    reasons.append(rule)
    return [_due(at, wanted[at]) for at in sorted(wanted)]


def _due(at: datetime, rules: Sequence[FollowUpRule]) -> FollowUpDue:
    return FollowUpDue(
        due_at=at,
        protocol_ids=tuple(dict.fromkeys(rule.protocol_id for rule in rules)),
        reason_en="; ".join(rule.reason_en for rule in rules),
        reason_fa="؛ ".join(rule.reason_fa for rule in rules),
    )


@dataclass(frozen=True, slots=True)
class FollowUpTask:
    """What the rules need to know of a stored follow-up task."""

    id: str
    due_at: datetime
    done_at: datetime | None = None
    escalated_at: datetime | None = None


def overdue(task: FollowUpTask, *, now: datetime) -> bool:
    """Not done, and its due time has come."""
    return task.done_at is None and now >= task.due_at


def escalation_due(task: FollowUpTask, *, now: datetime) -> bool:
    """Overdue and not yet escalated: the service tells the supervisor and sets
    ``escalated_at``, so each missed follow-up is escalated once."""
    return overdue(task, now=now) and task.escalated_at is None
