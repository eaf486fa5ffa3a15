"""The directory's look-ups: agencies and services for a place, nearest first (ranked by
``model.rank``), the place a request names, and the lists the API answers with; for its
administrators, the entries with their staff (``agencies_admin``, ``resources_admin``), the
facts the access dependencies decide on (``agency_resource``, ``service_resource``) and the
rows an export writes (``agency_rows``, ``resource_rows``). Reads only: nothing here
commits."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from panah.core.errors import Forbidden, InvalidInput, NotFound
from panah.geo.orm import County, Province
from panah.geo.text import match_key
from panah.security.orm import User
from panah.security.policy import Actor
from panah.security.policy import Resource as PolicyResource
from panah.triage.directory.model import (
    MAX_LIMIT,
    AgencyDomain,
    Place,
    PlaceTier,
    may_manage,
    place_tier,
    rank,
    reaches_nation,
)
from panah.triage.directory.schemas import (
    AgencyAdminPublic,
    AgencyIn,
    AgencyPublic,
    ResourceIn,
    ResourcePublic,
    StaffPublic,
)
from panah.triage.orm import Agency, AgencyStaff, Referral, Resource
from panah.triage.referrals.queries import OPEN_STATES
from panah.triage.taxonomy import check_categories


def agency_by_code(session: Session, code: str) -> Agency | None:
    return session.scalar(select(Agency).where(Agency.code == code))


def place_of(session: Session, *, county: str | None, province_code: str | None) -> Place:
    """The place a directory request names: a county by its key or its Persian or English
    name (``Q1282160``, ``چالوس``, ``Chalus County``), and its province; refused when the
    county is unknown or lies in another province than the one given."""
    if not county:
        return Place(None, province_code)
    found = county_named(session, county, province_code=province_code)
    return Place(found.key, found.province_code)


def county_named(session: Session, text: str, *, province_code: str | None = None,
                 field: str = "county") -> County:
    """The county ``text`` names (its key, or its Persian or English name, spelling
    variants forgiven), those of ``province_code`` first; refused with the closest names
    suggested when there is none, or when it lies in another province than the one given."""
    found = _county(session, text, province_code)
    if found is None:
        raise unknown_county(session, text, province_code=province_code, field=field)
    if province_code is not None and found.province_code != province_code:
        raise InvalidInput(
            f"{found.name_en} is in {found.province_code}, not {province_code}: give one of "
            "them, or both consistently.",
            f"{found.name_fa} در استان {found.province_code} است، نه {province_code}: یکی را"
            " بنویسید یا هر دو را هماهنگ.", field=field)
    return found


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


def unknown_county(session: Session, text: str, *, province_code: str | None,
                   field: str = "county") -> InvalidInput:
    """The refusal of a county name nobody knows, with the closest names (of the
    province, if one is given) to choose from."""
    close = closest_counties(session, text, province_code=province_code)
    where_en = f" in {province_code}" if province_code else ""
    where_fa = f" در استان {province_code}" if province_code else ""
    hint_en = ("Did you mean: " + ", ".join(f"{fa} ({en})" for fa, en in close) + "? "
               if close else "")
    hint_fa = ("آیا منظورتان یکی از این‌هاست: " + "، ".join(fa for fa, _ in close) + "؟ "
               if close else "")
    return InvalidInput(
        f"There is no county {text!r}{where_en}. {hint_en}Give the county's key (as in "
        "/api/geo) or its name in Persian or English.",
        f"شهرستانی به نام «{text}»{where_fa} پیدا نشد. {hint_fa}کلید شهرستان یا نام فارسی یا"
        " انگلیسی آن را بنویسید.",
        field=field, suggestions=[en for _, en in close])


def closest_counties(session: Session, text: str, *, province_code: str | None,
                     limit: int = 3) -> list[tuple[str, str]]:
    """Up to ``limit`` counties whose names are nearest ``text``, as (Persian, English)
    names, the nearest first."""
    query = select(County)
    if province_code is not None:
        query = query.where(County.province_code == province_code)
    counties = list(session.scalars(query.order_by(County.key)))
    choices = {}
    for index, row in enumerate(counties):
        choices[(index, "fa")] = match_key(row.name_fa)
        choices[(index, "en")] = match_key(row.name_en)
    found = process.extract(match_key(text), choices, scorer=fuzz.ratio, limit=limit * 2,
                            score_cutoff=50)
    names: dict[int, None] = {}
    for _, _, (index, _) in found:
        names.setdefault(index, None)
    return [(counties[i].name_fa, counties[i].name_en) for i in list(names)[:limit]]


def _county(session: Session, text: str, province_code: str | None = None) -> County | None:
    """The county ``text`` names: by key, else by name, those of ``province_code`` first."""
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        return None  # a control character is no county name (and PostgreSQL refuses NUL)
    by_key = session.scalar(select(County).where(County.key == text))
    if by_key is not None:
        return by_key
    wanted = match_key(text)
    if not wanted:
        return None
    named = [row for row in session.scalars(select(County).order_by(County.key))
             if wanted in (match_key(row.name_en), match_key(row.name_fa))]
    return next((row for row in named if row.province_code == province_code),
                named[0] if named else None)


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


# --- for the directory's administrators ------------------------------------------------


def agency_resource(session: Session, code: str) -> PolicyResource | None:
    """The facts the policy decides an agency's administration on: its province (a
    national agency, such as the 1480 line, is beyond every provincial scope)."""
    row = session.scalar(select(Agency).where(Agency.code == str(code)))
    if row is None:
        return None
    return PolicyResource("agency", province_code=row.province_code,
                          nation_wide=row.province_code is None)


def service_resource(session: Session, code: str) -> PolicyResource | None:
    """The facts the policy decides a service's administration on: its province."""
    row = session.scalar(select(Resource).where(Resource.code == str(code)))
    if row is None:
        return None
    return PolicyResource("directory_service", province_code=row.province_code,
                          nation_wide=row.province_code is None)


def managed_province(actor: Actor, asked: str | None) -> str | None:
    """The province whose entries an administrator's list shows: the one asked for (a
    national administrator, any; a provincial one, their own); ``None``: every province."""
    if reaches_nation(actor):
        return asked
    if asked is not None and asked != actor.province_code:
        raise Forbidden(
            f"You keep the directory of your own province ({actor.province_code}) only.",
            f"شما تنها فهرست سازمان‌ها و خدمات استان خود ({actor.province_code}) را نگه "
            "می‌دارید.", province_code=asked)
    return actor.province_code


def _open_referrals(session: Session, agency_ids: Sequence[int]) -> dict[int, int]:
    if not agency_ids:
        return {}
    rows = session.execute(
        select(Referral.agency_id, func.count()).where(
            Referral.agency_id.in_(list(agency_ids)),
            Referral.state.in_([s.value for s in OPEN_STATES]))
        .group_by(Referral.agency_id))
    return {agency_id: count for agency_id, count in rows}


def _staff(session: Session, agency_ids: Sequence[int]) -> dict[int, list[StaffPublic]]:
    found: dict[int, list[StaffPublic]] = {}
    if not agency_ids:
        return found
    rows = session.execute(
        select(AgencyStaff.agency_id, User.username, User.full_name)
        .join(User, User.id == AgencyStaff.user_id)
        .where(AgencyStaff.agency_id.in_(list(agency_ids))).order_by(User.username))
    for agency_id, username, full_name in rows:
        found.setdefault(agency_id, []).append(StaffPublic(username=username,
                                                           full_name=full_name))
    return found


def _counties_of(session: Session, keys: Sequence[str | None]) -> dict[str, County]:
    wanted = sorted({k for k in keys if k})
    if not wanted:
        return {}
    return {c.key: c for c in session.scalars(select(County).where(County.key.in_(wanted)))}


def admin_agencies(session: Session, rows: Sequence[Agency]) -> list[AgencyAdminPublic]:
    """Agencies as their administrators see them (staff, account, open referrals)."""
    ids = [row.id for row in rows]
    staff, opened = _staff(session, ids), _open_referrals(session, ids)
    counties = _counties_of(session, [row.county_key for row in rows])
    accounts = dict(session.execute(select(User.id, User.username).where(
        User.id.in_([row.user_id for row in rows if row.user_id is not None]))).all())
    out = []
    for row in rows:
        county = counties.get(row.county_key or "")
        out.append(AgencyAdminPublic(
            **AgencyPublic.of(row).model_dump(), active=row.active,
            county_name_fa=county.name_fa if county else None,
            county_name_en=county.name_en if county else None,
            api_account=accounts.get(row.user_id) if row.user_id is not None else None,
            staff=staff.get(row.id, []), open_referrals=opened.get(row.id, 0)))
    return out


def agencies_admin(session: Session, *, actor: Actor, province_code: str | None,
                   county: str | None, domain: str | None) -> list[AgencyAdminPublic]:
    """Every agency an administrator keeps, active or not: national administrators all
    (or one province's), a provincial one their own province's. By province, county,
    domain and code."""
    province = managed_province(actor, province_code)
    place = requested_place(session, county=county, province_code=province)
    query = select(Agency)
    if place.province_code is not None:
        query = query.where(Agency.province_code == place.province_code)
    if place.county_key is not None:
        query = query.where(Agency.county_key == place.county_key)
    if domain is not None:
        query = query.where(Agency.domain == domain)
    order = {d.value: i for i, d in enumerate(AgencyDomain)}
    rows = sorted(session.scalars(query), key=lambda a: (
        a.province_code or "", a.county_key or "", order.get(a.domain, len(order)), a.code))
    return admin_agencies(session, rows)


def resources_admin(session: Session, *, actor: Actor, province_code: str | None,
                    county: str | None, text: str | None = None) -> list[ResourcePublic]:
    """Every service an administrator keeps (as :func:`agencies_admin` chooses), by
    province, county and code; ``text`` narrows them as a counsellor's search would."""
    province = managed_province(actor, province_code)
    place = requested_place(session, county=county, province_code=province)
    query = select(Resource)
    if place.province_code is not None:
        query = query.where(Resource.province_code == place.province_code)
    if place.county_key is not None:
        query = query.where(Resource.county_key == place.county_key)
    rows = list(session.scalars(query))
    if text and text.strip():
        rows = rank(rows, query=text, place=Place(), limit=MAX_LIMIT)
    else:
        rows.sort(key=lambda r: (r.province_code or "", r.county_key or "", r.code))
    return [ResourcePublic.of(row) for row in rows]


def agency_admin(session: Session, *, code: str) -> AgencyAdminPublic:
    """One agency as its administrators see it."""
    row = session.scalar(select(Agency).where(Agency.code == code))
    if row is None:
        raise NotFound(f"There is no agency {code} in the directory.",
                       f"سازمانی با کد {code} در فهرست نیست.", code=code)
    return admin_agencies(session, [row])[0]


def service_admin(session: Session, *, code: str) -> ResourcePublic:
    """One service of the directory."""
    row = session.scalar(select(Resource).where(Resource.code == code))
    if row is None:
        raise NotFound(f"There is no service {code} in the directory.",
                       f"خدمتی با کد {code} در فهرست نیست.", code=code)
    return ResourcePublic.of(row)


def partner_accounts(session: Session, *, province_code: str | None) -> list[StaffPublic]:
    """The active partner-agency accounts an agency of ``province_code`` may have as its
    staff or machine account (every province's, for a national agency)."""
    query = select(User.username, User.full_name).where(
        User.role == "partner_agency", User.is_active.is_(True), User.disabled_at.is_(None))
    if province_code is not None:
        query = query.where(User.province_code == province_code)
    return [StaffPublic(username=u, full_name=n)
            for u, n in session.execute(query.order_by(User.username))]


# --- the rows an export writes (the bulk import reads them back) ------------------------


def _managed(actor: Actor, province_code: str | None) -> bool:
    return bool(may_manage(actor, province_code))


def agency_rows(session: Session, *, actor: Actor) -> list[AgencyIn]:
    """The agencies ``actor`` keeps, as the rows an import reads (county by Persian name)."""
    rows = [a for a in session.scalars(select(Agency).order_by(Agency.code))
            if _managed(actor, a.province_code)]
    counties = _counties_of(session, [a.county_key for a in rows])
    return [AgencyIn(code=a.code, domain=AgencyDomain(a.domain), name_fa=a.name_fa,
                     name_en=a.name_en, province_code=a.province_code,
                     county=_county_text(counties, a.county_key), phone=a.phone,
                     active=a.active) for a in rows]


def resource_rows(session: Session, *, actor: Actor) -> list[ResourceIn]:
    """The services ``actor`` keeps, as the rows an import reads."""
    rows = [r for r in session.scalars(select(Resource).order_by(Resource.code))
            if _managed(actor, r.province_code)]
    counties = _counties_of(session, [r.county_key for r in rows])
    return [ResourceIn(code=r.code, name_fa=r.name_fa, name_en=r.name_en,
                       description_fa=r.description_fa, description_en=r.description_en,
                       needs=[n for n in r.needs.split(",") if n],
                       province_code=r.province_code,
                       county=_county_text(counties, r.county_key), phone=r.phone,
                       address_fa=r.address_fa, hours_fa=r.hours_fa) for r in rows]


def _county_text(counties: dict[str, County], key: str | None) -> str | None:
    """A county as a spreadsheet names it: its Persian name (its key if unknown)."""
    if key is None:
        return None
    county = counties.get(key)
    return county.name_fa if county is not None else key


# --- the administrators' page ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CountyChoice:
    key: str
    name_fa: str
    name_en: str


@dataclass(frozen=True, slots=True)
class DirectoryAdminPage:
    """What /admin/directory shows: the entries of the province chosen (filtered by
    county, domain and need), the choices of the filters and forms, and the entries being
    edited, if any."""

    province_code: str | None
    national: bool  # the actor keeps every province's directory (a province may be chosen)
    provinces: list[Province]
    counties: list[CountyChoice]
    agencies: list[AgencyAdminPublic]
    services: list[ResourcePublic]
    accounts: list[StaffPublic]  # partner-agency accounts that may be staff
    edit_agency: AgencyIn | None
    edit_service: ResourceIn | None


def directory_admin_page(session: Session, *, actor: Actor, province_code: str | None,
                         county: str | None, domain: str | None, need: str | None,
                         edit_agency: str | None = None,
                         edit_service: str | None = None) -> DirectoryAdminPage:
    """The administrators' directory page: a national administrator sees the province
    asked for (every province's entries when none is), a provincial one their own."""
    province = managed_province(actor, province_code)
    agencies = agencies_admin(session, actor=actor, province_code=province, county=county,
                              domain=domain)
    services = resources_admin(session, actor=actor, province_code=province, county=county)
    if need:
        services = [s for s in services if need in {n.code for n in s.needs}]
    counties = [] if province is None else [
        CountyChoice(c.key, c.name_fa, c.name_en) for c in session.scalars(
            select(County).where(County.province_code == province).order_by(County.name_fa))]
    agency_rows_ = {a.code: a for a in agency_rows(session, actor=actor)} if edit_agency else {}
    service_rows = ({r.code: r for r in resource_rows(session, actor=actor)}
                    if edit_service else {})
    return DirectoryAdminPage(
        province_code=province, national=reaches_nation(actor),
        provinces=list(session.scalars(select(Province).order_by(Province.code))),
        counties=counties, agencies=agencies, services=services,
        accounts=partner_accounts(session, province_code=province),
        edit_agency=agency_rows_.get(edit_agency or ""),
        edit_service=service_rows.get(edit_service or ""))
