"""The directory's search text and ranking (pure): Persian spelling variants, English, typos,
and the caller's county first."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from panah.triage.directory.model import (
    Place,
    PlaceTier,
    fuzzy_score,
    place_tier,
    rank,
    search_key,
    search_text_of,
    text_score,
)

ZWNJ = "\u200c"
CHALUS, SARI, RASHT = "Q1282160", "Q662960", "Q1291688"


@dataclass(frozen=True)
class Entry:
    name_fa: str
    name_en: str
    county_key: str | None
    province_code: str | None
    description: str = ""

    @property
    def search_text(self) -> str:
        return search_text_of(self.name_fa, self.name_en, self.description)


CHALUS_COUNSELLING = Entry("مرکز مشاوره بهزیستی چالوس", "Chalus counselling centre", CHALUS,
                           "IR-02")
SARI_COUNSELLING = Entry(f"مرکز مشاوره{ZWNJ}ی خانواده ساری", "Sari family counselling",
                         SARI, "IR-02")
MAZANDARAN_LEGAL = Entry("مشاوره حقوقی رایگان مازندران", "Free legal advice, Mazandaran", None,
                         "IR-02")
LINE_1480 = Entry("صدای مشاور ۱۴۸۰", "Counselling line 1480", None, None,
                  "مشاوره تلفنی رایگان")
RASHT_COUNSELLING = Entry("مرکز مشاوره رشت", "Rasht counselling centre", RASHT, "IR-01")
CAMP = Entry("کمپ ترک اعتیاد ساری", "Sari addiction treatment camp", SARI, "IR-02",
             "کمک به ترک")
ALL = [LINE_1480, RASHT_COUNSELLING, SARI_COUNSELLING, MAZANDARAN_LEGAL, CAMP,
       CHALUS_COUNSELLING]
IN_CHALUS = Place(CHALUS, "IR-02")


@pytest.mark.parametrize(("typed", "stored"), [
    ("كمك", "کمک"),  # Arabic kaf
    ("علي", "علی"),  # Arabic yeh
    ("مشاوره", f"مشاوره{ZWNJ}ی"),  # the ezafe joined by ZWNJ
    (f"می{ZWNJ}خواهم", "میخواهم"),
    ("۱۴۸۰", "1480"),
    ("١٤٨٠", "1480"),
    ("COUNSELLING", "counselling"),
    ("Counsellíng", "counselling"),
])
def test_spelling_variants_are_found(typed: str, stored: str) -> None:
    assert text_score(search_key(typed), search_text_of(stored)) > 0


def test_search_key_keeps_words_apart_and_joins_zwnj_parts() -> None:
    assert search_key(f"  مرکز   مشاوره{ZWNJ}ی  Sari! ") == "مرکز مشاورهی sari"
    assert search_key(None) == ""
    assert search_key("؟!") == ""


def test_the_search_text_carries_the_labels_of_the_needs() -> None:
    text = search_text_of("کمپ ساری", needs=["addiction", "no-such-need"])
    assert "اعتیاد" in text and "addiction" in text


def test_every_word_must_be_found_but_spacing_is_forgiven() -> None:
    text = search_text_of("مرکز گذری کاهش آسیب")
    assert text_score(search_key("مرکز گذری"), text) == 100.0
    assert text_score(search_key("مرکز اعتیاد"), text) == 0.0
    assert text_score(search_key("مرکزگذری"), text) > 0


def test_a_whole_word_scores_above_a_part_of_one() -> None:
    text = search_text_of("مشاوره مشاورهی")
    assert text_score("مشاوره", text) > text_score("شاور", text) > 0


def test_typos_get_a_fuzzy_score_below_any_exact_match() -> None:
    text = search_text_of("مرکز مشاوره", "counselling centre")
    assert 0 < fuzzy_score(search_key("مشاوه"), text) < 70
    assert fuzzy_score(search_key("counseling"), text) > 0
    assert fuzzy_score(search_key("police"), text) == 0


@pytest.mark.parametrize(("entry", "tier"), [
    (CHALUS_COUNSELLING, PlaceTier.county),
    (MAZANDARAN_LEGAL, PlaceTier.province),
    (SARI_COUNSELLING, PlaceTier.other_county),
    (LINE_1480, PlaceTier.national),
    (RASHT_COUNSELLING, None),
])
def test_place_tiers_from_chalus(entry: Entry, tier: PlaceTier | None) -> None:
    assert place_tier(entry.county_key, entry.province_code, place=IN_CHALUS) is tier


def test_counselling_in_chalus_lists_chalus_then_mazandaran_then_national() -> None:
    found = rank(ALL, query="مشاوره", place=IN_CHALUS)
    assert found == [CHALUS_COUNSELLING, MAZANDARAN_LEGAL, SARI_COUNSELLING, LINE_1480]


def test_an_english_search_works_case_insensitively() -> None:
    found = rank(ALL, query="Counselling", place=IN_CHALUS, language="en")
    assert found == [CHALUS_COUNSELLING, SARI_COUNSELLING, LINE_1480]


def test_a_misspelt_query_still_finds_the_service() -> None:
    assert rank(ALL, query="adiction", place=IN_CHALUS) == [CAMP]
    assert rank(ALL, query="کمپ ترک اعتیاد", place=IN_CHALUS) == [CAMP]


def test_no_query_lists_everything_near_first_and_no_place_means_everywhere() -> None:
    near = rank(ALL, query=None, place=IN_CHALUS)
    assert near[0] == CHALUS_COUNSELLING and RASHT_COUNSELLING not in near
    assert len(rank(ALL, query="  ", place=Place())) == len(ALL)
    assert rank(ALL, query="مشاوره", place=Place(None, "IR-01"))[0] == RASHT_COUNSELLING


def test_the_limit_is_kept() -> None:
    assert len(rank(ALL, query=None, place=Place(), limit=2)) == 2
    assert rank(ALL, query=None, place=Place(), limit=0) == []
