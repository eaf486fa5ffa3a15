"""The rules of a stay in a shelter (issue 17): the province's maximum stay, the stay's
last day, the alerts due before and after it, a supervisor's extension, leaving with a
destination and a safety plan, and the states a stay moves through.

Pure: no database, clock or settings; ``now`` and ``today`` are passed in. Days are Iran's
days (a stay checked in at 01:00 Tehran time on 1405/01/03 began that day, although it was
still the 2nd in UTC).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum

from panah.centres.shelters.model import Destination, StayStatus
from panah.core.errors import Conflict, Forbidden, InvalidInput

IRAN_TIME = timezone(timedelta(hours=3, minutes=30), "IRST")  # no DST since 2022

# A setting of each province (``shelter_policy``), not a sourced figure: these defaults
# apply where a province has not set its own, and a supervisor changes them on the board.
DEFAULT_MAX_STAY_DAYS = 90
DEFAULT_ALERT_DAYS_BEFORE = 7
MAX_STAY_CEILING = 365  # a policy longer than a year is a typing error
MIN_REASON_CHARS = 5

RULE_MAX_EN = "the maximum-stay rule (a stay past the province's maximum needs a supervisor's " \
              "extension)"
RULE_MAX_FA = "قاعدهٔ بیشینهٔ اسکان (ماندن بیش از سقف استان تمدید سرپرست می‌خواهد)"

# Leaving to a home the violence may reach again needs a plan for when it returns (whom to
# call, where to go, what to keep ready). A woman who left without notice cannot be asked,
# and the other destinations are services that carry her safety on.
NEEDS_SAFETY_PLAN = frozenset({Destination.own_home, Destination.relative_home})

_MOVES: dict[StayStatus, frozenset[StayStatus]] = {
    StayStatus.planned: frozenset({StayStatus.checked_in, StayStatus.cancelled}),
    StayStatus.checked_in: frozenset({StayStatus.checked_out}),
    StayStatus.checked_out: frozenset(),
    StayStatus.cancelled: frozenset(),
}


class AlertKind(StrEnum):
    near_end = "near_end"  # within the alert days before the last day
    overdue = "overdue"  # past the last day, no extension


@dataclass(frozen=True, slots=True)
class StayPolicy:
    max_stay_days: int = DEFAULT_MAX_STAY_DAYS
    alert_days_before: int = DEFAULT_ALERT_DAYS_BEFORE


DEFAULT_POLICY = StayPolicy()


def iran_day(moment: datetime) -> date:
    """The day on Iran's calendar at ``moment`` (naive values are UTC, as SQLite gives)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(IRAN_TIME).date()


def check_policy(max_stay_days: int, alert_days_before: int) -> StayPolicy:
    if not 1 <= max_stay_days <= MAX_STAY_CEILING:
        raise InvalidInput(f"The maximum stay is a number of days from 1 to {MAX_STAY_CEILING}.",
                           f"بیشینهٔ اسکان عددی از ۱ تا {MAX_STAY_CEILING} روز است.",
                           field="max_stay_days")
    if not 0 <= alert_days_before < max_stay_days:
        raise InvalidInput("The alert comes from 0 days up to fewer days than the maximum "
                           "stay before its end.",
                           "هشدار از ۰ روز تا کمتر از بیشینهٔ اسکان پیش از پایان آن می‌آید.",
                           field="alert_days_before")
    return StayPolicy(max_stay_days, alert_days_before)


def last_day(checked_in_on: date, max_days: int, extended_until: date | None = None) -> date:
    """The last day she may stay: ``max_days`` nights from the day she came (checked in on
    the 2nd with a maximum of 90: the last day is 90 days later), or a supervisor's later
    extension."""
    end = checked_in_on + timedelta(days=max_days)
    return max(end, extended_until) if extended_until is not None else end


def current_end(ends_on: date, extended_until: date | None) -> date:
    """The stay's last day now: ``ends_on`` from the policy at check-in, or the extension."""
    return extended_until if extended_until is not None and extended_until > ends_on else ends_on


def alerts_due(end: date, today: date, alert_days_before: int) -> frozenset[AlertKind]:
    """The alerts that hold ``today`` for a stay whose last day is ``end``."""
    due = set()
    if today >= end - timedelta(days=alert_days_before):
        due.add(AlertKind.near_end)
    if today > end:
        due.add(AlertKind.overdue)
    return frozenset(due)


def days_left(end: date, today: date) -> int:
    """Days until the last day (0 on it, negative once past)."""
    return (end - today).days


def check_end(checked_in_on: date, wanted: date | None, policy: StayPolicy) -> date:
    """The last day set at check-in: the province's maximum, or an earlier day asked for;
    never later (that is what a supervisor's extension is for)."""
    ceiling = last_day(checked_in_on, policy.max_stay_days)
    if wanted is None:
        return ceiling
    if wanted < checked_in_on:
        raise InvalidInput("The last day cannot be before the day she comes.",
                           "روز پایان نمی‌تواند پیش از روز ورود باشد.", field="ends_on")
    if wanted > ceiling:
        raise InvalidInput(f"The last day is at most {policy.max_stay_days} days after check-in: "
                           f"{RULE_MAX_EN}. Check in, then ask a supervisor to extend.",
                           f"روز پایان حداکثر {policy.max_stay_days} روز پس از ورود است: "
                           f"{RULE_MAX_FA}. ورود را ثبت کنید و تمدید را از سرپرست بخواهید.",
                           field="ends_on")
    return wanted


def check_extension(end: date, until: date, reason: str | None, *,
                    may_approve: bool) -> str:
    """An extension: by a supervisor, past the current last day, with a reason. Returns the
    reason, trimmed."""
    if not may_approve:
        raise Forbidden(f"Only a supervisor of the province extends a stay: {RULE_MAX_EN}.",
                        f"فقط سرپرست استان اسکان را تمدید می‌کند: {RULE_MAX_FA}.")
    if until <= end:
        raise InvalidInput("An extension ends after the stay's current last day; choose a "
                           "later day.", "تمدید پس از روز پایان کنونی اسکان تمام می‌شود؛ روز "
                           "دیرتری انتخاب کنید.", field="until")
    text = (reason or "").strip()
    if len(text) < MIN_REASON_CHARS:
        raise InvalidInput("Write why the stay is extended (a few words at least).",
                           "بنویسید چرا اسکان تمدید می‌شود (دست‌کم چند کلمه).", field="reason")
    return text


def check_departure(destination: str | None, safety_plan: str | None) -> tuple[Destination,
                                                                             str | None]:
    """Leaving: where she went, one of ``Destination``; a safety plan when she goes back to
    a home (``NEEDS_SAFETY_PLAN``)."""
    try:
        where = Destination(destination or "")
    except ValueError:
        raise InvalidInput("Choose where she went on leaving.",
                           "انتخاب کنید پس از خروج به کجا رفت.", field="destination") from None
    plan = (safety_plan or "").strip() or None
    if where in NEEDS_SAFETY_PLAN and plan is None:
        raise InvalidInput("Leaving to a home needs a safety plan (whom to call and where to "
                           "go if the violence returns): write it before checking out.",
                           "خروج به خانه برنامهٔ ایمنی می‌خواهد (اگر خشونت تکرار شد با چه کسی "
                           "تماس بگیرد و به کجا برود): پیش از ثبت خروج آن را بنویسید.",
                           field="safety_plan")
    return where, plan


def check_move(status: str, to: StayStatus) -> None:
    """planned → checked in → checked out; planned → cancelled; nothing else."""
    now_at = StayStatus(status)
    if to not in _MOVES[now_at]:
        raise Conflict(f"This stay is {now_at.value.replace('_', ' ')}: it cannot become "
                       f"{to.value.replace('_', ' ')}. Reload the page.",
                       "این اسکان در وضعیتی است که این کار در آن ممکن نیست؛ صفحه را تازه "
                       "کنید.", status=now_at.value)
