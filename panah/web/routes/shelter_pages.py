"""Shelter pages: the shelters with their beds today, and a shelter's setup (rooms and
beds; the address for those with need only). Thin: the same domain functions and access
dependencies as the JSON API (issue 17)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from panah.centres.shelters import occupancy, queries, service
from panah.centres.shelters.model import Suits
from panah.centres.shelters.schemas import (
    BedCreate,
    BedUpdate,
    RoomCreate,
    RoomUpdate,
    ShelterUpdate,
)
from panah.core.errors import Conflict, InvalidInput, PanahError
from panah.security.policy import Actor, is_allowed
from panah.security.roles import Permission
from panah.web.access import shelter_access
from panah.web.deps import Uow, require

router = APIRouter(tags=["shelter pages"], include_in_schema=False)
RoomId = Annotated[int, Path(ge=1, le=2**31 - 1)]
BedId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Runs = Annotated[int, Depends(shelter_access(Permission.manage_shelters))]
Sees = Annotated[int, Depends(shelter_access(Permission.view_occupancy))]
Manager = Annotated[Actor, Depends(require(Permission.manage_shelters))]
Viewer = Annotated[Actor, Depends(require(Permission.view_occupancy))]
FORM_MISTAKE = InvalidInput("Fill in the form: a name or label, and for a room whom it is for.",
                            "فرم را کامل کنید: نام یا برچسب، و برای اتاق اینکه برای کیست.")


def _page(request: Request, template: str, context: dict[str, Any],
          status: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, context, status_code=status)


@router.get("/shelters", response_class=HTMLResponse)
def shelters_page(request: Request, uow: Uow, actor: Viewer) -> Response:
    """The shelters you may see with their beds and free beds now, and today's occupancy
    by province."""
    return _page(request, "shelters/list.html", {
        "shelters": queries.shelters_seen(uow.session, actor=actor),
        "today": occupancy.today_figures(uow.session, actor=actor, now=uow.now),
        "runs": _runs(uow, actor)})


def _runs(uow: Uow, actor: Actor) -> set[int]:
    if not is_allowed(actor, Permission.manage_shelters):
        return set()
    return {s.id for s in queries.shelters_seen(uow.session, actor=actor,
                                                permission=Permission.manage_shelters)}


def render_setup(request: Request, uow: Uow, actor: Actor, shelter_id: int, *,
                 status: int = 200, error: PanahError | None = None) -> Response:
    setup = queries.shelter_setup(uow.session, shelter_id=shelter_id)
    found = queries.address_if_needed(uow.session, actor=actor, shelter_id=shelter_id,
                                      now=uow.now)
    return _page(request, "shelters/setup.html", {
        "shelter": setup, "address": found, "error": error, "suits": list(Suits)}, status)


@router.get("/shelters/{shelter_id}/setup", response_class=HTMLResponse)
def setup_page(request: Request, uow: Uow, shelter_id: Runs, actor: Manager) -> Response:
    """Rooms and beds, to add, rename and take out of use (tablet-sized)."""
    return render_setup(request, uow, actor, shelter_id)


def _apply(request: Request, uow: Uow, actor: Actor, shelter_id: int, anchor: str,
           change: Any) -> Response:
    try:
        with uow.session.begin_nested():  # a refusal leaves nothing saved
            change()
    except (ValidationError, InvalidInput, Conflict) as problem:
        error = problem if isinstance(problem, PanahError) else FORM_MISTAKE
        return render_setup(request, uow, actor, shelter_id, status=422, error=error)
    return RedirectResponse(f"/shelters/{shelter_id}/setup#{anchor}", status_code=303)


@router.post("/shelters/{shelter_id}/setup", response_class=HTMLResponse)
def details_form(
    request: Request, uow: Uow, shelter_id: Runs, actor: Manager,
    name_fa: Annotated[str, Form(max_length=160)] = "",
    name_en: Annotated[str, Form(max_length=160)] = "",
    address: Annotated[str | None, Form(max_length=500)] = None,
    phone: Annotated[str | None, Form(max_length=40)] = None,
) -> Response:
    """The label, and (for those with need, who alone see the fields) address and phone."""
    def change() -> None:
        fields: dict[str, Any] = {"name_fa": name_fa, "name_en": name_en}
        if address is not None:
            fields["address"] = address
        if phone is not None:
            fields["phone"] = phone
        service.update_shelter(uow.session, actor=actor, shelter_id=shelter_id,
                               data=ShelterUpdate(**fields), now=uow.now)
    return _apply(request, uow, actor, shelter_id, "details", change)


@router.post("/shelters/{shelter_id}/rooms", response_class=HTMLResponse)
def room_form(
    request: Request, uow: Uow, shelter_id: Runs, actor: Manager,
    name: Annotated[str, Form(max_length=60)] = "",
    suits: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """A new room, saying whom it suits."""
    def change() -> None:
        service.add_room(uow.session, actor=actor, shelter_id=shelter_id,
                         data=RoomCreate(name=name, suits=suits or []),  # type: ignore[arg-type]
                         now=uow.now)
    return _apply(request, uow, actor, shelter_id, "rooms", change)


@router.post("/shelters/{shelter_id}/rooms/{shelter_room_id}", response_class=HTMLResponse)
def room_edit_form(
    request: Request, uow: Uow, shelter_id: Runs, shelter_room_id: RoomId, actor: Manager,
    active: Annotated[str, Form(pattern=r"^(0|1)$")],
) -> Response:
    """Take the room out of use (``active=0``) or back (``1``)."""
    def change() -> None:
        service.update_room(uow.session, actor=actor, shelter_id=shelter_id,
                            room_id=shelter_room_id, data=RoomUpdate(active=active == "1"),
                            now=uow.now)
    return _apply(request, uow, actor, shelter_id, f"room-{shelter_room_id}", change)


@router.post("/shelters/{shelter_id}/rooms/{shelter_room_id}/beds",
             response_class=HTMLResponse)
def bed_form(
    request: Request, uow: Uow, shelter_id: Runs, shelter_room_id: RoomId, actor: Manager,
    label: Annotated[str, Form(max_length=40)] = "",
    accessible: Annotated[str, Form(max_length=3)] = "",
    child_bed: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    """A new bed in the room."""
    def change() -> None:
        service.add_bed(uow.session, actor=actor, shelter_id=shelter_id,
                        room_id=shelter_room_id,
                        data=BedCreate(label=label, accessible=bool(accessible),
                                       child_bed=bool(child_bed)), now=uow.now)
    return _apply(request, uow, actor, shelter_id, f"room-{shelter_room_id}", change)


@router.post("/shelters/{shelter_id}/beds/{shelter_bed_id}", response_class=HTMLResponse)
def bed_edit_form(
    request: Request, uow: Uow, shelter_id: Runs, shelter_bed_id: BedId, actor: Manager,
    active: Annotated[str, Form(pattern=r"^(0|1)$")],
) -> Response:
    """Take the bed out of use (``active=0``) or back (``1``)."""
    def change() -> None:
        service.update_bed(uow.session, actor=actor, shelter_id=shelter_id,
                           bed_id=shelter_bed_id, data=BedUpdate(active=active == "1"),
                           now=uow.now)
    return _apply(request, uow, actor, shelter_id, f"bed-{shelter_bed_id}", change)
