"""The fleet's read side for administrators: posts and units as they are entered
(``post_rows``, ``unit_rows``: the export of the organisation contract) and as the fleet
pages and API show them, only what the actor may manage."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from panah.centres.orm import Centre
from panah.core.errors import NotFound
from panah.dispatch.fleet_model import CREW_ROLES, unit_state
from panah.dispatch.orm import CrewMember, Post, PostKind, Unit, UnitKind
from panah.dispatch.schemas import (
    CrewMemberPublic,
    FleetPostPublic,
    FleetUnitPublic,
    PostIn,
    UnitIn,
)
from panah.geo.orm import County
from panah.security.orm import User
from panah.security.policy import Actor, Resource, scope_of
from panah.security.roles import Scope


def _province_of(actor: Actor) -> str | None:
    """The one province ``actor`` manages, or None for the whole country."""
    return None if scope_of(actor) is Scope.nation else actor.province_code or "-"


def _posts(session: Session, actor: Actor) -> list[tuple[Post, County]]:
    query = select(Post, County).join(County, County.id == Post.county_id).order_by(
        County.province_code, Post.kind, Post.code)
    province = _province_of(actor)
    if province is not None:
        query = query.where(County.province_code == province)
    return [(post, county) for post, county in session.execute(query)]


def _units_query(actor: Actor) -> Select[Unit, Centre, Post]:
    query = (select(Unit, Centre, Post).join(Centre, Centre.id == Unit.home_centre_id)
             .outerjoin(Post, Post.id == Unit.post_id)
             .order_by(Unit.retired_at.is_not(None), Unit.call_sign))
    province = _province_of(actor)
    return query if province is None else query.where(Unit.province_code == province)


def post_rows(session: Session, *, actor: Actor) -> list[PostIn]:
    """Every post ``actor`` manages, as it is entered (a spreadsheet row each)."""
    return [PostIn(code=p.code, kind=PostKind(p.kind), name_fa=p.name_fa, name_en=p.name_en,
                   province_code=c.province_code, county=c.name_fa, lat=p.lat, lon=p.lon,
                   active_from=p.active_from, active_to=p.active_to)
            for p, c in _posts(session, actor)]


def unit_rows(session: Session, *, actor: Actor) -> list[UnitIn]:
    """Every unit ``actor`` manages, retired ones included, as it is entered (its roster:
    the usernames of the members who hold an account, by seat)."""
    rows = session.execute(_units_query(actor)).all()
    crews = _crews(session, [u.id for u, _, _ in rows])
    return [UnitIn(call_sign=u.call_sign, kind=UnitKind(u.kind), home_centre_code=c.code,
                   post_code=p.code if p is not None else None, active=u.retired_at is None,
                   social_workers=_usernames(crews.get(u.id, []), "social_worker"),
                   psychologists=_usernames(crews.get(u.id, []), "psychologist"))
            for u, c, p in rows]


def _crews(session: Session, unit_ids: list[int]) -> dict[int, list[CrewMemberPublic]]:
    """Each unit's roster, social workers first, then by when they joined."""
    crews: dict[int, list[CrewMemberPublic]] = {}
    if not unit_ids:
        return crews
    rows = session.execute(
        select(CrewMember, User.username).outerjoin(User, User.id == CrewMember.user_id)
        .where(CrewMember.unit_id.in_(unit_ids))
        .order_by(CrewMember.role != "social_worker", CrewMember.id))
    for member, username in rows:
        crews.setdefault(member.unit_id, []).append(CrewMemberPublic(
            username=username, full_name=member.full_name, role=member.role,
            is_woman=member.is_woman))
    return crews


def _usernames(crew: list[CrewMemberPublic], seat: str) -> list[str]:
    return [m.username for m in crew if m.role == seat and m.username is not None]


def _post_public(post: Post, county: County, units: list[str]) -> FleetPostPublic:
    return FleetPostPublic(
        code=post.code, kind=PostKind(post.kind), name_fa=post.name_fa, name_en=post.name_en,
        province_code=county.province_code, county_key=county.key, county_fa=county.name_fa,
        county_en=county.name_en, lat=post.lat, lon=post.lon, active_from=post.active_from,
        active_to=post.active_to, units=units)


def fleet_posts(session: Session, *, actor: Actor) -> list[FleetPostPublic]:
    """The posts ``actor`` manages, each with the call signs of the units in service there."""
    waiting: dict[int, list[str]] = {}
    for post_id, call_sign in session.execute(
            select(Unit.post_id, Unit.call_sign).where(Unit.retired_at.is_(None),
                                                       Unit.post_id.is_not(None))
            .order_by(Unit.call_sign)):
        if post_id is not None:
            waiting.setdefault(post_id, []).append(call_sign)
    return [_post_public(p, c, waiting.get(p.id, [])) for p, c in _posts(session, actor)]


def fleet_post(session: Session, *, actor: Actor, code: str) -> FleetPostPublic:
    found = [p for p in fleet_posts(session, actor=actor) if p.code == code]
    if not found:
        raise NotFound(f"There is no post {code}.", f"پایگاهی با کد {code} نیست.")
    return found[0]


def _unit_public(unit: Unit, centre: Centre, post: Post | None,
                 crew: list[CrewMemberPublic]) -> FleetUnitPublic:
    return FleetUnitPublic(
        call_sign=unit.call_sign, kind=UnitKind(unit.kind), province_code=unit.province_code,
        home_centre_code=centre.code, home_centre_fa=centre.name_fa,
        home_centre_en=centre.name_en, post_code=post.code if post else None,
        post_fa=post.name_fa if post else None, post_en=post.name_en if post else None,
        status=unit_state(unit.retired_at is not None, unit.status),
        active=unit.retired_at is None, tracker_key_prefix=unit.tracker_key_prefix,
        tracker_key_at=unit.tracker_key_at, crew=crew)


def fleet_units(session: Session, *, actor: Actor) -> list[FleetUnitPublic]:
    """The units ``actor`` manages: in service first, then retired, by call sign."""
    rows = session.execute(_units_query(actor)).all()
    crews = _crews(session, [u.id for u, _, _ in rows])
    return [_unit_public(u, c, p, crews.get(u.id, [])) for u, c, p in rows]


def fleet_unit(session: Session, *, actor: Actor, call_sign: str) -> FleetUnitPublic:
    row = session.execute(_units_query(actor).where(Unit.call_sign == call_sign)).first()
    if row is None:
        raise NotFound(f"There is no unit {call_sign}.", f"خودرویی با شناسهٔ {call_sign} نیست.")
    unit, centre, post = row
    return _unit_public(unit, centre, post, _crews(session, [unit.id]).get(unit.id, []))


# ---- what the access checks decide on -------------------------------------------------------


def unit_place(session: Session, call_sign: str) -> Resource | None:
    """A unit (retired ones too) belongs to its province, for managing the fleet."""
    province = session.scalar(select(Unit.province_code).where(Unit.call_sign == call_sign))
    return None if province is None else Resource("unit", province_code=province)


def post_place(session: Session, code: str) -> Resource | None:
    province = session.scalar(select(County.province_code).join(
        Post, Post.county_id == County.id).where(Post.code == code))
    return None if province is None else Resource("post", province_code=province)


# ---- the pages ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Choice:
    code: str
    name_fa: str
    name_en: str


def centre_choices(session: Session, *, actor: Actor) -> list[Choice]:
    """The centres a unit of ``actor``'s may call home."""
    query = select(Centre).order_by(Centre.province_code, Centre.code)
    province = _province_of(actor)
    if province is not None:
        query = query.where(Centre.province_code == province)
    return [Choice(c.code, c.name_fa, c.name_en) for c in session.scalars(query)]


def county_choices(session: Session, *, actor: Actor) -> list[Choice]:
    """The counties a post of ``actor``'s may be in (by key)."""
    query = select(County).order_by(County.province_code, County.name_fa)
    province = _province_of(actor)
    if province is not None:
        query = query.where(County.province_code == province)
    return [Choice(c.key, c.name_fa, c.name_en) for c in session.scalars(query)]


def crew_choices(session: Session, *, actor: Actor) -> list[Choice]:
    """The active accounts ``actor`` may seat on a unit's crew (by username)."""
    query = (select(User).where(User.role.in_(sorted(CREW_ROLES)), User.is_active.is_(True),
                                User.disabled_at.is_(None))
             .order_by(User.province_code, User.full_name))
    province = _province_of(actor)
    if province is not None:
        query = query.where(User.province_code == province)
    return [Choice(u.username, u.full_name, u.full_name) for u in session.scalars(query)]


@dataclass(frozen=True, slots=True)
class VehiclesPage:
    units: list[FleetUnitPublic]
    centres: list[Choice]
    posts: list[FleetPostPublic]
    people: list[Choice]


@dataclass(frozen=True, slots=True)
class PostsPage:
    posts: list[FleetPostPublic]
    counties: list[Choice]


def vehicles_page(session: Session, *, actor: Actor) -> VehiclesPage:
    return VehiclesPage(fleet_units(session, actor=actor), centre_choices(session, actor=actor),
                        fleet_posts(session, actor=actor), crew_choices(session, actor=actor))


def posts_page(session: Session, *, actor: Actor) -> PostsPage:
    return PostsPage(fleet_posts(session, actor=actor), county_choices(session, actor=actor))
