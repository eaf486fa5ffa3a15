"""One thread from call to case: the pure rules (no database, no web; ``now`` passed in).

Where a case begins decides its origin; which contacts may open one; which triage codes
become the case's category and types; and how the timeline is ordered and cut into days.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from panah.cases.model import CaseCategory, CaseOrigin
from panah.cases.thread.items import TimelineItem


class LinkKind(StrEnum):
    """What a case is linked to: a 123 contact, a mobile team's incident, a referral."""

    contact = "contact"
    incident = "incident"
    referral = "referral"


# A contact being handled now (taken, answered, wrapping up) or over.
TAKEN = frozenset({"assigned", "answered", "wrap_up"})
ENDED = frozenset({"closed", "callback_done"})


def origin_of(channel: str) -> CaseOrigin:
    """A partner's hand-over and a walk-in arrive as contacts of their own channels; every
    other contact is a contact."""
    if channel == "partner":
        return CaseOrigin.partner
    if channel == "walk_in":
        return CaseOrigin.walk_in
    return CaseOrigin.contact


def may_open_from_contact(state: str, assigned_to: int | None, user_id: int) -> bool:
    """A case opens from a contact its counsellor has taken (not someone else's call in
    progress), or from one that has ended (a supervisor, the next morning)."""
    if state in ENDED:
        return True
    return state in TAKEN and assigned_to == user_id


@dataclass(frozen=True, slots=True)
class CaseKind:
    category: CaseCategory
    types: tuple[str, ...]  # the other taxonomy codes, in triage's order


def case_kind(codes: Sequence[str], chosen: CaseCategory | None) -> CaseKind:
    """The case's category and types from triage's codes: the worker's choice if made, else
    the first code that names a case category, else ``other``; the rest become types."""
    categories = {c.value for c in CaseCategory}
    first = next((CaseCategory(c) for c in codes if c in categories), None)
    category = chosen or first or CaseCategory.other
    return CaseKind(category, tuple(dict.fromkeys(c for c in codes if c != category.value)))


def open_case_ids(cases: Iterable[tuple[int, str]]) -> list[int]:
    """The ids of the cases (id, status) still open: those a new contact is offered to."""
    return [case_id for case_id, status in cases if status != "closed"]


# Items at the same moment, in the order the day went: the call before its triage, the
# incident before its crews, the report after them.
KIND_ORDER = {"status": 0, "contact": 1, "triage": 2, "referral": 3, "incident": 4,
              "unit_status": 5, "visit_report": 6}


def newest_first(items: Iterable[TimelineItem]) -> list[TimelineItem]:
    """The timeline newest first: the worker opens the case again and again and what
    happened last is what they need; the thread's beginning stays at the bottom."""
    ordered = sorted(items, key=lambda i: (i.at, KIND_ORDER.get(i.kind, 9)))
    return list(reversed(ordered))


@dataclass(frozen=True, slots=True)
class TimelineDay:
    day: date  # Iran's calendar day (shown in the Jalali calendar)
    items: tuple[TimelineItem, ...]


def by_day(items: Sequence[TimelineItem], zone: tzinfo) -> list[TimelineDay]:
    """Cut an ordered timeline into Iran's days, keeping the order."""
    days: list[TimelineDay] = []
    for item in items:
        day = _local(item.at, zone).date()
        if days and days[-1].day == day:
            days[-1] = TimelineDay(day, (*days[-1].items, item))
        else:
            days.append(TimelineDay(day, (item,)))
    return days


def _local(moment: datetime, zone: tzinfo) -> datetime:
    if moment.tzinfo is None:  # SQLite gives naive UTC back
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def minutes_between(start: datetime | None, end: datetime | None) -> int | None:
    """A call's length in whole minutes (at least one), if it was answered and ended."""
    if start is None or end is None:
        return None
    seconds = (_local(end, UTC) - _local(start, UTC)).total_seconds()
    return max(1, round(seconds / 60)) if seconds >= 0 else None



@cache
def tehran() -> tzinfo:
    """Iran's days: Asia/Tehran (+03:30 all year since 2022, the fallback without tzdata)."""
    try:
        return ZoneInfo("Asia/Tehran")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=3, minutes=30), "IRST")
