"""Dispatch's read side beyond the board's builders (``board``): each read model a function
of ``(session, *, actor, now, …)`` inside the caller's unit of work."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panah.centres.orm import Centre
from panah.core.errors import NotFound
from panah.dispatch import board, service, shifts, timeline
from panah.dispatch import team_channels as channels
from panah.dispatch.field import REPORT_OUTCOMES
from panah.dispatch.model import (
    CAUTIONS,
    SAFETY_CHECK_MINUTES,
    STATUS_LABELS,
    TRANSITIONS,
    UnitStatus,
)
from panah.dispatch.orm import (
    CrewMember,
    Incident,
    TeamChannel,
    TeamChannelMember,
    TeamChannelMessage,
    Unit,
)
from panah.dispatch.schemas import (
    BoardPublic,
    CrewAssignmentPublic,
    IncidentPublic,
    IncidentTimelinePublic,
    PostPublic,
    RecommendationPublic,
    ShiftPublic,
    TeamChannelMessagePublic,
    TeamChannelPublic,
    recommendation_public,
)
from panah.geo.text import to_persian_digits
from panah.geo.travel import TravelTimes
from panah.security.access import deny
from panah.security.policy import Actor, Decision, Resource, decide
from panah.security.roles import ROLE_SCOPE, Permission, Scope

SHIFTS_SINCE = timedelta(days=1)  # a shift that ended within the day is still shown
# The report's outcomes in the order a crew thinks of them (any new one comes last).
OUTCOME_ORDER = ("resolved_on_scene", "taken_to_shelter", "taken_to_centre", "handed_to_police",
                 "handed_to_ems", "no_one_found", "refused_help")


def unit_resource(session: Session, unit_id: int) -> Resource | None:
    """A unit belongs to its home centre's province; its crew are its team, so a crew
    member reaches their own unit and no other (``None``: not in service)."""
    unit = session.get(Unit, unit_id)
    if unit is None or unit.retired_at is not None:
        return None
    crew = frozenset(u for u in session.scalars(
        select(CrewMember.user_id).where(CrewMember.unit_id == unit_id)) if u is not None)
    return Resource("unit", province_code=unit.province_code, centre_id=unit.home_centre_id,
                    team=crew)


def incident_resource(session: Session, incident_id: int) -> Resource | None:
    row = session.get(Incident, incident_id)
    return Resource("incident", province_code=row.province_code) if row is not None else None


# ---- the board and incidents -------------------------------------------------------------


def board_province(actor: Actor, asked: str | None) -> str | None:
    """A provincial dispatcher sees their province; national roles the one they ask for."""
    if ROLE_SCOPE.get(actor.role) is Scope.nation:
        return asked
    return actor.province_code


def dispatch_board(session: Session, *, actor: Actor, now: datetime,
                   province: str | None) -> BoardPublic:
    """The board of the province the actor sees (see :func:`board_province`)."""
    return board.board(session, province_code=board_province(actor, province), now=now)


def board_stamp(session: Session, *, actor: Actor, province: str | None) -> str:
    """The stamp of that board: a live page fetches the board only when it moved."""
    return board.stamp(session, board_province(actor, province))


def incident(session: Session, *, incident_id: int) -> IncidentPublic:
    return board.incident_public(session, service.get_incident(session, incident_id))


def incident_timeline(session: Session, *, actor: Actor, now: datetime,
                      incident_id: int) -> IncidentTimelinePublic:
    """The incident's page, open or closed: what happened in order and its visit reports
    (their text for those who may read it; see :mod:`panah.dispatch.timeline`)."""
    return timeline.timeline(session, actor=actor, incident=service.get_incident(
        session, incident_id), now=now)


def recommendations(session: Session, *, incident_id: int, now: datetime,
                    travel: TravelTimes) -> RecommendationPublic:
    """Available units of the incident's province, fastest first, each with why."""
    found = service.recommend_for(session, service.get_incident(session, incident_id), now=now,
                                  travel=travel)
    return recommendation_public(incident_id, found)


# ---- posts and shifts --------------------------------------------------------------------


def posts(session: Session, *, actor: Actor, province: str | None,
          on: date | None) -> list[PostPublic]:
    """The posts of the province the actor sees; with ``on`` those open that day."""
    return shifts.posts_public(session, board_province(actor, province), on=on)


def unit_shifts(session: Session, *, unit_id: int, now: datetime) -> list[ShiftPublic]:
    """The unit's shifts that have not ended (from a day back), in order."""
    return [shifts.shift_public(session, s)
            for s in shifts.shifts_of(session, unit_id, since=now - SHIFTS_SINCE)]


# ---- the crew's phone --------------------------------------------------------------------


def crew_assignment(session: Session, *, unit_id: int, now: datetime) -> CrewAssignmentPublic:
    """The unit, its crew seats, the incident it is on and the statuses it may take next."""
    return board.crew_assignment(session, service.get_unit(session, unit_id), now=now)


@dataclass(frozen=True, slots=True)
class PostMark:
    """Where a unit starts from, on the map while no position has come from it: its post,
    or its home centre while the post is closed (``home``)."""

    lat: float
    lon: float
    name_fa: str
    name_en: str
    home: bool = False


@dataclass(frozen=True, slots=True)
class FieldUnit:
    """The unit a phone follows and its assignment (as ``GET /api/units/{id}/assignment``)."""

    id: int
    call_sign: str
    assignment: CrewAssignmentPublic
    post: PostMark | None


@dataclass(frozen=True, slots=True)
class FieldPage:
    """The field app's page: the unit it follows (``None``: the user is on no unit's crew,
    or may not follow the one asked for, then ``refusal`` says why) and what its script
    needs to run offline: which status may follow which, the labels (English, Persian) of
    statuses and cautions, the report's outcomes and the safety timer."""

    unit: FieldUnit | None
    refusal: Decision | None
    transitions: Mapping[str, list[str]]
    status_labels: Mapping[str, tuple[str, str]]
    caution_labels: Mapping[str, tuple[str, str]]
    outcomes: tuple[str, ...]
    safety_check_minutes: int


def field_page(session: Session, *, actor: Actor, now: datetime,
               unit_id: int | None) -> FieldPage:
    """The crew's own unit, or the unit asked for by id (a dispatcher or supervisor
    following a crew) when the policy lets the actor follow it; a refusal goes on the
    audit chain with the caller's unit of work."""
    if unit_id is None:
        unit, refusal = _unit_of_crew(session, actor), None
    else:
        unit, refusal = _chosen_unit(session, actor, unit_id)
    if unit_id is not None and refusal is not None:
        deny(session, actor=actor, permission=Permission.crew_updates, decision=refusal,
             subject_type="unit", subject_id=unit_id, now=now)
    return FieldPage(
        unit=_field_unit(session, unit, now) if unit is not None else None, refusal=refusal,
        transitions={s.value: sorted(t.value for t in targets)
                     for s, targets in TRANSITIONS.items()},
        status_labels={s.value: STATUS_LABELS[s] for s in UnitStatus},
        caution_labels=dict(CAUTIONS), outcomes=_outcomes(),
        safety_check_minutes=SAFETY_CHECK_MINUTES)


def _unit_of_crew(session: Session, actor: Actor) -> Unit | None:
    """The unit in service whose crew the signed-in user is on."""
    return session.scalar(
        select(Unit).join(CrewMember, CrewMember.unit_id == Unit.id)
        .where(CrewMember.user_id == actor.user_id, Unit.retired_at.is_(None))
        .order_by(Unit.id).limit(1))


def _chosen_unit(session: Session, actor: Actor, unit_id: int
                 ) -> tuple[Unit | None, Decision | None]:
    """The same policy question as the field API's; the unit only when the answer is yes,
    else the refusal."""
    resource = unit_resource(session, unit_id)
    if resource is None:
        raise NotFound(f"There is no unit {unit_id} in service.",
                       f"خودرویی با شمارهٔ {unit_id} در خدمت نیست.")
    decision = decide(actor, Permission.crew_updates, resource)
    return (session.get(Unit, unit_id), None) if decision else (None, decision)


def _field_unit(session: Session, unit: Unit, now: datetime) -> FieldUnit:
    assignment = board.crew_assignment(session, unit, now=now)
    post = board.unit_station(session, unit, now)
    mark = PostMark(post.lat, post.lon, post.name_fa, post.name_en, post.home) if post else None
    return FieldUnit(unit.id, unit.call_sign, assignment, mark)


def _outcomes() -> tuple[str, ...]:
    known = [o for o in OUTCOME_ORDER if o in REPORT_OUTCOMES]
    return (*known, *sorted(REPORT_OUTCOMES - set(known)))


# ---- team channels -----------------------------------------------------------------------


def channel_list(session: Session, *, actor: Actor, now: datetime) -> list[TeamChannelPublic]:
    """The channels the actor may use: open incidents first, then the unit's line to its
    dispatch, then the centre's (a crew's own channels are made on first use)."""
    return [channel_public(session, c) for c in channels.channels_of(session, actor, now=now)]


def channel_public(session: Session, channel: TeamChannel) -> TeamChannelPublic:
    """A channel with its name, its units and its newest message's id."""
    units = list(session.scalars(select(Unit.call_sign).join(
        TeamChannelMember, TeamChannelMember.unit_id == Unit.id)
        .where(TeamChannelMember.channel_id == channel.id).order_by(Unit.call_sign)))
    last = session.scalar(select(func.max(TeamChannelMessage.id))
                          .where(TeamChannelMessage.channel_id == channel.id)) or 0
    if channel.kind == "incident":
        name = (f"رخداد {to_persian_digits(str(channel.incident_id))}",
                f"Incident {channel.incident_id}")
    elif channel.kind == "centre":
        centre = session.get(Centre, channel.centre_id) if channel.centre_id else None
        name = (centre.name_fa, centre.name_en) if centre else ("مرکز", "Centre")
    else:
        name = (f"{' '.join(units)} ↔ اعزام", f"{' '.join(units)} ↔ dispatch")
    return TeamChannelPublic(id=channel.id, kind=channel.kind, name_fa=name[0],
                             name_en=name[1], incident_id=channel.incident_id, units=units,
                             last_message_id=last)


def channel_messages(session: Session, *, actor: Actor, channel_id: int,
                     after: int) -> list[TeamChannelMessagePublic]:
    """A channel's messages after ``after`` (a message id), oldest first, at most 100."""
    channels.channel_for(session, actor, channel_id)
    found = channels.messages(session, channel_id, after=after)
    return [TeamChannelMessagePublic.model_validate(f) for f in channels.frames(session, found)]


def channel_history(session: Session, *, actor: Actor, channel_id: int
                    ) -> list[dict[str, object]]:
    """What a channel's socket sends first: its newest messages, as pushed frames."""
    channels.channel_for(session, actor, channel_id)
    return channels.frames(session, channels.messages(session, channel_id))


@dataclass(frozen=True, slots=True)
class VoiceNote:
    """The recording of a voice note and its type."""

    audio: bytes
    mime: str


def voice_note(session: Session, *, actor: Actor, message_id: int) -> VoiceNote:
    """A voice note on one of the actor's channels."""
    message = session.get(TeamChannelMessage, message_id)
    channel = session.get(TeamChannel, message.channel_id) if message is not None else None
    # Not on that channel: the same answer as no such note, so ids tell nothing.
    if (message is None or message.voice is None or channel is None
            or not channels.may_use(session, actor, channel)):
        raise NotFound(f"There is no voice note {message_id} on your channels.",
                       f"پیام صوتی‌ای با شمارهٔ {message_id} در کانال‌های شما نیست.")
    return VoiceNote(base64.b64decode(message.voice), message.voice_mime or "audio/webm")
