"""The monthly report and the public figures on each database (SQLite and PostgreSQL):
the same hand-counted month, the Iran-time boundary of 1 Farvardin included."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from panah.core.db import unit_of_work
from panah.intake.orm import Contact
from panah.reports.monthly.model import as_json
from panah.reports.monthly.queries import monthly_report
from panah.reports.periods import jalali_month
from panah.reports.public import public_figures
from tests.conftest import NOWRUZ
from tests.storage.conftest import demo_database

NOWRUZ_MORNING = datetime(2026, 3, 21, 5, 30, tzinfo=UTC)  # 1405/01/01 09:00 Tehran
FIRST_MINUTE_OF_FARVARDIN = datetime(2026, 3, 20, 20, 30, tzinfo=UTC)  # 00:00 Tehran
LAST_MINUTE_OF_ESFAND = datetime(2026, 3, 20, 20, 29, tzinfo=UTC)  # 23:59 Tehran


@pytest.fixture
def gilan(empty_database_url: str) -> Iterator[sessionmaker[Session]]:
    """The demo, and Gilan's hand-counted calls: 11 on Nowruz (10 answered after 10 s, one
    abandoned), one at the first minute of Farvardin (answered after 30 s) and one at the
    last minute of Esfand (answered after 5 s)."""
    engine, factory = demo_database(empty_database_url, NOWRUZ)
    calls = [(NOWRUZ_MORNING + timedelta(minutes=i), 10 if i < 10 else None)
             for i in range(11)]
    calls += [(FIRST_MINUTE_OF_FARVARDIN, 30), (LAST_MINUTE_OF_ESFAND, 5)]
    with unit_of_work(factory) as session:
        for at, wait in calls:
            answered = at + timedelta(seconds=wait) if wait else None
            session.add(Contact(channel="voice", state="closed", queue="IR-01",
                                province_code="IR-01", offered_at=at, answered_at=answered,
                                closed_at=at + timedelta(minutes=5),
                                abandoned_at=None if answered else at + timedelta(seconds=50)))
    yield factory
    engine.dispose()


def test_gilans_farvardin_is_counted_alike_on_each_database(
        gilan: sessionmaker[Session]) -> None:
    with unit_of_work(gilan) as session:
        report = monthly_report(session, actor=None, province_code="IR-01",
                                month=jalali_month(1405, 1), now=NOWRUZ)
    data = as_json(report)
    # 11 on Nowruz + the first minute of Farvardin + the demo's call waiting on the 2nd.
    assert data["contacts_offered"] == 13
    assert data["contacts_answered"] == 11
    assert data["abandoned"] == 1
    assert data["answered_within_20s_pct"] == 83.3  # 10 of (11 answered + 1 abandoned)
    assert data["average_speed_of_answer_s"] == 11.8  # (10 × 10 + 30) ÷ 11
    assert [d["contacts_offered"] for d in data["daily"][:2]] == [12, 1]
    voice = next(c for c in data["by_channel"] if c["key"] == "voice")
    assert voice["contacts_offered"] == 13


def test_the_last_minute_of_esfand_is_esfands_in_the_public_figures(
        gilan: sessionmaker[Session]) -> None:
    with unit_of_work(gilan) as session:
        esfand = public_figures(session, province="IR-01", month="1404-12", now=NOWRUZ)
        farvardin = public_figures(session, province="IR-01", month="1405-01", now=NOWRUZ)
    assert esfand.chosen.contacts_offered is None  # one call: a small cell
    assert farvardin.chosen.contacts_offered == 13
    assert farvardin.chosen.answer_rate_pct == 84.6  # 11 of 13
