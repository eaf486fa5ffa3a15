"""Mazandaran's provincial manager imports partner agencies from an Excel file in a real
browser: a check first (a misspelt county refused with the closest name, nothing stored),
then the corrected file, imported; the new agency is in the directory."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.e2e
HEADER = ["کد *", "حوزه *", "نام فارسی *", "نام انگلیسی", "استان", "شهرستان", "تلفن"]
CODE = "e2e-police-nur-import"


def _xlsx(path: Path, *rows: list[Any]) -> Path:
    book = Workbook()
    for row in rows:
        book.worksheets[0].append(row)
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


def test_a_manager_checks_then_imports_agencies(page: Page, tmp_path: Path) -> None:
    good = ["e2e-ems-nur-import", "اورژانس", "اورژانس ۱۱۵ نور", "Nur EMS", "مازندران", "نور",
            "115"]
    misspelt = [CODE, "پلیس", "کلانتری نور", "Nur police", "مازندران", "نوشهرر", "110"]
    sign_in(page, "provincial_manager")
    page.goto("/admin/import")
    expect(page.locator("h1")).to_contain_text("ورود و خروج گروهی")
    form = page.locator(".import-form")
    form.locator("#import-kind").select_option("agencies")
    form.locator("#import-file").set_input_files(
        str(_xlsx(tmp_path / "agencies.xlsx", HEADER, good, misspelt)))
    expect(form.locator("input[name=dry_run]")).to_be_checked()
    form.locator("button[type=submit]").click()
    report = page.locator(".import-report")
    expect(report).to_contain_text("پذیرفته نشد")
    expect(page.locator(".import-problems")).to_contain_text("نوشهر")  # the closest name
    screenshot(page, "org-import-fa.png")

    misspelt[5] = "نوشهر"
    form = page.locator(".import-form")
    form.locator("#import-kind").select_option("agencies")
    form.locator("#import-file").set_input_files(
        str(_xlsx(tmp_path / "agencies2.xlsx", HEADER, good, misspelt)))
    form.locator("input[name=dry_run]").uncheck()
    form.locator("button[type=submit]").click()
    expect(page.locator(".import-report")).to_contain_text("وارد شد")
    expect(page.locator(".import-counts")).to_contain_text("۲")

    page.goto("/admin/directory")
    expect(page.locator(".directory-agencies")).to_contain_text(CODE)
