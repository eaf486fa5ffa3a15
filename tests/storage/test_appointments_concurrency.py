"""Double-booking holds under concurrency: several social workers book Kaveh for the same
hour at the same moment, each in its own transaction on its own connection, and exactly
one wins (the worker's row is locked before his day is read again). On PostgreSQL the
attempts overlap; SQLite serialises writers and must give the same answer."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select

from panah.cases.orm import Case
from panah.centres.appointments import service
from panah.centres.appointments.model import AppointmentKind
from panah.centres.appointments.orm import Appointment
from panah.centres.appointments.schemas import AppointmentCreate
from panah.core.db import unit_of_work
from panah.core.errors import InvalidInput
from panah.security.orm import User
from panah.security.sessions import actor_of
from tests.storage.conftest import demo_database

NOW = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)  # 1405/01/02 10:00 Tehran
ATTEMPTS = 6


def test_simultaneous_bookings_of_one_worker_for_one_hour_exactly_one_wins(
    empty_database_url: str,
) -> None:
    engine, factory = demo_database(empty_database_url, NOW)
    try:
        with unit_of_work(factory) as session:
            shirin = actor_of(session.scalars(select(User).where(
                User.username == "social_worker")).one())
            kaveh = session.scalars(select(User.id).where(User.username == "psychologist")).one()
            case = session.scalars(select(Case.id).where(Case.category == "spouse_abuse")).one()
        start = threading.Barrier(ATTEMPTS)
        results: list[str] = []
        lock = threading.Lock()

        def attempt(minute: int) -> None:
            data = AppointmentCreate(worker_id=kaveh, kind=AppointmentKind.counselling_session,
                                     day="1405/01/05", time=f"10:{minute:02d}", minutes=60)
            start.wait()
            try:
                with unit_of_work(factory) as session:
                    service.book(session, actor=shirin, case_id=case, data=data, now=NOW)
                outcome = "won"
            except InvalidInput as refused:
                outcome = "double" if "Double-booked" in refused.message_en else str(refused)
            except Exception as other:
                outcome = f"error:{type(other).__name__}:{other}"
            with lock:
                results.append(outcome)

        threads = [threading.Thread(target=attempt, args=(i * 5,)) for i in range(ATTEMPTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert Counter(results) == {"won": 1, "double": ATTEMPTS - 1}, results
        with unit_of_work(factory) as session:
            wednesday = session.scalar(select(func.count()).select_from(Appointment).where(
                Appointment.worker_id == kaveh, Appointment.starts_at >= datetime(
                    2026, 3, 25, tzinfo=UTC), Appointment.starts_at < datetime(
                    2026, 3, 26, tzinfo=UTC)))
            assert wednesday == 1
    finally:
        engine.dispose()
