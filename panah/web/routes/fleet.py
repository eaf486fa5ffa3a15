"""The fleet an administrator sets up (issue 15): vehicles and posts, as pages
(``/admin/vehicles``, ``/admin/posts``) and as a JSON API (``/api/fleet/…``), and the
position intake for a tracker that holds its unit's own key.

A national administrator reaches every province; a provincial administrator or manager
only their own (``panah.dispatch.fleet.check_reach``, and the access dependencies below
for a unit or post named in the path).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Header, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from panah.core.db import unit_of_work
from panah.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from panah.dispatch import fleet, fleet_queries
from panah.dispatch.fleet_model import parse_day
from panah.dispatch.schemas import (
    FleetPostPublic,
    FleetUnitPublic,
    PositionIn,
    PositionOut,
    PostIn,
    TrackerKeyCreated,
    UnitIn,
)
from panah.security.policy import Actor, decide
from panah.security.roles import Permission
from panah.web.access import RESOURCE_ATTRIBUTE, ResourceMarker, record_denial
from panah.web.deps import Routing, Uow, get_clock, require
from panah.web.i18n import format_date, request_language

router = APIRouter(tags=["fleet"])
MANAGE = Permission.manage_organisation
Manager = Annotated[Actor, Depends(require(MANAGE))]
Anyone = Annotated[Actor | None, Depends(require(Permission.public))]
CALL_SIGN = r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$"
CODE = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"
VEHICLES, POSTS = "/admin/vehicles", "/admin/posts"
REFUSED = ("You manage your own province's posts and vehicles only.",
           "شما فقط پایگاه‌ها و خودروهای استان خود را مدیریت می‌کنید.")


# ---- who may reach a unit or a post named in the path ---------------------------------------


def _reach(request: Request, actor: Actor, kind: str, key: str,
           load: Any, missing: tuple[str, str]) -> str:
    now = get_clock(request).now()
    factory = request.app.state.session_factory
    with unit_of_work(factory) as session:
        resource = load(session, key)
    if resource is None:
        raise NotFound(*missing)
    decision = decide(actor, MANAGE, resource)
    if not decision:
        record_denial(factory, actor, MANAGE, decision, kind, key, now)
        raise Forbidden(*REFUSED, why=decision.why.value)
    return key


def unit_reach(request: Request, call_sign: Annotated[str, Path(pattern=CALL_SIGN)],
               actor: Manager) -> str:
    """The call sign of a unit the actor manages; else 404 or 403 (audited)."""
    return _reach(request, actor, "unit", call_sign, fleet_queries.unit_place,
                  (f"There is no unit {call_sign}.", f"خودرویی با شناسهٔ {call_sign} نیست."))


def post_reach(request: Request, post_code: Annotated[str, Path(pattern=CODE)],
               actor: Manager) -> str:
    """The code of a post the actor manages; else 404 or 403 (audited)."""
    return _reach(request, actor, "post", post_code, fleet_queries.post_place,
                  (f"There is no post {post_code}.", f"پایگاهی با کد {post_code} نیست."))


setattr(unit_reach, RESOURCE_ATTRIBUTE,
        ResourceMarker("unit", "call_sign", MANAGE, fleet_queries.unit_place))  # type: ignore[arg-type]
setattr(post_reach, RESOURCE_ATTRIBUTE,
        ResourceMarker("post", "post_code", MANAGE, fleet_queries.post_place))  # type: ignore[arg-type]
CallSign = Annotated[str, Depends(unit_reach)]
PostCode = Annotated[str, Depends(post_reach)]


def _same_key(path: str, body: str, field: str) -> None:
    if path != body:
        raise InvalidInput(f"The {field} in the body ({body}) is not the one in the address "
                           f"({path}).", f"«{field}» در متن ({body}) با نشانی ({path}) یکی نیست.",
                           field=field)


# ---- the JSON API ---------------------------------------------------------------------------


@router.get("/api/fleet/units", response_model=list[FleetUnitPublic])
def list_units(actor: Manager, uow: Uow) -> list[FleetUnitPublic]:
    """The units the actor manages, in service first, then retired."""
    return fleet_queries.fleet_units(uow.session, actor=actor)


@router.post("/api/fleet/units", response_model=FleetUnitPublic)
def put_unit(body: UnitIn, actor: Manager, uow: Uow, response: Response) -> FleetUnitPublic:
    """Add a unit, or change the one with this call sign (201 when added)."""
    _, created = fleet.save_unit(uow.session, actor=actor, now=uow.now, data=body)
    response.status_code = 201 if created else 200
    return fleet_queries.fleet_unit(uow.session, actor=actor, call_sign=body.call_sign)


@router.get("/api/fleet/units/{call_sign}", response_model=FleetUnitPublic)
def read_unit(call_sign: CallSign, actor: Manager, uow: Uow) -> FleetUnitPublic:
    return fleet_queries.fleet_unit(uow.session, actor=actor, call_sign=call_sign)


@router.put("/api/fleet/units/{call_sign}", response_model=FleetUnitPublic)
def update_unit(call_sign: CallSign, body: UnitIn, actor: Manager, uow: Uow
                ) -> FleetUnitPublic:
    """Change the unit (``active: false`` retires it)."""
    _same_key(call_sign, body.call_sign, "call_sign")
    fleet.save_unit(uow.session, actor=actor, now=uow.now, data=body)
    return fleet_queries.fleet_unit(uow.session, actor=actor, call_sign=call_sign)


@router.post("/api/fleet/units/{call_sign}/tracker-key", response_model=TrackerKeyCreated,
             status_code=201)
def new_tracker_key(call_sign: CallSign, actor: Manager, uow: Uow) -> TrackerKeyCreated:
    """A new key for the unit's tracker, in this answer only; the old key stops working."""
    return fleet.issue_tracker_key(uow.session, actor=actor, now=uow.now, call_sign=call_sign)


@router.post("/api/fleet/tracker/positions", response_model=PositionOut)
def tracker_position(body: PositionIn, actor: Anyone, uow: Uow, routing: Routing,
                     key: Annotated[str | None, Header(alias="X-Tracker-Key")] = None,
                     ) -> PositionOut:
    """A position from a vehicle tracker, proved by its unit's own key (``X-Tracker-Key:
    pnt_…``); a missing or wrong key is refused (401) and nothing is stored."""
    return fleet.tracker_fix(uow.session, key_text=key, position=body, locate=routing.locate,
                             now=uow.now)


@router.get("/api/fleet/posts", response_model=list[FleetPostPublic])
def list_posts(actor: Manager, uow: Uow) -> list[FleetPostPublic]:
    """The posts the actor manages, permanent and Nowruz (with their dates)."""
    return fleet_queries.fleet_posts(uow.session, actor=actor)


@router.post("/api/fleet/posts", response_model=FleetPostPublic)
def put_post(body: PostIn, actor: Manager, uow: Uow, response: Response) -> FleetPostPublic:
    """Add a post, or change the one with this code (201 when added)."""
    _, created = fleet.save_post(uow.session, actor=actor, now=uow.now, data=body)
    response.status_code = 201 if created else 200
    return fleet_queries.fleet_post(uow.session, actor=actor, code=body.code)


@router.get("/api/fleet/posts/{post_code}", response_model=FleetPostPublic)
def read_post(post_code: PostCode, actor: Manager, uow: Uow) -> FleetPostPublic:
    return fleet_queries.fleet_post(uow.session, actor=actor, code=post_code)


@router.put("/api/fleet/posts/{post_code}", response_model=FleetPostPublic)
def update_post(post_code: PostCode, body: PostIn, actor: Manager, uow: Uow
                ) -> FleetPostPublic:
    _same_key(post_code, body.code, "code")
    fleet.save_post(uow.session, actor=actor, now=uow.now, data=body)
    return fleet_queries.fleet_post(uow.session, actor=actor, code=post_code)


# ---- the pages ------------------------------------------------------------------------------


def _problem(error: ValidationError) -> InvalidInput:
    first = error.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ())) or "form"
    return InvalidInput(f"{field}: {first.get('msg', '')}",
                        f"مقدار «{field}» پذیرفته نیست: {first.get('msg', '')}", field=field)


def _render(request: Request, template: str, context: dict[str, Any], status: int
            ) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, context, status_code=status)


def _vehicles(request: Request, uow: Uow, actor: Actor, *, status: int = 200,
              **extra: Any) -> Response:
    page = fleet_queries.vehicles_page(uow.session, actor=actor)
    return _render(request, "admin/vehicles.html",
                   {"page": page, "error": None, "values": {}, "created": None, "saved": None,
                    **extra}, status)


@router.get(VEHICLES, response_class=HTMLResponse)
def vehicles_page(request: Request, actor: Manager, uow: Uow,
                  edit: Annotated[str | None, Query(max_length=40)] = None,
                  saved: Annotated[str | None, Query(max_length=40)] = None) -> Response:
    """The units with their home centre, post and status; a form to add or change one."""
    values: dict[str, Any] = {}
    if edit:
        values = next((u.model_dump() for u in fleet_queries.unit_rows(uow.session, actor=actor)
                       if u.call_sign == edit), {})
    return _vehicles(request, uow, actor, values=values, saved=saved)


Text = Annotated[str, Form(max_length=200)]
Names = Annotated[list[str] | None, Form(max_length=20)]


@router.post(VEHICLES, response_class=HTMLResponse)
def save_vehicle_form(request: Request, actor: Manager, uow: Uow, call_sign: Text = "",
                      kind: Text = "", home_centre_code: Text = "", post_code: Text = "",
                      active: Text = "", crew_given: Text = "",
                      social_workers: Names = None, psychologists: Names = None) -> Response:
    """Add or change a unit and its crew roster; a mistake brings the form back as typed."""
    values: dict[str, Any] = {
        "call_sign": call_sign, "kind": kind, "home_centre_code": home_centre_code,
        "post_code": post_code or None, "active": bool(active)}
    if crew_given:  # the form's lists, even empty, are the roster
        values |= {"social_workers": social_workers or [],
                   "psychologists": psychologists or []}
    try:
        data = UnitIn.model_validate(values)
        with uow.session.begin_nested():  # a refusal leaves nothing saved
            fleet.save_unit(uow.session, actor=actor, now=uow.now, data=data)
    except (ValidationError, InvalidInput, Conflict) as problem:
        error = _problem(problem) if isinstance(problem, ValidationError) else problem
        return _vehicles(request, uow, actor, error=error, values=values, status=422)
    return RedirectResponse(f"{VEHICLES}?saved={call_sign}", status_code=303)


@router.post(f"{VEHICLES}/{{call_sign}}/tracker-key", response_class=HTMLResponse)
def tracker_key_form(request: Request, call_sign: CallSign, actor: Manager, uow: Uow
                     ) -> Response:
    """Make a new tracker key for the unit and show it, once."""
    try:
        with uow.session.begin_nested():
            created = fleet.issue_tracker_key(uow.session, actor=actor, now=uow.now,
                                              call_sign=call_sign)
    except Conflict as problem:
        return _vehicles(request, uow, actor, error=problem, status=409)
    return _vehicles(request, uow, actor, created=created, status=201)


def _dates(post: FleetPostPublic, lang: str) -> str | None:
    """A Nowruz post's dates as the page's language writes them (Jalali in Persian)."""
    if post.active_from is None or post.active_to is None:
        return None
    return f"{format_date(post.active_from, lang)} – {format_date(post.active_to, lang)}"


def _posts(request: Request, uow: Uow, actor: Actor, *, status: int = 200,
           **extra: Any) -> Response:
    page = fleet_queries.posts_page(uow.session, actor=actor)
    lang = request_language(request)
    map_data = {
        "province": actor.province_code,
        "posts": [p.model_dump(mode="json") | {"dates": _dates(p, lang)} for p in page.posts],
        "lang": lang,
    }
    return _render(request, "admin/posts.html",
                   {"page": page, "map_data": map_data, "error": None, "values": {},
                    "saved": None, **extra}, status)


@router.get(POSTS, response_class=HTMLResponse)
def posts_page(request: Request, actor: Manager, uow: Uow,
               edit: Annotated[str | None, Query(max_length=40)] = None,
               saved: Annotated[str | None, Query(max_length=40)] = None) -> Response:
    """The posts on a map and in a list (Nowruz posts with their dates); a form to add or
    change one, whose place a click on the map sets."""
    values: dict[str, Any] = {}
    if edit:
        values = next((p.model_dump() for p in fleet_queries.post_rows(uow.session, actor=actor)
                       if p.code == edit), {})
    return _posts(request, uow, actor, values=values, saved=saved)


@router.post(POSTS, response_class=HTMLResponse)
def save_post_form(request: Request, actor: Manager, uow: Uow, code: Text = "",
                   kind: Text = "", name_fa: Text = "", name_en: Text = "", county: Text = "",
                   lat: Text = "", lon: Text = "", active_from: Text = "",
                   active_to: Text = "") -> Response:
    """Add or change a post; a mistake brings the form back as typed."""
    values: dict[str, Any] = {"code": code, "kind": kind, "name_fa": name_fa,
                              "name_en": name_en, "county": county, "lat": lat, "lon": lon,
                              "active_from": active_from, "active_to": active_to}
    try:
        if not lat or not lon:
            raise InvalidInput(
                "Set the post's place: click the map where it is, or type its coordinates.",
                "جای پایگاه را مشخص کنید: روی نقشه همان‌جا کلیک کنید یا مختصات را بنویسید.",
                field="lat")
        data = PostIn.model_validate({
            **values, "lat": lat or None, "lon": lon or None,
            "active_from": parse_day(active_from, field="active_from"),
            "active_to": parse_day(active_to, field="active_to")})
        with uow.session.begin_nested():  # a refusal leaves nothing saved
            fleet.save_post(uow.session, actor=actor, now=uow.now, data=data)
    except (ValidationError, InvalidInput, Conflict) as problem:
        error = _problem(problem) if isinstance(problem, ValidationError) else problem
        return _posts(request, uow, actor, error=error, values=values, status=422)
    return RedirectResponse(f"{POSTS}?saved={code}", status_code=303)
