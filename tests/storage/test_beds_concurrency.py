"""Accepting a bed request holds under concurrency: Parisa (shelter manager) and a
supervisor press "accept" on the same request at the same moment, several times over, each
in its own transaction on its own connection; exactly one wins (the conditional UPDATE
pending → accepted) and one stay holds the beds. On PostgreSQL the attempts overlap;
SQLite serialises writers and must give the same answer."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select

from panah.cases.orm import Case
from panah.centres.beds import service
from panah.centres.beds.schemas import ChildBody, ShelterRequestCreate
from panah.centres.shelters.orm import Shelter, ShelterStay
from panah.core.db import unit_of_work
from panah.core.errors import Conflict
from panah.security.orm import User
from panah.security.sessions import actor_of
from tests.storage.conftest import demo_database

NOW = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)  # 1405/01/02 10:00 Tehran
ATTEMPTS = 6


def test_simultaneous_accepts_of_one_request_exactly_one_wins(
    empty_database_url: str,
) -> None:
    engine, factory = demo_database(empty_database_url, NOW)
    try:
        with unit_of_work(factory) as session:
            users = {u.username: actor_of(u) for u in session.scalars(select(User).where(
                User.username.in_(["social_worker", "shelter_manager", "supervisor"])))}
            case = session.scalars(select(Case.id).where(Case.category == "spouse_abuse")).one()
            sari = session.scalars(select(Shelter.id).where(
                Shelter.name_en == "Sari shelter")).one()
            stays_before = session.scalar(select(func.count()).select_from(ShelterStay))
            request = service.request_bed(
                session, actor=users["social_worker"], case_id=case, now=NOW,
                data=ShelterRequestCreate(shelter_id=sari, client_age=31,
                                          children=[ChildBody(age=6, sex="m")]))
        start = threading.Barrier(ATTEMPTS)
        results: list[str] = []
        lock = threading.Lock()

        def attempt(who: str) -> None:
            start.wait()
            try:
                with unit_of_work(factory) as session:
                    service.accept(session, actor=users[who], request_id=request.id, now=NOW)
                outcome = "won"
            except Conflict as refused:
                outcome = "answered" if "already" in refused.message_en else str(refused)
            except Exception as other:
                outcome = f"error:{type(other).__name__}:{other}"
            with lock:
                results.append(outcome)

        threads = [threading.Thread(target=attempt,
                                    args=("shelter_manager" if i % 2 else "supervisor",))
                   for i in range(ATTEMPTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert Counter(results) == {"won": 1, "answered": ATTEMPTS - 1}, results
        with unit_of_work(factory) as session:
            assert session.scalar(select(func.count()).select_from(ShelterStay)) == (
                stays_before + 1)
    finally:
        engine.dispose()
