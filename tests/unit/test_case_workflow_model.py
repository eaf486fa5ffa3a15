"""The case file's work as pure rules, with ``now`` passed in: the status machine, the
plan's approval, closure, the GBV rule, notes by discipline and "plan overdue".

Sara's spouse-abuse case in Chalus was opened on the second day of Nowruz 1405."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from panah.cases.workflow.model import (
    ClosureFacts,
    GbvType,
    Goal,
    Outcome,
    PlanState,
    ServiceKind,
    Status,
    check_closure,
    check_decision,
    check_due,
    check_gbv,
    check_goal_added,
    check_send_back,
    check_step,
    check_submit,
    gbv_applies,
    goal_overdue,
    may_read_note,
    next_step,
    plan_overdue,
    psychosocial_concern,
)
from panah.core.errors import Conflict, InvalidInput

OPENED = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)  # 1405-01-02 10:00 Tehran


def facts(**changes: object) -> ClosureFacts:
    base = {"status": Status.services, "outcome": "goals_met", "open_services": 0,
            "types": ("spouse_abuse",), "gbv_type": "physical_assault"}
    return ClosureFacts(**{**base, **changes})  # type: ignore[arg-type]


# ---- status ------------------------------------------------------------------------------


def test_the_team_moves_sara_case_one_step_at_a_time() -> None:
    assert [next_step(s) for s in Status] == [
        Status.assessment, Status.plan, Status.services, None, None, None]
    check_step(Status.open, Status.assessment, plan_approved=False)
    with pytest.raises(InvalidInput) as skipped:
        check_step(Status.open, Status.plan, plan_approved=False)
    assert skipped.value.details == {"field": "status"}


def test_services_begin_only_once_the_supervisor_approved_the_plan() -> None:
    with pytest.raises(InvalidInput, match="plan is approved"):
        check_step(Status.plan, Status.services, plan_approved=False)
    check_step(Status.plan, Status.services, plan_approved=True)


def test_closure_and_closed_are_never_a_team_step() -> None:
    for target in (Status.closure_requested, Status.closed):
        with pytest.raises(InvalidInput):
            check_step(Status.services, target, plan_approved=True)


# ---- closure -----------------------------------------------------------------------------


def test_sara_case_closes_with_its_outcome_once_requested() -> None:
    assert check_closure(facts(), approving=False) is Outcome.goals_met
    assert check_closure(facts(status=Status.closure_requested), approving=True) is (
        Outcome.goals_met)


def test_a_case_may_be_closed_early_when_the_client_withdraws() -> None:
    early = facts(status=Status.open, outcome="client_withdrew")
    assert check_closure(early, approving=False) is Outcome.client_withdrew


def test_closing_without_an_outcome_is_refused_naming_the_rule() -> None:
    for outcome in (None, "", "happy"):
        with pytest.raises(InvalidInput) as refused:
            check_closure(facts(outcome=outcome), approving=False)
        assert refused.value.details == {"field": "outcome"}
        assert "outcome" in refused.value.message_en and "نتیجه" in refused.value.message_fa


def test_closing_with_services_still_open_is_refused_at_request_and_at_approval() -> None:
    for status, approving in ((Status.services, False), (Status.closure_requested, True)):
        with pytest.raises(InvalidInput) as refused:
            check_closure(facts(status=status, open_services=2), approving=approving)
        assert refused.value.details["open_services"] == 2


def test_a_supervisor_approves_only_a_requested_closure_once() -> None:
    for status in (Status.services, Status.closed):
        with pytest.raises(Conflict):
            check_closure(facts(status=status), approving=True)
    with pytest.raises(Conflict):
        check_closure(facts(status=Status.closure_requested), approving=False)


def test_a_closure_request_goes_back_to_services_only_with_a_reason() -> None:
    with pytest.raises(InvalidInput):
        check_send_back(Status.closure_requested, "  ")
    with pytest.raises(Conflict):
        check_send_back(Status.services, "She called again")
    check_send_back(Status.closure_requested, "She called again")


# ---- GBV ---------------------------------------------------------------------------------


def test_gbv_classification_applies_to_spouse_sexual_abuse_and_women_at_risk() -> None:
    assert gbv_applies(["spouse_abuse"]) and gbv_applies(["sexual_abuse"])
    assert gbv_applies(["family_conflict", "woman_at_risk"])
    assert not gbv_applies(["child_abuse", "runaway"])
    assert len(GbvType) == 6


def test_a_gbv_type_is_refused_for_a_child_abuse_case_and_an_unknown_type() -> None:
    with pytest.raises(InvalidInput, match="spouse abuse, sexual abuse"):
        check_gbv(["child_abuse"], "physical_assault")
    with pytest.raises(InvalidInput, match="GBVIMS"):
        check_gbv(["spouse_abuse"], "beating")
    assert check_gbv(["spouse_abuse"], "forced_marriage") is GbvType.forced_marriage
    assert check_gbv(["child_abuse"], None) is None


def test_a_gbv_case_closes_only_with_its_gbvims_type() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_closure(facts(gbv_type=None), approving=False)
    assert refused.value.details == {"field": "gbv_type"}
    check_closure(facts(types=("family_conflict",), gbv_type=None), approving=False)


# ---- the plan ----------------------------------------------------------------------------


def test_a_plan_without_goals_is_not_submitted() -> None:
    with pytest.raises(InvalidInput, match="without goals") as refused:
        check_submit(None, 0, Status.assessment)
    assert refused.value.details == {"field": "goals"}
    check_submit(PlanState.draft, 1, Status.assessment)
    with pytest.raises(Conflict):
        check_submit(PlanState.submitted, 1, Status.plan)


def test_the_supervisor_approves_or_returns_with_a_reason_a_submitted_plan_only() -> None:
    assert check_decision(PlanState.submitted, approve=True) is PlanState.approved
    assert check_decision(PlanState.submitted, approve=False, reason="Add the children") is (
        PlanState.returned)
    with pytest.raises(InvalidInput):
        check_decision(PlanState.submitted, approve=False, reason="")
    for state in (None, PlanState.draft, PlanState.approved, PlanState.returned):
        with pytest.raises(Conflict):
            check_decision(state, approve=True)


def test_a_goal_waits_for_the_decision_and_reopens_a_decided_plan() -> None:
    with pytest.raises(Conflict):
        check_goal_added(PlanState.submitted, Status.plan)
    assert check_goal_added(PlanState.approved, Status.services) is PlanState.draft
    assert check_goal_added(None, Status.open) is PlanState.draft
    with pytest.raises(Conflict):
        check_goal_added(PlanState.draft, Status.closed)


def test_a_goal_is_due_today_or_later_in_tehran() -> None:
    late_evening = datetime(2026, 3, 22, 20, 0, tzinfo=UTC)  # 23:30 in Tehran, 1405-01-02
    assert check_due(date(2026, 3, 22), late_evening) == date(2026, 3, 22)
    with pytest.raises(InvalidInput):
        check_due(date(2026, 3, 21), late_evening)


def test_no_approved_plan_a_week_after_opening_is_overdue() -> None:
    def overdue(after: timedelta, status: Status = Status.assessment,
                state: PlanState | None = None) -> bool:
        return plan_overdue(opened_at=OPENED, status=status, plan_state=state, goals=[],
                            now=OPENED + after)

    assert not overdue(timedelta(days=6, hours=23))
    assert overdue(timedelta(days=7))
    assert overdue(timedelta(days=8), Status.plan, PlanState.submitted)
    assert not overdue(timedelta(days=30), Status.closed)


def test_an_approved_plan_with_a_goal_past_its_day_not_done_is_overdue() -> None:
    due = date(2026, 3, 25)
    goal = Goal(due_on=due)

    def overdue(now: datetime, goals: list[Goal]) -> bool:
        return plan_overdue(opened_at=OPENED, status=Status.services,
                            plan_state=PlanState.approved, goals=goals, now=now)

    last_minute = datetime(2026, 3, 25, 20, 29, tzinfo=UTC)  # 23:59 Tehran on the due day
    next_morning = datetime(2026, 3, 25, 20, 31, tzinfo=UTC)  # 00:01 Tehran the day after
    assert not overdue(last_minute, [goal]) and not goal_overdue(goal, last_minute)
    assert overdue(next_morning, [goal])
    assert not overdue(next_morning, [Goal(due_on=due, done_at=last_minute)])


# ---- notes by discipline and the psychosocial form -----------------------------------------


def test_a_psychiatric_visit_note_is_read_by_psychiatrist_psychologist_and_supervisors() -> None:
    visit = ServiceKind.psychiatric_visit
    assert may_read_note("psychiatrist", visit, is_author=False)
    assert may_read_note("psychologist", visit, is_author=False)
    assert may_read_note("supervisor", visit, is_author=False)
    assert not may_read_note("social_worker", visit, is_author=False)
    assert not may_read_note("field_crew", visit, is_author=False)


def test_legal_advice_is_for_the_lawyer_and_social_worker_and_a_shelter_stay_for_the_team(
) -> None:
    assert may_read_note("social_worker", ServiceKind.legal_advice, is_author=False)
    assert not may_read_note("psychologist", ServiceKind.legal_advice, is_author=False)
    assert may_read_note("field_crew", ServiceKind.shelter_stay, is_author=False)
    assert may_read_note("field_crew", ServiceKind.psychiatric_visit, is_author=True)


def test_the_psychosocial_form_shows_its_highest_concern() -> None:
    assert psychosocial_concern({"safety": 3, "health": 1}) == 3
    assert psychosocial_concern({}) == 0
