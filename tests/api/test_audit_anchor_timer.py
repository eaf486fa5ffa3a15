"""The timer anchors the audit chain's head outside the database, on a schedule.

With PANAH_AUDIT_ANCHOR_FILE set, a round of the timers appends the signed head when it
has moved since the last anchor and that one is at least PANAH_AUDIT_ANCHOR_MINUTES old;
every anchored head then verifies against the chain, and a deletion after it shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from panah.config import Settings
from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.core.timers import tick
from panah.main import create_app
from panah.security.anchors import read_anchors
from panah.security.audit import ChainProblemKind, check_anchors
from panah.security.audit_orm import current_seal_keys, iter_records, verify
from tests.conftest import login


@pytest.fixture
def anchored(settings: Settings, clock: FrozenClock, tmp_path: Path) -> Iterator[FastAPI]:
    configured = settings.model_copy(update={
        "audit_anchor_file": tmp_path / "anchors.jsonl", "audit_anchor_minutes": 15,
        "audit_keys": "a1:QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="})
    application = create_app(configured, clock=clock)
    yield application
    application.state.engine.dispose()


def _round(app: FastAPI, clock: FrozenClock) -> int:
    return tick(app.state.session_factory, clock=clock, sms=app.state.sms).audit_anchored


def test_the_timer_anchors_a_moved_head_at_most_every_fifteen_minutes(
    anchored: FastAPI, clock: FrozenClock, tmp_path: Path
) -> None:
    file = tmp_path / "anchors.jsonl"
    client = TestClient(anchored, follow_redirects=False)
    assert _round(anchored, clock) == 1  # the demo's events: a first anchor
    assert _round(anchored, clock) == 0  # nothing moved
    login(client, "counsellor")  # a sign-in is audited: the head moves
    clock.advance(minutes=14)
    assert _round(anchored, clock) == 0  # too soon
    clock.advance(minutes=1)
    assert _round(anchored, clock) == 1
    lines = [json.loads(line) for line in file.read_text().splitlines()]
    assert [line["key_id"] for line in lines] == ["a1", "a1"] and lines[1]["seq"] > lines[0]["seq"]
    keys = current_seal_keys()
    assert keys is not None and keys.current_id == "a1"
    with unit_of_work(anchored.state.session_factory) as session:
        assert verify(session) == []
        hashes = {r.seq: r.hash for r in iter_records(session)}
    assert check_anchors(read_anchors(file), hashes, keys=keys.keys) == []
    newest = max(hashes)
    del hashes[newest]  # what deleting the newest row would leave
    problems = check_anchors(read_anchors(file), hashes, keys=keys.keys)
    assert [(p.kind, p.seq) for p in problems] == [(ChainProblemKind.truncated, newest)]


def test_without_an_anchor_file_the_timer_does_nothing(app: FastAPI, clock: FrozenClock) -> None:
    assert _round(app, clock) == 0
