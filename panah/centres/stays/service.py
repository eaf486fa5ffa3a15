"""Stays in a shelter (issue 17): use cases inside the caller's unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.orm import Session

from panah.centres.shelters.model import Person
from panah.security.policy import Actor


def plan_stay(session: Session, *, actor: Actor, shelter_id: int, case_id: int,
              people: Sequence[Person], arrives_on: date, now: datetime,
              request_id: int | None = None, bed_ids: Sequence[int] | None = None,
              names: Sequence[str | None] | None = None) -> int:
    """A planned stay for ``people`` (the client first, then her children) at the shelter,
    holding one bed each from now: ``bed_ids`` in the order of ``people``, or chosen by
    ``shelters.model.assign_beds`` from the free beds. Refuses a bed that is held
    (``Conflict``) or unsuitable (``InvalidInput`` naming the rule). Returns the stay's id.
    Checks nothing about who may do it: the caller did."""
    raise NotImplementedError("issue 17: stays")
