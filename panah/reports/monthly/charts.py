"""The report's charts as SVG drawn on the server (pure), so the printed page and the PDF
are one document and print without a script.

Every word stays in HTML beside a chart (its title, legend, the names of a bar's group):
the PDF's SVG renderer lays text out letter by letter, which would print Persian words
unjoined and backwards. Inside the SVG there are only shapes and numbers (days of the
month, axis ticks), which read left to right in both languages. Colours are SVG attributes,
never ``style=``: the pages' Content-Security-Policy refuses inline styles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from panah.reports.monthly.model import DayLine, GroupLine, MonthlyReport, Value, number_text

OFFERED = "#9fb7c4"
ANSWERED = "#0f5e6e"
WITHIN = "#ef6c00"
MEDIAN = "#0f5e6e"
P90 = "#ef6c00"
GRID = "#dde3ea"
INK = "#5b6675"
FONT = "Vazirmatn, sans-serif"
WIDTH, HEIGHT = 720, 230
LEFT, RIGHT, TOP, BOTTOM = 44, 10, 10, 26


@dataclass(frozen=True, slots=True)
class Series:
    key: str
    colour: str


@dataclass(frozen=True, slots=True)
class Charts:
    """The report's charts, as markup (SVG, or an HTML table of small SVG bars)."""

    daily_contacts: str
    within_20s: str
    by_channel: str
    by_category: str
    arrival: str


def charts_of(report: MonthlyReport, lang: str) -> Charts:
    k = report.suppressed_below
    return Charts(
        daily_contacts=day_bars(report.daily, (Series("contacts_offered", OFFERED),
                                               Series("contacts_answered", ANSWERED)), lang),
        within_20s=day_line(report.daily, Series("answered_within_20s_pct", WITHIN), lang,
                            top=100.0),
        by_channel=bar_table(report.by_channel, (Series("contacts_offered", OFFERED),
                                                 Series("contacts_answered", ANSWERED)), lang,
                             k),
        by_category=bar_table(report.by_category, (Series("contacts_offered", OFFERED),
                                                   Series("contacts_answered", ANSWERED)),
                              lang, k),
        arrival=bar_table([g for g in report.by_county
                           if g.values.get("arrival_p90_min") is not None],
                          (Series("arrival_median_min", MEDIAN), Series("arrival_p90_min", P90)),
                          lang),
    )


def swatch(colour: str) -> str:
    """A legend's square of colour (an SVG, so no inline style is needed)."""
    return (f'<svg class="report-swatch" width="12" height="12" viewBox="0 0 12 12" '
            'aria-hidden="true">'
            f'<rect width="12" height="12" rx="2" fill="{colour}"/></svg>')


# --- scales --------------------------------------------------------------------------


def nice_top(largest: float) -> float:
    """A round number at or above ``largest`` for the axis (1, 2, 5 × 10ⁿ); 1 for nothing."""
    if largest <= 0:
        return 1.0
    step = 1.0
    while step * 10 <= largest:
        step *= 10
    for factor in (1, 2, 5, 10):
        if factor * step >= largest:
            return factor * step
    return 10 * step


def _numbers(values: Sequence[Value]) -> list[float]:
    return [float(v) for v in values if v is not None]


def _frame(top: float, lang: str, suffix: str = "") -> list[str]:
    """The horizontal grid and the y axis's ticks (0, ¼, ½, ¾, top)."""
    plot = HEIGHT - TOP - BOTTOM
    out: list[str] = []
    for i in range(5):
        value = top * i / 4
        y = TOP + plot - plot * i / 4
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                   f'stroke="{GRID}" stroke-width="1"/>')
        tick = escape(number_text(round(value, 1), lang) + suffix)
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
                   f'font-family="{FONT}" fill="{INK}">{tick}</text>')
    return out


def _day_ticks(days: Sequence[DayLine], step: float, lang: str) -> list[str]:
    """The day of the month under every day (every other day past 16 days, for room)."""
    every = 1 if len(days) <= 16 else 2
    out = []
    for i, day in enumerate(days):
        if i % every and i != len(days) - 1:
            continue
        x = LEFT + step * (i + 0.5)
        label = number_text(int(day.day.key.rsplit("-", 1)[1]), lang)
        out.append(f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="11" '
                   f'font-family="{FONT}" fill="{INK}">{escape(label)}</text>')
    return out


def _svg(parts: list[str], label: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
            f'aria-label="{escape(label)}" direction="ltr" xmlns="http://www.w3.org/2000/svg">'
            + "".join(parts) + "</svg>")


# --- charts ---------------------------------------------------------------------------


def day_bars(days: Sequence[DayLine], series: Sequence[Series], lang: str) -> str:
    """Bars side by side for each day of the month; a day not yet come has none."""
    if not days:
        return ""
    top = nice_top(max(_numbers([d.values.get(s.key) for d in days for s in series]),
                       default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(days)
    bar = step * 0.8 / len(series)
    parts = _frame(top, lang)
    for i, day in enumerate(days):
        for j, s in enumerate(series):
            value = day.values.get(s.key)
            if not value:
                continue
            h = plot_h * float(value) / top
            x = LEFT + step * i + step * 0.1 + bar * j
            parts.append(f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar:.1f}" '
                         f'height="{h:.1f}" fill="{s.colour}"><title>{escape(str(value))}'
                         f'</title></rect>')
    parts += _day_ticks(days, step, lang)
    return _svg(parts, ", ".join(s.key for s in series))


def day_line(days: Sequence[DayLine], series: Series, lang: str,
             top: float | None = None) -> str:
    """A line through the days that have a value (a day without one breaks the line), with
    a dot on each, so a lone day still shows."""
    if not days:
        return ""
    values = [d.values.get(series.key) for d in days]
    top = top or nice_top(max(_numbers(values), default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(days)
    parts = _frame(top, lang, "%" if lang == "en" else "٪")
    run: list[str] = []
    for i, value in enumerate([*values, None]):
        if value is None:
            if len(run) > 1:
                parts.append(f'<polyline points="{" ".join(run)}" fill="none" '
                             f'stroke="{series.colour}" stroke-width="2"/>')
            run = []
            continue
        x, y = LEFT + step * (i + 0.5), TOP + plot_h - plot_h * float(value) / top
        run.append(f"{x:.1f},{y:.1f}")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{series.colour}">'
                     f'<title>{escape(str(value))}</title></circle>')
    parts += _day_ticks(days, step, lang)
    return _svg(parts, series.key)


def bar_table(lines: Sequence[GroupLine], series: Sequence[Series], lang: str,
              suppressed_below: int | None = None) -> str:
    """A small table-chart: a row per group with its name (HTML), a bar per series (SVG,
    growing from the reading start: the right in Persian) and the numbers."""
    lines = [g for g in lines if _shows(g, series, suppressed_below)]
    if not lines:
        return ""
    top = nice_top(max(_numbers([g.values.get(s.key) for g in lines for s in series]),
                       default=0.0))
    rtl = lang == "fa"
    rows = []
    for line in lines:
        name = line.name_fa if rtl else line.name_en
        bars = []
        for j, s in enumerate(series):
            value = line.values.get(s.key)
            width = 0.0 if value is None else 200.0 * float(value) / top
            x = 200.0 - width if rtl else 0.0
            bars.append(f'<rect x="{x:.1f}" y="{2 + j * 9}" width="{width:.1f}" height="8" '
                        f'fill="{s.colour}"/>')
        height = 4 + 9 * len(series)
        svg = (f'<svg class="bar" viewBox="0 0 200 {height}" width="100%" '
               f'preserveAspectRatio="none" aria-hidden="true">{"".join(bars)}</svg>')
        figures = "".join(f'<td class="num" data-series="{s.key}">'
                          f'{escape(_plain(line.values.get(s.key), lang, suppressed_below))}'
                          "</td>" for s in series)
        rows.append(f'<tr><th scope="row">{escape(name)}</th><td class="bar-cell">{svg}</td>'
                    f"{figures}</tr>")
    return f'<table class="table-chart">{"".join(rows)}</table>'


def _shows(line: GroupLine, series: Sequence[Series], suppressed_below: int | None) -> bool:
    """A group with nothing in it is left out of the chart (the JSON keeps it): a group
    has something when a value is above 0, or hidden as a small cell."""
    values = [line.values.get(s.key) for s in series]
    return any(v for v in values) or (bool(suppressed_below) and None in values)


def _plain(value: Value, lang: str, suppressed_below: int | None) -> str:
    """A number of the table-chart; a count hidden as a small cell reads ``<10``."""
    if value is None:
        return f"<{number_text(suppressed_below, lang)}" if suppressed_below else "—"
    return number_text(value, lang)
