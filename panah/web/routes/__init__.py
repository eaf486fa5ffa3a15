"""One place mounts every router."""

from __future__ import annotations

from fastapi import FastAPI

from panah.web.routes import (
    admin_keys,
    appointment_pages,
    appointments,
    auth,
    bed_pages,
    beds,
    case_lists,
    case_pages,
    case_thread,
    case_thread_pages,
    case_work,
    case_work_pages,
    cases,
    centres,
    chat,
    client_pages,
    clients,
    community,
    community_pages,
    dashboard,
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
    monthly_report,
    org_import,
    pages,
    partner,
    partner_pages,
    people,
    public_figures,
    referrals,
    reports,
    shelter_board,
    shelter_pages,
    shelters,
    statistics,
    statistics_pages,
    stays,
    team_channels,
    transfer_pages,
    transfers,
    triage,
    triage_pages,
    units,
)


def mount_routes(app: FastAPI) -> None:
    # The webhooks first: they carry the most requests, and routes are matched in order.
    # case_lists, case_thread and transfer_pages before cases: /cases/supervision,
    # /api/cases/mine, /cases/visits, /cases/walk-in and /cases/transfers are not case ids.
    for module in (health, intake, auth, pages, geo, case_lists, case_thread,
                   case_thread_pages, transfers, transfer_pages,  # /cases/transfers
                   # issue 17: shelters, stays, beds, community bases
                   shelters, shelter_pages, stays, shelter_board, beds, bed_pages,
                   community, community_pages,
                   # issue 18: how the service is doing
                   dashboard, statistics, statistics_pages, monthly_report, public_figures,
                   cases, case_pages, reports,
                   admin_keys, partner, partner_pages, line_pages, lines, help, chat, triage,
                   referrals, directory, triage_pages, dispatch, field, dispatch_pages, field_pages,
                   team_channels, units, directory_admin, people,
                   appointments, appointment_pages,  # before centres: not a centre code
                   centres, fleet,
                   org_import, clients, client_pages,
                   case_work, case_work_pages):
        app.include_router(module.router)
