"""``panah report monthly``: the JSON's stable keys, the PDF and workbook written, a table
in the terminal; bad input refused with exit code 2, the field named in both languages."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from panah.cli import app as cli
from tests.conftest import TEST_ENCRYPTION_KEYS, TEST_HASH_KEY

ISSUE_KEYS = {"contacts_offered", "contacts_answered", "answered_within_20s_pct", "abandoned",
              "average_speed_of_answer_s", "by_channel", "by_category", "team_requests",
              "arrival_p90_min", "referrals", "cases_opened", "cases_closed",
              "province", "month", "period_start", "period_end", "generated_at"}


def run(database_url: str, *args: str) -> tuple[int, str, str]:
    env = {"PANAH_DATABASE_URL": database_url, "PANAH_ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
           "PANAH_HASH_KEY": TEST_HASH_KEY, "PANAH_ENVIRONMENT": "test", "COLUMNS": "120"}
    result = CliRunner().invoke(cli, ["report", "monthly", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_the_json_carries_each_figure_under_its_stable_key(database_url: str) -> None:
    code, out, _ = run(database_url, "--province", "IR-02", "--month", "1405-01", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= ISSUE_KEYS
    assert (data["province"], data["month"], data["province_name_fa"]) == (
        "IR-02", "1405-01", "مازندران")
    assert data["period_start"] == "2026-03-20T20:30:00+00:00"  # 1 Farvardin, Iran time
    assert data["suppressed_below"] is None  # the command line is the service's own


def test_the_pdf_and_the_workbook_are_written(database_url: str, tmp_path: Path) -> None:
    pdf, xlsx = tmp_path / "report.pdf", tmp_path / "report.xlsx"
    assert run(database_url, "--province", "IR-02", "--month", "1405-01", "--pdf",
               str(pdf))[0] == 0
    assert run(database_url, "--province", "IR-02", "--month", "1405-01", "--xlsx",
               str(xlsx))[0] == 0
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "مازندران" in text
    assert load_workbook(xlsx).worksheets[0]["C1"].value == "IR-02"


def test_without_a_format_it_prints_a_table(database_url: str) -> None:
    code, out, _ = run(database_url, "--province", "IR-02", "--month", "1405-01")
    assert code == 0
    assert "Mazandaran (IR-02) · Farvardin 1405" in out
    assert "contacts_offered" in out and "Contacts offered" in out


@pytest.mark.parametrize(("args", "english", "persian"), [
    (("--province", "IR-02", "--month", "1405-13"), "month: 1405-13 is not a Jalali month",
     "ماه:"),
    (("--province", "IR-02", "--month", "1405-1x"), "month: '1405-1x' is not a Jalali month",
     "ماه:"),
    (("--province", "IR-99", "--month", "1405-01"), "province: there is no province IR-99",
     "استان:"),
    (("--province", "Mazandaran", "--month", "1405-01"), "province: 'Mazandaran' is not",
     "استان:"),
    (("--province", "IR-02", "--month", "1405-01", "--json", "--pdf", "x.pdf"),
     "format: choose one", "قالب:"),
])
def test_bad_input_exits_with_2_naming_the_field_in_both_languages(
        database_url: str, args: tuple[str, ...], english: str, persian: str) -> None:
    code, out, err = run(database_url, *args)
    assert code == 2
    assert english in err and persian in err
    assert out == ""  # nothing computed, nothing printed


def test_a_bad_month_is_refused_before_the_database_is_opened(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'nowhere' / 'panah.db'}"
    code, _, err = run(missing, "--province", "IR-02", "--month", "1405-13")
    assert code == 2 and "month:" in err
