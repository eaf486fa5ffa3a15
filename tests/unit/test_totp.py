"""TOTP codes: the second factor's pure rules, checked against pyotp as an authenticator app."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest

from panah.security import totp
from panah.security.roles import Role
from panah.security.totp import CodeCheck, SecondStep, second_step
from tests.conftest import NOWRUZ

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
APP = pyotp.TOTP(SECRET)  # what the phone shows
STEP = totp.STEP_SECONDS


def _at(seconds: float) -> datetime:
    return NOWRUZ + timedelta(seconds=seconds)


def test_the_code_of_now_is_accepted_and_names_its_step() -> None:
    result = totp.verify(SECRET, APP.at(NOWRUZ), now=NOWRUZ, last_step=None)
    assert result.accepted
    assert result.outcome is CodeCheck.accepted
    assert result.step == totp.step_at(NOWRUZ) == int(NOWRUZ.timestamp()) // STEP


def test_a_phone_one_step_slow_or_fast_is_still_accepted() -> None:
    now = totp.step_at(NOWRUZ)
    for offset in (-1, 1):
        result = totp.verify(SECRET, APP.at(_at(offset * STEP)), now=NOWRUZ, last_step=None)
        assert result.accepted and result.step == now + offset


def test_a_code_two_steps_away_is_wrong() -> None:
    for offset in (-2, 2):
        result = totp.verify(SECRET, APP.at(_at(offset * STEP)), now=NOWRUZ, last_step=None)
        assert result.outcome is CodeCheck.wrong
        assert result.step is None


def test_a_code_already_used_is_refused_as_a_replay() -> None:
    used = totp.step_at(NOWRUZ)
    again = totp.verify(SECRET, APP.at(NOWRUZ), now=NOWRUZ, last_step=used)
    assert again.outcome is CodeCheck.replayed
    assert not again.accepted
    # So is an older code still inside the window.
    older = totp.verify(SECRET, APP.at(_at(-STEP)), now=NOWRUZ, last_step=used)
    assert older.outcome is CodeCheck.replayed


def test_the_next_code_after_a_used_one_is_accepted() -> None:
    used = totp.step_at(NOWRUZ)
    result = totp.verify(SECRET, APP.at(_at(STEP)), now=NOWRUZ, last_step=used)
    assert result.accepted and result.step == used + 1


def test_spaces_in_a_code_are_ignored() -> None:
    code = APP.at(NOWRUZ)
    assert totp.verify(SECRET, f" {code[:3]} {code[3:]} ", now=NOWRUZ, last_step=None).accepted


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12a456", "۱۲۳۴۵۶"])
def test_anything_but_six_ascii_digits_is_malformed(code: str) -> None:
    assert totp.verify(SECRET, code, now=NOWRUZ, last_step=None).outcome is CodeCheck.malformed


def test_times_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        totp.step_at(NOWRUZ.replace(tzinfo=None))


def test_new_secrets_are_random_base32_of_160_bits() -> None:
    first, second = totp.new_secret(), totp.new_secret()
    assert first != second
    assert len(first) == 32 and set(first) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def test_the_secret_is_shown_in_groups_of_four() -> None:
    assert totp.grouped("JBSWY3DPEHPK3PXPAB") == "JBSW Y3DP EHPK 3PXP AB"


def test_the_provisioning_uri_names_panah_and_the_user() -> None:
    uri = totp.provisioning_uri(SECRET, username="admin")
    parts = urlsplit(uri)
    assert parts.scheme == "otpauth" and parts.netloc == "totp"
    assert parts.path == "/Panah:admin"
    query = parse_qs(parts.query)
    assert query["secret"] == [SECRET] and query["issuer"] == ["Panah"]
    assert pyotp.parse_uri(uri).at(NOWRUZ) == APP.at(NOWRUZ)


def test_code_at_matches_an_authenticator_app() -> None:
    assert totp.code_at(SECRET, totp.step_at(NOWRUZ)) == APP.at(NOWRUZ)


def test_an_enrolled_user_always_gives_a_code() -> None:
    for required in (True, False):
        for role in (Role.admin, Role.analyst):
            assert second_step(required=required, role=role, enrolled=True) is SecondStep.code


def test_a_sensitive_role_must_enrol_only_where_required() -> None:
    assert second_step(required=True, role=Role.counsellor, enrolled=False) is SecondStep.enrol
    assert second_step(required=False, role=Role.counsellor, enrolled=False) is SecondStep.none


def test_a_role_without_case_or_contact_data_needs_no_second_factor() -> None:
    assert second_step(required=True, role=Role.analyst, enrolled=False) is SecondStep.none
    assert second_step(required=True, role=Role.partner_agency, enrolled=False) is SecondStep.none
