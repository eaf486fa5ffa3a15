"""The server-rendered pages: a home page for each role, and the map.

The reads here are plain ``select()`` queries for display; they change nothing. When a
domain grows its own read models (``panah.reports``), these move there.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from panah.centres.orm import Centre, CentreKind, CountyService
from panah.dispatch.orm import CrewMember, Post, PostKind, Unit
from panah.geo.orm import County, Province
from panah.geo.service import boundary_status
from panah.security.orm import User
from panah.security.policy import Actor
from panah.security.roles import Permission, Role
from panah.web.deps import Uow, require
from panah.web.i18n import format_date, request_language

router = APIRouter(tags=["pages"])
Context = dict[str, Any]


@dataclass
class UnitView:
    unit: Unit
    post: Post | None
    county: County | None
    crew: list[CrewMember] = field(default_factory=list)


@dataclass
class RegionCounts:
    region: County | Province
    centres: int = 0
    units: int = 0
    posts: int = 0
    nowruz_posts: int = 0


# ---- reads ----------------------------------------------------------------------------


def _centres(db: Session, province: str | None, *kinds: CentreKind) -> list[Centre]:
    query = select(Centre).order_by(Centre.province_code, Centre.kind, Centre.name_en)
    if province:
        query = query.where(Centre.province_code == province)
    if kinds:
        query = query.where(Centre.kind.in_([k.value for k in kinds]))
    return list(db.scalars(query))


def _coverage(db: Session, province: str) -> list[tuple[County, Centre, County | None]]:
    """Every county of the province with the centre that answers for it."""
    covering = aliased(County)
    rows = db.execute(
        select(County, Centre, covering)
        .join(CountyService, CountyService.county_id == County.id)
        .join(Centre, Centre.id == CountyService.centre_id)
        .outerjoin(covering, covering.id == CountyService.covering_county_id)
        .where(County.province_code == province)
        .order_by(County.name_en)
    ).all()
    return [(county, centre, cover) for county, centre, cover in rows]


def _units(
    db: Session, province: str | None, *, unit_ids: list[int] | None = None
) -> list[UnitView]:
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
    views = {u.id: UnitView(u, p, c) for u, p, c in db.execute(query).all()}
    members = db.scalars(
        select(CrewMember).where(CrewMember.unit_id.in_(views)).order_by(CrewMember.id)
    )
    for member in members:
        views[member.unit_id].crew.append(member)
    return list(views.values())


def _posts(db: Session, province: str | None) -> list[tuple[Post, County]]:
    query = (
        select(Post, County)
        .join(County, County.id == Post.county_id)
        .order_by(Post.kind.desc(), County.name_en, Post.name_en)
    )
    if province:
        query = query.where(County.province_code == province)
    return [(post, county) for post, county in db.execute(query).all()]


def _county_counts(db: Session, province: str) -> list[RegionCounts]:
    counties = db.scalars(
        select(County).where(County.province_code == province).order_by(County.name_en)
    )
    rows = {c.id: RegionCounts(c) for c in counties}
    centres = db.execute(
        select(Centre.county_id, func.count()).where(Centre.province_code == province)
        .group_by(Centre.county_id)
    )
    for county_id, count in centres:
        if county_id in rows:
            rows[county_id].centres = count
    for post, county in _posts(db, province):
        rows[county.id].posts += 1
        rows[county.id].nowruz_posts += post.kind == PostKind.nowruz
    units = db.execute(
        select(Post.county_id, func.count(Unit.id)).join(Unit, Unit.post_id == Post.id)
        .group_by(Post.county_id)
    )
    for county_id, count in units:
        if county_id in rows:
            rows[county_id].units = count
    return list(rows.values())


def _province_counts(db: Session) -> list[RegionCounts]:
    """Provinces that have any centre, with their centres, units and posts."""
    rows: dict[str, RegionCounts] = {}
    provinces = {p.code: p for p in db.scalars(select(Province))}
    for centre in _centres(db, None):
        rows.setdefault(centre.province_code, RegionCounts(provinces[centre.province_code]))
        rows[centre.province_code].centres += 1
    for post, county in _posts(db, None):
        code = county.province_code
        region = rows.setdefault(code, RegionCounts(provinces[code]))
        region.posts += 1
        region.nowruz_posts += post.kind == PostKind.nowruz
    for view in _units(db, None):
        if view.county is not None and view.county.province_code in rows:
            rows[view.county.province_code].units += 1
    return sorted(rows.values(), key=lambda r: str(getattr(r.region, "code", "")))


def _users_by_role(db: Session) -> list[tuple[Role, list[User]]]:
    grouped: dict[str, list[User]] = defaultdict(list)
    for user in db.scalars(select(User).order_by(User.username)):
        grouped[user.role].append(user)
    return [(role, grouped[role.value]) for role in Role if grouped.get(role.value)]


def _totals(db: Session) -> Context:
    kinds = Counter(db.scalars(select(Centre.kind)))
    posts = Counter(db.scalars(select(Post.kind)))
    return {
        "provinces": db.scalar(select(func.count()).select_from(Province)) or 0,
        "counties": db.scalar(select(func.count()).select_from(County)) or 0,
        "centre_kinds": [(k.value, kinds.get(k.value, 0)) for k in CentreKind],
        "units": db.scalar(select(func.count()).select_from(Unit)) or 0,
        "posts": posts.get(PostKind.permanent.value, 0),
        "nowruz_posts": posts.get(PostKind.nowruz.value, 0),
        "shelter_beds": db.scalar(select(func.coalesce(func.sum(Centre.shelter_beds), 0))) or 0,
    }


# ---- one home per role ----------------------------------------------------------------


def _counsellor_home(db: Session, actor: Actor) -> Context:
    return {
        "line_centres": _centres(db, actor.province_code, CentreKind.line_123),
        "coverage": _coverage(db, actor.province_code) if actor.province_code else [],
    }


def _dispatch_home(db: Session, actor: Actor) -> Context:
    return {"units": _units(db, actor.province_code)}


def _field_crew_home(db: Session, actor: Actor) -> Context:
    unit_ids = list(
        db.scalars(select(CrewMember.unit_id).where(CrewMember.user_id == actor.user_id))
    )
    mine = _units(db, None, unit_ids=unit_ids) if unit_ids else []
    return {"my_units": mine, "units": [] if mine else _units(db, actor.province_code)}


def _centre_staff_home(db: Session, actor: Actor) -> Context:
    return {
        "my_centre": db.get(Centre, actor.centre_id) if actor.centre_id else None,
        "crisis_centres": _centres(db, actor.province_code, CentreKind.crisis_centre),
    }


def _community_home(db: Session, actor: Actor) -> Context:
    return {
        "my_centre": db.get(Centre, actor.centre_id) if actor.centre_id else None,
        "bases": _centres(db, actor.province_code, CentreKind.community_base),
    }


def _management_home(db: Session, actor: Actor) -> Context:
    province = actor.province_code
    return {
        "regions": _county_counts(db, province) if province else _province_counts(db),
        "by_county": province is not None,
        "posts": _posts(db, province),
    }


def _analyst_home(db: Session, actor: Actor) -> Context:
    return {"totals": _totals(db), "geo": boundary_status(db)}


def _partner_home(db: Session, actor: Actor) -> Context:
    return {"line_centres": _centres(db, actor.province_code, CentreKind.line_123)}


def _admin_home(db: Session, actor: Actor) -> Context:
    return {"users_by_role": _users_by_role(db), "geo": boundary_status(db)}


Home = tuple[str, Callable[[Session, Actor], Context]]
_CENTRE_STAFF: Home = ("home/centre_staff.html", _centre_staff_home)
_DISPATCH: Home = ("home/dispatch.html", _dispatch_home)
_MANAGEMENT: Home = ("home/management.html", _management_home)
HOMES: dict[Role, Home] = {
    Role.counsellor: ("home/counsellor.html", _counsellor_home),
    Role.dispatcher: _DISPATCH,
    Role.supervisor: _DISPATCH,
    Role.field_crew: ("home/field_crew.html", _field_crew_home),
    Role.social_worker: _CENTRE_STAFF,
    Role.psychologist: _CENTRE_STAFF,
    Role.psychiatrist: _CENTRE_STAFF,
    Role.legal_adviser: _CENTRE_STAFF,
    Role.shelter_manager: _CENTRE_STAFF,
    Role.community_worker: ("home/community.html", _community_home),
    Role.provincial_manager: _MANAGEMENT,
    Role.national_office: _MANAGEMENT,
    Role.analyst: ("home/analyst.html", _analyst_home),
    Role.partner_agency: ("home/partner.html", _partner_home),
    Role.integration: ("home/partner.html", _partner_home),
    Role.admin: ("home/admin.html", _admin_home),
}


def _person(db: Session, actor: Actor) -> Context:
    """The signed-in user's name and province, for the page frame."""
    user = db.get(User, actor.user_id)
    province = db.get(Province, actor.province_code) if actor.province_code else None
    return {"full_name": user.full_name if user else actor.username, "province": province}


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    uow: Uow,
    actor: Annotated[Actor, Depends(require(Permission.authenticated))],
) -> Response:
    """The signed-in user's home page, with what their role works on."""
    template, build = HOMES[actor.role]
    context = _person(uow.session, actor) | build(uow.session, actor)
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, context
    )


# ---- the map --------------------------------------------------------------------------


def _marker_data(db: Session, province: str | None, lang: str) -> Context:
    centres = [
        {"code": c.code, "kind": c.kind, "name_fa": c.name_fa, "name_en": c.name_en,
         "lat": c.lat, "lon": c.lon, "shelter_beds": c.shelter_beds}
        for c in _centres(db, province)
    ]
    posts = [
        {"code": p.code, "kind": p.kind, "name_fa": p.name_fa, "name_en": p.name_en,
         "lat": p.lat, "lon": p.lon, "county_fa": county.name_fa, "county_en": county.name_en,
         "active_from": format_date(p.active_from, lang),
         "active_to": format_date(p.active_to, lang)}
        for p, county in _posts(db, province)
    ]
    return {"centres": centres, "posts": posts}


@router.get("/map", response_class=HTMLResponse)
def map_page(
    request: Request,
    uow: Uow,
    actor: Annotated[Actor, Depends(require(Permission.view_map))],
    province: Annotated[
        str | None, Query(max_length=5, description="ISO 3166-2:IR code; default: yours")
    ] = None,
) -> Response:
    """Provinces, the counties of one province, and its centres and posts on a map."""
    provinces = list(uow.session.scalars(select(Province).order_by(Province.code)))
    known = {p.code for p in provinces}
    chosen = province if province in known else actor.province_code
    lang = request_language(request)
    context = _person(uow.session, actor) | {
        "provinces": provinces,
        "chosen": chosen,
        "geo": boundary_status(uow.session),
        "map_data": {"province": chosen, "lang": lang} | _marker_data(uow.session, chosen, lang),
    }
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "map.html", context
    )
