"""Phone numbers: E.164 from any form people write, mobiles, and the 31 landline area codes."""

from __future__ import annotations

import pytest

from panah.geo.reference import ProvinceFacts, province_facts
from panah.intake.model import LocationSource
from panah.intake.routing.phones import (
    PhoneError,
    area_code,
    area_code_fix,
    area_code_province,
    is_mobile,
    to_e164,
)


@pytest.mark.parametrize(
    "raw",
    ["09121234567", "0912 123 4567", "۰۹۱۲۱۲۳۴۵۶۷", "٠٩١٢١٢٣٤٥٦٧", "+98 912 123 4567",
     "0098-912-123-4567", "989121234567", "(0912) 123.4567", "\u200e+989121234567\u200f"],
    ids=["national", "spaced", "persian-digits", "arabic-digits", "international",
         "double-zero", "no-plus", "punctuated", "direction-marks"],
)
def test_a_mobile_number_in_any_form_becomes_e164(raw: str) -> None:
    assert to_e164(raw) == "+989121234567"


def test_a_landline_in_national_form_becomes_e164() -> None:
    assert to_e164("011 3322 4455") == "+981133224455"


def test_a_foreign_travellers_number_is_kept() -> None:
    assert to_e164("+44 20 7946 0958") == "+442079460958"


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "0912", "0912123456789", "abc", "+98 912 12x 4567", "09121234567; DROP",
     "+999 1234567", "1" * 60],
    ids=["empty", "blank", "too-short", "too-long", "letters", "letter-inside",
         "injection", "no-such-country", "absurd-length"],
)
def test_invalid_numbers_are_refused_with_a_bilingual_message(raw: str) -> None:
    with pytest.raises(PhoneError) as caught:
        to_e164(raw)
    error = caught.value
    assert "not usable" in error.message_en and "national form" in error.message_en
    assert "شماره تلفن قابل استفاده نیست" in error.message_fa
    assert error.as_dict()["error"] == "invalid_phone"


def test_the_refusal_does_not_echo_the_number() -> None:
    with pytest.raises(PhoneError) as caught:
        to_e164("0912123456789")
    assert "0912123456789" not in caught.value.message_en + caught.value.message_fa


def test_mobiles_and_landlines_are_told_apart() -> None:
    assert is_mobile("+989121234567")
    assert is_mobile("+989901234567")
    assert not is_mobile("+981133224455")


def test_is_mobile_wants_e164() -> None:
    with pytest.raises(PhoneError):
        is_mobile("09121234567")


@pytest.mark.parametrize("province", province_facts(), ids=lambda p: f"{p.area_code}-{p.name_en}")
def test_every_landline_area_code_gives_its_province(province: ProvinceFacts) -> None:
    e164 = to_e164(f"{province.area_code} 3234 5678")
    assert area_code(e164) == province.area_code
    assert area_code_province(e164) == province.code
    fix = area_code_fix(e164)
    assert fix is not None
    assert (fix.source, fix.province_code, fix.detail) == (
        LocationSource.area_code, province.code, province.area_code,
    )
    assert not fix.has_point


def test_the_31_area_codes_are_distinct() -> None:
    codes = [p.area_code for p in province_facts()]
    assert len(codes) == len(set(codes)) == 31


@pytest.mark.parametrize(
    "e164", ["+989121234567", "+989351234567", "+442079460958", "+16502530000"],
    ids=["mci-mobile", "irancell-mobile", "london-landline", "us-number"],
)
def test_mobiles_and_foreign_numbers_have_no_province(e164: str) -> None:
    assert area_code_province(e164) is None
    assert area_code_fix(e164) is None
