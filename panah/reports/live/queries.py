"""The live dashboard's read side: a province's (or the nation's) service now, in one call.

Whose dashboard: a province's people see their own province; the national office the
nation, or any one province it picks (:func:`dashboard_province`, the one place this is
decided). What it shows comes from the domains' own read models where they exist (the
dispatch board, the shelters' beds, the homes' figures); what only the dashboard asks (the
share answered within 20 s, the overflow, who is on what) is counted here in the database,
so a national view costs a few aggregate queries whatever the volume. Read only: looking
at it marks nobody present and reads no referral.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session

from panah.cases.flags.orm import CaseFlag
from panah.cases.model import CaseStatus
from panah.cases.orm import Case
from panah.centres.shelters.queries import shelters_seen
from panah.centres.shelters.schemas import ShelterPublic
from panah.core.clock import as_utc
from panah.core.errors import Forbidden, NotFound
from panah.dispatch.queries import dispatch_board
from panah.dispatch.schemas import BoardPublic
from panah.geo.orm import Province
from panah.intake.model import ContactState, RiskLevel
from panah.intake.orm import Callback, Contact
from panah.intake.queue.callbacks import OPEN_STATES as CALLBACK_OPEN
from panah.intake.queue.presence import ONLINE_FOR
from panah.reports import work
from panah.reports.line import ANSWER_TARGET_S, answered_in_target, on_the_line, wait_start
from panah.reports.live import model
from panah.reports.live.model import Threshold, TileKey, Waiting
from panah.reports.live.orm import DashboardThreshold
from panah.reports.live.schemas import (
    CounsellorNow,
    DangerAlertPublic,
    IncidentAge,
    LiveDashboardPublic,
    RegionPublic,
    RiskCount,
    ServiceLevel,
    ShelterBeds,
    StatusCountPublic,
    ThresholdPublic,
    ThresholdsPublic,
    TilePublic,
    UnitDot,
)
from panah.reports.periods import Grain, iran_day, period_of
from panah.security.orm import Presence, User
from panah.security.policy import Actor, Resource, decide, scope_of
from panah.security.roles import ROLE_PERMISSIONS, Permission, Scope

HOUR = timedelta(hours=1)
BUSY = (ContactState.assigned.value, ContactState.answered.value, ContactState.wrap_up.value)
ANSWERERS = [role.value for role in ROLE_PERMISSIONS[Permission.answer_contacts]]
COUNSELLORS_SHOWN = 60  # a national wall shows the busiest; the counts cover everyone


# ---- whose dashboard ----------------------------------------------------------------------


def dashboard_province(session: Session, *, actor: Actor, asked: str | None) -> str | None:
    """The province whose dashboard ``actor`` sees (``None``: the nation). A province's
    people get their own whatever they ask; asking for another is refused (403, naming
    the field); the national office gets the one it asks for, or the nation."""
    national = scope_of(actor) is Scope.nation
    if asked is None or asked == "":
        return None if national else actor.province_code
    if session.get(Province, asked) is None:
        raise NotFound(f"province: there is no province {asked!r}; choose one from the list.",
                       f"استان: استانی با کد «{asked}» نیست؛ از فهرست برگزینید.",
                       field="province")
    if not decide(actor, Permission.view_dashboard, Resource("dashboard", province_code=asked)):
        raise Forbidden(
            "province: you see your own province's dashboard only.",
            "استان: شما فقط داشبورد استان خود را می‌بینید.", field="province",
            province_code=asked)
    return asked


# ---- thresholds ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Saved:
    thresholds: dict[TileKey, Threshold]
    updated_at: datetime | None


def saved_thresholds(session: Session, province_code: str | None) -> Saved:
    """The thresholds a province set (the nation's view keeps the defaults)."""
    if province_code is None:
        return Saved({}, None)
    rows = session.scalars(select(DashboardThreshold).where(
        DashboardThreshold.province_code == province_code)).all()
    known = {key.value for key in TileKey}
    found = {TileKey(r.tile): Threshold(r.amber, r.red) for r in rows if r.tile in known}
    latest = max((as_utc(r.updated_at) for r in rows), default=None)
    return Saved(found, latest)


def thresholds(session: Session, *, province_code: str) -> ThresholdsPublic:
    """A province's thresholds as its settings form shows them, every tile listed."""
    saved = saved_thresholds(session, province_code)
    every = model.with_defaults(saved.thresholds)
    return ThresholdsPublic(province_code=province_code, updated_at=saved.updated_at, thresholds=[
        ThresholdPublic(tile=key.value, amber=every[key].amber, red=every[key].red,
                        default_amber=rule.default.amber, default_red=rule.default.red,
                        direction=rule.direction.value, maximum=rule.maximum,
                        customised=key in saved.thresholds)
        for key, rule in model.RULES.items()])


# ---- the 123 line now ------------------------------------------------------------------------


def _where(column: Any, province_code: str | None) -> tuple[ColumnElement[bool], ...]:
    return () if province_code is None else (column == province_code,)


def waiting(session: Session, province_code: str | None) -> list[Waiting]:
    """Contacts waiting now on the province's queue (its own and those overflowed to it);
    the nation: every contact waiting."""
    query = select(Contact.id, Contact.risk, Contact.queued_at, Contact.offered_at,
                   Contact.channel, Contact.offered_to).where(
        Contact.state == ContactState.queued.value)
    if province_code is not None:
        query = query.where(Contact.offered_to.contains(province_code))
    return [Waiting(cid, RiskLevel(risk), as_utc(queued or offered), channel)
            for cid, risk, queued, offered, channel, offered_to in session.execute(query)
            if province_code is None or province_code in offered_to.split(",")]


def service_level(session: Session, province_code: str | None, *, since: datetime,
                  now: datetime) -> ServiceLevel:
    """The province's contacts (by where they belong) offered since ``since``: answered,
    answered within 20 s of joining the queue, abandoned. A contact still waiting less
    than 20 s is not judged yet; a walk-in never waits and is not counted."""
    start = wait_start(Contact)
    answered = Contact.answered_at.is_not(None)
    target = ANSWER_TARGET_S

    def total(condition: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = session.execute(select(
        func.count(),
        total(answered),
        total(answered_in_target(Contact)),
        total(Contact.abandoned_at.is_not(None)),
        total(and_(~answered, Contact.abandoned_at.is_(None),
                   start > now - timedelta(seconds=target))),
    ).where(Contact.offered_at >= since, Contact.offered_at <= now,
            on_the_line(Contact),
            *_where(Contact.province_code, province_code))).one()
    offered, answered_n, within, abandoned, pending = (int(v or 0) for v in row)
    return ServiceLevel(offered=offered, answered=answered_n, within_target=within,
                        abandoned=abandoned, pct=model.share_pct(within, offered - pending))


def _count(session: Session, query: Select[Any]) -> int:
    return int(session.scalar(query) or 0)


def callbacks(session: Session, province_code: str | None, now: datetime) -> tuple[int, int]:
    """Callbacks still to make for the province's contacts: all, and those past due."""
    query = (select(func.count()).select_from(Callback)
             .join(Contact, Contact.id == Callback.contact_id)
             .where(Callback.state.in_(CALLBACK_OPEN), *_where(Contact.province_code,
                                                                province_code)))
    return (_count(session, query),
            _count(session, query.where(Callback.state == "due", Callback.due_at <= now)))


def overflow(session: Session, province_code: str | None, *, since: datetime,
             now: datetime) -> tuple[int, int]:
    """Contacts answered since ``since`` by a counsellor of another province than their
    own: (in: others' answered here, out: ours answered elsewhere). For the nation both
    are every such contact."""
    query = (select(func.count()).select_from(Contact)
             .join(User, User.id == Contact.assigned_to)
             .where(Contact.answered_at >= since, Contact.answered_at <= now,
                    Contact.province_code.is_distinct_from(User.province_code)))
    if province_code is None:
        moved = _count(session, query)
        return moved, moved
    return (_count(session, query.where(User.province_code == province_code)),
            _count(session, query.where(Contact.province_code == province_code)))


def counsellors(session: Session, province_code: str | None,
                now: datetime) -> tuple[list[CounsellorNow], dict[str, int]]:
    """Who answers the line: on a contact (which, since when), at the console and free, or
    away; the first two listed (on a contact first), all three counted."""
    users = session.execute(
        select(User.id, User.full_name, Presence.seen_at)
        .outerjoin(Presence, Presence.user_id == User.id)
        .where(User.role.in_(ANSWERERS), User.is_active,
               *_where(User.province_code, province_code))).all()
    ids = [uid for uid, _, _ in users]
    holding = {c.assigned_to: c for c in session.scalars(
        select(Contact).where(Contact.assigned_to.in_(ids), Contact.state.in_(BUSY))
        .order_by(Contact.assigned_at))} if ids else {}
    shown, counts = [], Counter({"on_contact": 0, "available": 0, "away": 0})
    for uid, name, seen_at in users:
        contact = holding.get(uid)
        present = seen_at is not None and now - as_utc(seen_at) <= ONLINE_FOR
        presence = "on_contact" if contact else "available" if present else "away"
        counts[presence] += 1
        if presence != "away":
            shown.append(CounsellorNow(
                user_id=uid, full_name=name, presence=presence,
                contact_id=contact.id if contact else None,
                contact_state=contact.state if contact else None,
                channel=contact.channel if contact else None,
                since=as_utc(contact.assigned_at) if contact and contact.assigned_at else None))
    shown.sort(key=lambda c: (c.presence != "on_contact", c.full_name))
    return shown[:COUNSELLORS_SHOWN], dict(counts)


def case_flags(session: Session, province_code: str | None) -> tuple[int, int]:
    """Open cases with a flag standing (issue 16), and of them those escalated."""
    query = (select(func.count(func.distinct(CaseFlag.case_id))).select_from(CaseFlag)
             .join(Case, Case.id == CaseFlag.case_id)
             .where(CaseFlag.cleared_at.is_(None), Case.status != CaseStatus.closed.value,
                    *_where(Case.province_code, province_code)))
    return (_count(session, query),
            _count(session, query.where(CaseFlag.escalated_at.is_not(None))))


# ---- the dashboard ------------------------------------------------------------------------


def _tiles(values: dict[TileKey, float | None],
           every: dict[TileKey, Threshold]) -> dict[str, TilePublic]:
    tiles = {}
    for key, rule in model.RULES.items():
        value = values.get(key)
        tiles[key.value] = TilePublic(
            key=key.value, value=value, level=model.level(value, every[key], rule.direction),
            amber=every[key].amber, red=every[key].red, direction=rule.direction.value)
    return tiles


@dataclass(frozen=True, slots=True)
class _Line:
    """The 123 line's part of a dashboard."""

    queue: list[Waiting]
    hour: ServiceLevel
    today: ServiceLevel
    callbacks: tuple[int, int]
    overflow: tuple[int, int]
    counsellors: tuple[list[CounsellorNow], dict[str, int]]


def _line(session: Session, province: str | None, now: datetime) -> _Line:
    today_start, _ = period_of(iran_day(now), Grain.day).bounds()
    return _Line(queue=waiting(session, province),
                 hour=service_level(session, province, since=now - HOUR, now=now),
                 today=service_level(session, province, since=today_start, now=now),
                 callbacks=callbacks(session, province, now),
                 overflow=overflow(session, province, since=today_start, now=now),
                 counsellors=counsellors(session, province, now))


@dataclass(frozen=True, slots=True)
class _Field:
    """The mobile teams', shelters', partners' and cases' part of a dashboard."""

    board: BoardPublic
    incidents: list[IncidentAge]
    shelters: list[ShelterPublic]
    activity: work.Activity
    flags: tuple[int, int]


def _field(session: Session, actor: Actor, province: str | None, now: datetime) -> _Field:
    board = dispatch_board(session, actor=actor, now=now, province=province)
    return _Field(
        board=board,
        incidents=[IncidentAge(id=i.id, priority=i.priority, state=i.state, area_fa=i.area_fa,
                               area_en=i.area_en, age_min=max(int(
                                   (now - as_utc(i.created_at)).total_seconds() // 60), 0))
                   for i in board.incidents],
        shelters=[s for s in shelters_seen(session, actor=actor)
                  if s.active and (province is None or s.province_code == province)],
        activity=work.activity(session, province, now),
        flags=case_flags(session, province))


def _values(line: _Line, field: _Field, now: datetime) -> dict[TileKey, float | None]:
    """Each tile's figure."""
    queue = line.queue
    return {
        TileKey.waiting: len(queue),
        TileKey.longest_wait_s: model.longest_wait_s(queue, now),
        TileKey.immediate_wait_s: model.longest_wait_s(queue, now, RiskLevel.immediate),
        TileKey.answered_20s_hour_pct: line.hour.pct,
        TileKey.answered_20s_today_pct: line.today.pct,
        TileKey.abandoned_today: line.today.abandoned,
        TileKey.callbacks_overdue: line.callbacks[1],
        TileKey.incident_oldest_min: max((i.age_min for i in field.incidents), default=None),
        TileKey.referrals_overdue: field.activity.referrals_overdue,
        TileKey.shelter_free_beds: sum(s.free for s in field.shelters) if field.shelters
        else None,
        TileKey.cases_flagged: field.flags[0],
    }


def live_dashboard(session: Session, *, actor: Actor, province_code: str | None,
                   now: datetime) -> LiveDashboardPublic:
    """The dashboard of the province ``actor`` may see (``province_code`` asked for; see
    :func:`dashboard_province`), as it stands at ``now``."""
    province = dashboard_province(session, actor=actor, asked=province_code)
    now = now.astimezone(UTC)
    line, field = _line(session, province, now), _field(session, actor, province, now)
    saved = saved_thresholds(session, province)
    every = model.with_defaults(saved.thresholds)
    region = session.get(Province, province) if province else None
    shelters = field.shelters
    return LiveDashboardPublic(
        province=RegionPublic(code=region.code, name_fa=region.name_fa,
                              name_en=region.name_en) if region else None,
        at=now, thresholds_customised=bool(saved.thresholds),
        tiles=_tiles(_values(line, field, now), every),
        alerts=[DangerAlertPublic(contact_id=a.contact_id, channel=a.channel,
                                  waited_s=a.waited_s)
                for a in model.danger_alerts(line.queue, now, every)],
        waiting_by_risk=[RiskCount(risk=r.value, count=n)
                         for r, n in model.by_risk(line.queue).items()],
        hour=line.hour, today=line.today,
        callbacks_due=line.callbacks[0], callbacks_overdue=line.callbacks[1],
        overflow_in=line.overflow[0], overflow_out=line.overflow[1],
        counsellors=line.counsellors[0], counsellors_by_presence=line.counsellors[1],
        units_by_status=[StatusCountPublic(status=s.status, label_fa=s.label_fa,
                                           label_en=s.label_en, count=s.count)
                         for s in work.board_glance(field.board).units_by_status],
        units=[UnitDot(call_sign=u.call_sign, status=u.status, status_fa=u.status_fa,
                       status_en=u.status_en, lat=u.lat, lon=u.lon, incident_id=u.incident_id)
               for u in field.board.units],
        incidents=field.incidents,
        shelters=ShelterBeds(shelters=len(shelters), beds=sum(s.beds for s in shelters),
                             free=sum(s.free for s in shelters)),
        referrals_awaiting=field.activity.referrals_awaiting,
        referrals_overdue=field.activity.referrals_overdue,
        cases_flagged=field.flags[0], cases_escalated=field.flags[1])


def dashboard_provinces(session: Session, *, actor: Actor) -> list[RegionPublic]:
    """The provinces the actor may pick (the national office: all; others: none)."""
    if scope_of(actor) is not Scope.nation:
        return []
    return [RegionPublic(code=p.code, name_fa=p.name_fa, name_en=p.name_en)
            for p in session.scalars(select(Province).order_by(Province.code))]



def province_region(session: Session, province_code: str) -> RegionPublic:
    """A province's names, for the settings page's title."""
    found = session.get_one(Province, province_code)
    return RegionPublic(code=found.code, name_fa=found.name_fa, name_en=found.name_en)
