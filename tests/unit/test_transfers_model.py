"""Transfer rules: another province only, one waiting at a time, each side its own part,
a decline says why, withdrawn consent stops acceptance; and the policy: access moves with
the case, the sending province looks back only by break-glass."""

from __future__ import annotations

import pytest

from panah.cases.transfers.model import (
    Side,
    TransferState,
    check_accept,
    check_decision,
    check_decline,
    check_request,
    side_of,
    team_ids,
    team_text,
)
from panah.core.errors import Conflict, InvalidInput
from panah.security.policy import Actor, Resource, Why, decide
from panah.security.roles import Permission, Role

MAZANDARAN, TEHRAN, GILAN = "IR-02", "IR-23", "IR-01"


def test_a_case_goes_from_mazandaran_to_tehran() -> None:
    check_request(from_province=MAZANDARAN, to_province=TEHRAN, pending=False, closed=False)


def test_a_transfer_to_the_same_province_is_refused_naming_the_rule() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_request(from_province=MAZANDARAN, to_province=MAZANDARAN, pending=False,
                      closed=False)
    assert caught.value.details["field"] == "to_province"
    assert "another province" in caught.value.message_en


def test_a_second_transfer_while_one_waits_is_a_conflict() -> None:
    with pytest.raises(Conflict) as caught:
        check_request(from_province=MAZANDARAN, to_province=TEHRAN, pending=True, closed=False)
    assert caught.value.details["rule"] == "one_pending_transfer"


def test_a_closed_case_is_not_transferred() -> None:
    with pytest.raises(InvalidInput):
        check_request(from_province=MAZANDARAN, to_province=TEHRAN, pending=False, closed=True)


def test_sides_are_the_provinces_at_each_end() -> None:
    assert side_of(TEHRAN, from_province=MAZANDARAN, to_province=TEHRAN) is Side.receiving
    assert side_of(MAZANDARAN, from_province=MAZANDARAN, to_province=TEHRAN) is Side.sending
    assert side_of(GILAN, from_province=MAZANDARAN, to_province=TEHRAN) is Side.neither


def test_the_receiving_side_accepts_and_the_sending_side_cancels() -> None:
    check_decision(TransferState.requested, side=Side.receiving, acting=Side.receiving)
    check_decision(TransferState.requested, side=Side.sending, acting=Side.sending)
    with pytest.raises(InvalidInput) as caught:
        check_decision(TransferState.requested, side=Side.sending, acting=Side.receiving)
    assert "receiving province" in caught.value.message_en
    with pytest.raises(InvalidInput):
        check_decision(TransferState.requested, side=Side.receiving, acting=Side.sending)


@pytest.mark.parametrize("state", [TransferState.accepted, TransferState.declined,
                                   TransferState.cancelled])
def test_an_answered_transfer_is_final(state: TransferState) -> None:
    with pytest.raises(Conflict) as caught:
        check_decision(state, side=Side.receiving, acting=Side.receiving)
    assert caught.value.details["rule"] == "transfer_answered"


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_decline_says_why(reason: str | None) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_decline(reason)
    assert caught.value.details["rule"] == "decline_reason"
    assert check_decline("  She lives in Karaj:\n Alborz. ") == "She lives in Karaj: Alborz."


def test_a_transfer_under_withdrawn_consent_cannot_be_accepted() -> None:
    check_accept(consent_withdrawn=False)
    with pytest.raises(Conflict) as caught:
        check_accept(consent_withdrawn=True)
    assert caught.value.details["rule"] == "consent_withdrawn"


def test_the_sending_team_is_kept_as_text() -> None:
    assert team_text([7, 3, 7]) == "3,7"
    assert team_ids("3,7") == [3, 7] and team_ids("") == []


# The policy after the case moved to Tehran (team: Parisa, 40), out of Mazandaran.
MOVED = Resource("case", province_code=TEHRAN, centre_id=9, team=frozenset({40}),
                 need_to_know=True, transferred_from=frozenset({MAZANDARAN}))
SHIRIN = Actor(5, "social_worker", Role.social_worker, MAZANDARAN, 2)  # the sending worker
MANSOUREH = Actor(6, "supervisor", Role.supervisor, MAZANDARAN, 1)  # the sending supervisor
PARISA = Actor(40, "social_worker_tehran", Role.social_worker, TEHRAN, 9)
KAVEH = Actor(41, "supervisor_tehran", Role.supervisor, TEHRAN, 9)
GILAN_COUNSELLOR = Actor(50, "counsellor_gilan", Role.counsellor, GILAN, 3)


def test_the_receiving_team_and_supervisor_read_the_moved_case() -> None:
    assert decide(PARISA, Permission.view_case, MOVED).why is Why.team
    assert decide(KAVEH, Permission.view_case, MOVED).why is Why.supervisor


def test_the_sending_province_no_longer_reads_it() -> None:
    assert decide(SHIRIN, Permission.view_case, MOVED).why is Why.out_of_scope
    assert decide(MANSOUREH, Permission.view_case, MOVED).why is Why.out_of_scope


def test_the_sending_province_looks_back_by_break_glass_only() -> None:
    assert decide(MANSOUREH, Permission.view_case, MOVED, break_glass=True).why is (
        Why.break_glass)
    assert decide(SHIRIN, Permission.view_case, MOVED, break_glass=True)


def test_break_glass_still_never_reaches_a_province_the_case_never_was_in() -> None:
    decision = decide(GILAN_COUNSELLOR, Permission.view_case, MOVED, break_glass=True)
    assert decision.why is Why.out_of_scope


def test_a_transfer_row_is_reached_from_both_ends_only() -> None:
    row = Resource("transfer", province_code=TEHRAN,
                   offered_to=frozenset({MAZANDARAN, TEHRAN}))
    assert decide(SHIRIN, Permission.transfer_case, row)
    assert decide(KAVEH, Permission.transfer_case, row)
    other = Actor(60, "social_worker_gilan", Role.social_worker, GILAN, 3)
    assert not decide(other, Permission.transfer_case, row)
