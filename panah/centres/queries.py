"""The read side of centres: a province's centres and who answers for each of its
counties, the export rows (``CentreIn``) and the stamp routing rebuilds on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panah.centres.model import KIND_LABELS, Answer, CentreKind, CountyName
from panah.centres.orm import Centre, CountyService
from panah.centres.places import county_name
from panah.centres.schemas import (
    CentreIn,
    CentrePublic,
    CountyPublic,
    CoveragePublic,
    CoverageRowPublic,
)
from panah.core.errors import Forbidden, NotFound
from panah.geo.orm import County, Province
from panah.security.policy import Actor, Resource, decide
from panah.security.roles import Permission


def coverage_stamp(session: Session) -> tuple[object, ...]:
    """Moves with every change of coverage: the newest revision and the number of rows."""
    return tuple(session.execute(
        select(func.max(CountyService.revision), func.count()).select_from(CountyService)
    ).one())


def may_manage(actor: Actor, province_code: str) -> bool:
    """Whether ``actor`` may change the organisation of ``province_code``."""
    return decide(actor, Permission.manage_organisation,
                  Resource("centre", province_code=province_code)).allowed


def centre_resource(session: Session, code: str) -> Resource | None:
    """A centre's place, for the access checks (None: no such centre)."""
    province = session.scalar(select(Centre.province_code).where(Centre.code == code))
    return Resource("centre", province_code=province) if province is not None else None


def answers(session: Session, province_codes: Iterable[str]) -> list[Answer]:
    """Each county of the provinces that a centre answers for, with that centre."""
    rows = session.execute(
        select(County, Centre.code, Centre.name_fa, Centre.name_en,
               CountyService.covering_county_id)
        .join(CountyService, CountyService.county_id == County.id)
        .join(Centre, Centre.id == CountyService.centre_id)
        .where(County.province_code.in_(list(province_codes)))
        .order_by(County.name_en)
    ).all()
    return [Answer(county_name(county), code, fa, en, own=covering is None)
            for county, code, fa, en, covering in rows]


def _public(county: County | CountyName) -> CountyPublic:
    return CountyPublic(key=county.key, name_fa=county.name_fa, name_en=county.name_en)


def province_counties(session: Session, province_code: str) -> list[CountyPublic]:
    """The province's counties, by English name (for the forms' choices)."""
    return [_public(c) for c in session.scalars(
        select(County).where(County.province_code == province_code).order_by(County.name_en))]


@dataclass(frozen=True, slots=True)
class _Served:
    county: County
    covering_county_id: int | None


def _served(session: Session, centre_ids: list[int]) -> dict[int, list[_Served]]:
    found: dict[int, list[_Served]] = defaultdict(list)
    rows = session.execute(
        select(CountyService.centre_id, CountyService.covering_county_id, County)
        .join(County, County.id == CountyService.county_id)
        .where(CountyService.centre_id.in_(centre_ids)).order_by(County.name_en))
    for centre_id, covering, county in rows:
        found[centre_id].append(_Served(county, covering))
    return found


def _call_signs(session: Session, centre_ids: list[int]) -> dict[int, list[str]]:
    # Imported here: the 123 line reads this module, and stands below dispatch.
    from panah.dispatch.orm import Unit

    found: dict[int, list[str]] = defaultdict(list)
    for centre_id, call_sign in session.execute(
            select(Unit.home_centre_id, Unit.call_sign)
            .where(Unit.home_centre_id.in_(centre_ids), Unit.retired_at.is_(None))
            .order_by(Unit.call_sign)):
        found[centre_id].append(call_sign)
    return found


def _centres(session: Session, *where: object) -> list[Centre]:
    return list(session.scalars(select(Centre).where(*where)  # type: ignore[arg-type]
                                .order_by(Centre.province_code, Centre.code)))


def _centre_public(centre: Centre, county: County | None, served: list[_Served],
                   units: list[str]) -> CentrePublic:
    kind = CentreKind(centre.kind)
    own_first = sorted(served, key=lambda s: s.county.id != centre.county_id)
    return CentrePublic(
        id=centre.id, code=centre.code, kind=kind.value, kind_en=KIND_LABELS[kind][0],
        kind_fa=KIND_LABELS[kind][1], name_fa=centre.name_fa, name_en=centre.name_en,
        province_code=centre.province_code, county=_public(county) if county else None,
        lat=centre.lat, lon=centre.lon, hours=centre.hours, has_shelter=centre.has_shelter,
        shelter_beds=centre.shelter_beds, covers=[_public(s.county) for s in own_first],
        units=units)


def _publish(session: Session, centres: list[Centre]) -> list[CentrePublic]:
    ids = [c.id for c in centres]
    served, units = _served(session, ids), _call_signs(session, ids)
    counties = {c.id: c for c in session.scalars(select(County).where(
        County.id.in_([c.county_id for c in centres if c.county_id is not None])))}
    return [_centre_public(c, counties.get(c.county_id or 0), served.get(c.id, []),
                           units.get(c.id, [])) for c in centres]


def centres_public(session: Session, *, province_code: str | None) -> list[CentrePublic]:
    """The province's centres (every province's: None), each with the counties it
    answers for and its units."""
    where = [Centre.province_code == province_code] if province_code else []
    return _publish(session, _centres(session, *where))


def centre_public(session: Session, code: str) -> CentrePublic:
    found = _centres(session, Centre.code == code)
    if not found:
        raise NotFound(f"There is no centre {code!r}.", f"مرکزی با کد «{code}» نیست.",
                       code=code)
    return _publish(session, found)[0]


def coverage_public(session: Session, *, province_code: str) -> CoveragePublic:
    """Every county of the province and the centre answering for it; gaps counted."""
    if session.get(Province, province_code) is None:
        raise NotFound(f"There is no province {province_code}.",
                       f"استانی با کد {province_code} نیست.")
    counties = {c.id: c for c in session.scalars(
        select(County).where(County.province_code == province_code))}
    rows = {r.county_id: r for r in session.scalars(
        select(CountyService).where(CountyService.county_id.in_(list(counties))))}
    centres = {c.id: c for c in session.scalars(select(Centre).where(
        Centre.id.in_({r.centre_id for r in rows.values()})))}
    lines = []
    for county in sorted(counties.values(), key=lambda c: c.name_en):
        row = rows.get(county.id)
        centre = centres.get(row.centre_id) if row else None
        covering = counties.get(row.covering_county_id or 0) if row else None
        lines.append(CoverageRowPublic(
            county=_public(county), centre_id=centre.id if centre else None,
            centre_code=centre.code if centre else None,
            centre_name_fa=centre.name_fa if centre else None,
            centre_name_en=centre.name_en if centre else None,
            covering=_public(covering) if covering else None))
    return CoveragePublic(province_code=province_code, counties=lines,
                          unanswered=sum(1 for line in lines if line.centre_code is None))


def centre_rows(session: Session, *, actor: Actor) -> list[CentreIn]:
    """Every centre ``actor`` may manage, as it is entered (one spreadsheet row each)."""
    centres = [c for c in _centres(session) if may_manage(actor, c.province_code)]
    ids = [c.id for c in centres]
    served = _served(session, ids)
    counties = {c.id: c for c in session.scalars(select(County).where(
        County.id.in_([c.county_id for c in centres if c.county_id is not None])))}
    rows = []
    for centre in centres:
        own = counties.get(centre.county_id or 0)
        automatic = centre.kind == CentreKind.county_centre.value
        covers = [s.county.name_en for s in served.get(centre.id, [])
                  if not (automatic and s.county.id == centre.county_id)]
        rows.append(CentreIn(
            code=centre.code, kind=CentreKind(centre.kind), name_fa=centre.name_fa,
            name_en=centre.name_en, province_code=centre.province_code,
            county=own.name_en if own else None, lat=centre.lat, lon=centre.lon,
            covers=covers, hours=centre.hours, has_shelter=centre.has_shelter,
            shelter_beds=centre.shelter_beds))
    return rows


@dataclass(frozen=True, slots=True)
class CentresPage:
    """The organisation page of one province: its centres, its coverage, its counties."""

    province: Province
    provinces: list[Province]  # those the actor may manage (to switch between)
    centres: list[CentrePublic]
    coverage: CoveragePublic
    counties: list[CountyPublic]


def managed_provinces(session: Session, *, actor: Actor) -> list[Province]:
    return [p for p in session.scalars(select(Province).order_by(Province.code))
            if may_manage(actor, p.code)]


def centres_page(session: Session, *, actor: Actor, province_code: str | None
                 ) -> CentresPage:
    """``province_code`` (else the actor's own, else the first they manage)."""
    provinces = managed_provinces(session, actor=actor)
    chosen = province_code or actor.province_code
    province = next((p for p in provinces if p.code == chosen), None)
    if province is None:
        if chosen is not None and session.get(Province, chosen) is not None:
            raise Forbidden("You manage your own province's organisation only.",
                            "شما فقط سازمان استان خود را مدیریت می‌کنید.",
                            province_code=chosen)
        province = provinces[0] if provinces else None
    if province is None:
        raise NotFound("There is no province to manage.", "استانی برای مدیریت نیست.")
    return CentresPage(province, provinces,
                       centres_public(session, province_code=province.code),
                       coverage_public(session, province_code=province.code),
                       province_counties(session, province.code))


@dataclass(frozen=True, slots=True)
class CentreForm:
    """The form of one centre: the centre (None: a new one), its province's counties, and
    the province's other centres (drawn on the map)."""

    province: Province
    centre: CentrePublic | None
    counties: list[CountyPublic]
    others: list[CentrePublic]


def centre_form(session: Session, *, actor: Actor, code: str | None,
                province_code: str | None) -> CentreForm:
    """The form for centre ``code``, or for a new centre of ``province_code``."""
    centre = centre_public(session, code) if code else None
    chosen = centre.province_code if centre else (province_code or actor.province_code)
    province = session.get(Province, chosen) if chosen else None
    if province is None:
        managed = managed_provinces(session, actor=actor)
        if not managed:
            raise NotFound("There is no province to manage.", "استانی برای مدیریت نیست.")
        province = managed[0]
    if not may_manage(actor, province.code):
        raise Forbidden("You manage your own province's organisation only.",
                        "شما فقط سازمان استان خود را مدیریت می‌کنید.",
                        province_code=province.code)
    others = [c for c in centres_public(session, province_code=province.code)
              if centre is None or c.code != centre.code]
    return CentreForm(province, centre, province_counties(session, province.code), others)
