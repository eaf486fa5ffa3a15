"""The server-rendered pages: a home page for each role, the map, and the favicon.

Each page is one read model from ``panah.reports.homes``; this module picks the template
and formats what depends on the page's language.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from panah.reports.homes import HomeKind, MapPage, Person, home_of, map_of
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.deps import Uow, require
from panah.web.i18n import format_date, request_language

router = APIRouter(tags=["pages"])
Context = dict[str, Any]
# The brand's diamond on its teal, vendored beside the other static files.
FAVICON = Path(__file__).resolve().parents[1] / "static" / "img" / "favicon.ico"

TEMPLATES: dict[HomeKind, str] = {
    HomeKind.counsellor: "home/counsellor.html",
    HomeKind.supervisor: "home/supervisor.html",
    HomeKind.dispatch: "home/dispatch.html",
    HomeKind.field_crew: "home/field_crew.html",
    HomeKind.centre_staff: "home/centre_staff.html",
    HomeKind.shelter: "home/shelter.html",
    HomeKind.community: "home/community.html",
    HomeKind.management: "home/management.html",
    HomeKind.analyst: "home/analyst.html",
    HomeKind.partner: "home/partner.html",
    HomeKind.system: "home/system.html",
    HomeKind.admin: "home/admin.html",
}


def _frame(person: Person) -> Context:
    """The signed-in user's name and province, for the page frame."""
    return {"full_name": person.full_name, "province": person.province}


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    uow: Uow,
    actor: Annotated[Actor, Depends(require(Permission.authenticated))],
) -> Response:
    """The signed-in user's home page, with what their role works on."""
    page = home_of(uow.session, actor=actor, now=uow.now)
    cards = {field.name: getattr(page.cards, field.name) for field in fields(page.cards)}
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, TEMPLATES[page.kind], _frame(page.person) | cards
    )


# ---- the map --------------------------------------------------------------------------


def _marker_data(page: MapPage, lang: str) -> Context:
    centres = [
        {"code": c.code, "kind": c.kind, "name_fa": c.name_fa, "name_en": c.name_en,
         "lat": c.lat, "lon": c.lon, "shelter_beds": c.shelter_beds}
        for c in page.centres
    ]
    posts = [
        {"code": p.code, "kind": p.kind, "name_fa": p.name_fa, "name_en": p.name_en,
         "lat": p.lat, "lon": p.lon, "county_fa": county.name_fa, "county_en": county.name_en,
         "active_from": format_date(p.active_from, lang),
         "active_to": format_date(p.active_to, lang)}
        for p, county in page.posts
    ]
    return {"centres": centres, "posts": posts}


@router.get("/map", response_class=HTMLResponse)
def map_page(
    request: Request,
    uow: Uow,
    actor: Annotated[Actor, Depends(require(Permission.view_map))],
    province: Annotated[
        str | None, Query(max_length=5, description="ISO 3166-2:IR code; default: yours")
    ] = None,
) -> Response:
    """Provinces, the counties of one province, and its centres and posts on a map."""
    page = map_of(uow.session, actor=actor, province=province)
    lang = request_language(request)
    context = _frame(page.person) | {
        "provinces": page.provinces,
        "chosen": page.chosen,
        "geo": page.geo,
        "map_data": {"province": page.chosen, "lang": lang} | _marker_data(page, lang),
    }
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "map.html", context
    )


@router.get("/favicon.ico", include_in_schema=False,
            dependencies=[Depends(require(Permission.public))])
def favicon() -> FileResponse:
    """The icon browsers ask for at the root (pages link ``static/img/favicon.svg``)."""
    return FileResponse(FAVICON, media_type="image/x-icon",
                        headers={"Cache-Control": "public, max-age=604800"})
