"""What the triage screen proposes, from categories and screens."""

from __future__ import annotations

import pytest

from panah.intake.model import RiskLevel
from panah.triage.actions import ActionKind, propose
from panah.triage.taxonomy import Category

SPOUSE = [Category.spouse_abuse]


def kinds(proposals: list) -> list[tuple[str, str | None, bool]]:
    return [(p.kind.value, p.agency_domain, p.warm_transfer) for p in proposals]


def test_high_lethality_proposes_a_mobile_team_and_a_police_referral() -> None:
    proposals = propose(SPOUSE, [("lethality_screen", RiskLevel.high)])
    assert kinds(proposals) == [("mobile_team", None, False), ("referral", "police", False)]
    assert all(p.urgency is RiskLevel.high for p in proposals)
    assert "Lethality" in proposals[0].reason_en and "خطر" in proposals[0].reason_fa


def test_immediate_lethality_asks_for_a_warm_transfer_to_the_police() -> None:
    proposals = propose(SPOUSE, [("lethality_screen", RiskLevel.immediate)])
    assert kinds(proposals) == [("mobile_team", None, False), ("referral", "police", True)]


@pytest.mark.parametrize("level", [RiskLevel.medium, RiskLevel.low, RiskLevel.information])
def test_lower_levels_propose_nothing(level: RiskLevel) -> None:
    assert propose(SPOUSE, [("lethality_screen", level)]) == []


def test_suicide_high_is_a_team_and_immediate_adds_ems() -> None:
    assert kinds(propose([], [("cssrs_screener", RiskLevel.high)])) == [
        ("mobile_team", None, False)]
    assert kinds(propose([], [("cssrs_screener", RiskLevel.immediate)])) == [
        ("mobile_team", None, False), ("referral", "ems", True)]


def test_a_child_in_immediate_danger_brings_the_police() -> None:
    assert kinds(propose([Category.child_abuse], [("child_safety_check", RiskLevel.immediate)])
                 ) == [("mobile_team", None, False), ("referral", "police", True)]
    assert kinds(propose([], [("child_safety_check", RiskLevel.high)])) == [
        ("mobile_team", None, False)]


def test_one_proposal_per_action_with_the_most_urgent_reason() -> None:
    proposals = propose(SPOUSE, [("cssrs_screener", RiskLevel.high),
                                 ("lethality_screen", RiskLevel.immediate)])
    assert kinds(proposals) == [("mobile_team", None, False), ("referral", "police", True)]
    assert proposals[0].urgency is RiskLevel.immediate


def test_actions_already_taken_are_not_proposed_again() -> None:
    screens = [("lethality_screen", RiskLevel.high)]
    assert kinds(propose(SPOUSE, screens, taken={"mobile_team"})) == [
        ("referral", "police", False)]
    assert propose(SPOUSE, screens, taken={"mobile_team", "police"}) == []


def test_family_conflict_in_immediate_danger_brings_the_police() -> None:
    proposals = propose([Category.family_conflict], [("cssrs_screener", RiskLevel.immediate)])
    assert ("referral", "police", True) in kinds(proposals)
    assert propose([Category.family_conflict], []) == []


def test_an_unknown_protocol_proposes_nothing() -> None:
    assert propose([], [("some_other_screen", RiskLevel.immediate)]) == []
    assert ActionKind.referral.value == "referral"
