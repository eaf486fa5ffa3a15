"""The statistics' read side: figures counted in the database, grouped by Iran day and
dimension (``sources``), rolled up into Jalali periods in Python (panah.reports.periods).

CONTRACT: ``statistics(session, *, actor, query, now) -> StatsTable``; access (a province's
people see their province; an analyst counts only, suppressed) is decided here, once.
``public_statistics(session, *, query, now)`` is the public page's table: its figures only
(``model.PUBLIC_FIGURES``), small cells suppressed, for anyone.

Access: ``actor`` None is the command line (everything). A province's people asking for
the nation get their own province; asking for another province is ``Forbidden`` naming
``province``. An analyst gets counts and rates only, every small cell hidden (k = 10), so
every table and export of theirs is suppressed by construction. Bad input (an unknown
province or county, a range backwards or too long, an unknown figure) is ``InvalidInput``
naming the field, before anything is counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.core.errors import Forbidden, InvalidInput
from panah.geo.orm import County, Province
from panah.reports.periods import check_range, iran_day
from panah.reports.statistics import sources
from panah.reports.statistics.labels import Labels, labels_for
from panah.reports.statistics.model import (
    ANALYST_UNITS,
    FIGURES,
    PUBLIC_FIGURES,
    SUPPRESS_BELOW,
    Dimension,
    Parts,
    StatsQuery,
    StatsRow,
    StatsTable,
    figures_for,
    keep_only,
    range_period,
    roll_up,
    suppress,
    table_periods,
    values_of,
    with_bases,
)
from panah.security.policy import Actor, is_allowed, scope_of
from panah.security.roles import Permission, Role, Scope

D = Dimension
# Dimensions that put each thing in exactly one group: the groups add up to the total.
_PARTITIONS = frozenset({D.none, D.province, D.county, D.channel, D.risk, D.agency})
_SOURCE_OF: dict[str, str] = {
    **dict.fromkeys(("contacts_offered", "contacts_answered", "abandoned",
                     "answered_within_20s", "answered_within_20s_pct", "abandoned_pct",
                     "average_speed_of_answer_s", "average_handling_time_s",
                     "overflow_out"), "contacts"),
    "repeat_contacts": "repeats",
    "overflow_in": "overflow_in",
    **dict.fromkeys(("callbacks", "callbacks_in_time", "callbacks_in_time_pct"), "callbacks"),
    "team_requests": "team_requests",
    **dict.fromkeys(("arrival_median_min", "arrival_p90_min"), "arrivals"),
    **dict.fromkeys(("referrals", "referrals_ack_in_time", "referrals_ack_in_time_pct"),
                    "referrals"),
    **dict.fromkeys(("cases_opened", "cases_closed"), "cases"),
    **dict.fromkeys(("shelter_bed_nights", "shelter_occupancy_pct"), "shelters"),
    **dict.fromkeys(("base_sessions", "base_attendance"), "bases"),
}
Days = dict[tuple[date, str | None], Parts]


@dataclass(frozen=True, slots=True)
class _Plan:
    query: StatsQuery  # the province resolved to what the actor may see
    keys: tuple[str, ...]  # the figures shown
    suppress_below: int | None


def statistics(session: Session, *, actor: Actor | None, query: StatsQuery,
               now: datetime) -> StatsTable:
    """The table ``query`` asks for, as ``actor`` may see it (see the module's text)."""
    analyst = actor is not None and actor.role is Role.analyst
    plan = _plan(session, _reach(actor, query),
                 units=ANALYST_UNITS if analyst else None,
                 k=SUPPRESS_BELOW if analyst else None, who="analyst" if analyst else None)
    return _table(session, plan, now)


def public_statistics(session: Session, *, query: StatsQuery, now: datetime) -> StatsTable:
    """The public page's table: answer rate and speed of answer, small cells hidden."""
    keys = query.figures or PUBLIC_FIGURES
    outside = [k for k in keys if k not in PUBLIC_FIGURES]
    if outside:
        raise InvalidInput(f"figures: {', '.join(outside)} are not public figures; choose from "
                           f"{', '.join(PUBLIC_FIGURES)}.",
                           f"شاخص‌ها: {'، '.join(outside)} از شاخص‌های همگانی نیست.",
                           field="figures")
    plan = _plan(session, replace(query, figures=tuple(keys)), units=None, k=SUPPRESS_BELOW,
                 who=None)
    return _table(session, plan, now)


# --- access and checks ------------------------------------------------------------------


def _reach(actor: Actor | None, query: StatsQuery) -> StatsQuery:
    """``query`` with the province ``actor`` may see; Forbidden for another province."""
    if actor is None:
        return query
    if not is_allowed(actor, Permission.view_statistics):
        raise Forbidden("Your role does not see the statistics.",
                        "نقش شما آمار را نمی‌بیند.", why="not_in_role")
    if scope_of(actor) is Scope.nation:
        return query
    own = actor.province_code
    if own is None or query.province_code not in (None, own):
        raise Forbidden(
            f"province: you see your own province's statistics only ({own or 'none'}); "
            "choose your province.",
            "استان: شما فقط آمار استان خود را می‌بینید؛ استان خود را برگزینید.",
            field="province", why="out_of_scope", province_code=query.province_code)
    return replace(query, province_code=own)


def _plan(session: Session, query: StatsQuery, *, units: frozenset[Any] | None,
          k: int | None, who: str | None) -> _Plan:
    check_range(query.first, query.last, query.grain)
    _check_place(session, query)
    allowed = figures_for(query.by, county=query.county_key is not None, units=units)
    allowed_keys = [f.key for f in allowed]
    keys = list(query.figures) or allowed_keys
    unknown = [key for key in keys if key not in FIGURES]
    if unknown:
        raise InvalidInput(f"figures: {', '.join(unknown)} is not a figure; see "
                           "the list of figures for their keys.",
                           f"شاخص‌ها: «{'، '.join(unknown)}» شاخص نیست؛ نام شاخص‌ها را از "
                           "فهرست شاخص‌ها بردارید.", field="figures", unknown=unknown)
    if who == "analyst" and any(FIGURES[key].unit not in ANALYST_UNITS for key in keys):
        raise Forbidden("figures: an analyst sees counts and rates only; leave out the "
                        "times (seconds, minutes).",
                        "شاخص‌ها: تحلیلگر فقط شمار و نرخ‌ها را می‌بیند؛ شاخص‌های زمانی "
                        "(ثانیه، دقیقه) را برندارید.", field="figures")
    not_split = [key for key in keys if key not in allowed_keys]
    if not_split:
        where = "a county's table" if query.county_key else f"by {query.by.value}"
        raise InvalidInput(f"by: {', '.join(not_split)} cannot be split {where}; choose "
                           "another split or other figures.",
                           f"تفکیک: «{'، '.join(not_split)}» این‌گونه تفکیک نمی‌شود؛ تفکیک "
                           "یا شاخص دیگری برگزینید.", field="by", figures=not_split)
    return _Plan(query, tuple(keys), k)


def _check_place(session: Session, query: StatsQuery) -> None:
    province = query.province_code
    if province is not None and session.get(Province, province) is None:
        raise InvalidInput(f"province: {province} is not a province; write a code such as "
                           "IR-02.",
                           f"استان: «{province}» استان نیست؛ کدی مانند IR-02 بنویسید.",
                           field="province")
    if query.county_key is None:
        return
    county = session.scalar(select(County).where(County.key == query.county_key))
    if county is None or province not in (None, county.province_code):
        raise InvalidInput(f"county: {query.county_key} is not a county of "
                           f"{province or 'Iran'}; choose one from the list.",
                           "شهرستان: این شهرستان در استان برگزیده نیست؛ از فهرست برگزینید.",
                           field="county")


# --- counting and assembling ------------------------------------------------------------


def _table(session: Session, plan: _Plan, now: datetime) -> StatsTable:
    query = plan.query
    counted = with_bases(plan.keys) if plan.suppress_below else list(plan.keys)
    scope = sources.Scope(query.province_code, query.county_key, query.first, query.last)
    sources.prepare(session)
    days = _count(session, scope, query.by, counted, iran_day(now))
    if query.by in _PARTITIONS:
        everything = _sum(days.values())
    else:
        everything = _sum(_count(session, scope, D.none, counted, iran_day(now)).values())
    labels = labels_for(session, query, (group for _, group in days))
    table = _assemble(query, counted, days, labels, everything)
    if plan.suppress_below:
        table = suppress(table, plan.suppress_below)
    return keep_only(table, list(plan.keys))


def _count(session: Session, scope: sources.Scope, by: Dimension, keys: Iterable[str],
           today: date) -> Days:
    needed = {_SOURCE_OF[key] for key in keys}
    days: Days = {}
    for name in needed:
        for day, group, parts in _rows(session, scope, by, name, today):
            at = date.fromisoformat(day) if isinstance(day, str) else day
            days.setdefault((at, None if group is None else str(group)), Parts()).add(parts)
    return days


def _rows(session: Session, scope: sources.Scope, by: Dimension, name: str,
          today: date) -> Iterator[tuple[Any, Any, Parts]]:
    if name == "arrivals":
        for day, group, minutes in sources.arrivals(session, scope, by):
            yield day, group, Parts(arrivals=[minutes])
        return
    if name == "shelters":
        produced: Iterable[sources.Row] = sources.shelters(session, scope, by, today)
    else:
        source: Callable[..., Iterable[sources.Row]] = getattr(sources, name)
        produced = source(session, scope, by)
    for day, group, sums in produced:
        yield day, group, Parts(sums=sums)


def _sum(items: Iterable[Parts]) -> Parts:
    total = Parts()
    for parts in items:
        total.add(parts)
    return total


def _assemble(query: StatsQuery, keys: list[str], days: Days, labels: Labels,
              everything: Parts) -> StatsTable:
    rolled = roll_up(days, query.first, query.last, query.grain)
    groups = labels.order
    rows = [StatsRow(period, group, *labels.names(group),
                     values_of(rolled.get((period, group), Parts()), keys))
            for period in table_periods(query.first, query.last, query.grain)
            for group in groups]
    span = range_period(query.first, query.last, query.grain)
    per_group: dict[str | None, Parts] = {}
    for (day, group), parts in days.items():
        if query.first <= day <= query.last:
            per_group.setdefault(group, Parts()).add(parts)
    group_totals = [StatsRow(span, group, *labels.names(group),
                             values_of(per_group.get(group, Parts()), keys))
                    for group in groups]
    return StatsTable(query=query, figures=[FIGURES[k] for k in keys], rows=rows,
                      totals=values_of(everything, keys), group_totals=group_totals)
