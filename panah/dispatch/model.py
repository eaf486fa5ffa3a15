"""The rules of a mobile unit's day: its statuses and the moves between them, what a field
update must be to count, the on-scene safety timer, and a crew against its seats.

Pure: no database, clock or settings. ``now`` is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum

from panah.core.errors import Conflict, InvalidInput


class UnitStatus(StrEnum):
    available_at_post = "available_at_post"
    available_on_move = "available_on_move"
    dispatched = "dispatched"
    en_route = "en_route"
    on_scene = "on_scene"
    transporting = "transporting"
    at_centre = "at_centre"
    out_of_service = "out_of_service"


class IncidentState(StrEnum):
    open = "open"  # waiting for a unit
    assigned = "assigned"  # a unit is on it
    closed = "closed"
    cancelled = "cancelled"


class CallerKind(StrEnum):
    """Who asked for help: the person in danger, someone else for them (a neighbour, a
    teacher), or an agency that handed the case over (police 110, EMS 115)."""

    person = "person"  # the person in danger themself
    third_party = "third_party"
    agency = "agency"


def caller_kind_of_channel(channel: str) -> CallerKind:
    """Who called, as far as the channel tells: a web report is a third party's, a partner's
    hand-over an agency's; anything else is the person, until the counsellor says otherwise."""
    if channel == "web_report":
        return CallerKind.third_party
    if channel == "partner":
        return CallerKind.agency
    return CallerKind.person


def parse_caller_kind(value: str) -> CallerKind:
    try:
        return CallerKind(value)
    except ValueError:
        known = [k.value for k in CallerKind]
        raise InvalidInput(f"Unknown caller {value!r}; use one of {known}.",
                           f"تماس‌گیرندهٔ ناشناخته {value!r}؛ یکی از این‌ها را به کار ببرید: "
                           f"{known}.", field="caller_kind") from None


class Priority(StrEnum):
    """The same words as a contact's risk, so a dispatch request keeps its triage level."""

    immediate = "immediate"
    high = "high"
    medium = "medium"
    low = "low"
    information = "information"


PRIORITY_ORDER = {p: i for i, p in enumerate(Priority)}

S = UnitStatus
AVAILABLE = frozenset({S.available_at_post, S.available_on_move})
# A unit on an incident: the one assignment that is not cleared yet.
BUSY = frozenset({S.dispatched, S.en_route, S.on_scene, S.transporting, S.at_centre})
_FREE = frozenset({S.available_at_post, S.available_on_move, S.out_of_service})

# Where each status may go next. ``dispatched`` is reached only by an assignment (which is
# claimed atomically), never by a status change.
TRANSITIONS: dict[UnitStatus, frozenset[UnitStatus]] = {
    S.available_at_post: frozenset({S.available_on_move, S.out_of_service}),
    S.available_on_move: frozenset({S.available_at_post, S.out_of_service}),
    S.dispatched: frozenset({S.en_route, S.on_scene}) | _FREE,
    S.en_route: frozenset({S.on_scene}) | _FREE,
    S.on_scene: frozenset({S.transporting}) | _FREE,
    S.transporting: frozenset({S.at_centre, S.out_of_service}),
    S.at_centre: _FREE,
    S.out_of_service: frozenset({S.available_at_post, S.available_on_move}),
}

STATUS_LABELS: dict[UnitStatus, tuple[str, str]] = {
    S.available_at_post: ("Available at post", "آماده در پایگاه"),
    S.available_on_move: ("Available on the move", "آماده در حرکت"),
    S.dispatched: ("Dispatched", "اعزام شد"),
    S.en_route: ("En route", "در راه"),
    S.on_scene: ("On scene", "در محل"),
    S.transporting: ("Transporting", "در حال انتقال"),
    S.at_centre: ("At centre", "در مرکز"),
    S.out_of_service: ("Out of service", "خارج از خدمت"),
}

# Shown to the crew on their phone before they arrive (triage asks with the same codes).
CAUTIONS: dict[str, tuple[str, str]] = {
    "weapon": ("Weapon reported", "گزارش سلاح"),
    "violent_person": ("Violent person", "فرد خشن"),
    "children_present": ("Children present", "کودکان حاضرند"),
    "substance": ("Alcohol or drugs", "مصرف الکل یا مواد"),
    "dog": ("Dangerous dog", "سگ خطرناک"),
    "self_harm": ("Self-harm risk", "خطر آسیب به خود"),
}

# A field update may carry a phone's clock that runs a little fast.
CLOCK_SKEW = timedelta(minutes=2)
# The phone holds updates while offline; older than this they are not news but history.
MAX_OFFLINE = timedelta(hours=24)
SAFETY_CHECK_MINUTES = 20


def parse_status(value: str) -> UnitStatus:
    try:
        return UnitStatus(value)
    except ValueError:
        raise InvalidInput(
            f"Unknown status {value!r}; use one of {[s.value for s in UnitStatus]}.",
            f"وضعیت ناشناخته {value!r}؛ یکی از این‌ها را به کار ببرید: "
            f"{[s.value for s in UnitStatus]}.", field="status") from None


def check_transition(current: UnitStatus, target: UnitStatus) -> None:
    """Refuse a move the day cannot make (on scene straight from at post, for one)."""
    if target is S.dispatched:
        raise Conflict(
            "A unit is dispatched by assigning it to an incident on the board, not by a status.",
            "خودرو با تخصیص به یک رخداد در تابلو اعزام می‌شود، نه با تغییر وضعیت.",
            current=current.value, target=target.value)
    if target not in TRANSITIONS[current]:
        allowed = sorted(s.value for s in TRANSITIONS[current])
        raise Conflict(
            f"A unit that is {current.value} cannot become {target.value}; from here it can "
            f"become {allowed}. Reload to see the unit's current status.",
            f"خودرویی که «{STATUS_LABELS[current][1]}» است نمی‌تواند «{STATUS_LABELS[target][1]}» "
            f"شود؛ از این وضعیت می‌تواند به {allowed} برود. صفحه را تازه کنید.",
            current=current.value, target=target.value, allowed=allowed)


def check_update_time(at: datetime, *, now: datetime, last_change: datetime | None) -> None:
    """A field update's own time: not in the future, not older than a day, and not before
    the unit's last change (an update that was overtaken while the phone was offline)."""
    if at.tzinfo is None:
        raise InvalidInput("Give the time with its zone, e.g. 2026-03-22T06:30:00Z.",
                           "زمان را با منطقهٔ زمانی بدهید، مثلاً 2026-03-22T06:30:00Z.",
                           field="at")
    if at > now + CLOCK_SKEW:
        raise InvalidInput(
            "This update is dated in the future; check the phone's clock and send it again.",
            "این به‌روزرسانی تاریخ آینده دارد؛ ساعت گوشی را بررسی کنید و دوباره بفرستید.",
            field="at")
    if at < now - MAX_OFFLINE:
        raise InvalidInput("This update is more than a day old; tell the dispatcher by radio.",
                           "این به‌روزرسانی بیش از یک روز پیش است؛ با بی‌سیم به اعزام خبر دهید.",
                           field="at")
    if last_change is not None and at < last_change:
        raise Conflict(
            "The unit's status changed after this update was made; it is kept as history but "
            "does not change the current status. Reload to see it.",
            "وضعیت خودرو پس از این به‌روزرسانی تغییر کرده است؛ صفحه را تازه کنید.",
            reason="stale")


def check_position(lat: float, lon: float, at: datetime, *, now: datetime) -> None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput("Latitude must be within ±90 and longitude within ±180 degrees.",
                           "عرض جغرافیایی باید در ±۹۰ و طول جغرافیایی در ±۱۸۰ درجه باشد.",
                           field="lat")
    if at.tzinfo is None or at > now + CLOCK_SKEW:
        raise InvalidInput(
            "A position must carry its time with a zone, and not in the future; check the "
            "device's clock.",
            "موقعیت باید زمان با منطقهٔ زمانی داشته باشد و نه در آینده؛ ساعت دستگاه را بررسی کنید.",
            field="at")


def safety_check_due(on_scene_at: datetime, last_check_in: datetime | None,
                     minutes: int = SAFETY_CHECK_MINUTES) -> datetime:
    """When the crew on scene must next say they are safe; after that the dispatcher is told."""
    start = max(on_scene_at, last_check_in) if last_check_in else on_scene_at
    return start + timedelta(minutes=minutes)


def check_cautions(codes: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(sorted(set(codes)))
    unknown = [c for c in chosen if c not in CAUTIONS]
    if unknown:
        raise InvalidInput(f"Unknown safety cautions {unknown}; choose from {sorted(CAUTIONS)}.",
                           f"هشدار ایمنی ناشناخته {unknown}؛ از این‌ها انتخاب کنید: "
                           f"{sorted(CAUTIONS)}.", field="cautions")
    return chosen


@dataclass(frozen=True, slots=True)
class Seat:
    role: str
    prefer_woman: bool = False


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    role: str
    is_woman: bool


@dataclass(frozen=True, slots=True)
class SeatGap:
    seat: Seat
    filled_by: int | None  # the member in the seat, if any
    woman_preferred_but_not: bool


def fill_seats(seats: Sequence[Seat], crew: Sequence[Member]) -> list[SeatGap]:
    """Who sits where on a shift: each seat takes a member of its role, a woman first
    where the seat prefers one. A gap (no one, or no woman where preferred) is shown to the
    shift supervisor; only an empty seat makes the role missing for the recommendation."""
    free = list(crew)
    result: list[SeatGap] = []
    # Seats that prefer a woman choose first, so a woman is not spent on a seat indifferent to it.
    for seat in sorted(seats, key=lambda s: not s.prefer_woman):
        fits = [m for m in free if m.role == seat.role]
        fits.sort(key=lambda m: (not (m.is_woman and seat.prefer_woman), m.id))
        member = fits[0] if fits else None
        if member is not None:
            free.remove(member)
        short = seat.prefer_woman and (member is None or not member.is_woman)
        result.append(SeatGap(seat, member.id if member else None, short))
    return result


MAX_SHIFT = timedelta(hours=24)


def check_shift(starts_at: datetime, ends_at: datetime, *,
                others: Sequence[tuple[datetime, datetime]],
                post_window: tuple[date | None, date | None] | None = None) -> None:
    """A shift: a real span of at most a day, not overlapping the unit's other shifts,
    and inside its post's dates when the post is temporary (a Nowruz post)."""
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise InvalidInput("Give shift times with their zone.",
                           "زمان نوبت را با منطقهٔ زمانی بدهید.", field="starts_at")
    if not starts_at < ends_at <= starts_at + MAX_SHIFT:
        raise InvalidInput("A shift ends after it starts, at most 24 hours later.",
                           "نوبت پس از آغاز و حداکثر ۲۴ ساعت بعد پایان می‌یابد.",
                           field="ends_at")
    for start, end in others:
        if starts_at < end and start < ends_at:
            raise Conflict(f"The unit already has a shift from {start:%Y-%m-%d %H:%M} to "
                           f"{end:%H:%M} UTC; change that one or choose other times.",
                           "خودرو در این بازه نوبت دیگری دارد؛ آن را تغییر دهید یا زمان دیگری "
                           "انتخاب کنید.", starts_at=start.isoformat(), ends_at=end.isoformat())
    if post_window is not None:
        first, last = post_window
        day = starts_at.date()
        if (first is not None and day < first) or (last is not None and day > last):
            raise Conflict("This post is temporary and closed on that day; choose another "
                           "post or day.",
                           "این پایگاه موقت است و در آن روز باز نیست؛ پایگاه یا روز دیگری "
                           "انتخاب کنید.", active_from=str(first), active_to=str(last))


def post_open_on(day: date, active_from: date | None, active_to: date | None) -> bool:
    """Permanent posts are always open; a Nowruz post between its dates."""
    return (active_from is None or active_from <= day) and (active_to is None or day <= active_to)


# Iran has kept +03:30 all year since 2022: the service's days and weeks run on it.
TEHRAN = timezone(timedelta(hours=3, minutes=30))
SATURDAY = 5  # date.weekday(): the Iranian week starts on Saturday


def service_day(now: datetime) -> date:
    """The day in Iran at ``now`` (a post's dates are Iranian days)."""
    return now.astimezone(TEHRAN).date()


def closed_since(now: datetime) -> tuple[datetime, datetime]:
    """When today began and when this week began (Saturday), in Iran, as UTC moments: the
    board lists the incidents closed since each."""
    local = now.astimezone(TEHRAN)
    today = local.replace(hour=0, minute=0, second=0, microsecond=0)
    week = today - timedelta(days=(today.weekday() - SATURDAY) % 7)
    return today.astimezone(UTC), week.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Station:
    """Where a unit waits for its next call: a post, or its home centre."""

    name_fa: str
    name_en: str
    lat: float
    lon: float
    home: bool = False  # the home centre, because the unit's post is closed today


def waiting_station(post: Station | None, post_dates: tuple[date | None, date | None],
                    home: Station | None, day: date) -> Station | None:
    """A unit waits at its post while the post is open (a permanent post always, a Nowruz
    post between its dates); outside them a Nowruz post is no post, and the unit waits at
    its home centre."""
    if post is not None and post_open_on(day, *post_dates):
        return post
    return home
