"""``panah demo history``'s use case: a province's synthetic history, once.

A province that already has its history is left alone (a second run writes nothing and
says so); ``replace`` removes the history written before and writes it again. The caller
owns the transaction; ``progress`` hears of each Jalali month written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from panah.core.errors import InvalidInput
from panah.demo_history.model import ContactFact, generate, history_days
from panah.demo_history.writer import (
    demo_provinces,
    history_count,
    province_setup,
    remove_history,
    write_facts,
)
from panah.reports.periods import Grain, periods, persian_digits

MAX_MONTHS = 120
Progress = Callable[[str, str], None]  # (province, Jalali month key) just written


@dataclass(frozen=True, slots=True)
class Written:
    province_code: str
    contacts: int  # written now
    already: int  # there before and kept (a second run)
    removed: int  # removed first (replace)
    first: date
    last: date


def check_history(session: Session, *, codes: Sequence[str], months: int) -> list[str]:
    """The provinces asked for (all the demo's by default), or InvalidInput naming the option."""
    if not 1 <= months <= MAX_MONTHS:
        raise InvalidInput(f"--months: {months} is out of range; give 1 to {MAX_MONTHS}.",
                           f"--months: {persian_digits(str(months))} بیرون از بازه است؛ ۱ تا "
                           f"{persian_digits(str(MAX_MONTHS))} بدهید.",
                           field="months")
    known = demo_provinces(session)
    if not known:
        raise InvalidInput("The demo is not loaded: run 'panah demo load' first.",
                           "داده‌های نمایشی بارگذاری نشده است: نخست «panah demo load» را "
                           "اجرا کنید.", field="province")
    for code in codes:
        if code not in known:
            raise InvalidInput(
                f"--province: {code} has no line in the demo; choose one of {', '.join(known)}.",
                f"--province: استان {code} در داده‌های نمایشی خط ۱۲۳ ندارد؛ یکی از "
                f"{'، '.join(known)} را برگزینید.", field="province")
    return list(dict.fromkeys(codes)) or known


def month_count(now: datetime, months: int) -> int:
    first, last = history_days(now, months)
    return len(periods(first, last, Grain.month)) if last >= first else 0


def write_history(session: Session, *, code: str, months: int, seed: int, now: datetime,
                  replace: bool = False, progress: Progress | None = None) -> Written:
    """Write one province's history of the last ``months`` Jalali months up to yesterday."""
    first, last = history_days(now, months)
    removed = remove_history(session, code) if replace else 0
    already = history_count(session, code)
    setup = province_setup(session, code)
    if already or setup is None or last < first:
        return Written(code, 0, already, removed, first, last)
    written = 0
    for period in periods(first, last, Grain.month):
        batch: list[ContactFact] = []
        month_last = min(last, period.end - timedelta(days=1))
        for day_facts in generate(setup, first=max(first, period.start), last=month_last,
                                  seed=seed, now=now):
            batch += day_facts
        written += write_facts(session, batch)
        if progress:
            progress(code, period.key)
    return Written(code, written, 0, removed, first, last)
