"""The statistics' shapes and rules (pure): which figures exist, what each means, how a
request is asked and how small cells are hidden.

CONTRACT (groundwork for issue 18; the helpers fill in, the names stay):
- ``FIGURES``: every figure's stable key, unit, names and definition in both languages.
  The monthly report's JSON, the exports' columns and the definitions page use these keys.
- ``StatsQuery`` → ``panah.reports.statistics.queries.statistics(session, *, actor, query,
  now) -> StatsTable``: one row per (period, group), ``values`` keyed by figure key.

For the pages and the report (parts C and D):
- ``StatsTable.rows``: every period of the range × every group of the dimension (zeros
  filled in, so a time series has no holes; a county map gets every county of the
  province). A period at either end of the range counts only the days inside the range.
- ``StatsTable.totals``: each figure over the whole range and every group (a contact with
  two categories counts once here, although it counts in both categories' rows).
- ``StatsTable.group_totals``: one row per group over the whole range (the county map,
  a bar chart); its ``period`` spans the range (``range_period``), with grain of the query.
- ``StatsTable.suppressed_below``: set (10) for an analyst's or the public's table; every
  count from 1 to 9 is then ``None``, and so is every rate or average resting on one.
- ``PUBLIC_FIGURES``: what the public figures page may show; ``ANALYST_UNITS``: the units
  an analyst sees (counts and rates, never times per contact).
- Rates with nothing to divide by are ``None`` (not 0); percentages are 0–100, one decimal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from panah.reports.periods import Grain, Period, period_of, periods
from panah.reports.statistics.definitions import DEFINITIONS


class Unit(StrEnum):
    number = "number"  # a count of things
    pct = "pct"  # 0–100
    seconds = "seconds"
    minutes = "minutes"


class Dimension(StrEnum):
    """What a table's rows are split by, besides the period."""

    none = "none"
    province = "province"
    county = "county"
    channel = "channel"
    category = "category"
    risk = "risk"
    outcome = "outcome"
    agency = "agency"


@dataclass(frozen=True, slots=True)
class FigureDef:
    key: str
    unit: Unit
    name_fa: str
    name_en: str
    definition_fa: str
    definition_en: str
    # Which dimensions split this figure (a shelter's occupancy has no channel).
    dimensions: frozenset[Dimension] = frozenset({Dimension.none, Dimension.province,
                                                  Dimension.county})
    # The counts this figure rests on (a rate's numerator and denominator, the count an
    # average is over): when one of them is suppressed, so is this figure.
    based_on: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StatsQuery:
    province_code: str | None  # None: the nation
    first: date  # Iran days, both in
    last: date
    grain: Grain = Grain.month
    by: Dimension = Dimension.none
    county_key: str | None = None
    figures: tuple[str, ...] = ()  # () = every figure the dimension allows


@dataclass(frozen=True, slots=True)
class StatsRow:
    period: Period
    group: str | None  # the dimension's value (a channel, a county key …); None for none
    group_fa: str
    group_en: str
    values: dict[str, float | int | None]  # None: suppressed or not defined (0 offered → %)


@dataclass(frozen=True, slots=True)
class StatsTable:
    query: StatsQuery
    figures: list[FigureDef]
    rows: list[StatsRow]
    suppressed_below: int | None = None  # the analyst's and the public's view: cells < k hidden
    totals: dict[str, float | int | None] = field(default_factory=dict)  # the whole range
    group_totals: list[StatsRow] = field(default_factory=list)  # each group, whole range


# --- the catalogue ----------------------------------------------------------------------

D = Dimension
_CONTACT = frozenset({D.none, D.province, D.county, D.channel, D.category, D.risk, D.outcome})
_PLACE = frozenset({D.none, D.province, D.county})
_ANSWERED = ("contacts_answered", "abandoned")
# key: unit, dimensions, based_on. Names and definitions are in definitions.py.
_SHAPES: dict[str, tuple[Unit, frozenset[Dimension], tuple[str, ...]]] = {
    "contacts_offered": (Unit.number, _CONTACT, ()),
    "contacts_answered": (Unit.number, _CONTACT, ()),
    "abandoned": (Unit.number, _CONTACT, ()),
    "answered_within_20s": (Unit.number, _CONTACT, ()),
    "answered_within_20s_pct": (Unit.pct, _CONTACT, ("answered_within_20s", *_ANSWERED)),
    "abandoned_pct": (Unit.pct, _CONTACT, _ANSWERED),
    "average_speed_of_answer_s": (Unit.seconds, _CONTACT, ("contacts_answered",)),
    "average_handling_time_s": (Unit.seconds, _CONTACT, ("contacts_answered",)),
    "repeat_contacts": (Unit.number, _CONTACT, ()),
    "callbacks": (Unit.number, frozenset({D.none, D.province, D.county, D.channel, D.risk}),
                  ()),
    "callbacks_in_time": (Unit.number,
                          frozenset({D.none, D.province, D.county, D.channel, D.risk}), ()),
    "callbacks_in_time_pct": (Unit.pct,
                              frozenset({D.none, D.province, D.county, D.channel, D.risk}),
                              ("callbacks_in_time", "callbacks")),
    "overflow_out": (Unit.number, frozenset({D.none, D.province, D.county, D.channel, D.risk}),
                     ()),
    "overflow_in": (Unit.number, frozenset({D.none, D.province, D.channel, D.risk}), ()),
    "team_requests": (Unit.number, frozenset({D.none, D.province, D.county, D.channel, D.risk}),
                      ()),
    "arrival_median_min": (Unit.minutes, _PLACE, ("team_requests",)),
    "arrival_p90_min": (Unit.minutes, _PLACE, ("team_requests",)),
    "referrals": (Unit.number, frozenset({D.none, D.province, D.county, D.agency}), ()),
    "referrals_ack_in_time": (Unit.number, frozenset({D.none, D.province, D.county, D.agency}),
                              ()),
    "referrals_ack_in_time_pct": (Unit.pct,
                                  frozenset({D.none, D.province, D.county, D.agency}),
                                  ("referrals_ack_in_time", "referrals")),
    "cases_opened": (Unit.number, _PLACE, ()),
    "cases_closed": (Unit.number, _PLACE, ()),
    "shelter_bed_nights": (Unit.number, _PLACE, ()),
    "shelter_occupancy_pct": (Unit.pct, _PLACE, ("shelter_bed_nights",)),
    "base_sessions": (Unit.number, _PLACE, ()),
    "base_attendance": (Unit.number, _PLACE, ()),
}

FIGURES: dict[str, FigureDef] = {
    key: FigureDef(key, unit, *DEFINITIONS[key], dimensions=dims, based_on=based)
    for key, (unit, dims, based) in _SHAPES.items()
}
# What 988 publishes: the public page's figures (counts, rates and the speed of answer).
PUBLIC_FIGURES = ("contacts_offered", "contacts_answered", "answered_within_20s_pct",
                  "abandoned_pct", "average_speed_of_answer_s")
ANALYST_UNITS = frozenset({Unit.number, Unit.pct})
SUPPRESS_BELOW = 10
# "Answered within 20 s": a wait (from joining a queue to the answer) of at most this.
ANSWER_TARGET_S = 20


def figures_for(by: Dimension, *, county: bool = False,
                units: frozenset[Unit] | None = None) -> list[FigureDef]:
    """Every figure ``by`` splits (and, in a county's table, those a county splits), of
    ``units`` if given, in catalogue order."""
    return [f for f in FIGURES.values() if by in f.dimensions
            and (not county or D.county in f.dimensions)
            and (units is None or f.unit in units)]


def with_bases(keys: Iterable[str]) -> list[str]:
    """``keys`` and every count they rest on, each once, in catalogue order."""
    wanted = set(keys)
    for key in list(wanted):
        wanted.update(FIGURES[key].based_on)
    return [k for k in FIGURES if k in wanted]


# --- arithmetic ------------------------------------------------------------------------

Value = float | int | None


def rate(part: float | int, whole: float | int, *, digits: int = 1) -> float | None:
    """``part`` as a percentage of ``whole``; None when there is nothing to divide by."""
    if not whole:
        return None
    return round(100.0 * part / whole, digits)


def mean(total: float | int, count: float | int, *, digits: int = 1) -> float | None:
    if not count:
        return None
    return round(total / count, digits)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0–100) by linear interpolation between closest ranks (the
    median of 10 and 20 is 15); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# --- the parts counted per day, and the figures made of them -----------------------------


@dataclass(slots=True)
class Parts:
    """What the database counts for one Iran day (or a period, or a range) and one group:
    sums that add up across days, and arrival times (minutes) for the percentiles."""

    sums: dict[str, float] = field(default_factory=dict)
    arrivals: list[float] = field(default_factory=list)

    def add(self, other: Parts) -> None:
        for key, value in other.sums.items():
            self.sums[key] = self.sums.get(key, 0.0) + value
        self.arrivals.extend(other.arrivals)

    def get(self, key: str) -> float:
        return self.sums.get(key, 0.0)


def _count(key: str) -> Callable[[Parts], Value]:
    return lambda p: int(p.get(key))


def _one(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


_DERIVED: dict[str, Callable[[Parts], Value]] = {
    "answered_within_20s_pct": lambda p: rate(
        p.get("answered_within_20s"), p.get("contacts_answered") + p.get("abandoned")),
    "abandoned_pct": lambda p: rate(p.get("abandoned"),
                                    p.get("contacts_answered") + p.get("abandoned")),
    "average_speed_of_answer_s": lambda p: mean(p.get("answer_wait_s"),
                                                p.get("contacts_answered")),
    "average_handling_time_s": lambda p: mean(p.get("handling_s"), p.get("handled")),
    "callbacks_in_time_pct": lambda p: rate(p.get("callbacks_in_time"), p.get("callbacks")),
    "arrival_median_min": lambda p: _one(percentile(p.arrivals, 50)),
    "arrival_p90_min": lambda p: _one(percentile(p.arrivals, 90)),
    "referrals_ack_in_time_pct": lambda p: rate(p.get("referrals_ack_in_time"),
                                                p.get("referrals")),
    "shelter_occupancy_pct": lambda p: rate(p.get("shelter_bed_nights"), p.get("bed_days")),
}


def values_of(parts: Parts, keys: Iterable[str]) -> dict[str, Value]:
    """The figures ``keys`` made of ``parts``."""
    return {k: (_DERIVED[k] if k in _DERIVED else _count(k))(parts) for k in keys}


def roll_up(days: Mapping[tuple[date, str | None], Parts], first: date, last: date,
            grain: Grain) -> dict[tuple[Period, str | None], Parts]:
    """Per-(Iran day, group) parts summed into the periods of ``grain`` covering ``first``
    … ``last``; days outside that range are left out."""
    out: dict[tuple[Period, str | None], Parts] = {}
    for (day, group), parts in days.items():
        if first <= day <= last:
            out.setdefault((period_of(day, grain), group), Parts()).add(parts)
    return out


def range_period(first: date, last: date, grain: Grain) -> Period:
    """One period spanning the whole range (for the totals of each group)."""
    start, end = period_of(first, Grain.day), period_of(last, Grain.day)
    return Period(grain, f"{start.key}..{end.key}", first, last + timedelta(days=1))


def table_periods(first: date, last: date, grain: Grain) -> list[Period]:
    return periods(first, last, grain)


# --- small cells -----------------------------------------------------------------------


def hide_small(values: Mapping[str, Value], k: int) -> dict[str, Value]:
    """A count from 1 to ``k`` − 1 becomes None (0 stays: nobody is in it); a figure
    resting on a hidden count (its ``based_on``) becomes None too."""
    hidden = {key for key, value in values.items()
              if FIGURES[key].unit is Unit.number and value is not None and 0 < value < k}
    out: dict[str, Value] = {}
    for key, value in values.items():
        bases = set(FIGURES[key].based_on)
        missing = bases - values.keys()
        out[key] = None if key in hidden or bases & hidden or missing else value
    return out


def suppress(table: StatsTable, k: int = SUPPRESS_BELOW) -> StatsTable:
    """``table`` with every small count hidden, and every rate or average resting on one
    (see ``hide_small``); marks the table ``suppressed_below=k``."""
    def rows(items: list[StatsRow]) -> list[StatsRow]:
        return [replace(r, values=hide_small(r.values, k)) for r in items]

    return replace(table, rows=rows(table.rows), group_totals=rows(table.group_totals),
                   totals=hide_small(table.totals, k), suppressed_below=k)


def keep_only(table: StatsTable, keys: Sequence[str]) -> StatsTable:
    """``table`` with only the figures ``keys`` (after suppression, which needed the
    counts a rate rests on)."""
    def pick(values: Mapping[str, Value]) -> dict[str, Value]:
        return {k: values[k] for k in keys if k in values}

    return replace(
        table, figures=[FIGURES[k] for k in keys],
        rows=[replace(r, values=pick(r.values)) for r in table.rows],
        group_totals=[replace(r, values=pick(r.values)) for r in table.group_totals],
        totals=pick(table.totals))


# --- shelters: bed-nights ------------------------------------------------------------------

BedStay = tuple[int, date, date | None]  # bed, Iran day in, Iran day out (None: still in)


def _merged(spans: list[tuple[date, date]]) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def bed_days(active_beds: Iterable[int], stays: Sequence[BedStay], first: date,
             last: date) -> list[tuple[date, int, int]]:
    """Per Iran day from ``first`` to ``last``: beds used (a bed once a day, the check-out
    day included, as ``panah.centres.shelters.model.occupancy`` counts them) and beds there
    were (the active ones, and any other bed used that day). Linear in days and stays."""
    size = (last - first).days + 1
    if size <= 0:
        return []
    active = set(active_beds)
    used, extra = [0] * (size + 1), [0] * (size + 1)
    spans: dict[int, list[tuple[date, date]]] = {}
    for bed, start, end in stays:
        spans.setdefault(bed, []).append((start, end if end is not None else last))
    for bed, items in spans.items():
        for start, end in _merged(items):
            lo, hi = max(start, first), min(end, last)
            if lo > hi:
                continue
            for counts in (used,) if bed in active else (used, extra):
                counts[(lo - first).days] += 1
                counts[(hi - first).days + 1] -= 1
    out: list[tuple[date, int, int]] = []
    in_use = extra_beds = 0
    for offset in range(size):
        in_use += used[offset]
        extra_beds += extra[offset]
        out.append((first + timedelta(days=offset), in_use, len(active) + extra_beds))
    return out
