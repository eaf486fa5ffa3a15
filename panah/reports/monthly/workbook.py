"""The monthly report as an XLSX workbook (openpyxl), right to left, Persian names first."""

from __future__ import annotations

import io
from typing import Any

from panah.reports.monthly.model import (
    BY_CATEGORY,
    BY_CHANNEL,
    BY_COUNTY,
    DAILY,
    HEADLINE,
    GroupLine,
    MonthlyReport,
    Value,
)


def _name(report: MonthlyReport, key: str, lang: str) -> str:
    figure = report.names.get(key)
    if figure is None:
        return key
    return figure.name_fa if lang == "fa" else figure.name_en


def to_xlsx(report: MonthlyReport) -> bytes:
    """A workbook, right to left: the month's figures (key, names, value), then a sheet per
    split and one of the days. Numbers are numbers; a hidden small cell reads ``<10``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    summary = book.worksheets[0]
    summary.title = "گزارش ماهانه"
    k = report.suppressed_below
    summary.append(["استان", report.province.name_fa, report.province.code])
    summary.append(["ماه", report.month.label_fa, report.month.key])
    summary.append(["تا روز", report.counted_until.isoformat(),
                    "کامل" if report.complete else "ناتمام"])
    summary.append([])
    summary.append(["کلید", "شاخص", "figure", "مقدار", "یکا"])
    for key in HEADLINE:
        figure = report.names.get(key)
        summary.append([key, figure.name_fa if figure else key,
                        figure.name_en if figure else key,
                        _cell(report.headline.get(key), figure.unit if figure else "", k),
                        figure.unit if figure else ""])
    _sheet(book, "روزانه", [("روز", "day"), ("تاریخ میلادی", "date")], DAILY, report,
           [[d.day.label_fa, d.day.start.isoformat(),
             *(_cell(d.values.get(key), _unit(report, key), k) for key in DAILY)]
            for d in report.daily])
    for title, lines, keys in (("کانال", report.by_channel, BY_CHANNEL),
                               ("موضوع", report.by_category, BY_CATEGORY),
                               ("شهرستان", report.by_county, BY_COUNTY)):
        _sheet(book, title, [("گروه", "name_fa"), ("group", "name_en")], keys, report,
               _group_rows(report, lines, keys))
    for sheet in book.worksheets:
        sheet.sheet_view.rightToLeft = True
        sheet.column_dimensions["A"].width = 28
        sheet.column_dimensions["B"].width = 28
        sheet.column_dimensions["C"].width = 28
    summary["A5"].font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(book: Any, title: str, lead: list[tuple[str, str]], keys: tuple[str, ...],
           report: MonthlyReport, rows: list[list[Any]]) -> None:
    """A sheet: the Persian names of its columns, then their keys, then the rows."""
    from openpyxl.styles import Font

    sheet = book.create_sheet(title)
    sheet.append([fa for fa, _ in lead] + [_name(report, key, "fa") for key in keys])
    sheet.append([key for _, key in lead] + list(keys))
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="666666")
    sheet.freeze_panes = "A3"


def _group_rows(report: MonthlyReport, lines: list[GroupLine],
                keys: tuple[str, ...]) -> list[list[Any]]:
    k = report.suppressed_below
    return [[line.name_fa, line.name_en,
             *(_cell(line.values.get(key), _unit(report, key), k) for key in keys)]
            for line in lines]


def _unit(report: MonthlyReport, key: str) -> str:
    figure = report.names.get(key)
    return figure.unit if figure else ""


def _cell(value: Value, unit: str, k: int | None) -> float | int | str | None:
    if value is None:
        return f"<{k}" if k and unit == "number" else None
    return value
