"""The mobile crew's field app: one page (a PWA), its service worker and its manifest.

The page reads through the same read model as ``GET /api/units/{id}/assignment`` and
embeds it, so the first paint needs no second request; after that ``static/js/field.js``
keeps it live, queues every change on the phone and sends the queue in order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from panah.core.errors import Forbidden
from panah.dispatch import queries
from panah.dispatch.model import CallerKind
from panah.security.policy import Actor, Decision
from panah.security.roles import Permission
from panah.web.deps import Uow, require
from panah.web.errors import kept_error
from panah.web.i18n import request_language, translate

router = APIRouter(tags=["field pages"], include_in_schema=False)
Crew = Annotated[Actor, Depends(require(Permission.crew_updates))]
PUBLIC = [Depends(require(Permission.public))]
SERVICE_WORKER = Path(__file__).resolve().parents[1] / "static" / "js" / "field-sw.js"
THEME = "#0f5e6e"
# A plain mark for the home screen: the brand's diamond on its teal.
ICON = ("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 96 96'%3E"
        "%3Crect width='96' height='96' rx='18' fill='%230f5e6e'/%3E%3Cpath d='M48 14 80 48 "
        "48 82 16 48Z' fill='%23ffd089'/%3E%3C/svg%3E")
JS_STRINGS = (
    "pending", "queued_status", "queued_check_in", "queued_report", "queued_position",
    "sync.online", "sync.offline", "sync.syncing", "sync.waiting", "sync.all_sent",
    "sync.signin", "sync.server_error", "sync.failed_title", "sync.dismiss",
    "sync.overtaken", "sync.refused", "safety.due_in", "safety.overdue", "safety.checked",
    "report.queued", "report.missing_text", "no_assignment", "no_cautions", "distance",
    "location.on", "location.off", "location.denied", "map.unit", "map.incident", "map.post",
    "map.home",
)
def _refusal(decision: Decision, unit_id: int) -> Forbidden:
    return Forbidden("This unit is not yours to follow: a crew opens its own unit, a "
                     "dispatcher their province's.",
                     "این خودرو از آنِ شما نیست: هر تیم خودروی خود و هر اعزام‌گر "
                     "خودروهای استان خود را باز می‌کند.", why=decision.why.value,
                     unit_id=unit_id)


def _boot(page: queries.FieldPage, unit: queries.FieldUnit, lang: str) -> dict[str, Any]:
    """Everything the script needs to run offline: the assignment, the rules it applies
    locally (which status may follow which) and its words."""
    word = 1 if lang == "fa" else 0  # the labels are (English, Persian)
    post = unit.post
    return {
        "unit_id": unit.id,
        "lang": lang,
        "assignment": unit.assignment.model_dump(mode="json"),
        "transitions": dict(page.transitions),
        "status_labels": {s: labels[word] for s, labels in page.status_labels.items()},
        "caution_labels": {code: labels[word] for code, labels in page.caution_labels.items()},
        "priority_labels": {p: translate(lang, f"field.priority.{p}")
                            for p in ("immediate", "high", "medium", "low", "information")},
        "caller_labels": {k.value: translate(lang, f"dispatch.caller.{k.value}")
                          for k in CallerKind},
        # Where the unit starts from, on the map while no position has come from it.
        "post": {"lat": post.lat, "lon": post.lon, "home": post.home,
                 "name": post.name_fa if lang == "fa" else post.name_en} if post else None,
        "safety_check_minutes": page.safety_check_minutes,
        "strings": {key: translate(lang, f"field.{key}") for key in JS_STRINGS},
    }


@router.get("/field", response_class=HTMLResponse)
def field_app(request: Request, actor: Crew, uow: Uow,
              unit: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> Response:
    """The crew's phone: their unit's assignment with map and cautions, one-tap statuses,
    the on-scene safety timer and the visit report; it keeps working offline."""
    page = queries.field_page(uow.session, actor=actor, now=uow.now, unit_id=unit)
    if unit is not None and page.refusal is not None:  # on the audit chain: kept
        return kept_error(request, _refusal(page.refusal, unit))
    lang = request_language(request)
    found = page.unit
    context: dict[str, Any] = {
        "unit": {"id": found.id, "call_sign": found.call_sign} if found else None,
        "boot": _boot(page, found, lang) if found else None,
        "outcomes": list(page.outcomes) if found else [], "following": unit is not None}
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "field/app.html", context)


@router.get("/field/sw.js", dependencies=PUBLIC)
def service_worker() -> Response:
    """The field app's service worker, served under /field so that it may control /field."""
    return FileResponse(SERVICE_WORKER, media_type="application/javascript",
                        headers={"Service-Worker-Allowed": "/field",
                                 "Cache-Control": "no-cache"})


@router.get("/field/manifest.webmanifest", dependencies=PUBLIC)
def manifest() -> Response:
    """So the crew can put the app on the phone's home screen and open it full screen."""
    return JSONResponse({
        "name": "پناه — تیم سیار",
        "short_name": "پناه سیار",
        "description": "برنامهٔ تیم سیار اورژانس اجتماعی: مأموریت، وضعیت، ایمنی و گزارش",
        "start_url": "/field",
        "scope": "/field",
        "display": "standalone",
        "orientation": "portrait",
        "dir": "rtl",
        "lang": "fa",
        "theme_color": THEME,
        "background_color": "#f3f5f8",
        "icons": [{"src": ICON, "sizes": "any", "type": "image/svg+xml",
                   "purpose": "any"}],
    }, media_type="application/manifest+json")
