"""The radio gateway: team channels bridged to the teams' radios, because public networks
fail in a crisis. An interface, a logging gateway (the default) and an HTTP adapter.

A deployment's gateway (a DMR/TETRA or push-to-talk bridge) implements two directions:

- **out**: Panah calls ``send`` for each message stored on a channel (after commit, once;
  a failure is retried on the next tick). Over HTTP that is ``POST {PANAH_RADIO_URL}`` with
  JSON ``{"talkgroup": "panah-12", "text": "…" | null, "audio_base64": "…" | null,
  "mime": "audio/ogg" | null}`` and a bearer token; the gateway answers ``{"id": "…"}``.
  The talkgroup is ``panah-{channel_id}``; the gateway maps it to its radio talkgroup.
- **in**: the gateway posts what radio users say to ``POST /api/radio/messages`` with an
  integration API key: ``{"talkgroup", "client_id" (its own id for the transmission, so a
  retry adds nothing), "call_sign", "text" or "audio_base64" + "mime" + "seconds"}``.
"""

from __future__ import annotations

import base64
import json
import logging
import urllib.request
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger("panah.radio")


class RadioGateway(Protocol):
    def send(self, *, talkgroup: str, text: str | None, audio: bytes | None,
             mime: str | None) -> str:
        """Put a message on the talkgroup; return the gateway's reference or raise."""
        ...


@dataclass
class LoggingRadio:
    """Development and tests: records what would go to the radios."""

    sent: list[tuple[str, str | None, int]] = field(default_factory=list)

    def send(self, *, talkgroup: str, text: str | None, audio: bytes | None,
             mime: str | None) -> str:
        self.sent.append((talkgroup, text, len(audio or b"")))
        log.debug("radio (not sent: no gateway configured) to %s", talkgroup)
        return f"log-{len(self.sent)}"


@dataclass(frozen=True)
class HttpRadioGateway:
    url: str
    token: str = field(repr=False)
    timeout_s: float = 5.0

    def __post_init__(self) -> None:
        if not self.url.startswith(("https://", "http://")):
            raise ValueError("PANAH_RADIO_URL must be an http:// or https:// address")

    def send(self, *, talkgroup: str, text: str | None, audio: bytes | None,
             mime: str | None) -> str:
        body = {"talkgroup": talkgroup, "text": text, "mime": mime,
                "audio_base64": base64.b64encode(audio).decode() if audio else None}
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __post_init__
            self.url, data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json",
                     "Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310
            return str(json.loads(response.read())["id"])


def radio_from_settings(url: str | None, token: str) -> RadioGateway:
    return HttpRadioGateway(url, token) if url else LoggingRadio()
