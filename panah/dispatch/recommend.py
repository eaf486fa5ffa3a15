"""Which unit to send: available units ranked by estimated travel time, each pick explained
("7 min · woman social worker · Chalus post"). Pure: ``now`` and the travel times come in.

The rules:

- Only units whose status is in :data:`AVAILABLE`; units in ``exclude_ids`` (for instance the
  one another dispatcher has just taken) are left out as ``taken``.
- Hard crew needs: every role in ``needs.roles`` must be on the crew.
- The position used is the reported one while it is fresh (``now - position_at`` at most
  ``stale_after``, 15 minutes by default; a time more than a minute in the future is a wrong
  clock, so not fresh either). Otherwise a unit ``available_at_post`` is taken to be at its
  post; any other unit is left out (``position_stale`` or ``no_position``). A unit at its post
  with a fresh position uses that position.
- ONE ``travel.minutes`` call for all candidates: a routing engine answers a matrix at the
  price of one route. ``None`` (or a negative or non-finite answer) leaves the unit out as
  ``unreachable``.
- Score = travel minutes + soft penalties in minutes: :data:`ROTATION_PENALTY_MIN` per
  recent dispatch up to :data:`ROTATION_PENALTY_CAP_MIN` (a rested crew a minute or two
  further goes first; a far one does not), :data:`NO_WOMAN_PENALTY_MIN` when a woman is
  preferred and none is on the crew, :data:`KIND_MISMATCH_PENALTY_MIN` for the wrong kind of
  vehicle. The lowest score goes first; equal scores (to 1/100 minute) go to fewer recent
  dispatches, then the longest since the last dispatch (never = longest), then call sign.
- Explanations show the real travel minutes, rounded up, at least 1: never the score.
- An excluded unit carries the first reason that applies, in the order: taken,
  not_available, crew_lacks, position, unreachable; the excluded keep the input's order.
- The explanation reads "{minutes} min · {crew} · {place}": the crew is "woman <role>" when
  a woman is preferred and on the crew, else its roles ("social worker + psychologist"); the
  place is the post's name when the post's position is used or the unit is within
  :data:`AT_POST_KM` of it, else "on the move". The Persian one has Persian digits and names.
- A Nowruz post is a post only between its dates (``post_dates``, Iranian days): outside
  them the unit waits at its home centre, whose position and name take the post's place
  (reasons ``post_closed`` and ``home_centre:<name>``; "at <centre>" in the explanation).

Stored times without a zone are UTC (SQLite hands them back naive); ``now`` must be aware.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter

import numpy as np
import numpy.typing as npt

from panah.core.clock import as_utc
from panah.dispatch.model import AVAILABLE as _AVAILABLE_STATUSES
from panah.dispatch.model import post_open_on, service_day
from panah.geo.text import to_persian_digits
from panah.geo.travel import InvalidTravelInput, Point, TravelTimes, check_aware, check_point
from panah.geo.travel import great_circle_km as _km

AVAILABLE: frozenset[str] = frozenset(s.value for s in _AVAILABLE_STATUSES)

# Soft preferences, as minutes added to the travel time.
ROTATION_PENALTY_MIN = 2.0  # per dispatch in the caller's rotation window
ROTATION_PENALTY_CAP_MIN = 6.0  # a busy crew still goes when the others are far
NO_WOMAN_PENALTY_MIN = 5.0  # a woman caller or client: worth a few minutes, not a long wait
KIND_MISMATCH_PENALTY_MIN = 3.0  # e.g. a sedan when a family needs the adapted van
SCORE_DECIMALS = 2  # floating-point noise must not decide between equal scores
FUTURE_TOLERANCE = timedelta(minutes=1)  # phones' clocks drift a little
AT_POST_KM = 1.0  # a unit this close to its post is "at" it, for the explanation

ROLE_NAMES: dict[str, tuple[str, str]] = {
    "social_worker": ("social worker", "مددکار اجتماعی"),
    "psychologist": ("psychologist", "روانشناس"),
    "psychiatrist": ("psychiatrist", "روانپزشک"),
    "nurse": ("nurse", "پرستار"),
    "driver": ("driver", "راننده"),
}
_ROLE_ORDER = {role: i for i, role in enumerate(ROLE_NAMES)}


@dataclass(frozen=True, slots=True)
class CrewSeat:
    role: str  # "social_worker" | "psychologist" | "driver" | ...
    is_woman: bool


@dataclass(frozen=True, slots=True)
class UnitView:
    id: int
    call_sign: str
    kind: str  # "adapted_van" | "sedan"
    status: str
    province_code: str | None  # ISO 3166-2:IR e.g. "IR-02" (Mazandaran)
    position: Point | None  # last reported position
    position_at: datetime | None  # when it was reported
    post_name_fa: str | None
    post_name_en: str | None
    post_position: Point | None  # where the unit waits when at post
    crew: tuple[CrewSeat, ...]
    dispatches_recent: int = 0  # assignments in the caller's rotation window (e.g. 12 h)
    last_dispatched_at: datetime | None = None
    # A temporary (Nowruz) post's first and last day; None: a permanent post.
    post_dates: tuple[date | None, date | None] | None = None
    # The home centre: where the unit waits while its post is closed.
    home_name_fa: str | None = None
    home_name_en: str | None = None
    home_position: Point | None = None


@dataclass(frozen=True, slots=True)
class Needs:
    roles: frozenset[str] = frozenset()  # every one must be on the crew (hard)
    prefer_woman: bool = False  # soft: a crew with a woman ranks ahead when ETA is close
    kind: str | None = None  # soft, e.g. "adapted_van" to take a family to a shelter


@dataclass(frozen=True, slots=True)
class Pick:
    unit_id: int
    call_sign: str
    minutes: float  # the travel estimate
    km: float | None  # straight-line km from the position used (travel times carry no km)
    score: float  # minutes + penalties: the ranking key
    reasons: tuple[str, ...]  # "woman_on_crew", "post:<name_en>", "recent_dispatches:2", ...
    explain_en: str  # "7 min · woman social worker · Chalus post"
    explain_fa: str  # "۷ دقیقه · مددکار اجتماعی زن · پایگاه چالوس"


# Why a unit is left out, before any ":detail" (a status, the missing roles).
EXCLUSION_REASONS = ("taken", "not_available", "crew_lacks", "position_stale", "no_position",
                     "unreachable")


@dataclass(frozen=True, slots=True)
class Excluded:
    unit_id: int
    call_sign: str
    reason: str  # "taken", "not_available:<status>", "crew_lacks:<roles>", "position_stale",
    # "no_position", "unreachable"


@dataclass(frozen=True, slots=True)
class Recommendation:
    picks: tuple[Pick, ...]
    excluded: tuple[Excluded, ...]


# (place in the input, unit, origin used, why the post was used or None for a reported
# position). A plain tuple: hundreds are made per call and a class costs ten times more.
_Candidate = tuple[int, UnitView, Point, str | None]
_NEVER = datetime.min.replace(tzinfo=UTC)  # never dispatched: the most rested


def recommend(
    target: Point,
    units: Sequence[UnitView],
    *,
    now: datetime,
    travel: TravelTimes,
    needs: Needs = Needs(),  # frozen, so one shared default is safe
    limit: int = 5,
    stale_after: timedelta = timedelta(minutes=15),
    exclude_ids: frozenset[int] = frozenset(),
) -> Recommendation:
    """Rank the units for a call at ``target``; see the module docstring for the rules."""
    check_point(target, "target")
    check_aware(now, "now")
    if limit < 0:
        raise InvalidTravelInput("limit must be 0 or more.", "تعداد پیشنهادها منفی نمی‌شود.")
    excluded: list[Excluded] = []
    orders: list[int] = []  # of the excluded, to merge the unreachable in input order
    candidates: list[_Candidate] = []
    fresh = (now - stale_after, now + FUTURE_TOLERANCE)  # reported between these: fresh
    day = service_day(now)
    for order, unit in enumerate(units):
        screened = _screen(order, unit, needs.roles, fresh, exclude_ids, day)
        if isinstance(screened, str):
            excluded.append(Excluded(unit.id, unit.call_sign, screened))
            orders.append(order)
        else:
            candidates.append(screened)
    ranked, unreachable = _ranked(candidates, target, now, travel, needs, limit)
    picks = tuple(_pick(row[6], row[5], row[0], target, needs, day) for row in ranked)
    if unreachable:
        merged = sorted([*zip(orders, excluded, strict=True), *unreachable], key=itemgetter(0))
        excluded = [e for _, e in merged]
    return Recommendation(picks, tuple(excluded))


def _screen(order: int, unit: UnitView, roles: frozenset[str], fresh: tuple[datetime, datetime],
            exclude_ids: frozenset[int], day: date) -> _Candidate | str:
    """The unit as a candidate with the position to use, or why it is left out."""
    if unit.id in exclude_ids:
        return "taken"
    if unit.status not in AVAILABLE:
        return f"not_available:{unit.status}"
    if roles:
        missing = roles.difference([seat.role for seat in unit.crew])
        if missing:
            return "crew_lacks:" + ",".join(sorted(missing))
    position = unit.position  # _is_coordinate inlined: this line runs for every unit
    if position is not None and not (-90 <= position[0] <= 90 and -180 <= position[1] <= 180):
        position = None  # a broken fix is no fix
    reported = unit.position_at
    if position is not None and reported is not None:
        if reported.tzinfo is None:  # as_utc, inlined for the same reason
            reported = reported.replace(tzinfo=UTC)
        if fresh[0] <= reported <= fresh[1]:
            return order, unit, position, None
    post, _, _, home = _station(unit, day)
    if unit.status == "available_at_post" and post is not None and _is_coordinate(post):
        used = "home" if home else "post"
        note = f"position_stale_used_{used}" if position is not None else f"no_position_used_{used}"
        return order, unit, post, note
    return "position_stale" if position is not None else "no_position"


def _station(unit: UnitView, day: date) -> tuple[Point | None, str | None, str | None, bool]:
    """Where the unit waits on ``day``: (position, Persian name, English name, at home).
    Its post, unless the post is a Nowruz post outside its dates: then its home centre."""
    if unit.post_dates is None or post_open_on(day, *unit.post_dates):
        return unit.post_position, unit.post_name_fa, unit.post_name_en, False
    return unit.home_position, unit.home_name_fa, unit.home_name_en, True


def _is_coordinate(point: Point | None) -> bool:
    return point is not None and -90 <= point[0] <= 90 and -180 <= point[1] <= 180


_Ranked = tuple[float, int, datetime, str, int, float, _Candidate]  # sort key, minutes, unit
_TIE_ORDER = itemgetter(0, 1, 2, 3, 4)  # never the candidate itself: units do not compare


def _ranked(candidates: list[_Candidate], target: Point, now: datetime, travel: TravelTimes,
            needs: Needs, limit: int) -> tuple[list[_Ranked], list[tuple[int, Excluded]]]:
    """The best ``limit`` as (score, recent dispatches, last dispatched, call sign, id,
    minutes, candidate), best first; and the unreachable with their place in the input."""
    if not candidates:
        return [], []
    answers = travel.minutes([c[2] for c in candidates], target, now)
    if len(answers) != len(candidates):
        raise ValueError(f"travel times answered {len(answers)} origins of {len(candidates)}")
    minutes = np.array([math.nan if a is None else a for a in answers], dtype=np.float64)
    reachable = np.isfinite(minutes) & (minutes >= 0)
    unreachable = [] if reachable.all() else [
        (c[0], Excluded(c[1].id, c[1].call_sign, "unreachable"))
        for c, ok in zip(candidates, reachable.tolist(), strict=True) if not ok]
    scores = np.round(minutes + _penalties(candidates, needs), SCORE_DECIMALS)
    # Only scores up to the limit-th best can be picked: the full tie order is built for those.
    shortlist = np.flatnonzero(reachable)
    if 0 < limit < len(shortlist):
        cut = np.partition(scores[shortlist], limit - 1)[limit - 1]
        shortlist = shortlist[scores[shortlist] <= cut]
    elif limit == 0:
        shortlist = shortlist[:0]
    ranked: list[_Ranked] = []
    for i in shortlist.tolist():
        unit = candidates[i][1]
        last = as_utc(unit.last_dispatched_at) if unit.last_dispatched_at else _NEVER
        ranked.append((float(scores[i]), unit.dispatches_recent, last, unit.call_sign, unit.id,
                       float(minutes[i]), candidates[i]))
    ranked.sort(key=_TIE_ORDER)
    return ranked[:limit], unreachable


def _penalties(candidates: list[_Candidate], needs: Needs) -> npt.NDArray[np.float64]:
    """The soft preferences of every candidate, in minutes."""
    count = len(candidates)
    recent = np.fromiter((c[1].dispatches_recent for c in candidates), np.float64, count)
    penalty = np.minimum(ROTATION_PENALTY_CAP_MIN, ROTATION_PENALTY_MIN * np.maximum(recent, 0))
    if needs.prefer_woman:
        no_woman = np.fromiter((not any(s.is_woman for s in c[1].crew) for c in candidates),
                               np.bool_, count)
        penalty += NO_WOMAN_PENALTY_MIN * no_woman
    if needs.kind is not None:
        other_kind = np.fromiter((c[1].kind != needs.kind for c in candidates), np.bool_, count)
        penalty += KIND_MISMATCH_PENALTY_MIN * other_kind
    return penalty


def _pick(candidate: _Candidate, minutes: float, score: float, target: Point,
          needs: Needs, day: date) -> Pick:
    _, unit, origin, note = candidate
    shown = max(1, math.ceil(minutes - 1e-9))  # float noise (7.000000001) is still 7 minutes
    crew_en, crew_fa = _crew_highlight(unit.crew, needs)
    station = _station(unit, day)
    place_en, place_fa, at_post = _place(station, origin, at_post=note is not None)
    reasons = [note] if note else []
    if station[3]:
        reasons.append("post_closed")
    if not at_post:
        reasons.append("on_the_move")
    else:
        kind = "home_centre" if station[3] else "post"
        reasons.append(f"{kind}:{station[2] or station[1] or ''}")
    if any(seat.is_woman for seat in unit.crew):
        reasons.append("woman_on_crew")
    elif needs.prefer_woman:
        reasons.append("no_woman_on_crew")
    if unit.dispatches_recent > 0:
        reasons.append(f"recent_dispatches:{unit.dispatches_recent}")
    if needs.kind is not None and unit.kind != needs.kind:
        reasons.append(f"kind_mismatch:{unit.kind}")
    return Pick(
        unit_id=unit.id, call_sign=unit.call_sign, minutes=minutes,
        km=round(_km(origin, target), 1), score=score, reasons=tuple(reasons),
        explain_en=f"{shown} min · {crew_en} · {place_en}",
        explain_fa=f"{to_persian_digits(shown)} دقیقه · {crew_fa} · {place_fa}",
    )


def _role_name(role: str) -> tuple[str, str]:
    return ROLE_NAMES.get(role, (role.replace("_", " "), role.replace("_", " ")))


def _crew_highlight(crew: tuple[CrewSeat, ...], needs: Needs) -> tuple[str, str]:
    """What the dispatcher needs to know of the crew, in English and Persian."""

    def rank(seat: CrewSeat) -> tuple[bool, int, str]:
        return seat.role not in needs.roles, _ROLE_ORDER.get(seat.role, len(_ROLE_ORDER)), seat.role

    seats = sorted(crew, key=rank)
    women = [seat for seat in seats if seat.is_woman]
    if needs.prefer_woman and women:
        en, fa = _role_name(women[0].role)
        return f"woman {en}", f"{fa} زن"
    roles = list(dict.fromkeys(seat.role for seat in seats if seat.role != "driver"))
    roles = roles or list(dict.fromkeys(seat.role for seat in seats))
    if not roles:
        return "crew not listed", "خدمه ثبت نشده"
    names = [_role_name(role) for role in roles]
    return " + ".join(en for en, _ in names), " + ".join(fa for _, fa in names)


def _place(station: tuple[Point | None, str | None, str | None, bool], origin: Point, *,
           at_post: bool) -> tuple[str, str, bool]:
    """The post's name when the unit is at (or within a kilometre of) it, "at" its home
    centre when that is where it waits, else on the move."""
    position, name_fa, name_en, home = station
    at_post = at_post or (
        position is not None and _is_coordinate(position) and _km(origin, position) <= AT_POST_KM
    )
    if not at_post:
        return "on the move", "در حرکت", False
    if home:
        return (f"at {name_en}" if name_en else "at its home centre",
                f"در {name_fa}" if name_fa else "در مرکز خود", True)
    return name_en or "at post", name_fa or "در پایگاه", True
