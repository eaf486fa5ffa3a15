"""The fleet's pure rules: a post's dates, a day typed in Jalali or Gregorian, call signs
and tracker keys."""

from __future__ import annotations

from datetime import date

import pytest

from panah.core.errors import Conflict, InvalidInput
from panah.dispatch.fleet_model import (
    Account,
    Member,
    check_call_sign,
    check_crew_account,
    check_post_dates,
    new_tracker_key,
    parse_day,
    parse_tracker_key,
    plan_roster,
    tracker_key_matches,
    unit_state,
    wanted_seats,
)

NOWRUZ_EVE, SIZDAH = date(2027, 3, 16), date(2027, 4, 3)


def test_a_nowruz_post_between_two_dates_is_accepted() -> None:
    check_post_dates("nowruz", NOWRUZ_EVE, SIZDAH)
    check_post_dates("nowruz", NOWRUZ_EVE, NOWRUZ_EVE)  # a one-day post


@pytest.mark.parametrize("dates", [(None, None), (NOWRUZ_EVE, None), (None, SIZDAH)])
def test_a_nowruz_post_without_both_dates_is_refused(dates: tuple[date | None, ...]) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_post_dates("nowruz", *dates)
    assert refused.value.details["rule"] == "nowruz_needs_dates"
    assert "تاریخ" in refused.value.message_fa


def test_a_nowruz_post_closing_before_it_opens_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_post_dates("nowruz", SIZDAH, NOWRUZ_EVE)
    assert refused.value.details["field"] == "active_to"


def test_a_permanent_post_has_no_dates() -> None:
    check_post_dates("permanent", None, None)
    with pytest.raises(InvalidInput) as refused:
        check_post_dates("permanent", NOWRUZ_EVE, SIZDAH)
    assert refused.value.details["rule"] == "permanent_has_no_dates"


def test_a_day_is_read_in_jalali_with_persian_digits_or_in_gregorian() -> None:
    assert parse_day("۱۴۰۵/۱۲/۲۵", field="f") == date(2027, 3, 16)
    assert parse_day("1406-01-01", field="f") == date(2027, 3, 21)
    assert parse_day("2027-04-03", field="f") == SIZDAH
    assert parse_day("  ", field="f") is None


@pytest.mark.parametrize("text", ["1405/13/01", "tomorrow", "2027-02-30"])
def test_a_day_that_is_no_date_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_day(text, field="active_from")
    assert refused.value.details["field"] == "active_from"


def test_call_signs_are_latin_letters_digits_and_dashes() -> None:
    check_call_sign("MZN-12")
    for bad in ("-MZN", "MZN 12", "مزن-۱", "X" * 41):
        with pytest.raises(InvalidInput):
            check_call_sign(bad)


def test_a_tracker_key_reads_pnt_prefix_secret_and_only_its_secret_matches() -> None:
    key = new_tracker_key()
    assert key.text.startswith(f"pnt_{key.prefix}_") and len(key.prefix) == 12
    parsed = parse_tracker_key(key.text)
    assert parsed == key
    assert tracker_key_matches(parsed, key.secret_hash)
    other = new_tracker_key()
    assert not tracker_key_matches(other, key.secret_hash)
    assert not tracker_key_matches(key, None)


@pytest.mark.parametrize("text", ["", "pnh_0123456789ab_" + "a" * 43, "pnt_XYZ_secret",
                                  "pnt_0123456789ab_short"])
def test_a_malformed_tracker_key_is_no_key(text: str) -> None:
    assert parse_tracker_key(text) is None


def test_a_retired_unit_shows_as_retired_whatever_its_last_status() -> None:
    assert unit_state(True, "available_at_post") == "retired"
    assert unit_state(False, "on_scene") == "on_scene"


# ---- the crew roster ------------------------------------------------------------------------

SHIVA = Account(1, "sh.rahmani", "شیوا رحمانی", "social_worker", "IR-02", True, True)
PEYMAN = Account(2, "p.nouri", "پیمان نوری", "psychologist", "IR-02", True, False)
MARYAM = Account(3, "m.field", "مریم سیار", "field_crew", "IR-02", True, True)


def member(account: Account, seat: str, *, on_shift: bool = False,
           on_incident: bool = False) -> Member:
    return Member(10 + account.user_id, account.user_id, account.full_name, seat, on_shift,
                  on_incident)


def test_no_list_given_leaves_the_roster_and_a_name_in_both_lists_is_refused() -> None:
    assert wanted_seats({"social_worker": None, "psychologist": None}) is None
    assert wanted_seats({"social_worker": ["Sh.Rahmani", "sh.rahmani"], "psychologist": []}) == {
        "sh.rahmani": "social_worker"}
    with pytest.raises(InvalidInput) as refused:
        wanted_seats({"social_worker": ["sh.rahmani"], "psychologist": ["SH.RAHMANI"]})
    assert refused.value.details["rule"] == "crew_one_seat"


@pytest.mark.parametrize(("account", "rule"), [
    (None, "crew_unknown_user"),
    (Account(4, "k.desk", "کاوه", "counsellor", "IR-02", True, False), "crew_role"),
    (Account(5, "g.gilani", "گیتا", "social_worker", "IR-01", True, True),
     "crew_other_province"),
    (Account(6, "d.gone", "دارا", "social_worker", "IR-02", False, False),
     "crew_disabled_user"),
])
def test_only_active_crew_accounts_of_the_units_province_may_ride(
        account: Account | None, rule: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_crew_account("who", account, seat="psychologist", province_code="IR-02")
    assert refused.value.details["rule"] == rule
    assert refused.value.details["field"] == "psychologists"


def test_field_crew_may_sit_in_either_seat() -> None:
    for seat in ("social_worker", "psychologist"):
        assert check_crew_account("m.field", MARYAM, seat=seat, province_code="IR-02") == MARYAM


def test_a_new_list_replaces_the_seat_and_an_omitted_seat_keeps_its_members() -> None:
    members = [member(SHIVA, "social_worker"), member(PEYMAN, "psychologist")]
    plan = plan_roster(members, {MARYAM.user_id: (MARYAM, "social_worker")},
                       frozenset({"social_worker"}))
    assert [m.user_id for m in plan.remove] == [SHIVA.user_id]
    assert plan.add == ((MARYAM, "social_worker"),) and plan.reseat == ()
    same = plan_roster(members, {SHIVA.user_id: (SHIVA, "social_worker"),
                                 PEYMAN.user_id: (PEYMAN, "psychologist")},
                       frozenset({"social_worker", "psychologist"}))
    assert not same.changed


def test_a_member_changes_seat_only_when_both_lists_are_given() -> None:
    members = [member(MARYAM, "social_worker")]
    moved = plan_roster(members, {MARYAM.user_id: (MARYAM, "psychologist")},
                        frozenset({"social_worker", "psychologist"}))
    assert [(m.user_id, seat) for m, seat in moved.reseat] == [(MARYAM.user_id, "psychologist")]
    with pytest.raises(InvalidInput):
        plan_roster(members, {MARYAM.user_id: (MARYAM, "psychologist")},
                    frozenset({"psychologist"}))


@pytest.mark.parametrize(("held", "rule"), [({"on_shift": True}, "crew_on_shift"),
                                            ({"on_incident": True}, "crew_on_incident")])
def test_someone_on_shift_or_on_an_open_incident_is_never_removed(
        held: dict[str, bool], rule: str) -> None:
    members = [member(SHIVA, "social_worker", **held)]
    with pytest.raises(Conflict) as refused:
        plan_roster(members, {}, frozenset({"social_worker"}))
    assert refused.value.details["rule"] == rule
    assert SHIVA.full_name in refused.value.message_fa
    kept = plan_roster(members, {SHIVA.user_id: (SHIVA, "social_worker"),
                                 MARYAM.user_id: (MARYAM, "social_worker")},
                       frozenset({"social_worker"}))
    assert kept.add == ((MARYAM, "social_worker"),) and kept.remove == ()
