"""The case file's work as pure rules: status, plan, closure, GBV, notes by discipline.

No database, no web, no settings: the facts and ``now`` are passed in. The service reads
the rows, asks these functions, and writes what they answer.

**Status** moves open → assessment → plan → services → closure_requested → closed, one step
at a time (:func:`check_step`). Closure is asked for by the team with an outcome
(:func:`check_closure`) and decided by a supervisor: approved (closed) or sent back to
services with a reason. A case may be closed early (a client who withdrew or cannot be
reached): closure may be requested from any open status, never with services still open
or without an outcome, and a GBV case never without its GBVIMS type.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum

from panah.cases.model import CaseStatus
from panah.core.errors import Conflict, InvalidInput

# Iran has kept +03:30 all year since 2022: a goal's due day ends at Tehran's midnight.
TEHRAN = timezone(timedelta(hours=3, minutes=30))
PLAN_GRACE = timedelta(days=7)  # a case has a week to get its plan approved


Status = CaseStatus  # the case's status, as this part names it
ORDER = tuple(Status)
BEFORE_SERVICES = frozenset({Status.open, Status.assessment, Status.plan})
ACTIVE = frozenset(ORDER) - {Status.closure_requested, Status.closed}


class Discipline(StrEnum):
    """A team member's discipline on a case (their role when added, unless told)."""

    social_worker = "social_worker"
    psychologist = "psychologist"
    psychiatrist = "psychiatrist"
    legal_adviser = "legal_adviser"
    counsellor = "counsellor"
    field_crew = "field_crew"
    shelter_manager = "shelter_manager"
    community_worker = "community_worker"


class ServiceKind(StrEnum):
    counselling_session = "counselling_session"
    psychiatric_visit = "psychiatric_visit"
    legal_advice = "legal_advice"
    shelter_stay = "shelter_stay"
    referral = "referral"  # records that one was made; the referral itself is elsewhere


class Outcome(StrEnum):
    goals_met = "goals_met"
    referred_on = "referred_on"
    transferred = "transferred"
    client_withdrew = "client_withdrew"
    unreachable = "unreachable"
    moved_away = "moved_away"
    deceased = "deceased"
    other = "other"


class PlanState(StrEnum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    returned = "returned"


class GbvType(StrEnum):
    """The six GBVIMS incident types (Gender-Based Violence Information Management System,
    classification tool, 2010): each incident takes exactly one, the first that fits in
    this order."""

    rape = "rape"
    sexual_assault = "sexual_assault"
    physical_assault = "physical_assault"
    forced_marriage = "forced_marriage"
    denial_of_resources = "denial_of_resources"
    psychological_abuse = "psychological_abuse"


GBV_LABELS: dict[GbvType, tuple[str, str]] = {  # Persian, English
    GbvType.rape: ("تجاوز جنسی", "Rape"),
    GbvType.sexual_assault: ("تعرض جنسی", "Sexual assault"),
    GbvType.physical_assault: ("ضرب و جرح", "Physical assault"),
    GbvType.forced_marriage: ("ازدواج اجباری", "Forced marriage"),
    GbvType.denial_of_resources: ("محرومیت از منابع، فرصت‌ها یا خدمات",
                                  "Denial of resources, opportunities or services"),
    GbvType.psychological_abuse: ("آزار روانی و عاطفی", "Psychological / emotional abuse"),
}

# Case types (triage taxonomy codes) whose incidents are classified with GBVIMS.
GBV_TYPES = frozenset({"spouse_abuse", "sexual_abuse", "woman_at_risk"})

# Who reads a service's notes besides their author (supervisors always do). A psychiatric
# visit's notes are clinical: the psychiatrist and the psychologist only. None: the team.
NOTE_READERS: dict[ServiceKind, frozenset[str] | None] = {
    ServiceKind.psychiatric_visit: frozenset({"psychiatrist", "psychologist"}),
    ServiceKind.counselling_session: frozenset(
        {"psychologist", "psychiatrist", "counsellor", "social_worker"}),
    ServiceKind.legal_advice: frozenset({"legal_adviser", "social_worker"}),
    ServiceKind.shelter_stay: None,
    ServiceKind.referral: None,
}
SUPERVISING = frozenset({"supervisor", "provincial_manager"})


def gbv_applies(types: Iterable[str]) -> bool:
    """Whether a case of these types is classified with a GBVIMS incident type."""
    return any(t in GBV_TYPES for t in types)


def check_gbv(types: Iterable[str], gbv_type: str | None) -> GbvType | None:
    """The GBV type to store: refused when unknown, or given for a case that is not GBV."""
    if gbv_type is None:
        return None
    if gbv_type not in {g.value for g in GbvType}:
        raise InvalidInput(
            f"Unknown GBV type {gbv_type!r}: choose one of the six GBVIMS incident types.",
            f"نوع خشونت «{gbv_type}» شناخته نیست: یکی از شش نوع GBVIMS را برگزینید.",
            field="gbv_type")
    if not gbv_applies(types):
        raise InvalidInput(
            "A GBV type is recorded only for spouse abuse, sexual abuse or woman-at-risk "
            "cases; add that case type first, or leave the GBV type empty.",
            "نوع خشونت جنسیتی فقط برای پرونده‌های همسرآزاری، آزار جنسی یا زنان در معرض آسیب "
            "ثبت می‌شود؛ نخست آن نوع را به پرونده بیفزایید یا نوع خشونت را خالی بگذارید.",
            field="gbv_type")
    return GbvType(gbv_type)


def may_read_note(role: str, kind: ServiceKind, *, is_author: bool) -> bool:
    """Notes by discipline: who of the case's readers reads a service's notes."""
    readers = NOTE_READERS[kind]
    return is_author or role in SUPERVISING or readers is None or role in readers


def next_step(status: Status) -> Status | None:
    """The team's next step from ``status`` (closure has its own request and approval)."""
    return {Status.open: Status.assessment, Status.assessment: Status.plan,
            Status.plan: Status.services}.get(status)


def check_step(current: Status, target: Status, *, plan_approved: bool) -> None:
    """A step forward by the team: one at a time, and into services only with an approved
    plan."""
    if next_step(current) is not target:
        wanted = next_step(current)
        raise InvalidInput(
            f"A case in {current.value} moves next to "
            f"{wanted.value if wanted else 'nothing by this step'}, not {target.value}; "
            "closure is requested and approved on its own.",
            f"پرونده در وضعیت «{current.value}» فقط به "
            f"«{wanted.value if wanted else '—'}» می‌رود، نه «{target.value}»؛ بستن پرونده "
            "درخواست و تأیید جداگانه دارد.", field="status")
    if target is Status.services and not plan_approved:
        raise InvalidInput(
            "Services begin once the plan is approved: submit the plan for the supervisor's "
            "approval first.",
            "خدمات پس از تأیید برنامه آغاز می‌شود: نخست برنامه را برای تأیید سرپرست بفرستید.",
            field="status")


@dataclass(frozen=True, slots=True)
class ClosureFacts:
    status: Status
    outcome: str | None
    open_services: int
    types: tuple[str, ...]
    gbv_type: str | None


def check_closure(facts: ClosureFacts, *, approving: bool) -> Outcome:
    """The outcome the case closes with, or the rule that refuses it: requested from an
    open status, approved only when requested; never with services open, without an
    outcome, or (a GBV case) without its GBVIMS type."""
    if approving and facts.status is not Status.closure_requested:
        raise Conflict("Closure was not requested for this case (or was already decided); "
                       "reload the page.",
                       "برای این پرونده درخواست بستن نیست یا پیش‌تر تصمیم گرفته شده؛ صفحه را "
                       "تازه کنید.", status=facts.status.value)
    if not approving and facts.status not in ACTIVE:
        raise Conflict("Closure is already requested, or the case is closed.",
                       "درخواست بستن پیش‌تر ثبت شده یا پرونده بسته است.",
                       status=facts.status.value)
    if facts.outcome not in {o.value for o in Outcome}:
        raise InvalidInput(
            "A case closes with an outcome: choose one (goals met, referred on, transferred, "
            "client withdrew, unreachable, moved away, deceased, other).",
            "پرونده با یک نتیجه بسته می‌شود: نتیجه را برگزینید (دستیابی به اهداف، ارجاع، "
            "انتقال، انصراف مددجو، عدم دسترسی، جابه‌جایی، فوت، سایر).", field="outcome")
    if facts.open_services:
        raise InvalidInput(
            f"{facts.open_services} service(s) of this case are still open: close each "
            "service before closing the case.",
            f"{facts.open_services} خدمت این پرونده هنوز باز است: پیش از بستن پرونده هر خدمت "
            "را ببندید.", field="services", open_services=facts.open_services)
    if gbv_applies(facts.types) and not facts.gbv_type:
        raise InvalidInput(
            "This is a gender-based violence case: record its GBVIMS incident type before "
            "closing it.",
            "این پرونده خشونت جنسیتی است: پیش از بستن، نوع رخداد را طبق GBVIMS ثبت کنید.",
            field="gbv_type")
    return Outcome(str(facts.outcome))


def check_send_back(status: Status, reason: str) -> None:
    """A closure request sent back to services, with the reason."""
    if status is not Status.closure_requested:
        raise Conflict("Only a case whose closure is requested can be sent back to services.",
                       "فقط پرونده‌ای که درخواست بستن دارد به خدمات بازگردانده می‌شود.",
                       status=status.value)
    if not reason.strip():
        raise InvalidInput("Say why the case goes back to services.",
                           "بنویسید چرا پرونده به مرحلهٔ خدمات بازمی‌گردد.", field="reason")


# ---- the plan ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Goal:
    due_on: date
    done_at: datetime | None = None


def check_goal_added(state: PlanState | None, case_status: Status) -> PlanState:
    """The plan's state once a goal is added: a submitted plan waits for its decision; a
    returned or approved plan goes back to draft (to be submitted again)."""
    if case_status not in ACTIVE:
        raise Conflict("The case is closing or closed: its plan no longer changes.",
                       "پرونده در حال بسته شدن یا بسته است: برنامهٔ آن دیگر تغییر نمی‌کند.")
    if state is PlanState.submitted:
        raise Conflict("The plan is waiting for the supervisor's decision: add goals once "
                       "it is approved or returned.",
                       "برنامه در انتظار تصمیم سرپرست است: پس از تأیید یا بازگشت، هدف "
                       "بیفزایید.")
    return PlanState.draft


def check_submit(state: PlanState | None, goals: int, case_status: Status) -> None:
    if case_status not in ACTIVE:
        raise Conflict("The case is closing or closed: its plan is no longer submitted.",
                       "پرونده در حال بسته شدن یا بسته است: برنامه دیگر فرستاده نمی‌شود.")
    if goals == 0:
        raise InvalidInput(
            "A plan without goals cannot be submitted: add at least one goal with its due "
            "date.",
            "برنامهٔ بدون هدف فرستاده نمی‌شود: دست‌کم یک هدف با موعد آن بیفزایید.",
            field="goals")
    if state in (PlanState.submitted, PlanState.approved):
        raise Conflict(f"The plan is already {state.value}.",
                       f"برنامه پیش‌تر «{state.value}» شده است.", state=state.value)


def check_decision(state: PlanState | None, *, approve: bool, reason: str = "") -> PlanState:
    """A supervisor's decision on a submitted plan: approved, or returned with a reason."""
    if state is not PlanState.submitted:
        raise Conflict("There is no plan waiting for approval (it may have just been "
                       "decided); reload the page.",
                       "برنامه‌ای در انتظار تأیید نیست (شاید همین حالا تصمیم گرفته شده)؛ صفحه "
                       "را تازه کنید.")
    if not approve and not reason.strip():
        raise InvalidInput("Say why the plan goes back, so the team knows what to change.",
                           "بنویسید چرا برنامه بازگردانده می‌شود تا تیم بداند چه را تغییر دهد.",
                           field="reason")
    return PlanState.approved if approve else PlanState.returned


def tehran_day(moment: datetime) -> date:
    return moment.astimezone(TEHRAN).date()


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in Tehran."""
    return datetime(day.year, day.month, day.day, tzinfo=TEHRAN)


def goal_overdue(goal: Goal, now: datetime) -> bool:
    """Past its due day (in Tehran) and not done."""
    return goal.done_at is None and goal.due_on < tehran_day(now)


def plan_overdue(*, opened_at: datetime, status: Status, plan_state: PlanState | None,
                 goals: Iterable[Goal], now: datetime) -> bool:
    """"Plan overdue": no approved plan a week after opening (before services), or an
    approved plan with a goal past its due day not done."""
    if status is Status.closed:
        return False
    if plan_state is PlanState.approved:
        return any(goal_overdue(g, now) for g in goals)
    return status in BEFORE_SERVICES and now >= opened_at + PLAN_GRACE


def check_due(due_on: date, now: datetime) -> date:
    if due_on < tehran_day(now):
        raise InvalidInput("A goal's due date cannot be in the past: choose today or later.",
                           "موعد هدف نمی‌تواند گذشته باشد: امروز یا روزی پس از آن را برگزینید.",
                           field="due_on")
    return due_on


# ---- the psychosocial assessment ---------------------------------------------------------

PSYCHOSOCIAL_TEXTS = ("presenting_problem", "strengths", "needs")
PSYCHOSOCIAL_RATINGS = ("safety", "family_support", "social_support", "health",
                        "housing_income")  # 0 no concern … 3 severe concern


def psychosocial_concern(ratings: dict[str, int]) -> int:
    """The form's highest concern (0–3): what the panel shows at a glance."""
    return max((ratings.get(name, 0) for name in PSYCHOSOCIAL_RATINGS), default=0)
