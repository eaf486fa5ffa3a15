"""Occupancy of the shelters per shelter, province and nation, today and day by day (issue
17, for the dashboards): read from the stays, never typed; no names."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.cases.flags.model import iran_time
from panah.centres.shelters.model import BedUse, DayFigures, StayStatus, occupancy
from panah.centres.shelters.orm import (
    Shelter,
    ShelterBed,
    ShelterRoom,
    ShelterStay,
    ShelterStayPerson,
)
from panah.centres.shelters.schemas import DayFiguresPublic, OccupancyPublic, OccupancyRow
from panah.core.errors import Forbidden, InvalidInput
from panah.geo.orm import Province
from panah.security.policy import Actor, scope_of
from panah.security.roles import Scope

DEFAULT_DAYS = 30
MAX_DAYS = 366


def _day(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    return moment.astimezone(iran_time()).date() if moment.tzinfo else moment.date()


def _uses(session: Session, shelter_ids: list[int]) -> dict[int, list[BedUse]]:
    rows = session.execute(
        select(ShelterStay.shelter_id, ShelterStay.status, ShelterStay.checked_in_at,
               ShelterStay.checked_out_at, ShelterStay.created_at, ShelterStayPerson.bed_id)
        .join(ShelterStayPerson, ShelterStayPerson.stay_id == ShelterStay.id)
        .where(ShelterStay.shelter_id.in_(shelter_ids), ShelterStayPerson.bed_id.is_not(None),
               ShelterStay.status != StayStatus.cancelled.value))
    uses: dict[int, list[BedUse]] = {i: [] for i in shelter_ids}
    for shelter_id, status, came, left, created, bed_id in rows:
        planned = status == StayStatus.planned.value
        start = _day(created if planned else came)
        if bed_id is None or start is None:
            continue  # checked out or in without a day: nothing to count
        uses[shelter_id].append(BedUse(bed_id, start, None if planned else _day(left),
                                       planned=planned))
    return uses


def _public(figures: DayFigures) -> DayFiguresPublic:
    return DayFiguresPublic(day=figures.day, total=figures.total, occupied=figures.occupied,
                            held=figures.held, free=figures.free)


def _sum(day: date, parts: Iterable[DayFigures]) -> DayFigures:
    got = list(parts)
    return DayFigures(day, sum(p.total for p in got), sum(p.occupied for p in got),
                      sum(p.held for p in got), sum(p.free for p in got))


def _row(shelter_id: int | None, names: tuple[str, str], province: str | None,
         series: list[list[DayFigures]], now: DayFigures) -> OccupancyRow:
    days = [_sum(parts[0].day, parts) for parts in zip(*series, strict=True)]
    return OccupancyRow(shelter_id=shelter_id, name_fa=names[0], name_en=names[1],
                        province_code=province, today=_public(now),
                        days=[_public(d) for d in days])


def _reach(actor: Actor, province: str | None) -> str | None:
    if scope_of(actor) is Scope.nation:
        return province
    if province not in (None, actor.province_code):
        raise Forbidden("You see the occupancy of your own province's shelters only.",
                        "شما فقط اشغال خانه‌های امن استان خود را می‌بینید.",
                        why="out_of_scope", province_code=province)
    return actor.province_code


def _window(today: date, first: date | None, last: date | None) -> tuple[date, date]:
    last = last or today
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if last < first or (last - first).days >= MAX_DAYS:
        raise InvalidInput(f"Ask for 1 to {MAX_DAYS} days, the first on or before the last.",
                           f"از ۱ تا {MAX_DAYS} روز بخواهید و روز آغاز پیش از روز پایان "
                           "باشد.", field="from")
    return first, last


def shelter_occupancy(session: Session, *, actor: Actor, now: datetime,
                      province: str | None = None, first: date | None = None,
                      last: date | None = None) -> OccupancyPublic:
    """Beds, occupied, held and free per day from ``first`` to ``last`` (the last 30 days
    by default) and today, per shelter, per province and in all: the nation for national
    roles (or the province they pick), the actor's own province for the others."""
    today = _day(now) or now.date()
    first, last = _window(today, first, last)
    province = _reach(actor, province)
    query = select(Shelter).where(Shelter.active).order_by(Shelter.province_code, Shelter.id)
    if province is not None:
        query = query.where(Shelter.province_code == province)
    shelters = session.scalars(query).all()
    ids = [s.id for s in shelters]
    active: dict[int, set[int]] = {i: set() for i in ids}
    for bed_id, shelter_id in session.execute(
            select(ShelterBed.id, ShelterBed.shelter_id)
            .join(ShelterRoom, ShelterRoom.id == ShelterBed.room_id)
            .where(ShelterBed.active, ShelterRoom.active, ShelterBed.shelter_id.in_(ids))):
        active[shelter_id].add(bed_id)
    uses = _uses(session, ids)
    span = (min(first, today), max(last, today))
    series = {s.id: occupancy(active[s.id], uses[s.id], *span) for s in shelters}
    offset = (first - span[0]).days
    window = {i: d[offset:offset + (last - first).days + 1] for i, d in series.items()}
    today_at = (today - span[0]).days
    names = {p.code: (p.name_fa, p.name_en) for p in session.scalars(select(Province))}

    def row(shelter_id: int | None, label: tuple[str, str], where: str | None,
            members: list[int]) -> OccupancyRow:
        return _row(shelter_id, label, where, [window[i] for i in members],
                    _sum(today, (series[i][today_at] for i in members)))

    provinces = sorted({s.province_code for s in shelters})
    return OccupancyPublic(
        province_code=province, first=first, last=last, today=today,
        shelters=[row(s.id, (s.name_fa, s.name_en), s.province_code, [s.id])
                  for s in shelters],
        provinces=[row(None, names.get(p, (p, p)), p,
                       [s.id for s in shelters if s.province_code == p]) for p in provinces],
        total=row(None, names.get(province, ("کشور", "Iran")) if province else
                  ("کشور", "Iran"), province, ids))


def today_figures(session: Session, *, actor: Actor, now: datetime) -> OccupancyPublic:
    """Today only (for homes and the shelters page)."""
    today = _day(now) or now.date()
    return shelter_occupancy(session, actor=actor, now=now, first=today, last=today)
