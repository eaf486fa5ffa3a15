"""``panah report monthly``: one province's Jalali month as a table in the terminal, JSON,
a PDF or a workbook. Bad input (a province that is not one, month 13, ``1405-1x``) is
refused with the field named in both languages, exit code 2, before anything is counted."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from panah.core.errors import PanahError

if TYPE_CHECKING:
    from panah.reports.monthly.model import MonthlyReport
    from panah.reports.periods import Period

# The PDF is the printable page's own template, which lives in the web layer; panah.cli
# (which assembles the application) hands its renderer in, as a domain never imports the web.
PdfRenderer = Callable[["MonthlyReport"], bytes]
_pdf_renderer: PdfRenderer | None = None


def use_pdf_renderer(render: PdfRenderer) -> None:
    global _pdf_renderer
    _pdf_renderer = render


report_app = typer.Typer(help="Reports: the monthly provincial report.", no_args_is_help=True)
errors = Console(stderr=True)
BAD_INPUT = 2


@report_app.command("monthly")
def monthly(
    province: Annotated[str, typer.Option(help="The province's code, e.g. IR-02.")],
    month: Annotated[str, typer.Option(help="The Jalali month, e.g. 1405-01.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the report as a PDF.")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Write the report as XLSX.")
                    ] = None,
) -> None:
    """One province's Jalali month: every figure, by channel, category and county."""
    from panah.reports.monthly.queries import check_province_code
    from panah.reports.periods import parse_jalali_month

    if sum((as_json, pdf is not None, xlsx is not None)) > 1:
        _refuse("format: choose one of --json, --pdf FILE or --xlsx FILE.",
                "قالب: یکی از --json یا --pdf FILE یا --xlsx FILE را برگزینید.")
    try:  # both checked before the database is opened
        period = parse_jalali_month(month)
        code = check_province_code(province)
        report = _report(code, period)
    except PanahError as error:
        _refuse(error.message_en, error.message_fa)
    if as_json:
        from panah.reports.monthly.model import as_json as to_json

        sys.stdout.write(json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n")
    elif pdf is not None:
        if _pdf_renderer is None:
            _refuse("pdf: this command line cannot make PDFs (no renderer was given).",
                    "pdf: این خط فرمان نمی‌تواند PDF بسازد (سازنده‌ای داده نشده است).")
        pdf.write_bytes(_pdf_renderer(report))
        errors.print(f"PDF written: {pdf}")
    elif xlsx is not None:
        from panah.reports.monthly.workbook import to_xlsx

        xlsx.write_bytes(to_xlsx(report))
        errors.print(f"XLSX written: {xlsx}")
    else:
        _print(report)


def _refuse(message_en: str, message_fa: str) -> NoReturn:
    errors.print(f"[red]{message_en}[/red]\n[red]{message_fa}[/red]", highlight=False)
    raise typer.Exit(BAD_INPUT)


def _report(code: str, period: Period) -> MonthlyReport:
    from panah.core.clock import SystemClock
    from panah.core.db import unit_of_work
    from panah.reports.cli import _factory
    from panah.reports.monthly.queries import monthly_report

    _, factory = _factory()
    with unit_of_work(factory) as session:
        return monthly_report(session, actor=None, province_code=code, month=period,
                              now=SystemClock().now())


def _print(report: MonthlyReport) -> None:
    from panah.reports.monthly.model import HEADLINE, shown

    out = Console()
    k = report.suppressed_below
    title = (f"{report.province.name_en} ({report.province.code}) · {report.month.label_en}"
             + ("" if report.complete else f" · so far, to {report.counted_until}"))
    table = Table(title=title)
    for column in ("key", "figure", "value"):
        table.add_column(column, justify="right" if column == "value" else "left")
    for key in HEADLINE:
        name = report.names.get(key)
        table.add_row(key, name.name_en if name else key,
                      shown(report.headline.get(key), name.unit if name else "number", "en",
                            suppressed_below=k))
    out.print(table)
    for label, lines in (("by channel", report.by_channel), ("by category", report.by_category)):
        split = Table(title=f"{label} (offered / answered)")
        split.add_column("group")
        split.add_column("offered", justify="right")
        split.add_column("answered", justify="right")
        for line in lines:
            offered = line.values.get("contacts_offered")
            answered = line.values.get("contacts_answered")
            if offered or answered or (k and None in (offered, answered)):
                split.add_row(line.name_en, shown(offered, "number", "en", suppressed_below=k),
                              shown(answered, "number", "en", suppressed_below=k))
        out.print(split)
