"""The location chain: from every candidate location of a contact, the best usable one.

Sources are tried best first (:class:`LocationSource` order: AML, network, browser, named
place, area code). A fix is skipped, with a trail step saying why in both languages, when it
has no point, is not a coordinate at all, is older than ``max_age`` (default 30 minutes: a
caller in a car moves on), is vaguer than ``max_radius_m`` (default 50 km: wider than most
counties, so it could not pick one), or lies outside Iran. A province-only fix (the landline
area code, a named province) gives a province without a county. When nothing is usable the
location is ``unknown``, which routing turns into the national queue, never a refusal.

Pure: ``now`` and ``locate`` are passed in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from panah.geo.gazetteer import PlaceMatch
from panah.geo.model import Placement
from panah.intake.model import LocationFix, LocationSource, TrailStep

Locate = Callable[[float, float], Placement | None]
FindPlace = Callable[[str], Sequence[PlaceMatch]]

DEFAULT_MAX_AGE = timedelta(minutes=30)
DEFAULT_MAX_RADIUS_M = 50_000.0
PLACE_MIN_SCORE = 85.0  # gazetteer score (0–100) a named place must reach to be believed
# Uncertainty given to a named place: the gazetteer has a point, the caller meant an area.
PLACE_RADIUS_M = {"place": 5_000.0, "county": 25_000.0}
CHAIN: tuple[LocationSource, ...] = tuple(
    s for s in LocationSource if s is not LocationSource.unknown
)

_SOURCE_FA = {
    LocationSource.aml: "موقعیت گوشی (AML)",
    LocationSource.network: "موقعیت شبکهٔ تلفن همراه",
    LocationSource.browser: "موقعیت مرورگر",
    LocationSource.named_place: "مکانی که تماس‌گیرنده نام برد",
    LocationSource.area_code: "پیش‌شمارهٔ تلفن ثابت",
    LocationSource.unknown: "نامعلوم",
}
_SOURCE_EN = {
    LocationSource.aml: "handset location (AML)",
    LocationSource.network: "mobile network location",
    LocationSource.browser: "browser location",
    LocationSource.named_place: "place the caller named",
    LocationSource.area_code: "landline area code",
    LocationSource.unknown: "unknown",
}


def source_names(source: LocationSource) -> tuple[str, str]:
    """(English, Persian) name of a location source, for trails and screens."""
    return _SOURCE_EN[source], _SOURCE_FA[source]


def choose_location(
    candidates: Sequence[LocationFix],
    *,
    now: datetime,
    locate: Locate,
    max_age: timedelta = DEFAULT_MAX_AGE,
    max_radius_m: float = DEFAULT_MAX_RADIUS_M,
) -> tuple[LocationFix, Placement | None, list[TrailStep]]:
    """The first usable fix, best source first; its placement (``None`` when province-only
    or unknown); and the trail of every source tried."""
    trail: list[TrailStep] = []
    for source in CHAIN:
        fixes = _newest_first([f for f in candidates if f.source is source])
        if not fixes:
            trail.append(_missing(source))
            continue
        for fix in fixes:
            step, placement = _try(
                fix, now=now, locate=locate, max_age=max_age, max_radius_m=max_radius_m
            )
            trail.append(step)
            if step.outcome == "used":
                return fix, placement, trail
    trail.append(_nothing())
    return LocationFix(source=LocationSource.unknown), None, trail


def _try(
    fix: LocationFix, *, now: datetime, locate: Locate, max_age: timedelta, max_radius_m: float
) -> tuple[TrailStep, Placement | None]:
    """One fix: a "used" step with its placement, or a "skipped" step saying why."""
    if fix.lat is None or fix.lon is None:
        if fix.province_code:  # province-only: the area code, or a province the caller named
            return _used(fix, None), None
        return _skipped(fix, "no_point", "it has no coordinates", "مختصاتی ندارد"), None
    reason = _unusable(fix, fix.lat, fix.lon, now=now, max_age=max_age,
                       max_radius_m=max_radius_m)
    if reason is not None:
        return reason, None
    placement = locate(fix.lat, fix.lon)
    if placement is None:
        return _skipped(fix, "outside_iran", "the point is outside Iran",
                        "این نقطه بیرون از ایران است"), None
    return _used(fix, placement), placement


def _newest_first(fixes: list[LocationFix]) -> list[LocationFix]:
    """Within one source: the newest fix first, then the most precise."""
    return sorted(
        fixes,
        key=lambda f: (
            -(f.at.timestamp()) if f.at is not None else math.inf,
            f.radius_m if f.radius_m is not None else math.inf,
        ),
    )


def _unusable(
    fix: LocationFix, lat: float, lon: float, *, now: datetime, max_age: timedelta,
    max_radius_m: float,
) -> TrailStep | None:
    if not is_coordinate(lat, lon):
        return _skipped(fix, "not_a_coordinate", f"({lat}, {lon}) is not a coordinate",
                        f"({lat}، {lon}) مختصات درستی نیست")
    if fix.at is not None and now - fix.at > max_age:
        minutes = int((now - fix.at).total_seconds() // 60)
        return _skipped(
            fix, "stale", f"it is {minutes} min old (limit {_minutes(max_age)} min)",
            f"{minutes} دقیقه پیش گرفته شده است (حد: {_minutes(max_age)} دقیقه)",
            age_s=(now - fix.at).total_seconds(),
        )
    if fix.radius_m is not None and fix.radius_m > max_radius_m:
        return _skipped(
            fix, "too_vague",
            f"its uncertainty of {fix.radius_m / 1000:g} km is over {max_radius_m / 1000:g} km",
            f"عدم قطعیت آن {fix.radius_m / 1000:g} کیلومتر و بیش از "
            f"{max_radius_m / 1000:g} کیلومتر است",
        )
    return None


def is_coordinate(lat: float, lon: float) -> bool:
    return math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _fix_data(fix: LocationFix) -> dict[str, object]:
    data: dict[str, object] = {"source": fix.source.value}
    for name in ("lat", "lon", "radius_m", "province_code"):
        value = getattr(fix, name)
        if value is not None:
            data[name] = value
    if fix.at is not None:
        data["at"] = fix.at.isoformat()
    if fix.detail:
        data["detail"] = fix.detail
    return data


def _missing(source: LocationSource) -> TrailStep:
    en, fa = source_names(source)
    return TrailStep(f"location:{source.value}", "missing", f"No {en} was given.",
                     f"{fa} در دست نیست.", {"source": source.value})


def _skipped(
    fix: LocationFix, reason: str, why_en: str, why_fa: str, **extra: object
) -> TrailStep:
    en, fa = source_names(fix.source)
    return TrailStep(
        f"location:{fix.source.value}", "skipped", f"The {en} was not used: {why_en}.",
        f"{fa} به کار نرفت: {why_fa}.", {**_fix_data(fix), "reason": reason, **extra},
    )


def _used(fix: LocationFix, placement: Placement | None) -> TrailStep:
    en, fa = source_names(fix.source)
    if placement is None:  # province only
        where_en = f"province {fix.province_code}"
        where_fa = f"استان {fix.province_code}"
    else:
        county_en = placement.county_name_en or "county unknown"
        county_fa = placement.county_name_fa or "شهرستان نامعلوم"
        where_en = f"{county_en}, {placement.province_name_en}"
        where_fa = f"{county_fa}، {placement.province_name_fa}"
    note_en = " (approximate)" if placement is None or placement.approximate else ""
    note_fa = " (تقریبی)" if placement is None or placement.approximate else ""
    return TrailStep(
        f"location:{fix.source.value}", "used", f"Located by the {en}: {where_en}{note_en}.",
        f"مکان‌یابی با {fa}: {where_fa}{note_fa}.",
        {**_fix_data(fix), "method": placement.method if placement else "province_only"},
    )


def _nothing() -> TrailStep:
    return TrailStep(
        "location", "unknown",
        "No usable location: the contact goes to the national queue and is never refused.",
        "هیچ موقعیت قابل استفاده‌ای نیست: تماس به صف ملی می‌رود و هرگز رد نمی‌شود.",
        {"source": LocationSource.unknown.value},
    )


def fix_from_place(
    text: str, find_place: FindPlace, *, min_score: float = PLACE_MIN_SCORE
) -> tuple[LocationFix | None, TrailStep]:
    """A named-place fix from the gazetteer's best match, if it scores at least ``min_score``.

    A province gives a province-only fix (a province is wider than any radius worth
    locating by); a county or a place gives its point with :data:`PLACE_RADIUS_M`.
    """
    query = text.strip()
    matches = list(find_place(query)) if query else []
    if not matches:
        return None, _place_step("not_found", f"No place called {query!r} was found.",
                                 f"مکانی به نام «{query}» پیدا نشد.", query)
    best = matches[0]
    if best.score < min_score:
        return None, _place_step(
            "uncertain",
            f"{query!r} best matches {best.name_en} at {best.score:g}/100, under {min_score:g}: "
            "ask the caller again.",
            f"«{query}» بیشترین شباهت را به {best.name_fa or best.name_en} دارد با امتیاز "
            f"{best.score:g} از ۱۰۰، کمتر از {min_score:g}: دوباره از تماس‌گیرنده بپرسید.",
            query, match=best.name_en, score=best.score,
        )
    fix = _place_fix(query, best)
    return fix, _place_step(
        "matched", f"{query!r} is {best.name_en} ({best.kind}, score {best.score:g}).",
        f"«{query}» همان {best.name_fa or best.name_en} است (امتیاز {best.score:g}).",
        query, match=best.name_en, kind=best.kind, score=best.score,
    )


def _place_fix(query: str, match: PlaceMatch) -> LocationFix:
    if match.kind == "province":
        return LocationFix(source=LocationSource.named_place,
                           province_code=match.province_code, detail=query)
    return LocationFix(
        source=LocationSource.named_place, lat=match.lat, lon=match.lon,
        radius_m=PLACE_RADIUS_M[match.kind], province_code=match.province_code, detail=query,
    )


def _place_step(
    outcome: str, detail_en: str, detail_fa: str, query: str, **data: object
) -> TrailStep:
    return TrailStep("gazetteer", outcome, detail_en, detail_fa, {"query": query, **data})
