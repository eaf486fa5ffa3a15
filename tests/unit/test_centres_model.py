"""The rules of a province's centres, without a database: which centre answers for each
county (شهرستان معین), opening hours, kinds and shelters."""

from __future__ import annotations

import pytest

from panah.centres.model import (
    ALWAYS,
    Answer,
    CentreKind,
    CountyName,
    check_shelter,
    parse_hours,
    parse_kind,
    plan_coverage,
    unanswered,
)
from panah.core.errors import Conflict, InvalidInput

CHALUS = CountyName(1, "Q1282160", "IR-02", "چالوس", "Chalus County")
KELARDASHT = CountyName(2, "IR-02:Kelardasht County", "IR-02", "کلاردشت", "Kelardasht County")
NOWSHAHR = CountyName(3, "Q-NOWSHAHR", "IR-02", "نوشهر", "Nowshahr County")
RASHT = CountyName(9, "Q1291688", "IR-01", "رشت", "Rasht County")

# Today: Chalus's centre answers for Chalus and, as its covering county, for Kelardasht.
TODAY = [
    Answer(CHALUS, "MZN-C-CHALUS", "مرکز چالوس", "Chalus centre", own=True),
    Answer(KELARDASHT, "MZN-C-CHALUS", "مرکز چالوس", "Chalus centre"),
    Answer(NOWSHAHR, "MZN-C-NOWSHAHR", "مرکز نوشهر", "Nowshahr centre", own=True),
]


def test_a_new_county_centre_answers_for_its_own_county_and_takes_it_from_chalus() -> None:
    made = plan_coverage(centre_code="MZN-C-KELARDASHT", kind=CentreKind.county_centre,
                         province_code="IR-02", own=KELARDASHT, covers=[], answered=TODAY)
    assert made.rows == ((KELARDASHT.id, None),)
    assert [a.centre_code for a in made.taken] == ["MZN-C-CHALUS"]


def test_a_covered_county_is_written_with_its_covering_county() -> None:
    made = plan_coverage(centre_code="MZN-C-CHALUS", kind=CentreKind.county_centre,
                         province_code="IR-02", own=CHALUS, covers=[KELARDASHT],
                         answered=TODAY)
    assert made.rows == ((CHALUS.id, None), (KELARDASHT.id, CHALUS.id))
    assert made.taken == ()


def test_a_county_of_another_province_is_refused_naming_the_rule() -> None:
    with pytest.raises(InvalidInput) as refused:
        plan_coverage(centre_code="MZN-C-CHALUS", kind=CentreKind.county_centre,
                      province_code="IR-02", own=CHALUS, covers=[KELARDASHT, RASHT],
                      answered=TODAY)
    assert refused.value.details["field"] == "covers"
    assert refused.value.details["counties"] == [RASHT.key]
    assert "Rasht County" in refused.value.message_en and "معین" in refused.value.message_fa


def test_a_centre_in_a_county_of_another_province_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        plan_coverage(centre_code="X", kind=CentreKind.county_centre, province_code="IR-02",
                      own=RASHT, covers=[], answered=TODAY)
    assert refused.value.details["field"] == "county"


def test_dropping_a_county_nobody_else_answers_for_is_refused() -> None:
    with pytest.raises(Conflict) as refused:
        plan_coverage(centre_code="MZN-C-CHALUS", kind=CentreKind.county_centre,
                      province_code="IR-02", own=CHALUS, covers=[], answered=TODAY)
    assert refused.value.details["counties"] == [KELARDASHT.key]


def test_a_county_with_its_own_centre_cannot_be_taken_by_another() -> None:
    with pytest.raises(Conflict) as refused:
        plan_coverage(centre_code="MZN-C-CHALUS", kind=CentreKind.county_centre,
                      province_code="IR-02", own=CHALUS, covers=[KELARDASHT, NOWSHAHR],
                      answered=TODAY)
    assert "MZN-C-NOWSHAHR" in refused.value.message_en


def test_a_centre_answering_for_counties_needs_a_county_of_its_own() -> None:
    with pytest.raises(InvalidInput) as refused:
        plan_coverage(centre_code="MZN-CIC", kind=CentreKind.crisis_centre,
                      province_code="IR-02", own=None, covers=[KELARDASHT], answered=[])
    assert refused.value.details["field"] == "county"


def test_a_crisis_centre_answers_for_no_county_unless_named() -> None:
    made = plan_coverage(centre_code="MZN-CIC-CHALUS", kind=CentreKind.crisis_centre,
                         province_code="IR-02", own=CHALUS, covers=[], answered=TODAY)
    assert made.rows == () and made.taken == ()


def test_the_gaps_are_the_counties_no_centre_answers_for() -> None:
    assert unanswered([CHALUS, KELARDASHT, NOWSHAHR], TODAY[:1]) == [KELARDASHT, NOWSHAHR]


@pytest.mark.parametrize(("text", "stored"), [
    ("", ALWAYS), ("24/7", ALWAYS), ("شبانه‌روزی", ALWAYS),
    ("08:00-14:00", "08:00-14:00"),
    ("۸:۰۰ - ۱۴:۰۰، ۱۶:۰۰-۲۰:۰۰", "08:00-14:00, 16:00-20:00"),
    ("20:00-08:00", "20:00-08:00"),
])
def test_hours_are_read_in_persian_or_latin_digits(text: str, stored: str) -> None:
    assert parse_hours(text) == stored


@pytest.mark.parametrize("text", ["8 to 2", "08:00-08:00", "25:00-26:00", "08:00-"])
def test_hours_that_are_no_spans_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_hours(text)
    assert refused.value.details["field"] == "hours"


def test_a_kind_is_one_of_the_four() -> None:
    assert parse_kind("county_centre") is CentreKind.county_centre
    with pytest.raises(InvalidInput) as refused:
        parse_kind("hospital")
    assert refused.value.details["field"] == "kind"


def test_beds_only_where_there_is_a_shelter() -> None:
    check_shelter(True, 12)
    check_shelter(False, 0)
    for has_shelter, beds in ((False, 3), (True, 0), (True, 5000)):
        with pytest.raises(InvalidInput):
            check_shelter(has_shelter, beds)
