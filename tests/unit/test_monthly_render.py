"""The monthly report as documents: the PDF opens and reads back in Persian, the workbook
opens and its cells hold the figures."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from panah.reports.monthly.workbook import to_xlsx
from panah.web.monthly_document import to_html, to_pdf
from tests.unit.monthly_tables import farvardin_report


@pytest.fixture(scope="module")
def pdf_text() -> str:
    reader = PdfReader(io.BytesIO(to_pdf(farvardin_report())))
    assert 1 <= len(reader.pages) <= 4  # an A4 report, not a runaway layout
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_reads_back_the_province_and_the_month_in_persian(pdf_text: str) -> None:
    assert "مازندران" in pdf_text
    assert "فروردین" in pdf_text
    assert "گزارش ماهانهٔ استان" in pdf_text


def test_the_pdf_is_set_in_the_vendored_vazirmatn() -> None:
    reader = PdfReader(io.BytesIO(to_pdf(farvardin_report())))
    fonts = {str(font.get_object()["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert fonts and all("Vazirmatn" in font for font in fonts)


def test_the_pdf_carries_the_figure_names_and_the_counties(pdf_text: str) -> None:
    assert "تماس‌های عرضه‌شده".replace("\u200c", "") in pdf_text.replace("\u200c", "")
    assert "چالوس" in pdf_text


def test_the_document_is_persian_right_to_left_and_loads_only_local_files() -> None:
    html = to_html(farvardin_report())
    assert '<html lang="fa" dir="rtl">' in html
    assert "vendor/vazirmatn-33.0.3/vazirmatn.css" in html and "css/report.css" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_the_workbook_opens_and_its_cells_hold_the_figures() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(farvardin_report())))
    summary = book["گزارش ماهانه"]
    assert summary.sheet_view.rightToLeft
    figures = {row[0]: row[3] for row in summary.iter_rows(min_row=6, values_only=True)}
    assert figures["contacts_offered"] == 140
    assert figures["answered_within_20s_pct"] == 68.6
    assert figures["arrival_p90_min"] == 38.5
    assert figures["overflow_in"] is None  # left out by the engine: an empty cell
    assert summary["B1"].value == "مازندران"


def test_the_workbook_has_the_days_and_each_split() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(farvardin_report())))
    assert book.sheetnames == ["گزارش ماهانه", "روزانه", "کانال", "موضوع", "شهرستان"]
    days = list(book["روزانه"].iter_rows(values_only=True))
    assert days[1][:3] == ("day", "date", "contacts_offered")
    assert days[2][:3] == ("۱۴۰۵/۰۱/۰۱", "2026-03-21", 60)
    assert len(days) == 2 + 31
    channels = list(book["کانال"].iter_rows(min_row=3, values_only=True))
    assert channels[0][:4] == ("تماس تلفنی", "Voice call", 110, 95)


def test_a_suppressed_report_writes_small_cells_as_below_k() -> None:
    from dataclasses import replace

    report = farvardin_report(k=10)
    report = replace(report, headline={**report.headline, "cases_closed": None})
    book = load_workbook(io.BytesIO(to_xlsx(report)))
    figures = {row[0]: row[3] for row in book["گزارش ماهانه"].iter_rows(min_row=6,
                                                                      values_only=True)}
    assert figures["cases_closed"] == "<10"
