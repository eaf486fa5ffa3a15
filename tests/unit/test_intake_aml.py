"""Advanced Mobile Location SMS (ETSI TS 103 625): valid messages, variants, broken forms."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from panah.core.errors import InvalidInput
from panah.intake.model import LocationSource
from panah.intake.routing.aml import AmlError, PositioningMethod, parse_aml

CHALUS = (
    'A"ML=1;lt=+36.65490;lg=+51.42050;rd=25;top=20260321093011;lc=68;pm=G;'
    "si=432112345678901;ei=356938035643809;mcc=432;mnc=11;ml=124"
)
NO_LOCATION = (
    'A"ML=1;lt=+00.00000;lg=+000.00000;rd=N;top=20260321093011;lc=0;pm=N;'
    "si=432110000000000;ei=356938035643809;mcc=432;mnc=11;ml=127"
)


def test_a_handset_fix_in_chalus_is_read_field_by_field() -> None:
    message = parse_aml(CHALUS)
    assert message.version == 1
    assert (message.lat, message.lon, message.radius_m) == (36.6549, 51.4205, 25.0)
    assert message.positioned_at == datetime(2026, 3, 21, 9, 30, 11, tzinfo=UTC)
    assert message.confidence == 68
    assert message.method is PositioningMethod.gnss
    assert (message.imsi, message.imei) == ("432112345678901", "356938035643809")
    assert (message.mcc, message.mnc, message.declared_length) == ("432", "11", 124)
    assert message.extra == {}


def test_the_message_becomes_an_aml_location_candidate() -> None:
    fix = parse_aml(CHALUS).to_fix()
    assert fix.source is LocationSource.aml
    assert (fix.lat, fix.lon, fix.radius_m) == (36.6549, 51.4205, 25.0)
    assert fix.at == datetime(2026, 3, 21, 9, 30, 11, tzinfo=UTC)
    assert fix.has_point
    assert "pm=G" in fix.detail


def test_no_location_pm_n_gives_a_message_without_a_point() -> None:
    message = parse_aml(NO_LOCATION)
    assert message.method is PositioningMethod.none
    assert (message.lat, message.lon, message.radius_m) == (None, None, None)
    assert not message.has_point
    assert not message.to_fix().has_point


def test_pm_n_needs_no_coordinates_or_time_at_all() -> None:
    message = parse_aml('A"ML=1;pm=N;mcc=432;mnc=35')
    assert message.method is PositioningMethod.none
    assert message.positioned_at is None


@pytest.mark.parametrize(
    ("method", "expected"),
    [("G", PositioningMethod.gnss), ("W", PositioningMethod.wifi), ("C", PositioningMethod.cell),
     ("g", PositioningMethod.gnss)],
)
def test_every_positioning_method(method: str, expected: PositioningMethod) -> None:
    text = CHALUS.replace("pm=G", f"pm={method}")
    assert parse_aml(text).method is expected


@pytest.mark.parametrize(
    "header",
    ['A"ML', "A“ML", "A”ML", "A&quot;ML", 'A\\"ML', "AML", 'a"ml', 'A" ML'],
    ids=["ascii", "left-quote", "right-quote", "html-entity", "escaped", "quote-dropped",
         "lower-case", "space"],
)
def test_header_variants_seen_in_the_wild_are_accepted(header: str) -> None:
    message = parse_aml(CHALUS.replace('A"ML', header))
    assert (message.lat, message.lon) == (36.6549, 51.4205)


def test_whitespace_line_breaks_and_a_trailing_separator_are_tolerated() -> None:
    text = "  \n" + CHALUS.replace(";", " ;\n ").replace("=", " = ") + ";\r\n"
    message = parse_aml(text)
    assert (message.lat, message.lon, message.confidence) == (36.6549, 51.4205, 68)


def test_unknown_extra_keys_are_kept_not_refused() -> None:
    message = parse_aml(CHALUS + ";ha=12.5;xx=future-field")
    assert message.extra == {"ha": "12.5", "xx": "future-field"}


def test_negative_and_unsigned_coordinates_and_decimal_radius() -> None:
    message = parse_aml(CHALUS.replace("lt=+36.65490", "lt=-33.86000")
                        .replace("lg=+51.42050", "lg=151.2")
                        .replace("rd=25", "rd=14.5"))
    assert (message.lat, message.lon, message.radius_m) == (-33.86, 151.2, 14.5)


def test_a_mismatched_length_is_kept_not_enforced() -> None:
    # Handsets and gateways disagree on what ``ml`` counts; the example above says 124
    # for a text of 128 characters.
    assert parse_aml(CHALUS.replace("ml=124", "ml=9")).declared_length == 9


BROKEN = {
    "empty": ("", "text"),
    "blank": ("   \n ", "text"),
    "no header": ("lt=+36.65490;lg=+51.42050;pm=G;top=20260321093011", "header"),
    "other header": ('B"ML=1;' + CHALUS[7:], "header"),
    "version not a number": (CHALUS.replace("ML=1", "ML=x"), 'A"ML'),
    "version 2": (CHALUS.replace("ML=1", "ML=2"), 'A"ML'),
    "missing latitude": (CHALUS.replace("lt=+36.65490;", ""), "lt"),
    "empty longitude": (CHALUS.replace("lg=+51.42050", "lg="), "lg"),
    "latitude beyond 90": (CHALUS.replace("lt=+36.65490", "lt=+96.65490"), "lt"),
    "longitude beyond 180": (CHALUS.replace("lg=+51.42050", "lg=-181.00000"), "lg"),
    "latitude not a number": (CHALUS.replace("lt=+36.65490", "lt=36,65490"), "lt"),
    "latitude nan": (CHALUS.replace("lt=+36.65490", "lt=nan"), "lt"),
    "longitude in exponent form": (CHALUS.replace("lg=+51.42050", "lg=5.1e1"), "lg"),
    "negative radius": (CHALUS.replace("rd=25", "rd=-25"), "rd"),
    "radius not a number": (CHALUS.replace("rd=25", "rd=twenty"), "rd"),
    "time too short": (CHALUS.replace("top=20260321093011", "top=202603210930"), "top"),
    "time 13th month": (CHALUS.replace("top=20260321093011", "top=20261321093011"), "top"),
    "time 25th hour": (CHALUS.replace("top=20260321093011", "top=20260321253011"), "top"),
    "time missing with a point": (CHALUS.replace("top=20260321093011;", ""), "top"),
    "confidence over 100": (CHALUS.replace("lc=68", "lc=168"), "lc"),
    "confidence not a number": (CHALUS.replace("lc=68", "lc=high"), "lc"),
    "unknown method": (CHALUS.replace("pm=G", "pm=X"), "pm"),
    "method missing": (CHALUS.replace("pm=G;", ""), "pm"),
    "duplicated latitude": (CHALUS + ";lt=+35.00000", "lt"),
    "duplicated key in other case": (CHALUS + ";PM=W", "pm"),
    "field without =": (CHALUS.replace("lc=68", "lc68"), "lc68"),
    "imei with letters": (CHALUS.replace("ei=356938035643809", "ei=35693803564380X"), "ei"),
    "mcc too long": (CHALUS.replace("mcc=432", "mcc=4321"), "mcc"),
    "length not a number": (CHALUS.replace("ml=124", "ml=abc"), "ml"),
    "far too long": (CHALUS + ";x=" + "9" * 2000, "text"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_broken_messages_are_refused_naming_the_field(name: str) -> None:
    text, field = BROKEN[name]
    with pytest.raises(AmlError) as caught:
        parse_aml(text)
    error = caught.value
    assert isinstance(error, InvalidInput)
    assert error.field == field
    assert error.details["field"] == field
    assert "AML message refused" in error.message_en
    assert "پیامک AML پذیرفته نشد" in error.message_fa
    assert error.as_dict()["error"] == "invalid_aml"


def test_the_refusal_says_what_to_do() -> None:
    with pytest.raises(AmlError) as caught:
        parse_aml(CHALUS.replace("lt=+36.65490", "lt=+96.65490"))
    assert "outside [-90, 90]" in caught.value.message_en
    assert "route the contact by its other locations" in caught.value.message_en
