"""Team channels through the API: the actor's channels, their messages (text and short
voice notes) over HTTP and live over a WebSocket, and messages from the radio gateway.

Every route needs ``crew_updates`` (crews, dispatchers and their supervisors); which
channel one may use is decided per channel (``channels.may_use``): a dispatcher reaches
the province's channels, a crew member those their unit is on.
"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panah.centres.orm import Centre
from panah.core.db import unit_of_work
from panah.core.errors import NotFound, PanahError
from panah.dispatch import team_channels as channels
from panah.dispatch.orm import TeamChannel, TeamChannelMember, TeamChannelMessage, Unit
from panah.dispatch.schemas import (
    RadioMessageIn,
    TeamChannelMessageCreate,
    TeamChannelMessagePublic,
    TeamChannelPublic,
    VoiceNoteCreate,
)
from panah.geo.text import to_persian_digits
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.deps import get_clock, require
from panah.web.ws import ws_require

router = APIRouter(tags=["team channels"])
Member = Annotated[Actor, Depends(require(Permission.crew_updates))]
Gateway = Annotated[Actor, Depends(require(Permission.ingest_events))]
ChannelId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _call_signs(session: Session, unit_ids: set[int]) -> dict[int, str]:
    return dict(session.execute(select(Unit.id, Unit.call_sign)
                                .where(Unit.id.in_(unit_ids))).all()) if unit_ids else {}


def _public(session: Session, channel: TeamChannel) -> TeamChannelPublic:
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
    return TeamChannelPublic(id=channel.id, kind=channel.kind, name_fa=name[0], name_en=name[1],
                         incident_id=channel.incident_id, units=units, last_message_id=last)


def _frames(session: Session, rows: list[TeamChannelMessage]) -> list[dict[str, Any]]:
    signs = _call_signs(session, {m.sender_unit_id for m in rows if m.sender_unit_id})
    return [channels.frame(m, signs) for m in rows]


def _sender(session: Session, actor: Actor, channel: TeamChannel) -> channels.Sender:
    mine = set(channels.crew_units(session, actor))
    on_it = session.scalar(select(TeamChannelMember.unit_id).where(
        TeamChannelMember.channel_id == channel.id,
        TeamChannelMember.unit_id.in_(mine))) if mine else None
    name = actor.full_name or actor.username
    return channels.Sender(name=name, user_id=actor.user_id, unit_id=on_it)


@router.get("/api/channels", response_model=list[TeamChannelPublic])
def list_channels(request: Request, actor: Member) -> list[TeamChannelPublic]:
    """The channels the actor may use: open incidents first, then the unit's line to its
    dispatch, then the centre's."""
    with unit_of_work(request.app.state.session_factory) as session:
        found = channels.channels_of(session, actor, now=get_clock(request).now())
        return [_public(session, c) for c in found]


@router.get("/api/channels/{channel_id}/messages", response_model=list[TeamChannelMessagePublic])
def list_messages(request: Request, actor: Member, channel_id: ChannelId,
                  after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0) -> list[dict[str, Any]]:
    """Messages after ``after`` (a message id), oldest first, at most 100."""
    with unit_of_work(request.app.state.session_factory) as session:
        channels.channel_for(session, actor, channel_id)
        return _frames(session, channels.messages(session, channel_id, after=after))


async def _store_and_push(request: Request, actor: Actor, channel_id: int,
                          **content: Any) -> Response:
    def store() -> tuple[dict[str, Any], bool]:
        with unit_of_work(request.app.state.session_factory) as session:
            channel = channels.channel_for(session, actor, channel_id)  # access, then input
            voice = content.get("voice")
            if isinstance(voice, VoiceNoteCreate):
                content["voice"] = channels.check_voice(voice.audio_base64, voice.mime,
                                                        voice.seconds)
            message, new = channels.post(session, channel=channel, now=get_clock(request).now(),
                                         sender=_sender(session, actor, channel), **content)
            return _frames(session, [message])[0], new

    data, new = await asyncio.to_thread(store)
    if new:
        await request.app.state.channel_hub.publish(channel_id, data)
    return JSONResponse(TeamChannelMessagePublic(**data).model_dump(mode="json"),
                        status_code=201 if new else 200)


@router.post("/api/channels/{channel_id}/messages", response_model=TeamChannelMessagePublic,
             status_code=201)
async def post_message(request: Request, actor: Member, channel_id: ChannelId,
                       body: TeamChannelMessageCreate) -> Response:
    """A text to the channel: stored, then pushed to open pages and sent on to MQTT and
    the radio gateway. The same ``client_id`` again returns the first message (200)."""
    return await _store_and_push(request, actor, channel_id, client_id=body.client_id,
                                 text=body.text)


@router.post("/api/channels/{channel_id}/voice", response_model=TeamChannelMessagePublic,
             status_code=201)
async def post_voice(request: Request, actor: Member, channel_id: ChannelId,
                     body: VoiceNoteCreate) -> Response:
    """A short voice note (at most a minute and 512 KB; webm, ogg, mp4, mpeg or wav)."""
    return await _store_and_push(request, actor, channel_id, client_id=body.client_id,
                                 voice=body, voice_mime=body.mime.split(";")[0].strip(),
                                 voice_seconds=body.seconds)


@router.get("/api/channel-messages/{message_id}/voice", response_class=Response)
def read_voice(request: Request, actor: Member,
               message_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> Response:
    """The recording of a voice note."""
    with unit_of_work(request.app.state.session_factory) as session:
        message = session.get(TeamChannelMessage, message_id)
        channel = session.get(TeamChannel, message.channel_id) if message is not None else None
        # Not on that channel: the same answer as no such note, so ids tell nothing.
        if (message is None or message.voice is None or channel is None
                or not channels.may_use(session, actor, channel)):
            raise NotFound(f"There is no voice note {message_id} on your channels.",
                           f"پیام صوتی‌ای با شمارهٔ {message_id} در کانال‌های شما نیست.")
        audio, mime = base64.b64decode(message.voice), message.voice_mime or "audio/webm"
    return Response(audio, media_type=mime, headers={"Cache-Control": "private, no-store"})


@router.post("/api/radio/messages", response_model=TeamChannelMessagePublic, status_code=201)
async def post_radio(request: Request, actor: Gateway, body: RadioMessageIn) -> Response:
    """What a radio user said on a talkgroup, from the radio gateway (integration key)."""
    channel_id = int(body.talkgroup.removeprefix("panah-"))

    def store() -> tuple[dict[str, Any], bool]:
        with unit_of_work(request.app.state.session_factory) as session:
            channel = session.get(TeamChannel, channel_id)
            if channel is None:
                raise NotFound(f"There is no channel for talkgroup {body.talkgroup}.",
                               f"کانالی برای گروه {body.talkgroup} نیست.")
            sender = channels.unit_sender(session, body.call_sign, channel, "radio")
            voice = (channels.check_voice(body.audio_base64, body.mime or "", body.seconds or 0)
                     if body.audio_base64 else None)
            message, new = channels.post(
                session, channel=channel, client_id=body.client_id, sender=sender,
                now=get_clock(request).now(), text=body.text, voice=voice,
                voice_mime=(body.mime or "").split(";")[0].strip() if voice else None,
                voice_seconds=body.seconds if voice else None)
            return _frames(session, [message])[0], new

    data, new = await asyncio.to_thread(store)
    if new:
        await request.app.state.channel_hub.publish(channel_id, data)
    return JSONResponse(TeamChannelMessagePublic(**data).model_dump(mode="json"),
                        status_code=201 if new else 200)


@router.websocket("/ws/channels/{channel_id}")
async def channel_socket(websocket: WebSocket, channel_id: ChannelId,
                         actor: Annotated[Actor, Depends(ws_require(Permission.crew_updates))],
                         ) -> None:
    """Live messages of a channel (session cookie): history, then each new message."""
    factory = websocket.app.state.session_factory

    def load() -> list[dict[str, Any]]:
        with unit_of_work(factory) as session:
            channels.channel_for(session, actor, channel_id)
            return _frames(session, channels.messages(session, channel_id))

    try:
        frames = await asyncio.to_thread(load)
    except PanahError:
        await websocket.close(code=1008)
        return
    hub = websocket.app.state.channel_hub
    await websocket.accept()
    hub.join(channel_id, websocket)  # before the history: a message between is not lost
    for data in frames:  # (one in both reaches the page twice; it keeps one per id)
        await websocket.send_json(data)
    try:
        while True:  # the page sends over HTTP; this socket only listens
            json.loads(await websocket.receive_text())
    except (WebSocketDisconnect, json.JSONDecodeError):
        pass
    finally:
        hub.leave(channel_id, websocket)
