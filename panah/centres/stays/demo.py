"""Demo stays (invented, issue 17), after the demo shelters: in the Sari shelter two women
are in (one near the end of her stay, one with her little son), and one woman is planned
to arrive today. Each came to the Sari crisis centre herself: the shelter's manager opened
her case (woman at risk). Room 2 (woman with children) keeps free beds, a normal one and a
child's, for the journey of a woman and her child."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panah.cases.model import CaseCategory
from panah.cases.schemas import CaseCreate
from panah.cases.service import open_case
from panah.centres.shelters.model import Person, Relation
from panah.centres.shelters.orm import Shelter, ShelterStay
from panah.centres.stays import model, service
from panah.security.orm import User
from panah.security.sessions import actor_of

# (client name, phone, first note, days since the case opened, days since she came (None:
# arrives today), the people: (relation, age, sex))
DEMO_STAYS: tuple[tuple[str, str, str, int, int | None,
                        tuple[tuple[Relation, int, str], ...]], ...] = (
    ("مریم احمدی", "09113456789", "خشونت همسر؛ پذیرش در خانهٔ امن ساری.", 86, 84,
     ((Relation.client, 29, "f"),)),
    ("زهرا نوری", "09114567890", "همسر تهدید کرده است؛ همراه پسر چهارساله.", 22, 20,
     ((Relation.client, 33, "f"), (Relation.child, 4, "m"))),
    ("فاطمه قاسمی", "09115678901", "نیاز به اسکان موقت؛ ورود امروز برنامه‌ریزی شد.", 1, None,
     ((Relation.client, 41, "f"),)),
)


def load_demo(session: Session, *, now: datetime) -> int:
    """Make the demo stays once (none without the Sari shelter). Returns stays made."""
    if session.scalar(select(func.count()).select_from(ShelterStay)):
        return 0
    sari = session.scalar(select(Shelter).where(Shelter.name_en == "Sari shelter"))
    users = {u.username: u for u in session.scalars(select(User))}
    if sari is None or "shelter_manager" not in users:
        return 0
    manager = actor_of(users["shelter_manager"])
    for name, phone, note, opened_days, came_days, party in DEMO_STAYS:
        case = open_case(session, actor=manager, now=now - timedelta(days=opened_days),
                         data=CaseCreate(client_name=name, phone=phone, gender="female",
                                         category=CaseCategory.woman_at_risk,
                                         first_note=note))
        # A resident's case is led by the shelter and in touch every day: no flags.
        case.lead_user_id = manager.user_id
        case.last_contact_at = now - timedelta(hours=20)
        people = [Person(relation, age, False, sex) for relation, age, sex in party]
        came = now - timedelta(days=came_days or 0)
        stay_id = service.plan_stay(
            session, actor=manager, shelter_id=sari.id, case_id=case.id, people=people,
            arrives_on=model.iran_day(came), now=came - timedelta(hours=2),
            names=[name] + [None] * (len(people) - 1))
        if came_days is not None:
            service.check_in(session, actor=manager, stay_id=stay_id, now=came)
    session.flush()
    return len(DEMO_STAYS)
