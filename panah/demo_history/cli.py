"""``panah demo history``: the use case with a progress bar and a closing table."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from panah.config import Settings
from panah.core.clock import SystemClock
from panah.core.db import make_engine, make_session_factory, unit_of_work
from panah.core.errors import InvalidInput
from panah.demo_history.service import Written, check_history, month_count, write_history


def run_history(settings: Settings, console: Console, *, months: int, codes: Sequence[str],
                seed: int, replace: bool) -> int:
    """Write the history; the exit status (0, or 2 for a bad option)."""
    now = SystemClock().now()
    engine = make_engine(settings.database_url)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            chosen = check_history(session, codes=codes, months=months)
        results: list[Written] = []
        steps = month_count(now, months)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console) as bar:
            task = bar.add_task("history", total=steps * len(chosen))
            for code in chosen:  # one transaction per province: all of it or none
                bar.update(task, description=f"{code}")
                with unit_of_work(make_session_factory(engine)) as session:
                    result = write_history(
                        session, code=code, months=months, seed=seed, now=now,
                        replace=replace,
                        progress=lambda c, m: bar.update(task, advance=1,
                                                         description=f"{c} {m}"))
                if not result.contacts:
                    bar.update(task, advance=steps)
                results.append(result)
    except InvalidInput as error:
        console.print(f"[red]{error.message_en}\n{error.message_fa}[/red]")
        return 2
    finally:
        engine.dispose()
    _report(console, results, seed)
    return 0


def _report(console: Console, results: list[Written], seed: int) -> None:
    table = Table(title=f"Synthetic history (seed {seed}) / تاریخچهٔ ساختگی")
    for column in ("province", "days", "written", "removed first", "note"):
        table.add_column(column)
    for r in results:
        note = ("already written: nothing written again (--replace to rewrite) / "
                "پیش‌تر نوشته شده بود؛ چیزی دوباره نوشته نشد") if r.already else ""
        table.add_row(r.province_code, f"{r.first} … {r.last}", str(r.contacts),
                      str(r.removed), note)
    console.print(table)
