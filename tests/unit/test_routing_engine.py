"""Routing-engine clients against a tiny HTTP server that imitates OSRM and Valhalla."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from panah.integrations.routing_engine import (
    FallbackMatrix,
    OsrmMatrix,
    Point,
    RoutingEngineError,
    ValhallaMatrix,
    routing_from_settings,
)

AT = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)
SARI = (36.5633, 53.0601)
BABOL = (36.5513, 52.6790)
AMOL = (36.4696, 52.3507)
CHALUS = (36.6550, 51.4204)  # the caller


@dataclass
class FakeEngine:
    """What the server answers next, and what it was asked."""

    status: int = 200
    body: object = field(default_factory=dict)
    requests: list[tuple[str, str, bytes]] = field(default_factory=list)


@pytest.fixture
def engine() -> Iterator[tuple[FakeEngine, str]]:
    fake = FakeEngine()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            fake.requests.append((self.command, self.path, self.rfile.read(length)))
            data = json.dumps(fake.body).encode()
            self.send_response(fake.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def dead_url() -> str:
    """An address where nothing listens: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@dataclass
class Straight:
    """Stands in for the built-in model: 1 minute per origin index, recorded."""

    calls: int = 0

    def minutes(self, origins: Sequence[Point], destination: Point, at: datetime) -> list[
        float | None
    ]:
        self.calls += 1
        return [float(i + 1) for i in range(len(origins))]


def test_osrm_url_lists_lon_lat_with_origins_as_sources_and_caller_as_destination(
    engine: tuple[FakeEngine, str],
) -> None:
    fake, url = engine
    fake.body = {"code": "Ok", "durations": [[600], [None], [90.5]]}

    answer = OsrmMatrix(url + "/").minutes([SARI, BABOL, AMOL], CHALUS, AT)

    assert answer == [10.0, None, pytest.approx(90.5 / 60)]
    method, path, _ = fake.requests[0]
    assert method == "GET"
    assert path == (
        "/table/v1/driving/53.060100,36.563300;52.679000,36.551300;52.350700,36.469600;"
        "51.420400,36.655000?sources=0;1;2&destinations=3&annotations=duration"
    )


def test_osrm_profile_is_part_of_the_path(engine: tuple[FakeEngine, str]) -> None:
    fake, url = engine
    fake.body = {"code": "Ok", "durations": [[60]]}
    assert OsrmMatrix(url, profile="car").minutes([SARI], CHALUS, AT) == [1.0]
    assert fake.requests[0][1].startswith("/table/v1/car/")


def test_osrm_asks_in_batches_below_its_table_limit(engine: tuple[FakeEngine, str]) -> None:
    fake, url = engine
    fake.body = {"code": "Ok", "durations": [[60], [120]]}
    assert OsrmMatrix(url, batch=2).minutes([SARI, BABOL, AMOL, SARI], CHALUS, AT) == [
        1.0, 2.0, 1.0, 2.0,
    ]
    assert [path.split("?")[1] for _, path, _ in fake.requests] == [
        "sources=0;1&destinations=2&annotations=duration"
    ] * 2


def test_osrm_with_no_origins_asks_nothing(engine: tuple[FakeEngine, str]) -> None:
    fake, url = engine
    assert OsrmMatrix(url).minutes([], CHALUS, AT) == []
    assert fake.requests == []


@pytest.mark.parametrize("body", [
    {"code": "NoSegment", "message": "Could not find a matching segment"},
    {"code": "Ok", "durations": [[60]]},  # one row for two origins
    {"code": "Ok", "durations": [[60], ["soon"]]},
    {"code": "Ok", "durations": [[60], [-5]]},
    {"code": "Ok", "durations": [[60, 70], [80, 90]]},
    ["not", "an", "object"],
])
def test_osrm_answer_that_does_not_fit_the_question_is_an_error(
    engine: tuple[FakeEngine, str], body: object,
) -> None:
    fake, url = engine
    fake.body = body
    with pytest.raises(RoutingEngineError):
        OsrmMatrix(url).minutes([SARI, BABOL], CHALUS, AT)


def test_osrm_http_error_names_the_engines_code(engine: tuple[FakeEngine, str]) -> None:
    fake, url = engine
    fake.status, fake.body = 400, {"code": "NoSegment", "message": "Could not find"}
    with pytest.raises(RoutingEngineError, match="HTTP 400 NoSegment"):
        OsrmMatrix(url).minutes([SARI], CHALUS, AT)


def test_valhalla_posts_sources_and_the_caller_as_target(engine: tuple[FakeEngine, str]) -> None:
    fake, url = engine
    fake.body = {"sources_to_targets": [
        [{"time": 1200, "distance": 25.1, "from_index": 0, "to_index": 0}],
        [{"time": None, "distance": None, "from_index": 1, "to_index": 0}],
    ], "units": "kilometers"}

    answer = ValhallaMatrix(url, costing="auto").minutes([SARI, BABOL], CHALUS, AT)

    assert answer == [20.0, None]
    method, path, body = fake.requests[0]
    assert (method, path) == ("POST", "/sources_to_targets")
    assert json.loads(body) == {
        "sources": [{"lat": 36.5633, "lon": 53.0601}, {"lat": 36.5513, "lon": 52.679}],
        "targets": [{"lat": 36.655, "lon": 51.4204}],
        "costing": "auto",
    }


def test_valhalla_with_the_wrong_row_count_is_an_error(engine: tuple[FakeEngine, str]) -> None:
    fake, url = engine
    fake.body = {"sources_to_targets": [[{"time": 60, "distance": 1.0}]]}
    with pytest.raises(RoutingEngineError, match="2 rows"):
        ValhallaMatrix(url).minutes([SARI, BABOL], CHALUS, AT)


@pytest.mark.parametrize("make", [OsrmMatrix, ValhallaMatrix])
def test_only_http_addresses_are_accepted(make: type[OsrmMatrix] | type[ValhallaMatrix]) -> None:
    with pytest.raises(ValueError, match="http:// or https://"):
        make("file:///etc/passwd")


def test_fallback_answers_when_the_engine_returns_500(engine: tuple[FakeEngine, str]) -> None:
    fake, url = engine
    fake.status, fake.body = 500, {"error": "boom"}
    model = Straight()
    assert FallbackMatrix(OsrmMatrix(url), model).minutes([SARI, BABOL], CHALUS, AT) == [1.0, 2.0]
    assert model.calls == 1


def test_fallback_answers_when_the_engine_is_down(dead_url: str) -> None:
    model = Straight()
    matrix = FallbackMatrix(ValhallaMatrix(dead_url), model)
    assert matrix.minutes([SARI], CHALUS, AT) == [1.0]


def test_fallback_answers_when_the_engine_sends_no_json(engine: tuple[FakeEngine, str]) -> None:
    fake, url = engine
    fake.body = "<html>"  # served as a JSON string: valid JSON, wrong shape
    assert FallbackMatrix(OsrmMatrix(url), Straight()).minutes([SARI], CHALUS, AT) == [1.0]


def test_a_working_engine_is_used_and_the_fallback_is_not(
    engine: tuple[FakeEngine, str],
) -> None:
    fake, url = engine
    fake.body = {"code": "Ok", "durations": [[300]]}
    model = Straight()
    assert FallbackMatrix(OsrmMatrix(url), model).minutes([SARI], CHALUS, AT) == [5.0]
    assert model.calls == 0


def test_after_a_failure_the_engine_rests_then_is_tried_again(
    engine: tuple[FakeEngine, str], caplog: pytest.LogCaptureFixture,
) -> None:
    fake, url = engine
    now = [1000.0]
    matrix = FallbackMatrix(OsrmMatrix(url), Straight(), pause_s=15, warn_every_s=60,
                            clock=lambda: now[0])
    fake.status = 500
    with caplog.at_level(logging.WARNING, logger="panah.routing"):
        matrix.minutes([SARI], CHALUS, AT)
        now[0] += 5
        matrix.minutes([SARI], CHALUS, AT)  # resting: the engine is not asked
        assert len(fake.requests) == 1
        now[0] += 20
        matrix.minutes([SARI], CHALUS, AT)  # asked again, fails again, within the minute
        assert len(fake.requests) == 2
        fake.status, fake.body = 200, {"code": "Ok", "durations": [[120]]}
        now[0] += 20
        assert matrix.minutes([SARI], CHALUS, AT) == [2.0]
    warnings = [r for r in caplog.records if r.name == "panah.routing"]
    assert len(warnings) == 1, "one warning a minute, not one per failure"
    assert "36.56" not in warnings[0].getMessage(), "no positions in the log"


def test_settings_without_an_engine_give_the_built_in_model() -> None:
    model = Straight()
    assert routing_from_settings(None, None, model) is model
    assert routing_from_settings("", "http://x", model) is model


def test_settings_pick_the_engine_behind_the_fallback() -> None:
    model = Straight()
    osrm = routing_from_settings("osrm", "http://osrm:5000", model)
    valhalla = routing_from_settings("Valhalla", "http://valhalla:8002", model)
    assert isinstance(osrm, FallbackMatrix) and isinstance(osrm.primary, OsrmMatrix)
    assert isinstance(valhalla, FallbackMatrix) and isinstance(valhalla.primary, ValhallaMatrix)
    assert osrm.fallback is model


def test_settings_refuse_an_unknown_engine_or_a_missing_url() -> None:
    with pytest.raises(ValueError, match="osrm or valhalla"):
        routing_from_settings("graphhopper", "http://gh:8989", Straight())
    with pytest.raises(ValueError, match="PANAH_ROUTING_URL must be set"):
        routing_from_settings("osrm", None, Straight())
