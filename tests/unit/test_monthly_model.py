"""The monthly report's shape: made of the engine's tables, its JSON's stable keys, how a
value reads, which months may be asked for, and the charts drawn on the server."""

from __future__ import annotations

import json
import re
from datetime import date

from panah.reports.monthly import charts
from panah.reports.monthly.model import (
    HEADLINE,
    JSON_KEYS,
    as_json,
    days_to_count,
    month_choices,
    shown,
)
from panah.reports.periods import jalali_month
from tests.unit.monthly_tables import FARVARDIN, HEADLINE_VALUES, SECOND_DAY, farvardin_report

ISSUE_KEYS = ("contacts_offered", "contacts_answered", "answered_within_20s_pct", "abandoned",
              "average_speed_of_answer_s", "by_channel", "by_category", "team_requests",
              "arrival_p90_min", "referrals", "cases_opened", "cases_closed")
PERSIAN_LETTER = re.compile(r"[\u0621-\u064A\u067E\u0686\u0698\u06A9\u06AF\u06CC]")


def test_the_json_carries_every_figure_the_issue_names_under_its_stable_key() -> None:
    data = as_json(farvardin_report())
    assert set(ISSUE_KEYS) <= set(data)
    assert list(data) == list(JSON_KEYS)
    assert data["contacts_offered"] == 140
    assert data["answered_within_20s_pct"] == 68.6
    assert data["arrival_p90_min"] == 38.5
    json.dumps(data)  # plain JSON, nothing to coerce


def test_the_json_names_the_province_the_month_and_its_iran_time_bounds() -> None:
    data = as_json(farvardin_report())
    assert (data["province"], data["month"]) == ("IR-02", "1405-01")
    assert data["month_label_fa"] == "فروردین ۱۴۰۵"
    # 1 Farvardin begins at 00:00 Tehran = 20:30 UTC on the day before.
    assert data["period_start"] == "2026-03-20T20:30:00+00:00"
    assert data["period_end"] == "2026-04-20T20:30:00+00:00"
    assert (data["first_day"], data["last_day"]) == ("2026-03-21", "2026-04-20")
    assert data["generated_at"] == "2026-03-22T06:30:00+00:00"


def test_a_figure_the_engine_left_out_still_has_its_key_with_null() -> None:
    data = as_json(farvardin_report())
    assert "overflow_in" not in HEADLINE_VALUES
    assert data["overflow_in"] is None


def test_a_running_month_is_marked_so_far_and_its_days_to_come_are_empty() -> None:
    report = farvardin_report()
    assert not report.complete
    assert len(report.daily) == 31  # Farvardin has 31 days: the chart's axis is the month
    assert report.daily[1].values["contacts_offered"] == 80
    assert report.daily[2].day.key == "1405-01-03"
    assert all(v is None for v in report.daily[2].values.values())


def test_the_splits_come_largest_first_and_keep_their_names_in_both_languages() -> None:
    data = as_json(farvardin_report())
    assert [c["key"] for c in data["by_channel"]] == ["voice", "web_chat", "sms"]
    assert data["by_category"][0]["name_fa"] == "همسرآزاری"
    assert data["by_county"][0]["name_en"] == "Chalus"


def test_only_months_that_have_begun_can_be_counted() -> None:
    assert days_to_count(FARVARDIN, SECOND_DAY) == (date(2026, 3, 21), SECOND_DAY)
    assert days_to_count(jalali_month(1404, 12), SECOND_DAY) == (date(2026, 2, 20),
                                                                 date(2026, 3, 20))
    assert days_to_count(jalali_month(1405, 2), SECOND_DAY) is None


def test_the_months_to_choose_start_with_this_one_and_go_back() -> None:
    months = month_choices(SECOND_DAY, 3)
    assert [m.key for m in months] == ["1405-01", "1404-12", "1404-11"]


def test_values_read_in_persian_digits_and_a_hidden_count_reads_below_k() -> None:
    assert shown(1234, "number", "fa", suppressed_below=None) == "۱٬۲۳۴"
    assert shown(68.6, "pct", "fa", suppressed_below=None) == "۶۸٫۶٪"
    assert shown(14.5, "seconds", "en", suppressed_below=None) == "14.5 s"
    assert shown(None, "number", "fa", suppressed_below=10) == "<۱۰"
    assert shown(None, "pct", "fa", suppressed_below=10) == "—"
    assert shown(None, "number", "en", suppressed_below=None) == "—"


def test_the_charts_hold_shapes_and_numbers_but_never_a_persian_word() -> None:
    drawn = charts.charts_of(farvardin_report(), "fa")
    for svg in (drawn.daily_contacts, drawn.within_20s):
        assert svg.startswith("<svg")
        assert not PERSIAN_LETTER.search(svg)  # the PDF's SVG would print words backwards
        assert "style=" not in svg  # the pages' CSP refuses inline styles
    assert drawn.daily_contacts.count("<rect") == 4  # two days so far, two bars each
    assert "۳۱" in drawn.daily_contacts  # the axis runs to the month's last day


def test_a_table_chart_names_its_groups_in_html_and_leaves_out_empty_ones() -> None:
    drawn = charts.charts_of(farvardin_report(), "fa")
    assert "تماس تلفنی" in drawn.by_channel and "گفتگوی وب" in drawn.by_channel
    assert "پیامک" not in drawn.by_channel  # nothing by SMS this month
    assert "چالوس" in drawn.arrival and "۳۱" in drawn.arrival


def test_the_service_level_line_breaks_on_a_day_without_a_value() -> None:
    svg = charts.charts_of(farvardin_report(), "fa").within_20s
    assert svg.count("<polyline") == 1  # days 1–2, then nothing to draw through
    assert svg.count("<circle") == 2


def test_the_axis_rounds_up_to_a_readable_top() -> None:
    assert [charts.nice_top(v) for v in (0, 3, 80, 120, 999)] == [1.0, 5.0, 100.0, 200.0,
                                                                  1000.0]


def test_every_headline_key_is_a_figure_of_the_engine() -> None:
    from panah.reports.statistics.model import FIGURES

    assert set(HEADLINE) <= set(FIGURES)


def test_a_figure_left_out_for_the_asker_keeps_its_name_on_the_page() -> None:
    report = farvardin_report()
    assert report.names["overflow_in"].name_fa == "سرریز به درون"
    assert report.names["average_speed_of_answer_s"].unit == "seconds"
