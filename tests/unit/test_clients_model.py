"""Clients' pure rules: the national code, Jalali birth dates, Persian name keys and the
duplicate score, merging rules. Named people; ``today`` passed in."""

from __future__ import annotations

from datetime import date

import pytest

from panah.cases.clients.model import (
    ClientFacts,
    MatchLevel,
    check_merge,
    check_national_code,
    duplicate_matches,
    jalali_text,
    name_key,
    name_tokens,
    national_code_digits,
    parse_jalali_date,
)
from panah.core.errors import InvalidInput

TODAY = date(2026, 3, 21)  # Nowruz 1405
VALID = "0499370899"


def test_a_national_code_written_in_persian_digits_with_dashes_is_the_same_code() -> None:
    assert national_code_digits("۰۴۹-۹۳۷۰۸۹-۹") == VALID
    assert national_code_digits("٠٤٩٩٣٧٠٨٩٩") == VALID
    assert check_national_code("۰۴۹۹۳۷۰۸۹۹", None) == VALID


@pytest.mark.parametrize("code", ["0499370898", "12345", "1111111111", "04993708990"])
def test_a_national_code_with_a_wrong_check_digit_or_length_is_refused(code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_national_code(code, None)
    assert refused.value.details == {"field": "national_code"}
    assert "کد ملی" in refused.value.message_fa


def test_an_afghan_client_without_a_code_needs_a_reason() -> None:
    assert check_national_code(None, "foreign_national") is None
    assert check_national_code("  ", "child") is None
    with pytest.raises(InvalidInput) as refused:
        check_national_code("", None)
    assert refused.value.details == {"field": "no_national_code_reason"}


def test_a_jalali_birth_date_in_persian_digits_becomes_the_gregorian_day() -> None:
    assert parse_jalali_date("۱۳۸۰/۰۵/۱۴", today=TODAY) == date(2001, 8, 5)
    assert parse_jalali_date("1380-5-14", today=TODAY) == date(2001, 8, 5)
    assert jalali_text(date(2001, 8, 5)) == "1380/05/14"


def test_esfand_thirtieth_exists_only_in_a_leap_year() -> None:
    assert parse_jalali_date("1403/12/30", today=TODAY) == date(2025, 3, 20)  # 1403 is leap
    with pytest.raises(InvalidInput) as refused:
        parse_jalali_date("1404/12/30", today=TODAY)
    assert refused.value.details == {"field": "birth_date"}
    for nonsense in ("1380/13/01", "1380/05", "فردا"):
        with pytest.raises(InvalidInput):
            parse_jalali_date(nonsense, today=TODAY)


def test_a_birth_date_in_the_future_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_jalali_date("1405/01/02", today=TODAY)
    assert "future" in refused.value.message_en and "آینده" in refused.value.message_fa


@pytest.mark.parametrize("spelling", [
    "محمد رضا", "محمدرضا", "محمد\u200cرضا", "مُحَمَّدرضا", "محمـــدرضا", " محمد  رضا "])
def test_every_spelling_of_mohammadreza_has_one_name_key(spelling: str) -> None:
    assert name_key(spelling) == name_key("محمدرضا")


def test_arabic_letters_and_hamza_forms_fold_to_persian() -> None:
    assert name_key("علي كريمي") == name_key("علی کریمی")
    assert name_key("فاطمة") == name_key("فاطمه")
    assert name_key("آرزو") == name_key("ارزو")
    assert name_key("خانهٔ امن") == name_key("خانه امن")
    assert name_key("زهرا احمدی") != name_key("زهرا احمدی نژاد")


def test_name_tokens_split_on_spaces_and_zwnj() -> None:
    assert name_tokens("زهرا احمدی\u200cنژاد") == ["زهرا", "احمدی", "نژاد"]


def facts(client_id: int, **kwargs: object) -> ClientFacts:
    return ClientFacts(client_id, **kwargs)  # type: ignore[arg-type]


def test_the_same_national_code_is_a_certain_match() -> None:
    sara = facts(1, national_code_hash="nc-1", name_key_hash="sara")
    other = facts(2, national_code_hash="nc-1", name_key_hash="someone-else")
    [match] = duplicate_matches(sara, [other])
    assert (match.client_id, match.level, match.reasons) == (2, MatchLevel.certain,
                                                             ("national_code",))


def test_the_same_phone_is_strong_and_the_same_name_and_year_too() -> None:
    sara = facts(1, phone_hashes=frozenset({"p1", "p2"}), name_key_hash="sara", birth_year=1991)
    by_phone = facts(2, phone_hashes=frozenset({"p2"}))
    by_name_year = facts(3, name_key_hash="sara", birth_year=1991)
    by_name_only = facts(4, name_key_hash="sara", birth_year=1985)
    found = {m.client_id: m for m in duplicate_matches(sara, [by_name_only, by_phone,
                                                             by_name_year])}
    assert found[2].level is MatchLevel.strong and found[2].reasons == ("phone",)
    assert found[3].level is MatchLevel.strong and found[3].reasons == ("name_birth_year",)
    assert found[4].level is MatchLevel.possible and found[4].reasons == ("name",)
    assert [m.client_id for m in duplicate_matches(sara, [by_name_only, by_phone])] == [2, 4]


def test_two_shared_name_words_and_the_birth_year_are_a_possible_match() -> None:
    zahra = facts(1, name_key_hash="zahra-ahmadi", token_hashes=frozenset({"zahra", "ahmadi"}),
                  birth_year=2000)
    nejad = facts(2, name_key_hash="zahra-ahmadi-nejad",
                  token_hashes=frozenset({"zahra", "ahmadi", "nejad"}), birth_year=2000)
    older = facts(3, name_key_hash="zahra-ahmadi-nejad",
                  token_hashes=frozenset({"zahra", "ahmadi", "nejad"}), birth_year=1970)
    one_word = facts(4, token_hashes=frozenset({"zahra"}), birth_year=2000)
    [match] = duplicate_matches(zahra, [nejad, older, one_word])
    assert (match.client_id, match.level, match.reasons) == (2, MatchLevel.possible,
                                                             ("tokens_birth_year",))


def test_a_client_is_not_its_own_duplicate() -> None:
    sara = facts(1, name_key_hash="sara")
    assert duplicate_matches(sara, [sara]) == []


def test_merging_a_client_into_itself_is_refused_naming_the_rule() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_merge(survivor_id=7, merged_id=7, survivor_merged_into=None,
                    merged_merged_into=None, reason="same person, she confirmed it")
    assert "itself" in refused.value.message_en and "خودش" in refused.value.message_fa


def test_an_already_merged_client_cannot_be_merged_again_and_a_reason_is_needed() -> None:
    with pytest.raises(InvalidInput, match="already merged"):
        check_merge(survivor_id=7, merged_id=8, survivor_merged_into=None,
                    merged_merged_into=9, reason="same person, she confirmed it")
    with pytest.raises(InvalidInput) as short:
        check_merge(survivor_id=7, merged_id=8, survivor_merged_into=None,
                    merged_merged_into=None, reason="dup")
    assert short.value.details == {"field": "reason"}
