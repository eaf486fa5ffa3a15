"""Persian text normalisation: letters, digits, ZWNJ, diacritics, prefixes."""

from __future__ import annotations

import pytest

from panah.geo.text import (
    ZWNJ,
    is_persian,
    match_key,
    normalize_fa,
    to_ascii_digits,
    to_persian_digits,
)


def test_arabic_letters_become_persian() -> None:
    assert normalize_fa("كلاردشت") == "کلاردشت"
    assert normalize_fa("علي") == "علی"
    assert normalize_fa("موسى") == "موسی"
    assert normalize_fa("مدرسة") == "مدرسه"
    assert normalize_fa("خانۀ") == "خانه"


def test_diacritics_and_tatweel_are_removed() -> None:
    assert normalize_fa("شَهرِ كُرد") == "شهر کرد"
    assert normalize_fa("بابلـــسر") == "بابلسر"


def test_whitespace_and_zwnj_runs_collapse() -> None:
    assert normalize_fa("  قائم    شهر \n") == "قائم شهر"
    assert normalize_fa(f"بابل {ZWNJ} سر") == f"بابل{ZWNJ}سر"


def test_display_keeps_hamza_but_matching_does_not() -> None:
    assert normalize_fa("قائم شهر") == "قائم شهر"
    assert match_key("قائم شهر") == match_key("قایمشهر")


@pytest.mark.parametrize(
    ("text", "ascii_", "persian"),
    [
        ("۱۲۳", "123", "۱۲۳"),
        ("١٢٣", "123", "۱۲۳"),
        ("123", "123", "۱۲۳"),
        ("خط ۱۲۳", "خط 123", "خط ۱۲۳"),
    ],
)
def test_digits_convert_both_ways(text: str, ascii_: str, persian: str) -> None:
    assert to_ascii_digits(text) == ascii_
    assert to_persian_digits(text) == persian


def test_persian_digits_of_numbers() -> None:
    assert to_persian_digits(1405) == "۱۴۰۵"
    assert to_persian_digits(36.65) == "۳۶.۶۵"


@pytest.mark.parametrize(
    "variant",
    ["بابلسر", "بابل سر", f"بابل{ZWNJ}سر", "شهرستان بابلسر", "شهرستان  بابل‌سر", "بابل سَر"],
)
def test_spacing_and_prefix_variants_share_one_key(variant: str) -> None:
    assert match_key(variant) == "بابلسر"


@pytest.mark.parametrize(
    ("variant", "key"),
    [
        ("Chalus County", "chalus"),
        ("CHALUS", "chalus"),
        ("Province of Tehran", "tehran"),
        ("Mazandaran Province", "mazandaran"),
        ("استان مازندران", "مازندران"),
        ("Qā’em Shahr", "qaemshahr"),
        ("Takht-e Qeyşar", "takhteqeysar"),
        ("Bandar-e Gaz", "bandaregaz"),
    ],
)
def test_english_and_persian_keys(variant: str, key: str) -> None:
    assert match_key(variant) == key


def test_a_prefix_alone_is_kept_as_the_name() -> None:
    assert match_key("استان") == "استان"
    assert match_key("County") == "county"


def test_shahr_inside_a_name_is_not_stripped() -> None:
    assert match_key("شهر بابک") == "شهربابک"


def test_is_persian() -> None:
    assert is_persian("چالوس")
    assert not is_persian("Chalus")
    assert not is_persian("123")


def test_the_ezafe_hamza_is_spelling_and_kept_for_display_but_not_for_matching() -> None:
    # "خانهٔ امن": the hamza above the he is the ezafe, part of the name a person reads; the
    # vowel signs around it are dropped, and the matching key is the same either way.
    assert normalize_fa("خانهٔ  اَمن") == "خانهٔ امن"
    assert match_key("خانهٔ امن") == match_key("خانه امن")
