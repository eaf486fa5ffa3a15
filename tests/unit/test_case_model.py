"""Pure rules of case files: national codes, restricted categories, age bands."""

from __future__ import annotations

import pytest

from panah.cases.model import CaseCategory, age_band, is_valid_national_code, restricted_category


@pytest.mark.parametrize("code", ["0499370899", "0084575948", "1111111111", "049937089",
                                  "04993708991", "۰۴۹۹۳۷۰۸۹۹", "04993708a9"])
def test_national_code_check_digit(code: str) -> None:
    assert is_valid_national_code(code) is (code in {"0499370899", "0084575948"})


def test_restricted_categories() -> None:
    assert restricted_category(CaseCategory.sexual_abuse) == "sexual_abuse"
    assert restricted_category(CaseCategory.gender_dysphoria) == "gender_dysphoria"
    assert restricted_category(CaseCategory.spouse_abuse) is None


@pytest.mark.parametrize(("birth", "band"), [(None, "unknown"), (2030, "unknown"), (2020, "0-11"),
                                              (2010, "12-17"), (2000, "18-29"), (1990, "30-44"),
                                              (1970, "45-59"), (1950, "60+")])
def test_age_bands(birth: int | None, band: str) -> None:
    assert age_band(birth, 2026) == band
