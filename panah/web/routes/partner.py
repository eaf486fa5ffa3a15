"""The API partner agencies call with their keys. For now: who am I, and how far I reach."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from panah.security.policy import Actor
from panah.security.queries import whoami as whoami_of
from panah.security.roles import Permission
from panah.security.schemas import WhoAmIPublic
from panah.web.deps import Uow, require

router = APIRouter(prefix="/api/partner", tags=["partner agencies"])
Partner = Annotated[Actor, Depends(require(Permission.partner_api))]


@router.get("/whoami", response_model=WhoAmIPublic)
def whoami(request: Request, actor: Partner, uow: Uow) -> WhoAmIPublic:
    """The agency behind this key and the area its key reaches."""
    key_id: int | None = getattr(request.state, "api_key", None)
    return whoami_of(uow.session, actor=actor, key_id=key_id)
