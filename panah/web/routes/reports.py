"""Exports for analysts and managers: de-identified, audited."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from panah.core.db import unit_of_work
from panah.reports.deidentified import as_csv_rows
from panah.reports.service import export_cases
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.deps import get_clock, require

router = APIRouter(prefix="/api/exports", tags=["reports"])


@router.get(
    "/cases.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "De-identified case rows"}},
)
def cases_csv(
    request: Request,
    actor: Annotated[Actor, Depends(require(Permission.export_deidentified))],
    province: Annotated[str | None, Query(pattern=r"^IR-\d\d$")] = None,
    k: Annotated[int, Query(ge=1, le=100)] = 5,
) -> Response:
    """Case rows without names, numbers, notes or exact dates; small groups generalised.
    A provincial manager gets their own province; analysts and the national office any."""
    with unit_of_work(request.app.state.session_factory) as session:
        export = export_cases(session, actor=actor, province=province, k=k,
                              now=get_clock(request).now())
    buffer = io.StringIO()
    csv.writer(buffer).writerows(as_csv_rows(export))
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="panah-cases-deidentified.csv"',
        "Cache-Control": "no-store"})
