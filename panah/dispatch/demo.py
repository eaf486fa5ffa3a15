"""Demo dispatch data beyond Mazandaran's units (which ``panah.demo`` loads with their
posts): a Gilan unit and an open Gilan incident, so a Mazandaran dispatcher's board shows
what is theirs only; and two Mazandaran incidents already over, for the board's closed
list and an incident page: a visit by MZN-09 yesterday with its report, and a false alarm
cancelled this morning. Loading twice changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.centres.orm import Centre
from panah.dispatch.model import IncidentState, UnitStatus
from panah.dispatch.orm import (
    Assignment,
    CrewMember,
    CrewSeat,
    Incident,
    IncidentReport,
    Unit,
    UnitKind,
    UnitStatusEvent,
)

GILAN = "IR-01"
MAZANDARAN = "IR-02"
RASHT = (37.2761, 49.5886)
GILAN_PLACE = "رشت، میدان شهرداری"
QAEM_SHAHR = (36.4700, 52.8600)
# The visit yesterday: (minutes after the call, status).
VISIT = ((2, UnitStatus.dispatched), (4, UnitStatus.en_route), (21, UnitStatus.on_scene),
         (75, UnitStatus.available_at_post))


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
    # The place is sealed (no equality in SQL): Gilan's one demo incident is found by province.
    if session.scalar(select(Incident.id).where(Incident.province_code == GILAN)) is None:
        session.add(Incident(province_code=GILAN, priority="medium", state="open",
                             lat=RASHT[0], lon=RASHT[1], place=GILAN_PLACE, cautions="",
                             created_at=now - timedelta(minutes=4)))
        added += 1
    session.flush()
    return added + _closed_incidents(session, now)


def _closed_incidents(session: Session, now: datetime) -> int:
    over = (IncidentState.closed.value, IncidentState.cancelled.value)
    if session.scalar(select(Incident.id).where(Incident.province_code == MAZANDARAN,
                                                Incident.state.in_(over))) is not None:
        return 0
    unit = session.scalar(select(Unit).where(Unit.call_sign == "MZN-09"))
    if unit is None:
        return 0
    called = now - timedelta(hours=26)
    visit = Incident(
        province_code=MAZANDARAN, priority="high", state=IncidentState.closed.value,
        lat=QAEM_SHAHR[0], lon=QAEM_SHAHR[1], place="قائم‌شهر، خیابان کارگر، کوچهٔ ۹",
        cautions="", categories="elder_abuse", caller_kind="third_party",
        summary="همسایه می‌گوید پیرزنی تنها چند روز است غذا نخورده و در را باز نمی‌کند.",
        needs_roles="", created_at=called, closed_at=called + timedelta(minutes=80))
    cancelled = Incident(
        province_code=MAZANDARAN, priority="low", state=IncidentState.cancelled.value,
        lat=36.5633, lon=53.0601, place="ساری، تماس تکراری", cautions="", needs_roles="",
        created_at=now - timedelta(hours=3), closed_at=now - timedelta(hours=3) +
        timedelta(minutes=6))
    session.add_all([visit, cancelled])
    session.flush()
    session.add(Assignment(incident_id=visit.id, unit_id=unit.id,
                           assigned_at=called + timedelta(minutes=2), estimate_minutes=14.0,
                           cleared_at=called + timedelta(minutes=75)))
    previous = None
    for minutes, status in VISIT:
        at = called + timedelta(minutes=minutes)
        session.add(UnitStatusEvent(unit_id=unit.id, incident_id=visit.id, status=status.value,
                                    previous=previous, at=at, received_at=at, source="field"))
        previous = status.value
    session.add(IncidentReport(
        incident_id=visit.id, unit_id=unit.id, client_id="demo-visit-mzn09",
        written_at=called + timedelta(minutes=70), received_at=called + timedelta(minutes=70),
        outcome="resolved_on_scene", people_seen=1,
        text="با کمک همسایه در باز شد؛ خانم کم‌آب بود، غذا خورد و دخترش از بابل آمد. "
             "پیگیری مددکار فردا."))
    session.flush()
    return 2 + 1 + len(VISIT) + 1
