"""The directory's look-ups: agencies and services for a place, nearest first (ranked by
``model.rank``), the place a request names, and the lists the API answers with. Reads
only: nothing here commits."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from panah.core.errors import InvalidInput
from panah.geo.orm import County, Province
from panah.geo.text import match_key
from panah.triage.directory.model import (
    MAX_LIMIT,
    AgencyDomain,
    Place,
    PlaceTier,
    place_tier,
    rank,
)
from panah.triage.directory.schemas import AgencyPublic, ResourcePublic
from panah.triage.orm import Agency, Resource
from panah.triage.taxonomy import check_categories


def agency_by_code(session: Session, code: str) -> Agency | None:
    return session.scalar(select(Agency).where(Agency.code == code))


def place_of(session: Session, *, county: str | None, province_code: str | None) -> Place:
    """The place a directory request names: a county by its key or its Persian or English
    name (``Q1282160``, ``چالوس``, ``Chalus County``), and its province; refused when the
    county is unknown or lies in another province than the one given."""
    if not county:
        return Place(None, province_code)
    found = _county(session, county)
    if found is None:
        raise InvalidInput(
            f"There is no county {county!r}. Give the county's key (as in /api/geo) or its "
            "name in Persian or English.",
            f"شهرستانی به نام «{county}» پیدا نشد. کلید شهرستان یا نام فارسی یا انگلیسی آن را"
            " بنویسید.", field="county")
    if province_code is not None and found.province_code != province_code:
        raise InvalidInput(
            f"{found.name_en} is in {found.province_code}, not {province_code}: give one of "
            "them, or both consistently.",
            f"{found.name_fa} در استان {found.province_code} است، نه {province_code}: یکی را"
            " بنویسید یا هر دو را هماهنگ.", field="county")
    return Place(found.key, found.province_code)


def requested_place(session: Session, *, county: str | None,
                    province_code: str | None) -> Place:
    """The place a directory request names (:func:`place_of`), its province checked to
    exist first."""
    if province_code is not None and session.get(Province, province_code) is None:
        raise InvalidInput(
            f"There is no province {province_code}; use a code IR-00 … IR-30.",
            f"استانی با کد {province_code} نیست؛ کدی از IR-00 تا IR-30 بنویسید.",
            field="province")
    return place_of(session, county=county, province_code=province_code)


def agencies_public(session: Session, *, county: str | None, province_code: str | None,
                    domain: str | None) -> list[AgencyPublic]:
    """Partner agencies for the place a request names, as :func:`agencies_for` orders
    them."""
    place = requested_place(session, county=county, province_code=province_code)
    rows = agencies_for(session, county_key=place.county_key,
                        province_code=place.province_code, domain=domain)
    return [AgencyPublic.of(row) for row in rows]


def resources_public(session: Session, *, text: str | None, county: str | None,
                     province_code: str | None, need: str | None, language: str,
                     limit: int) -> list[ResourcePublic]:
    """Services for the place a request names, as :func:`search_resources` finds them."""
    place = requested_place(session, county=county, province_code=province_code)
    rows = search_resources(session, text=text, county_key=place.county_key,
                            province_code=place.province_code, need=need,
                            language=language, limit=limit)
    return [ResourcePublic.of(row) for row in rows]


def _county(session: Session, text: str) -> County | None:
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        return None  # a control character is no county name (and PostgreSQL refuses NUL)
    by_key = session.scalar(select(County).where(County.key == text))
    if by_key is not None:
        return by_key
    wanted = match_key(text)
    if not wanted:
        return None
    for row in session.scalars(select(County).order_by(County.key)):
        if wanted in (match_key(row.name_en), match_key(row.name_fa)):
            return row
    return None


def agencies_for(session: Session, *, county_key: str | None, province_code: str | None,
                 domain: str | None = None) -> list[Agency]:
    """Active agencies for a place: the county's own first, then province-wide, then
    national. Without a county, every county's agencies of the province follow the
    province-wide ones; without a province either, all of them."""
    place = _place_with_province(session, county_key, province_code)
    query = select(Agency).where(Agency.active.is_(True))
    if place.province_code is not None:
        query = query.where(or_(Agency.province_code == place.province_code,
                                Agency.province_code.is_(None)))
    if domain is not None:
        query = query.where(Agency.domain == domain)
    order = {d.value: i for i, d in enumerate(AgencyDomain)}
    ranked = []
    for agency in session.scalars(query):
        tier = place_tier(agency.county_key, agency.province_code, place=place)
        if tier is None or (tier is PlaceTier.other_county and place.county_key is not None):
            continue
        ranked.append(((tier, order.get(agency.domain, len(order)), agency.county_key or "",
                        agency.code), agency))
    return [agency for _, agency in sorted(ranked, key=lambda item: item[0])]


def search_resources(session: Session, *, text: str | None, county_key: str | None,
                     province_code: str | None, need: str | None, language: str = "fa",
                     limit: int = 20) -> list[Resource]:
    """Services for a caller: matching ``text`` (Persian or English) and serving ``need``
    (a category code), nearest first (see :func:`rank`)."""
    place = _place_with_province(session, county_key, province_code)
    query = select(Resource)
    if place.province_code is not None:
        query = query.where(or_(Resource.province_code == place.province_code,
                                Resource.province_code.is_(None)))
    if need is not None:
        (category,) = check_categories([need])
        query = query.where(Resource.needs.contains(category.value))
    rows = [r for r in session.scalars(query) if need is None or need in r.needs.split(",")]
    return rank(rows, query=text, place=place, language=language,
                limit=min(max(limit, 1), MAX_LIMIT))


def resources_by_code(session: Session, codes: Sequence[str]) -> list[Resource]:
    """The services of these codes that exist, in the order given."""
    if not codes:
        return []
    found = {r.code: r for r in session.scalars(select(Resource).where(
        Resource.code.in_(list(codes))))}
    return [found[c] for c in dict.fromkeys(codes) if c in found]


def _place_with_province(session: Session, county_key: str | None,
                         province_code: str | None) -> Place:
    """A county's province, looked up when only the county is given."""
    if county_key is not None and province_code is None:
        province_code = session.scalar(select(County.province_code)
                                       .where(County.key == county_key))
    return Place(county_key, province_code)
