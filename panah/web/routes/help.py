"""The public help page: chat with a counsellor, report someone in danger. No login, no
cookies, nothing cached, a quick-exit button; works on a cheap phone."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import HTMLResponse, Response

from panah.core.errors import PanahError
from panah.intake.channels import chat
from panah.intake.limits.model import EMERGENCY_NUMBERS
from panah.intake.schemas import HelpChatCreate, HelpChatCreated, ReportCreate, ReportReceived
from panah.security.roles import Permission
from panah.web.deps import Routing, Uow, Work, in_work, require
from panah.web.ws import ws_require

router = APIRouter(tags=["help (public)"])
PUBLIC = [Depends(require(Permission.public))]
NO_TRACE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
            "X-Robots-Tag": "noindex"}


@router.get("/help", response_class=HTMLResponse, dependencies=PUBLIC)
def help_page(request: Request) -> Response:
    """The public help page (Persian first), with the numbers to call now as links."""
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "help.html", {"quick_exit": "https://www.google.com/",
                               "numbers": [n for n, _, _ in EMERGENCY_NUMBERS]},
        headers=NO_TRACE)


def client_address(request: Request) -> str | None:
    """The client's address as the server sees it (uvicorn takes a forwarded address only
    from the proxies it is told to trust)."""
    return request.client.host if request.client else None


@router.post("/api/help/chats", response_model=HelpChatCreated, status_code=201,
             dependencies=PUBLIC, responses={429: {"description": "Too many from this "
                                                   "address or visitor: call 123, 110, 115"}})
def start_chat(request: Request, body: HelpChatCreate, uow: Uow,
               routing: Routing) -> HelpChatCreated:
    """Start a chat with a counsellor, optionally with the browser's location. Limited per
    address and per visitor token: over the limit, 429 with the numbers to call now."""
    return chat.start_chat(uow.session, chat=body, context=routing, now=uow.now,
                           address=client_address(request))


@router.post("/api/help/reports", response_model=ReportReceived, status_code=201,
             dependencies=PUBLIC, responses={429: {"description": "Too many from this "
                                                   "address or visitor: call 123, 110, 115"}})
def report(request: Request, body: ReportCreate, uow: Uow, routing: Routing) -> ReportReceived:
    """A third party reports someone in danger: what, where (map point or place name), when.
    Limited with the chats, per address and per visitor token."""
    return chat.report_danger(uow.session, report=body, context=routing, now=uow.now,
                              address=client_address(request))


@router.websocket("/ws/help/chats/{contact_id}",
                  dependencies=[Depends(ws_require(Permission.public))])
async def visitor_socket(
    websocket: WebSocket, contact_id: Annotated[int, Path(ge=1, le=2**31 - 1)], token: str = "",
) -> None:
    """The visitor's side of the chat: history on connect, then live messages both ways."""
    await open_socket(
        websocket, contact_id,
        lambda work: chat.visitor_history(work.session, contact_id=contact_id, token=token),
        say=lambda work, text: chat.visitor_says(work.session, contact_id=contact_id,
                                                 token=token, text=text, now=work.now))


Say = Callable[[Work, str], dict[str, Any]]


def _said(say: Say, text: str, work: Work) -> dict[str, Any]:
    return say(work, text)


async def open_socket(websocket: WebSocket, contact_id: int,
                      load: Callable[[Work], list[dict[str, Any]]], *, say: Say) -> None:
    """``load`` checks who is asking and reads the history (in a unit of work of its own);
    refused: close with 1008 (policy violation), else serve the conversation."""
    try:
        frames = await in_work(websocket.app, load)
    except PanahError:
        await websocket.close(code=1008)
        return
    await serve_socket(websocket, contact_id, frames, say=say)


async def serve_socket(websocket: WebSocket, contact_id: int, frames: list[dict[str, Any]], *,
                       say: Say) -> None:
    """Shared by both sides: send history, then store-and-publish each message received
    (``say`` stores one, in a unit of work of its own, and answers it as pushed)."""
    hub: chat.ChatHub = websocket.app.state.chat_hub
    await websocket.accept()
    for data in frames:
        await websocket.send_json(data)
    hub.join(contact_id, websocket)
    try:
        while True:
            incoming = json.loads(await websocket.receive_text())
            text = str(incoming.get("text", ""))
            try:
                data = await in_work(websocket.app, partial(_said, say, text))
            except PanahError as problem:
                await websocket.send_json({"type": "error", **problem.as_dict()})
                continue
            await hub.publish(contact_id, data)
    except (WebSocketDisconnect, json.JSONDecodeError, AttributeError):
        pass
    finally:
        hub.leave(contact_id, websocket)
