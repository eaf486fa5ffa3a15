"""De-identified case data for analysts: no names, numbers, notes or exact dates.

Pure rules first (:func:`deidentify`), then the query that feeds them. Each row keeps
only what statistics need — province, county, category, Jalali month, age band, gender,
status — under a pseudonym that is stable across exports (HMAC of the case id with the
hash key) but cannot be turned back into the id without that key. Small groups are
generalised so no row stands out (k-anonymity over the quasi-identifiers): first the
county is dropped to the province, then age band and gender are masked.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import jdatetime

from panah.cases.model import age_band

MASKED = "*"
FIELDS = ("pseudonym", "province_code", "county", "category", "month", "age_band", "gender",
          "status")


@dataclass(frozen=True, slots=True)
class CaseFacts:
    case_id: int
    province_code: str
    county: str | None
    category: str
    opened_at: datetime
    birth_year: int | None
    gender: str | None
    status: str


@dataclass(frozen=True, slots=True)
class DeidentifiedRow:
    pseudonym: str
    province_code: str
    county: str
    category: str
    month: str  # Jalali year-month, e.g. 1405-01
    age_band: str
    gender: str
    status: str

    def quasi(self, level: int) -> tuple[str, ...]:
        keys = [self.province_code, self.category, self.month]
        if level == 0:
            keys.append(self.county)
        if level <= 1:
            keys += [self.age_band, self.gender]
        return tuple(keys)


@dataclass(frozen=True, slots=True)
class Export:
    rows: list[DeidentifiedRow]
    generalised_county: int
    masked_person: int


def pseudonym(key: bytes, case_id: int) -> str:
    return hmac.new(key, f"case:{case_id}".encode(), hashlib.sha256).hexdigest()[:16]


def jalali_month(moment: datetime) -> str:
    day = jdatetime.date.fromgregorian(date=moment.date())
    return f"{day.year:04d}-{day.month:02d}"


def deidentify(facts: Iterable[CaseFacts], *, key: bytes, k: int = 5) -> Export:
    """Rows with identifiers removed and small groups generalised (k ≥ 1)."""
    rows = [
        DeidentifiedRow(
            pseudonym=pseudonym(key, f.case_id), province_code=f.province_code,
            county=f.county or MASKED, category=f.category, month=jalali_month(f.opened_at),
            age_band=age_band(f.birth_year, f.opened_at.year), gender=f.gender or "unknown",
            status=f.status,
        )
        for f in facts
    ]
    rows, counties = _generalise(rows, 0, k, lambda r: replace(r, county=MASKED))
    rows, persons = _generalise(rows, 1, k,
                                lambda r: replace(r, age_band=MASKED, gender=MASKED))
    rows.sort(key=lambda r: (r.province_code, r.month, r.category, r.pseudonym))
    return Export(rows=rows, generalised_county=counties, masked_person=persons)


def _generalise(rows: Sequence[DeidentifiedRow], level: int, k: int,
                coarser: object) -> tuple[list[DeidentifiedRow], int]:
    sizes = Counter(r.quasi(level) for r in rows)
    out, changed = [], 0
    for row in rows:
        if sizes[row.quasi(level)] < k:
            row = coarser(row)  # type: ignore[operator]
            changed += 1
        out.append(row)
    return out, changed


def as_csv_rows(export: Export) -> list[list[str]]:
    return [list(FIELDS)] + [[getattr(r, f) for f in FIELDS] for r in export.rows]
