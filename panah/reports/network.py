"""The service network as the home pages and the map show it: centres, posts, units and
their crews, and counts of them by region.

Read only. The dashboards' domain reads the tables of centres and dispatch; the rows come
back as small frozen views, so a page holds no ORM object.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from panah.centres.orm import Centre, CentreKind, CountyService
from panah.dispatch.orm import CrewMember, Post, PostKind, Unit
from panah.geo.orm import County, Province
from panah.geo.queries import RegionName


@dataclass(frozen=True, slots=True)
class CentreCard:
    code: str
    kind: str
    name_fa: str
    name_en: str
    lat: float
    lon: float
    has_shelter: bool
    shelter_beds: int


@dataclass(frozen=True, slots=True)
class PostCard:
    code: str
    kind: str
    name_fa: str
    name_en: str
    lat: float
    lon: float
    active_from: date | None
    active_to: date | None


@dataclass(frozen=True, slots=True)
class UnitCard:
    call_sign: str
    kind: str
    status: str


@dataclass(frozen=True, slots=True)
class CrewCard:
    full_name: str
    role: str


@dataclass(frozen=True, slots=True)
class UnitView:
    """A unit with the post it stands at (and that post's county) and its crew."""

    unit: UnitCard
    post: PostCard | None
    county: RegionName | None
    crew: tuple[CrewCard, ...]


@dataclass(frozen=True, slots=True)
class RegionCounts:
    """What one province or county has: centres, units, posts (Nowruz posts among them)."""

    region: RegionName
    centres: int = 0
    units: int = 0
    posts: int = 0
    nowruz_posts: int = 0


@dataclass(frozen=True, slots=True)
class NetworkTotals:
    """The whole network in figures, for the analyst."""

    provinces: int
    counties: int
    centre_kinds: tuple[tuple[str, int], ...]  # every kind, with its count
    units: int
    posts: int  # permanent ones
    nowruz_posts: int
    shelter_beds: int


def centre_card(centre: Centre) -> CentreCard:
    return CentreCard(centre.code, centre.kind, centre.name_fa, centre.name_en, centre.lat,
                      centre.lon, centre.has_shelter, centre.shelter_beds)


def _post_card(post: Post) -> PostCard:
    return PostCard(post.code, post.kind, post.name_fa, post.name_en, post.lat, post.lon,
                    post.active_from, post.active_to)


def _county_name(county: County) -> RegionName:
    return RegionName(county.key, county.name_fa, county.name_en)


def centres(session: Session, province: str | None, *kinds: CentreKind) -> list[CentreCard]:
    """Centres (of one province, of some kinds) by province, kind and English name."""
    query = select(Centre).order_by(Centre.province_code, Centre.kind, Centre.name_en)
    if province:
        query = query.where(Centre.province_code == province)
    if kinds:
        query = query.where(Centre.kind.in_([k.value for k in kinds]))
    return [centre_card(c) for c in session.scalars(query)]


def coverage(
    session: Session, province: str
) -> list[tuple[RegionName, CentreCard, RegionName | None]]:
    """Every county of the province with the centre that answers for it, and the covering
    county (شهرستان معین) when that centre is another county's."""
    covering = aliased(County)
    rows = session.execute(
        select(County, Centre, covering)
        .join(CountyService, CountyService.county_id == County.id)
        .join(Centre, Centre.id == CountyService.centre_id)
        .outerjoin(covering, covering.id == CountyService.covering_county_id)
        .where(County.province_code == province)
        .order_by(County.name_en)
    ).all()
    return [(_county_name(county), centre_card(centre), _county_name(cover) if cover else None)
            for county, centre, cover in rows]


def units(
    session: Session, province: str | None, *, unit_ids: list[int] | None = None
) -> list[UnitView]:
    """Units (of one province's centres, or these ones) by call sign, with posts and crews."""
    query = (
        select(Unit, Post, County)
        .join(Centre, Centre.id == Unit.home_centre_id)
        .outerjoin(Post, Post.id == Unit.post_id)
        .outerjoin(County, County.id == Post.county_id)
        .order_by(Unit.call_sign)
    )
    if province:
        query = query.where(Centre.province_code == province)
    if unit_ids is not None:
        query = query.where(Unit.id.in_(unit_ids))
    found = session.execute(query).all()
    crews: dict[int, list[CrewCard]] = {unit.id: [] for unit, _, _ in found}
    members = session.scalars(
        select(CrewMember).where(CrewMember.unit_id.in_(crews)).order_by(CrewMember.id)
    )
    for member in members:
        crews[member.unit_id].append(CrewCard(member.full_name, member.role))
    return [
        UnitView(UnitCard(unit.call_sign, unit.kind, unit.status),
                 _post_card(post) if post else None,
                 _county_name(county) if county else None, tuple(crews[unit.id]))
        for unit, post, county in found
    ]


def units_crewed_by(session: Session, user_id: int) -> list[UnitView]:
    """The units this user is on the crew of (none for most users)."""
    unit_ids = list(
        session.scalars(select(CrewMember.unit_id).where(CrewMember.user_id == user_id))
    )
    return units(session, None, unit_ids=unit_ids) if unit_ids else []


def posts(session: Session, province: str | None) -> list[tuple[PostCard, RegionName]]:
    """Posts (of one province) with their counties: Nowruz posts first, then by name."""
    return [(_post_card(post), _county_name(county))
            for post, county, _ in _posts(session, province)]


def _posts(session: Session, province: str | None) -> list[tuple[Post, County, str]]:
    query = (
        select(Post, County, County.province_code)
        .join(County, County.id == Post.county_id)
        .order_by(Post.kind.desc(), County.name_en, Post.name_en)
    )
    if province:
        query = query.where(County.province_code == province)
    return [(post, county, code) for post, county, code in session.execute(query).all()]


class _Tally:
    """Counts for one region while they are gathered."""

    def __init__(self, region: RegionName) -> None:
        self.region, self.centres, self.units, self.posts, self.nowruz_posts = region, 0, 0, 0, 0

    def add_post(self, post: Post) -> None:
        self.posts += 1
        self.nowruz_posts += post.kind == PostKind.nowruz

    def frozen(self) -> RegionCounts:
        return RegionCounts(self.region, self.centres, self.units, self.posts, self.nowruz_posts)


def county_counts(session: Session, province: str) -> list[RegionCounts]:
    """Each county of the province, by English name, with its centres, units and posts."""
    counties = session.scalars(
        select(County).where(County.province_code == province).order_by(County.name_en)
    )
    rows = {c.id: _Tally(_county_name(c)) for c in counties}
    by_county = session.execute(
        select(Centre.county_id, func.count()).where(Centre.province_code == province)
        .group_by(Centre.county_id)
    )
    for county_id, count in by_county:
        if county_id in rows:
            rows[county_id].centres = count
    for post, county, _ in _posts(session, province):
        rows[county.id].add_post(post)
    at_posts = session.execute(
        select(Post.county_id, func.count(Unit.id)).join(Unit, Unit.post_id == Post.id)
        .group_by(Post.county_id)
    )
    for county_id, count in at_posts:
        if county_id in rows:
            rows[county_id].units = count
    return [row.frozen() for row in rows.values()]


def province_counts(session: Session) -> list[RegionCounts]:
    """Provinces that have any centre or post, by code, with their centres, units (those
    at a post in the province) and posts."""
    names = {p.code: RegionName(p.code, p.name_fa, p.name_en)
             for p in session.scalars(select(Province))}
    rows: dict[str, _Tally] = {}
    by_province = session.execute(
        select(Centre.province_code, func.count()).group_by(Centre.province_code)
    )
    for code, count in by_province:
        rows[code] = _Tally(names[code])
        rows[code].centres = count
    for post, _, code in _posts(session, None):
        rows.setdefault(code, _Tally(names[code])).add_post(post)
    at_posts = session.execute(
        select(County.province_code, func.count(Unit.id)).select_from(Unit)
        .join(Centre, Centre.id == Unit.home_centre_id)
        .join(Post, Post.id == Unit.post_id)
        .join(County, County.id == Post.county_id)
        .group_by(County.province_code)
    )
    for code, count in at_posts:
        if code in rows:
            rows[code].units = count
    return [rows[code].frozen() for code in sorted(rows)]
