"""FastAGI wired to the contact store: an Asterisk-like client dials 123 and gets the
queue of the province it calls from; a retried request gets the same contact."""

from __future__ import annotations

import asyncio
import sqlite3

from fastapi import FastAPI

from panah.intake.channels.agi import PanahResolver
from tests.unit.test_fastagi_protocol import asterisk_env, place_call, with_server


def test_a_call_with_network_location_in_chalus_is_sent_to_the_mazandaran_queue(
    app: FastAPI, database_url: str
) -> None:
    resolver = PanahResolver(app.state.session_factory, app.state.clock)
    env = asterisk_env("1774161000.42", args=("36.6550,51.4205,300",))
    call = with_server(resolver, lambda port: place_call(port, env))
    assert call.variables["PANAH_QUEUE"] == "IR-02"
    assert call.variables["PANAH_PROVINCE"] == "IR-02"
    assert call.variables["PANAH_CENTRE"]
    contact = call.variables["PANAH_CONTACT"]
    again = with_server(resolver, lambda port: place_call(port, env))
    assert again.variables["PANAH_CONTACT"] == contact  # the PBX retried: same contact
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        rows = db.execute("SELECT source, key, status FROM inbound_event WHERE source='agi'")
        assert rows.fetchall() == [("agi", "agi:1774161000.42:offered", "processed")]
        assert db.execute("SELECT location_source FROM contact WHERE id=?",
                          (int(contact),)).fetchone() == ("network",)


def test_a_withheld_number_without_location_goes_to_the_national_queue(app: FastAPI) -> None:
    resolver = PanahResolver(app.state.session_factory, app.state.clock)
    env = asterisk_env("1774161000.43", caller="unknown")
    call = with_server(resolver, lambda port: place_call(port, env))
    assert call.variables["PANAH_QUEUE"] == "national"
    assert call.variables["PANAH_APPROXIMATE"] == "1"
    assert asyncio.iscoroutinefunction(place_call)
