"""The monthly report's JSON as the API publishes it (OpenAPI): ``model.as_json`` typed."""

from __future__ import annotations

from pydantic import BaseModel, Field

from panah.reports.monthly.model import MonthlyReport, as_json

Count = int | None
Rate = float | None


class GroupIn(BaseModel):
    key: str | None = Field(description="The group's code (a channel, a category, a county's "
                                        "key); null for contacts with no category yet.")
    name_fa: str
    name_en: str


class ChannelLine(GroupIn):
    contacts_offered: Count = None
    contacts_answered: Count = None
    abandoned: Count = None
    answered_within_20s_pct: Rate = None
    average_speed_of_answer_s: Rate = None


class CategoryLine(GroupIn):
    contacts_offered: Count = None
    contacts_answered: Count = None
    answered_within_20s_pct: Rate = None


class CountyLine(GroupIn):
    contacts_offered: Count = None
    team_requests: Count = None
    arrival_median_min: Rate = None
    arrival_p90_min: Rate = None
    referrals: Count = None
    cases_opened: Count = None


class DayLine(BaseModel):
    day: str = Field(description="The Jalali day, 1405-01-02.")
    date: str = Field(description="The same day in the Gregorian calendar, ISO 8601.")
    contacts_offered: Count = None
    contacts_answered: Count = None
    abandoned: Count = None
    answered_within_20s_pct: Rate = None


class MonthlyReportPublic(BaseModel):
    """One province's Jalali month. A figure is null where it was hidden as a small cell
    (an analyst's report: ``suppressed_below``), had nothing to count (a rate of nothing),
    or is not shown to the asker (an analyst gets no times)."""

    province: str = Field(description="ISO 3166-2:IR code, e.g. IR-02.")
    province_name_fa: str
    province_name_en: str
    month: str = Field(description="The Jalali month, 1405-01.")
    month_label_fa: str
    month_label_en: str
    first_day: str = Field(description="The month's first Iran day (Gregorian, ISO 8601).")
    last_day: str
    period_start: str = Field(description="The UTC instant the month begins in Iran.")
    period_end: str
    complete: bool = Field(description="The month had ended when the report was made.")
    counted_until: str = Field(description="The last Iran day counted.")
    generated_at: str
    suppressed_below: int | None = Field(
        description="Counts below this were hidden (null: nothing hidden).")
    contacts_offered: Count
    contacts_answered: Count
    abandoned: Count
    abandoned_pct: Rate
    answered_within_20s: Count
    answered_within_20s_pct: Rate
    average_speed_of_answer_s: Rate
    average_handling_time_s: Rate
    repeat_contacts: Count
    overflow_in: Count
    overflow_out: Count
    callbacks: Count
    callbacks_in_time_pct: Rate
    team_requests: Count
    arrival_median_min: Rate
    arrival_p90_min: Rate
    referrals: Count
    referrals_ack_in_time_pct: Rate
    cases_opened: Count
    cases_closed: Count
    shelter_occupancy_pct: Rate
    base_sessions: Count
    base_attendance: Count
    by_channel: list[ChannelLine]
    by_category: list[CategoryLine]
    by_county: list[CountyLine]
    daily: list[DayLine]

    @classmethod
    def of(cls, report: MonthlyReport) -> MonthlyReportPublic:
        return cls.model_validate(as_json(report))
