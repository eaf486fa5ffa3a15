"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import text

from panah import __version__
from panah.security.roles import Permission
from panah.web.deps import Uow, require

router = APIRouter(tags=["health"])


@router.get("/healthz", dependencies=[Depends(require(Permission.public))])
def healthz(uow: Uow) -> dict[str, str]:
    """Answers 200 when the app runs and its database answers."""
    uow.session.execute(text("SELECT 1"))
    return {"status": "ok", "version": __version__}
