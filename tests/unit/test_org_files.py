"""Spreadsheets in and out (panah.org.files): XLSX and CSV in the encodings provinces save
them in, written with Persian and English headers and read back the same."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from panah.org.columns import POSTS, USERS
from panah.org.files import BadFile, file_format, header_rows, read_sheet, write_sheet
from panah.org.model import cell_text, read_header

ROWS = [["MZN-N-NUR", "نوروزی", "پایگاه نوروزی نور", "Nur post", "نور", "36.58", "52.02",
         "1405-12-25", "1406-01-15"]]


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_exported_xlsx_is_read_back_with_both_header_rows() -> None:
    data = write_sheet(POSTS, ROWS, "xlsx")
    sheet = read_sheet("posts.xlsx", data)
    assert [list(r) for r in sheet.rows[:2]] == header_rows(POSTS)
    assert list(sheet.rows[2]) == ROWS[0]
    header = read_header(POSTS, sheet.rows)
    assert header.problems == () and header.first_row == 3
    book = load_workbook(io.BytesIO(data))
    assert book.worksheets[0].sheet_view.rightToLeft


def test_an_exported_csv_has_a_byte_order_mark_and_reads_back() -> None:
    data = write_sheet(POSTS, ROWS, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    assert list(read_sheet("posts.csv", data).rows[2]) == ROWS[0]


def test_a_persian_csv_saved_by_excel_in_windows_1256_is_read() -> None:
    text = "نام کاربری;نام و نام خانوادگی;نقش\r\nm.rezaei;مریم رضایی;مددکار اجتماعی\r\n"
    # Windows-1256 has the Arabic yeh only: the reader's normalising gives the Persian back.
    sheet = read_sheet("users.CSV", text.replace("ی", "ي").encode("cp1256"))
    assert tuple(map(cell_text, sheet.rows[1])) == ("m.rezaei", "مریم رضایی", "مددکار اجتماعی")
    assert read_header(USERS, sheet.rows).problems == ()


def test_a_utf16_csv_with_tabs_is_read() -> None:
    text = "username\tfull_name\trole\nali\tعلی\tcounsellor\n"
    assert read_sheet("u.csv", text.encode("utf-16")).rows[1] == ("ali", "علی", "counsellor")


def test_an_xlsx_keeps_dates_and_numbers_as_cells() -> None:
    data = _xlsx([["code", "active_from", "lat"], ["P1", datetime(2027, 3, 16), 36.5]])
    assert read_sheet("p.xlsx", data).rows[1] == ("P1", datetime(2027, 3, 16), 36.5)


def test_a_file_that_is_not_a_spreadsheet_is_refused_in_both_languages() -> None:
    with pytest.raises(BadFile) as caught:
        file_format("staff.docx")
    assert ".xlsx" in caught.value.message_en and "XLSX" in caught.value.message_fa
    with pytest.raises(BadFile, match="XLSX workbook"):
        read_sheet("staff.xlsx", b"this is no zip")


def test_a_template_holds_the_example_row() -> None:
    data = write_sheet(USERS, [[c.example for c in USERS.columns]], "xlsx")
    rows = read_sheet("t.xlsx", data).rows
    assert rows[2][0] == "m.rezaei" and rows[0][0] == "نام کاربری *"
