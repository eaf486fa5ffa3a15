"""The counsellor's side of a chat: messages over HTTP and live over a WebSocket."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, WebSocket
from pydantic import BaseModel, ConfigDict, Field

from panah.core.db import unit_of_work
from panah.core.errors import PanahError
from panah.intake.channels import chat
from panah.intake.queries import contact_resource
from panah.security.policy import Actor, decide
from panah.security.roles import Permission
from panah.web.access import contact_access
from panah.web.deps import get_clock
from panah.web.routes.help import open_socket
from panah.web.ws import ws_require

router = APIRouter(tags=["123 line"])
ContactAccess = Annotated[int, Depends(contact_access(Permission.answer_contacts))]


class MessageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=chat.MAX_TEXT)


class MessagePublic(BaseModel):
    id: int
    at: str
    sender: str
    text: str


@router.get("/api/contacts/{contact_id}/messages", response_model=list[MessagePublic])
def messages(request: Request, contact_id: ContactAccess) -> list[dict[str, Any]]:
    """The conversation so far, oldest first."""
    with unit_of_work(request.app.state.session_factory) as session:
        return chat.history(session, contact_id)


@router.post("/api/contacts/{contact_id}/messages", response_model=MessagePublic,
             status_code=201)
async def send_message(request: Request, contact_id: ContactAccess,
                       body: MessageCreate) -> dict[str, Any]:
    """Write to the visitor; stored first, then pushed to both sides' open pages."""
    actor = request.state.actor

    def store() -> dict[str, Any]:
        with unit_of_work(request.app.state.session_factory) as session:
            contact = chat.get_contact(session, contact_id)
            return chat.frame(chat.post(session, contact=contact, sender="counsellor",
                                        text=body.text, now=get_clock(request).now(),
                                        author_id=actor.user_id if actor else None))

    data = await asyncio.to_thread(store)
    await request.app.state.chat_hub.publish(contact_id, data)
    return data


@router.websocket("/ws/contacts/{contact_id}/chat")
async def counsellor_socket(
    websocket: WebSocket, contact_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    actor: Annotated[Actor, Depends(ws_require(Permission.answer_contacts))],
) -> None:
    """The counsellor's live side of the chat (session cookie)."""
    factory = websocket.app.state.session_factory

    def load() -> list[dict[str, Any]]:
        with unit_of_work(factory) as session:
            resource = contact_resource(session, contact_id)
            if resource is None or not decide(actor, Permission.answer_contacts, resource):
                raise PanahError("not yours", "از آنِ شما نیست")
            return chat.history(session, contact_id)

    await open_socket(websocket, contact_id, load, sender="counsellor",
                      author_id=actor.user_id, check=lambda s: chat.get_contact(s, contact_id),
                      clock=websocket.app.state.clock)
