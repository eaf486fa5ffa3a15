"""Bed availability holds under concurrent check-ins (issue 17): one bed is left in the Sari
shelter's girls' room, and eight girls' cases are taken in at the same moment, each in its
own transaction on its own connection, all for that bed. Exactly one wins; the others are
told the bed is taken; the bed is held once. On PostgreSQL the attempts overlap (the unique
``held_bed_id`` decides); SQLite serialises writers and must give the same answer."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select

from panah.cases.model import CaseCategory
from panah.cases.schemas import CaseCreate
from panah.cases.service import open_case
from panah.centres.shelters.model import Person, Relation
from panah.centres.shelters.orm import (
    Shelter,
    ShelterBed,
    ShelterRoom,
    ShelterStay,
    ShelterStayPerson,
)
from panah.centres.stays import service
from panah.core.db import unit_of_work
from panah.core.errors import Conflict
from panah.security.orm import User
from panah.security.sessions import actor_of
from tests.storage.conftest import demo_database

NOW = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)  # 1405/01/02 10:00 Tehran
WORKERS = 8
GIRL = [Person(Relation.client, 16, False, "f")]


def test_many_workers_take_the_last_bed_at_once_and_exactly_one_wins(
    empty_database_url: str,
) -> None:
    engine, factory = demo_database(empty_database_url, NOW)
    try:
        with unit_of_work(factory) as session:
            manager = actor_of(session.scalars(select(User).where(
                User.username == "shelter_manager")).one())
            sari = session.scalars(select(Shelter.id).where(
                Shelter.name_en == "Sari shelter")).one()
            girls_beds = list(session.scalars(
                select(ShelterBed.id).join(ShelterRoom)
                .where(ShelterBed.shelter_id == sari, ShelterRoom.suits == "girl_under_18")
                .order_by(ShelterBed.id)))
            cases = [open_case(session, actor=manager, now=NOW, data=CaseCreate(
                client_name=f"دختر {i}", category=CaseCategory.runaway, gender="female")).id
                for i in range(WORKERS + 1)]
            # All girls' beds but the last are taken first.
            for case_id, bed in zip(cases, girls_beds[:-1], strict=False):
                service.admit(session, actor=manager, shelter_id=sari, case_id=case_id,
                              people=GIRL, now=NOW, bed_ids=[bed])
        last = girls_beds[-1]
        start = threading.Barrier(WORKERS)
        results: list[str] = []
        lock = threading.Lock()

        def attempt(case_id: int) -> None:
            start.wait()
            try:
                with unit_of_work(factory) as session:
                    service.admit(session, actor=manager, shelter_id=sari, case_id=case_id,
                                  people=GIRL, now=NOW, bed_ids=[last])
                outcome = "won"
            except Conflict:
                outcome = "taken"
            except Exception as other:
                outcome = f"error:{type(other).__name__}:{other}"
            with lock:
                results.append(outcome)

        threads = [threading.Thread(target=attempt, args=(case_id,))
                   for case_id in cases[len(girls_beds) - 1:][:WORKERS]]
        assert len(threads) == WORKERS
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert Counter(results) == {"won": 1, "taken": WORKERS - 1}, results
        with unit_of_work(factory) as session:
            holders = session.scalar(select(func.count()).select_from(ShelterStayPerson)
                                     .where(ShelterStayPerson.held_bed_id == last))
            assert holders == 1
            in_bed = session.scalar(
                select(func.count()).select_from(ShelterStay)
                .join(ShelterStayPerson, ShelterStayPerson.stay_id == ShelterStay.id)
                .where(ShelterStayPerson.bed_id == last))
            assert in_bed == 1  # the losers left no stay behind
    finally:
        engine.dispose()
