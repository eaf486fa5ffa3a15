"""One place mounts every router."""

from __future__ import annotations

from fastapi import FastAPI

from panah.web.routes import (
    admin_keys,
    auth,
    case_pages,
    cases,
    geo,
    health,
    intake,
    pages,
    partner,
    reports,
)


def mount_routes(app: FastAPI) -> None:
    for module in (health, auth, pages, geo, cases, case_pages, reports, admin_keys, partner,
                   intake):
        app.include_router(module.router)
