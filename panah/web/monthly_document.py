"""The monthly report as a document: HTML (the printable page's own template) and a PDF
made of that HTML by WeasyPrint.

The PDF is the page: the same template (``reports/_monthly_document.html``) and stylesheet,
with the vendored Vazirmatn font read from the static folder (``base_url``), so what a
manager prints from the browser and what the command line writes are one document. It
lives in the web layer because it is made of the web's templates and words; the command
line is handed ``to_pdf`` by ``panah.cli`` (a domain never imports the web). The workbook
is the domain's own (``panah.reports.monthly.workbook``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from panah.reports.monthly import charts
from panah.reports.monthly.charts import charts_of
from panah.reports.monthly.model import (
    HEADLINE,
    MonthlyReport,
    Value,
    shown,
)

if TYPE_CHECKING:
    from jinja2 import Environment

WEB = Path(__file__).resolve().parent
TEMPLATES = WEB / "templates"
STATIC = WEB / "static"
DOCUMENT = "reports/monthly_print.html"
COLOURS = {"offered": charts.OFFERED, "answered": charts.ANSWERED, "within": charts.WITHIN,
           "median": charts.MEDIAN, "p90": charts.P90}


def document_context(report: MonthlyReport, lang: str) -> dict[str, Any]:
    """What the report's template needs besides the page's frame (the page adds its own)."""
    return {
        "report": report,
        "charts": charts_of(report, lang),
        "headline": HEADLINE,
        "value": lambda key, value: _shown(report, key, value, lang),
        "figure_name": lambda key: _name(report, key, lang),
        "swatch": charts.swatch,
        "colours": COLOURS,
    }


def _shown(report: MonthlyReport, key: str, value: Value, lang: str) -> str:
    figure = report.names.get(key)
    unit = figure.unit if figure else "number"
    return shown(value, unit, lang, suppressed_below=report.suppressed_below)


def _name(report: MonthlyReport, key: str, lang: str) -> str:
    figure = report.names.get(key)
    if figure is None:
        return key
    return figure.name_fa if lang == "fa" else figure.name_en


@cache
def _environment() -> Environment:
    from panah.web.i18n import make_templates  # the web's own; imported when a PDF is made

    env = make_templates(TEMPLATES).env
    env.globals["static"] = lambda path: path  # relative to base_url, the static folder
    return env


def to_html(report: MonthlyReport, lang: str = "fa") -> str:
    """The standalone document (what the PDF is made of)."""
    template = _environment().get_template(DOCUMENT)
    return template.render(lang=lang, dir="rtl" if lang == "fa" else "ltr",
                           **document_context(report, lang))


def to_pdf(report: MonthlyReport, lang: str = "fa") -> bytes:
    """The report as an A4 PDF, Persian by default."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=to_html(report, lang), base_url=f"{STATIC}/").write_pdf()
    return pdf
