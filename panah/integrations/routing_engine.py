"""Road travel times from a routing engine (OSRM or Valhalla), for the unit recommendation.

Each client satisfies, structurally, the travel-time interface of :mod:`panah.geo.travel`::

    def minutes(self, origins: Sequence[Point], destination: Point, at: datetime)
        -> list[float | None]

one answer per origin, ``None`` where the engine finds no road. The built-in model stays the
fallback: :class:`FallbackMatrix` answers from it whenever the engine fails, so an outage
of the engine slows nothing down for long and never stops dispatch. ``at`` is accepted but
not sent: neither engine has traffic data in a typical deployment.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

log = logging.getLogger("panah.routing")

Point = tuple[float, float]  # (lat, lon)


class TravelMinutes(Protocol):
    def minutes(
        self, origins: Sequence[Point], destination: Point, at: datetime
    ) -> list[float | None]: ...


class RoutingEngineError(ValueError):
    """The engine answered, but not with what we asked for."""


def _check_base_url(base_url: str) -> str:
    if not base_url.startswith(("http://", "https://")):
        raise ValueError("PANAH_ROUTING_URL must be an http:// or https:// address")
    return base_url.rstrip("/")


def _fetch_json(request: urllib.request.Request, timeout_s: float) -> Any:
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        with exc:  # an unclosed error response would leak its socket
            code = _error_code(exc.read(4096))
        raise RoutingEngineError(f"the engine answered HTTP {exc.code} {code}".strip()) from None


def _error_code(body: bytes) -> str:
    """OSRM's and Valhalla's own error code (NoSegment, 171 …), which says more than 400."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    code = data.get("code", data.get("error_code", "")) if isinstance(data, dict) else ""
    return str(code)[:40]


def _seconds_to_minutes(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
        math.isfinite(value) and value >= 0
    ):
        raise RoutingEngineError(f"a duration of {value!r} is not a number of seconds")
    return float(value) / 60.0


def _checked_rows(rows: object, count: int) -> list[Any]:
    if not isinstance(rows, list) or len(rows) != count:
        got = len(rows) if isinstance(rows, list) else type(rows).__name__
        raise RoutingEngineError(f"asked for {count} rows, the engine answered {got}")
    if not all(isinstance(row, list) and len(row) == 1 for row in rows):
        raise RoutingEngineError("each row must hold exactly one cell (one destination)")
    return rows


@dataclass(frozen=True)
class OsrmMatrix:
    """OSRM's Table service; asks in batches because OSRM caps a table (``--max-table-size``,
    100 by default)."""

    base_url: str
    profile: str = "driving"
    timeout_s: float = 2.0
    batch: int = 99  # sources per request, plus the destination: 100 coordinates

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", _check_base_url(self.base_url))

    def minutes(
        self, origins: Sequence[Point], destination: Point, at: datetime
    ) -> list[float | None]:
        answer: list[float | None] = []
        for start in range(0, len(origins), self.batch):
            answer += self._table(origins[start:start + self.batch], destination)
        return answer

    def _table(self, origins: Sequence[Point], destination: Point) -> list[float | None]:
        # OSRM takes lon,lat; six decimals are about ten centimetres.
        coordinates = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in [*origins, destination])
        sources = ";".join(str(i) for i in range(len(origins)))
        url = (f"{self.base_url}/table/v1/{self.profile}/{coordinates}"
               f"?sources={sources}&destinations={len(origins)}&annotations=duration")
        body = _fetch_json(urllib.request.Request(url), self.timeout_s)  # noqa: S310
        if not isinstance(body, dict) or body.get("code") != "Ok":
            code = body.get("code") if isinstance(body, dict) else None
            raise RoutingEngineError(f"OSRM answered code {code!r}, not 'Ok'")
        rows = _checked_rows(body.get("durations"), len(origins))
        return [_seconds_to_minutes(row[0]) for row in rows]


@dataclass(frozen=True)
class ValhallaMatrix:
    """Valhalla's ``sources_to_targets`` (matrix) service."""

    base_url: str
    costing: str = "auto"
    timeout_s: float = 2.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", _check_base_url(self.base_url))

    def minutes(
        self, origins: Sequence[Point], destination: Point, at: datetime
    ) -> list[float | None]:
        if not origins:
            return []
        query = {
            "sources": [{"lat": lat, "lon": lon} for lat, lon in origins],
            "targets": [{"lat": destination[0], "lon": destination[1]}],
            "costing": self.costing,
        }
        request = urllib.request.Request(  # noqa: S310 - scheme checked
            f"{self.base_url}/sources_to_targets", data=json.dumps(query).encode(),
            method="POST", headers={"Content-Type": "application/json"},
        )
        body = _fetch_json(request, self.timeout_s)
        rows = body.get("sources_to_targets") if isinstance(body, dict) else None
        cells = _checked_rows(rows, len(origins))
        if not all(isinstance(row[0], dict) for row in cells):
            raise RoutingEngineError("each Valhalla cell must be an object with a time")
        return [_seconds_to_minutes(row[0].get("time")) for row in cells]


@dataclass
class FallbackMatrix:
    """The engine while it works, the fallback when it does not.

    After a failure the engine is left alone for ``pause_s``: a dispatcher should not wait
    for a timeout on every recommendation while the engine is down. Warnings are logged at
    most once a minute, with the number of failures since the last one.
    """

    primary: TravelMinutes
    fallback: TravelMinutes
    pause_s: float = 15.0
    warn_every_s: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _retry_at: float = field(default=-math.inf, init=False, repr=False)
    _warned_at: float = field(default=-math.inf, init=False, repr=False)
    _failures: int = field(default=0, init=False, repr=False)

    def minutes(
        self, origins: Sequence[Point], destination: Point, at: datetime
    ) -> list[float | None]:
        if self.clock() >= self._retry_at:
            try:
                answer = self.primary.minutes(origins, destination, at)
                if len(answer) != len(origins):
                    raise RoutingEngineError(
                        f"asked for {len(origins)} travel times, got {len(answer)}")
                return answer
            except Exception as exc:  # any failure of the engine: dispatch goes on without it
                self._note_failure(exc)
        return self.fallback.minutes(origins, destination, at)

    def _note_failure(self, exc: Exception) -> None:
        with self._lock:
            now = self.clock()
            self._retry_at = now + self.pause_s
            self._failures += 1
            if now - self._warned_at < self.warn_every_s:
                return
            failures, self._failures, self._warned_at = self._failures, 0, now
        # No coordinates in the log: they are a caller's and the units' positions.
        log.warning("routing engine failed %d time(s) (last: %s: %s); using the built-in "
                    "travel-time model", failures, type(exc).__name__, exc)


def routing_from_settings(
    kind: str | None, url: str | None, fallback: TravelMinutes
) -> TravelMinutes:
    """``PANAH_ROUTING_ENGINE`` (osrm, valhalla or unset) and ``PANAH_ROUTING_URL``."""
    if not kind:
        return fallback
    engines: dict[str, type[OsrmMatrix] | type[ValhallaMatrix]] = {
        "osrm": OsrmMatrix, "valhalla": ValhallaMatrix,
    }
    engine = engines.get(kind.strip().lower())
    if engine is None:
        raise ValueError(f"PANAH_ROUTING_ENGINE must be osrm or valhalla (or unset for the "
                         f"built-in model), not {kind!r}")
    if not url:
        raise ValueError(f"PANAH_ROUTING_ENGINE is {kind!r}, so PANAH_ROUTING_URL must be set "
                         "to the engine's address, e.g. http://127.0.0.1:5000")
    return FallbackMatrix(engine(url), fallback)
