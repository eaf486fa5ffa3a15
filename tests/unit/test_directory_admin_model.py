"""The rules of keeping the directory (pure): the needs a service serves, who may keep
which entry, and when an agency may be deleted."""

from __future__ import annotations

import pytest

from panah.core.errors import Conflict, InvalidInput
from panah.security.policy import Actor, Why
from panah.security.roles import Role
from panah.triage.directory.model import (
    check_deletable,
    check_needs,
    is_short_number,
    may_manage,
    reaches_nation,
)

NATIONAL_ADMIN = Actor(1, "admin", Role.admin, None)
MAZANDARAN_ADMIN = Actor(2, "admin_mzn", Role.admin, "IR-02")
MAZANDARAN_MANAGER = Actor(3, "davood", Role.provincial_manager, "IR-02")
MAZANDARAN_COUNSELLOR = Actor(4, "maryam", Role.counsellor, "IR-02")
NATIONAL_OFFICE = Actor(5, "office", Role.national_office, None)


def test_needs_are_taxonomy_codes_kept_once_in_order_without_blanks() -> None:
    assert check_needs([" housing", "spouse_abuse", "", "housing"]) == ("housing",
                                                                         "spouse_abuse")
    assert check_needs([]) == ()


def test_an_unknown_need_is_refused_with_the_codes_to_choose_from() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_needs(["housing", "shelter"])
    assert refused.value.details["field"] == "needs"
    assert refused.value.details["need"] == "shelter"
    assert "spouse_abuse" in refused.value.message_en
    assert "spouse_abuse" in refused.value.details["allowed"]  # type: ignore[operator]
    assert "shelter" in refused.value.message_fa


def test_the_national_admin_keeps_every_province_and_the_national_lines() -> None:
    assert reaches_nation(NATIONAL_ADMIN)
    for province in ("IR-02", "IR-01", None):
        assert may_manage(NATIONAL_ADMIN, province)


def test_a_provincial_admin_or_manager_keeps_their_own_province_only() -> None:
    for actor in (MAZANDARAN_ADMIN, MAZANDARAN_MANAGER):
        assert not reaches_nation(actor)
        assert may_manage(actor, "IR-02")
        assert not may_manage(actor, "IR-01")
        national = may_manage(actor, None)  # the 1480 line belongs to the whole country
        assert not national and national.why is Why.out_of_scope


def test_roles_that_do_not_keep_the_organisation_keep_no_entry() -> None:
    assert not may_manage(MAZANDARAN_COUNSELLOR, "IR-02")
    assert not may_manage(NATIONAL_OFFICE, "IR-02")


def test_an_agency_never_referred_to_may_be_deleted() -> None:
    check_deletable("ngo-ir02-omid", open_referrals=0, referrals=0)


def test_an_agency_with_open_referrals_is_not_deleted_but_deactivated() -> None:
    with pytest.raises(Conflict) as refused:
        check_deletable("police-110-ir02-chalus", open_referrals=2, referrals=5)
    assert refused.value.details["open_referrals"] == 2
    assert "Deactivate" in refused.value.message_en and "غیرفعال" in refused.value.message_fa


def test_an_agency_with_past_referrals_keeps_them_as_its_history() -> None:
    with pytest.raises(Conflict) as refused:
        check_deletable("police-110-ir02-chalus", open_referrals=0, referrals=3)
    assert refused.value.details["referrals"] == 3


@pytest.mark.parametrize(("phone", "short"), [("110", True), ("1480", True), ("12345", True),
                                               ("11", False), ("01152223344", False),
                                               ("۱۱۰", False)])
def test_a_short_service_number_is_three_to_five_ascii_digits(phone: str, short: bool) -> None:
    assert is_short_number(phone) is short
