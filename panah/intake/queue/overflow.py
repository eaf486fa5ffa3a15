"""Overflow to backup centres, and callbacks for contacts that were lost.

**Overflow.** A contact waits on its province's queue. Not answered within the line's
``overflow_after_s`` (default 20 s), it is also offered to the backup queues (the
neighbouring provinces, in order) and the line's overflow partners; not answered within
twice that, to the national pool as well. It stays offered to every queue it reached: the
first counsellor to claim it takes it.

**Callbacks.** An abandoned or missed contact becomes a callback task due within
10 minutes for risk ≥ medium, within 60 minutes for low risk, and none for an
information-only contact (the caller may ring again; a text message says so). A missed
attempt is retried: every 10 minutes up to 3 attempts for risk ≥ medium, every 60 minutes up
to 2 for low risk; then the task goes to the shift supervisor.

Timers are due times computed here and stored by the caller (the database holds them, a
scheduler polls): no sleeping, no threads. Pure: times are passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from panah.intake.model import NATIONAL_QUEUE, RiskLevel, TrailStep
from panah.intake.routing.model import LineConfig


def _dedupe(queues: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(queues))


def overflow_targets(line: LineConfig, waited: timedelta) -> tuple[str, ...]:
    """Every queue a contact is offered on after waiting ``waited``, first offered first."""
    after = timedelta(seconds=line.overflow_after_s)
    targets = [line.queue]
    if waited >= after:
        targets += [*line.backup_queues, *line.overflow_partners]
    if waited >= 2 * after and line.national_pool:
        targets.append(NATIONAL_QUEUE)
    return _dedupe(targets)


def overflow_steps(
    line: LineConfig, waited: timedelta, *, already: Sequence[str] = ()
) -> list[TrailStep]:
    """A trail step for each queue newly offered after ``waited`` (not in ``already``)."""
    after = line.overflow_after_s
    steps = []
    for queue in overflow_targets(line, waited):
        if queue in already:
            continue
        if queue == line.queue:
            steps.append(TrailStep(
                "overflow", "offered", f"Offered on its own queue, {queue}.",
                f"در صف خودش، {queue}، عرضه شد.", {"queue": queue, "hop": 0},
            ))
            continue
        national = queue == NATIONAL_QUEUE
        seconds = 2 * after if national else after
        target_en = "the national pool" if national else f"backup queue {queue}"
        target_fa = "صف پشتیبان ملی" if national else f"صف پشتیبان {queue}"
        steps.append(TrailStep(
            "overflow", "offered",
            f"Not answered within {seconds:g} s on {line.queue}: also offered to {target_en}.",
            f"در {seconds:g} ثانیه در صف {line.queue} پاسخ داده نشد: به {target_fa} نیز "
            "عرضه شد.",
            {"queue": queue, "after_s": seconds, "from": line.queue},
        ))
    return steps


def next_overflow_at(line: LineConfig, *, offered_at: datetime, now: datetime) -> datetime | None:
    """When the set of queues will next grow (store it as the contact's timer); ``None`` when
    it has reached every queue it ever will."""
    after = timedelta(seconds=line.overflow_after_s)
    moments = [offered_at + after]
    if line.national_pool:
        moments.append(offered_at + 2 * after)
    later = [m for m in moments if m > now]
    if not later:
        return None
    # A moment that adds nothing (no backups or partners) is not worth waking up for.
    for moment in later:
        if overflow_targets(line, moment - offered_at) != overflow_targets(line, now - offered_at):
            return moment
    return None


@dataclass(frozen=True, slots=True)
class CallbackPolicy:
    urgent_within: timedelta = timedelta(minutes=10)  # risk ≥ medium
    low_within: timedelta = timedelta(minutes=60)
    urgent_attempts: int = 3
    low_attempts: int = 2


def _is_urgent(risk: RiskLevel) -> bool:
    return risk.rank <= RiskLevel.medium.rank


def callback_due_at(
    abandoned_at: datetime, risk: RiskLevel, policy: CallbackPolicy = CallbackPolicy()
) -> datetime | None:
    """When the callback of an abandoned contact is due; ``None`` for information only."""
    if risk is RiskLevel.information:
        return None
    return abandoned_at + (policy.urgent_within if _is_urgent(risk) else policy.low_within)


def next_attempt_at(
    last_attempt_at: datetime,
    attempts_made: int,
    risk: RiskLevel,
    policy: CallbackPolicy = CallbackPolicy(),
) -> datetime | None:
    """When to try again after a missed callback; ``None`` when the attempts are used up
    (the task then goes to the supervisor) or no callback is owed."""
    if risk is RiskLevel.information:
        return None
    urgent = _is_urgent(risk)
    limit = policy.urgent_attempts if urgent else policy.low_attempts
    if attempts_made >= limit:
        return None
    return last_attempt_at + (policy.urgent_within if urgent else policy.low_within)


class AttemptOutcome(StrEnum):
    reached = "reached"
    no_answer = "no_answer"
    busy = "busy"
    wrong_number = "wrong_number"


@dataclass(frozen=True, slots=True)
class AfterAttempt:
    """What a callback becomes after an attempt: ``due`` again at ``due_at``, ``done``, or
    ``escalated`` to the supervisor when the attempts are used up."""

    state: str
    due_at: datetime | None


def after_attempt(
    outcome: AttemptOutcome, attempts_made: int, risk: RiskLevel, at: datetime,
    policy: CallbackPolicy = CallbackPolicy(),
) -> AfterAttempt:
    """``attempts_made`` counts this one. Reaching the caller, or learning the number is
    wrong, ends the task; a missed attempt is retried until the limit, then escalated."""
    if outcome in (AttemptOutcome.reached, AttemptOutcome.wrong_number):
        return AfterAttempt("done", None)
    again = next_attempt_at(at, attempts_made, risk, policy)
    return AfterAttempt("due", again) if again is not None else AfterAttempt("escalated", None)


def next_due_time(*due: datetime | None) -> datetime | None:
    """The earliest of several optional due times (a contact's overflow and callback timers)."""
    present = [d for d in due if d is not None]
    return min(present) if present else None
