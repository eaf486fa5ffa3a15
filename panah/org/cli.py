"""``panah org``: the organisation from and to spreadsheets, as the machine's operator.

The operator acts nationally; ``--province`` keeps an import to one province's rows.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from panah.core.clock import SystemClock
from panah.org.columns import KIND_NAMES, Kind, kind_named
from panah.security.policy import Actor
from panah.security.roles import Role

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from panah.org.report import ImportReport

KINDS_HELP = ("users | centres | vehicles | posts | directory (the services callers are told "
              "of) | agencies (the partner agencies)")
app = typer.Typer(help="The organisation in bulk: import, export and blank templates "
                  f"(CSV or XLSX). Kinds: {KINDS_HELP}.", no_args_is_help=True)
console = Console(stderr=True)
OPERATOR = Actor(0, "operator", Role.admin)  # the machine's operator: national, no user row
LONG_FILE = 50  # rows from which a progress bar is shown

KindOption = Annotated[str, typer.Option("--kind", "-k", help=KINDS_HELP)]


def _kind(name: str) -> Kind:
    kind = kind_named(name)
    if kind is None:
        console.print(f"[red]Unknown kind «{name}» / نوع ناشناخته.[/red] "
                      f"Kinds: {', '.join(sorted(KIND_NAMES))}")
        raise typer.Exit(2)
    return kind


def _factory() -> sessionmaker[Session]:
    from panah.cli import _settings
    from panah.core.db import make_engine, make_session_factory

    return make_session_factory(make_engine(_settings().database_url))


def _rows_in(path: Path) -> int:
    """A rough count of rows, to decide on a progress bar (an XLSX: by its size)."""
    if path.suffix.lower() == ".csv":
        return path.read_bytes().count(b"\n")
    return path.stat().st_size // 200


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="A .csv or .xlsx file.")],
    kind: KindOption,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row through the "
                                          "real rules; store nothing.")] = False,
    partial: Annotated[bool, typer.Option("--partial", help="Keep the good rows even when "
                                          "others are refused.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    province: Annotated[str | None, typer.Option(
        help="Only rows of this province, e.g. IR-02.")] = None,
) -> None:
    """Import a file of one kind. Nothing is stored when any row is refused, unless
    --partial. Exit code 0: every row imported (or would be); 1: rows refused; 2: the file
    is unreadable or its header wrong."""
    from panah.core.db import unit_of_work
    from panah.core.errors import PanahError
    from panah.org.service import run_import

    chosen = _kind(kind)
    data = file.read_bytes()
    try:
        with unit_of_work(_factory()) as session, Progress(
                console=console, disable=as_json or _rows_in(file) < LONG_FILE) as bar:
            task = bar.add_task(f"{chosen.value}…", total=None)
            report = run_import(
                session, actor=OPERATOR, now=SystemClock().now(), kind=chosen,
                file_name=file.name, data=data, dry_run=dry_run, partial=partial,
                province=province.upper() if province else None,
                progress=lambda done, total: bar.update(task, completed=done, total=total))
    except PanahError as error:
        console.print(f"[red]{error.message_en}[/red]\n{error.message_fa}")
        raise typer.Exit(2) from error
    if as_json:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        _print(report)
    raise typer.Exit(report.exit_code)


def _print(report: ImportReport) -> None:
    console.print(f"{report.file_name}: {report.outcome.value} — {report.rows} rows, "
                  f"{report.created} new, {report.updated} updated, "
                  f"{len(report.refused_rows)} refused"
                  f"{' (dry run: nothing stored)' if report.dry_run else ''}.")
    problems = (*report.file_problems, *report.problems)
    if not problems:
        return
    table = Table(title="Refused / ردشده")
    for title in ("row / سطر", "column / ستون", "rule", "قاعده"):
        table.add_column(title)
    for problem in problems:
        table.add_row(str(problem.row or "—"), problem.column or "—", problem.message_en,
                      problem.message_fa)
    console.print(table)


def _write(output: Path, data: bytes) -> None:
    output.write_bytes(data)
    console.print(f"{output} ({len(data)} bytes)")


def _format_of(output: Path) -> str:
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        console.print("[red]The output must end in .csv or .xlsx / پسوند باید ‎.csv یا ‎.xlsx "
                      "باشد.[/red]")
        raise typer.Exit(2)
    return fmt


@app.command("export")
def export_file(
    kind: KindOption,
    output: Annotated[Path, typer.Option("--output", "-o", help="FILE.csv or FILE.xlsx")],
) -> None:
    """Every row of a kind, in the columns the import reads (audited)."""
    from panah.core.db import unit_of_work
    from panah.core.errors import PanahError
    from panah.org.service import export

    chosen, fmt = _kind(kind), _format_of(output)
    try:
        with unit_of_work(_factory()) as session:
            data = export(session, actor=OPERATOR, now=SystemClock().now(), kind=chosen,
                          fmt=fmt)
    except PanahError as error:
        console.print(f"[red]{error.message_en}[/red]\n{error.message_fa}")
        raise typer.Exit(2) from error
    _write(output, data)


@app.command("template")
def template_file(
    kind: KindOption,
    output: Annotated[Path, typer.Option("--output", "-o", help="FILE.csv or FILE.xlsx")],
) -> None:
    """A blank file of a kind: its headers (Persian, then English) and one example row."""
    from panah.org.service import template

    _write(output, template(_kind(kind), _format_of(output)))
