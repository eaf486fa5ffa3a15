"""Statistics benchmark: the engine's queries over years of synthetic history, on PostgreSQL.

    PANAH_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/bench_statistics.py [--years 1] [--provinces 31] [--repeat 3]
        [--keep] [--markdown]

A new database ``panah_bench_stats_<pid>`` is made on the server of
PANAH_BENCH_DATABASE_URL (dropped afterwards unless ``--keep``), migrated, with the
reference geography and the demo. Then, with the demo history's generator
(``panah.demo_history``, fixed seed, history ending at Nowruz 1405):

1. ``--years`` years of Mazandaran's history are written and the engine
   (``panah.reports.statistics.queries.statistics``, as the command line: every figure)
   is timed for one province's month by day (Esfand 1404) and its year by month;
2. the same years for the ``--provinces`` most populous provinces (all 31 by default: the
   national volume, ~600,000 contacts a year) and the engine is timed again for the
   province's month by day and a national year (1404) by province and month.

Each query runs ``--repeat`` times after ``ANALYZE``; the table gives the best and the
median. Without PANAH_BENCH_DATABASE_URL (or when its server cannot be reached) the
benchmark says so and stops: SQLite is not the national deployment.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import statistics as stats
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine import cpu_name  # noqa: E402 - bench/ is this script's folder

from panah.core.db import make_engine, make_session_factory, unit_of_work  # noqa: E402
from panah.core.migrate import upgrade  # noqa: E402
from panah.demo import load_demo  # noqa: E402
from panah.demo_history.model import ContactFact, generate, history_days  # noqa: E402
from panah.demo_history.writer import province_setup, write_facts  # noqa: E402
from panah.geo.orm import Province  # noqa: E402
from panah.geo.service import load_reference  # noqa: E402
from panah.intake.orm import Contact  # noqa: E402
from panah.reports.periods import Grain, jalali_month, jalali_year  # noqa: E402
from panah.reports.statistics.model import Dimension, StatsQuery  # noqa: E402
from panah.reports.statistics.queries import statistics  # noqa: E402
from panah.security.crypto import KeyRing, configure_keyring, generate_key  # noqa: E402

NOW = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)  # 1405-01-02 10:00 Tehran
SEED = 1405
ESFAND = jalali_month(1404, 12)
YEAR = jalali_year(1404)
console = Console()


def _database(url: str, name: str, *, create: bool) -> str:
    """Create (or drop) database ``name`` on ``url``'s server; the new database's URL."""
    admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if create:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _write(factory: sessionmaker[Session], codes: list[str], months: int) -> tuple[int, float]:
    """Write ``months`` of history for each province; (contacts, seconds)."""
    first, last = history_days(NOW, months)
    started, written = time.perf_counter(), 0
    for code in codes:
        with unit_of_work(factory) as session:
            setup = province_setup(session, code)
            assert setup is not None
            batch: list[ContactFact] = []
            for day in generate(setup, first=first, last=last, seed=SEED, now=NOW):
                batch += day
                if len(batch) >= 20_000:
                    written += write_facts(session, batch)
                    batch = []
            written += write_facts(session, batch)
        console.print(f"  {code}: {written:,} contacts so far")
    return written, time.perf_counter() - started


def _time(factory: sessionmaker[Session], query: StatsQuery,
          repeat: int) -> tuple[float, float, int]:
    """(best, median) seconds of the engine answering ``query``, and its rows."""
    times, rows = [], 0
    for _ in range(repeat):
        with unit_of_work(factory) as session:
            started = time.perf_counter()
            table = statistics(session, actor=None, query=query, now=NOW)
            times.append(time.perf_counter() - started)
            rows = len(table.rows)
    return min(times), stats.median(times), rows


def _last(end: date) -> date:
    return end - timedelta(days=1)


def _queries(national: bool) -> list[tuple[str, StatsQuery]]:
    month_by_day = StatsQuery("IR-02", ESFAND.start, _last(ESFAND.end), Grain.day)
    found = [("Mazandaran, Esfand 1404 by day", month_by_day),
             ("Mazandaran, 1404 by month", StatsQuery(
                 "IR-02", YEAR.start, _last(YEAR.end), Grain.month))]
    if national:
        found.append(("Nation, 1404 by province and month", StatsQuery(
            None, YEAR.start, _last(YEAR.end), Grain.month,
            Dimension.province)))
    return found


def run(url: str, years: int, provinces: int, repeat: int, keep: bool) -> list[list[str]]:
    configure_keyring(KeyRing.parse(f"b1:{generate_key()}", hash_key=generate_key()))
    name = f"panah_bench_stats_{os.getpid()}"
    bench_url = _database(url, name, create=True)
    results: list[list[str]] = []
    try:
        upgrade(bench_url)
        engine = make_engine(bench_url)
        factory = make_session_factory(engine)
        with unit_of_work(factory) as session:
            load_reference(session)
            load_demo(session, now=NOW, password=secrets.token_urlsafe(12))
            ranked = session.scalars(select(Province.code)
                                     .order_by(Province.population_2016.desc())).all()
        months = years * 12 + 1
        others = [c for c in ranked if c != "IR-02"][: max(0, provinces - 1)]
        for label, codes, national in (("one province", ["IR-02"], False),
                                       (f"{provinces} provinces", others, True)):
            console.print(f"Writing {years} year(s) of history for {label} …")
            written, seconds = _write(factory, codes, months)
            with engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
            with unit_of_work(factory) as session:
                total = session.scalar(select(func.count()).select_from(Contact)) or 0
            results.append([label, f"{total:,} contacts", "write",
                            f"{seconds:.1f} s", f"{written / max(seconds, 1e-9):,.0f}/s", ""])
            for title, query in _queries(national):
                best, median, rows = _time(factory, query, repeat)
                results.append([label, f"{total:,} contacts", title, f"{best * 1000:,.0f} ms",
                                f"{median * 1000:,.0f} ms", str(rows)])
        engine.dispose()
    finally:
        if not keep:
            _database(url, name, create=False)
    return results


def _report(results: list[list[str]], markdown: bool, args: argparse.Namespace) -> None:
    head = ["history", "size", "what", "best", "median (or rate)", "rows"]
    machine = (f"{cpu_name()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
               f"{args.years} year(s), seed {SEED}, {args.repeat} runs each")
    if markdown:
        print(f"## Statistics (issue 18)\n\n{machine}\n")
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for row in results:
            print("| " + " | ".join(row) + " |")
        return
    table = Table(title=f"Statistics engine on PostgreSQL — {machine}")
    for column in head:
        table.add_column(column)
    for row in results:
        table.add_row(*row)
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--provinces", type=int, default=31)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    url = os.environ.get("PANAH_BENCH_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        console.print("Skipped: set PANAH_BENCH_DATABASE_URL=postgresql+psycopg://user@host/db "
                      "(a server where a database may be created) to run this benchmark.")
        return 0
    try:
        results = run(url, args.years, args.provinces, args.repeat, args.keep)
    except Exception as error:  # an unreachable server is reported, not raised
        if "connect" not in str(error).lower():
            raise
        console.print(f"Skipped: PostgreSQL at PANAH_BENCH_DATABASE_URL cannot be reached "
                      f"({error.__class__.__name__}).")
        return 0
    _report(results, args.markdown, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
