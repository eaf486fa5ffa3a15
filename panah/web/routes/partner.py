"""The API partner agencies call with their keys. For now: who am I, and how far I reach."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from panah.security.orm import ApiKey, User
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.deps import Uow, require

router = APIRouter(prefix="/api/partner", tags=["partner agencies"])
Partner = Annotated[Actor, Depends(require(Permission.partner_api))]


class WhoAmIPublic(BaseModel):
    username: str
    agency: str  # the account's full name, e.g. "Police 110 Mazandaran"
    label: str | None  # the key's label; none when signed in through the web
    scope: str  # "national" or "province"
    province_code: str | None


@router.get("/whoami", response_model=WhoAmIPublic)
def whoami(request: Request, actor: Partner, uow: Uow) -> WhoAmIPublic:
    """The agency behind this key and the area its key reaches."""
    key_id: int | None = getattr(request.state, "api_key", None)
    key = uow.session.get(ApiKey, key_id) if key_id is not None else None
    user = uow.session.get_one(User, actor.user_id)
    return WhoAmIPublic(
        username=actor.username,
        agency=user.full_name,
        label=key.label if key is not None else None,
        scope="national" if actor.national else "province",
        province_code=actor.province_code,
    )
