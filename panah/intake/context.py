"""The inputs of routing, read from the database: locator, county coverage, province lines.

The only intake module that touches the database; it reads and never writes. Build a
context once (per request, per PBX connection, per simulation run) and pass its parts to
:func:`panah.intake.routing.route`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from panah.centres.orm import Centre, CountyService
from panah.geo.model import Method
from panah.geo.orm import County, Province
from panah.geo.service import build_locator, latest_import_id
from panah.intake.location import Locate
from panah.intake.routing import CentreCover, LineConfig, default_lines


@dataclass(frozen=True)
class RoutingContext:
    locate: Locate
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
    """A 24/7 line per province with the default backups (nearest capitals, preferred pairs)."""
    rows = session.execute(
        select(Province.code, Province.capital_lat, Province.capital_lon).order_by(Province.code)
    ).all()
    return default_lines([_Capital(code, lat, lon) for code, lat, lon in rows])


def routing_context(session: Session) -> RoutingContext:
    locator = build_locator(session)
    return RoutingContext(
        locate=locator.locate,
        locator_method=locator.method,
        coverage=load_coverage(session),
        lines=load_lines(session),
    )


class ContextCache:
    """One routing context per process, rebuilt when new boundaries are imported.

    Asked inside the transaction that uses it: a separate one per request would cost a
    round of BEGIN/COMMIT (on SQLite, the write lock) for one SELECT. Whether boundaries
    were imported is asked at most every ``recheck_s`` seconds: an import is a rare act
    of an administrator, and the intake writer should not pay a query per batch for it.
    """

    def __init__(self, recheck_s: float = 1.0) -> None:
        self.recheck_s = recheck_s
        self._lock = threading.Lock()
        self._cached: tuple[int | None, RoutingContext] | None = None
        self._checked = -float("inf")

    def get(self, session: Session) -> RoutingContext:
        with self._lock:
            if self._cached is not None and time.monotonic() - self._checked < self.recheck_s:
                return self._cached[1]
            import_id = latest_import_id(session)
            if self._cached is None or self._cached[0] != import_id:
                self._cached = (import_id, routing_context(session))
            self._checked = time.monotonic()
            return self._cached[1]
