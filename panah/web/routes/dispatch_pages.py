"""The dispatcher's board: a map of units by status and open incidents, triage's requests,
recommendations and one-click assignment, live.

Thin: the page is a frame; ``static/js/board.js`` draws it from the same JSON API
(``/api/dispatch/board``), asking for the board's stamp every two seconds and fetching the
board only when it changed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from panah.dispatch import queries
from panah.dispatch.field import REPORT_OUTCOMES
from panah.dispatch.model import CAUTIONS, STATUS_LABELS, CallerKind, IncidentState, Priority
from panah.dispatch.recommend import EXCLUSION_REASONS, ROLE_NAMES
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import incident_access
from panah.web.deps import Uow, require

router = APIRouter(tags=["dispatch pages"], include_in_schema=False)
Dispatch = Annotated[Actor, Depends(require(Permission.dispatch_units))]
IncidentId = Annotated[int, Depends(incident_access(Permission.dispatch_units))]
POLL_SECONDS = 2
# The board's words for codes in its data, each group a key prefix of the catalogues:
# why a unit is left out of a recommendation, an incident's state, a visit's outcome,
# who called.
WORD_GROUPS = {
    "board.excluded_reason": EXCLUSION_REASONS,
    "incident.state": tuple(s.value for s in IncidentState),
    "field.outcome": tuple(sorted(REPORT_OUTCOMES)),
    "dispatch.caller": tuple(k.value for k in CallerKind),
}


@router.get("/dispatch", response_class=HTMLResponse)
def board_page(request: Request, actor: Dispatch) -> Response:
    """The live board of the dispatcher's province."""
    statuses = {s.value: {"fa": fa, "en": en} for s, (en, fa) in STATUS_LABELS.items()}
    cautions = {code: {"fa": fa, "en": en} for code, (en, fa) in CAUTIONS.items()}
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "dispatch/board.html",
        {"statuses": statuses, "cautions": cautions, "priorities": [p.value for p in Priority],
         "outcomes": sorted(REPORT_OUTCOMES), "poll_seconds": POLL_SECONDS,
         "province_code": actor.province_code, "word_groups": WORD_GROUPS,
         "roles": {role: {"fa": fa, "en": en} for role, (en, fa) in ROLE_NAMES.items()}})


@router.get("/dispatch/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(request: Request, actor: Dispatch, incident_id: IncidentId,
                  uow: Uow) -> Response:
    """An incident, open or closed: what the crew was told, what happened in order, and
    the visit reports (their text for those who may read it)."""
    found = queries.incident_timeline(uow.session, actor=actor, now=uow.now,
                                      incident_id=incident_id)
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "dispatch/incident.html", {"found": found})
