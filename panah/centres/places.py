"""Where a centre or a post may be: a county named by its key or its Persian or English
name (the closest names suggested when it is unknown), and whether a point lies in a
province (its imported outline, else the built-in approximation). Reads only."""

from __future__ import annotations

import difflib
import unicodedata
from functools import lru_cache

import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.centres.model import CountyName
from panah.core.errors import InvalidInput
from panah.geo.orm import County, Province
from panah.geo.service import approximate_locator
from panah.geo.text import match_key

SUGGESTIONS = 3
# A post on a beach or a pier lies a little outside a coastline's simplified outline.
SHORE_DEGREES = 0.01  # about a kilometre


def county_name(row: County) -> CountyName:
    return CountyName(row.id, row.key, row.province_code, row.name_fa, row.name_en)


def find_county(session: Session, text: str, *, province_code: str | None = None,
                field: str = "county") -> County:
    """The county ``text`` names (its key, or its name in Persian or English, spelled any
    common way), in ``province_code`` when given; else refused with the closest names."""
    text = text.strip()
    found = _by_key_or_name(session, text, province_code)
    if found is not None:
        return found
    where_en = f" in {province_code}" if province_code else ""
    where_fa = f" در استان {province_code}" if province_code else ""
    close = closest_counties(session, text, province_code=province_code)
    hint_en = f" Did you mean {', '.join(close)}?" if close else ""
    hint_fa = f" شاید منظورتان {' یا '.join(close)} است؟" if close else ""
    raise InvalidInput(
        f"There is no county {text!r}{where_en}. Give its key or its name in Persian or "
        f"English.{hint_en}",
        f"شهرستانی به نام «{text}»{where_fa} پیدا نشد. کلید یا نام فارسی یا انگلیسی آن را "
        f"بنویسید.{hint_fa}", field=field, value=text, suggestions=close)


def _by_key_or_name(session: Session, text: str, province_code: str | None) -> County | None:
    if not text or any(unicodedata.category(ch) == "Cc" for ch in text):
        return None  # a control character is no county name (and PostgreSQL refuses NUL)
    query = select(County).order_by(County.key)
    if province_code is not None:
        query = query.where(County.province_code == province_code)
    by_key = session.scalar(query.where(County.key == text))
    if by_key is not None:
        return by_key
    wanted = match_key(text)
    matches = [row for row in session.scalars(query)
               if wanted and wanted in (match_key(row.name_en), match_key(row.name_fa))]
    if len(matches) > 1:
        raise InvalidInput(
            f"{len(matches)} counties are called {text!r} "
            f"({', '.join(f'{m.key} in {m.province_code}' for m in matches)}): give the key.",
            f"{len(matches)} شهرستان «{text}» نام دارند: کلید شهرستان را بنویسید "
            f"({'، '.join(m.key for m in matches)}).", field="county", value=text)
    return matches[0] if matches else None


def closest_counties(session: Session, text: str, *, province_code: str | None
                     ) -> list[str]:
    """Up to three county names closest to ``text`` ("چالوس (Chalus County)")."""
    query = select(County.name_fa, County.name_en)
    if province_code is not None:
        query = query.where(County.province_code == province_code)
    names: dict[str, str] = {}
    for name_fa, name_en in session.execute(query):
        label = f"{name_fa} ({name_en})"
        names.setdefault(match_key(name_fa), label)
        names.setdefault(match_key(name_en), label)
    close = difflib.get_close_matches(match_key(text), list(names), n=SUGGESTIONS * 2,
                                      cutoff=0.5)
    return list(dict.fromkeys(names[c] for c in close))[:SUGGESTIONS]


def in_province(session: Session, lat: float, lon: float, province_code: str) -> bool:
    """Whether the point lies in the province: inside (or within a kilometre of) its
    imported outline, else where the built-in approximation places it."""
    row = session.execute(select(Province.boundary_wkb).where(Province.code == province_code)
                          ).scalar_one_or_none()
    if row:
        return bool(_outline(row).distance(shapely.Point(lon, lat)) <= SHORE_DEGREES)
    placement = approximate_locator().locate(lat, lon)
    return placement is not None and placement.province_code == province_code


@lru_cache(maxsize=4)
def _outline(wkb: bytes) -> shapely.Geometry:
    geometry = shapely.from_wkb(wkb)
    shapely.prepare(geometry)
    return geometry


def check_in_province(session: Session, lat: float, lon: float, province_code: str, *,
                      what: tuple[str, str]) -> None:
    """Refuse a place outside the province (``what``: "the post", "پایگاه")."""
    if not in_province(session, lat, lon, province_code):
        name = session.get(Province, province_code)
        en = name.name_en if name else province_code
        fa = name.name_fa if name else province_code
        raise InvalidInput(
            f"The point {lat:.5f}, {lon:.5f} is outside {en}: {what[0]} must be in the "
            "province. Click inside the province on the map, or check the coordinates "
            "(latitude first).",
            f"نقطهٔ {lat:.5f}، {lon:.5f} بیرون از استان {fa} است: {what[1]} باید در همین استان "
            "باشد. روی نقشه درون استان کلیک کنید یا مختصات را بررسی کنید (اول عرض جغرافیایی).",
            field="lat", province_code=province_code)
