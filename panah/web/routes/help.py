"""The public help page: chat with a counsellor, report someone in danger. No login, no
cookies, nothing cached, a quick-exit button; works on a cheap phone."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from panah.core.db import unit_of_work
from panah.core.errors import PanahError
from panah.geo.gazetteer import find_place
from panah.intake.channels import chat
from panah.intake.model import Channel, LocationFix, LocationSource, RiskLevel
from panah.intake.routing.location import fix_from_place
from panah.intake.service import NewContact, open_contact
from panah.security.roles import Permission
from panah.web.deps import get_clock, require
from panah.web.routes.intake import intake_context
from panah.web.ws import ws_require

router = APIRouter(tags=["help (public)"])
PUBLIC = [Depends(require(Permission.public))]
NO_TRACE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
            "X-Robots-Tag": "noindex"}


class HelpChatCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(min_length=1, max_length=2000)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    accuracy_m: float | None = Field(default=None, ge=0, le=1_000_000)
    in_danger: bool = False
    wants_woman: bool = False
    language: str = Field(default="fa", pattern=r"^[a-z]{2,3}$")


class HelpChatCreated(BaseModel):
    contact_id: int
    token: str = Field(description="Keep in page memory only; it opens this chat's socket")
    queue: str


class ReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    what: str = Field(min_length=1, max_length=2000)
    place: str | None = Field(default=None, max_length=200)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    when: str | None = Field(default=None, max_length=100)


class ReportReceived(BaseModel):
    contact_id: int
    queue: str


@router.get("/help", response_class=HTMLResponse, dependencies=PUBLIC)
def help_page(request: Request) -> Response:
    """The public help page (Persian first)."""
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "help.html", {"quick_exit": "https://www.google.com/"}, headers=NO_TRACE)


def _browser_fix(lat: float | None, lon: float | None, accuracy: float | None,
                 request: Request) -> list[LocationFix]:
    if lat is None or lon is None:
        return []
    return [LocationFix(LocationSource.browser, lat, lon, accuracy, get_clock(request).now())]


@router.post("/api/help/chats", response_model=HelpChatCreated, status_code=201,
             dependencies=PUBLIC)
def start_chat(request: Request, body: HelpChatCreate) -> HelpChatCreated:
    """Start a chat with a counsellor, optionally with the browser's location."""
    now = get_clock(request).now()
    token, hashed = chat.new_visitor_token()
    with unit_of_work(request.app.state.session_factory) as session:
        new = NewContact(Channel.web_chat, None, None,
                         fixes=_browser_fix(body.lat, body.lon, body.accuracy_m, request),
                         risk=RiskLevel.immediate if body.in_danger else RiskLevel.medium,
                         language=body.language, wants_woman=body.wants_woman)
        contact = open_contact(session, new=new, context=intake_context(request, session),
                               now=now)
        contact.visitor_token_hash = hashed
        chat.post(session, contact=contact, sender="caller", text=body.message, now=now)
        result = HelpChatCreated(contact_id=contact.id, token=token, queue=contact.queue)
    return result


@router.post("/api/help/reports", response_model=ReportReceived, status_code=201,
             dependencies=PUBLIC)
def report(request: Request, body: ReportCreate) -> ReportReceived:
    """A third party reports someone in danger: what, where (map point or place name), when."""
    now = get_clock(request).now()
    fixes = _browser_fix(body.lat, body.lon, None, request)
    if body.place:
        named, _ = fix_from_place(body.place, find_place)
        fixes += [named] if named else []
    summary = body.what + (f"\n— {body.when}" if body.when else "") + (
        f"\n— {body.place}" if body.place else "")
    with unit_of_work(request.app.state.session_factory) as session:
        contact = open_contact(session, new=NewContact(Channel.web_report, None, None,
                                                       fixes=fixes, summary=summary),
                               context=intake_context(request, session), now=now)
        result = ReportReceived(contact_id=contact.id, queue=contact.queue)
    return result


@router.websocket("/ws/help/chats/{contact_id}",
                  dependencies=[Depends(ws_require(Permission.public))])
async def visitor_socket(
    websocket: WebSocket, contact_id: Annotated[int, Path(ge=1, le=2**31 - 1)], token: str = "",
) -> None:
    """The visitor's side of the chat: history on connect, then live messages both ways."""
    factory, clock = websocket.app.state.session_factory, websocket.app.state.clock

    def load() -> list[dict[str, Any]]:
        with unit_of_work(factory) as session:
            chat.check_visitor(session, contact_id, token)
            return chat.history(session, contact_id)

    await open_socket(websocket, contact_id, load, sender="caller", author_id=None,
                      check=lambda s: chat.check_visitor(s, contact_id, token), clock=clock)


async def open_socket(websocket: WebSocket, contact_id: int,
                      load: Callable[[], list[dict[str, Any]]], **serve: Any) -> None:
    """``load`` checks who is asking and reads the history (in a thread); refused: close
    with 1008 (policy violation), else serve the conversation."""
    try:
        frames = await asyncio.to_thread(load)
    except PanahError:
        await websocket.close(code=1008)
        return
    await serve_socket(websocket, contact_id, frames, **serve)


async def serve_socket(websocket: WebSocket, contact_id: int, frames: list[dict[str, Any]], *,
                       sender: str, author_id: int | None, check: Any, clock: Any) -> None:
    """Shared by both sides: send history, then store-and-publish each message received."""
    hub: chat.ChatHub = websocket.app.state.chat_hub
    factory = websocket.app.state.session_factory
    await websocket.accept()
    for data in frames:
        await websocket.send_json(data)
    hub.join(contact_id, websocket)

    def store(text: str) -> dict[str, Any]:
        with unit_of_work(factory) as session:
            contact = check(session)
            return chat.frame(chat.post(session, contact=contact, sender=sender, text=text,
                                        now=clock.now(), author_id=author_id))

    try:
        while True:
            incoming = json.loads(await websocket.receive_text())
            try:
                data = await asyncio.to_thread(store, str(incoming.get("text", "")))
            except PanahError as problem:
                await websocket.send_json({"type": "error", **problem.as_dict()})
                continue
            await hub.publish(contact_id, data)
    except (WebSocketDisconnect, json.JSONDecodeError, AttributeError):
        pass
    finally:
        hub.leave(contact_id, websocket)
