"""Assignment is atomic: many dispatchers sending one unit at the same moment, each in its
own transaction on its own connection, and exactly one of them wins. On PostgreSQL (the
production store) the attempts really overlap; SQLite serialises writers, and must give
the same answer."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select

from panah.core.db import unit_of_work
from panah.dispatch import service
from panah.dispatch.orm import Assignment, Incident, Unit, UnitStatusEvent
from panah.geo.model import Placement
from panah.security.orm import User
from panah.security.sessions import actor_of
from tests.storage.conftest import demo_database

NOW = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)
ATTEMPTS = 12


def _mazandaran(lat: float, lon: float) -> Placement:
    return Placement("IR-02", "مازندران", "Mazandaran", None, None, None, "approximate")  # type: ignore[arg-type]


def test_many_simultaneous_assignments_of_one_unit_exactly_one_wins(
    empty_database_url: str,
) -> None:
    engine, factory = demo_database(empty_database_url, NOW)
    try:
        with unit_of_work(factory) as session:
            actor = actor_of(session.scalars(select(User).where(User.username == "dispatcher")
                                             ).one())
            incidents = [service.create_incident(
                session, data=service.IncidentInput(lat=36.6552, lon=51.42, priority="high"),
                locate=_mazandaran, actor=actor, now=NOW).id for _ in range(ATTEMPTS)]
            unit = session.scalars(select(Unit.id).where(Unit.call_sign == "MZN-01")).one()
        start = threading.Barrier(ATTEMPTS)
        results: list[str] = []
        lock = threading.Lock()

        def attempt(incident_id: int) -> None:
            start.wait()
            try:
                with unit_of_work(factory) as session:
                    service.assign(session, incident=session.get(Incident, incident_id),  # type: ignore[arg-type]
                                   unit_id=unit, actor=actor, now=NOW)
                outcome = "won"
            except service.UnitTaken:
                outcome = "taken"
            except Exception as other:
                outcome = f"error:{type(other).__name__}:{other}"
            with lock:
                results.append(outcome)

        threads = [threading.Thread(target=attempt, args=(i,)) for i in incidents]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert Counter(results) == {"won": 1, "taken": ATTEMPTS - 1}, results
        with unit_of_work(factory) as session:
            row = session.get(Unit, unit)
            assert row is not None and row.status == "dispatched"
            assigned = session.scalar(select(func.count()).select_from(Assignment)
                                      .where(Assignment.unit_id == unit))
            events = session.scalar(select(func.count()).select_from(UnitStatusEvent)
                                    .where(UnitStatusEvent.unit_id == unit))
            on_it = session.scalars(select(Incident.id).where(Incident.state == "assigned")).all()
            assert (assigned, events, on_it) == (1, 1, [row.incident_id])
    finally:
        engine.dispose()
