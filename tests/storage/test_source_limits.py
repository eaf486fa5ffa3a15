"""The flood limits hold across server processes, on every backend: the count of a source's
window is one row, counted atomically, so twenty requests from one address at the same
moment (as several processes would take them) admit exactly the limit, no more."""

from __future__ import annotations

import threading

from panah.core.db import unit_of_work
from panah.core.errors import TooManyRequests
from panah.intake.limits.model import LIMITS, Source
from panah.intake.limits.service import admit_help_contact, sweep
from panah.intake.orm import SourceWindow
from tests.storage.intake_line import NOW, Line

AT_ONCE = 20


def test_requests_from_one_address_at_the_same_moment_admit_exactly_the_limit(
    line: Line,
) -> None:
    barrier = threading.Barrier(AT_ONCE)
    outcomes: list[str] = []

    def request() -> None:
        barrier.wait()
        try:
            with unit_of_work(line.factory) as session:
                admission = admit_help_contact(session, address="203.0.113.9", visitor=None,
                                               now=NOW)
            outcomes.append("immediate" if admission.danger_honoured else "admitted")
        except TooManyRequests:
            outcomes.append("refused")

    threads = [threading.Thread(target=request) for _ in range(AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    most = LIMITS[Source.address].most
    assert sorted(outcomes) == sorted(
        ["immediate"] + ["admitted"] * (most - 1) + ["refused"] * (AT_ONCE - most))
    assert line.count(SourceWindow) == 1  # refused requests leave their count rolled back


def test_windows_long_over_are_forgotten(line: Line) -> None:
    from datetime import timedelta

    with unit_of_work(line.factory) as session:
        admit_help_contact(session, address="203.0.113.10", visitor="v" * 20, now=NOW)
    with unit_of_work(line.factory) as session:
        assert sweep(session, now=NOW + timedelta(minutes=19)) == 0
        assert sweep(session, now=NOW + timedelta(minutes=21)) == 2
    assert line.count(SourceWindow) == 0
