"""Exports for analysts and managers: de-identified, audited."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from panah.reports.deidentified import as_csv_rows
from panah.reports.service import export_cases
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.deps import Uow, require

router = APIRouter(prefix="/api/exports", tags=["reports"])


@router.get(
    "/cases.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "De-identified case rows"}},
)
def cases_csv(
    uow: Uow,
    actor: Annotated[Actor, Depends(require(Permission.export_deidentified))],
    province: Annotated[str | None, Query(pattern=r"^IR-\d\d$")] = None,
    k: Annotated[int, Query(ge=1, le=100)] = 5,
) -> Response:
    """Case rows without names, numbers, notes or exact dates; small groups generalised.
    A provincial manager gets their own province; analysts and the national office any."""
    export = export_cases(uow.session, actor=actor, province=province, k=k, now=uow.now)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(as_csv_rows(export))
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="panah-cases-deidentified.csv"',
        "Cache-Control": "no-store"})
