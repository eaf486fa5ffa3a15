"""Find a province, county or place by its Persian or English name, spelling variants allowed.

Names are compared in :func:`panah.geo.text.match_key` form (Arabic/Persian letters, ZWNJ and
spaces, "County"/"شهرستان" made equal), and English names also in a transliteration
skeleton (``Chaloos``, ``Chalous`` and ``Chalus`` are one word), then scored with
rapidfuzz. Pure: built once from the packaged data files, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from rapidfuzz import fuzz, process

from panah.geo.reference import county_facts, place_facts, province_facts
from panah.geo.text import is_persian, match_key

Kind = Literal["province", "county", "place"]
_KIND_RANK: dict[str, int] = {"province": 0, "county": 1, "place": 2}
MIN_SCORE = 72.0

# Transliteration variants of the same Persian sounds (order matters: longest first).
_SKELETON = [
    (re.compile(r"ou|oo|uu|ow(?=[^aeiou]|$)"), "u"),
    (re.compile(r"ee|ii|ey(?=[^aeiou]|$)"), "i"),
    (re.compile(r"aa|â|ā"), "a"),
    (re.compile(r"gh|q"), "q"),
    (re.compile(r"kh"), "x"),
    (re.compile(r"w"), "v"),
    (re.compile(r"(.)\1"), r"\1"),  # doubled letters (Shiraz / Shirraz)
    (re.compile(r"(?<=[^aeiou])e(?=[^aeiou]|$)"), ""),  # ezafe and short e: Bandar-e Gaz
]


def skeleton(key: str) -> str:
    """A looser Latin key for transliterations: vowel spellings and doubled letters merged."""
    for pattern, replacement in _SKELETON:
        key = pattern.sub(replacement, key)
    return key


@dataclass(frozen=True)
class PlaceMatch:
    name_fa: str | None
    name_en: str
    kind: Kind
    lat: float
    lon: float
    province_code: str
    county_key: str | None
    score: float  # 0–100, 100 for an exact match of the normalised name
    population: int | None = None


@dataclass(frozen=True)
class _Entry:
    match: PlaceMatch
    keys: tuple[str, ...]


def _entry(match: PlaceMatch) -> _Entry:
    keys = {match_key(match.name_en)}
    if match.name_fa:
        keys.add(match_key(match.name_fa))
    return _Entry(match, tuple(k for k in keys if k))


@cache
def _entries() -> tuple[_Entry, ...]:
    entries = [
        _entry(PlaceMatch(p.name_fa, p.name_en, "province", p.capital_lat, p.capital_lon,
                          p.code, None, 0.0, p.population_2016))
        for p in province_facts()
    ]
    for c in county_facts():
        lat = c.seat_lat if c.seat_lat is not None else c.rep_lat
        lon = c.seat_lon if c.seat_lon is not None else c.rep_lon
        entries.append(_entry(PlaceMatch(c.name_fa, c.name_en, "county", lat, lon,
                                         c.province_code, c.key, 0.0, c.population_2016)))
    seen: dict[str, list[tuple[float, float]]] = {}
    for p in sorted(place_facts(), key=lambda p: -p.population):
        near = seen.setdefault(match_key(p.name_en), [])
        # GeoNames sometimes lists a town twice (city and populated place): keep the larger.
        if any(abs(p.lat - a) < 0.05 and abs(p.lon - b) < 0.05 for a, b in near):
            continue
        near.append((p.lat, p.lon))
        entries.append(_entry(PlaceMatch(p.name_fa, p.name_en, "place", p.lat, p.lon,
                                         p.province_code, p.county_key, 0.0, p.population)))
    return tuple(entries)


@cache
def _choices() -> tuple[list[str], list[str], list[int]]:
    """Flat lists of (key, skeleton) with the entry each came from."""
    keys: list[str] = []
    skeletons: list[str] = []
    owners: list[int] = []
    for i, entry in enumerate(_entries()):
        for key in entry.keys:
            keys.append(key)
            skeletons.append(key if is_persian(key) else skeleton(key))
            owners.append(i)
    return keys, skeletons, owners


def _scores(query: str, *, limit: int) -> dict[int, float]:
    keys, skeletons, owners = _choices()
    best: dict[int, float] = {}
    searches = [(query, keys)]
    if not is_persian(query):
        searches.append((skeleton(query), skeletons))
    for text, choices in searches:
        for _, score, index in process.extract(
            text, choices, scorer=fuzz.ratio, limit=limit * 20, score_cutoff=MIN_SCORE
        ):
            owner = owners[index]
            best[owner] = max(best.get(owner, 0.0), float(score))
    return best


def find_place(query: str, *, limit: int = 5) -> list[PlaceMatch]:
    """The best matches for ``query`` (Persian or English), best first.

    Ties are broken by kind (province, county, then place) and then by population.
    """
    key = match_key(query)
    if not key or limit <= 0:
        return []
    entries = _entries()
    scored = _scores(key, limit=limit)
    ranked = sorted(
        scored.items(),
        key=lambda item: (
            -round(item[1], 1),
            _KIND_RANK[entries[item[0]].match.kind],
            -(entries[item[0]].match.population or 0),
        ),
    )
    return [_with_score(entries[i].match, score) for i, score in ranked[:limit]]


def _with_score(match: PlaceMatch, score: float) -> PlaceMatch:
    return PlaceMatch(
        match.name_fa, match.name_en, match.kind, match.lat, match.lon,
        match.province_code, match.county_key, round(score, 1), match.population,
    )
