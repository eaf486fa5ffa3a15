"""Demo work on the demo cases (invented), through the same use cases as the pages.

Mazandaran's spouse-abuse case: a psychosocial assessment, a plan of two goals
approved by the supervisor, a counselling session with its note, its GBVIMS type. The
child-abuse case: an assessment and a draft goal, its plan not yet submitted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.cases.orm import Case
from panah.cases.workflow import service
from panah.cases.workflow.model import tehran_day
from panah.cases.workflow.orm import CaseStatusEvent
from panah.cases.workflow.schemas import (
    AssessmentCreate,
    GoalCreate,
    PsychosocialForm,
    ServiceCreate,
    WorkUpdate,
)
from panah.security.orm import User
from panah.security.policy import Actor
from panah.security.sessions import actor_of


def _case(session: Session, category: str) -> Case | None:
    return session.scalar(select(Case).where(Case.category == category,
                                             Case.province_code == "IR-02"))


def load_demo(session: Session, *, now: datetime) -> int:
    """Put the demo cases' work in place once; returns the cases touched."""
    if session.scalar(select(CaseStatusEvent.id).limit(1)) is not None:
        return 0
    users = {u.username: u for u in session.scalars(select(User))}
    if not {"social_worker", "psychologist", "supervisor"} <= set(users):
        return 0
    worker, psychologist = actor_of(users["social_worker"]), actor_of(users["psychologist"])
    supervisor = actor_of(users["supervisor"])
    touched = 0
    spouse = _case(session, "spouse_abuse")
    if spouse is not None:
        _spouse_case(session, spouse.id, worker, psychologist, supervisor, now)
        touched += 1
    child = _case(session, "child_abuse")
    if child is not None:
        at = now - timedelta(hours=30)
        service.record_assessment(session, actor=worker, case_id=child.id, now=at,
                                  data=AssessmentCreate(kind="psychosocial", form=PsychosocialForm(
                                      presenting_problem="کبودی روی دست‌ها؛ ترس از پدر",
                                      safety=2, family_support=1, social_support=1, health=1,
                                      strengths="مادربزرگ حامی در همان محله")))
        service.add_goal(session, actor=worker, case_id=child.id, now=at, data=GoalCreate(
            text="دیدار خانگی با حضور مادربزرگ", due_on=_day(at, 5),
            owner_discipline="social_worker"))
        touched += 1
    return touched


def _day(at: datetime, days: int) -> str:
    return (tehran_day(at) + timedelta(days=days)).isoformat()


def _spouse_case(session: Session, case_id: int, worker: Actor, psychologist: Actor,
                 supervisor: Actor, now: datetime) -> None:
    at = now - timedelta(hours=18)
    # No lead named: the demo keeps its cases unassigned for the flags to show.
    service.update_work(session, actor=worker, case_id=case_id, now=at, data=WorkUpdate(
        types=["woman_at_risk"], risk="high", gbv_type="physical_assault"))  # type: ignore[arg-type]
    service.record_assessment(session, actor=worker, case_id=case_id, now=at,
                              data=AssessmentCreate(kind="psychosocial", form=PsychosocialForm(
                                  presenting_problem="ضرب و جرح از سوی همسر در سفر نوروزی",
                                  safety=3, family_support=2, social_support=1, health=1,
                                  housing_income=2, strengths="خواهر در تهران پناه می‌دهد",
                                  needs="جای امن، مشاورهٔ حقوقی")))
    at = now - timedelta(hours=16)
    service.add_goal(session, actor=worker, case_id=case_id, now=at, data=GoalCreate(
        text="برنامهٔ ایمنی با مددجو و تماس با خواهرش", due_on=_day(at, 2),
        owner_discipline="social_worker", owner_user_id=worker.user_id))
    service.add_goal(session, actor=worker, case_id=case_id, now=at, data=GoalCreate(
        text="سه جلسهٔ مشاورهٔ روان‌شناختی", due_on=_day(at, 14),
        owner_discipline="psychologist", owner_user_id=psychologist.user_id))
    service.submit_plan(session, actor=worker, case_id=case_id, now=at)
    service.decide_plan(session, actor=supervisor, case_id=case_id, approve=True,
                        now=now - timedelta(hours=12))
    service.deliver_service(session, actor=psychologist, case_id=case_id,
                            now=now - timedelta(hours=6), data=ServiceCreate(
                                kind="counselling_session",
                                note="جلسهٔ نخست: مددجو آرام‌تر است و برنامهٔ ایمنی را پذیرفت."))
