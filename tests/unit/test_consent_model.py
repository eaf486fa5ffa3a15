"""The consent rule: a record covers an act of its purpose to its recipient, given before
and not withdrawn; without one, only the immediate-danger override with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from panah.cases.consent.model import (
    REFERRAL,
    TRANSFER,
    ConsentPurpose,
    ConsentStatus,
    ConsentView,
    check_consent,
    check_covered,
    check_recipient,
    check_withdrawal,
    covering,
    covers,
)
from panah.core.errors import InvalidInput
from panah.intake.model import RiskLevel
from tests.conftest import NOWRUZ

HOUR = timedelta(hours=1)
# Sara (the Chalus traveller) agreed at 09:00 to her case going home to Tehran.
SARA_TO_TEHRAN = ConsentView(1, ConsentPurpose.transfer, "IR-23", given_at=NOWRUZ)


def test_saras_consent_covers_a_transfer_to_tehran_after_she_gave_it() -> None:
    assert covers(SARA_TO_TEHRAN, purpose=ConsentPurpose.transfer, recipient="IR-23",
                  at=NOWRUZ + HOUR)
    assert covers(SARA_TO_TEHRAN, purpose=ConsentPurpose.transfer, recipient="ir-23 ",
                  at=NOWRUZ)


def test_it_does_not_cover_another_province_another_purpose_or_an_earlier_act() -> None:
    assert not covers(SARA_TO_TEHRAN, purpose=ConsentPurpose.transfer, recipient="IR-01",
                      at=NOWRUZ + HOUR)
    assert not covers(SARA_TO_TEHRAN, purpose=ConsentPurpose.referral, recipient="IR-23",
                      at=NOWRUZ + HOUR)
    assert not covers(SARA_TO_TEHRAN, purpose=ConsentPurpose.transfer, recipient="IR-23",
                      at=NOWRUZ - HOUR)


def test_withdrawal_stops_future_acts_but_not_what_came_before() -> None:
    withdrawn = ConsentView(1, ConsentPurpose.transfer, "IR-23", given_at=NOWRUZ,
                            withdrawn_at=NOWRUZ + 2 * HOUR)
    assert covers(withdrawn, purpose=ConsentPurpose.transfer, recipient="IR-23",
                  at=NOWRUZ + HOUR)
    assert not covers(withdrawn, purpose=ConsentPurpose.transfer, recipient="IR-23",
                      at=NOWRUZ + 2 * HOUR)


def test_the_latest_covering_consent_is_chosen() -> None:
    later = ConsentView(2, ConsentPurpose.transfer, "IR-23", given_at=NOWRUZ + HOUR)
    gone = ConsentView(3, ConsentPurpose.transfer, "IR-23", given_at=NOWRUZ + HOUR,
                       withdrawn_at=NOWRUZ + 2 * HOUR)
    found = covering([SARA_TO_TEHRAN, later, gone], purpose=ConsentPurpose.transfer,
                     recipient="IR-23", at=NOWRUZ + 3 * HOUR)
    assert found is later
    assert covering([gone], purpose=ConsentPurpose.transfer, recipient="IR-23",
                    at=NOWRUZ + 3 * HOUR) is None


def test_a_covered_transfer_needs_no_override() -> None:
    assert check_covered(SARA_TO_TEHRAN, purpose=ConsentPurpose.transfer, recipient="IR-23",
                         urgency=RiskLevel.low, override_reason=None, act=TRANSFER,
                         at=NOWRUZ + HOUR) is False


def test_without_consent_a_transfer_is_refused_naming_what_to_record() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_covered(None, purpose=ConsentPurpose.transfer, recipient="IR-23",
                      urgency=RiskLevel.immediate, override_reason=None, act=TRANSFER,
                      at=NOWRUZ)
    assert caught.value.details["field"] == "consent_id"
    assert "record the client's consent for transfer to IR-23" in caught.value.message_en
    assert "رضایت" in caught.value.message_fa


def test_a_withdrawn_consent_named_is_said_to_be_withdrawn() -> None:
    withdrawn = ConsentView(1, ConsentPurpose.transfer, "IR-23", given_at=NOWRUZ,
                            withdrawn_at=NOWRUZ + HOUR)
    with pytest.raises(InvalidInput) as caught:
        check_covered(withdrawn, purpose=ConsentPurpose.transfer, recipient="IR-23",
                      urgency=RiskLevel.low, override_reason=None, act=TRANSFER,
                      at=NOWRUZ + 2 * HOUR)
    assert "withdrawn" in caught.value.message_en


@pytest.mark.parametrize("urgency", [RiskLevel.immediate, RiskLevel.high])
def test_immediate_danger_overrides_a_missing_consent_with_a_reason(urgency: RiskLevel) -> None:
    assert check_covered(None, purpose=ConsentPurpose.transfer, recipient="IR-23",
                         urgency=urgency, override_reason="Husband found the villa tonight.",
                         act=TRANSFER, at=NOWRUZ) is True


@pytest.mark.parametrize("urgency", [RiskLevel.medium, RiskLevel.low, RiskLevel.information])
def test_lower_risk_never_overrides_even_with_a_reason(urgency: RiskLevel) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_covered(None, purpose=ConsentPurpose.referral, recipient="line-1480",
                      urgency=urgency, override_reason="She seemed worried.", act=REFERRAL,
                      at=NOWRUZ)
    assert caught.value.details["field"] == "consent"
    assert "refer only if" in caught.value.message_en


def test_the_shared_rule_speaks_of_the_act_at_hand() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_consent(ConsentStatus.not_asked, urgency=RiskLevel.low, override_reason=None,
                      act=TRANSFER)
    assert "transfer the case only if" in caught.value.message_en
    assert "انتقال پرونده" in caught.value.message_fa


def test_the_triage_referral_rule_is_this_same_function() -> None:
    from panah.triage.referrals import model as triage

    assert triage.check_consent is check_consent
    assert triage.ConsentStatus is ConsentStatus


def test_a_transfer_recipient_is_a_province_code() -> None:
    assert check_recipient(ConsentPurpose.transfer, " ir-23 ") == "IR-23"
    assert check_recipient(ConsentPurpose.referral, "line-1480") == "line-1480"
    with pytest.raises(InvalidInput):
        check_recipient(ConsentPurpose.transfer, "Tehran")


def test_a_consent_is_withdrawn_once() -> None:
    check_withdrawal(SARA_TO_TEHRAN, now=NOWRUZ + HOUR)
    withdrawn = ConsentView(1, ConsentPurpose.transfer, "IR-23", given_at=NOWRUZ,
                            withdrawn_at=NOWRUZ + HOUR)
    with pytest.raises(InvalidInput):
        check_withdrawal(withdrawn, now=NOWRUZ + 2 * HOUR)
