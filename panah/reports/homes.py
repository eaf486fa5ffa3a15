"""Each role's home page and the map, as read models built in one call each.

A home says which kind it is (the web picks the template by kind), who is signed in (the
page frame shows their name and province) and the cards of that kind. Read only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panah.centres.orm import Centre, CentreKind
from panah.dispatch.orm import Post, PostKind, Unit
from panah.geo.orm import County, Province
from panah.geo.queries import RegionName, province_name, province_names
from panah.geo.service import GeoStatus, boundary_status
from panah.reports import network
from panah.reports.network import CentreCard, NetworkTotals, PostCard, RegionCounts, UnitView
from panah.security.orm import User
from panah.security.policy import Actor
from panah.security.roles import Role


class HomeKind(StrEnum):
    counsellor = "counsellor"
    dispatch = "dispatch"
    field_crew = "field_crew"
    centre_staff = "centre_staff"
    community = "community"
    management = "management"
    analyst = "analyst"
    partner = "partner"
    admin = "admin"


HOME_OF_ROLE: dict[Role, HomeKind] = {
    Role.counsellor: HomeKind.counsellor,
    Role.dispatcher: HomeKind.dispatch,
    Role.supervisor: HomeKind.dispatch,
    Role.field_crew: HomeKind.field_crew,
    Role.social_worker: HomeKind.centre_staff,
    Role.psychologist: HomeKind.centre_staff,
    Role.psychiatrist: HomeKind.centre_staff,
    Role.legal_adviser: HomeKind.centre_staff,
    Role.shelter_manager: HomeKind.centre_staff,
    Role.community_worker: HomeKind.community,
    Role.provincial_manager: HomeKind.management,
    Role.national_office: HomeKind.management,
    Role.analyst: HomeKind.analyst,
    Role.partner_agency: HomeKind.partner,
    Role.integration: HomeKind.partner,
    Role.admin: HomeKind.admin,
}


@dataclass(frozen=True, slots=True)
class Person:
    """The signed-in user as the page frame shows them."""

    full_name: str
    province: RegionName | None


# ---- the cards of each kind of home ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class CounsellorCards:
    """The province's 123 centre, and which centre answers for each of its counties."""

    line_centres: list[CentreCard]
    coverage: list[tuple[RegionName, CentreCard, RegionName | None]]


@dataclass(frozen=True, slots=True)
class DispatchCards:
    """The province's units, where they stand and who crews them."""

    units: list[UnitView]


@dataclass(frozen=True, slots=True)
class FieldCrewCards:
    """The crew member's own units; the province's when they are on none."""

    my_units: list[UnitView]
    units: list[UnitView]


@dataclass(frozen=True, slots=True)
class CentreStaffCards:
    """The staff member's centre and the province's crisis centres."""

    my_centre: CentreCard | None
    crisis_centres: list[CentreCard]


@dataclass(frozen=True, slots=True)
class CommunityCards:
    """The community worker's base and the province's other bases."""

    my_centre: CentreCard | None
    bases: list[CentreCard]


@dataclass(frozen=True, slots=True)
class ManagementCards:
    """Counts per county (a province's manager) or per province (the national office),
    and the posts."""

    regions: list[RegionCounts]
    by_county: bool
    posts: list[tuple[PostCard, RegionName]]


@dataclass(frozen=True, slots=True)
class AnalystCards:
    """The network in figures, and whether boundaries are imported."""

    totals: NetworkTotals
    geo: GeoStatus


@dataclass(frozen=True, slots=True)
class PartnerCards:
    """The 123 centre of the agency's province."""

    line_centres: list[CentreCard]


@dataclass(frozen=True, slots=True)
class UserCard:
    username: str
    is_active: bool


@dataclass(frozen=True, slots=True)
class AdminCards:
    """Users by role, and whether boundaries are imported."""

    users_by_role: list[tuple[Role, list[UserCard]]]
    geo: GeoStatus


Cards = (CounsellorCards | DispatchCards | FieldCrewCards | CentreStaffCards | CommunityCards
         | ManagementCards | AnalystCards | PartnerCards | AdminCards)


@dataclass(frozen=True, slots=True)
class Home:
    """A signed-in user's home page: which kind, who, and what it shows."""

    kind: HomeKind
    person: Person
    cards: Cards


# ---- building them --------------------------------------------------------------------


def person_of(session: Session, *, actor: Actor) -> Person:
    """The signed-in user's full name and province, for the page frame."""
    user = session.get(User, actor.user_id)
    return Person(full_name=user.full_name if user else actor.username,
                  province=province_name(session, actor.province_code))


def _my_centre(session: Session, actor: Actor) -> CentreCard | None:
    centre = session.get(Centre, actor.centre_id) if actor.centre_id else None
    return network.centre_card(centre) if centre else None


def _counsellor(session: Session, actor: Actor) -> Cards:
    province = actor.province_code
    return CounsellorCards(
        line_centres=network.centres(session, province, CentreKind.line_123),
        coverage=network.coverage(session, province) if province else [],
    )


def _dispatch(session: Session, actor: Actor) -> Cards:
    return DispatchCards(units=network.units(session, actor.province_code))


def _field_crew(session: Session, actor: Actor) -> Cards:
    mine = network.units_crewed_by(session, actor.user_id)
    return FieldCrewCards(my_units=mine,
                          units=[] if mine else network.units(session, actor.province_code))


def _centre_staff(session: Session, actor: Actor) -> Cards:
    return CentreStaffCards(
        my_centre=_my_centre(session, actor),
        crisis_centres=network.centres(session, actor.province_code, CentreKind.crisis_centre),
    )


def _community(session: Session, actor: Actor) -> Cards:
    return CommunityCards(
        my_centre=_my_centre(session, actor),
        bases=network.centres(session, actor.province_code, CentreKind.community_base),
    )


def _management(session: Session, actor: Actor) -> Cards:
    province = actor.province_code
    return ManagementCards(
        regions=network.county_counts(session, province) if province
        else network.province_counts(session),
        by_county=province is not None,
        posts=network.posts(session, province),
    )


def _totals(session: Session) -> NetworkTotals:
    kinds = Counter(session.scalars(select(Centre.kind)))
    posts = Counter(session.scalars(select(Post.kind)))
    return NetworkTotals(
        provinces=session.scalar(select(func.count()).select_from(Province)) or 0,
        counties=session.scalar(select(func.count()).select_from(County)) or 0,
        centre_kinds=tuple((k.value, kinds.get(k.value, 0)) for k in CentreKind),
        units=session.scalar(select(func.count()).select_from(Unit)) or 0,
        posts=posts.get(PostKind.permanent.value, 0),
        nowruz_posts=posts.get(PostKind.nowruz.value, 0),
        shelter_beds=session.scalar(select(func.coalesce(func.sum(Centre.shelter_beds), 0))) or 0,
    )


def _analyst(session: Session, actor: Actor) -> Cards:
    return AnalystCards(totals=_totals(session), geo=boundary_status(session))


def _partner(session: Session, actor: Actor) -> Cards:
    return PartnerCards(
        line_centres=network.centres(session, actor.province_code, CentreKind.line_123)
    )


def _users_by_role(session: Session) -> list[tuple[Role, list[UserCard]]]:
    grouped: dict[str, list[UserCard]] = defaultdict(list)
    for user in session.scalars(select(User).order_by(User.username)):
        grouped[user.role].append(UserCard(user.username, user.is_active))
    return [(role, grouped[role.value]) for role in Role if grouped.get(role.value)]


def _admin(session: Session, actor: Actor) -> Cards:
    return AdminCards(users_by_role=_users_by_role(session), geo=boundary_status(session))


_CARDS: dict[HomeKind, Callable[[Session, Actor], Cards]] = {
    HomeKind.counsellor: _counsellor,
    HomeKind.dispatch: _dispatch,
    HomeKind.field_crew: _field_crew,
    HomeKind.centre_staff: _centre_staff,
    HomeKind.community: _community,
    HomeKind.management: _management,
    HomeKind.analyst: _analyst,
    HomeKind.partner: _partner,
    HomeKind.admin: _admin,
}


def home_of(session: Session, *, actor: Actor) -> Home:
    """The home page of ``actor``: the kind their role has, with its cards."""
    kind = HOME_OF_ROLE[actor.role]
    return Home(kind=kind, person=person_of(session, actor=actor),
                cards=_CARDS[kind](session, actor))


# ---- the map --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MapPage:
    """The map: the provinces to choose from, the one shown (the asked one if it exists,
    else the user's own), whether boundaries are imported, and its centres and posts (the
    whole country's when no province is shown)."""

    person: Person
    provinces: list[RegionName]
    chosen: str | None
    geo: GeoStatus
    centres: list[CentreCard]
    posts: list[tuple[PostCard, RegionName]]


def map_of(session: Session, *, actor: Actor, province: str | None) -> MapPage:
    provinces = province_names(session)
    chosen = province if province in {p.code for p in provinces} else actor.province_code
    return MapPage(
        person=person_of(session, actor=actor),
        provinces=provinces,
        chosen=chosen,
        geo=boundary_status(session),
        centres=network.centres(session, chosen),
        posts=network.posts(session, chosen),
    )
