"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from panah.reports.health import readiness
from panah.security.roles import Permission
from panah.web.deps import Uow, require

router = APIRouter(tags=["health"])


@router.get("/healthz", dependencies=[Depends(require(Permission.public))])
def healthz(uow: Uow) -> dict[str, str]:
    """Answers 200 when the app runs and its database answers."""
    return readiness(uow.session)
