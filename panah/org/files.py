"""Spreadsheets in and out: CSV and XLSX (openpyxl), as rows of cells.

Reading takes what provinces have: an XLSX workbook's first sheet; a CSV in UTF-8 (with or
without a byte-order mark), UTF-16 (Excel's "Unicode text") or Windows-1256 (Excel's
Persian CSV), separated by commas, semicolons or tabs. Writing puts the Persian headers in
the first row and the English keys in the second (both are read back), right to left, as
text cells so codes and phone numbers keep their leading zeros.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath

from panah.core.errors import InvalidInput
from panah.org.columns import KindSpec
from panah.org.model import MAX_ROWS, Cell

MAX_BYTES = 5 * 1024 * 1024  # a province's lists are far smaller; larger: split the file
MAX_COLUMNS = 60
FORMATS = ("csv", "xlsx")


class BadFile(InvalidInput):
    """The file cannot be read as a spreadsheet at all (exit code 2)."""

    code = "bad_file"


@dataclass(frozen=True, slots=True)
class Sheet:
    """A spreadsheet's rows; row ``i`` of the list is row ``i + 1`` of the spreadsheet."""

    rows: tuple[tuple[Cell, ...], ...]


def file_format(name: str) -> str:
    """``csv`` or ``xlsx`` from a file's name; anything else is refused."""
    suffix = PurePath(name).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise BadFile(
        f"«{name}» is not a CSV or XLSX file. Save the sheet as .xlsx (Excel workbook) or "
        ".csv and try again.",
        f"«{name}» پروندهٔ CSV یا XLSX نیست. برگه را با پسوند ‎.xlsx (کارپوشهٔ اکسل) یا ‎.csv "
        "ذخیره کنید و دوباره بفرستید.", field="file")


def read_sheet(name: str, data: bytes) -> Sheet:
    """The rows of the file ``name`` holding ``data``."""
    kind = file_format(name)
    if len(data) > MAX_BYTES:
        raise BadFile(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into parts.",
            f"پرونده بزرگ‌تر از {MAX_BYTES // (1024 * 1024)} مگابایت است؛ آن را چند بخش کنید.",
            field="file")
    rows = _read_xlsx(data) if kind == "xlsx" else _read_csv(data)
    if len(rows) > MAX_ROWS + 2:
        raise BadFile(
            f"The file has more than {MAX_ROWS} rows; split it into parts.",
            f"پرونده بیش از {MAX_ROWS} سطر دارد؛ آن را چند بخش کنید.", field="file")
    return Sheet(tuple(tuple(row[:MAX_COLUMNS]) for row in rows))


def _unreadable(what_en: str, what_fa: str) -> BadFile:
    return BadFile(f"The file cannot be read as {what_en}. Open it in a spreadsheet program, "
                   "save it again as .xlsx or .csv (UTF-8), and send it again.",
                   f"پرونده به‌صورت {what_fa} خوانده نمی‌شود. آن را در برنامهٔ صفحه‌گسترده "
                   "باز کنید، دوباره با ‎.xlsx یا ‎.csv (UTF-8) ذخیره کنید و بفرستید.",
                   field="file")


def _read_xlsx(data: bytes) -> list[list[Cell]]:
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():  # styles a program left out: nothing for the reader
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise _unreadable("an XLSX workbook", "کارپوشهٔ XLSX") from error
    try:
        sheet = book.worksheets[0]
        rows: list[list[Cell]] = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell(value) for value in row])
            if len(rows) > MAX_ROWS + 2:
                break
        return rows
    finally:
        book.close()


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float | bool | date | datetime):
        return value
    return str(value)  # a time or a formula error: kept as its text


def _read_csv(data: bytes) -> list[list[Cell]]:
    text = _decode(data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as error:
        raise _unreadable("CSV", "CSV") from error


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1256")
    except UnicodeDecodeError as error:
        raise _unreadable("text (UTF-8)", "متن (UTF-8)") from error


# ---- writing ----------------------------------------------------------------------------


def header_rows(spec: KindSpec) -> list[list[str]]:
    """The Persian headers (``*`` marks a required column) over the English keys."""
    return [[f"{c.fa} *" if c.required else c.fa for c in spec.columns],
            [c.key for c in spec.columns]]


def write_sheet(spec: KindSpec, rows: Sequence[Sequence[str]], fmt: str) -> bytes:
    """The kind's two header rows and ``rows`` (already text, in the columns' order)."""
    table = [*header_rows(spec), *[list(row) for row in rows]]
    return _write_xlsx(spec, table) if fmt == "xlsx" else _write_csv(table)


def _write_csv(table: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(table)
    return out.getvalue().encode("utf-8-sig")  # the mark tells Excel the text is UTF-8


def _write_xlsx(spec: KindSpec, table: list[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    sheet = book.worksheets[0]  # a new workbook has one sheet
    sheet.title = spec.kind.value
    sheet.sheet_view.rightToLeft = True
    for row in table:
        sheet.append(row)
    for index, column in enumerate(spec.columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(column.fa) + 4, len(column.key) + 2)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.cell(row=2, column=index).font = Font(italic=True, color="666666")
        for cells in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
            cells[0].number_format = "@"  # text: a code or a phone keeps its leading zero
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
