"""Demo data of this part (issue 17): one request waiting at the Sari shelter, so its
manager's board shows one. Loaded once by ``panah.cases.demo``, after the shelters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panah.cases.flags.model import iran_day
from panah.cases.model import CaseCategory
from panah.cases.orm import Case
from panah.centres.beds.model import Party
from panah.centres.orm import Centre
from panah.centres.shelters.model import RequestStatus
from panah.centres.shelters.orm import Shelter, ShelterRequest
from panah.security.orm import User

DEMO_NOTE = "همسر او را تهدید کرده است؛ تا فردا جایی برای ماندن ندارد."


def load_demo(session: Session, *, now: datetime) -> int:
    """Load this part's demo rows once; a second load changes nothing. Returns rows made."""
    if session.scalar(select(func.count()).select_from(ShelterRequest)):
        return 0
    shelter = session.scalar(select(Shelter).join(Centre, Centre.id == Shelter.centre_id)
                             .where(Centre.code == "MZN-CIC-SARI"))
    case = session.scalar(select(Case).where(
        Case.category == CaseCategory.sexual_abuse.value, Case.province_code == "IR-02")
        .order_by(Case.id))
    asker = session.scalar(select(User).where(User.username == "social_worker"))
    if shelter is None or case is None or asker is None:
        return 0
    session.add(ShelterRequest(
        shelter_id=shelter.id, case_id=case.id, from_province=case.province_code,
        people=Party(client_age=24).as_json(), arrives_on=iran_day(now)[0], note=DEMO_NOTE,
        status=RequestStatus.pending.value, requested_by=asker.id, requested_at=now))
    session.flush()
    return 1
