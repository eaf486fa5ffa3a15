"""Posts where units wait (permanent, and Nowruz posts with dates) and the units' shifts:
who is on the crew, at which post, when."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.core.errors import InvalidInput, NotFound
from panah.dispatch import model
from panah.dispatch.board import seats_of, seats_public
from panah.dispatch.orm import CrewMember, Post, Shift, ShiftMember, Unit
from panah.dispatch.schemas import PostPublic, ShiftCreate, ShiftPublic
from panah.dispatch.service import get_unit
from panah.geo.orm import County
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.policy import Actor


def posts_of(session: Session, province_code: str | None, *, on: date | None
             ) -> list[tuple[Post, County]]:
    query = select(Post, County).join(County, County.id == Post.county_id).order_by(
        Post.kind, Post.code)
    if province_code is not None:
        query = query.where(County.province_code == province_code)
    rows = session.execute(query).all()
    return [(post, county) for post, county in rows
            if on is None or model.post_open_on(on, post.active_from, post.active_to)]


def posts_public(session: Session, province_code: str | None, *, on: date | None
                 ) -> list[PostPublic]:
    """The province's posts (all, for ``None``); with ``on`` only those open that day."""
    return [PostPublic(id=p.id, code=p.code, kind=p.kind, name_fa=p.name_fa, name_en=p.name_en,
                       county=c.name_en, lat=p.lat, lon=p.lon, active_from=p.active_from,
                       active_to=p.active_to)
            for p, c in posts_of(session, province_code, on=on)]


def plan_shift(session: Session, *, unit_id: int, shift: ShiftCreate, actor: Actor | None,
               now: datetime) -> ShiftPublic:
    """A shift for the unit in service: when, at which post (its own if none), and who is
    on the crew."""
    made = add_shift(session, unit=get_unit(session, unit_id), starts_at=shift.starts_at,
                     ends_at=shift.ends_at, post_id=shift.post_id,
                     crew_member_ids=shift.crew_member_ids, actor=actor, now=now)
    return shift_public(session, made)


def add_shift(session: Session, *, unit: Unit, starts_at: datetime, ends_at: datetime,
              post_id: int | None, crew_member_ids: Sequence[int], actor: Actor | None,
              now: datetime) -> Shift:
    post = _post_of(session, unit, post_id)
    others = [(as_utc(s.starts_at), as_utc(s.ends_at)) for s in session.scalars(
        select(Shift).where(Shift.unit_id == unit.id, Shift.ends_at > starts_at,
                            Shift.starts_at < ends_at))]
    window = (post.active_from, post.active_to) if post is not None else None
    model.check_shift(starts_at, ends_at, others=others, post_window=window)
    crew = _crew_of(session, unit, crew_member_ids)
    shift = Shift(unit_id=unit.id, post_id=post.id if post else None, starts_at=starts_at,
                  ends_at=ends_at)
    session.add(shift)
    session.flush()
    session.add_all(ShiftMember(shift_id=shift.id, crew_member_id=m.id) for m in crew)
    session.flush()
    audit(session, actor, AuditAction.create, "unit_shift", shift.id, now=now)
    return shift


def _post_of(session: Session, unit: Unit, post_id: int | None) -> Post | None:
    if post_id is None:
        return session.get(Post, unit.post_id) if unit.post_id else None
    post = session.get(Post, post_id)
    county = session.get(County, post.county_id) if post is not None else None
    if post is None or county is None or county.province_code != unit.province_code:
        raise NotFound(f"There is no post {post_id} in the unit's province.",
                       f"پایگاهی با شمارهٔ {post_id} در استان این خودرو نیست.")
    return post


def _crew_of(session: Session, unit: Unit, ids: Sequence[int]) -> list[CrewMember]:
    crew = list(session.scalars(select(CrewMember).where(CrewMember.id.in_(ids),
                                                         CrewMember.unit_id == unit.id)))
    missing = sorted(set(ids) - {m.id for m in crew})
    if missing or not ids:
        raise InvalidInput(f"Crew members {missing or '(none)'} are not on {unit.call_sign}'s "
                           "roster; choose from its crew.",
                           f"اعضای {missing or '(هیچ)'} در فهرست تیم {unit.call_sign} نیستند؛ "
                           "از اعضای همین خودرو انتخاب کنید.", field="crew_member_ids")
    return crew


def shifts_of(session: Session, unit_id: int, *, since: datetime) -> list[Shift]:
    return list(session.scalars(select(Shift).where(Shift.unit_id == unit_id,
                                                    Shift.ends_at > since)
                                .order_by(Shift.starts_at)))


def seat_gaps(session: Session, shift: Shift) -> list[model.SeatGap]:
    members = session.execute(select(CrewMember.id, CrewMember.role, CrewMember.is_woman)
                              .join(ShiftMember, ShiftMember.crew_member_id == CrewMember.id)
                              .where(ShiftMember.shift_id == shift.id)).all()
    return model.fill_seats(seats_of(session, shift.unit_id),
                            [model.Member(i, role, woman) for i, role, woman in members])


def shift_public(session: Session, shift: Shift) -> ShiftPublic:
    """A shift with its crew and how the crew fills the unit's seats."""
    members = list(session.scalars(select(ShiftMember.crew_member_id)
                                   .where(ShiftMember.shift_id == shift.id)))
    return ShiftPublic(id=shift.id, unit_id=shift.unit_id, post_id=shift.post_id,
                       starts_at=as_utc(shift.starts_at), ends_at=as_utc(shift.ends_at),
                       crew_member_ids=sorted(members),
                       seats=seats_public(seat_gaps(session, shift)))
