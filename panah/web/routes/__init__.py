"""One place mounts every router."""

from __future__ import annotations

from fastapi import FastAPI

from panah.web.routes import (
    admin_keys,
    auth,
    case_pages,
    cases,
    chat,
    geo,
    health,
    help,
    intake,
    line_pages,
    pages,
    partner,
    reports,
)


def mount_routes(app: FastAPI) -> None:
    for module in (health, auth, pages, geo, cases, case_pages, reports, admin_keys, partner,
                   intake, line_pages, help, chat):
        app.include_router(module.router)
