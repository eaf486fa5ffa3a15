"""The statistics' pure rules: days rolled into Jalali periods in Iran time, percentiles,
rates with nothing to divide by, small cells hidden, bed-nights, and requests as typed."""

from __future__ import annotations

from datetime import date

import pytest

from panah.centres.shelters.model import BedUse, occupancy
from panah.core.errors import InvalidInput
from panah.reports.periods import Grain, jalali_month, period_of
from panah.reports.statistics.asked import read_query
from panah.reports.statistics.model import (
    FIGURES,
    PUBLIC_FIGURES,
    Dimension,
    Parts,
    StatsQuery,
    StatsRow,
    StatsTable,
    Unit,
    bed_days,
    figures_for,
    hide_small,
    keep_only,
    mean,
    percentile,
    rate,
    roll_up,
    suppress,
    values_of,
    with_bases,
)

ESFAND_29 = date(2026, 3, 20)  # 29 Esfand 1404, the last day of the year
NOWRUZ = date(2026, 3, 21)  # 1 Farvardin 1405
ISSUE_KEYS = ("contacts_offered", "contacts_answered", "abandoned", "answered_within_20s",
              "answered_within_20s_pct", "abandoned_pct", "average_speed_of_answer_s",
              "average_handling_time_s", "repeat_contacts", "callbacks", "callbacks_in_time",
              "callbacks_in_time_pct", "overflow_out", "overflow_in", "team_requests",
              "arrival_median_min", "arrival_p90_min", "referrals", "referrals_ack_in_time",
              "referrals_ack_in_time_pct", "cases_opened", "cases_closed",
              "shelter_occupancy_pct", "shelter_bed_nights", "base_sessions", "base_attendance")


def parts(**sums: float) -> Parts:
    return Parts(sums={k: float(v) for k, v in sums.items()})


def test_every_figure_the_issue_names_is_in_the_catalogue_with_both_languages() -> None:
    assert set(ISSUE_KEYS) <= set(FIGURES)
    for figure in FIGURES.values():
        assert figure.name_fa and figure.name_en and figure.definition_en
        assert any("\u0600" <= ch <= "\u06ff" for ch in figure.definition_fa), figure.key
        assert set(figure.based_on) <= set(FIGURES), figure.key


def test_a_category_split_says_a_contact_with_two_categories_counts_in_both() -> None:
    assert "counts in both" in FIGURES["contacts_offered"].definition_en
    assert Dimension.category in FIGURES["contacts_offered"].dimensions
    assert Dimension.channel not in FIGURES["shelter_occupancy_pct"].dimensions


def test_the_last_day_of_esfand_and_nowruz_fall_in_different_months_and_years() -> None:
    days = {(ESFAND_29, None): parts(contacts_offered=3), (NOWRUZ, None): parts(contacts_offered=5)}
    by_month = roll_up(days, ESFAND_29, NOWRUZ, Grain.month)
    assert {p.key: v.get("contacts_offered") for (p, _), v in by_month.items()} == {
        "1404-12": 3.0, "1405-01": 5.0}
    by_year = roll_up(days, ESFAND_29, NOWRUZ, Grain.year)
    assert sorted(p.key for p, _ in by_year) == ["1404", "1405"]


def test_a_week_starts_on_saturday_and_sums_its_days() -> None:
    friday, saturday = date(2026, 3, 20), date(2026, 3, 21)  # 21 March 2026 is a Saturday
    days = {(friday, "IR-02"): parts(callbacks=1), (saturday, "IR-02"): parts(callbacks=2),
            (date(2026, 3, 27), "IR-02"): parts(callbacks=4)}
    weeks = roll_up(days, friday, date(2026, 3, 27), Grain.week)
    assert {p.key: v.get("callbacks") for (p, _), v in weeks.items()} == {
        "1404-W12-23": 1.0, "1405-W01-01": 6.0}


def test_days_outside_the_range_are_left_out_of_the_periods() -> None:
    days = {(date(2026, 4, 1), None): parts(cases_opened=1),
            (date(2026, 4, 25), None): parts(cases_opened=1)}
    rolled = roll_up(days, date(2026, 4, 1), date(2026, 4, 10), Grain.month)
    assert [v.get("cases_opened") for v in rolled.values()] == [1.0]


def test_rolling_up_keeps_the_groups_apart_and_the_arrivals_for_percentiles() -> None:
    days = {(NOWRUZ, "IR-01"): Parts(arrivals=[10.0]), (NOWRUZ, "IR-02"): Parts(arrivals=[20.0]),
            (date(2026, 3, 22), "IR-02"): Parts(arrivals=[30.0])}
    rolled = roll_up(days, NOWRUZ, date(2026, 3, 22), Grain.month)
    farvardin = jalali_month(1405, 1)
    assert rolled[(farvardin, "IR-02")].arrivals == [20.0, 30.0]
    assert values_of(rolled[(farvardin, "IR-02")], ["arrival_median_min"]) == {
        "arrival_median_min": 25.0}


def test_percentiles_interpolate_between_the_closest_ranks() -> None:
    assert percentile([10, 20], 50) == 15
    assert percentile([30, 10, 20], 50) == 20
    assert percentile(list(range(1, 11)), 90) == pytest.approx(9.1)
    assert percentile([7.0], 90) == 7.0
    assert percentile([], 50) is None


def test_a_rate_with_nothing_to_divide_by_is_none_not_zero() -> None:
    assert rate(0, 0) is None
    assert rate(0, 4) == 0.0
    assert rate(1, 3) == 33.3
    assert mean(0, 0) is None
    empty = values_of(Parts(), ["answered_within_20s_pct", "abandoned_pct",
                                "average_speed_of_answer_s", "contacts_offered",
                                "shelter_occupancy_pct", "arrival_p90_min"])
    assert empty == {"answered_within_20s_pct": None, "abandoned_pct": None,
                     "average_speed_of_answer_s": None, "contacts_offered": 0,
                     "shelter_occupancy_pct": None, "arrival_p90_min": None}


def test_service_level_divides_by_answered_and_abandoned() -> None:
    p = parts(contacts_answered=3, abandoned=1, answered_within_20s=2, answer_wait_s=45,
              handling_s=900, handled=2)
    assert values_of(p, ["answered_within_20s_pct", "abandoned_pct",
                         "average_speed_of_answer_s", "average_handling_time_s"]) == {
        "answered_within_20s_pct": 50.0, "abandoned_pct": 25.0,
        "average_speed_of_answer_s": 15.0, "average_handling_time_s": 450.0}


def test_a_small_count_is_hidden_and_zero_stays() -> None:
    hidden = hide_small({"contacts_offered": 9, "contacts_answered": 0, "abandoned": 10}, 10)
    assert hidden == {"contacts_offered": None, "contacts_answered": 0, "abandoned": 10}


def test_a_rate_resting_on_a_hidden_count_is_hidden_too() -> None:
    values = {"contacts_answered": 40, "abandoned": 3, "answered_within_20s": 30,
              "answered_within_20s_pct": 69.8, "abandoned_pct": 7.0,
              "average_speed_of_answer_s": 12.5}
    hidden = hide_small(values, 10)
    assert hidden["abandoned"] is None
    assert hidden["abandoned_pct"] is None  # 3 of 43 would give the 3 away
    assert hidden["answered_within_20s_pct"] is None  # its denominator holds the 3
    assert hidden["average_speed_of_answer_s"] == 12.5  # over 40 answered: shown


def test_a_rate_whose_counts_are_not_in_the_table_is_hidden_rather_than_guessed() -> None:
    assert hide_small({"abandoned_pct": 5.0}, 10) == {"abandoned_pct": None}


def test_suppressing_a_table_hides_rows_group_totals_and_totals() -> None:
    period = period_of(NOWRUZ, Grain.month)
    row = StatsRow(period, "IR-02", "مازندران", "Mazandaran", {"callbacks": 4})
    table = StatsTable(StatsQuery("IR-02", NOWRUZ, NOWRUZ), [FIGURES["callbacks"]], [row],
                       totals={"callbacks": 12}, group_totals=[row])
    hidden = suppress(table, 10)
    assert hidden.suppressed_below == 10
    assert hidden.rows[0].values == {"callbacks": None}
    assert hidden.group_totals[0].values == {"callbacks": None}
    assert hidden.totals == {"callbacks": 12}
    assert table.rows[0].values == {"callbacks": 4}  # the original is untouched


def test_keeping_only_the_asked_figures_drops_the_counts_a_rate_needed() -> None:
    asked = ["abandoned_pct"]
    counted = with_bases(asked)
    assert counted == ["contacts_answered", "abandoned", "abandoned_pct"]
    period = period_of(NOWRUZ, Grain.day)
    row = StatsRow(period, None, "همه", "All", {"contacts_answered": 30, "abandoned": 12,
                                                 "abandoned_pct": 28.6})
    table = StatsTable(StatsQuery(None, NOWRUZ, NOWRUZ), [FIGURES[k] for k in counted], [row])
    kept = keep_only(suppress(table), asked)
    assert kept.rows[0].values == {"abandoned_pct": 28.6}
    assert [f.key for f in kept.figures] == asked


def test_an_analyst_split_offers_counts_and_rates_only() -> None:
    units = {f.unit for f in figures_for(Dimension.none, units=frozenset({Unit.number,
                                                                          Unit.pct}))}
    assert units == {Unit.number, Unit.pct}
    by_channel = {f.key for f in figures_for(Dimension.channel)}
    assert "contacts_offered" in by_channel and "cases_opened" not in by_channel
    in_a_county = {f.key for f in figures_for(Dimension.none, county=True)}
    assert "overflow_in" not in in_a_county and "overflow_out" in in_a_county
    assert set(PUBLIC_FIGURES) <= set(FIGURES)


def test_bed_nights_count_a_bed_once_a_day_as_the_shelters_occupancy_does() -> None:
    first, last = date(2026, 3, 18), date(2026, 3, 24)
    stays = [(1, date(2026, 3, 19), date(2026, 3, 21)),  # out on the 21st, the day counts
             (1, date(2026, 3, 21), None),  # the same bed taken again the same day
             (2, date(2026, 3, 23), date(2026, 3, 23)),
             (9, date(2026, 3, 20), date(2026, 3, 20))]  # a bed since retired
    ours = bed_days({1, 2, 3}, stays, first, last)
    theirs = occupancy({1, 2, 3}, [BedUse(b, s, e) for b, s, e in stays], first, last)
    assert [(d, used, beds) for d, used, beds in ours] == [
        (t.day, t.occupied, t.total) for t in theirs]
    assert sum(used for _, used, _ in ours) == 8  # bed 1: 19th–24th, 2: 23rd, 9: 20th


def test_a_request_reads_jalali_days_with_persian_digits_and_defaults_to_this_month() -> None:
    query = read_query(province="ir-02", county="", first="۱۴۰۵/۰۱/۰۱", last="2026-03-25",
                       grain="day", by="channel", figures="contacts_offered, abandoned",
                       today=date(2026, 4, 2))
    assert query == StatsQuery("IR-02", NOWRUZ, date(2026, 3, 25), Grain.day,
                               Dimension.channel, None, ("contacts_offered", "abandoned"))
    default = read_query(province=None, county=None, first=None, last=None, grain=None,
                         by=None, figures=None, today=date(2026, 4, 2))
    assert (default.first, default.last, default.grain) == (NOWRUZ, date(2026, 4, 2),
                                                            Grain.month)


@pytest.mark.parametrize(("asked", "field"), [
    ({"first": "1405/13/01"}, "from"), ({"last": "yesterday"}, "to"),
    ({"grain": "fortnight"}, "grain"), ({"by": "colour"}, "by"),
    ({"province": "Mazandaran"}, "province"),
])
def test_a_mistyped_request_names_its_field(asked: dict[str, str], field: str) -> None:
    typed: dict[str, str | None] = {"province": None, "county": None, "first": None,
                                    "last": None, "grain": None, "by": None, "figures": None}
    typed.update(asked)
    with pytest.raises(InvalidInput) as raised:
        read_query(**typed, today=date(2026, 4, 2))  # type: ignore[arg-type]
    assert raised.value.details["field"] == field
    assert raised.value.message_fa and raised.value.message_en.startswith(field)
