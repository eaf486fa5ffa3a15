"""The thread's pure rules: where a case began, who may open one from a contact, what
triage's codes make of the case, and the timeline's order and days (Iran's calendar)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from panah.cases.model import CaseCategory, CaseOrigin
from panah.cases.thread.items import TimelineItem
from panah.cases.thread.model import (
    by_day,
    case_kind,
    may_open_from_contact,
    minutes_between,
    newest_first,
    open_case_ids,
    origin_of,
    tehran,
)

MARYAM, REZA = 7, 8  # two counsellors of the Mazandaran line
NOWRUZ = datetime(2026, 3, 20, 20, 0, tzinfo=UTC)  # 23:30 in Tehran, 29 Esfand 1404


def item(at: datetime, kind: str = "note") -> TimelineItem:
    return TimelineItem(at=at, kind=kind, label_key=f"thread.item.{kind}")


def test_a_partners_hand_over_and_a_walk_in_keep_their_origin_every_other_channel_is_a_contact(
) -> None:
    assert origin_of("partner") is CaseOrigin.partner
    assert origin_of("walk_in") is CaseOrigin.walk_in
    assert {origin_of(c) for c in ("voice", "sms", "web_chat", "web_report")} == {
        CaseOrigin.contact}


def test_maryam_opens_a_case_from_the_call_she_took_but_not_from_rezas_call_in_progress() -> None:
    assert may_open_from_contact("answered", MARYAM, MARYAM)
    assert may_open_from_contact("wrap_up", MARYAM, MARYAM)
    assert not may_open_from_contact("answered", REZA, MARYAM)


def test_a_call_still_waiting_opens_no_case_one_that_has_ended_does_for_anyone() -> None:
    assert not may_open_from_contact("queued", None, MARYAM)
    assert not may_open_from_contact("abandoned", None, MARYAM)
    assert may_open_from_contact("closed", REZA, MARYAM)


def test_the_first_triage_code_naming_a_case_category_becomes_the_category_the_rest_types(
) -> None:
    kind = case_kind(["addiction", "spouse_abuse", "child_abuse"], None)
    assert kind.category is CaseCategory.spouse_abuse
    assert kind.types == ("addiction", "child_abuse")


def test_the_workers_choice_wins_over_triage_and_nothing_triaged_is_other() -> None:
    assert case_kind(["spouse_abuse"], CaseCategory.child_abuse).types == ("spouse_abuse",)
    assert case_kind([], None).category is CaseCategory.other


def test_only_open_cases_are_offered_for_a_second_call() -> None:
    assert open_case_ids([(1, "closed"), (2, "services"), (3, "open")]) == [2, 3]


def test_the_timeline_is_newest_first_and_the_call_comes_before_its_triage_at_one_moment(
) -> None:
    call, screen = item(NOWRUZ, "contact"), item(NOWRUZ, "triage")
    report = item(NOWRUZ + timedelta(hours=2), "visit_report")
    assert newest_first([screen, call, report]) == [report, screen, call]


def test_days_are_irans_days_half_past_eleven_in_tehran_is_not_yet_the_next_day() -> None:
    late = item(NOWRUZ)  # 23:30 Tehran, 20 March
    after_midnight = item(NOWRUZ + timedelta(minutes=45))  # 00:15 Tehran, 21 March
    days = by_day(newest_first([late, after_midnight]), tehran())
    assert [(d.day, len(d.items)) for d in days] == [(date(2026, 3, 21), 1),
                                                      (date(2026, 3, 20), 1)]


def test_a_calls_length_is_in_whole_minutes_and_unknown_until_it_ends() -> None:
    assert minutes_between(NOWRUZ, NOWRUZ + timedelta(minutes=12, seconds=20)) == 12
    assert minutes_between(NOWRUZ, NOWRUZ + timedelta(seconds=10)) == 1
    assert minutes_between(NOWRUZ, None) is None
    naive = NOWRUZ.replace(tzinfo=None)  # as SQLite gives it back
    assert minutes_between(naive, NOWRUZ + timedelta(minutes=5)) == 5
