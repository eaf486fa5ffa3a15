"""How much one source may send to the 123 line, and what a self-reported danger is worth
from it (pure: no database, no web, no clock; ``now`` is passed in).

The public help page and the SMS gateway take anything from anyone, so one source could
fill the queue: 300 chats from one address in 2.7 s, each "in danger", ahead of every real
caller. Each source counts in a fixed window, stored in the database (``source_window``)
so every server process shares the count:

* a client **address**: several people may share one (a mobile carrier's NAT), so its
  limit is a little wider than a visitor's;
* a help page's **visitor** token (kept in the page's memory, sent with each request);
* an SMS **sender** number: its texts join one conversation, so a flood adds messages,
  not queue entries; the limit is far above what a person types on a phone.

The limits are what no real person reaches: several chats within a few minutes happen
(a page reloaded, a chat started again), a dozen within ten minutes from one visitor
does not, and a flood sends dozens a second. A person who passes one is told so, in both
languages, with the numbers to call at once (123, 110, 115), and when to try again.

A self-reported "in danger" makes a contact immediate only when it is the source's first
contact of its window; later ones from the same source keep an ordinary level, so a flood
cannot put itself ahead of the real callers. (The first chat from an address is
indistinguishable from a real one, and stays immediate.)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

EMERGENCY_NUMBERS: tuple[tuple[str, str, str], ...] = (
    ("123", "اورژانس اجتماعی", "social emergency"),
    ("110", "پلیس", "police"),
    ("115", "اورژانس پزشکی", "ambulance"),
)


class Source(StrEnum):
    address = "address"  # the client address of a help page request
    visitor = "visitor"  # the help page's own token, in page memory
    sms = "sms"  # an SMS sender's number


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``most`` in a window of ``window``, counted from the window's first."""

    most: int
    window: timedelta


WINDOW = timedelta(minutes=10)
LIMITS: Mapping[Source, Limit] = {
    Source.address: Limit(6, WINDOW),
    Source.visitor: Limit(4, WINDOW),
    Source.sms: Limit(60, WINDOW),
}


@dataclass(frozen=True, slots=True)
class Counted:
    """A source's window after counting this contact: how many so far (this one
    included) and when the window began."""

    count: int
    started_at: datetime


@dataclass(frozen=True, slots=True)
class Admission:
    admitted: bool
    danger_honoured: bool  # a self-reported danger may make this contact immediate
    retry_after_s: int | None = None  # refused: seconds until the window ends
    first_refusal: bool = False  # refused, for the first time in the window: say it once


def expired_before(now: datetime, limit: Limit) -> datetime:
    """A window that began at or before this moment is over: the next contact starts a
    new one."""
    return now - limit.window


def judge(counted: Mapping[Source, Counted], *, now: datetime,
          limits: Mapping[Source, Limit] = LIMITS) -> Admission:
    """Admit the contact unless one of its sources is over its limit; honour a danger
    only for the first contact of every source's window."""
    over = {source: c for source, c in counted.items() if c.count > limits[source].most}
    first = all(c.count == 1 for c in counted.values())
    if not over:
        return Admission(admitted=True, danger_honoured=first)
    ends = max(c.started_at + limits[source].window for source, c in over.items())
    wait = max(1, math.ceil((ends - now).total_seconds()))
    return Admission(admitted=False, danger_honoured=False, retry_after_s=wait,
                     first_refusal=any(c.count == limits[s].most + 1 for s, c in over.items()))


def wait_minutes(seconds: int) -> int:
    """Whole minutes to tell a person to wait (at least one)."""
    return max(1, math.ceil(seconds / 60))
