"""Streets on maps (issue 14, journey 9), in a real browser: a deployment that names its own
tile server (``PANAH_TILE_URL``) gets streets under the board's and the crew's maps from that
server and no other; the crew's sync bar never covers the map's controls.

Without a tile server, every other browser test already fails on any request that leaves
the local server (``tests/e2e/conftest.py``'s pages), so the offline default is covered
there."""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.e2e.conftest import PHONE, LiveServer, _serve, api, sign_in

pytestmark = pytest.mark.e2e
CHALUS = {"lat": 36.6552, "lon": 51.4200}


def _png(size: int = 256) -> bytes:
    """A plain light-grey square, as a tile server would send one."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xe8" * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


class TileServer:
    """A tile server on another port (another origin), counting what it was asked for."""

    def __init__(self) -> None:
        tile = _png()
        self.asked: list[str] = []
        asked = self.asked

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                asked.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()
                self.wfile.write(tile)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def tiles() -> Iterator[TileServer]:
    found = TileServer()
    yield found
    found.server.shutdown()
    found.server.server_close()


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           tiles: TileServer) -> Iterator[LiveServer]:
    template = request.getfixturevalue("template_db")
    with _serve(template, tmp_path_factory, tile_url=tiles.url + "/{z}/{x}/{y}.png") as url:
        yield LiveServer(url=url, with_boundaries=False)


def _page(browser: Browser, server: LiveServer, tiles: TileServer, outside: list[str],
          **options: Any) -> Page:
    context = browser.new_context(base_url=server.url, **options)

    def refuse(route: Route) -> None:
        outside.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith((server.url, tiles.url)), refuse)
    return context.new_page()


def test_the_board_draws_streets_from_the_deployments_tile_server_and_no_other(
    browser: Browser, server: LiveServer, tiles: TileServer,
) -> None:
    outside: list[str] = []
    page = _page(browser, server, tiles, outside, viewport={"width": 1280, "height": 800})
    sign_in(page, "dispatcher")
    page.goto("/dispatch")
    board_map = page.locator("#board-map")
    expect(board_map.locator("img.leaflet-tile-loaded").first).to_be_visible()
    expect(board_map.locator(".leaflet-control-attribution")).to_contain_text("OpenStreetMap")
    assert tiles.asked and all(path.endswith(".png") for path in tiles.asked)
    assert outside == []
    page.context.close()


def test_the_crews_sync_bar_never_covers_the_maps_controls(
    browser: Browser, server: LiveServer, tiles: TileServer,
) -> None:
    outside: list[str] = []
    desk = _page(browser, server, tiles, outside, viewport={"width": 1280, "height": 800})
    sign_in(desk, "dispatcher")
    incident = api(desk, "POST", "/api/incidents", {**CHALUS, "priority": "high"})
    picks = api(desk, "GET", f"/api/incidents/{incident['id']}/recommendations")["picks"]
    mzn01 = next(p["unit_id"] for p in picks if p["call_sign"] == "MZN-01")
    api(desk, "POST", f"/api/incidents/{incident['id']}/assignments", {"unit_id": mzn01})

    phone = _page(browser, server, tiles, outside, **PHONE)
    sign_in(phone, "field_crew")
    phone.goto("/field")
    field_map = phone.locator("#field-map")
    expect(field_map.locator("img.leaflet-tile-loaded").first).to_be_visible()
    field_map.evaluate("node => node.scrollIntoView({block: 'start'})")
    zoom_in = field_map.locator(".leaflet-control-zoom-in")
    bar = phone.locator("#field-sync").bounding_box()
    button = zoom_in.bounding_box()
    assert bar is not None and button is not None
    assert button["y"] >= bar["y"] + bar["height"], (bar, button)
    centre = (button["x"] + button["width"] / 2, button["y"] + button["height"] / 2)
    on_top = phone.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('.leaflet-control-zoom-in') !== null",
        centre)
    assert on_top  # the button itself answers a tap there, not the bar
    assert outside == []
    desk.context.close()
    phone.context.close()
