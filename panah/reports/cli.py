"""``panah export`` and ``panah retention``: data leaving the system, and leaving it for good;
``panah report`` (the monthly provincial report, in ``panah.reports.monthly.cli``)."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from panah.config import Settings
from panah.core.clock import SystemClock
from panah.reports.monthly.cli import report_app

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

__all__ = ["export_app", "report_app", "retention_app"]
export_app = typer.Typer(help="De-identified exports for analysts.", no_args_is_help=True)
retention_app = typer.Typer(help="Erase personal data past its retention period.",
                            no_args_is_help=True)
console = Console(stderr=True)


def _factory() -> tuple[Settings, sessionmaker[Session]]:
    from panah.cli import _settings
    from panah.core.db import make_engine, make_session_factory

    settings = _settings()
    return settings, make_session_factory(make_engine(settings.database_url))


@export_app.command("cases")
def export_cases(
    out: Annotated[Path, typer.Option("--out", help="CSV file to write ('-' for stdout).")],
    province: Annotated[str | None, typer.Option(help="Only this province, e.g. IR-02.")] = None,
    k: Annotated[int, typer.Option(min=1, max=100, help="Smallest group size shown as is.")] = 5,
) -> None:
    """De-identified case rows (no names, numbers, notes or exact dates), audited."""
    from panah.core.db import unit_of_work
    from panah.reports.deidentified import as_csv_rows
    from panah.reports.service import export_cases as run_export

    _, factory = _factory()
    with console.status("Exporting / برون‌بری…"), unit_of_work(factory) as session:
        export = run_export(session, actor=None, province=province, k=k, now=SystemClock().now())
    rows = as_csv_rows(export)
    if str(out) == "-":
        csv.writer(sys.stdout).writerows(rows)
    else:
        with out.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    console.print(f"{len(rows) - 1} rows; county generalised in {export.generalised_county}, "
                  f"age and gender masked in {export.masked_person} (k={k}).")


@retention_app.command("run")
def run_retention(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report only; change nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Erase the identity and notes of cases closed longer ago than the retention period;
    delete expired sessions and old login failures. The audit chain is kept."""
    from panah.core.db import unit_of_work
    from panah.security.retention import RetentionPolicy, apply_retention

    settings, factory = _factory()
    policy = RetentionPolicy(closed_case_years=settings.retention_closed_case_years,
                             login_failure_days=settings.retention_login_failure_days)
    with unit_of_work(factory) as session:
        report = apply_retention(session, policy=policy, now=SystemClock().now(),
                                 dry_run=dry_run)
    summary = {"dry_run": report.dry_run, "cases_erased": report.cases_erased,
               "notes_deleted": report.notes_deleted, "sessions_deleted": report.sessions_deleted,
               "login_failures_deleted": report.login_failures_deleted,
               "closed_case_years": policy.closed_case_years}
    if as_json:
        sys.stdout.write(json.dumps(summary) + "\n")
        return
    verb = "would erase" if dry_run else "erased"
    console.print(f"Retention {verb}: {len(report.cases_erased)} closed cases (older than "
                  f"{policy.closed_case_years} years), {report.notes_deleted} notes, "
                  f"{report.sessions_deleted} expired sessions, "
                  f"{report.login_failures_deleted} old login failures.")
