"""API shapes of the appointments: ``XCreate`` in, ``XPublic`` out."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from panah.centres.appointments.model import AppointmentKind, AppointmentState

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
WeekdayName = Literal["saturday", "sunday", "monday", "tuesday", "wednesday", "thursday",
                      "friday"]


class AppointmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    worker_id: Id = Field(description="A member of the case's team")
    kind: AppointmentKind
    day: str = Field(min_length=8, max_length=12,
                     description="The day in the Jalali calendar (1405/09/20; Persian digits "
                                 "too) or ISO (2026-12-11)")
    time: str = Field(min_length=3, max_length=5, description="Iran wall-clock time, 10:30")
    minutes: int = Field(ge=1, le=24 * 60, description="15 to 180")
    note: str | None = Field(default=None, max_length=2000)


class CancelBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)


class AppointmentPublic(BaseModel):
    id: int
    case_id: int
    worker_id: int
    worker_name: str
    discipline: str
    kind: AppointmentKind
    starts_at: datetime
    ends_at: datetime
    state: AppointmentState
    note: str | None = None
    booked_at: datetime
    booked_by: str | None = None
    settled_at: datetime | None = None
    cancel_reason: str | None = None


class FollowUpPublic(BaseModel):
    id: int
    case_id: int
    due_at: datetime
    reason: str
    from_appointment_id: int | None
    done_at: datetime | None = None


class AppointmentOutcome(BaseModel):
    """An appointment after attended / missed / cancel, with the follow-up a miss left."""

    appointment: AppointmentPublic
    follow_up: FollowUpPublic | None = None


class ShiftBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weekday: WeekdayName
    start: time = Field(description="Iran wall clock, 08:00")
    end: time


class HoursUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: list[ShiftBody] = Field(max_length=7,
                                  description="The working days; empty: the default hours")


class HoursPublic(BaseModel):
    user_id: int
    username: str
    full_name: str
    is_default: bool
    days: list[ShiftBody]


class CalendarEntry(BaseModel):
    """A slot on the calendar; the case and client only for those who may open the case
    (``busy`` for the others)."""

    id: int
    day: date  # in Iran
    starts_at: datetime
    ends_at: datetime
    worker_id: int
    worker_name: str
    discipline: str
    kind: AppointmentKind
    state: AppointmentState
    busy: bool
    case_id: int | None = None
    reference: str | None = None
    client_name: str | None = None


class WorkerPublic(BaseModel):
    id: int
    full_name: str
    discipline: str


class CalendarWeek(BaseModel):
    week_start: date  # a Saturday
    days: list[date]
    previous_week: date
    next_week: date
    workers: list[WorkerPublic]
    disciplines: list[str]
    worker_id: int | None = None
    discipline: str | None = None
    entries: list[CalendarEntry]
