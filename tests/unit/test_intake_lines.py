"""A province's own line settings (pure): hours, overflow time, backups, national pool."""

from __future__ import annotations

from datetime import time

import pytest

from panah.core.errors import InvalidInput
from panah.intake.routing.lines import LineSettings, configured, format_hours, parse_hours
from panah.intake.routing.model import LineConfig, OpeningHours

PROVINCES = {f"IR-{i:02d}" for i in range(1, 32)}
MAZANDARAN = LineConfig("IR-02", backup_queues=("IR-27", "IR-20"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ()),
        ("24/7", ()),
        ("08:00-20:00", (OpeningHours(time(8), time(20)),)),
        ("۰۸:۰۰-۱۴:۰۰، 16:30-22:00", (OpeningHours(time(8), time(14)),
                                      OpeningHours(time(16, 30), time(22)))),
        ("22:00-06:00", (OpeningHours(time(22), time(6)),)),  # across midnight
        ("18:00-24:00", (OpeningHours(time(18), time(0)),)),
    ],
)
def test_hours_are_read_in_iran_time_with_either_digits(
    text: str, expected: tuple[OpeningHours, ...]
) -> None:
    assert parse_hours(text) == expected
    assert parse_hours(format_hours(expected)) == expected


@pytest.mark.parametrize("text", ["8-20", "08:00", "25:00-26:00", "08:60-09:00", "09:00-09:00",
                                  "all day"])
def test_hours_that_are_not_spans_are_refused_with_the_way_to_write_them(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_hours(text)
    assert refused.value.details["field"] == "hours"
    assert refused.value.message_fa


def test_settings_make_the_line() -> None:
    line = configured(MAZANDARAN, LineSettings(45, ("IR-27", " IR-12 ", "IR-27"), False,
                                               "08:00-20:00"), PROVINCES)
    assert (line.overflow_after_s, line.backup_queues, line.national_pool) == (
        45.0, ("IR-27", "IR-12"), False)
    assert line.hours == (OpeningHours(time(8), time(20)),)
    assert line.queue == "IR-02"


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (LineSettings(2, ("IR-27",), True), "overflow_after_s"),
        (LineSettings(601, ("IR-27",), True), "overflow_after_s"),
        (LineSettings(20, ("IR-02",), True), "backup_queues"),  # itself
        (LineSettings(20, ("IR-99",), True), "backup_queues"),
        (LineSettings(20, tuple(f"IR-{i:02d}" for i in range(3, 9)), True), "backup_queues"),
        (LineSettings(20, (), False), "backup_queues"),  # nowhere to overflow
        (LineSettings(20, ("IR-27",), True, "soon"), "hours"),
    ],
)
def test_settings_that_would_leave_callers_unanswered_are_refused(
    settings: LineSettings, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        configured(MAZANDARAN, settings, PROVINCES)
    assert refused.value.details["field"] == field
