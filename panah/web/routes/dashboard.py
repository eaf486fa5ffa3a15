"""The live dashboard (issue 18): a province's or the nation's service now, as a page (its
tiles rendered on the server, so it reads without JavaScript), its JSON twin, and a
WebSocket that pushes it when it changes; and a province's thresholds (settings).

Whose dashboard is decided in the domain (``dashboard_province``): a province's people see
their own; the national office the nation or the province it picks.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request, WebSocket
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.websockets import WebSocketDisconnect

from panah.core.errors import InvalidInput, PanahError
from panah.intake.model import Channel, RiskLevel
from panah.reports.live import queries, service
from panah.reports.live.model import RULES, TileKey
from panah.reports.live.schemas import LiveDashboardPublic, ThresholdsIn, ThresholdsPublic
from panah.security.policy import Actor, is_allowed
from panah.security.roles import Permission
from panah.web.access import line_access
from panah.web.deps import Uow, Work, in_work, require
from panah.web.i18n import request_language, translate
from panah.web.ws import ws_actor, ws_require

router = APIRouter(tags=["dashboard"])
Viewer = Annotated[Actor, Depends(require(Permission.view_dashboard))]
Manage = Annotated[Actor, Depends(require(Permission.manage_line))]
ThresholdCode = Annotated[str, Depends(line_access(Permission.manage_line))]
ProvinceQuery = Annotated[str | None, Query(
    max_length=5, pattern=r"^(IR-\d\d)?$",
    description="ISO 3166-2:IR code (the national office picks one); default: yours")]
PUSH_EVERY_S = 2.0  # how often an open page's dashboard is computed again
RECHECK_EVERY = 15  # pushes between two checks that the session still stands
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫", "0123456789" * 2 + ".")


@router.get("/api/dashboard", response_model=LiveDashboardPublic)
def read_dashboard(actor: Viewer, uow: Uow, province: ProvinceQuery = None) -> LiveDashboardPublic:
    """The live dashboard: your province's, or (national office) the nation's or the
    province asked for. Asking for another province than yours is refused (403)."""
    return queries.live_dashboard(uow.session, actor=actor, province_code=province or None,
                                  now=uow.now)


@router.get("/api/dashboard/thresholds/{province_code}", response_model=ThresholdsPublic)
def read_thresholds(province_code: ThresholdCode, uow: Uow) -> ThresholdsPublic:
    """A province's thresholds: amber and red for every tile, the defaults where unset."""
    return queries.thresholds(uow.session, province_code=province_code)


@router.put("/api/dashboard/thresholds/{province_code}", response_model=ThresholdsPublic)
def change_thresholds(body: ThresholdsIn, actor: Manage, province_code: ThresholdCode,
                      uow: Uow) -> ThresholdsPublic:
    """Change some tiles' thresholds. Refused (422, naming the field, e.g.
    ``longest_wait_s_amber``) when amber is past red or a value is out of range."""
    service.set_thresholds(uow.session, actor=actor, province_code=province_code, now=uow.now,
                           changes={k: (v.amber, v.red) for k, v in body.thresholds.items()})
    return queries.thresholds(uow.session, province_code=province_code)


# ---- the pages ----------------------------------------------------------------------------


def _labels(lang: str) -> dict[str, str]:
    """The words the page's script needs, in the page's language."""
    keys = ["dashboard.alert_one", "dashboard.live", "dashboard.reconnecting",
            "dashboard.updated", "dashboard.open_contact",
            "dashboard.presence.on_contact", "dashboard.presence.available",
            "dashboard.presence.away", "dashboard.incident_age", "dashboard.no_incidents",
            "dashboard.no_counsellors", "dashboard.on_contact", "dashboard.free_counsellor",
            "dashboard.unit_on", "dashboard.no_value", "dashboard.seconds",
            "dashboard.minutes", "dashboard.level.ok", "dashboard.level.amber",
            "dashboard.level.red", "dashboard.level.none", "dashboard.hint_up",
            "dashboard.hint_down", "dashboard.incident_no", "dashboard.no_units",
            "dashboard.sl_line", "dashboard.callbacks_line", "dashboard.overflow_line",
            "dashboard.beds_line", "dashboard.referrals_line", "dashboard.flags_line",
            "dashboard.as_of"]
    words = {key: translate(lang, key) for key in keys}
    words |= {f"channel.{c.value}": translate(lang, f"line.channel.{c.value}") for c in Channel}
    words |= {f"priority.{r.value}": translate(lang, f"field.priority.{r.value}")
              for r in RiskLevel}
    words |= {f"risk.{r.value}": translate(lang, f"line.risk.{r.value}") for r in RiskLevel}
    return words


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(request: Request, actor: Viewer, uow: Uow,
                   province: ProvinceQuery = None) -> Response:
    """The live dashboard, tiles rendered here; the page's script keeps it live."""
    board = queries.live_dashboard(uow.session, actor=actor, province_code=province or None,
                                   now=uow.now)
    chosen = board.province.code if board.province else None
    context = {
        "board": board,
        "provinces": queries.dashboard_provinces(uow.session, actor=actor),
        "chosen": chosen,
        "may_set": chosen is not None and is_allowed(actor, Permission.manage_line),
        "labels": _labels(request_language(request)),
        "tile_keys": [k.value for k in RULES],
        "boot": board.model_dump(mode="json"),
    }
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "dashboard/live.html", context)


async def _form_fields(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


FormFields = Annotated[dict[str, str], Depends(_form_fields)]


def _number(fields: dict[str, str], key: TileKey, level: str) -> float:
    """The form's ``<key>_<level>`` as a number (Persian digits welcome)."""
    name, rule = f"{key.value}_{level}", RULES[key]
    text = fields.get(name, "").strip().translate(_DIGITS)
    try:
        return float(text)
    except ValueError:
        colour = ("amber", "زرد") if level == "amber" else ("red", "قرمز")
        raise InvalidInput(
            f"{rule.name_en} — {colour[0]}: write a number, 0 or more (e.g. 20).",
            f"{rule.name_fa} — {colour[1]}: یک عدد، ۰ یا بیشتر، بنویسید (مثلاً ۲۰).",
            field=name) from None


def _settings_page(request: Request, uow: Work, province_code: str, extra: dict[str, Any],
                   status: int = 200) -> Response:
    context = {"settings": queries.thresholds(uow.session, province_code=province_code),
               "province": queries.province_region(uow.session, province_code), **extra}
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "dashboard/settings.html", context, status_code=status)


@router.get("/dashboard/settings/{province_code}", response_class=HTMLResponse,
            include_in_schema=False)
def settings_page(request: Request, province_code: ThresholdCode, uow: Uow) -> Response:
    """The thresholds form: amber and red for every tile."""
    return _settings_page(request, uow, province_code,
                          {"saved": request.query_params.get("saved") == "1"})


@router.post("/dashboard/settings/{province_code}", response_class=HTMLResponse,
             include_in_schema=False)
def save_settings(request: Request, actor: Manage, province_code: ThresholdCode, uow: Uow,
                  fields: FormFields) -> Response:
    """Save the form; on a mistake it comes back with the reason and the field marked."""
    try:
        changes = {key.value: (_number(fields, key, "amber"), _number(fields, key, "red"))
                   for key in RULES}
        with uow.session.begin_nested():
            service.set_thresholds(uow.session, actor=actor, province_code=province_code,
                                   changes=changes, now=uow.now)
    except InvalidInput as problem:
        return _settings_page(request, uow, province_code,
                              {"error": problem, "form": fields,
                               "bad": problem.details.get("field")}, status=422)
    return RedirectResponse(f"/dashboard/settings/{province_code}?saved=1", status_code=303)


# ---- the push -----------------------------------------------------------------------------


class _Latest:
    """The dashboard last computed for each province (``None``: the nation), shared by the
    process's open sockets: ten pages on one province cost one computation a tick."""

    def __init__(self) -> None:
        self.found: dict[str | None, tuple[float, dict[str, Any]]] = {}

    async def get(self, app: FastAPI, actor: Actor, province: str | None) -> dict[str, Any]:
        seen = self.found.get(province)
        if seen is not None and time.monotonic() - seen[0] < PUSH_EVERY_S * 0.75:
            return seen[1]
        data = await in_work(app, lambda work: queries.live_dashboard(
            work.session, actor=actor, province_code=province, now=work.now
        ).model_dump(mode="json"))
        self.found[province] = (time.monotonic(), data)
        return data


def _latest(app: FastAPI) -> _Latest:
    latest = getattr(app.state, "dashboard_latest", None)
    if latest is None:
        latest = _Latest()
        app.state.dashboard_latest = latest
    return latest


def _same(data: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in data.items() if k != "at"}, sort_keys=True)


async def _until_closed(websocket: WebSocket) -> None:
    while (await websocket.receive())["type"] != "websocket.disconnect":
        pass


@router.websocket("/ws/dashboard")
async def dashboard_socket(
    websocket: WebSocket,
    actor: Annotated[Actor, Depends(ws_require(Permission.view_dashboard))],
    province: Annotated[str | None, Query(max_length=5)] = None,
) -> None:
    """The dashboard, pushed whenever it changes (computed every ~2 s); session cookie."""
    app = websocket.app
    try:
        scope = await in_work(app, lambda work: queries.dashboard_province(
            work.session, actor=actor, asked=province or None))
    except PanahError:
        await websocket.close(code=1008)
        return
    await websocket.accept()
    closed = asyncio.create_task(_until_closed(websocket))
    last, pushes = "", 0
    try:
        while not closed.done():
            data = await _latest(app).get(app, actor, scope)
            if _same(data) != last:
                await websocket.send_json(data)
                last = _same(data)
            pushes += 1
            if pushes % RECHECK_EVERY == 0 and await asyncio.to_thread(ws_actor, websocket) is None:
                await websocket.close(code=1008)  # signed out meanwhile
                break
            await asyncio.wait({closed}, timeout=PUSH_EVERY_S)
    except (WebSocketDisconnect, RuntimeError):
        pass  # the page went away between two pushes
    finally:
        closed.cancel()
