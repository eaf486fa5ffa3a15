"""Where each figure is counted: one grouped SQL query per source (contacts, callbacks,
team requests, arrivals, referrals, cases, community bases), grouped by the Iran day
(``panah.reports.sql.iran_day``) and the dimension, so a national decade comes back as a
few thousand rows. Shelter occupancy is made of the stays (few) by the pure rule.

Each source yields ``(day, group, parts)``; ``day`` is an ISO date string or a date.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select, text
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from panah.cases.orm import Case
from panah.centres.community.model import Mark, SessionStatus
from panah.centres.community.orm import Attendance, BaseSession, Programme
from panah.centres.orm import Centre
from panah.centres.shelters.model import StayStatus
from panah.centres.shelters.orm import Shelter, ShelterBed, ShelterRoom, ShelterStay
from panah.centres.shelters.orm import ShelterStayPerson as Person
from panah.dispatch.model import UnitStatus
from panah.dispatch.orm import Incident, UnitStatusEvent
from panah.geo.orm import County
from panah.intake.orm import Callback, CallbackAttempt, Contact
from panah.reports.line import answer_wait, answered_in_target, on_the_line
from panah.reports.periods import iran_day as day_of_moment
from panah.reports.periods import iran_midnight
from panah.reports.sql import iran_day, seconds_between
from panah.reports.statistics.model import BedStay, Dimension, bed_days
from panah.security.orm import User
from panah.triage.orm import ContactCategory, ContactOutcome, DispatchRequest, Referral

D = Dimension
Row = tuple[Any, str | None, dict[str, float]]
WEEK_S = 7 * 86400


@dataclass(frozen=True, slots=True)
class Scope:
    """Which place a table counts and over which Iran days (both in)."""

    province_code: str | None
    county_key: str | None
    first: date
    last: date

    def window(self, column: Any) -> ColumnElement[bool]:
        start, stop = iran_midnight(self.first), iran_midnight(self.last + timedelta(days=1))
        return and_(column >= start, column < stop)

    def place(self, province: Any, county: Any) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if self.province_code is not None:
            where.append(province == self.province_code)
        if self.county_key is not None:
            where.append(county == self.county_key)
        return where


def prepare(session: Session) -> None:
    """PostgreSQL compiles big aggregates just in time by default; for these, compiling
    took 2.5 s of a national year's 5.2 s (2 million contacts), and saved nothing. Off for
    this transaction only."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def _sums(statement: Any, session: Session, names: list[str]) -> Iterator[Row]:
    for day, group, *values in session.execute(statement):
        yield day, group, {n: float(v or 0) for n, v in zip(names, values, strict=True)}


def _flag(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


def _contact_group(c: Any, by: Dimension) -> tuple[Any, list[tuple[Any, Any]]]:
    """The group column of a contact source and the outer joins it needs."""
    if by is D.category:
        cat = aliased(ContactCategory)
        return cat.code, [(cat, cat.contact_id == c.id)]
    if by is D.outcome:
        distinct = (select(ContactOutcome.contact_id, ContactOutcome.outcome).distinct()
                    .subquery())
        return distinct.c.outcome, [(distinct, distinct.c.contact_id == c.id)]
    column = {D.none: literal(None), D.province: c.province_code, D.county: c.county_key,
              D.channel: c.channel, D.risk: c.risk}.get(by)
    if column is None:
        raise ValueError(f"contacts do not split by {by}")
    return column, []


def contacts(session: Session, scope: Scope, by: Dimension) -> Iterator[Row]:
    """Offered, answered, abandoned, within 20 s, waits, handling, repeats, overflow out."""
    c = aliased(Contact)
    answerer = aliased(User)
    group, joins = _contact_group(c, by)
    answered = c.answered_at.is_not(None)
    wait = answer_wait(c)
    end = func.coalesce(c.wrap_up_at, c.closed_at)
    handled = and_(answered, end.is_not(None))
    away = or_(answerer.province_code.is_(None), answerer.province_code != c.province_code)
    names = ["contacts_offered", "contacts_answered", "abandoned", "answered_within_20s",
             "answer_wait_s", "handling_s", "handled", "overflow_out"]
    statement = select(
        iran_day(c.offered_at), group, func.count(),
        _flag(answered), _flag(and_(c.abandoned_at.is_not(None), c.answered_at.is_(None))),
        _flag(answered_in_target(c)),
        func.sum(case((answered, wait), else_=0.0)),
        func.sum(case((handled, seconds_between(c.answered_at, end)), else_=0.0)),
        _flag(handled),
        _flag(and_(answered, c.province_code.is_not(None), c.assigned_to.is_not(None), away)),
    ).select_from(c).outerjoin(answerer, answerer.id == c.assigned_to)
    for target, on in joins:
        statement = statement.outerjoin(target, on)
    statement = statement.where(scope.window(c.offered_at), on_the_line(c),
                                *scope.place(c.province_code, c.county_key))
    yield from _sums(statement.group_by(iran_day(c.offered_at), group), session, names)


def repeats(session: Session, scope: Scope, by: Dimension) -> Iterator[Row]:
    """Contacts whose caller had another contact (anywhere) in the 7 days before: each
    contact's previous one by the same caller, by a window function over the range and the
    week before it (one sort, where a lookup per contact cost seconds a year)."""
    c = Contact
    before = iran_midnight(scope.first) - timedelta(seconds=WEEK_S)
    stop = iran_midnight(scope.last + timedelta(days=1))
    previous = func.lag(c.offered_at).over(partition_by=c.caller_hash,
                                           order_by=(c.offered_at, c.id))
    where = [c.offered_at >= before, c.offered_at < stop, c.caller_hash.is_not(None),
             on_the_line(c)]
    place = scope.place(c.province_code, c.county_key)
    if place:  # a province's callers only (their other contacts may be anywhere)
        where.append(c.caller_hash.in_(
            select(c.caller_hash).where(scope.window(c.offered_at), *place)))
    inner = select(c.id, c.offered_at, c.province_code, c.county_key, c.channel, c.risk,
                   previous.label("previous")).where(*where).subquery()
    group, joins = _contact_group(inner.c, by)
    statement = select(iran_day(inner.c.offered_at), group, func.count()).select_from(inner)
    for target, on in joins:
        statement = statement.outerjoin(target, on)
    statement = statement.where(
        scope.window(inner.c.offered_at), inner.c.previous.is_not(None),
        seconds_between(inner.c.previous, inner.c.offered_at) <= WEEK_S,
        *scope.place(inner.c.province_code, inner.c.county_key))
    yield from _sums(statement.group_by(iran_day(inner.c.offered_at), group), session,
                     ["repeat_contacts"])


def overflow_in(session: Session, scope: Scope, by: Dimension) -> Iterator[Row]:
    """Other provinces' contacts answered by counsellors of the province: counted there."""
    c = aliased(Contact)
    answerer = aliased(User)
    group = {D.none: literal(None), D.province: answerer.province_code, D.channel: c.channel,
             D.risk: c.risk}[by]
    statement = (
        select(iran_day(c.offered_at), group, func.count())
        .select_from(c).join(answerer, answerer.id == c.assigned_to)
        .where(scope.window(c.offered_at), c.answered_at.is_not(None), on_the_line(c),
               c.province_code.is_not(None), answerer.province_code.is_not(None),
               answerer.province_code != c.province_code))
    if scope.province_code is not None:
        statement = statement.where(answerer.province_code == scope.province_code)
    yield from _sums(statement.group_by(iran_day(c.offered_at), group), session,
                     ["overflow_in"])


def callbacks(session: Session, scope: Scope, by: Dimension) -> Iterator[Row]:
    c = aliased(Contact)
    group, _ = _contact_group(c, by)
    first_try = (select(func.min(CallbackAttempt.at))
                 .where(CallbackAttempt.callback_id == Callback.id).scalar_subquery())
    statement = (
        select(iran_day(Callback.created_at), group, func.count(),
               _flag(and_(first_try.is_not(None), first_try <= Callback.due_at)))
        .select_from(Callback).join(c, c.id == Callback.contact_id)
        .where(scope.window(Callback.created_at), *scope.place(c.province_code, c.county_key))
        .group_by(iran_day(Callback.created_at), group))
    yield from _sums(statement, session, ["callbacks", "callbacks_in_time"])


def team_requests(session: Session, scope: Scope, by: Dimension) -> Iterator[Row]:
    r, c = DispatchRequest, aliased(Contact)
    group = {D.none: literal(None), D.province: r.province_code, D.county: r.county_key,
             D.channel: c.channel, D.risk: c.risk}[by]
    statement = (
        select(iran_day(r.requested_at), group, func.count())
        .select_from(r).join(c, c.id == r.contact_id)
        .where(scope.window(r.requested_at), *scope.place(r.province_code, r.county_key))
        .group_by(iran_day(r.requested_at), group))
    yield from _sums(statement, session, ["team_requests"])


def arrivals(session: Session, scope: Scope, by: Dimension) -> Iterator[tuple[Any, Any, float]]:
    """One row per incident made from a contact whose unit reported on scene: minutes from
    the contact being offered to the first on-scene report (few: fetched one by one)."""
    c, i = aliased(Contact), Incident
    on_scene = (select(UnitStatusEvent.incident_id, func.min(UnitStatusEvent.at).label("at"))
                .where(UnitStatusEvent.status == UnitStatus.on_scene.value,
                       UnitStatusEvent.incident_id.is_not(None))
                .group_by(UnitStatusEvent.incident_id).subquery())
    group = {D.none: literal(None), D.province: i.province_code, D.county: i.county_key}[by]
    statement = (
        select(iran_day(c.offered_at), group, seconds_between(c.offered_at, on_scene.c.at))
        .select_from(i).join(c, c.id == i.contact_id)
        .join(on_scene, on_scene.c.incident_id == i.id)
        .where(scope.window(c.offered_at), *scope.place(i.province_code, i.county_key)))
    for day, grp, seconds in session.execute(statement):
        yield day, grp, float(seconds) / 60.0


def referrals(session: Session, scope: Scope, by: Dimension) -> Iterator[Row]:
    r, c = Referral, aliased(Contact)
    group = {D.none: literal(None), D.province: c.province_code, D.county: c.county_key,
             D.agency: r.agency_id}[by]
    acknowledged = or_(and_(r.received_at.is_not(None), r.received_at <= r.ack_due_at),
                       and_(r.decided_at.is_not(None), r.decided_at <= r.ack_due_at))
    statement = (
        select(iran_day(r.requested_at), group, func.count(), _flag(acknowledged))
        .select_from(r).join(c, c.id == r.contact_id)
        .where(scope.window(r.requested_at), *scope.place(c.province_code, c.county_key))
        .group_by(iran_day(r.requested_at), group))
    for day, grp, parts in _sums(statement, session, ["referrals", "referrals_ack_in_time"]):
        yield day, None if grp is None else str(grp), parts


def cases(session: Session, scope: Scope, by: Dimension) -> Iterator[Row]:
    county = aliased(County)
    group = {D.none: literal(None), D.province: Case.province_code, D.county: county.key}[by]
    for moment, name in ((Case.opened_at, "cases_opened"), (Case.closed_at, "cases_closed")):
        statement = (
            select(iran_day(moment), group, func.count())
            .select_from(Case).outerjoin(county, county.id == Case.county_id)
            .where(scope.window(moment), *scope.place(Case.province_code, county.key))
            .group_by(iran_day(moment), group))
        yield from _sums(statement, session, [name])


def bases(session: Session, scope: Scope, by: Dimension) -> Iterator[Row]:
    county = aliased(County)
    s = BaseSession
    group = {D.none: literal(None), D.province: Centre.province_code,
             D.county: county.key}[by]
    present = (select(func.count()).select_from(Attendance)
               .where(Attendance.session_id == s.id, Attendance.mark == Mark.present.value)
               .scalar_subquery())
    statement = (
        select(iran_day(s.starts_at), group, func.count(), func.sum(present))
        .select_from(s).join(Programme, Programme.id == s.programme_id)
        .join(Centre, Centre.id == Programme.base_id)
        .outerjoin(county, county.id == Centre.county_id)
        .where(scope.window(s.starts_at), s.status == SessionStatus.held.value,
               *scope.place(Centre.province_code, county.key))
        .group_by(iran_day(s.starts_at), group))
    yield from _sums(statement, session, ["base_sessions", "base_attendance"])


def shelters(session: Session, scope: Scope, by: Dimension, today: date) -> Iterator[Row]:
    """Bed-nights used and available per day, per shelter, up to today (a stay still open
    does not fill the days to come)."""
    county = aliased(County)
    group = {D.none: literal(None), D.province: Shelter.province_code,
             D.county: county.key}[by]
    found = session.execute(
        select(Shelter.id, group).outerjoin(county, county.id == Shelter.county_id)
        .where(Shelter.active, *scope.place(Shelter.province_code, county.key))).all()
    groups = {shelter_id: grp for shelter_id, grp in found}
    if not groups:
        return
    beds: dict[int, set[int]] = {i: set() for i in groups}
    for bed_id, shelter_id in session.execute(
            select(ShelterBed.id, ShelterBed.shelter_id)
            .join(ShelterRoom, ShelterRoom.id == ShelterBed.room_id)
            .where(ShelterBed.active, ShelterRoom.active, ShelterBed.shelter_id.in_(groups))):
        beds[shelter_id].add(bed_id)
    stays: dict[int, list[BedStay]] = {i: [] for i in groups}
    for shelter_id, came, left, bed in session.execute(
            select(ShelterStay.shelter_id, ShelterStay.checked_in_at,
                   ShelterStay.checked_out_at, Person.bed_id)
            .join(Person, Person.stay_id == ShelterStay.id)
            .where(ShelterStay.shelter_id.in_(groups), Person.bed_id.is_not(None),
                   ShelterStay.checked_in_at.is_not(None),
                   ShelterStay.status != StayStatus.cancelled.value)):
        if bed is not None and came is not None:
            stays[shelter_id].append((bed, _day(came), _day(left) if left else None))
    last = min(scope.last, today)
    for shelter_id, grp in groups.items():
        for day, used, available in bed_days(beds[shelter_id], stays[shelter_id],
                                             scope.first, last):
            yield day, grp, {"shelter_bed_nights": float(used), "bed_days": float(available)}


def _day(moment: datetime) -> date:
    return day_of_moment(moment)
