"""Text messages out: an interface, a logging provider (the default) and an HTTP gateway.

Messages are written to the ``outbound_sms`` outbox inside the contact's transaction and
sent after commit by :func:`panah.intake.service.send_pending_sms`, so a rolled-back
contact never texts anyone and a crash between commit and send only delays the text.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger("panah.sms")


class SmsProvider(Protocol):
    def send(self, to: str, body: str) -> str:
        """Send ``body`` to ``to`` (E.164); return the provider's reference or raise."""
        ...


@dataclass
class LoggingSmsProvider:
    """Development and tests: records and logs every message instead of sending it."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, to: str, body: str) -> str:
        self.sent.append((to, body))
        log.info("SMS (not sent: logging provider) to …%s: %s", to[-4:], body)
        return f"log-{len(self.sent)}"


@dataclass(frozen=True)
class HttpSmsProvider:
    """A gateway that takes ``POST {url}`` with JSON ``{"to", "text"}`` and answers
    ``{"id": …}``; the bearer token comes from configuration (``PANAH_SMS_TOKEN``)."""

    url: str
    token: str = field(repr=False)
    timeout_s: float = 5.0

    def send(self, to: str, body: str) -> str:
        if not self.url.startswith("https://"):
            raise ValueError("PANAH_SMS_URL must be an https:// address")
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            self.url, data=json.dumps({"to": to, "text": body}).encode(), method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310
            return str(json.loads(response.read())["id"])


def provider_from_settings(url: str | None, token: str) -> SmsProvider:
    return HttpSmsProvider(url, token) if url else LoggingSmsProvider()
