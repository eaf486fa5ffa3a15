"""Typed domain errors. Each says what was wrong and what to do, in Persian and English.

HTTP status codes are chosen in one place (``panah.web.errors``), not here.
"""

from __future__ import annotations


class PanahError(Exception):
    """Base of every error Panah reports to a person."""

    code = "error"

    def __init__(self, message_en: str, message_fa: str, **details: object) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_fa = message_fa
        self.details = details

    def as_dict(self) -> dict[str, object]:
        return {
            "error": self.code,
            "message": self.message_en,
            "message_fa": self.message_fa,
            **({"details": self.details} if self.details else {}),
        }


class InvalidInput(PanahError):
    code = "invalid_input"


class NotFound(PanahError):
    code = "not_found"


class Conflict(PanahError):
    code = "conflict"


class NotAuthenticated(PanahError):
    code = "not_authenticated"


class Forbidden(PanahError):
    code = "forbidden"


class TooManyRequests(PanahError):
    """Refused for now, to keep one source from crowding out the others; ``details`` carry
    ``retry_after_s`` (answered with 429 and Retry-After)."""

    code = "too_many_requests"


class OutsideIran(InvalidInput):
    code = "outside_iran"
