"""Demo case files (invented people): enough to show need-to-know, grants and break-glass."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panah.cases.clients.demo import load_demo as load_clients_demo
from panah.cases.flags.demo import load_demo as load_flags_demo
from panah.cases.model import CaseCategory
from panah.cases.schemas import CaseCreate
from panah.cases.service import open_case
from panah.cases.thread.demo import load_demo as load_thread_demo
from panah.cases.transfers.demo import load_demo as load_transfers_demo
from panah.cases.workflow.demo import load_demo as load_workflow_demo
from panah.centres.appointments.demo import load_demo as load_appointments_demo
from panah.centres.beds.demo import load_demo as load_beds_demo
from panah.centres.community.demo import load_demo as load_community_demo
from panah.centres.shelters.demo import load_demo as load_shelters_demo
from panah.centres.stays.demo import load_demo as load_stays_demo
from panah.security.access import grant_category
from panah.security.orm import User
from panah.security.sessions import actor_of

# (opened by, other team members, category, client name, phone, first note, hours ago)
DEMO_CASES: tuple[tuple[str, tuple[str, ...], CaseCategory, str, str, str, int], ...] = (
    ("social_worker", ("psychologist", "field_crew"), CaseCategory.spouse_abuse,
     "سارا محمدی", "09111234567",
     "مسافر تهرانی در ویلای اجاره‌ای چالوس؛ همسر خشن؛ دو فرزند همراه. تیم سیار اعزام شد.", 20),
    ("counsellor", ("social_worker",), CaseCategory.child_abuse,
     "علی رضایی", "09121112233", "گزارش همسایه دربارهٔ کودک هشت‌ساله در بابل.", 44),
    ("psychologist", ("social_worker",), CaseCategory.sexual_abuse,
     "نرگس کریمی", "09131234567", "پروندهٔ محدود: فقط با مجوز.", 70),
    ("counsellor_gilan", (), CaseCategory.suicide_attempt,
     "مهدی حسینی", "09112223344", "پیگیری تلفنی فردا ساعت ۱۰.", 30),
)


def load_demo_cases(session: Session, *, now: datetime) -> int:
    """Open the demo cases once; a second load changes nothing. Returns cases opened."""
    from panah.cases.orm import Case

    if session.scalar(select(func.count()).select_from(Case)):
        return 0
    users = {u.username: u for u in session.scalars(select(User))}
    manager = actor_of(users["provincial_manager"])
    grant_category(session, actor=manager, user_id=users["psychologist"].id,
                   category="sexual_abuse", now=now)
    for opener, team, category, name, phone, note, hours in DEMO_CASES:
        actor = actor_of(users[opener])
        open_case(session, actor=actor, now=now - timedelta(hours=hours), data=CaseCreate(
            client_name=name, phone=phone, category=category, first_note=note,
            team_user_ids=[users[u].id for u in team]))
    load_clients_demo(session, now=now)
    load_appointments_demo(session, now=now)
    load_thread_demo(session, now=now)
    load_transfers_demo(session, now=now)
    load_workflow_demo(session, now=now)
    # issue 17: shelters (rooms and beds) before their stays and the requests for beds
    load_shelters_demo(session, now=now)
    load_stays_demo(session, now=now)
    load_beds_demo(session, now=now)
    load_community_demo(session, now=now)
    load_flags_demo(session, now=now)  # last: the flags of the cases as loaded
    return len(DEMO_CASES)
