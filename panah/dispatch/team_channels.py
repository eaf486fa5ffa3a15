"""Team channels between the dispatcher and the crews: one unit with its dispatch
(``direct``), a centre's units (``centre``) and everyone on an incident (``incident``).

Messages are stored before anything is sent on: pages hear them over a websocket (or by
polling), units over MQTT and radio users through the radio gateway, both after commit
from the ``relayed_at`` outbox mark (:func:`relay_pending`, run by the timers: ``scheduled.py``).
A resend with the same ``client_id`` returns the first message and adds nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from panah.core.clock import as_utc
from panah.core.db import unit_of_work
from panah.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from panah.dispatch.orm import (
    CrewMember,
    Incident,
    TeamChannel,
    TeamChannelMember,
    TeamChannelMessage,
    Unit,
)
from panah.dispatch.schemas import (
    RadioMessageIn,
    TeamChannelMessageCreate,
    TeamChannelMessagePublic,
    VoiceNoteCreate,
)
from panah.intake.channels.chat import clean_text
from panah.integrations.mqtt import MessageBus
from panah.integrations.mqtt_messages import channel_topic
from panah.integrations.radio import RadioGateway
from panah.security.policy import Actor, Resource, decide
from panah.security.roles import Permission

log = logging.getLogger("panah.dispatch")
MAX_VOICE_BYTES = 512 * 1024  # about a minute of Opus speech at 64 kbit/s
MAX_VOICE_SECONDS = 60.0
VOICE_TYPES = frozenset({"audio/webm", "audio/ogg", "audio/mp4", "audio/mpeg", "audio/wav"})


def _get_or_make(session: Session, now: datetime, **key: object) -> TeamChannel:
    found = session.scalar(select(TeamChannel).filter_by(**key))
    if found is None:
        found = TeamChannel(created_at=now, **key)
        session.add(found)
        session.flush()
    return found


def _join(session: Session, channel: TeamChannel, unit_id: int, now: datetime) -> None:
    if session.scalar(select(TeamChannelMember).where(TeamChannelMember.channel_id == channel.id,
                                                  TeamChannelMember.unit_id == unit_id)) is None:
        session.add(TeamChannelMember(channel_id=channel.id, unit_id=unit_id, joined_at=now))
        session.flush()


def ensure_unit_channels(session: Session, unit: Unit, now: datetime) -> list[TeamChannel]:
    """The unit's line to its dispatch and its centre's channel, made on first use."""
    direct = _get_or_make(session, now, kind="direct", unit_id=unit.id, centre_id=None,
                          incident_id=None, province_code=unit.province_code)
    centre = _get_or_make(session, now, kind="centre", unit_id=None,
                          centre_id=unit.home_centre_id, incident_id=None,
                          province_code=unit.province_code)
    for channel in (direct, centre):
        _join(session, channel, unit.id, now)
    return [direct, centre]


def join_incident_channel(session: Session, incident: Incident, unit_id: int,
                          now: datetime) -> TeamChannel:
    """Everyone sent to an incident talks on its channel (made with the first unit)."""
    channel = _get_or_make(session, now, kind="incident", unit_id=None, centre_id=None,
                           incident_id=incident.id, province_code=incident.province_code)
    _join(session, channel, unit_id, now)
    return channel


def crew_units(session: Session, actor: Actor) -> list[int]:
    return list(session.scalars(select(CrewMember.unit_id)
                                .where(CrewMember.user_id == actor.user_id)))


def may_use(session: Session, actor: Actor, channel: TeamChannel) -> bool:
    """A dispatcher reaches every channel of their province; a crew member the channels
    their unit is on."""
    if decide(actor, Permission.dispatch_units,
              Resource("channel", province_code=channel.province_code)):
        return True
    mine = crew_units(session, actor)
    return bool(mine) and session.scalar(select(TeamChannelMember.id).where(
        TeamChannelMember.channel_id == channel.id,
        TeamChannelMember.unit_id.in_(mine))) is not None


def channel_for(session: Session, actor: Actor, channel_id: int) -> TeamChannel:
    channel = session.get(TeamChannel, channel_id)
    if channel is None:
        raise NotFound(f"There is no channel {channel_id}.", f"کانالی با شمارهٔ {channel_id} نیست.")
    if not may_use(session, actor, channel):
        raise Forbidden("This channel is not yours: it belongs to other units or another "
                        "province's dispatch.",
                        "این کانال از آنِ شما نیست: از آنِ خودروهای دیگر یا اعزام استان دیگری است.")
    return channel


def channels_of(session: Session, actor: Actor, *, now: datetime) -> list[TeamChannel]:
    """The channels the actor may use, open incidents first."""
    mine = crew_units(session, actor)
    for unit in session.scalars(select(Unit).where(Unit.id.in_(mine),
                                                   Unit.retired_at.is_(None))):
        ensure_unit_channels(session, unit, now)
    query = select(TeamChannel).outerjoin(Incident, Incident.id == TeamChannel.incident_id)
    open_or_not_incident = or_(TeamChannel.incident_id.is_(None),
                               Incident.state.in_(("open", "assigned")))
    dispatching = decide(actor, Permission.dispatch_units)
    if dispatching and actor.province_code is not None:
        query = query.where(TeamChannel.province_code == actor.province_code)
    elif not dispatching:
        query = query.join(TeamChannelMember, TeamChannelMember.channel_id == TeamChannel.id).where(
            TeamChannelMember.unit_id.in_(mine))
    rows = session.scalars(query.where(open_or_not_incident).order_by(TeamChannel.id)).unique()
    order = {"incident": 0, "direct": 1, "centre": 2}
    return sorted(rows, key=lambda c: (order.get(c.kind, 3), -c.id))


@dataclass(frozen=True, slots=True)
class Sender:
    name: str
    user_id: int | None = None
    unit_id: int | None = None
    source: str = "web"


def check_voice(audio_base64: str, mime: str, seconds: float) -> bytes:
    if mime.split(";")[0].strip() not in VOICE_TYPES:
        raise InvalidInput(f"A voice note must be one of {sorted(VOICE_TYPES)}.",
                           f"پیام صوتی باید یکی از این‌ها باشد: {sorted(VOICE_TYPES)}.",
                           field="mime")
    if not 0 < seconds <= MAX_VOICE_SECONDS:
        raise InvalidInput("A voice note is at most a minute; record a shorter one.",
                           "پیام صوتی حداکثر یک دقیقه است؛ کوتاه‌تر ضبط کنید.", field="seconds")
    try:
        audio = base64.b64decode(audio_base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("The recording is not valid base64; record it again.",
                           "ضبط معتبر نیست؛ دوباره ضبط کنید.", field="audio_base64") from None
    if not audio or len(audio) > MAX_VOICE_BYTES:
        raise InvalidInput(f"A voice note is at most {MAX_VOICE_BYTES // 1024} KB.",
                           f"پیام صوتی حداکثر {MAX_VOICE_BYTES // 1024} کیلوبایت است.",
                           field="audio_base64")
    return audio


def post(session: Session, *, channel: TeamChannel, client_id: str, sender: Sender,
         now: datetime, text: str | None = None, voice: bytes | None = None,
         voice_mime: str | None = None, voice_seconds: float | None = None
         ) -> tuple[TeamChannelMessage, bool]:
    """Store a message (False: this ``client_id`` was sent before; the first is returned)."""
    seen = session.scalar(select(TeamChannelMessage).where(
        TeamChannelMessage.channel_id == channel.id, TeamChannelMessage.client_id == client_id))
    if seen is not None:
        same = (seen.kind == "voice") == (voice is not None) and (
            voice is not None or seen.text == (text or "").strip())
        if not same:
            raise Conflict("This message's key was used before for another message; give "
                           "each message its own key.",
                           "کلید این پیام پیش‌تر برای پیام دیگری به کار رفته است؛ هر پیام "
                           "کلید خود را می‌خواهد.", client_id=client_id)
        return seen, False
    message = TeamChannelMessage(
        channel_id=channel.id, client_id=client_id, at=now, sender_user_id=sender.user_id,
        sender_unit_id=sender.unit_id, sender_name=sender.name,
        kind="voice" if voice is not None else "text",
        text=clean_text(text or "") if voice is None else (text or None),
        voice=base64.b64encode(voice).decode() if voice is not None else None,
        voice_mime=voice_mime, voice_seconds=voice_seconds, source=sender.source,
        # What came from MQTT or the radio is not sent back there.
        relayed_at=now if sender.source != "web" else None)
    try:
        with session.begin_nested():  # the same key sent twice at once: the second reads it
            session.add(message)
    except IntegrityError:
        first = session.scalar(select(TeamChannelMessage).where(
            TeamChannelMessage.channel_id == channel.id, TeamChannelMessage.client_id == client_id))
        if first is None:
            raise
        return first, False
    return message, True


def messages(session: Session, channel_id: int, *, after: int = 0,
             limit: int = 100) -> list[TeamChannelMessage]:
    """Oldest first: after ``after`` the next ``limit``; without it the newest ``limit``."""
    query = select(TeamChannelMessage).where(TeamChannelMessage.channel_id == channel_id)
    if after:
        return list(session.scalars(query.where(TeamChannelMessage.id > after)
                                    .order_by(TeamChannelMessage.id).limit(limit)))
    newest = session.scalars(query.order_by(TeamChannelMessage.id.desc()).limit(limit))
    return list(reversed(list(newest)))


def unit_sender(session: Session, call_sign: str | None, channel: TeamChannel,
                source: str) -> Sender:
    """A message from a unit over MQTT or radio: the unit must be on the channel."""
    unit = session.scalar(select(Unit).where(Unit.call_sign == call_sign)) if call_sign else None
    on_it = unit is not None and session.scalar(select(TeamChannelMember.id).where(
        TeamChannelMember.channel_id == channel.id,
        TeamChannelMember.unit_id == unit.id)) is not None
    if not on_it or unit is None:
        raise Forbidden(f"Unit {call_sign} is not on channel {channel.id}.",
                        f"خودروی {call_sign} در کانال {channel.id} نیست.")
    return Sender(name=unit.call_sign, unit_id=unit.id, source=source)


def relay_pending(factory: sessionmaker[Session], *, bus: MessageBus, radio: RadioGateway,
                  now: datetime, limit: int = 100) -> int:
    """Send stored web messages on to MQTT (the channel's topic) and the radio gateway.

    Read in one short transaction, sent with no transaction open (the broker echoes our
    own message to this process's listener, which must be able to write), marked in
    another. At least once: a crash between sending and marking sends again, and every
    receiver drops a ``client_id`` it has seen."""
    with unit_of_work(factory) as session:
        pending = [(m.id, m.channel_id, m.client_id, m.text, m.voice, m.voice_mime,
                    m.voice_seconds, m.sender_name) for m in session.scalars(
            select(TeamChannelMessage).where(TeamChannelMessage.relayed_at.is_(None))
            .order_by(TeamChannelMessage.id).limit(limit))]
    sent: list[int] = []
    for message_id, channel_id, client_id, text, voice, mime, seconds, sender in pending:
        shown = text or (f"[voice note, {seconds or 0:.0f} s: "
                         f"/api/channel-messages/{message_id}/voice]")
        payload = json.dumps({"client_id": client_id, "text": shown, "sender": sender},
                             ensure_ascii=False).encode()
        try:
            bus.publish(channel_topic(channel_id), payload)
            radio.send(talkgroup=f"panah-{channel_id}", text=text,
                       audio=base64.b64decode(voice) if voice else None, mime=mime)
        except Exception:  # the broker or gateway is down: try again on the next tick
            log.warning("channel message %s not relayed yet", message_id, exc_info=True)
            break
        sent.append(message_id)
    if sent:
        with unit_of_work(factory) as session:
            session.execute(update(TeamChannelMessage).where(TeamChannelMessage.id.in_(sent))
                            .values(relayed_at=now))
    return len(sent)


def frame(message: TeamChannelMessage,
          call_signs: dict[int, str] | None = None) -> dict[str, object]:
    """A message as the pages show it."""
    return {
        "type": "message", "id": message.id, "channel_id": message.channel_id,
        "client_id": message.client_id, "at": as_utc(message.at).isoformat(),
        "sender_name": message.sender_name,
        "sender_call_sign": (call_signs or {}).get(message.sender_unit_id or 0),
        "kind": message.kind, "text": message.text,
        "voice_url": (f"/api/channel-messages/{message.id}/voice"
                      if message.kind == "voice" else None),
        "voice_seconds": message.voice_seconds, "source": message.source,
    }


def frames(session: Session, rows: list[TeamChannelMessage]) -> list[dict[str, object]]:
    """Messages as the pages show them, each with its sending unit's call sign."""
    unit_ids = {m.sender_unit_id for m in rows if m.sender_unit_id}
    signs = dict(session.execute(select(Unit.id, Unit.call_sign)
                                 .where(Unit.id.in_(unit_ids))).all()) if unit_ids else {}
    return [frame(m, signs) for m in rows]


@dataclass(frozen=True, slots=True)
class Posted:
    """A message as stored, as open pages are sent it (``frame``); ``new`` is False when
    its ``client_id`` came before (this is then the first message, and nothing was added)."""

    channel_id: int
    frame: dict[str, object]
    new: bool

    @property
    def public(self) -> TeamChannelMessagePublic:
        return TeamChannelMessagePublic.model_validate(self.frame)


def sender_of(session: Session, actor: Actor, channel: TeamChannel) -> Sender:
    """The signed-in sender, with their unit when it is on the channel."""
    mine = set(crew_units(session, actor))
    on_it = session.scalar(select(TeamChannelMember.unit_id).where(
        TeamChannelMember.channel_id == channel.id,
        TeamChannelMember.unit_id.in_(mine))) if mine else None
    return Sender(name=actor.full_name or actor.username, user_id=actor.user_id, unit_id=on_it)


def post_text(session: Session, *, actor: Actor, channel_id: int,
              message: TeamChannelMessageCreate, now: datetime) -> Posted:
    """A text to a channel the actor may use."""
    channel = channel_for(session, actor, channel_id)
    stored, new = post(session, channel=channel, client_id=message.client_id, now=now,
                       sender=sender_of(session, actor, channel), text=message.text)
    return Posted(channel.id, frames(session, [stored])[0], new)


def post_voice(session: Session, *, actor: Actor, channel_id: int, note: VoiceNoteCreate,
               now: datetime) -> Posted:
    """A short voice note to a channel the actor may use (access first, then the input)."""
    channel = channel_for(session, actor, channel_id)
    audio = check_voice(note.audio_base64, note.mime, note.seconds)
    stored, new = post(session, channel=channel, client_id=note.client_id, now=now,
                       sender=sender_of(session, actor, channel), voice=audio,
                       voice_mime=note.mime.split(";")[0].strip(), voice_seconds=note.seconds)
    return Posted(channel.id, frames(session, [stored])[0], new)


def post_from_radio(session: Session, *, message: RadioMessageIn, now: datetime) -> Posted:
    """What a radio user said on a talkgroup: the unit by its call sign, on the channel."""
    channel = session.get(TeamChannel, int(message.talkgroup.removeprefix("panah-")))
    if channel is None:
        raise NotFound(f"There is no channel for talkgroup {message.talkgroup}.",
                       f"کانالی برای گروه {message.talkgroup} نیست.")
    sender = unit_sender(session, message.call_sign, channel, "radio")
    voice = (check_voice(message.audio_base64, message.mime or "", message.seconds or 0)
             if message.audio_base64 else None)
    stored, new = post(
        session, channel=channel, client_id=message.client_id, sender=sender, now=now,
        text=message.text, voice=voice,
        voice_mime=(message.mime or "").split(";")[0].strip() if voice else None,
        voice_seconds=message.seconds if voice else None)
    return Posted(channel.id, frames(session, [stored])[0], new)
