"""Appointments through the API, with the frozen clock at Nowruz 1405 (Sunday 1405/01/02,
10:00 Tehran). Shirin (social_worker) books for the spouse-abuse case, whose team is
her, Kaveh (psychologist) and the field crew. The demo already has Kaveh on Monday
10:00-11:00 and Shirin today 14:00-14:45."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from panah.cases.orm import Case
from panah.centres.appointments import queries, service
from panah.centres.appointments.model import AppointmentKind
from panah.centres.appointments.orm import Appointment
from panah.centres.appointments.schemas import AppointmentCreate
from panah.core.clock import FrozenClock, as_utc
from panah.core.db import unit_of_work
from panah.core.errors import InvalidInput
from panah.security.orm import User
from panah.security.sessions import actor_of
from tests.api.conftest import People


def _db(database_url: str) -> sqlite3.Connection:
    return sqlite3.connect(database_url.removeprefix("sqlite:///"))


def _one(database_url: str, sql: str, *args: object) -> object:
    with _db(database_url) as db:
        row = db.execute(sql, args).fetchone()
    return row[0] if row else None


@pytest.fixture
def spouse_case(database_url: str) -> int:
    return int(_one(database_url, "SELECT id FROM case_file WHERE category='spouse_abuse'"))  # type: ignore[arg-type]


@pytest.fixture
def kaveh(database_url: str) -> int:
    return int(_one(database_url, "SELECT id FROM app_user WHERE username='psychologist'"))  # type: ignore[arg-type]


def _count(database_url: str) -> int:
    return int(_one(database_url, "SELECT count(*) FROM appointment"))  # type: ignore[arg-type]


def book(people: People, case: int, worker: int, day: str, clock: str,
         minutes: int = 60, kind: str = "counselling_session") -> object:
    return people("social_worker").post(f"/api/cases/{case}/appointments", json={
        "worker_id": worker, "kind": kind, "day": day, "time": clock, "minutes": minutes})


def test_shirin_books_kaveh_in_jalali_and_iran_time_and_the_calendar_shows_it(
    people: People, spouse_case: int, kaveh: int
) -> None:
    booked = book(people, spouse_case, kaveh, "۱۴۰۵/۰۱/۰۴", "۱۰:۳۰")
    assert booked.status_code == 201, booked.text  # type: ignore[attr-defined]
    body = booked.json()  # type: ignore[attr-defined]
    assert body["starts_at"].startswith("2026-03-24T07:00:00")  # 10:30 Tehran in UTC
    assert body["state"] == "booked" and body["discipline"] == "psychologist"
    week = people("psychologist").get("/api/centres/appointments?week=2026-03-24").json()
    assert week["week_start"] == "2026-03-21"  # the Saturday
    mine = [e for e in week["entries"] if e["id"] == body["id"]]
    assert mine and mine[0]["client_name"] == "سارا محمدی" and not mine[0]["busy"]


def test_someone_not_on_the_case_sees_busy_without_the_clients_name(
    people: People, database_url: str
) -> None:
    child_case = _one(database_url, "SELECT id FROM case_file WHERE category='child_abuse'")
    week = people("psychologist").get("/api/centres/appointments?week=2026-03-24")
    child = [e for e in week.json()["entries"] if e["busy"]]
    assert child and all(e["case_id"] is None and e["client_name"] is None for e in child)
    assert "علی رضایی" not in week.text
    assert child_case not in [e["case_id"] for e in week.json()["entries"]]


def test_a_double_booking_is_refused_naming_the_rule_and_nothing_is_saved(
    people: People, spouse_case: int, kaveh: int, database_url: str
) -> None:
    before = _count(database_url)
    clash = book(people, spouse_case, kaveh, "1405/01/03", "10:30", 30)  # Monday 10-11 taken
    assert clash.status_code == 422  # type: ignore[attr-defined]
    assert "Double-booked" in clash.json()["message"]  # type: ignore[attr-defined]
    assert "نوبت هم‌زمان" in clash.json()["message_fa"]  # type: ignore[attr-defined]
    assert _count(database_url) == before


def test_outside_the_workers_hours_is_refused_with_the_hours(
    people: People, spouse_case: int, kaveh: int
) -> None:
    friday = book(people, spouse_case, kaveh, "1405/01/07", "10:00")
    assert friday.status_code == 422  # type: ignore[attr-defined]
    assert "Outside کاوه روان's working hours" in friday.json()["message"]  # type: ignore[attr-defined]
    assert "thursday 08:00–13:00" in friday.json()["message"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("day", "at", "words"), [
    ("1405/01/02", "09:00", "already passed"),
    ("1405/12/31", "10:00", "not a day of the calendar"),
])
def test_the_past_and_a_day_that_does_not_exist_are_refused(
    people: People, spouse_case: int, kaveh: int, day: str, at: str, words: str
) -> None:
    refused = book(people, spouse_case, kaveh, day, at)
    assert refused.status_code == 422 and words in refused.json()["message"]  # type: ignore[attr-defined]


def test_a_worker_not_on_the_team_is_not_booked(
    people: People, spouse_case: int, database_url: str
) -> None:
    doctor = _one(database_url, "SELECT id FROM app_user WHERE username='psychiatrist'")
    refused = book(people, spouse_case, doctor, "1405/01/04", "10:00")  # type: ignore[arg-type]
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "not on this case's team" in refused.json()["message"]  # type: ignore[attr-defined]


def test_attended_marks_the_team_in_touch_with_the_client(
    people: People, spouse_case: int, kaveh: int, clock: FrozenClock, database_url: str
) -> None:
    booked = book(people, spouse_case, kaveh, "1405/01/02", "11:00").json()  # type: ignore[attr-defined]
    early = people("psychologist").post(f"/api/appointments/{booked['id']}/attended")
    assert early.status_code == 422 and "not begun" in early.json()["message"]
    clock.advance(hours=2)
    done = people("psychologist").post(f"/api/appointments/{booked['id']}/attended")
    assert done.status_code == 200, done.text
    assert done.json()["appointment"]["state"] == "attended"
    touched = _one(database_url, "SELECT last_contact_at FROM case_file WHERE id=?", spouse_case)
    assert str(touched).startswith("2026-03-22 07:30")  # the appointment's start, 11:00 Tehran
    again = people("psychologist").post(f"/api/appointments/{booked['id']}/missed")
    assert again.status_code == 409


def test_missed_leaves_a_follow_up_due_the_next_working_morning_counted_in_due_today(
    app: FastAPI, people: People, spouse_case: int, kaveh: int, clock: FrozenClock
) -> None:
    booked = book(people, spouse_case, kaveh, "1405/01/02", "12:00").json()  # type: ignore[attr-defined]
    clock.advance(hours=3)  # 13:00 Tehran
    missed = people("social_worker").post(f"/api/appointments/{booked['id']}/missed")
    assert missed.status_code == 200, missed.text
    follow_up = missed.json()["follow_up"]
    assert follow_up["reason"] == "missed appointment"
    assert follow_up["due_at"].startswith("2026-03-23T04:30:00")  # Monday 08:00 Tehran
    monday = (datetime(2026, 3, 22, 20, 30, tzinfo=UTC), datetime(2026, 3, 23, 20, 30, tzinfo=UTC))
    with unit_of_work(app.state.session_factory) as session:
        due = queries.due_today(session, case_ids=[spouse_case], day_start=monday[0],
                                day_end=monday[1])
    # Kaveh's demo appointment on Monday, and the follow-up.
    assert due == {spouse_case: 2}
    page = people("social_worker").get(f"/cases/{spouse_case}", headers={"Accept": "text/html"})
    assert "appointment-follow-ups" in page.text


def test_reaching_the_client_closes_the_follow_up_once_and_puts_the_case_in_touch(
    app: FastAPI, people: People, spouse_case: int, kaveh: int, clock: FrozenClock
) -> None:
    booked = book(people, spouse_case, kaveh, "1405/01/02", "12:00").json()  # type: ignore[attr-defined]
    clock.advance(hours=3)
    follow_up = people("social_worker").post(
        f"/api/appointments/{booked['id']}/missed").json()["follow_up"]
    clock.advance(hours=1)  # she calls the client back the same afternoon
    done = people("social_worker").post(  # the button on the case page
        f"/cases/{spouse_case}/follow-ups/{follow_up['id']}/done")
    assert done.status_code == 303, done.text
    again = people("social_worker").post(
        f"/api/cases/{spouse_case}/follow-ups/{follow_up['id']}/done")
    assert again.status_code == 409
    with unit_of_work(app.state.session_factory) as session:
        case = session.get(Case, spouse_case)
        assert case is not None and as_utc(case.last_contact_at) == clock.now()  # type: ignore[arg-type]
        monday = (datetime(2026, 3, 22, 20, 30, tzinfo=UTC),
                  datetime(2026, 3, 23, 20, 30, tzinfo=UTC))
        due = queries.due_today(session, case_ids=[spouse_case], day_start=monday[0],
                                day_end=monday[1])
    assert due == {spouse_case: 1}  # only Kaveh's demo appointment is left
    other_case = people("social_worker").post(
        f"/api/cases/{spouse_case + 1000}/follow-ups/{follow_up['id']}/done")
    assert other_case.status_code in {403, 404}


def test_cancel_needs_a_reason_and_frees_the_slot(
    people: People, spouse_case: int, kaveh: int
) -> None:
    booked = book(people, spouse_case, kaveh, "1405/01/04", "09:00").json()  # type: ignore[attr-defined]
    silent = people("social_worker").post(f"/api/appointments/{booked['id']}/cancel",
                                          json={"reason": " "})
    assert silent.status_code == 422
    cancelled = people("social_worker").post(f"/api/appointments/{booked['id']}/cancel",
                                             json={"reason": "client asked to move it"})
    assert cancelled.status_code == 200 and cancelled.json()["appointment"]["state"] == "cancelled"
    assert book(people, spouse_case, kaveh, "1405/01/04", "09:00").status_code == 201  # type: ignore[attr-defined]


def test_the_gilan_counsellor_cannot_touch_a_mazandaran_appointment(
    people: People, spouse_case: int, kaveh: int
) -> None:
    booked = book(people, spouse_case, kaveh, "1405/01/04", "11:00").json()  # type: ignore[attr-defined]
    refused = people("counsellor_gilan").post(f"/api/appointments/{booked['id']}/cancel",
                                              json={"reason": "not mine"})
    assert refused.status_code == 403


def test_kaveh_sets_his_hours_shirin_may_not_and_the_supervisor_may(
    people: People, spouse_case: int, kaveh: int
) -> None:
    week = {"days": [{"weekday": "tuesday", "start": "12:00", "end": "18:00"}]}
    assert people("social_worker").put(f"/api/workers/{kaveh}/hours", json=week
                                       ).status_code == 403
    mine = people("psychologist").put(f"/api/workers/{kaveh}/hours", json=week)
    assert mine.status_code == 200, mine.text
    assert mine.json()["is_default"] is False and len(mine.json()["days"]) == 1
    refused = book(people, spouse_case, kaveh, "1405/01/04", "10:00")
    assert refused.status_code == 422 and "tuesday 12:00–18:00" in refused.json()["message"]  # type: ignore[attr-defined]
    assert book(people, spouse_case, kaveh, "1405/01/04", "12:00").status_code == 201  # type: ignore[attr-defined]
    reset = people("supervisor").put(f"/api/workers/{kaveh}/hours", json={"days": []})
    assert reset.status_code == 200 and reset.json()["is_default"] is True
    assert people("supervisor").get(f"/api/workers/{kaveh}/hours").json()["is_default"]


def test_two_bookings_of_one_slot_in_one_transaction_the_second_is_refused(
    app: FastAPI, spouse_case: int, kaveh: int
) -> None:
    """The re-check after the worker's row is locked sees the first booking (flushed)."""
    now = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)
    data = AppointmentCreate(worker_id=kaveh, kind=AppointmentKind.counselling_session,
                             day="1405/01/04", time="14:00", minutes=60)
    with unit_of_work(app.state.session_factory) as session:
        shirin = actor_of(session.scalars(select(User).where(
            User.username == "social_worker")).one())
        service.book(session, actor=shirin, case_id=spouse_case, data=data, now=now)
        with pytest.raises(InvalidInput, match="Double-booked"):
            service.book(session, actor=shirin, case_id=spouse_case,
                         data=data.model_copy(update={"time": "14:30"}), now=now)
        assert session.scalar(select(func.count()).select_from(Appointment).where(
            Appointment.worker_id == kaveh, Appointment.state == "booked")) == 3
