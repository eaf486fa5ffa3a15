"""Any statistics table as CSV or XLSX bytes (issue 18). The header names each column in
Persian (the figure's name); the XLSX's second sheet, "definitions", gives each column's
key, names, unit and definition in both languages. An analyst's or the public's table is
already suppressed (``queries``): an empty cell is a hidden count, or a rate with nothing
to divide by. A last row holds the whole range."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from panah.reports.periods import persian_digits
from panah.reports.statistics.model import StatsTable

TOTAL_FA = "کل بازه"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEAD_FA = ["دوره", "کلید دوره", "گروه", "کد گروه"]
DEFINITION_HEAD = ["key", "نام", "name", "unit", "تعریف", "definition"]


def _cell(value: float | int | None) -> float | int | str:
    return "" if value is None else value


def _rows(table: StatsTable) -> Iterator[list[Any]]:
    keys = [f.key for f in table.figures]
    yield HEAD_FA + [f.name_fa for f in table.figures]
    for row in table.rows:
        yield [row.period.label_fa, row.period.key, row.group_fa, row.group or "",
               *(_cell(row.values.get(k)) for k in keys)]
    yield [TOTAL_FA, f"{table.query.first.isoformat()}..{table.query.last.isoformat()}", "", "",
           *(_cell(table.totals.get(k)) for k in keys)]


def as_csv(table: StatsTable) -> bytes:
    """UTF-8 with a byte-order mark, so a spreadsheet opens the Persian as Persian."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(_rows(table))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(table: StatsTable) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "آمار"
    sheet.sheet_view.rightToLeft = True
    for row in _rows(table):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "E2"
    notes = book.create_sheet("definitions")
    notes.append(DEFINITION_HEAD)
    for f in table.figures:
        notes.append([f.key, f.name_fa, f.name_en, f.unit.value, f.definition_fa,
                      f.definition_en])
    if table.suppressed_below:
        notes.append([])
        below = table.suppressed_below - 1
        notes.append(["suppressed_below", f"شمارهای ۱ تا {persian_digits(str(below))} پنهان‌اند",
                      f"counts from 1 to {below} are hidden"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def file_name(table: StatsTable, extension: str) -> str:
    q = table.query
    place = q.county_key or q.province_code or "IR"
    return f"panah-statistics-{place}-{q.first.isoformat()}-{q.last.isoformat()}.{extension}"
