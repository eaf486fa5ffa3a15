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

from panah.dispatch.field import REPORT_OUTCOMES
from panah.dispatch.model import CAUTIONS, STATUS_LABELS, Priority
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.deps import require

router = APIRouter(tags=["dispatch pages"], include_in_schema=False)
Dispatch = Annotated[Actor, Depends(require(Permission.dispatch_units))]
POLL_SECONDS = 2


@router.get("/dispatch", response_class=HTMLResponse)
def board_page(request: Request, actor: Dispatch) -> Response:
    """The live board of the dispatcher's province."""
    statuses = {s.value: {"fa": fa, "en": en} for s, (en, fa) in STATUS_LABELS.items()}
    cautions = {code: {"fa": fa, "en": en} for code, (en, fa) in CAUTIONS.items()}
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "dispatch/board.html",
        {"statuses": statuses, "cautions": cautions, "priorities": [p.value for p in Priority],
         "outcomes": sorted(REPORT_OUTCOMES), "poll_seconds": POLL_SECONDS,
         "province_code": actor.province_code})
