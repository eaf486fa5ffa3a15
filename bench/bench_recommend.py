"""Recommendation benchmark: ``recommend`` over 500 units spread across Iran, with the
default travel-time model.

    .venv/bin/python bench/bench_recommend.py [--units 500] [--calls 2000] [--markdown]

Units (fixed seed) stand around the 31 provincial capitals and anywhere in Iran's bounding
box, with a mix of statuses, fresh, stale and missing positions, crews and rotation counts.
Two workloads of ``--calls`` calls each, after a warm-up:

- *national*: targets around the capitals or anywhere in the box, at times spread over a
  year (a tenth in Nowruz daytime), with random needs and an occasional unit taken;
- *Nowruz, Mazandaran*: targets around Chalus, Kelardasht, Marzanabad and the Haraz road in
  Nowruz daytime, the worst case of the model (every unit south of the Alborz is tested
  against the Chalus and Haraz corridors).

The units and calls are made first and frozen out of the garbage collector's view, as
``create_app`` does with its start-up objects. Target: p99 under 5 ms. ``--markdown``
prints the "Recommendation" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from machine import cpu_name  # noqa: E402 - bench/ is this script's folder

from panah.dispatch.recommend import CrewSeat, Needs, UnitView, recommend  # noqa: E402
from panah.geo.model import IRAN_BBOX  # noqa: E402
from panah.geo.reference import province_facts  # noqa: E402
from panah.geo.travel import DEFAULT_MODEL, IRAN_TIME, Point  # noqa: E402

SEED = 20260322
WARM_UP = 200
TARGET_P99_MS = 5.0
EPOCH = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)  # the fleet's times are made relative to it
STATUSES = ("available_on_move", "available_at_post", "en_route", "on_scene",
            "out_of_service", "dispatched")
STATUS_WEIGHTS = (0.45, 0.30, 0.08, 0.07, 0.05, 0.05)
MAZANDARAN_HOTSPOTS = ((36.6620, 51.4300), (36.5090, 51.1640), (36.4440, 51.2930),
                       (36.2100, 52.3050), (36.9230, 50.6550))
COMMAND = ".venv/bin/python bench/bench_recommend.py --markdown"


@dataclass(frozen=True)
class Call:
    target: Point
    now: datetime
    needs: Needs
    exclude_ids: frozenset[int]


def capitals() -> np.ndarray:
    return np.array([(p.capital_lat, p.capital_lon) for p in province_facts()])


def near(rng: np.random.Generator, centres: np.ndarray, km: float) -> Point:
    lat, lon = centres[rng.integers(len(centres))]
    return (float(lat + rng.normal(0, km / 111)), float(lon + rng.normal(0, km / 90)))


def anywhere(rng: np.random.Generator) -> Point:
    lat_min, lon_min, lat_max, lon_max = IRAN_BBOX
    return float(rng.uniform(lat_min, lat_max)), float(rng.uniform(lon_min, lon_max))


def crew(rng: np.random.Generator) -> tuple[CrewSeat, ...]:
    seats = [CrewSeat("social_worker", bool(rng.random() < 0.6))]
    if rng.random() < 0.7:
        seats.append(CrewSeat("psychologist", bool(rng.random() < 0.5)))
    if rng.random() < 0.5:
        seats.append(CrewSeat("driver", bool(rng.random() < 0.1)))
    return tuple(seats)


def make_unit(rng: np.random.Generator, i: int, centres: np.ndarray) -> UnitView:
    post = near(rng, centres, 20) if rng.random() < 0.8 else anywhere(rng)
    status = str(rng.choice(STATUSES, p=STATUS_WEIGHTS))
    roll = rng.random()
    age = (timedelta(minutes=float(rng.uniform(0, 12))) if roll < 0.7
           else timedelta(minutes=float(rng.uniform(20, 180))))
    position = None if roll > 0.95 else near(rng, np.array([post]), 8)
    return UnitView(
        id=i, call_sign=f"U-{i:03d}", kind="adapted_van" if rng.random() < 0.4 else "sedan",
        status=status, province_code=None, position=position,
        position_at=EPOCH - age if position else None, post_name_fa=f"پایگاه {i}",
        post_name_en=f"Post {i}", post_position=post, crew=crew(rng),
        dispatches_recent=int(rng.integers(0, 4)),
        last_dispatched_at=EPOCH - timedelta(hours=float(rng.uniform(0.5, 12)))
        if rng.random() < 0.7 else None,
    )


def fleet_at(fleet: list[UnitView], now: datetime) -> list[UnitView]:
    """The same fleet seen at ``now``: positions and dispatches as old as they were at EPOCH
    (what the service reads from the database for each call)."""
    shift = now - EPOCH
    return [UnitView(u.id, u.call_sign, u.kind, u.status, u.province_code, u.position,
                     u.position_at + shift if u.position_at else None, u.post_name_fa,
                     u.post_name_en, u.post_position, u.crew, u.dispatches_recent,
                     u.last_dispatched_at + shift if u.last_dispatched_at else None)
            for u in fleet]


def random_needs(rng: np.random.Generator) -> Needs:
    return Needs(roles=frozenset({"psychologist"}) if rng.random() < 0.3 else frozenset(),
                 prefer_woman=bool(rng.random() < 0.3),
                 kind="adapted_van" if rng.random() < 0.2 else None)


def national_calls(rng: np.random.Generator, n: int, centres: np.ndarray) -> list[Call]:
    calls = []
    for _ in range(n):
        if rng.random() < 0.1:  # Nowruz daytime: Farvardin 2-12, 07:00-22:00 Tehran
            day = datetime(2026, 3, 22, 7, tzinfo=IRAN_TIME) + timedelta(
                days=int(rng.integers(0, 11)), minutes=float(rng.uniform(0, 15 * 60)))
        else:
            day = datetime(2026, 4, 3, tzinfo=IRAN_TIME) + timedelta(
                minutes=float(rng.uniform(0, 350 * 24 * 60)))
        target = near(rng, centres, 15) if rng.random() < 0.7 else anywhere(rng)
        taken = frozenset({int(rng.integers(0, 500))}) if rng.random() < 0.2 else frozenset()
        calls.append(Call(target, day.astimezone(UTC), random_needs(rng), taken))
    return calls


def nowruz_calls(rng: np.random.Generator, n: int) -> list[Call]:
    spots = np.array(MAZANDARAN_HOTSPOTS)
    return [Call(near(rng, spots, 5), datetime(2026, 3, 24, 7, tzinfo=IRAN_TIME).astimezone(UTC)
                 + timedelta(minutes=float(rng.uniform(0, 15 * 60))), random_needs(rng),
                 frozenset()) for _ in range(n)]


@dataclass(frozen=True)
class Measured:
    wall_ms: list[float]  # what a dispatcher waits
    cpu_ms: list[float]  # this thread's CPU time: the code's own cost, without the waits
    asked: float  # mean units whose travel time was asked
    picks: float


def run(fleet: list[UnitView], calls: list[Call]) -> Measured:
    for call in calls[:WARM_UP]:
        recommend(call.target, fleet_at(fleet, call.now), now=call.now, travel=DEFAULT_MODEL,
                  needs=call.needs)
    wall, cpu, asked, picks = [], [], 0, 0
    for call in calls:
        units = fleet_at(fleet, call.now)  # not timed: the caller's database read
        started, started_cpu = time.perf_counter(), time.thread_time()
        result = recommend(call.target, units, now=call.now, travel=DEFAULT_MODEL,
                           needs=call.needs, exclude_ids=call.exclude_ids)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        asked += len(units) - len(result.excluded) + sum(
            e.reason == "unreachable" for e in result.excluded)
        picks += len(result.picks)
    return Measured(wall, cpu, asked / len(calls), picks / len(calls))


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def machine() -> str:
    return (f"{cpu_name()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, numpy {np.__version__}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Recommendation benchmark")
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    centres = capitals()
    fleet = [make_unit(rng, i, centres) for i in range(args.units)]
    workloads = [("national", national_calls(rng, args.calls, centres)),
                 ("Nowruz, Mazandaran", nowruz_calls(rng, args.calls))]
    gc.collect()
    gc.freeze()  # as create_app does after start-up: the long-lived objects are not rescanned
    load_before = os.getloadavg()[0]
    rows = [(name, run(fleet, calls)) for name, calls in workloads]
    load = f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    if args.markdown:
        print("## Recommendation\n")
        print(f"Machine: {machine()} ({load})  ")
        print(f"Command: `{COMMAND}`  ")
        print(f"{args.units} units, {args.calls:,} calls per workload after {WARM_UP} warm-up "
              f"calls, default travel model, seed {SEED}; target p99 < {TARGET_P99_MS:g} ms. "
              "Wall-clock latency, and in brackets the thread's CPU time.\n")
        print("| workload | units asked (mean) | p50 | p95 | p99 | max |")
        print("|---|---|---|---|---|---|")
    else:
        print(f"$ {' '.join(['.venv/bin/python', 'bench/bench_recommend.py', *sys.argv[1:]])}")
        print(f"{machine()}; {load}")
    for name, m in rows:
        cells = [f"{percentile(m.wall_ms, q):.2f} ({percentile(m.cpu_ms, q):.2f}) ms"
                 for q in (50, 95, 99, 100)]
        if args.markdown:
            print(f"| {name} | {m.asked:.0f} | " + " | ".join(cells) + " |")
        else:
            verdict = "met" if percentile(m.wall_ms, 99) < TARGET_P99_MS else "MISSED"
            print(f"{name:20} asked {m.asked:4.0f} picks {m.picks:.1f}  p50 {cells[0]}  "
                  f"p95 {cells[1]}  p99 {cells[2]}  max {cells[3]}  "
                  f"mean {statistics.fmean(m.wall_ms):.2f} ms; p99 target {verdict}")


if __name__ == "__main__":
    main()
