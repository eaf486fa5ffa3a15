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
    lines,
    pages,
    partner,
    reports,
)


def mount_routes(app: FastAPI) -> None:
    # The webhooks first: they carry the most requests, and routes are matched in order.
    for module in (health, intake, auth, pages, geo, cases, case_pages, reports, admin_keys,
                   partner, line_pages, lines, help, chat):
        app.include_router(module.router)
