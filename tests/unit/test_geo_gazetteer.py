"""The gazetteer finds provinces, counties and places by Persian or English name."""

from __future__ import annotations

import pytest

from panah.geo.gazetteer import find_place, skeleton


def _best(query: str) -> tuple[str, str, str | None]:
    match = find_place(query, limit=1)[0]
    return match.kind, match.province_code, match.county_key


@pytest.mark.parametrize(
    "query", ["چالوس", "chalous", "Chaloos", "Chalus", "CHALUS COUNTY", "شهرستان چالوس"]
)
def test_chalus_in_any_spelling(query: str) -> None:
    matches = find_place(query)
    assert matches[0].name_en == "Chalus County"
    assert matches[0].kind == "county"
    assert matches[0].province_code == "IR-02"
    assert matches[0].county_key == "Q1282160"
    assert matches[0].score == 100
    assert any(m.kind == "place" and m.name_fa == "چالوس" for m in matches)


@pytest.mark.parametrize("query", ["بابل سر", "بابلسر", "babolsar", "Babol Sar"])
def test_babolsar_spacing_variants(query: str) -> None:
    assert find_place(query)[0].name_en == "Babolsar County"


def test_kelardasht_with_arabic_kaf() -> None:
    match = find_place("كلاردشت")[0]
    assert match.name_fa == "شهرستان کلاردشت"
    assert match.province_code == "IR-02"
    assert match.county_key == "IR-02:Kelardasht County"  # no Wikidata id in OSM


def test_provinces_come_first_on_a_tie() -> None:
    match = find_place("Tehran")[0]
    assert (match.kind, match.province_code) == ("province", "IR-23")
    assert (match.lat, match.lon) == (35.69439, 51.42151)  # the capital
    assert find_place("استان گیلان")[0].province_code == "IR-01"


def test_a_place_that_is_not_a_county_seat() -> None:
    match = find_place("Chaboksar")[0]
    assert match.kind == "place"
    assert match.province_code == "IR-01"  # Gilan, though next to Ramsar in Mazandaran
    assert match.name_fa == "چابکسر"
    assert 36.9 < match.lat < 37.0


def test_mazandaran_seats_carry_their_coordinates() -> None:
    match = find_place("Savadkuh County")[0]
    assert (match.lat, match.lon) == (36.11787, 53.05531)  # Pol-e Sefid, the seat


def test_typos_still_match_with_a_lower_score() -> None:
    match = find_place("Tonkabon")[0]
    assert match.name_en == "Tonekabon County"
    match = find_place("Mazandran")[0]
    assert match.name_en == "Mazandaran"
    assert 72 <= match.score < 100


def test_ghaf_and_qaf_spellings() -> None:
    assert find_place("Ghaem shahr")[0].name_en == "Qaem Shahr County"
    assert find_place("قایمشهر")[0].name_en == "Qaem Shahr County"


def test_nonsense_finds_nothing() -> None:
    assert find_place("xyzzyplugh") == []
    assert find_place("   ") == []
    assert find_place("Chalus", limit=0) == []


def test_limit_and_order() -> None:
    matches = find_place("Sari", limit=3)
    assert len(matches) == 3
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_skeleton_merges_transliterations() -> None:
    assert skeleton("chalous") == skeleton("chaloos") == skeleton("chalus")
    assert skeleton("ghazvin") == skeleton("qazvin")
