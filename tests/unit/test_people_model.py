"""The pure rules of people: sound passwords, who may grant which role where, placement,
and the state of one-time links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from panah.core.errors import InvalidInput
from panah.intake.model import Language
from panah.security.people import model
from panah.security.people.model import (
    CentrePlace,
    LinkState,
    Refusal,
    Weakness,
    check_password,
    link_state,
    may_grant,
    password_weaknesses,
    placement_error,
)
from panah.security.policy import Actor
from panah.security.roles import Role

NATIONAL_ADMIN = Actor(1, "admin", Role.admin)
MAZANDARAN_ADMIN = Actor(2, "mzn.admin", Role.admin, province_code="IR-02")
MAZANDARAN_MANAGER = Actor(3, "manager", Role.provincial_manager, province_code="IR-02")
NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)


# ---- passwords ----------------------------------------------------------------------------


def test_four_unrelated_words_are_sound() -> None:
    assert password_weaknesses("violet tractor harbour pencil", username="n.karimi") == []


def test_a_short_password_is_too_short() -> None:
    assert Weakness.too_short in password_weaknesses("Xq7#vbn2", username="n.karimi")


@pytest.mark.parametrize("password", [
    "password1234", "P@ssw0rd1405!", "qwertyuiopas", "123456789012", "abcabcabcabc",
    "iloveyou2026!!", "panah123panah", "۱۲۳۴۵۶۷۸۹۰۱۲",
])
def test_common_passwords_even_padded_or_in_leetspeak_are_refused(password: str) -> None:
    assert Weakness.too_common in password_weaknesses(password, username="n.karimi")


@pytest.mark.parametrize("password", ["n.karimi2026!!", "NegarKarimi1405", "karimi.negar99"])
def test_a_password_like_the_username_or_name_is_refused(password: str) -> None:
    found = password_weaknesses(password, username="n.karimi", full_name="Negar Karimi")
    assert Weakness.like_name in found


def test_the_refusal_names_every_reason_in_both_languages() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_password("karimi1", username="karimi")
    error = refused.value
    assert error.details["reasons"] == ["too_short", "like_name"]
    assert "shorter than 12" in error.message_en and "کوتاه‌تر" in error.message_fa


# ---- who may grant what ---------------------------------------------------------------------


def test_a_national_admin_grants_any_role_anywhere() -> None:
    assert may_grant(NATIONAL_ADMIN, Role.national_office, None)
    assert may_grant(NATIONAL_ADMIN, Role.admin, "IR-01")
    assert may_grant(NATIONAL_ADMIN, Role.counsellor, "IR-01")


def test_a_provincial_admin_grants_staff_roles_in_their_province() -> None:
    assert may_grant(MAZANDARAN_ADMIN, Role.counsellor, "IR-02")
    assert may_grant(MAZANDARAN_ADMIN, Role.provincial_manager, "IR-02")


def test_a_provincial_admin_cannot_act_in_another_province() -> None:
    grant = may_grant(MAZANDARAN_ADMIN, Role.counsellor, "IR-01")
    assert not grant and grant.refusal is Refusal.other_province


@pytest.mark.parametrize("role", [Role.national_office, Role.analyst, Role.integration])
def test_a_provincial_admin_cannot_grant_a_national_role(role: Role) -> None:
    for province in (None, "IR-02"):
        grant = may_grant(MAZANDARAN_ADMIN, role, province)
        assert not grant and grant.refusal is Refusal.national_role


def test_a_provincial_admin_cannot_make_an_admin() -> None:
    grant = may_grant(MAZANDARAN_ADMIN, Role.admin, "IR-02")
    assert not grant and grant.refusal is Refusal.admin_role
    assert grant.error().details["why"] == "admin_role"


def test_only_administrators_manage_people() -> None:
    grant = may_grant(MAZANDARAN_MANAGER, Role.counsellor, "IR-02")
    assert not grant and grant.refusal is Refusal.not_an_administrator


def test_an_admin_cannot_disable_themself() -> None:
    error = model.own_account_error(MAZANDARAN_ADMIN, 2, role=Role.admin, province_code="IR-02",
                                    active=False, current=(Role.admin, "IR-02"))
    assert error is not None


# ---- placement and fields -------------------------------------------------------------------


def test_a_national_role_has_no_province() -> None:
    error = placement_error(Role.analyst, "IR-02", None)
    assert error is not None and error.details["field"] == "province_code"


def test_a_centre_role_needs_a_centre_of_its_province() -> None:
    assert placement_error(Role.social_worker, "IR-02", None) is not None
    other = placement_error(Role.social_worker, "IR-02", CentrePlace("GLN-123", "IR-01"))
    assert other is not None and "GLN-123" in other.message_en
    assert placement_error(Role.social_worker, "IR-02", CentrePlace("MZN-CIC", "IR-02")) is None


def test_roles_languages_and_skills_are_read_in_either_language() -> None:
    assert model.parse_role("کارشناس خط ۱۲۳") is Role.counsellor
    assert model.parse_languages(["Azeri", "فارسی"]) == [Language.azeri, Language.persian]
    assert model.parse_skills(["زبان اشاره"]) == ["sign_language"]
    with pytest.raises(InvalidInput):
        model.parse_role("wizard")


def test_a_phone_is_kept_in_e164() -> None:
    assert model.clean_phone("۰۹۱۲ ۱۲۳ ۴۵۶۷") == "+989121234567"
    assert model.clean_phone("") is None
    with pytest.raises(InvalidInput):
        model.clean_phone("12")


# ---- one-time links -------------------------------------------------------------------------


def test_a_link_is_usable_until_it_expires_or_is_used() -> None:
    expires = model.link_expires_at(NOW)
    assert expires - NOW == timedelta(hours=72)
    assert link_state(expires_at=expires, used_at=None, now=NOW) is LinkState.usable
    assert link_state(expires_at=expires, used_at=None, now=expires) is LinkState.expired
    assert link_state(expires_at=expires, used_at=NOW, now=NOW) is LinkState.used


def test_a_random_password_with_few_letters_is_not_taken_for_a_name() -> None:
    assert password_weaknesses("Xq7#vbn123Kp9", username="a.b", full_name="Ali Bahrami") == []
