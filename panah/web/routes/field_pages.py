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
from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.core.db import unit_of_work
from panah.core.errors import Forbidden, NotFound
from panah.dispatch import board
from panah.dispatch.field import REPORT_OUTCOMES
from panah.dispatch.model import (
    CAUTIONS,
    SAFETY_CHECK_MINUTES,
    STATUS_LABELS,
    TRANSITIONS,
    UnitStatus,
)
from panah.dispatch.orm import CrewMember, Post, Unit
from panah.dispatch.queries import unit_resource
from panah.security.policy import Actor, Decision, decide
from panah.security.roles import Permission
from panah.web.access import record_denial
from panah.web.deps import get_clock, require
from panah.web.i18n import request_language, translate

router = APIRouter(tags=["field pages"], include_in_schema=False)
Crew = Annotated[Actor, Depends(require(Permission.crew_updates))]
PUBLIC = [Depends(require(Permission.public))]
SERVICE_WORKER = Path(__file__).resolve().parents[1] / "static" / "js" / "field-sw.js"
THEME = "#0f5e6e"
# The report's outcomes in the order a crew thinks of them (any new one comes last).
OUTCOME_ORDER = ("resolved_on_scene", "taken_to_shelter", "taken_to_centre", "handed_to_police",
                 "handed_to_ems", "no_one_found", "refused_help")
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
)


def _unit_of_crew(session: Session, actor: Actor) -> Unit | None:
    """The unit in service whose crew the signed-in user is on."""
    return session.scalar(
        select(Unit).join(CrewMember, CrewMember.unit_id == Unit.id)
        .where(CrewMember.user_id == actor.user_id, Unit.retired_at.is_(None))
        .order_by(Unit.id).limit(1))


def _chosen_unit(session: Session, actor: Actor, unit_id: int) -> tuple[Unit | None, Decision]:
    """A unit asked for by id (a dispatcher or supervisor following a crew): the same
    policy question as the field API's; the unit only when the answer is yes."""
    resource = unit_resource(session, unit_id)
    if resource is None:
        raise NotFound(f"There is no unit {unit_id} in service.",
                       f"خودرویی با شمارهٔ {unit_id} در خدمت نیست.")
    decision = decide(actor, Permission.crew_updates, resource)
    return (session.get(Unit, unit_id) if decision else None), decision


def _refuse(request: Request, actor: Actor, decision: Decision, unit_id: int) -> Forbidden:
    """On the audit chain (its own transaction, after the page's has ended), then 403."""
    record_denial(request.app.state.session_factory, actor, Permission.crew_updates,
                  decision, "unit", unit_id, get_clock(request).now())
    return Forbidden("This unit is not yours to follow: a crew opens its own unit, a "
                     "dispatcher their province's.",
                     "این خودرو از آنِ شما نیست: هر تیم خودروی خود و هر اعزام‌گر "
                     "خودروهای استان خود را باز می‌کند.", why=decision.why.value,
                     unit_id=unit_id)


def _boot(request: Request, session: Session, unit: Unit, lang: str) -> dict[str, Any]:
    """Everything the script needs to run offline: the assignment, the rules it applies
    locally (which status may follow which) and its words."""
    assignment = board.crew_assignment(session, unit, now=get_clock(request).now())
    post = session.get(Post, unit.post_id) if unit.post_id else None
    return {
        "unit_id": unit.id,
        "lang": lang,
        "assignment": assignment.model_dump(mode="json"),
        "transitions": {s.value: sorted(t.value for t in targets)
                        for s, targets in TRANSITIONS.items()},
        "status_labels": {s.value: STATUS_LABELS[s][1 if lang == "fa" else 0]
                          for s in UnitStatus},
        "caution_labels": {code: labels[1 if lang == "fa" else 0]
                           for code, labels in CAUTIONS.items()},
        "priority_labels": {p: translate(lang, f"field.priority.{p}")
                            for p in ("immediate", "high", "medium", "low", "information")},
        # Where the unit starts from, on the map while no position has come from it.
        "post": {"lat": post.lat, "lon": post.lon,
                 "name": post.name_fa if lang == "fa" else post.name_en} if post else None,
        "safety_check_minutes": SAFETY_CHECK_MINUTES,
        "strings": {key: translate(lang, f"field.{key}") for key in JS_STRINGS},
    }


def _outcomes() -> list[str]:
    known = [o for o in OUTCOME_ORDER if o in REPORT_OUTCOMES]
    return known + sorted(REPORT_OUTCOMES - set(known))


@router.get("/field", response_class=HTMLResponse)
def field_app(request: Request, actor: Crew,
              unit: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> Response:
    """The crew's phone: their unit's assignment with map and cautions, one-tap statuses,
    the on-scene safety timer and the visit report; it keeps working offline."""
    lang = request_language(request)
    context: dict[str, Any] = {"unit": None, "boot": None, "outcomes": [],
                               "following": unit is not None}
    with unit_of_work(request.app.state.session_factory) as session:
        if unit is None:
            found, decision = _unit_of_crew(session, actor), None
        else:
            found, decision = _chosen_unit(session, actor, unit)
        if found is not None:
            context |= {"unit": {"id": found.id, "call_sign": found.call_sign},
                        "boot": _boot(request, session, found, lang),
                        "outcomes": _outcomes()}
    if unit is not None and decision is not None and not decision:
        raise _refuse(request, actor, decision, unit)
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
