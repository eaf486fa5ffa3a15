"""Referrals to partner agencies: lifecycle, acknowledgement deadlines, escalation, consent."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from itertools import product

import pytest

from panah.core.errors import Conflict, InvalidInput
from panah.intake.model import RiskLevel
from panah.triage.referrals.model import (
    TRANSITIONS,
    ConsentStatus,
    HandoverKind,
    ReferralState,
    ReferralView,
    ack_deadline,
    can_move,
    check_consent,
    check_move,
    escalation_due,
)
from tests.conftest import NOWRUZ

S = ReferralState
MINUTE = timedelta(minutes=1)
ALLOWED = [(a, b) for a, targets in TRANSITIONS.items() for b in sorted(targets)]
REFUSED = [(a, b) for a, b in product(S, S) if b not in TRANSITIONS[a]]

# Journey 1: the Chalus counsellor refers a high-lethality case to police 110.
POLICE_CHALUS = ReferralView(id="r-1", agency_code="110-IR-02", state=S.requested,
                             urgency=RiskLevel.high, requested_at=NOWRUZ,
                             consent=ConsentStatus.given)


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_every_allowed_move_is_accepted(current: ReferralState, target: ReferralState) -> None:
    assert can_move(current, target)
    check_move(current, target)


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_every_impossible_move_is_refused_in_both_languages(
    current: ReferralState, target: ReferralState
) -> None:
    with pytest.raises(Conflict) as caught:
        check_move(current, target)
    error = caught.value
    assert error.message_en and error.message_fa
    assert error.details["current"] == current.value
    assert error.details["target"] == target.value
    assert error.details["allowed"] == [s.value for s in S if s in TRANSITIONS[current]]


def test_the_lifecycle_covers_every_state_and_both_tables_agree() -> None:
    assert set(TRANSITIONS) == set(S)
    assert len(ALLOWED) + len(REFUSED) == len(S) ** 2


def test_the_partner_may_accept_or_reject_without_a_separate_acknowledgement() -> None:
    check_move(S.requested, S.accepted)
    check_move(S.requested, S.rejected)


def test_the_123_side_may_cancel_until_the_partner_accepts_but_not_after() -> None:
    check_move(S.requested, S.cancelled)
    check_move(S.received, S.cancelled)
    for state in (S.accepted, S.in_progress):
        with pytest.raises(Conflict):
            check_move(state, S.cancelled)


def test_accepted_work_goes_through_in_progress_to_completed() -> None:
    check_move(S.accepted, S.in_progress)
    check_move(S.in_progress, S.completed)
    with pytest.raises(Conflict):
        check_move(S.accepted, S.completed)


@pytest.mark.parametrize("final", [S.rejected, S.completed, S.cancelled])
def test_a_final_referral_never_moves_and_says_to_make_a_new_one(final: ReferralState) -> None:
    with pytest.raises(Conflict) as caught:
        check_move(final, S.requested)
    assert "new referral" in caught.value.message_en
    assert "ارجاع تازه" in caught.value.message_fa


def test_a_repeated_move_says_the_referral_is_already_there() -> None:
    with pytest.raises(Conflict) as caught:
        check_move(S.received, S.received)
    assert "already received" in caught.value.message_en
    assert "دریافت‌شده" in caught.value.message_fa


@pytest.mark.parametrize(("urgency", "within"), [
    (RiskLevel.immediate, timedelta(minutes=5)),
    (RiskLevel.high, timedelta(minutes=15)),
    (RiskLevel.medium, timedelta(minutes=60)),
    (RiskLevel.low, timedelta(hours=24)),
    (RiskLevel.information, timedelta(hours=24)),
])
def test_the_acknowledgement_deadline_follows_the_urgency(
    urgency: RiskLevel, within: timedelta
) -> None:
    assert ack_deadline(NOWRUZ, urgency=urgency) == NOWRUZ + within
    assert replace(POLICE_CHALUS, urgency=urgency).ack_due_at == NOWRUZ + within


def test_a_referral_is_not_escalated_before_its_deadline() -> None:
    assert not escalation_due(POLICE_CHALUS, now=NOWRUZ + 14 * MINUTE)


@pytest.mark.parametrize("waiting", [S.requested, S.received])
def test_a_referral_still_waiting_for_a_decision_at_its_deadline_escalates(
    waiting: ReferralState,
) -> None:
    referral = replace(POLICE_CHALUS, state=waiting)
    assert escalation_due(referral, now=NOWRUZ + 15 * MINUTE)
    assert escalation_due(referral, now=NOWRUZ + 3 * timedelta(hours=1))


@pytest.mark.parametrize("decided", [S.accepted, S.rejected, S.in_progress, S.completed,
                                     S.cancelled])
def test_a_decided_or_withdrawn_referral_never_escalates(decided: ReferralState) -> None:
    assert not escalation_due(replace(POLICE_CHALUS, state=decided),
                              now=NOWRUZ + timedelta(days=1))


def test_a_late_referral_escalates_to_the_supervisor_exactly_once() -> None:
    referral, escalations = POLICE_CHALUS, []
    for minute in range(0, 120):
        now = NOWRUZ + minute * MINUTE
        if escalation_due(referral, now=now):  # what the scheduler does each minute
            escalations.append(now)
            referral = replace(referral, escalated_at=now)
    assert escalations == [NOWRUZ + 15 * MINUTE]


def test_a_warm_transfer_is_tracked_like_a_handover() -> None:
    warm = replace(POLICE_CHALUS, kind=HandoverKind.warm_transfer, urgency=RiskLevel.immediate)
    assert POLICE_CHALUS.kind is HandoverKind.handover
    assert escalation_due(warm, now=NOWRUZ + 5 * MINUTE)
    assert {kind.value for kind in HandoverKind} == {"warm_transfer", "handover"}


@pytest.mark.parametrize("urgency", list(RiskLevel))
def test_a_referral_with_consent_goes_at_any_urgency_without_override(
    urgency: RiskLevel,
) -> None:
    assert check_consent(ConsentStatus.given, urgency=urgency, override_reason=None) is False


@pytest.mark.parametrize("consent", [ConsentStatus.refused, ConsentStatus.not_asked])
@pytest.mark.parametrize("urgency", [RiskLevel.immediate, RiskLevel.high])
def test_immediate_danger_overrides_missing_consent_with_a_reason(
    consent: ConsentStatus, urgency: RiskLevel
) -> None:
    reason = "Husband threatening with a knife; children in the villa."
    assert check_consent(consent, urgency=urgency, override_reason=reason) is True


@pytest.mark.parametrize("consent", [ConsentStatus.refused, ConsentStatus.not_asked])
@pytest.mark.parametrize("urgency", [RiskLevel.medium, RiskLevel.low, RiskLevel.information])
def test_without_consent_a_lower_risk_referral_is_refused_even_with_a_reason(
    consent: ConsentStatus, urgency: RiskLevel
) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_consent(consent, urgency=urgency, override_reason="She seemed worried.")
    assert caught.value.details["field"] == "consent"
    assert "ask for consent" in caught.value.message_en
    assert "رضایت بگیرید" in caught.value.message_fa


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_the_override_needs_a_written_reason(reason: str | None) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_consent(ConsentStatus.refused, urgency=RiskLevel.immediate, override_reason=reason)
    assert caught.value.details["field"] == "override_reason"
    assert caught.value.message_fa


@pytest.mark.parametrize("state", list(S))
def test_every_state_has_a_label_in_both_languages(state: ReferralState) -> None:
    assert state.label_en
    assert state.label_fa
    assert not set("يك") & set(state.label_fa)
