"""One place mounts every router."""

from __future__ import annotations

from fastapi import FastAPI

from panah.web.routes import (
    admin_keys,
    auth,
    case_pages,
    cases,
    centres,
    chat,
    directory,
    directory_admin,
    dispatch,
    dispatch_pages,
    field,
    field_pages,
    fleet,
    geo,
    health,
    help,
    intake,
    line_pages,
    lines,
    org_import,
    pages,
    partner,
    partner_pages,
    people,
    referrals,
    reports,
    team_channels,
    triage,
    triage_pages,
    units,
)


def mount_routes(app: FastAPI) -> None:
    # The webhooks first: they carry the most requests, and routes are matched in order.
    for module in (health, intake, auth, pages, geo, cases, case_pages, reports, admin_keys,
                   partner, partner_pages, line_pages, lines, help, chat, triage, referrals,
                   directory, triage_pages, dispatch, field, dispatch_pages, field_pages,
                   team_channels, units, directory_admin, people, centres, fleet,
                   org_import):
        app.include_router(module.router)
