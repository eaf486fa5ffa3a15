"""A province's centres and which centre answers for each county (شهرستان معین): the
pages /admin/centres for the national administrator (every province) and a provincial
administrator or manager (their own), and the JSON API /api/centres.

Reading centres and coverage is open to every staff role (the organisation's own
information); changing them needs ``manage_organisation`` within the actor's province.
A centre is named by its code in the path; an access dependency loads its province and
asks the policy before the route runs (403, audited, for another province's centre)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from panah.centres import queries, service
from panah.centres.model import CentreKind
from panah.centres.schemas import (
    CODE_PATTERN,
    PROVINCE_PATTERN,
    CentreIn,
    CentrePublic,
    CoveragePublic,
)
from panah.core.db import unit_of_work
from panah.core.errors import Forbidden, InvalidInput, NotFound, PanahError
from panah.geo.orm import Province
from panah.security.policy import Actor, decide
from panah.security.roles import Permission
from panah.web.access import RESOURCE_ATTRIBUTE, ResourceMarker, record_denial
from panah.web.deps import Uow, get_clock, require

router = APIRouter(tags=["centres"])
PERMISSION = Permission.manage_organisation
Keeper = Annotated[Actor, Depends(require(PERMISSION))]
Staff = Annotated[Actor, Depends(require(Permission.view_organisation))]
PAGE = "/admin/centres"
ProvinceQuery = Annotated[str | None, Query(pattern=PROVINCE_PATTERN,
                                            description="ISO 3166-2:IR, e.g. IR-02")]


def centre_access(permission: Permission) -> Callable[..., str]:
    """A dependency giving the code of a centre the actor may reach for ``permission``;
    else 404, or 403 (audited) for another province's centre."""
    guard = require(permission)

    def dependency(request: Request, centre_code: str, actor: Actor) -> str:
        factory = request.app.state.session_factory
        with unit_of_work(factory) as session:
            resource = queries.centre_resource(session, centre_code)
        if resource is None:
            raise NotFound(f"There is no centre {centre_code!r}.",
                           f"مرکزی با کد «{centre_code}» نیست.", code=centre_code)
        decision = decide(actor, permission, resource)
        if not decision:
            record_denial(factory, actor, permission, decision, "centre", centre_code,
                          get_clock(request).now())
            raise Forbidden("This centre belongs to another province: you manage your own "
                            "province's centres only.",
                            "این مرکز از آنِ استان دیگری است: شما فقط مراکز استان خود را "
                            "مدیریت می‌کنید.", why=decision.why.value, code=centre_code)
        return centre_code

    keyword = inspect.Parameter.KEYWORD_ONLY
    dependency.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter("request", keyword, annotation=Request),
        inspect.Parameter("centre_code", keyword,
                          annotation=Annotated[str, Path(pattern=CODE_PATTERN)]),
        inspect.Parameter("actor", keyword, annotation=Annotated[Actor, Depends(guard)]),
    ])
    dependency.__name__ = f"centre_access_{permission.value}"
    setattr(dependency, RESOURCE_ATTRIBUTE,
            ResourceMarker("centre", "centre_code", permission,
                           queries.centre_resource))  # type: ignore[arg-type]
    return dependency


CentreCode = Annotated[str, Depends(centre_access(PERMISSION))]


# ---- the JSON API -----------------------------------------------------------------------


@router.get("/api/centres", response_model=list[CentrePublic])
def list_centres(uow: Uow, actor: Staff, province: ProvinceQuery = None
                 ) -> list[CentrePublic]:
    """The centres of a province (yours when not given; every province's for a national
    account), each with the counties it answers for and the call signs of its units."""
    return queries.centres_public(uow.session, province_code=province or actor.province_code)


@router.post("/api/centres", response_model=CentrePublic, status_code=201,
             responses={200: {"model": CentrePublic, "description": "Updated"}})
def save_centre(uow: Uow, actor: Keeper, body: CentreIn, response: Response
                ) -> CentrePublic:
    """Create a centre, or update the one with this code (200). The counties it answers
    for move to it from other centres; a county of another province, or one that would
    be left with no centre, is refused."""
    centre, created = service.save_centre(uow.session, actor=actor, now=uow.now, data=body)
    response.status_code = 201 if created else 200
    return queries.centre_public(uow.session, centre.code)


@router.get("/api/centres/{centre_code}", response_model=CentrePublic)
def get_centre(uow: Uow, actor: Staff,
               centre_code: Annotated[str, Path(pattern=CODE_PATTERN)]) -> CentrePublic:
    """One centre, with the counties it answers for (its own first)."""
    return queries.centre_public(uow.session, centre_code)


@router.put("/api/centres/{centre_code}", response_model=CentrePublic)
def update_centre(uow: Uow, centre_code: CentreCode, body: CentreIn,
                  actor: Keeper) -> CentrePublic:
    """Change a centre of your province; the code in the body is the one in the path."""
    if body.code != centre_code:
        raise InvalidInput(f"The code in the body ({body.code}) is not the centre's "
                           f"({centre_code}).",
                           f"کد مرکز در متن درخواست ({body.code}) با کد مرکز ({centre_code}) "
                           "یکی نیست.", field="code")
    service.save_centre(uow.session, actor=actor, now=uow.now, data=body)
    return queries.centre_public(uow.session, centre_code)


@router.get("/api/provinces/{province_code}/coverage", response_model=CoveragePublic)
def province_coverage(uow: Uow, actor: Staff,
                      province_code: Annotated[str, Path(pattern=PROVINCE_PATTERN)]
                      ) -> CoveragePublic:
    """Every county of the province and the centre that answers for it (its own, or its
    covering county's); ``unanswered`` counts the counties no centre answers for yet."""
    return queries.coverage_public(uow.session, province_code=province_code)


# ---- the pages --------------------------------------------------------------------------


def _map_data(province: Province, centres: list[CentrePublic]) -> dict[str, Any]:
    """What the page's map script draws: the province's centres, and where its counties'
    outlines come from."""
    return {
        "capital": [province.capital_lat, province.capital_lon],
        "counties_url": f"/api/geo/counties.geojson?province={province.code}",
        "centres": [{"code": c.code, "kind": c.kind, "name_fa": c.name_fa,
                     "name_en": c.name_en, "lat": c.lat, "lon": c.lon,
                     "url": f"{PAGE}/{c.code}"} for c in centres],
    }


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200
            ) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, name, {"kinds": list(CentreKind), **context},
        status_code=status)


@router.get(PAGE, response_class=HTMLResponse)
def centres_page(request: Request, uow: Uow, actor: Keeper, province: ProvinceQuery = None
                 ) -> Response:
    """The province's centres on a map and in a list, and its coverage table (each county
    and who answers for it; the gaps marked)."""
    page = queries.centres_page(uow.session, actor=actor, province_code=province)
    return _render(request, "admin/centres.html",
                   {"page": page, "map_data": _map_data(page.province, page.centres)})


@router.get(f"{PAGE}/new", response_class=HTMLResponse)
def new_centre_page(request: Request, uow: Uow, actor: Keeper,
                    province: ProvinceQuery = None) -> Response:
    """The form for a new centre of the province."""
    form = queries.centre_form(uow.session, actor=actor, code=None, province_code=province)
    return _form(request, form, {})


@router.get(f"{PAGE}/{{centre_code}}", response_class=HTMLResponse)
def centre_page(request: Request, uow: Uow, actor: Keeper, centre_code: CentreCode
                ) -> Response:
    """The form of one centre: where it is (a click on the map), its county and the
    counties it answers for, its hours and shelter."""
    form = queries.centre_form(uow.session, actor=actor, code=centre_code, province_code=None)
    return _form(request, form, {})


def _form(request: Request, form: queries.CentreForm, values: dict[str, Any], *,
          error: PanahError | None = None, status: int = 200) -> Response:
    return _render(request, "admin/centre_form.html",
                   {"form": form, "values": values, "error": error,
                    "map_data": _map_data(form.province, form.others)}, status=status)


def _problem(error: ValidationError) -> InvalidInput:
    first = error.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ())) or "form"
    return InvalidInput(f"{field}: {first.get('msg', '')}",
                        f"مقدار «{field}» پذیرفته نیست: {first.get('msg', '')}", field=field)


Text = Annotated[str, Form(max_length=200)]


@router.post(PAGE, response_class=HTMLResponse)
def save_centre_form(
    request: Request, uow: Uow, actor: Keeper, code: Text = "", kind: Text = "",
    name_fa: Text = "", name_en: Text = "", province_code: Text = "", county: Text = "",
    lat: Text = "", lon: Text = "", hours: Text = "", shelter_beds: Text = "0",
    has_shelter: Text = "", covers: Annotated[list[str], Form(max_length=60)] = [],  # noqa: B006
    existing: Text = "",
) -> Response:
    """Add or change a centre; a mistake brings the form back as typed, nothing saved."""
    values: dict[str, Any] = {
        "code": code, "kind": kind, "name_fa": name_fa, "name_en": name_en,
        "province_code": province_code, "county": county or None, "lat": lat or None,
        "lon": lon or None, "covers": [c for c in covers if c], "hours": hours or "24/7",
        "has_shelter": bool(has_shelter), "shelter_beds": shelter_beds or "0"}
    try:
        data = CentreIn.model_validate(values)
        with uow.session.begin_nested():  # a refusal leaves nothing saved
            service.save_centre(uow.session, actor=actor, now=uow.now, data=data)
    except (ValidationError, PanahError) as problem:
        if isinstance(problem, Forbidden):
            raise
        error = _problem(problem) if isinstance(problem, ValidationError) else problem
        form = queries.centre_form(uow.session, actor=actor, code=existing or None,
                                   province_code=province_code or None)
        return _form(request, form, values, error=error, status=422)
    return RedirectResponse(f"{PAGE}?province={province_code}", status_code=303)
