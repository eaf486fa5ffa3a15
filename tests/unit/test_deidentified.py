"""De-identification: identifiers gone, dates coarsened, small groups generalised."""

from __future__ import annotations

from datetime import UTC, datetime

from panah.reports.deidentified import MASKED, CaseFacts, deidentify, jalali_month, pseudonym

KEY = b"k" * 32
NOWRUZ = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)


def facts(case_id: int, county: str | None = "Chalus", category: str = "spouse_abuse",
          birth: int | None = 1990, gender: str | None = "female") -> CaseFacts:
    return CaseFacts(case_id, "IR-02", county, category, NOWRUZ, birth, gender, "open")


def test_nowruz_falls_in_farvardin_1405() -> None:
    assert jalali_month(NOWRUZ) == "1405-01"


def test_pseudonyms_are_stable_keyed_and_not_the_id() -> None:
    assert pseudonym(KEY, 7) == pseudonym(KEY, 7)
    assert pseudonym(KEY, 7) != pseudonym(b"x" * 32, 7)
    assert pseudonym(KEY, 7) != "7" and len(pseudonym(KEY, 7)) == 16


def test_a_large_group_keeps_county_age_and_gender() -> None:
    export = deidentify([facts(i) for i in range(5)], key=KEY, k=5)
    kept = {(r.county, r.age_band, r.gender) for r in export.rows}
    assert kept == {("Chalus", "30-44", "female")}
    assert export.generalised_county == export.masked_person == 0


def test_a_lone_case_loses_its_county_then_its_age_and_gender() -> None:
    rows = [facts(i) for i in range(5)] + [facts(99, county="Kelardasht", birth=2012,
                                                 gender="male")]
    export = deidentify(rows, key=KEY, k=5)
    lone = next(r for r in export.rows if r.pseudonym == pseudonym(KEY, 99))
    assert (lone.county, lone.age_band, lone.gender) == (MASKED, MASKED, MASKED)
    assert lone.category == "spouse_abuse" and lone.month == "1405-01"
    assert (export.generalised_county, export.masked_person) == (1, 1)
    assert all(r.county == "Chalus" for r in export.rows if r is not lone)


def test_a_case_that_blends_in_at_province_level_keeps_age_and_gender() -> None:
    rows = [facts(i) for i in range(5)] + [facts(99, county="Kelardasht")]
    export = deidentify(rows, key=KEY, k=5)
    lone = next(r for r in export.rows if r.pseudonym == pseudonym(KEY, 99))
    assert (lone.county, lone.age_band, lone.gender) == (MASKED, "30-44", "female")
    assert (export.generalised_county, export.masked_person) == (1, 0)


def test_k_one_changes_nothing() -> None:
    export = deidentify([facts(1, county="Nur")], key=KEY, k=1)
    assert export.rows[0].county == "Nur"
