"""Appointments at a crisis-intervention centre: the pure rules (no database, no web).

Times are stored in UTC and entered and shown on Iran's wall clock (+03:30 all year since
2022) in the Jalali calendar. A worker's week is Saturday-first; their hours are a weekly
pattern, or :data:`DEFAULT_HOURS` until someone sets theirs (docs/decisions.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from enum import IntEnum, StrEnum

import jdatetime

from panah.core.days import read_day
from panah.core.errors import Conflict, InvalidInput

IRAN_TIME = timezone(timedelta(hours=3, minutes=30), "IRST")  # no DST since 2022
MIN_MINUTES = 15
MAX_MINUTES = 180
_CLOCK = re.compile(r"^(\d{1,2})[:.٫](\d{2})$")
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2)
_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


class Weekday(IntEnum):
    """The Iranian week, Saturday first."""

    saturday = 0
    sunday = 1
    monday = 2
    tuesday = 3
    wednesday = 4
    thursday = 5
    friday = 6


WEEKDAY_FA = ("شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه")


class AppointmentKind(StrEnum):
    outpatient_visit = "outpatient_visit"
    counselling_session = "counselling_session"
    psychiatric_visit = "psychiatric_visit"
    legal_advice = "legal_advice"
    home_visit = "home_visit"
    follow_up = "follow_up"


class AppointmentState(StrEnum):
    booked = "booked"
    attended = "attended"
    missed = "missed"
    cancelled = "cancelled"


# What a slot still occupies in the worker's day: everything but a cancelled booking.
OCCUPYING = (AppointmentState.booked, AppointmentState.attended, AppointmentState.missed)
MISSED_REASON = "missed appointment"


@dataclass(frozen=True, slots=True)
class Shift:
    """One working day of a worker's week, on Iran's wall clock."""

    weekday: Weekday
    start: time
    end: time


Pattern = tuple[Shift, ...]

DEFAULT_HOURS: Pattern = (
    *(Shift(day, time(8), time(16)) for day in
      (Weekday.saturday, Weekday.sunday, Weekday.monday, Weekday.tuesday, Weekday.wednesday)),
    Shift(Weekday.thursday, time(8), time(13)),
)


# ---- Iran time and the Jalali calendar ---------------------------------------------------


def iran_weekday(day: date) -> Weekday:
    """The day's place in the Saturday-first week (Python counts from Monday)."""
    return Weekday((day.weekday() + 2) % 7)


def in_iran(moment: datetime) -> datetime:
    """An aware moment on Iran's wall clock; naive values are UTC (as SQLite returns them)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(IRAN_TIME)


def iran_moment(day: date, at: time) -> datetime:
    """The UTC moment of ``at`` o'clock on ``day`` in Iran."""
    return datetime.combine(day, at, tzinfo=IRAN_TIME).astimezone(UTC)


def week_start(day: date) -> date:
    """The Saturday that begins ``day``'s week."""
    return day - timedelta(days=int(iran_weekday(day)))


def iran_day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of ``day`` in Iran, in UTC."""
    return iran_moment(day, time(0)), iran_moment(day + timedelta(days=1), time(0))


def jalali_text(moment: datetime) -> str:
    """``1405/01/03 10:00``: the Jalali day and the time on Iran's wall clock."""
    local = in_iran(moment)
    day: str = jdatetime.date.fromgregorian(date=local.date()).strftime("%Y/%m/%d")
    return f"{day} {local:%H:%M}"


def read_clock(text: str) -> time:
    """``10:30`` or ``۱۰:۳۰`` → 10:30; InvalidInput for anything else."""
    found = _CLOCK.match(text.strip().translate(_DIGITS))
    hours, minutes = (int(part) for part in found.groups()) if found else (99, 99)
    if hours > 23 or minutes > 59:
        raise InvalidInput(
            f"{text!r} is not a time of day: write it as 10:30 (24-hour, Iran time).",
            f"«{text}» ساعت معتبری نیست: آن را مانند ۱۰:۳۰ بنویسید (۲۴ ساعته، به وقت ایران).",
            field="time")
    return time(hours, minutes)


def read_slot(day_text: str, clock_text: str, minutes: int) -> tuple[datetime, datetime]:
    """The UTC [start, end) of an appointment typed as a Jalali (or ISO) day, an Iran
    wall-clock time and a duration; a day the calendar does not have is refused."""
    try:
        day = read_day(day_text)
    except ValueError:
        raise InvalidInput(
            f"{day_text!r} is not a day of the calendar: write a Jalali date that exists, "
            "such as 1405/09/20.",
            f"«{day_text}» روزی از تقویم نیست: تاریخ شمسی موجودی مانند ۱۴۰۵/۰۹/۲۰ بنویسید.",
            field="day") from None
    starts_at = iran_moment(day, read_clock(clock_text))
    return starts_at, starts_at + timedelta(minutes=minutes)


# ---- the rules ----------------------------------------------------------------------------


def check_duration(starts_at: datetime, ends_at: datetime) -> None:
    minutes = (ends_at - starts_at).total_seconds() / 60
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise InvalidInput(
            f"An appointment lasts {MIN_MINUTES} to {MAX_MINUTES} minutes; choose a duration "
            "in that range.",
            f"هر نوبت {_fa(MIN_MINUTES)} تا {_fa(MAX_MINUTES)} دقیقه است؛ مدتی در این بازه "
            "برگزینید.", field="minutes")


def check_not_past(starts_at: datetime, now: datetime) -> None:
    if starts_at < now:
        raise InvalidInput(
            "That time has already passed: book an appointment from now on.",
            "آن زمان گذشته است: نوبت را برای اکنون به بعد بگذارید.", field="day")


def shift_on(pattern: Pattern, day: date) -> Shift | None:
    weekday = iran_weekday(day)
    return next((s for s in pattern if s.weekday == weekday), None)


def check_within_hours(pattern: Pattern, starts_at: datetime, ends_at: datetime,
                       worker: str) -> None:
    """The whole appointment inside one of the worker's shifts; else refused with their
    hours in the message."""
    start, end = in_iran(starts_at), in_iran(ends_at)
    shift = shift_on(pattern, start.date())
    inside = (shift is not None and end.date() == start.date()
              and shift.start <= start.time() and end.time() <= shift.end)
    if not inside:
        english, persian = describe_hours(pattern)
        raise InvalidInput(
            f"Outside {worker}'s working hours (Iran time): {english}. Choose a time inside "
            "them.",
            f"بیرون از ساعت کاری {worker} (به وقت ایران): {persian}. زمانی در این ساعت‌ها "
            "برگزینید.", field="time")


def overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    """Half-open intervals: one ending at 10:00 and another starting at 10:00 do not."""
    return a[0] < b[1] and b[0] < a[1]


def check_free(slot: tuple[datetime, datetime], taken: Iterable[tuple[datetime, datetime]],
               worker: str) -> None:
    clash = next((t for t in taken if overlaps(slot, t)), None)
    if clash is not None:
        when = in_iran(clash[0]).strftime("%H:%M") + "–" + in_iran(clash[1]).strftime("%H:%M")
        raise InvalidInput(
            f"Double-booked: {worker} already has an appointment {when} that day (Iran time). "
            "Choose another time or another worker.",
            f"نوبت هم‌زمان: {worker} آن روز از {_fa(when)} نوبت دیگری دارد. زمان یا فرد "
            "دیگری برگزینید.", field="time")


def check_on_team(worker_id: int, team: Iterable[int], worker: str) -> None:
    """Only a member of the case's team is booked for it (docs/decisions.md): whoever sees
    the client may open their file, and the team is the case's own decision."""
    if worker_id not in set(team):
        raise InvalidInput(
            f"{worker} is not on this case's team: add them to the team first, then book.",
            f"{worker} عضو تیم این پرونده نیست: نخست او را به تیم بیفزایید، سپس نوبت دهید.",
            field="worker_id")


def check_outcome(state: AppointmentState, to: AppointmentState, starts_at: datetime,
                  now: datetime) -> None:
    """booked → attended | missed (once it has begun) | cancelled; nothing after that."""
    if state is not AppointmentState.booked:
        raise Conflict(
            f"This appointment is already {state.value}; reload the page to see it.",
            "وضعیت این نوبت پیش‌تر ثبت شده است؛ صفحه را تازه کنید.", state=state.value)
    if to is not AppointmentState.cancelled and now < starts_at:
        raise InvalidInput(
            "The appointment has not begun yet: mark it attended or missed once its time "
            "has come, or cancel it.",
            "زمان نوبت هنوز نرسیده است: پس از رسیدن زمانش آن را «حاضر شد» یا «نیامد» بزنید، "
            "یا لغوش کنید.", field="state")


def check_reason(reason: str) -> str:
    cleaned = reason.strip()
    if len(cleaned) < 3:
        raise InvalidInput("Say why the appointment is cancelled.",
                           "دلیل لغو نوبت را بنویسید.", field="reason")
    return cleaned


def next_working_start(pattern: Pattern, after: datetime) -> datetime:
    """The start of the worker's next working day after ``after``'s day in Iran (a missed
    appointment's follow-up is due then)."""
    day = in_iran(after).date()
    for ahead in range(1, 8):
        shift = shift_on(pattern, day + timedelta(days=ahead))
        if shift is not None:
            return iran_moment(day + timedelta(days=ahead), shift.start)
    raise ValueError("a pattern with no working day")  # check_pattern never lets one in


def check_pattern(shifts: Sequence[Shift]) -> Pattern:
    """A weekly pattern: each day at most once, each shift ending after it starts. An empty
    one means "the default hours"."""
    days = [s.weekday for s in shifts]
    if len(set(days)) != len(days):
        raise InvalidInput("Give each weekday at most once.",
                           "هر روز هفته را حداکثر یک بار بدهید.", field="days")
    for shift in shifts:
        if shift.end <= shift.start:
            raise InvalidInput(
                f"On {shift.weekday.name} the hours end before they start: write e.g. "
                "08:00 to 16:00.",
                f"در {WEEKDAY_FA[shift.weekday]} پایان ساعت کار پیش از آغاز آن است: مثلاً "
                "۰۸:۰۰ تا ۱۶:۰۰ بنویسید.", field="days")
    return tuple(sorted(shifts, key=lambda s: s.weekday)) or DEFAULT_HOURS


def describe_hours(pattern: Pattern) -> tuple[str, str]:
    """The week in words, English and Persian: ``saturday 08:00–16:00, …``."""
    def clock(s: Shift) -> str:
        return f"{s.start:%H:%M}–{s.end:%H:%M}"
    english = ", ".join(f"{s.weekday.name} {clock(s)}" for s in pattern)
    persian = "، ".join(f"{WEEKDAY_FA[s.weekday]} {_fa(clock(s))}" for s in pattern)
    return english, persian


def _fa(value: object) -> str:
    return str(value).translate(_PERSIAN)
