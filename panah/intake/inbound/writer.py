"""Group commit for inbound events: the webhooks' requests share transactions.

Each server process has one writer thread. A webhook hands its event over and waits; the
writer takes every event waiting at that moment (up to ``max_batch``), stores them in one
transaction and commits, processes them together in a second, and answers each request
with its own receipt or error. Under load the batches grow by themselves, so a commit (a
disk flush), the routing context check and the audit-chain lock are paid once per batch
instead of once per call; alone, an event is a batch of one and waits for nothing.

The guarantee is the same as storing each event alone: a request is answered only after
the commit that stored its event, so a 2xx still means the event survives a crash, and a
batch that fails to store answers every request in it with the error (nothing is
acknowledged). See :func:`panah.intake.inbound.events.receive_many`.

The thread starts on the first event and ends after ``idle_s`` without one, so an app
that is built and dropped (as tests do) leaves no thread behind for long.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from panah.core.clock import Clock
from panah.intake.inbound.events import Inbound, Processor, Receipt, receive_many

log = logging.getLogger(__name__)

MAX_BATCH = 64
IDLE_S = 10.0
# How long the first event of a batch waits for company. Requests that arrive together
# (a PBX reporting several calls, a burst) then share one commit instead of the first
# going alone; a lone call waits this long and no more.
LINGER_S = 0.002

Pending = tuple[Inbound, "Future[Receipt]"]


class FastPath(Protocol):
    """A quicker way to store the batches it knows (see panah.intake.inbound.fast_offers)."""

    def __call__(self, items: Sequence[Inbound], now: datetime) -> list[Receipt] | None:
        """The batch's receipts, or None (nothing stored) to leave it to the general path."""

    def close(self) -> None:
        """The writer's thread ends: give back what is held."""


class IntakeWriter:
    def __init__(self, factory: sessionmaker[Session], clock: Clock, process: Processor, *,
                 max_batch: int = MAX_BATCH, idle_s: float = IDLE_S,
                 linger_s: float = LINGER_S, fast: FastPath | None = None) -> None:
        self.factory, self.clock, self.process, self.fast = factory, clock, process, fast
        self.max_batch, self.idle_s, self.linger_s = max_batch, idle_s, linger_s
        self._queue: queue.SimpleQueue[Pending] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.batches = 0  # how many batches were written, for tests and the benchmark
        self.largest_batch = 0

    def submit(self, item: Inbound) -> Future[Receipt]:
        """Queue ``item``; the future holds its receipt once it is stored and processed."""
        future: Future[Receipt] = Future()
        with self._lock:
            self._queue.put((item, future))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="panah-intake-writer",
                                                daemon=True)
                self._thread.start()
        return future

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=self.idle_s)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._thread = None
                        if self.fast is not None:
                            self.fast.close()
                        return
                continue
            self.write(self._gather(first))

    def _gather(self, first: Pending) -> list[Pending]:
        """``first`` and what arrives within ``linger_s`` of it (and what waits already)."""
        batch, deadline = [first], time.monotonic() + self.linger_s
        while len(batch) < self.max_batch:
            try:
                batch.append(self._queue.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                break
        return batch

    def write(self, batch: list[Pending]) -> None:
        """Store and process one batch; every future gets its outcome, whatever happens."""
        self.batches += 1
        self.largest_batch = max(self.largest_batch, len(batch))
        items, now = [item for item, _ in batch], self.clock.now()
        try:
            outcomes: list[Any] | None = self.fast(items, now) if self.fast else None
            if outcomes is None:
                outcomes = receive_many(self.factory, items, now=now, process=self.process)
        except Exception as problem:  # not stored: every sender hears of it
            log.exception("an intake batch of %d events could not be stored", len(batch))
            outcomes = [problem] * len(batch)
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
