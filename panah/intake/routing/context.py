"""The inputs of routing, read from the database: locator, county coverage, province lines.

The only intake module that touches the database; it reads and never writes. Build a
context once (per request, per PBX connection, per simulation run) and pass its parts to
:func:`panah.intake.routing.model.route`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from panah.centres.changes import coverage_generation
from panah.centres.orm import Centre, CountyService
from panah.centres.queries import coverage_stamp
from panah.core.errors import InvalidInput
from panah.geo.model import Method, Placement
from panah.geo.orm import County, Province
from panah.geo.service import build_locator, latest_import_id
from panah.intake.orm import LineSetting
from panah.intake.routing.lines import LineSettings, configured
from panah.intake.routing.location import Locate
from panah.intake.routing.model import CentreCover, LineConfig, default_lines

log = logging.getLogger("panah.intake")


@dataclass(frozen=True)
class RoutingContext:
    locate: Locate
    # ``locate`` for many points at once (one vectorised pass for a batch of calls).
    placements: Callable[[Sequence[tuple[float, float]]], list[Placement | None]]
    locator_method: Method
    coverage: dict[str, CentreCover]  # county key → the centre answering for it
    lines: dict[str, LineConfig]  # province code → its 123 line


@dataclass(frozen=True, slots=True)
class _Capital:
    code: str
    capital_lat: float
    capital_lon: float


def load_coverage(session: Session) -> dict[str, CentreCover]:
    """County key → its centre (its own, or its covering county's), from ``county_service``."""
    served = aliased(County)
    covering = aliased(County)
    rows = session.execute(
        select(served.key, Centre.code, Centre.name_en, Centre.name_fa, covering.key)
        .select_from(CountyService)
        .join(served, served.id == CountyService.county_id)
        .join(Centre, Centre.id == CountyService.centre_id)
        .outerjoin(covering, covering.id == CountyService.covering_county_id)
    ).all()
    return {
        county: CentreCover(centre, covering_key, name_en, name_fa)
        for county, centre, name_en, name_fa, covering_key in rows
    }


def load_lines(session: Session) -> dict[str, LineConfig]:
    """Each province's line: the defaults (24/7, backups by nearest capital and preferred
    pairs), with what the province has set for itself (``line_setting``) applied."""
    rows = session.execute(
        select(Province.code, Province.capital_lat, Province.capital_lon).order_by(Province.code)
    ).all()
    lines = default_lines([_Capital(code, lat, lon) for code, lat, lon in rows])
    for setting in session.scalars(select(LineSetting)):
        default = lines.get(setting.province_code)
        if default is None:
            continue
        try:
            lines[setting.province_code] = configured(default, settings_of(setting), lines)
        except InvalidInput:  # saved under other rules: keep the defaults, and say so
            log.warning("line settings of %s no longer valid; using the defaults",
                        setting.province_code)
    return lines


def settings_of(row: LineSetting) -> LineSettings:
    return LineSettings(row.overflow_after_s,
                        tuple(q for q in row.backup_queues.split(",") if q),
                        row.national_pool, row.hours)


def lines_stamp(session: Session) -> tuple[object, ...]:
    """Changes when any province changes its line settings."""
    row = session.execute(select(func.count(), func.max(LineSetting.updated_at))).one()
    return tuple(row)


def routing_context(session: Session) -> RoutingContext:
    locator = build_locator(session)
    return RoutingContext(
        locate=locator.locate,
        placements=locator.placements,
        locator_method=locator.method,
        coverage=load_coverage(session),
        lines=load_lines(session),
    )


class ContextCache:
    """One routing context per process, rebuilt when new boundaries are imported, a
    province changes its line settings or a centre's coverage changes (in this process:
    with the next call, by ``coverage_generation``; in another: by ``coverage_stamp``).

    Asked inside the transaction that uses it: a separate one per request would cost a
    round of BEGIN/COMMIT (on SQLite, the write lock) for one SELECT. Whether boundaries
    were imported is asked at most every ``recheck_s`` seconds: an import is a rare act
    of an administrator, and the intake writer should not pay a query per batch for it.
    """

    def __init__(self, recheck_s: float = 1.0) -> None:
        self.recheck_s = recheck_s
        self._lock = threading.Lock()
        self._cached: tuple[object, RoutingContext] | None = None
        self._checked = -float("inf")
        self._generation = -1  # coverage_generation() when the context was built

    def current(self) -> RoutingContext | None:
        """The context, when it was checked within ``recheck_s``; else None (ask ``get``)."""
        with self._lock:
            return self._fresh()

    def get(self, session: Session) -> RoutingContext:
        with self._lock:
            fresh = self._fresh()
            if fresh is not None:
                return fresh
            generation = coverage_generation()  # before reading: a later commit rebuilds
            stamp = (latest_import_id(session), lines_stamp(session), coverage_stamp(session))
            if self._cached is None or self._cached[0] != stamp:
                self._cached = (stamp, routing_context(session))
            self._generation = generation
            self._checked = time.monotonic()
            return self._cached[1]

    def _fresh(self) -> RoutingContext | None:
        if (self._cached is not None and self._generation == coverage_generation()
                and time.monotonic() - self._checked < self.recheck_s):
            return self._cached[1]
        return None
