"""Team channels through the API: the actor's channels, their messages (text and short
voice notes) over HTTP and live over a WebSocket, and messages from the radio gateway.

Every route needs ``crew_updates`` (crews, dispatchers and their supervisors); which
channel one may use is decided per channel (``channels.may_use``): a dispatcher reaches
the province's channels, a crew member those their unit is on.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import (
    APIRouter,
    BackgroundTasks,
    Depends,
    Path,
    Query,
    Request,
    WebSocket,
    WebSocketDisconnect,
)
from fastapi.responses import JSONResponse, Response

from panah.core.errors import PanahError
from panah.dispatch import queries
from panah.dispatch import team_channels as channels
from panah.dispatch.schemas import (
    RadioMessageIn,
    TeamChannelMessageCreate,
    TeamChannelMessagePublic,
    TeamChannelPublic,
    VoiceNoteCreate,
)
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.deps import Uow, in_work, require
from panah.web.ws import ws_require

router = APIRouter(tags=["team channels"])
Member = Annotated[Actor, Depends(require(Permission.crew_updates))]
Gateway = Annotated[Actor, Depends(require(Permission.ingest_events))]
ChannelId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/api/channels", response_model=list[TeamChannelPublic])
def list_channels(actor: Member, uow: Uow) -> list[TeamChannelPublic]:
    """The channels the actor may use: open incidents first, then the unit's line to its
    dispatch, then the centre's."""
    return queries.channel_list(uow.session, actor=actor, now=uow.now)


@router.get("/api/channels/{channel_id}/messages", response_model=list[TeamChannelMessagePublic])
def list_messages(actor: Member, channel_id: ChannelId, uow: Uow,
                  after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
                  ) -> list[TeamChannelMessagePublic]:
    """Messages after ``after`` (a message id), oldest first, at most 100."""
    return queries.channel_messages(uow.session, actor=actor, channel_id=channel_id,
                                    after=after)


def _answer(request: Request, tasks: BackgroundTasks, posted: channels.Posted) -> Response:
    """201 and, once committed, a push to the channel's open pages; 200 for a resend."""
    if posted.new:
        tasks.add_task(request.app.state.channel_hub.publish, posted.channel_id, posted.frame)
    return JSONResponse(posted.public.model_dump(mode="json"),
                        status_code=201 if posted.new else 200)


@router.post("/api/channels/{channel_id}/messages", response_model=TeamChannelMessagePublic,
             status_code=201)
def post_message(request: Request, actor: Member, channel_id: ChannelId,
                 body: TeamChannelMessageCreate, uow: Uow, tasks: BackgroundTasks) -> Response:
    """A text to the channel: stored, then pushed to open pages and sent on to MQTT and
    the radio gateway. The same ``client_id`` again returns the first message (200)."""
    return _answer(request, tasks, channels.post_text(
        uow.session, actor=actor, channel_id=channel_id, message=body, now=uow.now))


@router.post("/api/channels/{channel_id}/voice", response_model=TeamChannelMessagePublic,
             status_code=201)
def post_voice(request: Request, actor: Member, channel_id: ChannelId, body: VoiceNoteCreate,
               uow: Uow, tasks: BackgroundTasks) -> Response:
    """A short voice note (at most a minute and 512 KB; webm, ogg, mp4, mpeg or wav)."""
    return _answer(request, tasks, channels.post_voice(
        uow.session, actor=actor, channel_id=channel_id, note=body, now=uow.now))


@router.get("/api/channel-messages/{message_id}/voice", response_class=Response)
def read_voice(actor: Member, message_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
               uow: Uow) -> Response:
    """The recording of a voice note."""
    note = queries.voice_note(uow.session, actor=actor, message_id=message_id)
    return Response(note.audio, media_type=note.mime,
                    headers={"Cache-Control": "private, no-store"})


@router.post("/api/radio/messages", response_model=TeamChannelMessagePublic, status_code=201)
def post_radio(request: Request, actor: Gateway, body: RadioMessageIn, uow: Uow,
               tasks: BackgroundTasks) -> Response:
    """What a radio user said on a talkgroup, from the radio gateway (integration key)."""
    return _answer(request, tasks, channels.post_from_radio(uow.session, message=body,
                                                            now=uow.now))


@router.websocket("/ws/channels/{channel_id}")
async def channel_socket(websocket: WebSocket, channel_id: ChannelId,
                         actor: Annotated[Actor, Depends(ws_require(Permission.crew_updates))],
                         ) -> None:
    """Live messages of a channel (session cookie): history, then each new message."""
    try:
        frames = await in_work(websocket.app, lambda work: queries.channel_history(
            work.session, actor=actor, channel_id=channel_id))
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
