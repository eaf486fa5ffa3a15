"""The Iran day and the seconds between two times, counted in the database, agree on
SQLite and PostgreSQL with the pure rule (panah.reports.periods.iran_day)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Column, DateTime, Integer, MetaData, Table, insert, select

from panah.core.db import make_engine
from panah.reports.periods import iran_day as pure_iran_day
from panah.reports.sql import iran_day, seconds_between

MOMENTS = [
    (datetime(2026, 3, 20, 20, 29, 59, tzinfo=UTC), 20.0),  # 23:59:59 on 29 Esfand, Iran
    (datetime(2026, 3, 20, 20, 30, tzinfo=UTC), 20.5),  # 00:00 on 1 Farvardin
    (datetime(2026, 3, 20, 21, 0, tzinfo=UTC), 3600.0),  # 00:30 on 1 Farvardin
    (datetime(2021, 6, 1, 19, 45, tzinfo=UTC), 1.0),  # 00:15 on 2 June 2021 (Iran kept DST then)
]


def test_the_database_counts_by_the_iran_day_the_pure_rule_gives(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    metadata = MetaData()
    table = Table("moment", metadata, Column("id", Integer, primary_key=True),
                  Column("at", DateTime(timezone=True)), Column("later", DateTime(timezone=True)))
    metadata.create_all(engine)
    try:
        with engine.begin() as connection:
            connection.execute(insert(table), [
                {"at": at, "later": datetime.fromtimestamp(at.timestamp() + gap, UTC)}
                for at, gap in MOMENTS])
            rows = connection.execute(
                select(iran_day(table.c.at), seconds_between(table.c.at, table.c.later))
                .order_by(table.c.id)).all()
    finally:
        metadata.drop_all(engine)
        engine.dispose()
    assert [day for day, _ in rows] == [pure_iran_day(at) for at, _ in MOMENTS]
    assert [day.isoformat() for day, _ in rows][:3] == ["2026-03-20", "2026-03-21", "2026-03-21"]
    assert rows[3][0] == date(2021, 6, 2)
    assert [round(gap, 2) for _, gap in rows] == [gap for _, gap in MOMENTS]
