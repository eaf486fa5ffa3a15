"""People: the administrators' pages and API to create, edit and disable accounts and make
one-time links, and the public page where a person opens their link to set a password.

Scope is the domain's (``panah.security.people.model.may_grant``): a provincial
administrator reaches the people of their own province only, and never grants a national
role or an administrator. A link's text is in the answer to its making and nowhere else.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from panah.core.errors import InvalidInput, PanahError
from panah.security.orm import AccessLink
from panah.security.people import queries, service
from panah.security.people.model import LinkPurpose, LinkState
from panah.security.people.schemas import (
    AccessLinkCreate,
    AccessLinkMade,
    PersonIn,
    PersonPublic,
)
from panah.security.policy import Actor
from panah.security.roles import Permission, Role
from panah.web.deps import Uow, require
from panah.web.errors import status_for

router = APIRouter(tags=["people"])
Admin = Annotated[Actor, Depends(require(Permission.manage_people))]
PUBLIC = [Depends(require(Permission.public))]
Username = Annotated[str, Path(min_length=1, max_length=80)]
LinkToken = Annotated[str, Path(min_length=1, max_length=100)]
ProvinceFilter = Annotated[str | None, Query(pattern=r"^IR-[0-9]{2}$")]
PAGE = "/admin/people"


def _made(username: str, token: str, link: AccessLink) -> AccessLinkMade:
    return AccessLinkMade(username=username, purpose=LinkPurpose(link.purpose),
                          path=f"{service.ACCESS_PATH}{token}", expires_at=link.expires_at)


# ---- the JSON API ---------------------------------------------------------------------------


@router.get("/api/people", response_model=list[PersonPublic])
def list_people(uow: Uow, actor: Admin, province: ProvinceFilter = None,
                role: Role | None = None,
                q: Annotated[str, Query(max_length=80)] = "") -> list[PersonPublic]:
    """The people you manage, by name; filtered by province, role and a part of the name."""
    return queries.people(uow.session, actor=actor, province_code=province, role=role, text=q)


@router.post("/api/people", response_model=PersonPublic, status_code=201)
def create_person(uow: Uow, actor: Admin, body: PersonIn) -> PersonPublic:
    """A new person, without a password: make them a one-time link to set one."""
    user = service.create_person(uow.session, actor=actor, now=uow.now, data=body)
    return queries.person(uow.session, actor=actor, username=user.username)


@router.get("/api/people/{username}", response_model=PersonPublic)
def get_person(uow: Uow, actor: Admin, username: Username) -> PersonPublic:
    return queries.person(uow.session, actor=actor, username=username)


@router.put("/api/people/{username}", response_model=PersonPublic)
def update_person(uow: Uow, actor: Admin, username: Username, body: PersonIn) -> PersonPublic:
    """Change a person (the username in the path stays); ``active: false`` disables them."""
    user = service.update_person(uow.session, actor=actor, now=uow.now, username=username,
                                 data=body)
    return queries.person(uow.session, actor=actor, username=user.username)


@router.post("/api/people/{username}/disable", response_model=PersonPublic)
def disable_person(uow: Uow, actor: Admin, username: Username) -> PersonPublic:
    """Disable an account: every session of it ends at once."""
    service.disable_person(uow.session, actor=actor, now=uow.now, username=username)
    return queries.person(uow.session, actor=actor, username=username)


@router.post("/api/people/{username}/links", response_model=AccessLinkMade, status_code=201)
def make_link(request: Request, uow: Uow, actor: Admin, username: Username,
              body: AccessLinkCreate) -> AccessLinkMade:
    """A one-time link to set a password, or to set up the second factor again; it replaces
    older ones. Its path is in this answer only."""
    token, link = service.issue_access_link(uow.session, actor=actor, now=uow.now,
                                            username=username, purpose=body.purpose)
    return _made(username, token, link)


# ---- the administrators' pages --------------------------------------------------------------


def _render(request: Request, name: str, context: dict[str, object], status: int) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, name, context, status_code=status)


def _list_page(request: Request, uow: Uow, actor: Actor, *, filters: dict[str, str],
               error: PanahError | None = None, entered: dict[str, object] | None = None,
               status: int = 200) -> Response:
    role = Role(filters["role"]) if filters.get("role") in set(Role) else None
    found = queries.people(uow.session, actor=actor, province_code=filters.get("province")
                           or None, role=role, text=filters.get("q", ""))
    context = {"people": found, "form": queries.people_form(uow.session, actor=actor),
               "filters": filters, "error": error, "entered": entered or {}}
    return _render(request, "admin/people.html", context, status)


def _person_page(request: Request, uow: Uow, actor: Actor, username: str, *,
                 link: AccessLinkMade | None = None, error: PanahError | None = None,
                 status: int = 200) -> Response:
    context = {"person": queries.person(uow.session, actor=actor, username=username),
               "form": queries.people_form(uow.session, actor=actor), "link": link,
               "link_url": str(request.base_url).rstrip("/") + link.path if link else None,
               "error": error}
    return _render(request, "admin/person.html", context, status)


def _from_form(values: dict[str, object]) -> PersonIn:
    """The form as a person; a field the form got wrong is an ``InvalidInput`` naming it."""
    try:
        return PersonIn.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise InvalidInput(f"{field}: {first['msg']}",
                           f"این خانه درست پر نشده است: {field}", field=field) from error


@router.get(PAGE, response_class=HTMLResponse)
def people_page(request: Request, uow: Uow, actor: Admin, province: ProvinceFilter = None,
                role: Annotated[str, Query(max_length=30)] = "",
                q: Annotated[str, Query(max_length=80)] = "") -> Response:
    """The people you manage, with filters, and a form to add a person."""
    return _list_page(request, uow, actor,
                      filters={"province": province or "", "role": role, "q": q})


PersonForm = dict[str, object]
Text = Annotated[str, Form(max_length=120)]


def _form_values(
    # Not named ``username``: that is the path parameter of a person's page.
    entered_username: Annotated[str, Form(alias="username", max_length=80)] = "",
    full_name: Text = "",
    role: Annotated[str, Form(max_length=40)] = "", province_code: Text = "",
    centre: Text = "", skills: Annotated[list[str] | None, Form()] = None,
    languages: Annotated[list[str] | None, Form()] = None, is_woman: Text = "",
    phone: Annotated[str, Form(max_length=40)] = "", active: Text = "no",
) -> PersonForm:
    """The person form's fields as entered (shown again when refused)."""
    return {
        "username": entered_username, "full_name": full_name, "role": role,
        "province_code": province_code or None, "centre": centre or None,
        "skills": skills or [], "languages": languages or [], "is_woman": is_woman == "yes",
        "phone": phone or None, "active": active == "yes",
    }


Entered = Annotated[PersonForm, Depends(_form_values)]


@router.post(PAGE, response_class=HTMLResponse)
def add_person_form(request: Request, uow: Uow, actor: Admin, values: Entered) -> Response:
    """Add a person; then their page, to make their one-time link."""
    try:
        with uow.session.begin_nested():  # a refusal leaves nothing saved
            user = service.create_person(uow.session, actor=actor, now=uow.now,
                                         data=_from_form(values))
    except PanahError as error:
        return _list_page(request, uow, actor, filters={}, error=error, entered=values,
                          status=status_for(error))
    return RedirectResponse(f"{PAGE}/{user.username}", status_code=303)


@router.get(PAGE + "/{username}", response_class=HTMLResponse)
def person_page(request: Request, uow: Uow, actor: Admin, username: Username) -> Response:
    """A person: edit, disable, make a one-time link."""
    return _person_page(request, uow, actor, username)


@router.post(PAGE + "/{username}", response_class=HTMLResponse)
def edit_person_form(request: Request, uow: Uow, actor: Admin, username: Username,
                     values: Entered) -> Response:
    """Save a person's changes; refused, the page again with the reason."""
    try:
        with uow.session.begin_nested():
            service.update_person(uow.session, actor=actor, now=uow.now, username=username,
                                  data=_from_form({**values, "username": username}))
    except PanahError as error:
        return _person_page(request, uow, actor, username, error=error,
                            status=status_for(error))
    return RedirectResponse(f"{PAGE}/{username}", status_code=303)


@router.post(PAGE + "/{username}/disable", response_class=HTMLResponse)
def disable_person_form(request: Request, uow: Uow, actor: Admin, username: Username,
                        confirm: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Disable after the box is ticked: every session ends at once."""
    if confirm != "yes":
        error = InvalidInput("Tick the box to confirm: disabling ends every session at once.",
                             "برای تأیید کادر را علامت بزنید: غیرفعال کردن همهٔ نشست‌ها را "
                             "بی‌درنگ پایان می‌دهد.", field="confirm")
        return _person_page(request, uow, actor, username, error=error, status=422)
    service.disable_person(uow.session, actor=actor, now=uow.now, username=username)
    return RedirectResponse(f"{PAGE}/{username}", status_code=303)


@router.post(PAGE + "/{username}/links", response_class=HTMLResponse)
def make_link_form(request: Request, uow: Uow, actor: Admin, username: Username,
                   purpose: Annotated[LinkPurpose, Form()] = LinkPurpose.password) -> Response:
    """Make a one-time link and show it, once, with a copy button."""
    token, link = service.issue_access_link(uow.session, actor=actor, now=uow.now,
                                            username=username, purpose=purpose)
    return _person_page(request, uow, actor, username,
                        link=_made(username, token, link), status=201)


# ---- the public page of a one-time link -----------------------------------------------------


def _access_page(request: Request, view: service.LinkView, *, error: PanahError | None = None,
                 done: bool = False, status: int | None = None) -> Response:
    usable = view.state is LinkState.usable
    context: dict[str, object] = {"view": view, "error": error, "done": done,
               "ended": None if usable or done else service.link_error(view.state)}
    return _render(request, "access_link.html", context,
                   status or (200 if usable or done else 410))


@router.get("/access/{link_token}", response_class=HTMLResponse, dependencies=PUBLIC)
def access_link_page(request: Request, uow: Uow, link_token: LinkToken) -> Response:
    """A one-time link: a form to set a password; a used or expired link says what to do."""
    return _access_page(request, service.access_link_view(uow.session, now=uow.now,
                                                          token=link_token))


@router.post("/access/{link_token}", response_class=HTMLResponse, dependencies=PUBLIC)
def use_access_link(
    request: Request, uow: Uow, link_token: LinkToken,
    password: Annotated[str, Form(max_length=200)] = "",
    password_again: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Set the password; the link is used up."""
    view = service.access_link_view(uow.session, now=uow.now, token=link_token)
    if view.state is not LinkState.usable:
        return _access_page(request, view)
    if password != password_again:
        mismatch = InvalidInput("The two passwords differ: type the same one twice.",
                                "دو گذرواژه یکسان نیستند: یک گذرواژه را دو بار بنویسید.",
                                field="password_again")
        return _access_page(request, view, error=mismatch, status=422)
    try:
        with uow.session.begin_nested():
            service.use_access_link(uow.session, now=uow.now, token=link_token,
                                    password=password)
    except InvalidInput as error:
        return _access_page(request, view, error=error, status=422)
    return _access_page(request, view, done=True)
