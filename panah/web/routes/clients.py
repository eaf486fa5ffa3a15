"""Clients API: the profile and its update, possible duplicates, merge and undo.

A client is reached through its cases (``panah.web.access.client_access``); every read of
a client is audited.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from panah.cases.clients import service
from panah.cases.clients.schemas import (
    ClientProfile,
    ClientUpdate,
    DuplicatePublic,
    MergeCreate,
    MergePublic,
    MergeUndo,
)
from panah.security.policy import Actor
from panah.security.roles import Permission
from panah.web.access import client_access, client_merge_access
from panah.web.deps import Uow, require

router = APIRouter(prefix="/api", tags=["clients"])
Creator = Annotated[Actor, Depends(require(Permission.create_case))]


@router.get("/clients/{client_id}", response_model=ClientProfile)
def read_client(
    uow: Uow, client_id: Annotated[int, Depends(client_access(Permission.view_case))],
    actor: Annotated[Actor, Depends(require(Permission.view_case))],
) -> ClientProfile:
    """The client's identity (decrypted; the read is audited)."""
    return service.read_client(uow.session, actor=actor, client_id=client_id, now=uow.now)


@router.patch("/clients/{client_id}", response_model=ClientProfile)
def update_client(
    uow: Uow, body: ClientUpdate,
    client_id: Annotated[int, Depends(client_access(Permission.edit_case))],
    actor: Annotated[Actor, Depends(require(Permission.edit_case))],
) -> ClientProfile:
    """Replace the client's identity: national code (or why there is none), Jalali birth
    date, phones, gender, disability, nationality, languages."""
    return service.update_client(uow.session, actor=actor, client_id=client_id, data=body,
                                 now=uow.now)


@router.get("/clients/{client_id}/duplicates", response_model=list[DuplicatePublic])
def client_duplicates(
    uow: Uow, client_id: Annotated[int, Depends(client_access(Permission.view_case))],
    actor: Annotated[Actor, Depends(require(Permission.view_case))],
) -> list[DuplicatePublic]:
    """Possible duplicates, surest first; names only of clients you may reach."""
    return service.duplicates(uow.session, actor=actor, client_id=client_id, now=uow.now)


@router.post("/clients/{client_id}/merge", response_model=MergePublic, status_code=201)
def merge_client(
    uow: Uow, body: MergeCreate,
    client_id: Annotated[int, Depends(client_access(Permission.create_case))],
    actor: Creator,
) -> MergePublic:
    """Merge the other client into this one with a reason: its cases move here (undoable)."""
    return service.merge_clients(uow.session, actor=actor, survivor_id=client_id,
                                 merged_id=body.other_client_id, reason=body.reason,
                                 now=uow.now)


@router.post("/client-merges/{merge_id}/undo", response_model=MergePublic)
def undo_merge(
    uow: Uow, body: MergeUndo,
    merge_id: Annotated[int, Depends(client_merge_access(Permission.create_case))],
    actor: Creator,
) -> MergePublic:
    """Undo a merge exactly: the moved cases go back, the merged client is itself again."""
    return service.undo_merge(uow.session, actor=actor, merge_id=merge_id, reason=body.reason,
                              now=uow.now)
