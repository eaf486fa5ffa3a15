"""Routing a contact: location → county → the centre responsible for it → the province's queue.

Pure: the location chain's inputs, ``now``, a ``locate`` function, the county coverage and
the per-province line configuration are passed in (``panah.intake.routing.context`` builds the last
three from the database). An unknown location goes to the national queue: a contact is never
refused for want of a location. Every step is written to the trail, in both languages.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Protocol

from panah.core.errors import InvalidInput
from panah.geo.model import EARTH_RADIUS_KM, Placement
from panah.intake.model import NATIONAL_QUEUE, LocationFix, RouteDecision, TrailStep
from panah.intake.routing.location import (
    DEFAULT_MAX_AGE,
    DEFAULT_MAX_RADIUS_M,
    Locate,
    choose_location,
)

# Iran has kept standard time all year since 2022 (no daylight saving): a fixed offset is
# exact and needs no tz database.
IRAN_TIME = timezone(timedelta(hours=3, minutes=30), "IRST")
DEFAULT_OVERFLOW_AFTER_S = 20.0
BACKUPS_PER_PROVINCE = 2
# Backups chosen by the service rather than by distance between capitals. Mazandaran's
# nearest capital is Semnan's (114 km, across the Alborz), but the Nowruz surge plan pairs it
# with Golestan (127 km along the Caspian coast road, the same travellers and dialects).
PREFERRED_BACKUPS: dict[str, tuple[str, ...]] = {"IR-02": ("IR-27",)}


@dataclass(frozen=True, slots=True)
class CentreCover:
    """The centre that answers for a county: its own, or its covering county's (معین)."""

    centre_code: str
    covering_county_key: str | None = None  # None: the county has its own centre
    centre_name_en: str = ""
    centre_name_fa: str = ""


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Open from ``start`` to ``end`` Iran time; ``end`` before ``start`` spans midnight."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


@dataclass(frozen=True, slots=True)
class LineConfig:
    """One province's 123 line: its queue, hours and where its overflow goes.

    ``hours`` empty means open 24/7. After ``overflow_after_s`` unanswered seconds a contact
    is offered to ``backup_queues`` (in order) and ``overflow_partners`` too (extra queues by
    agreement, e.g. a sister centre); after twice that, to the national pool as well.
    """

    province_code: str
    queue: str = ""  # defaults to the province code
    hours: tuple[OpeningHours, ...] = ()
    overflow_after_s: float = DEFAULT_OVERFLOW_AFTER_S
    backup_queues: tuple[str, ...] = ()
    national_pool: bool = True
    overflow_partners: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.queue:
            object.__setattr__(self, "queue", self.province_code)
        if not (math.isfinite(self.overflow_after_s) and self.overflow_after_s > 0):
            raise InvalidInput(
                f"overflow_after_s must be a positive number of seconds, not "
                f"{self.overflow_after_s}; the default is {DEFAULT_OVERFLOW_AFTER_S:g}.",
                f"overflow_after_s باید شمار مثبتی از ثانیه‌ها باشد، نه {self.overflow_after_s}؛ "
                f"پیش‌فرض {DEFAULT_OVERFLOW_AFTER_S:g} است.",
                province=self.province_code,
            )

    def is_open(self, now: datetime) -> bool:
        if not self.hours:
            return True
        local = now.astimezone(IRAN_TIME).time()
        return any(h.contains(local) for h in self.hours)


class HasCapital(Protocol):
    @property
    def code(self) -> str: ...

    @property
    def capital_lat(self) -> float: ...

    @property
    def capital_lon(self) -> float: ...


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def default_lines(
    provinces: Iterable[HasCapital],
    *,
    backups: int = BACKUPS_PER_PROVINCE,
    preferred: Mapping[str, Sequence[str]] = PREFERRED_BACKUPS,
) -> dict[str, LineConfig]:
    """A 24/7 line per province whose backups are its ``preferred`` partners, then the
    provinces with the nearest capitals (great-circle), ``backups`` in all; then the
    national pool."""
    items = list(provinces)
    lines: dict[str, LineConfig] = {}
    for p in items:
        nearest = sorted(
            (q for q in items if q.code != p.code),
            key=lambda q: (great_circle_km(p.capital_lat, p.capital_lon,
                                           q.capital_lat, q.capital_lon), q.code),
        )
        chosen = list(dict.fromkeys([*preferred.get(p.code, ()), *(q.code for q in nearest)]))
        lines[p.code] = LineConfig(p.code, backup_queues=tuple(chosen[:backups]))
    return lines


def route(
    candidates: Sequence[LocationFix],
    *,
    now: datetime,
    locate: Locate,
    coverage: Mapping[str, CentreCover],
    lines: Mapping[str, LineConfig],
    max_age: timedelta = DEFAULT_MAX_AGE,
    max_radius_m: float = DEFAULT_MAX_RADIUS_M,
) -> RouteDecision:
    """Where a contact goes, and the trail of why."""
    fix, placement, trail = choose_location(
        candidates, now=now, locate=locate, max_age=max_age, max_radius_m=max_radius_m
    )
    province = placement.province_code if placement else fix.province_code
    if province is None:
        trail.append(_national_step())
        return RouteDecision(NATIONAL_QUEUE, None, None, None, fix, True, tuple(trail))
    county = placement.county_key if placement else None
    cover = coverage.get(county) if county else None
    trail.append(_centre_step(placement, cover))
    names = (placement.province_name_en, placement.province_name_fa) if placement else None
    line = lines.get(province) or LineConfig(province)
    queue = _queue(line, lines, now, trail, names or (province, province))
    return RouteDecision(
        queue=queue,
        province_code=province,
        county_key=county,
        centre_code=cover.centre_code if cover else None,
        location=fix,
        approximate=placement is None or placement.approximate,
        trail=tuple(trail),
    )


def _national_step() -> TrailStep:
    return TrailStep(
        "queue", "chosen",
        "No province is known: the national 123 queue answers (a contact is never refused).",
        "استان معلوم نیست: صف ملی ۱۲۳ پاسخ می‌دهد (هیچ تماسی رد نمی‌شود).",
        {"queue": NATIONAL_QUEUE},
    )


def _centre_step(placement: Placement | None, cover: CentreCover | None) -> TrailStep:
    county_en = placement.county_name_en if placement else None
    county_fa = placement.county_name_fa if placement else None
    if cover is None:
        where_en = county_en or "the location (province only)"
        where_fa = county_fa or "این موقعیت (تنها استان)"
        return TrailStep(
            "centre", "none",
            f"No centre is registered for {where_en}: the provincial 123 centre answers.",
            f"برای {where_fa} مرکزی ثبت نشده است: مرکز استانی ۱۲۳ پاسخ می‌دهد.",
            {"county_key": placement.county_key if placement else None},
        )
    name_en = cover.centre_name_en or cover.centre_code
    name_fa = cover.centre_name_fa or cover.centre_code
    data: dict[str, object] = {
        "county_key": placement.county_key if placement else None,
        "centre": cover.centre_code,
        "covering_county_key": cover.covering_county_key,
    }
    if cover.covering_county_key is None:
        return TrailStep("centre", "own", f"{county_en} is served by its own centre, {name_en}.",
                         f"{county_fa} مرکز خودش را دارد: {name_fa}.", data)
    return TrailStep(
        "centre", "covering",
        f"{county_en} has no centre of its own: its covering county's centre, {name_en}, "
        "answers for it.",
        f"{county_fa} مرکز ندارد: مرکز شهرستان معین آن، {name_fa}، پاسخ‌گوی آن است.",
        data,
    )


def _queue(
    line: LineConfig, lines: Mapping[str, LineConfig], now: datetime, trail: list[TrailStep],
    names: tuple[str, str],
) -> str:
    """The province's own queue when open; else its first open backup; else the national."""
    if line.is_open(now):
        trail.append(TrailStep(
            "queue", "chosen", f"Queued on the 123 line of {names[0]} ({line.queue}).",
            f"در صف خط ۱۲۳ استان {names[1]} ({line.queue}) قرار گرفت.",
            {"queue": line.queue, "province": line.province_code},
        ))
        return line.queue
    by_queue = {config.queue: config for config in lines.values()}
    for backup in line.backup_queues:
        config = by_queue.get(backup)
        if config is None or config.is_open(now):
            trail.append(_closed_step(line, backup))
            return backup
    trail.append(_closed_step(line, NATIONAL_QUEUE))
    return NATIONAL_QUEUE


def _closed_step(line: LineConfig, target: str) -> TrailStep:
    return TrailStep(
        "queue", "closed",
        f"{line.province_code}'s 123 line is closed at this hour: queued on {target}.",
        f"خط ۱۲۳ استان {line.province_code} در این ساعت بسته است: در صف {target} قرار گرفت.",
        {"queue": target, "closed": line.queue},
    )


def decision_as_dict(decision: RouteDecision) -> dict[str, object]:
    """A JSON-ready view of a decision (for ``--json`` and API responses)."""
    fix = decision.location
    return {
        "queue": decision.queue,
        "province": decision.province_code,
        "county": decision.county_key,
        "centre": decision.centre_code,
        "approximate": decision.approximate,
        "location": {
            "source": fix.source.value,
            "lat": fix.lat,
            "lon": fix.lon,
            "radius_m": fix.radius_m,
            "at": fix.at.isoformat() if fix.at else None,
            "province": fix.province_code,
            "detail": fix.detail or None,
        },
        "trail": [
            {"step": s.step, "outcome": s.outcome, "detail_en": s.detail_en,
             "detail_fa": s.detail_fa, "data": s.data}
            for s in decision.trail
        ],
    }
