"""The counsellor's side of a chat: messages over HTTP and live over a WebSocket."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Request, WebSocket
from pydantic import BaseModel, ConfigDict, Field

from panah.intake.channels import chat
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import contact_access
from panah.web.deps import Uow
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
def messages(contact_id: ContactAccess, uow: Uow) -> list[dict[str, Any]]:
    """The conversation so far, oldest first."""
    return chat.history(uow.session, contact_id)


@router.post("/api/contacts/{contact_id}/messages", response_model=MessagePublic,
             status_code=201)
def send_message(request: Request, contact_id: ContactAccess, body: MessageCreate, uow: Uow,
                 background: BackgroundTasks) -> dict[str, Any]:
    """Write to the visitor; stored first, then pushed to both sides' open pages."""
    actor = request.state.actor
    data = chat.counsellor_says(uow.session, contact_id=contact_id, text=body.text,
                                author_id=actor.user_id if actor else None, now=uow.now)
    background.add_task(request.app.state.chat_hub.publish, contact_id, data)
    return data


@router.websocket("/ws/contacts/{contact_id}/chat")
async def counsellor_socket(
    websocket: WebSocket, contact_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    actor: Annotated[Actor, Depends(ws_require(Permission.answer_contacts))],
) -> None:
    """The counsellor's live side of the chat (session cookie)."""
    await open_socket(
        websocket, contact_id,
        lambda work: chat.counsellor_history(work.session, actor=actor, contact_id=contact_id),
        say=lambda work, text: chat.counsellor_says(work.session, contact_id=contact_id,
                                                    author_id=actor.user_id, text=text,
                                                    now=work.now))
