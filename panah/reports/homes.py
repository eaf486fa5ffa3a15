"""Each role's home page and the map, as read models built in one call each.

A home says which kind it is (the web picks the template by kind), who is signed in (the
page frame shows their name and province) and the cards of that kind: the work the role
has today (a counsellor's queue, a dispatcher's incidents, a partner's referrals …), read
through the domains' own queries, and nothing that does not exist. Read only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panah.cases.flags.queries import Escalation
from panah.centres.community.queries import CommunityHome, community_home
from panah.centres.orm import Centre, CentreKind
from panah.centres.shelters.queries import ShelterHome, bed_count, shelter_home
from panah.dispatch.orm import Post, PostKind, Unit
from panah.dispatch.queries import dispatch_board, field_page
from panah.dispatch.schemas import CrewAssignmentPublic
from panah.geo.orm import County, Province
from panah.geo.queries import RegionName, province_name, province_names
from panah.geo.service import GeoStatus, boundary_status
from panah.intake.queries import callbacks_due
from panah.intake.schemas import CallbackPublic
from panah.reports import network, work
from panah.reports.network import CentreCard, NetworkTotals, PostCard, RegionCounts, UnitView
from panah.reports.work import (
    Activity,
    BoardGlance,
    CaseGlance,
    PartnerGlance,
    QueueGlance,
    ReferralAlarm,
)
from panah.security.orm import User
from panah.security.policy import Actor
from panah.security.roles import ROLE_PERMISSIONS, Permission, Role
from panah.triage.followups.schemas import FollowUpPublic


class HomeKind(StrEnum):
    counsellor = "counsellor"
    supervisor = "supervisor"
    dispatch = "dispatch"
    field_crew = "field_crew"
    centre_staff = "centre_staff"
    shelter = "shelter"
    community = "community"
    management = "management"
    analyst = "analyst"
    partner = "partner"
    system = "system"
    admin = "admin"


HOME_OF_ROLE: dict[Role, HomeKind] = {
    Role.counsellor: HomeKind.counsellor,
    Role.dispatcher: HomeKind.dispatch,
    Role.supervisor: HomeKind.supervisor,
    Role.field_crew: HomeKind.field_crew,
    Role.social_worker: HomeKind.centre_staff,
    Role.psychologist: HomeKind.centre_staff,
    Role.psychiatrist: HomeKind.centre_staff,
    Role.legal_adviser: HomeKind.centre_staff,
    Role.shelter_manager: HomeKind.shelter,
    Role.community_worker: HomeKind.community,
    Role.provincial_manager: HomeKind.management,
    Role.national_office: HomeKind.management,
    Role.analyst: HomeKind.analyst,
    Role.partner_agency: HomeKind.partner,
    Role.integration: HomeKind.system,
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
    """The counsellor's work now: the queue at a glance, the callers to call back and the
    follow-up calls due; then the province's 123 centre and which centre answers for each
    of its counties."""

    queue: QueueGlance
    callbacks: list[CallbackPublic]
    follow_ups: list[FollowUpPublic]
    line_centres: list[CentreCard]
    coverage: list[tuple[RegionName, CentreCard, RegionName | None]]


@dataclass(frozen=True, slots=True)
class SupervisorCards:
    """The shift supervisor's: the queue, the referrals partners have not decided by their
    deadline (escalated first), escalated callbacks, the open incidents and the units by
    status, and the units with their crews."""

    queue: QueueGlance
    alarms: list[ReferralAlarm]
    callbacks: list[CallbackPublic]
    board: BoardGlance
    units: list[UnitView]
    case_flags: list[Escalation]  # case flags escalated to the province's supervisors


@dataclass(frozen=True, slots=True)
class DispatchCards:
    """The dispatcher's: the open incidents, the requests waiting for a unit, the units by
    status, and the units with their posts and crews."""

    board: BoardGlance
    units: list[UnitView]


@dataclass(frozen=True, slots=True)
class FieldCrewCards:
    """The crew member's own units and the current assignment of the first; the
    province's units when they are on none."""

    my_units: list[UnitView]
    assignment: CrewAssignmentPublic | None
    units: list[UnitView]


@dataclass(frozen=True, slots=True)
class CentreStaffCards:
    """The staff member's open cases, their centre and the province's crisis centres."""

    cases: CaseGlance
    my_centre: CentreCard | None
    crisis_centres: list[CentreCard]


@dataclass(frozen=True, slots=True)
class ShelterCards:
    """The shelter manager's centre, the province's shelters with their real beds and free
    beds now (from the shelter tables and the stays), and their cases."""

    my_centre: CentreCard | None
    shelters: ShelterHome
    cases: CaseGlance


@dataclass(frozen=True, slots=True)
class CommunityCards:
    """The community worker's base, the province's other bases, and their open cases."""

    my_centre: CentreCard | None
    bases: list[CentreCard]
    cases: CaseGlance
    community: CommunityHome | None = None  # today's sessions and the base's programmes


@dataclass(frozen=True, slots=True)
class ManagementCards:
    """The province's (or the nation's) figures now and over the day; counts per county
    (a province's manager) or per province (the national office), and the posts."""

    activity: Activity
    regions: list[RegionCounts]
    by_county: bool
    posts: list[tuple[PostCard, RegionName]]


@dataclass(frozen=True, slots=True)
class AnalystCards:
    """The nation's figures, the network in figures, and whether boundaries are
    imported."""

    activity: Activity
    totals: NetworkTotals
    geo: GeoStatus


@dataclass(frozen=True, slots=True)
class PartnerCards:
    """The agency's referrals at a glance and its latest hand-overs (the inbox holds the
    referrals themselves), and the 123 centre of its province."""

    partner: PartnerGlance
    line_centres: list[CentreCard]


@dataclass(frozen=True, slots=True)
class SystemCards:
    """A machine account (the telephone exchange, the SMS gateway) works through its API
    keys; its home says so and shows nothing else."""


@dataclass(frozen=True, slots=True)
class UserCard:
    username: str
    is_active: bool


@dataclass(frozen=True, slots=True)
class AdminCards:
    """Users by role, what each role may do today, and whether boundaries are imported."""

    users_by_role: list[tuple[Role, list[UserCard]]]
    abilities: list[tuple[Role, tuple[Permission, ...]]]
    geo: GeoStatus


Cards = (CounsellorCards | SupervisorCards | DispatchCards | FieldCrewCards
         | CentreStaffCards | ShelterCards | CommunityCards | ManagementCards | AnalystCards
         | PartnerCards | SystemCards | AdminCards)


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


def _counsellor(session: Session, actor: Actor, now: datetime) -> Cards:
    province = actor.province_code
    return CounsellorCards(
        queue=work.queue_glance(session, actor, now),
        callbacks=callbacks_due(session, actor=actor, now=now),
        follow_ups=work.follow_ups_due(session, actor, now),
        line_centres=network.centres(session, province, CentreKind.line_123),
        coverage=network.coverage(session, province) if province else [],
    )


def _board(session: Session, actor: Actor, now: datetime) -> work.BoardGlance:
    return work.board_glance(dispatch_board(session, actor=actor, now=now, province=None))


def _supervisor(session: Session, actor: Actor, now: datetime) -> Cards:
    return SupervisorCards(
        queue=work.queue_glance(session, actor, now),
        alarms=work.referral_alarms(session, actor, now),
        callbacks=[c for c in callbacks_due(session, actor=actor, now=now)
                   if c.state == "escalated"],
        board=_board(session, actor, now),
        units=network.units(session, actor.province_code),
        case_flags=work.case_escalations(session, actor),
    )


def _dispatch(session: Session, actor: Actor, now: datetime) -> Cards:
    return DispatchCards(board=_board(session, actor, now),
                         units=network.units(session, actor.province_code))


def _field_crew(session: Session, actor: Actor, now: datetime) -> Cards:
    mine = network.units_crewed_by(session, actor.user_id)
    page = field_page(session, actor=actor, now=now, unit_id=None) if mine else None
    return FieldCrewCards(
        my_units=mine,
        assignment=page.unit.assignment if page is not None and page.unit else None,
        units=[] if mine else network.units(session, actor.province_code))


def _centre_staff(session: Session, actor: Actor, now: datetime) -> Cards:
    return CentreStaffCards(
        cases=work.case_glance(session, actor),
        my_centre=_my_centre(session, actor),
        crisis_centres=network.centres(session, actor.province_code, CentreKind.crisis_centre),
    )


def _shelter(session: Session, actor: Actor, now: datetime) -> Cards:
    return ShelterCards(my_centre=_my_centre(session, actor),
                        shelters=shelter_home(session, actor=actor, now=now),
                        cases=work.case_glance(session, actor))


def _community(session: Session, actor: Actor, now: datetime) -> Cards:
    return CommunityCards(
        my_centre=_my_centre(session, actor),
        bases=network.centres(session, actor.province_code, CentreKind.community_base),
        cases=work.case_glance(session, actor),
        community=community_home(session, actor=actor, now=now),
    )


def _management(session: Session, actor: Actor, now: datetime) -> Cards:
    province = actor.province_code
    return ManagementCards(
        activity=work.activity(session, province, now),
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
        shelter_beds=bed_count(session),
    )


def _analyst(session: Session, actor: Actor, now: datetime) -> Cards:
    return AnalystCards(activity=work.activity(session, None, now), totals=_totals(session),
                        geo=boundary_status(session))


def _partner(session: Session, actor: Actor, now: datetime) -> Cards:
    return PartnerCards(
        partner=work.partner_glance(session, actor, now),
        line_centres=network.centres(session, actor.province_code, CentreKind.line_123),
    )


def _system(session: Session, actor: Actor, now: datetime) -> Cards:
    return SystemCards()


def _users_by_role(session: Session) -> list[tuple[Role, list[UserCard]]]:
    grouped: dict[str, list[UserCard]] = defaultdict(list)
    for user in session.scalars(select(User).order_by(User.username)):
        grouped[user.role].append(UserCard(user.username, user.is_active))
    return [(role, grouped[role.value]) for role in Role if grouped.get(role.value)]


# What a role may do, as the administrator reads it: the permissions beyond signing in.
EVERYONE = frozenset({Permission.public, Permission.authenticated})


def abilities() -> list[tuple[Role, tuple[Permission, ...]]]:
    """Each role with the permissions it holds today, in the order they are declared."""
    return [(role, tuple(p for p in Permission
                         if p not in EVERYONE and role in ROLE_PERMISSIONS[p]))
            for role in Role]


def _admin(session: Session, actor: Actor, now: datetime) -> Cards:
    return AdminCards(users_by_role=_users_by_role(session), abilities=abilities(),
                      geo=boundary_status(session))


_CARDS: dict[HomeKind, Callable[[Session, Actor, datetime], Cards]] = {
    HomeKind.counsellor: _counsellor,
    HomeKind.supervisor: _supervisor,
    HomeKind.dispatch: _dispatch,
    HomeKind.field_crew: _field_crew,
    HomeKind.centre_staff: _centre_staff,
    HomeKind.shelter: _shelter,
    HomeKind.community: _community,
    HomeKind.management: _management,
    HomeKind.analyst: _analyst,
    HomeKind.partner: _partner,
    HomeKind.system: _system,
    HomeKind.admin: _admin,
}


def home_of(session: Session, *, actor: Actor, now: datetime) -> Home:
    """The home page of ``actor``: the kind their role has, with its cards (read only:
    looking at it changes nothing, see :mod:`panah.reports.work`)."""
    kind = HOME_OF_ROLE[actor.role]
    return Home(kind=kind, person=person_of(session, actor=actor),
                cards=_CARDS[kind](session, actor, now))


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
