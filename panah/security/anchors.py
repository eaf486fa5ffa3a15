"""Anchors: the audit chain's head, signed with the current audit key, kept outside the
database (a file of JSON lines, or the log), so deleting the newest rows or rewriting the
chain with a stolen database shows against a head recorded earlier.

``panah audit anchor`` writes one on demand; the ``audit_anchored`` timer appends one to
PANAH_AUDIT_ANCHOR_FILE when the head has moved, at most every PANAH_AUDIT_ANCHOR_MINUTES;
``panah audit verify --anchors FILE`` checks them (:func:`panah.security.audit.check_anchors`).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from panah.core.errors import InvalidInput
from panah.security.audit import Anchor, anchor_of, parse_anchor
from panah.security.audit_orm import current_seal_keys, head

log = logging.getLogger("panah.audit.anchor")


@dataclass(frozen=True, slots=True)
class Schedule:
    """Where and how often the timer anchors (from the settings, at start)."""

    path: Path | None = None
    every: timedelta = timedelta(minutes=15)


class _Configured:
    schedule = Schedule()


def configure_anchoring(schedule: Schedule) -> None:
    _Configured.schedule = schedule


def anchor_head(session: Session, *, now: datetime, out: Path | None) -> Anchor | None:
    """Sign the chain's head and append it to ``out`` (else write it to the log); ``None``
    for an empty chain."""
    newest = head(session)
    if newest is None:
        return None
    keys = current_seal_keys()
    if keys is None:
        raise InvalidInput("No audit keys are configured to sign the head with: set "
                           "PANAH_AUDIT_KEYS.",
                           "کلید ممیزی برای امضای سرِ زنجیره تنظیم نشده است: PANAH_AUDIT_KEYS "
                           "را تنظیم کنید.")
    anchor = anchor_of(newest, at=now, key=keys.current)
    if out is None:
        log.warning("audit anchor %s", anchor.line())
    else:
        _append_line(out, anchor.line())
    return anchor


def anchor_if_due(session: Session, *, now: datetime) -> int:
    """The timer's step: anchor to the configured file when the head moved since the last
    anchor there and that one is at least ``every`` old. 1 if it anchored, else 0."""
    schedule = _Configured.schedule
    if schedule.path is None:
        return 0
    newest = head(session)
    last = last_anchor(schedule.path)
    if newest is None or (last is not None and (
            (last.seq, last.hash) == (newest.seq, newest.hash) or now - last.at < schedule.every)):
        return 0
    return 1 if anchor_head(session, now=now, out=schedule.path) else 0


def read_anchors(path: Path) -> list[Anchor]:
    """Every anchor in a file of JSON lines; a clear error naming a line that is not one."""
    anchors = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            anchors.append(parse_anchor(line))
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidInput(
                f"Line {number} of the anchor file {path} is not an anchor ({error}).",
                f"سطر {number} پروندهٔ لنگرها ({path}) لنگر نیست.", line=number) from None
    return anchors


def last_anchor(path: Path) -> Anchor | None:
    """The newest anchor in the file (read from its end), if any."""
    if not path.exists():
        return None
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        handle.seek(max(0, handle.tell() - 4096))
        lines = [line for line in handle.read().splitlines() if line.strip()]
    try:
        return parse_anchor(lines[-1].decode("utf-8")) if lines else None
    except (ValueError, KeyError, TypeError):
        log.error("the last line of the audit anchor file %s is not an anchor", path)
        return None


def _append_line(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())
