"""Keeping the directory: partner agencies and services, their staff and machine accounts,
for the national administrator (every province) and a provincial administrator or manager
(their own province): the page /admin/directory and its JSON twin /api/admin/directory.

An entry is named by its code in the path; an access dependency loads its province and
asks the policy before the route runs (403, audited, for another province's entry)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from panah.core.db import unit_of_work
from panah.core.errors import Forbidden, InvalidInput, NotFound, PanahError
from panah.security.policy import Actor, decide
from panah.security.policy import Resource as PolicyResource
from panah.security.roles import Permission
from panah.triage.directory import queries, service
from panah.triage.directory.model import AgencyDomain, reaches_nation
from panah.triage.directory.schemas import (
    AccountIn,
    AgencyAdminPublic,
    AgencyIn,
    ResourceIn,
    ResourcePublic,
    StaffIn,
)
from panah.triage.taxonomy import Category
from panah.web.access import RESOURCE_ATTRIBUTE, ResourceMarker, record_denial
from panah.web.deps import Uow, get_clock, require

router = APIRouter(tags=["directory administration"])
PERMISSION = Permission.manage_organisation
Keeper = Annotated[Actor, Depends(require(PERMISSION))]
PAGE = "/admin/directory"
API = "/api/admin/directory"
CODE_PATTERN = r"^[a-z0-9][a-z0-9_.-]{1,59}$"


# ---- access by code -------------------------------------------------------------------


def code_access(kind: str, param: str, load: Callable[[Session, str], PolicyResource | None],
                missing: tuple[str, str]) -> Callable[..., str]:
    """A dependency giving the code in ``param`` of an entry the actor may keep; else 404,
    or 403 (audited) for an entry of another province (or a national one, for a provincial
    administrator)."""
    guard = require(PERMISSION)

    def dependency(request: Request, actor: Actor, **path: str) -> str:
        code = path[param]
        factory = request.app.state.session_factory
        with unit_of_work(factory) as session:
            resource = load(session, code)
        if resource is None:
            raise NotFound(missing[0].format(code=code), missing[1].format(code=code))
        decision = decide(actor, PERMISSION, resource)
        if not decision:
            record_denial(factory, actor, PERMISSION, decision, kind, code,
                          get_clock(request).now())
            raise Forbidden("This entry belongs to another province's directory: you keep "
                            "your own province's only.",
                            "این مورد از فهرست استان دیگری است: شما تنها فهرست استان خود را "
                            "نگه می‌دارید.", why=decision.why.value, code=code)
        return code

    keyword = inspect.Parameter.KEYWORD_ONLY
    dependency.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter("request", keyword, annotation=Request),
        inspect.Parameter(param, keyword,
                          annotation=Annotated[str, Path(pattern=CODE_PATTERN)]),
        inspect.Parameter("actor", keyword, annotation=Annotated[Actor, Depends(guard)]),
    ])
    dependency.__name__ = f"{kind}_access_{PERMISSION.value}"
    setattr(dependency, RESOURCE_ATTRIBUTE,
            ResourceMarker(kind, param, PERMISSION, load))  # type: ignore[arg-type]
    return dependency


AgencyCode = Annotated[str, Depends(code_access(
    "agency", "agency_code", queries.agency_resource,
    ("There is no agency {code} in the directory.", "سازمانی با کد {code} در فهرست نیست.")))]
ServiceCode = Annotated[str, Depends(code_access(
    "directory_service", "service_code", queries.service_resource,
    ("There is no service {code} in the directory.", "خدمتی با کد {code} در فهرست نیست.")))]
ProvinceCode = Annotated[str | None, Query(pattern=r"^IR-[0-9]{2}$",
                                           description="ISO 3166-2:IR, e.g. IR-02")]
CountyText = Annotated[str | None, Query(min_length=1, max_length=80,
                                         description="County key (Q1282160) or name "
                                                     "(چالوس, Chalus)")]


def _same_code(code: str, body_code: str) -> None:
    if body_code != code:
        raise InvalidInput(f"The code in the body ({body_code}) is not the one in the address "
                           f"({code}); a code never changes.",
                           f"کد درون درخواست ({body_code}) با کد نشانی ({code}) یکی نیست؛ کد "
                           "هرگز عوض نمی‌شود.", field="code")


# ---- the JSON API: agencies -----------------------------------------------------------


@router.get(f"{API}/agencies", response_model=list[AgencyAdminPublic])
def list_agencies(uow: Uow, actor: Keeper, province: ProvinceCode = None,
                  county: CountyText = None,
                  domain: AgencyDomain | None = None) -> list[AgencyAdminPublic]:
    """The agencies you keep, active or not, with their staff and open referrals: a
    national administrator every province's (or the one asked for), a provincial one
    their own province's."""
    return queries.agencies_admin(uow.session, actor=actor, province_code=province,
                                  county=county, domain=domain.value if domain else None)


@router.post(f"{API}/agencies", response_model=AgencyAdminPublic, status_code=201)
def create_agency(uow: Uow, actor: Keeper, body: AgencyIn,
                  response: Response) -> AgencyAdminPublic:
    """Add an agency (201); a code that exists already changes that agency (200). The
    county is its key or its Persian or English name, in the agency's province."""
    row, created = service.save_agency(uow.session, actor=actor, now=uow.now, data=body)
    response.status_code = 201 if created else 200
    return queries.agency_admin(uow.session, code=row.code)


@router.get(f"{API}/agencies/{{agency_code}}", response_model=AgencyAdminPublic)
def get_agency(uow: Uow, actor: Keeper, agency_code: AgencyCode) -> AgencyAdminPublic:
    """One agency, with its staff, machine account and open referrals."""
    return queries.agency_admin(uow.session, code=agency_code)


@router.put(f"{API}/agencies/{{agency_code}}", response_model=AgencyAdminPublic)
def update_agency(uow: Uow, actor: Keeper, agency_code: AgencyCode,
                  body: AgencyIn) -> AgencyAdminPublic:
    """Change an agency (``active: false`` deactivates it: it receives no new referral)."""
    _same_code(agency_code, body.code)
    service.save_agency(uow.session, actor=actor, now=uow.now, data=body)
    return queries.agency_admin(uow.session, code=agency_code)


@router.delete(f"{API}/agencies/{{agency_code}}", status_code=204)
def delete_agency(uow: Uow, actor: Keeper, agency_code: AgencyCode) -> Response:
    """Remove an agency that never had a referral; one that had is refused (409):
    deactivate it instead."""
    service.delete_agency(uow.session, actor=actor, now=uow.now, code=agency_code)
    return Response(status_code=204)


@router.put(f"{API}/agencies/{{agency_code}}/staff", response_model=AgencyAdminPublic)
def set_staff(uow: Uow, actor: Keeper, agency_code: AgencyCode,
              body: StaffIn) -> AgencyAdminPublic:
    """Who signs in to the agency's referral inbox: the whole list (partner-agency
    accounts of the agency's province)."""
    service.set_agency_staff(uow.session, actor=actor, now=uow.now, code=agency_code,
                             usernames=body.usernames)
    return queries.agency_admin(uow.session, code=agency_code)


@router.put(f"{API}/agencies/{{agency_code}}/account", response_model=AgencyAdminPublic)
def set_account(uow: Uow, actor: Keeper, agency_code: AgencyCode,
                body: AccountIn) -> AgencyAdminPublic:
    """The machine account whose API keys the agency's system uses (none: no API)."""
    service.set_agency_account(uow.session, actor=actor, now=uow.now, code=agency_code,
                               username=body.username)
    return queries.agency_admin(uow.session, code=agency_code)


# ---- the JSON API: services -----------------------------------------------------------


@router.get(f"{API}/services", response_model=list[ResourcePublic])
def list_services(uow: Uow, actor: Keeper, province: ProvinceCode = None,
                  county: CountyText = None,
                  q: Annotated[str | None, Query(max_length=200)] = None,
                  ) -> list[ResourcePublic]:
    """The services you keep (as the agencies' list chooses); ``q`` searches them as a
    counsellor's search would."""
    return queries.resources_admin(uow.session, actor=actor, province_code=province,
                                   county=county, text=q)


@router.post(f"{API}/services", response_model=ResourcePublic, status_code=201)
def create_service(uow: Uow, actor: Keeper, body: ResourceIn,
                   response: Response) -> ResourcePublic:
    """Add a service (201); a code that exists already changes it (200). Needs are
    category codes of the triage taxonomy. Counsellors' searches find it at once."""
    row, created = service.save_resource(uow.session, actor=actor, now=uow.now, data=body)
    response.status_code = 201 if created else 200
    return queries.service_admin(uow.session, code=row.code)


@router.get(f"{API}/services/{{service_code}}", response_model=ResourcePublic)
def get_service(uow: Uow, actor: Keeper, service_code: ServiceCode) -> ResourcePublic:
    """One service of the directory."""
    return queries.service_admin(uow.session, code=service_code)


@router.put(f"{API}/services/{{service_code}}", response_model=ResourcePublic)
def update_service(uow: Uow, actor: Keeper, service_code: ServiceCode,
                   body: ResourceIn) -> ResourcePublic:
    """Change a service."""
    _same_code(service_code, body.code)
    service.save_resource(uow.session, actor=actor, now=uow.now, data=body)
    return queries.service_admin(uow.session, code=service_code)


@router.delete(f"{API}/services/{{service_code}}", status_code=204)
def delete_service(uow: Uow, actor: Keeper, service_code: ServiceCode) -> Response:
    """Remove a service from the directory."""
    service.delete_resource(uow.session, actor=actor, now=uow.now, code=service_code)
    return Response(status_code=204)


# ---- the page -------------------------------------------------------------------------


class Filters(BaseModel):
    province: str | None = None
    county: str | None = None
    domain: str | None = None
    need: str | None = None


def _page(request: Request, uow: Uow, actor: Actor, filters: Filters, *,
          edit_agency: str | None = None, edit_service: str | None = None,
          error: PanahError | None = None, form: str | None = None,
          values: dict[str, Any] | None = None, status: int = 200) -> Response:
    page = queries.directory_admin_page(
        uow.session, actor=actor, province_code=filters.province, county=filters.county,
        domain=filters.domain, need=filters.need, edit_agency=edit_agency,
        edit_service=edit_service)
    context = {"page": page, "filters": filters, "error": error, "form": form,
               "values": values or {}, "domains": list(AgencyDomain),
               "needs": list(Category)}
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "admin/directory.html", context, status_code=status)


@router.get(PAGE, response_class=HTMLResponse)
def directory_page(
    request: Request, uow: Uow, actor: Keeper, province: ProvinceCode = None,
    county: Annotated[str | None, Query(max_length=80)] = None,
    domain: AgencyDomain | None = None, need: Category | None = None,
    agency: Annotated[str | None, Query(max_length=60)] = None,
    service_code: Annotated[str | None, Query(alias="service", max_length=60)] = None,
) -> Response:
    """The province's agencies and services, filtered by county, domain and need, with
    forms to add or change them, their staff, and deactivation."""
    filters = Filters(province=province, county=county or None,
                      domain=domain.value if domain else None,
                      need=need.value if need else None)
    return _page(request, uow, actor, filters, edit_agency=agency, edit_service=service_code)


def _problem(error: ValidationError) -> InvalidInput:
    first = error.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ())) or "form"
    return InvalidInput(f"{field}: {first.get('msg', '')}",
                        f"مقدار «{field}» پذیرفته نیست: {first.get('msg', '')}", field=field)


def _again(actor: Actor, province_code: str) -> Filters:
    """The filters a refused form is shown again with: the province typed, if the actor
    may list it."""
    return Filters(province=province_code or None) if reaches_nation(actor) else Filters()


def _back(province: str | None) -> RedirectResponse:
    suffix = f"?province={province}" if province else ""
    return RedirectResponse(PAGE + suffix, status_code=303)


Text = Annotated[str, Form(max_length=2000)]


@router.post(f"{PAGE}/agencies", response_class=HTMLResponse)
def save_agency_form(
    request: Request, uow: Uow, actor: Keeper, code: Text = "", domain: Text = "",
    name_fa: Text = "", name_en: Text = "", province_code: Text = "", county: Text = "",
    phone: Text = "", active: Text = "",
) -> Response:
    """Add or change an agency; a mistake brings the form back as typed."""
    values = {"code": code, "domain": domain, "name_fa": name_fa, "name_en": name_en,
              "province_code": province_code, "county": county, "phone": phone,
              "active": bool(active)}
    try:
        data = AgencyIn.model_validate(values)
        with uow.session.begin_nested():  # a refusal leaves nothing saved
            service.save_agency(uow.session, actor=actor, now=uow.now, data=data)
    except (ValidationError, InvalidInput) as problem:
        error = _problem(problem) if isinstance(problem, ValidationError) else problem
        return _page(request, uow, actor, _again(actor, province_code),
                     error=error, form="agency", values=values, status=422)
    return _back(province_code or None)


@router.post(f"{PAGE}/agencies/{{agency_code}}/active")
def agency_active_form(uow: Uow, actor: Keeper, agency_code: AgencyCode,
                       active: Text = "") -> Response:
    """Deactivate an agency (it receives no new referral) or bring it back."""
    row = service.set_agency_active(uow.session, actor=actor, now=uow.now, code=agency_code,
                                    active=active == "1")
    return _back(row.province_code)


@router.post(f"{PAGE}/agencies/{{agency_code}}/staff", response_class=HTMLResponse)
def agency_staff_form(request: Request, uow: Uow, actor: Keeper, agency_code: AgencyCode,
                      usernames: Annotated[list[str] | None, Form()] = None) -> Response:
    """Who signs in to the agency's referral inbox."""
    try:
        with uow.session.begin_nested():
            row = service.set_agency_staff(uow.session, actor=actor, now=uow.now,
                                           code=agency_code, usernames=usernames or [])
    except InvalidInput as error:
        return _page(request, uow, actor, Filters(), error=error, status=422)
    return _back(row.province_code)


@router.post(f"{PAGE}/agencies/{{agency_code}}/delete", response_class=HTMLResponse)
def agency_delete_form(request: Request, uow: Uow, actor: Keeper,
                       agency_code: AgencyCode) -> Response:
    """Remove an agency that never had a referral; else say to deactivate it."""
    try:
        with uow.session.begin_nested():
            service.delete_agency(uow.session, actor=actor, now=uow.now, code=agency_code)
    except PanahError as error:
        if isinstance(error, Forbidden):
            raise
        return _page(request, uow, actor, Filters(), error=error, status=409)
    return _back(None)


@router.post(f"{PAGE}/services", response_class=HTMLResponse)
def save_service_form(
    request: Request, uow: Uow, actor: Keeper, code: Text = "", name_fa: Text = "",
    name_en: Text = "", description_fa: Text = "", description_en: Text = "",
    needs: Annotated[list[str] | None, Form()] = None, province_code: Text = "",
    county: Text = "", phone: Text = "", address_fa: Text = "", hours_fa: Text = "",
) -> Response:
    """Add or change a service; counsellors' searches find it at once."""
    values: dict[str, Any] = {
        "code": code, "name_fa": name_fa, "name_en": name_en,
        "description_fa": description_fa, "description_en": description_en,
        "needs": needs or [], "province_code": province_code, "county": county,
        "phone": phone, "address_fa": address_fa, "hours_fa": hours_fa}
    try:
        data = ResourceIn.model_validate(values)
        with uow.session.begin_nested():
            service.save_resource(uow.session, actor=actor, now=uow.now, data=data)
    except (ValidationError, InvalidInput) as problem:
        error = _problem(problem) if isinstance(problem, ValidationError) else problem
        return _page(request, uow, actor, _again(actor, province_code),
                     error=error, form="service", values=values, status=422)
    return _back(province_code or None)


@router.post(f"{PAGE}/services/{{service_code}}/delete")
def service_delete_form(uow: Uow, actor: Keeper, service_code: ServiceCode) -> Response:
    """Remove a service from the directory."""
    service.delete_resource(uow.session, actor=actor, now=uow.now, code=service_code)
    return _back(None)
