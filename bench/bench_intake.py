"""Intake benchmark: calls offered to the 123 line through the real HTTP API.

    .venv/bin/python bench/bench_intake.py [--n 3000] [--concurrency 16] [--rate 150 300]
        [--workers 2] [--backend sqlite|postgresql|both] [--markdown]

For each backend: a fresh database (SQLite in a temporary folder; PostgreSQL a new
``panah_bench_<pid>`` database on 127.0.0.1:5432 as user postgres, dropped afterwards),
migrated, with the reference geography, the OSM boundaries when ``../shared/data`` has
them, the demo and an API key for the "integration" account. The app is served by uvicorn
in a separate process (production settings, timers off, no access log) and driven from
this process by one asyncio event loop over keep-alive connections (a thread per
connection cost more CPU than the server's own work, and woke up late under load),
sending ``call.offered`` events with points around the 31 provincial capitals (fixed seed).

Phases per backend, ``--n`` calls each, after a warm-up:
- *closed loop*: ``--concurrency`` connections send as fast as answers come back; gives
  the most contacts/s (latency then follows from Little's law: concurrency / rate);
- *paced*: calls offered at each ``--rate`` per second (open loop, 64 connections);
  latency is counted from when each call was due, so a server that falls behind shows it.

If PostgreSQL cannot be reached, SQLite is measured and the report says why PostgreSQL
was skipped. ``--markdown`` prints the "Intake (123 line)" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import platform
import random
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine import cpu_name  # noqa: E402 - bench/ is this script's folder
from sqlalchemy import func, select  # noqa: E402

from panah.core.db import make_engine, make_session_factory, unit_of_work  # noqa: E402
from panah.core.migrate import upgrade  # noqa: E402
from panah.demo import load_demo  # noqa: E402
from panah.geo.reference import province_facts  # noqa: E402
from panah.geo.service import import_boundaries, load_reference  # noqa: E402
from panah.intake.orm import Contact  # noqa: E402
from panah.security.apikeys import create_key  # noqa: E402
from panah.security.crypto import KeyRing, configure_keyring, generate_key  # noqa: E402
from panah.security.orm import User  # noqa: E402
from panah.security.sessions import actor_of  # noqa: E402

SEED = 20260322
BOUNDARIES = ROOT.parent / "shared" / "data" / "iran-boundaries"
PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_ADMIN = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/postgres"
WARM_UP = 300
PACED_CONNECTIONS = 64
MOBILE_PREFIXES = ("912", "919", "935", "936", "937", "901", "990")
TARGET_RATE, TARGET_P99_MS = 300.0, 50.0
console = Console(stderr=True)


@dataclass
class Phase:
    name: str  # "closed loop, 16 connections" / "paced at 300/s"
    n: int
    wall_s: float
    latencies_ms: np.ndarray
    errors: list[str]
    load: float  # 1-minute load average of the machine when the phase began
    server_cpu_s: float
    database_cpu_s: float | None  # PostgreSQL backends serving the app; None for SQLite
    client_cpu_s: float

    @property
    def rate(self) -> float:
        return (self.n - len(self.errors)) / self.wall_s

    def p(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q))

    def per_contact_ms(self, seconds: float | None) -> str:
        return "–" if seconds is None else f"{1000 * seconds / self.n:.1f} ms"


@dataclass
class Result:
    backend: str
    boundaries: bool
    phases: list[Phase] = field(default_factory=list)
    stored: int = 0
    routed_to_province: int = 0
    expected: int = 0


@dataclass
class Report:
    args: argparse.Namespace
    results: list[Result] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    postgres_version: str = ""


# --- databases -----------------------------------------------------------------------------


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="panah-bench-intake-") as folder:
        yield f"sqlite:///{Path(folder) / 'panah.db'}"


def postgres_admin() -> object:
    import psycopg

    return psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)


def postgres_unreachable() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    try:
        with postgres_admin():
            return None
    except Exception as problem:  # any failure means: skip, and say why
        return f"{type(problem).__name__}: {str(problem).strip().splitlines()[0]}"


@contextmanager
def postgres_database(report: Report) -> Iterator[str]:
    """A fresh ``panah_bench_<pid>``, dropped afterwards (even after a failure)."""
    name = f"panah_bench_{os.getpid()}"
    with postgres_admin() as admin:  # type: ignore[attr-defined]
        report.postgres_version = admin.execute("SHOW server_version").fetchone()[0]
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        with postgres_admin() as admin:  # type: ignore[attr-defined]
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_cpu_seconds() -> float | None:
    """CPU time of the local PostgreSQL: every ``postgres`` process, plus what the postmaster
    collected from backends that have exited. None when no PostgreSQL is visible in /proc."""
    stats = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        if head.endswith("(postgres"):
            stats[int(stat.parent.name)] = tail.split()
    if not stats:
        return None
    ticks = sum(int(f[11]) + int(f[12]) for f in stats.values())
    ticks += sum(int(f[13]) + int(f[14]) for f in stats.values() if int(f[1]) not in stats)
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Keys:
    encryption: str
    hash: str

    @classmethod
    def fresh(cls) -> Keys:
        return cls(encryption=f"b1:{generate_key()}", hash=generate_key())


def prepare(url: str, keys: Keys, *, boundaries: bool) -> str:
    """Migrate, load reference data, boundaries and demo; return an integration API key."""
    configure_keyring(KeyRing.parse(keys.encryption, hash_key=keys.hash))
    now = datetime.now(UTC)
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        load_reference(session)
    if boundaries:
        with unit_of_work(factory) as session:
            import_boundaries(session, BOUNDARIES, now=now)
    with unit_of_work(factory) as session:
        load_demo(session, now=now, password=secrets.token_urlsafe(16))
    with unit_of_work(factory) as session:
        admin = session.scalar(select(User).where(User.username == "admin"))
        assert admin is not None
        _, key = create_key(session, actor=actor_of(admin), username="integration",
                            label="Benchmark PBX", province_code=None, now=now)
    engine.dispose()
    return key


def stored_contacts(url: str, prefix: str) -> tuple[int, int]:
    """(contacts stored by this run, of which routed to a province rather than national)."""
    engine = make_engine(url)
    mine = Contact.external_id.like(f"{prefix}%")
    with engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(Contact).where(mine)) or 0
        routed = conn.scalar(select(func.count()).select_from(Contact).where(
            mine, Contact.province_code.is_not(None))) or 0
    engine.dispose()
    return int(total), int(routed)


# --- the server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(url: str, keys: Keys, workers: int) -> Iterator[tuple[int, int]]:
    """uvicorn in its own process (as `panah serve` runs it); yield (port, pid)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PANAH_")}
    env.update(PANAH_ENVIRONMENT="production", PANAH_DATABASE_URL=url,
               PANAH_SECRET_KEY=secrets.token_urlsafe(40), PANAH_ENCRYPTION_KEYS=keys.encryption,
               PANAH_HASH_KEY=keys.hash, PANAH_TIMERS="false", PANAH_LOG_LEVEL="WARNING")
    command = [sys.executable, "-m", "uvicorn", "--factory", "panah.main:create_app",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
               "--no-access-log", "--workers", str(workers)]
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - our own interpreter
    try:
        wait_ready(port, server)
        yield port, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_ready(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode} before answering")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not answer /healthz within 60 s")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes, from /proc (0 for any that are gone)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """``pid`` and its children (uvicorn's worker processes when --workers > 1)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return [pid, *(int(c) for c in children)]


# --- the load ------------------------------------------------------------------------------


def offered_events(n: int, prefix: str, rng: random.Random) -> list[bytes]:
    """``call.offered`` bodies: mobile callers around a random capital (±~10 km)."""
    capitals = [(p.capital_lat, p.capital_lon) for p in province_facts()]
    bodies = []
    for i in range(n):
        lat, lon = rng.choice(capitals)
        caller = f"+98{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"
        bodies.append(json.dumps({
            "event_id": f"{prefix}{i}-offered", "kind": "call.offered", "call_id": f"{prefix}{i}",
            "caller": caller, "called": "123",
            "location": {"lat": round(lat + rng.uniform(-0.09, 0.09), 5),
                         "lon": round(lon + rng.uniform(-0.11, 0.11), 5),
                         "radius_m": rng.choice((25, 100, 500, 1500))},
        }).encode())
    return bodies


@dataclass
class Load:
    """Send every body once over ``connections`` keep-alive connections.

    With ``rate`` set, body i is due at start + i / rate and its latency counts from then
    (an open loop: a server that falls behind cannot slow the arrivals down)."""

    port: int
    key: str
    bodies: list[bytes]
    connections: int
    rate: float | None = None
    tick: Callable[[], None] = lambda: None
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def run(self) -> float:
        import uvloop

        self.latencies = [0.0] * len(self.bodies)
        return uvloop.run(self._all())

    async def _all(self) -> float:
        # The connections are open before the clock starts, as a PBX's would be.
        opened = await asyncio.gather(*(asyncio.open_connection("127.0.0.1", self.port)
                                        for _ in range(self.connections)))
        self._cursor = iter(range(len(self.bodies)))  # shared: each index is sent once
        self._start = time.perf_counter()
        await asyncio.gather(*(self._connection(*pair) for pair in opened))
        return time.perf_counter() - self._start

    async def _connection(self, reader: asyncio.StreamReader,
                          writer: asyncio.StreamWriter) -> None:
        head = ("POST /api/telephony/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {self.key}\r\nContent-Type: application/json\r\n"
                "Content-Length: ").encode()
        for i in self._cursor:
            due = self._start + i / self.rate if self.rate else time.perf_counter()
            if (delay := due - time.perf_counter()) > 0:
                await asyncio.sleep(delay)
            body = self.bodies[i]
            try:
                writer.write(head + str(len(body)).encode() + b"\r\n\r\n" + body)
                status, answer = await _response(reader)
                if status != 200:
                    self.errors.append(f"{status}: {answer[:200]!r}")
            except (OSError, asyncio.IncompleteReadError, ValueError) as problem:
                self.errors.append(repr(problem))
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            self.latencies[i] = (time.perf_counter() - due) * 1000
            self.tick()
        writer.close()


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Status and body of one HTTP/1.1 answer (the server always sends Content-Length)."""
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


def measured(name: str, load: Load, server_pid: int, url: str) -> Phase:
    server, on_postgres = process_tree(server_pid), url.startswith("postgresql")
    load_average = os.getloadavg()[0]
    database_before = postgres_cpu_seconds() if on_postgres else None
    before = cpu_seconds(server), time.process_time()
    wall = load.run()
    server_cpu, client_cpu = cpu_seconds(server) - before[0], time.process_time() - before[1]
    database_after = postgres_cpu_seconds() if on_postgres else None
    database_cpu = (database_after - database_before
                    if database_before is not None and database_after is not None else None)
    return Phase(name, len(load.bodies), wall, np.array(load.latencies), load.errors,
                 load_average, server_cpu, database_cpu, client_cpu)


def bench_backend(name: str, url: str, args: argparse.Namespace, progress: Progress) -> Result:
    keys, result = Keys.fresh(), Result(name, BOUNDARIES.is_dir())
    progress.console.print(f"[bold]{name}[/bold]: preparing the database "
                           f"({'with' if result.boundaries else 'without'} the OSM boundaries)…")
    key = prepare(url, keys, boundaries=result.boundaries)
    rng, prefix = random.Random(SEED), f"bench-{os.getpid()}-"
    plan = [(f"closed loop, {args.concurrency} connections", args.concurrency, None)]
    plan += [(f"paced at {rate:g}/s", PACED_CONNECTIONS, rate) for rate in args.rate if rate]
    # Several processes need PostgreSQL (`panah serve` refuses them on SQLite: live chat
    # would not cross processes), so SQLite is measured as it is run, with one.
    workers = args.workers if name == "postgresql" else 1
    with serve(url, keys, workers) as (port, pid):
        Load(port, key, offered_events(WARM_UP, f"{prefix}warm-", rng), args.concurrency,
             tick=ticker(progress, f"{name}: warm-up", WARM_UP)).run()
        for phase, (label, connections, rate) in enumerate(plan):
            bodies = offered_events(args.n, f"{prefix}run{phase}-", rng)
            load = Load(port, key, bodies, connections, rate,
                        tick=ticker(progress, f"{name}: {label}", args.n))
            result.phases.append(measured(label, load, pid, url))
    result.expected = args.n * len(plan)
    result.stored, result.routed_to_province = stored_contacts(url, f"{prefix}run")
    return result


def ticker(progress: Progress, label: str, total: int) -> Callable[[], None]:
    task = progress.add_task(label, total=total)
    return lambda: progress.advance(task)


# --- the report ----------------------------------------------------------------------------


def machine(report: Report) -> str:
    parts = [f"{cpu_name()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
             f"Python {platform.python_version()}",
             *(f"{p} {version(p)}" for p in ("fastapi", "uvicorn", "uvloop", "httptools",
                                              "SQLAlchemy", "psycopg")),
             f"SQLite {sqlite3.sqlite_version}"]
    if report.postgres_version:
        parts.append(f"PostgreSQL {report.postgres_version}")
    return ", ".join(parts)


def command_line() -> str:
    return " ".join([".venv/bin/python bench/bench_intake.py", *sys.argv[1:]])


HEADER = ("| backend | load | contacts/s | p50 | p95 | p99 | max | errors "
          "| CPU per contact: server / PostgreSQL / client |")


def markdown(report: Report) -> str:
    workers = report.args.workers
    lines = ["## Intake (123 line)", "",
             f"Machine: {machine(report)}  ", f"Command: `{command_line()}`  ",
             f"Server: `uvicorn --factory panah.main:create_app --workers {workers}` "
             "(PostgreSQL; `--workers 1` on SQLite, as `panah serve` runs it) in its own "
             "process (uvloop, httptools, production settings, timers off, no access log). "
             "Client: this script on the same machine, one asyncio event loop (uvloop) over "
             f"keep-alive connections. {report.args.n:,} `call.offered` events per phase, "
             f"mobile callers around the 31 capitals, after {WARM_UP} warm-up calls.", "",
             HEADER, "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in report.results:
        for ph in r.phases:
            lines.append(
                f"| {r.backend}, {ph.name} | {ph.load:.1f} | {ph.rate:,.0f} | {ph.p(50):.0f} ms "
                f"| {ph.p(95):.0f} ms | {ph.p(99):.0f} ms | {ph.latencies_ms.max():.0f} ms "
                f"| {len(ph.errors)} | {ph.per_contact_ms(ph.server_cpu_s)} / "
                f"{ph.per_contact_ms(ph.database_cpu_s)} / {ph.per_contact_ms(ph.client_cpu_s)} |")
    for backend, why in report.skipped.items():
        lines.append(f"| {backend}: skipped, {why} | | | | | | | | |")
    notes = ["", "*load*: the machine's 1-minute load average when the phase began (this "
             "benchmark's server and database count towards it; other work on the machine "
             "shows above that). *CPU per contact*: the uvicorn process(es), the whole local "
             "PostgreSQL (all its processes), this client; from /proc.", ""]
    return "\n".join([*lines, *notes, *verdict_lines(report)])


def verdict_lines(report: Report) -> list[str]:
    lines = []
    for r in report.results:
        located = "OSM boundaries" if r.boundaries else "no OSM boundaries: built-in approximation"
        lines.append(f"- {r.backend} ({located}): {r.stored:,} of {r.expected:,} contacts "
                     f"stored, {r.routed_to_province:,} routed to a province queue.")
    pg = next((r for r in report.results if r.backend == "postgresql"), None)
    if "postgresql" in report.skipped:
        lines.append("- Target on PostgreSQL: not measured (PostgreSQL skipped).")
    if pg is not None:
        best = max(ph.rate for ph in pg.phases)
        paced = next((ph for ph in pg.phases if ph.name == f"paced at {TARGET_RATE:g}/s"), None)
        met = (best >= TARGET_RATE and paced is not None and not paced.errors
               and paced.rate >= 0.98 * TARGET_RATE and paced.p(99) < TARGET_P99_MS)
        detail = f"at most {best:,.0f} contacts/s"
        if paced is not None:
            detail += f"; offered {paced.name.split()[-1]}, p99 {paced.p(99):,.0f} ms"
        lines.append(f"- Target on PostgreSQL (≥ {TARGET_RATE:.0f} contacts/s with p99 < "
                     f"{TARGET_P99_MS:.0f} ms): {'met' if met else '**not met**'} ({detail}).")
    return lines


def print_table(report: Report) -> None:
    table = Table(title="call.offered through POST /api/telephony/events")
    for column in ("backend", "phase", "load", "contacts/s", "p50 ms", "p95 ms", "p99 ms",
                   "max ms", "errors", "CPU/contact srv/pg/cli"):
        table.add_column(column, justify="left" if column in ("backend", "phase") else "right")
    for r in report.results:
        for ph in r.phases:
            table.add_row(r.backend, ph.name, f"{ph.load:.1f}", f"{ph.rate:,.0f}",
                          f"{ph.p(50):.0f}", f"{ph.p(95):.0f}", f"{ph.p(99):.0f}",
                          f"{ph.latencies_ms.max():.0f}", str(len(ph.errors)),
                          f"{ph.per_contact_ms(ph.server_cpu_s)} / "
                          f"{ph.per_contact_ms(ph.database_cpu_s)} / "
                          f"{ph.per_contact_ms(ph.client_cpu_s)}")
    Console(width=160).print(table)
    for backend, why in report.skipped.items():
        print(f"{backend}: skipped, {why}")
    for line in verdict_lines(report):
        print(line)
    for r in report.results:
        for error in [e for ph in r.phases for e in ph.errors][:5]:
            print(f"{r.backend} error: {error}")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Intake benchmark through the HTTP API")
    parser.add_argument("--n", type=int, default=3000, help="calls offered per phase")
    parser.add_argument("--concurrency", type=int, default=16,
                        help="connections of the closed-loop phase")
    parser.add_argument("--rate", type=float, nargs="*", default=[150.0, TARGET_RATE],
                        help="calls per second of each paced phase (none: no paced phase)")
    parser.add_argument("--workers", type=int, default=2,
                        help="uvicorn worker processes (default: one per core of this machine)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--markdown", action="store_true", help="print for docs/benchmarks.md")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    report = Report(args)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        if args.backend in ("sqlite", "both"):
            with sqlite_database() as url:
                report.results.append(bench_backend("sqlite", url, args, progress))
        if args.backend in ("postgresql", "both"):
            why = postgres_unreachable()
            if why is not None:
                report.skipped["postgresql"] = f"unreachable at {PG_HOST}:{PG_PORT} ({why})"
            else:
                with postgres_database(report) as url:
                    report.results.append(bench_backend("postgresql", url, args, progress))
    if args.markdown:
        print(markdown(report))
    else:
        print_table(report)
    if any(ph.errors for r in report.results for ph in r.phases):
        sys.exit(1)


if __name__ == "__main__":
    main()
