"""Finding a bed and requests to shelters (API) (issue 17). No response carries a
shelter's address or phone: a shelter is its public label, county and province."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from panah.centres.beds import queries, service
from panah.centres.beds.model import make_party, read_children
from panah.centres.beds.schemas import (
    BedSearchResult,
    DeclineBody,
    ShelterRequestCreate,
    ShelterRequestPublic,
)
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import (
    CaseAccess,
    ViewCase,
    case_access,
    contact_access,
    request_origin_access,
    shelter_request_access,
)
from panah.web.deps import Uow, require

router = APIRouter(prefix="/api", tags=["beds"])
FindForCase = Annotated[CaseAccess, Depends(case_access(Permission.find_bed))]
FindForContact = Annotated[int, Depends(contact_access(Permission.find_bed))]
Answer = Annotated[int, Depends(shelter_request_access(Permission.manage_shelters))]
Asker = Annotated[int, Depends(request_origin_access(Permission.find_bed))]
Finder = Annotated[Actor, Depends(require(Permission.find_bed))]
Age = Annotated[int, Query(ge=0, le=120, description="The client's age in whole years")]
Children = Annotated[str, Query(max_length=80, description="Ages of the children who come "
                                "with her, comma-separated, each with an optional f/m: "
                                "6m,3f")]
Accessible = Annotated[bool, Query(description="She needs an accessible bed")]


@router.get("/cases/{case_id}/beds", response_model=BedSearchResult)
def search_for_case(uow: Uow, grant: FindForCase, client_age: Age, children: Children = "",
                    accessible: Accessible = False) -> BedSearchResult:
    """Shelters that can take the client and her children in one room now: in the case's
    province first, then the neighbouring provinces; never an address."""
    party = make_party(client_age, read_children(children), accessible)
    return queries.search(uow.session, home=queries.case_home(uow.session, grant.case_id),
                          party=party)


@router.get("/contacts/{contact_id}/beds", response_model=BedSearchResult)
def search_for_contact(uow: Uow, contact_id: FindForContact, actor: Finder, client_age: Age,
                       children: Children = "", accessible: Accessible = False,
                       ) -> BedSearchResult:
    """The same search from a call on the 123 line: the contact's province first."""
    party = make_party(client_age, read_children(children), accessible)
    home = queries.contact_home(uow.session, actor=actor, contact_id=contact_id)
    return queries.search(uow.session, home=home, party=party)


@router.post("/cases/{case_id}/shelter-requests", response_model=ShelterRequestPublic,
             status_code=201)
def request_for_case(uow: Uow, grant: FindForCase,
                     body: ShelterRequestCreate) -> ShelterRequestPublic:
    """Ask a shelter the finder showed for beds for the client and her children (ages, no
    names); arrives today unless another day is given."""
    return service.request_bed(uow.session, actor=grant.actor, case_id=grant.case_id,
                               data=body, now=uow.now)


@router.post("/contacts/{contact_id}/shelter-requests", response_model=ShelterRequestPublic,
             status_code=201)
def request_for_contact(uow: Uow, contact_id: FindForContact, actor: Finder,
                        body: ShelterRequestCreate) -> ShelterRequestPublic:
    """Ask a shelter for beds from a call; the shelter accepts once the contact has a case."""
    return service.request_bed(uow.session, actor=actor, contact_id=contact_id, data=body,
                               now=uow.now)


@router.get("/cases/{case_id}/shelter-requests", response_model=list[ShelterRequestPublic])
def case_requests(uow: Uow, grant: ViewCase) -> list[ShelterRequestPublic]:
    """The case's requests to shelters, newest first."""
    return queries.requests_for_case(uow.session, case_id=grant.case_id)


@router.get("/shelter-requests", response_model=list[ShelterRequestPublic])
def shelter_requests(
    uow: Uow, actor: Annotated[Actor, Depends(require(Permission.manage_shelters))],
    shelter_id: Annotated[int, Query(ge=1, le=2**31 - 1)],
    status: Annotated[str | None, Query(pattern="^(pending|accepted|declined|withdrawn)$")]
    = "pending",
) -> list[ShelterRequestPublic]:
    """A shelter's requests (pending by default), for its manager and the province's
    supervisors."""
    return queries.requests_for_shelter(uow.session, actor=actor, shelter_id=shelter_id,
                                        status=status)


@router.post("/shelter-requests/{shelter_request_id}/accept",
             response_model=ShelterRequestPublic)
def accept(uow: Uow, shelter_request_id: Answer,
           actor: Annotated[Actor, Depends(require(Permission.manage_shelters))],
           ) -> ShelterRequestPublic:
    """Accept: a planned stay holds the beds from now. Of two accepts, one wins."""
    return service.accept(uow.session, actor=actor, request_id=shelter_request_id,
                          now=uow.now)


@router.post("/shelter-requests/{shelter_request_id}/decline",
             response_model=ShelterRequestPublic)
def decline(uow: Uow, shelter_request_id: Answer, body: DeclineBody,
            actor: Annotated[Actor, Depends(require(Permission.manage_shelters))],
            ) -> ShelterRequestPublic:
    """Decline with a reason (a note for "other")."""
    return service.decline(uow.session, actor=actor, request_id=shelter_request_id,
                           reason=body.reason, note=body.note, now=uow.now)


@router.post("/shelter-requests/{shelter_request_id}/withdraw",
             response_model=ShelterRequestPublic)
def withdraw(uow: Uow, shelter_request_id: Asker, actor: Finder) -> ShelterRequestPublic:
    """The worker who asked takes the request back while it is pending."""
    return service.withdraw(uow.session, actor=actor, request_id=shelter_request_id,
                            now=uow.now)
