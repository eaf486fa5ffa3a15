"""Demo dispatch data beyond Mazandaran's units (which ``panah.demo`` loads with their
posts): a Gilan unit and an open Gilan incident, so a Mazandaran dispatcher's board shows
what is theirs only. Loading twice changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.centres.orm import Centre
from panah.dispatch.orm import CrewMember, CrewSeat, Incident, Unit, UnitKind

GILAN = "IR-01"
RASHT = (37.2761, 49.5886)
GILAN_PLACE = "رشت، میدان شهرداری"


def load_dispatch_demo(session: Session, *, now: datetime) -> int:
    """Returns the rows added."""
    centre = session.scalar(select(Centre).where(Centre.code == "GLN-123"))
    if centre is None:
        return 0
    added = 0
    if session.scalar(select(Unit).where(Unit.call_sign == "GLN-01")) is None:
        unit = Unit(call_sign="GLN-01", kind=UnitKind.sedan.value, home_centre_id=centre.id,
                    status="available_on_move", province_code=GILAN, status_since=now)
        session.add(unit)
        session.flush()
        for seq, (role, prefer_woman) in enumerate((("social_worker", True),
                                                     ("psychologist", False))):
            session.add(CrewSeat(unit_id=unit.id, seq=seq, role=role, prefer_woman=prefer_woman))
        session.add_all([
            CrewMember(unit_id=unit.id, full_name="شیوا رحمانی", role="social_worker",
                       is_woman=True),
            CrewMember(unit_id=unit.id, full_name="پیمان گیلانی", role="psychologist",
                       is_woman=False)])
        added += 5
    if session.scalar(select(Incident).where(Incident.place == GILAN_PLACE)) is None:
        session.add(Incident(province_code=GILAN, priority="medium", state="open",
                             lat=RASHT[0], lon=RASHT[1], place=GILAN_PLACE, cautions="",
                             created_at=now - timedelta(minutes=4)))
        added += 1
    session.flush()
    return added
