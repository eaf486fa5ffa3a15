"""The telephony adapter's interface types: call offered / answered / ended, network location.

A PBX integration reports each call to ``/api/telephony/events`` (the intake service) and may
ask the FastAGI service which queue the call goes to (:mod:`panah.integrations.fastagi`).
Both can carry a location the network supplied, as ``lat,lon[,radius_m]``; both name the call
by the PBX's unique id, so the AGI request can be recorded as the same *offered* event.
Pure types and functions: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from panah.intake.model import LocationFix, LocationSource

if TYPE_CHECKING:
    from panah.integrations.fastagi import AgiRequest

_DECIMAL = re.compile(r"[+-]?[0-9]{1,7}(?:\.[0-9]{1,12})?\Z")


class CallEventKind(StrEnum):
    offered = "offered"  # the call reached the PBX and waits for a queue
    answered = "answered"  # a counsellor picked it up
    ended = "ended"  # either side hung up


@dataclass(frozen=True, slots=True)
class CallEvent:
    """One telephony event, as the HTTP event API receives it."""

    event_id: str  # idempotency key: the same key twice creates nothing new
    kind: CallEventKind
    call_id: str  # the PBX's id for the call (Asterisk: the channel's uniqueid)
    caller: str | None  # as the network gave it; None when withheld
    called: str
    at: datetime
    location: LocationFix | None = None


def offered_from_agi(request: AgiRequest, *, at: datetime) -> CallEvent:
    """The *offered* event for a FastAGI routing request; a retried request has the same key."""
    if not request.unique_id:
        raise ValueError("the AGI request has no agi_uniqueid to name the call by")
    return CallEvent(event_id=f"agi:{request.unique_id}:offered", kind=CallEventKind.offered,
                     call_id=request.unique_id, caller=request.caller, called=request.called,
                     at=at, location=request.location.fix)


@dataclass(frozen=True, slots=True)
class LocationParse:
    """A network location, or why there is none."""

    fix: LocationFix | None
    reason: str  # "ok", "absent", or what was wrong


def location_argument(args: Sequence[str]) -> str:
    """``lat,lon[,radius_m]`` from AGI arguments: one quoted argument, or split into 2–3.

    Asterisk splits application arguments at commas unless they are quoted, so
    ``AGI(agi://…/route,"36.65,51.42,250")`` gives one argument and the unquoted form three.
    """
    if not args or not args[0].strip():
        return ""
    return args[0] if "," in args[0] else ",".join(args[:3])


def parse_network_location(text: str) -> LocationParse:
    """A network-supplied ``lat,lon[,radius_m]`` (WGS84 degrees, metres) as a LocationFix.

    Only the form is checked here; whether the point is inside Iran is the location chain's
    concern, which keeps the trail of what was tried.
    """
    text = text.strip().strip('"').strip()
    if not text:
        return LocationParse(None, "absent")
    parts = [part.strip() for part in text.split(",")]
    if len(parts) not in (2, 3):
        return LocationParse(None, "expected lat,lon[,radius_m]")
    if not all(_DECIMAL.match(part) for part in parts):
        return LocationParse(None, "expected decimal numbers: lat,lon[,radius_m]")
    lat, lon = float(parts[0]), float(parts[1])
    radius = float(parts[2]) if len(parts) == 3 else None
    if not -90 <= lat <= 90:
        return LocationParse(None, "latitude outside -90 … 90")
    if not -180 <= lon <= 180:
        return LocationParse(None, "longitude outside -180 … 180")
    if radius is not None and radius < 0:
        return LocationParse(None, "negative radius")
    fix = LocationFix(source=LocationSource.network, lat=lat, lon=lon, radius_m=radius,
                      detail="network")
    return LocationParse(fix, "ok")
