"""The worker's and the supervisor's lists of cases with their flags (issue 16), as JSON
and as pages; and one case's flags. Each page and its JSON twin call the same query.

The worker's list is the /cases page (served by ``case_pages``, whose context comes from
:func:`panah.cases.flags.queries.worker_list`); its JSON twin is here. Mounted before the
case routes, so ``/cases/supervision`` and ``/api/cases/mine`` are not taken for a case id.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from panah.cases.flags import queries
from panah.cases.flags.model import FlagCode
from panah.cases.flags.schemas import CaseFlagsPublic, ListScope, SupervisionList, WorkerList
from panah.core.errors import InvalidInput
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import ViewCase
from panah.web.deps import Uow, require

router = APIRouter(tags=["case lists"])
pages = APIRouter(include_in_schema=False)
Supervisor = Annotated[Actor, Depends(require(Permission.supervise_cases))]
Worker = Annotated[Actor, Depends(require(Permission.view_case))]


def _query_params(
    scope: Annotated[ListScope, Query(description="centre: your centre; province: all")]
    = "province",
    flag: Annotated[str, Query(max_length=20, description="Only cases with this flag: "
                                                          "unassigned, no_contact, plan_overdue")]
    = "",
    worker: Annotated[str, Query(pattern=r"^\d{0,9}$",
                                 description="Only cases this user (id) leads or is on")] = "",
    province: Annotated[str, Query(pattern=r"^(IR-\d\d)?$",
                                   description="National office: the province")] = "",
) -> queries.SupervisionFilter:
    """The filters as a form sends them too: an empty choice is no filter."""
    if flag and flag not in set(FlagCode):
        raise InvalidInput(f"There is no flag {flag!r}: choose unassigned, no_contact or "
                           "plan_overdue, or none.",
                           f"هشداری به نام {flag!r} نیست: یکی از هشدارهای فهرست را برگزینید.",
                           field="flag")
    return queries.SupervisionFilter(scope=scope, flag=FlagCode(flag) if flag else None,
                                     worker=int(worker) if worker else None,
                                     province=province or None)


Wanted = Annotated[queries.SupervisionFilter, Depends(_query_params)]


@router.get("/api/cases/mine", response_model=WorkerList)
def my_cases(uow: Uow, actor: Worker) -> WorkerList:
    """Your list: the open cases you lead or are on, what is due on them today (Iran day),
    and their flags (unassigned, no contact for 14 days, plan overdue)."""
    return queries.worker_list(uow.session, actor=actor, now=uow.now)


@router.get("/api/cases/supervision", response_model=SupervisionList)
def supervision(uow: Uow, actor: Supervisor, wanted: Wanted) -> SupervisionList:
    """The open cases of your centre or your province with their flags and escalations,
    filtered by flag and by worker; the national office names the province."""
    return queries.supervision_list(uow.session, actor=actor, now=uow.now, wanted=wanted)


@router.get("/api/cases/{case_id}/flags", response_model=CaseFlagsPublic)
def case_flags(uow: Uow, grant: ViewCase) -> CaseFlagsPublic:
    """The case's flags now (with when each was raised and escalated) and those to come."""
    return queries.case_flags(uow.session, case_id=grant.case_id, now=uow.now)


def _page(request: Request, template: str, context: dict[str, Any]) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, context)


@pages.get("/cases/supervision", response_class=HTMLResponse)
def supervision_page(request: Request, uow: Uow, actor: Supervisor, wanted: Wanted) -> Response:
    """The supervisor's list: the centre's and the province's cases with their flags."""
    listing = queries.supervision_list(uow.session, actor=actor, now=uow.now, wanted=wanted)
    return _page(request, "cases/supervision.html",
                 {"listing": listing, "flag_codes": list(FlagCode)})


router.include_router(pages)
