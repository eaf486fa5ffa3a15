"""How a contact ends: no outcome, no close; what each outcome needs; nuisance flags."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from panah.core.errors import InvalidInput
from panah.triage.outcomes import (
    NON_SUBSTANTIVE,
    Outcome,
    OutcomeInput,
    check_close,
    nuisance_flag,
    parse_outcome,
)
from tests.conftest import NOWRUZ

NOW = NOWRUZ
COUNSELLED = OutcomeInput(Outcome.counselled, note="Safety plan agreed; she will call back.")
REFERRED = OutcomeInput(Outcome.referral, agency_code="110-IR-02")
TEAM = OutcomeInput(Outcome.mobile_team_requested)


def refused(outcomes: list[OutcomeInput]) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        check_close(outcomes, now=NOW)
    assert caught.value.message_en and caught.value.message_fa
    return caught.value


def test_a_contact_without_an_outcome_cannot_close() -> None:
    error = refused([])
    assert "without an outcome" in error.message_en
    assert "بدون پیامد" in error.message_fa
    assert error.details["field"] == "outcomes"


@pytest.mark.parametrize("note", ["", "   \n"])
def test_counselling_without_a_note_of_the_intervention_is_refused(note: str) -> None:
    error = refused([OutcomeInput(Outcome.counselled, note=note)])
    assert error.details == {"field": "note", "outcome": "counselled"}


def test_counselling_with_a_note_closes() -> None:
    check_close([COUNSELLED], now=NOW)


@pytest.mark.parametrize("agency", [None, "", "  "])
def test_a_referral_outcome_needs_the_partner_agency(agency: str | None) -> None:
    assert refused([OutcomeInput(Outcome.referral, agency_code=agency)]).details["field"] == (
        "agency_code")


@pytest.mark.parametrize("entries", [(), ("",), (" ", "")])
def test_information_given_needs_a_directory_entry(entries: tuple[str, ...]) -> None:
    error = refused([OutcomeInput(Outcome.information_given, directory_entry_ids=entries)])
    assert error.details["field"] == "directory_entry_ids"


def test_information_from_the_directory_closes() -> None:
    check_close([OutcomeInput(Outcome.information_given, directory_entry_ids=("dir-17",))],
                now=NOW)


@pytest.mark.parametrize("due", [None, NOW, NOW - timedelta(minutes=1),
                                 NOW.replace(tzinfo=None) + timedelta(hours=1)])
def test_a_callback_needs_a_due_time_in_the_future(due: datetime | None) -> None:
    error = refused([OutcomeInput(Outcome.callback_scheduled, due_at=due)])
    assert error.details["field"] == "due_at"


def test_a_callback_due_later_closes() -> None:
    check_close([OutcomeInput(Outcome.callback_scheduled, due_at=NOW + timedelta(minutes=10))],
                now=NOW)


@pytest.mark.parametrize("alone", sorted(NON_SUBSTANTIVE))
@pytest.mark.parametrize("other", [COUNSELLED, REFERRED, TEAM])
def test_silent_or_nuisance_cannot_be_recorded_with_a_substantive_outcome(
    alone: Outcome, other: OutcomeInput
) -> None:
    error = refused([OutcomeInput(alone), other])
    assert error.details == {"field": "outcomes", "outcome": alone.value}


def test_silent_and_nuisance_cannot_be_recorded_together() -> None:
    refused([OutcomeInput(Outcome.silent_misdial), OutcomeInput(Outcome.nuisance)])


@pytest.mark.parametrize("alone", sorted(NON_SUBSTANTIVE))
def test_a_silent_line_or_a_nuisance_alone_closes(alone: Outcome) -> None:
    check_close([OutcomeInput(alone)], now=NOW)


def test_several_actions_close_together() -> None:
    check_close([COUNSELLED, REFERRED, TEAM, OutcomeInput(Outcome.shelter_request)], now=NOW)


def test_one_incomplete_outcome_among_good_ones_still_refuses() -> None:
    assert refused([COUNSELLED, OutcomeInput(Outcome.referral)]).details["field"] == (
        "agency_code")


def test_there_is_no_out_of_remit_outcome() -> None:
    assert not any("remit" in outcome.value for outcome in Outcome)
    with pytest.raises(InvalidInput) as caught:
        parse_outcome("out_of_remit")
    assert "referral" in caught.value.message_en
    assert "ارجاع" in caught.value.message_fa


def test_an_unknown_outcome_code_is_refused_and_a_known_one_parsed() -> None:
    assert parse_outcome("referral") is Outcome.referral
    with pytest.raises(InvalidInput):
        parse_outcome("handled")


@pytest.mark.parametrize("outcome", list(Outcome))
def test_every_outcome_has_a_label_in_both_languages(outcome: Outcome) -> None:
    assert outcome.label_en
    assert outcome.label_fa
    assert not set("يك") & set(outcome.label_fa)  # Persian ی and ک, not the Arabic letters


def nuisances(*days_ago: float) -> list[tuple[datetime, Outcome]]:
    return [(NOW - timedelta(days=d), Outcome.nuisance) for d in days_ago]


def test_three_nuisance_calls_in_a_week_flag_the_number_for_the_counsellor() -> None:
    flag = nuisance_flag(nuisances(0.1, 2, 6.9), now=NOW)
    assert flag is not None
    assert flag.count == 3
    assert flag.since == NOW - timedelta(days=7)
    assert "not blocked" in flag.reason_en
    assert "مسدود نمی‌شود" in flag.reason_fa
    assert "۳" in flag.reason_fa


def test_two_nuisance_calls_do_not_flag_a_number() -> None:
    assert nuisance_flag(nuisances(1, 2), now=NOW) is None


def test_nuisance_calls_older_than_a_week_or_in_the_future_do_not_count() -> None:
    history = nuisances(1, 2, 7, 30, -1)
    assert nuisance_flag(history, now=NOW) is None


def test_other_outcomes_from_the_number_do_not_count_towards_a_flag() -> None:
    history = [*nuisances(1, 2), (NOW - timedelta(days=3), Outcome.silent_misdial),
               (NOW - timedelta(days=4), Outcome.counselled)]
    assert nuisance_flag(history, now=NOW) is None
