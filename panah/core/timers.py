"""The timers: each domain registers its jobs in its ``scheduled`` module; one loop in every
server process runs what is registered, every second.

A job is a function of the rows' due times (a contact to overflow, a referral past its
deadline, a crew past its safety check-in, a text in the outbox): the times live in the
database, so the loop holds no state, and stopping it delays timers, never loses them.

Register a job where its tables are, as Netflix Dispatch registers its jobs::

    # panah/<domain>/scheduled.py
    @timer("referrals_escalated", order=Order.escalate)
    def escalate(session: Session, *, now: datetime, outside: Outside) -> int:
        ...

It runs in its own unit of work holding the timers' lock, so whichever server process
runs a round, a contact overflows once and a text goes out once. A job that sends to an
outside system with no transaction open (``own_transactions=True``) gets the session
factory instead and opens its transactions itself. ``tick`` finds every domain's
``scheduled`` module by itself (:func:`discover`): a new domain adds its file and nothing
else changes.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from panah.core.clock import Clock
from panah.core.db import exclusive, unit_of_work

if TYPE_CHECKING:  # the outside systems' interfaces; core imports no integration at run time
    from panah.integrations.mqtt import MessageBus
    from panah.integrations.radio import RadioGateway
    from panah.integrations.sms import SmsProvider

log = logging.getLogger("panah.timers")
TIMERS_LOCK_ID = 0x50414E4148_0002  # "the timers" among advisory locks
PACKAGE = Path(__file__).resolve().parents[1]


# What a job did: a count under its name, or several counts under names of their own.
Done = int | Mapping[str, int]


class Order(IntEnum):
    """When in a round a job runs: routing first, then escalations, then what goes out
    (a text is sent after the contact it is about has been committed)."""

    route = 10
    escalate = 20
    send = 90
    relay = 95


@dataclass(frozen=True, slots=True)
class Outside:
    """The outside systems a job may use (their fakes by default; see panah.integrations)."""

    sms: SmsProvider
    bus: MessageBus | None = None
    radio: RadioGateway | None = None


@dataclass(frozen=True, slots=True)
class Job:
    name: str  # what its count is called in the round's report
    order: int
    run: Callable[..., Done]
    own_transactions: bool = False


_REGISTRY: dict[str, Job] = {}
F = TypeVar("F", bound=Callable[..., "Done"])


def timer(name: str, *, order: int, own_transactions: bool = False) -> Callable[[F], F]:
    """Register the decorated function as a job. It is called as ``run(session, now=,
    outside=)`` inside the round's unit of work, or with ``own_transactions`` as
    ``run(factory, now=, outside=)``; it returns how many things it did (or a count for
    each of several names)."""

    def register(run: F) -> F:
        known = _REGISTRY.get(name)
        if known is not None and known.run.__qualname__ != run.__qualname__:
            raise ValueError(f"two timers are called {name!r}")
        _REGISTRY[name] = Job(name, order, run, own_transactions)
        return run

    return register


def scheduled_modules() -> list[str]:
    """Every ``scheduled`` module under the panah package, as module names."""
    found = sorted(PACKAGE.rglob("scheduled.py"))
    return [".".join(("panah", *p.relative_to(PACKAGE).with_suffix("").parts)) for p in found]


def discover() -> list[Job]:
    """Import every domain's ``scheduled`` module (which registers its jobs); the jobs in
    the order they run."""
    for name in scheduled_modules():
        importlib.import_module(name)
    return sorted(_REGISTRY.values(), key=lambda job: (job.order, job.name))


@dataclass(frozen=True, slots=True)
class TickReport:
    """What one round did, by job: ``report.referrals_escalated`` and the like."""

    counts: Mapping[str, int] = field(default_factory=dict)

    def __getattr__(self, name: str) -> int:
        try:
            return self.counts[name]
        except KeyError:
            raise AttributeError(name) from None

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return iter(self.counts.items())


def tick(factory: sessionmaker[Session], *, clock: Clock, sms: SmsProvider,
         bus: MessageBus | None = None, radio: RadioGateway | None = None) -> TickReport:
    """One round of every registered job. Every server process may run it: they take
    turns (see ``exclusive``), and each turn sees what the one before committed. A job
    that fails is logged and the others still run; the round then raises the first
    failure, for the loop to log."""
    now, outside = clock.now(), Outside(sms, bus, radio)
    counts: dict[str, int] = {}
    failures: list[Exception] = []
    for job in discover():
        try:
            done = _run(job, factory, now, outside)
        except Exception as failure:  # one job's failure must not stop the others
            log.exception("timer %s failed", job.name)
            failures.append(failure)
            continue
        counts.update({job.name: done} if isinstance(done, int) else done)
    if failures:
        raise failures[0]
    return TickReport(counts)


def _run(job: Job, factory: sessionmaker[Session], now: datetime, outside: Outside) -> Done:
    if job.own_transactions:
        return job.run(factory, now=now, outside=outside)
    with unit_of_work(factory) as session:
        exclusive(session, TIMERS_LOCK_ID)
        return job.run(session, now=now, outside=outside)


async def run_forever(run: Callable[[], Any], *, interval_s: float = 1.0) -> None:
    """Call ``run`` in a thread every ``interval_s`` until cancelled."""
    while True:
        try:
            await asyncio.to_thread(run)
        except Exception:  # a bad round must not stop the timers for good
            log.exception("timers round failed; trying again in %s s", interval_s)
        await asyncio.sleep(interval_s)
