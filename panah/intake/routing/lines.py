"""Each province's own 123 line settings: hours, overflow time, backups, national pool.

Pure. Every province starts from ``routing.default_lines`` (24/7, backups by nearest
capital); a provincial office may change its own line. :func:`configured` checks a change
and returns the line it makes, or refuses it with what to fix, in Persian and English.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import time

from panah.core.errors import InvalidInput
from panah.intake.routing.model import LineConfig, OpeningHours

MIN_OVERFLOW_S, MAX_OVERFLOW_S = 5, 600
MAX_BACKUPS = 5
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")
LTR_START, LTR_END = "\u2066", "\u2069"  # keep a time span in order inside Persian text
_PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


@dataclass(frozen=True, slots=True)
class LineSettings:
    """What a province may set; ``hours`` as written, e.g. ``08:00-20:00`` (empty: 24/7)."""

    overflow_after_s: float
    backup_queues: tuple[str, ...]
    national_pool: bool
    hours: str = ""


def parse_hours(text: str) -> tuple[OpeningHours, ...]:
    """``08:00-14:00, 16:00-22:00`` (Iran time; a span may cross midnight, ``22:00-06:00``)
    into opening hours; empty or ``24/7`` means always open. Persian digits are accepted."""
    text = text.translate(_PERSIAN_DIGITS).strip()
    if text in ("", "24/7"):
        return ()
    spans = []
    for part in re.split(r"[,،;]", text):
        found = _SPAN.match(part)
        if found is None or not _valid(found):
            raise InvalidInput(
                f"Write the hours as spans such as 08:00-20:00, separated by commas "
                f"(Iran time), or leave them empty for 24/7; {part.strip()!r} is not one.",
                f"ساعت‌ها را به شکل بازه‌هایی مانند {LTR_START}08:00-20:00{LTR_END} با ویرگول "
                f"جدا کنید (به وقت ایران)، یا برای شبانه‌روزی خالی بگذارید؛ "
                f"{part.strip()!r} بازه نیست.",
                field="hours")
        h1, m1, h2, m2 = (int(g) for g in found.groups())
        if (h1, m1) == (h2 % 24, m2):
            raise InvalidInput(
                "A span that starts where it ends is empty; for 24/7 leave the hours empty.",
                "بازه‌ای که همان‌جا که آغاز می‌شود پایان می‌یابد تهی است؛ برای شبانه‌روزی "
                "ساعت‌ها را خالی بگذارید.", field="hours")
        spans.append(OpeningHours(time(h1, m1), time(h2 % 24, m2)))
    return tuple(spans)


def _valid(found: re.Match[str]) -> bool:
    h1, m1, h2, m2 = (int(g) for g in found.groups())
    return h1 < 24 and m1 < 60 and (h2 < 24 or (h2, m2) == (24, 0)) and m2 < 60


def format_hours(hours: Sequence[OpeningHours]) -> str:
    return ", ".join(f"{h.start:%H:%M}-{h.end:%H:%M}" for h in hours)


def configured(default: LineConfig, settings: LineSettings,
               provinces: Collection[str]) -> LineConfig:
    """The province's line with ``settings`` applied; refused with the reason if they do
    not make a line that can always be answered by someone."""
    seconds = settings.overflow_after_s
    if not MIN_OVERFLOW_S <= seconds <= MAX_OVERFLOW_S:
        raise InvalidInput(
            f"Overflow after {MIN_OVERFLOW_S} to {MAX_OVERFLOW_S} seconds (the service's "
            f"default is 20), not {seconds:g}.",
            f"سرریز پس از {MIN_OVERFLOW_S} تا {MAX_OVERFLOW_S} ثانیه (پیش‌فرض ۲۰)، نه {seconds:g}.",
            field="overflow_after_s")
    backups = tuple(dict.fromkeys(q.strip() for q in settings.backup_queues if q.strip()))
    unknown = [q for q in backups if q not in provinces or q == default.province_code]
    if unknown:
        raise InvalidInput(
            f"Backups must be other provinces' codes such as IR-27; not {', '.join(unknown)}.",
            f"پشتیبان‌ها باید کد استان‌های دیگر باشند، مانند IR-27؛ نه {', '.join(unknown)}.",
            field="backup_queues")
    if len(backups) > MAX_BACKUPS:
        raise InvalidInput(f"At most {MAX_BACKUPS} backup provinces.",
                           f"دست‌بالا {MAX_BACKUPS} استان پشتیبان.", field="backup_queues")
    if not backups and not settings.national_pool:
        raise InvalidInput(
            "With no backup province and no national pool, an unanswered caller would have "
            "nowhere to go: keep at least one.",
            "بی استان پشتیبان و بی صف ملی، تماسی که پاسخ نگیرد جایی برای رفتن ندارد: "
            "دست‌کم یکی را نگه دارید.", field="backup_queues")
    return replace(default, overflow_after_s=float(seconds), backup_queues=backups,
                   national_pool=settings.national_pool, hours=parse_hours(settings.hours))
