"""Clients, duplicates and merges (issue 16): read side."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.cases.clients.orm import ClientMerge
from panah.cases.clients.schemas import ClientProfile, DuplicatePublic, MergePublic
from panah.cases.clients.service import (
    duplicate_matches,
    duplicates,
    merge_public,
    merges_of,
    read_client,
)
from panah.cases.orm import Case
from panah.cases.thread.items import TimelineItem
from panah.security.access import users_of
from panah.security.policy import Actor


@dataclass(frozen=True, slots=True)
class ClientPanel:
    """The client on the case page: identity and how many possible duplicates."""

    client: ClientProfile
    duplicate_count: int


@dataclass(frozen=True, slots=True)
class ClientPage:
    """The client page: the profile, the possible duplicates, the merges."""

    client: ClientProfile
    duplicates: list[DuplicatePublic]
    merges: list[MergePublic]


def case_panel(session: Session, *, actor: Actor, case_id: int, now: datetime,
               ) -> ClientPanel | None:
    """What this part shows on the case page; None shows nothing."""
    case = session.get(Case, case_id)
    if case is None or case.client.erased_at is not None:
        return None
    profile = read_client(session, actor=actor, client_id=case.client_id, now=now)
    return ClientPanel(profile, len(duplicate_matches(session, case.client_id)))


def client_page(session: Session, *, actor: Actor, client_id: int, now: datetime,
                ) -> ClientPage:
    return ClientPage(
        client=read_client(session, actor=actor, client_id=client_id, now=now),
        duplicates=duplicates(session, actor=actor, client_id=client_id, now=now),
        merges=[merge_public(m) for m in merges_of(session, client_id)])


def timeline_items(session: Session, *, actor: Actor, case_id: int,
                   now: datetime) -> list[TimelineItem]:
    """The case's client merged into another record, or the merge undone."""
    merges = [m for m in session.scalars(select(ClientMerge).where(
        ClientMerge.moved_case_ids.contains(str(case_id))).order_by(ClientMerge.id))
              if case_id in m.case_ids]
    users = users_of(session, {u for m in merges for u in (m.by, m.undone_by) if u})
    items = []
    for m in merges:
        facts = (("clients.merged_client", str(m.merged_id)),
                 ("clients.surviving_client", str(m.survivor_id)))
        by = users[m.by].full_name if m.by in users else None
        items.append(TimelineItem(at=m.at, kind="client", label_key="clients.timeline_merged",
                                  text=m.reason, actor=by, facts=facts,
                                  link=f"/clients/{m.survivor_id}"))
        if m.undone_at is not None:
            undone_by = users[m.undone_by].full_name if m.undone_by in users else None
            items.append(TimelineItem(at=m.undone_at, kind="client",
                                      label_key="clients.timeline_unmerged",
                                      text=m.undo_reason or "", actor=undone_by, facts=facts,
                                      link=f"/clients/{m.merged_id}"))
    return items
