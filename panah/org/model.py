"""Reading a spreadsheet of the organisation, row by row (pure).

What a province's list looks like in the wild is forgiven: headers in Persian or English
(:mod:`panah.org.columns`), Persian or Arabic-Indic digits, Arabic ي/ك, stray spaces and
zero-width non-joiners, dates in Jalali (``۱۴۰۵/۰۱/۱۵``) or ISO (``2026-04-04``), a phone
whose leading zero a spreadsheet dropped. What cannot be read is a :class:`Problem` naming
the row (as the spreadsheet numbers it), the column and the reason in Persian and English.

Rows become plain values (``str``, ``int``, ``float``, ``bool``, ``date``, lists of
``str``) keyed by the fields of the domain's ``<Kind>In`` model; the domain's own use case
decides the rest. Counties and provinces are resolved here, against a :class:`Gazette`
given by the caller, so an unknown name is answered with the closest names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import jdatetime
from rapidfuzz import fuzz, process

from panah.core.days import read_day
from panah.geo.text import ZWNJ, match_key, normalize_fa, to_ascii_digits
from panah.org.columns import LIST_TYPES, Column, KindSpec, ValueType

Cell = str | int | float | bool | date | datetime | None
Value = str | int | float | bool | date | list[str]

MAX_ROWS = 5000  # data rows in one file; a province's lists are hundreds
SUGGESTIONS = 3
SUGGEST_MIN = 60.0  # rapidfuzz WRatio of a name to count as "close"
_SPLIT = re.compile(r"[,،;؛\n]+")
_YES = frozenset({"1", "yes", "y", "true", "t", "x", "بله", "بلی", "آری", "اری", "هست",
                  "دارد", "✓", "✔"})  # fmt: skip
_NO = frozenset({"0", "no", "n", "false", "f", "خیر", "نه", "ندارد", "نیست", "-"})


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a row (or the file) was refused: ``column`` is a column's key, or None."""

    row: int
    column: str | None
    message_en: str
    message_fa: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message_en,
                "message_fa": self.message_fa}


class CellError(ValueError):
    def __init__(self, message_en: str, message_fa: str) -> None:
        super().__init__(message_en)
        self.message_en, self.message_fa = message_en, message_fa


@dataclass(frozen=True, slots=True)
class PlaceName:
    """A province (``code``) or a county (``code`` its key, ``province_code`` its
    province) as the reference geography names it."""

    code: str
    name_fa: str
    name_en: str
    province_code: str | None = None

    @property
    def label(self) -> str:
        return f"{short_name(self.name_fa)} ({short_name(self.name_en)})"


@dataclass(frozen=True, slots=True)
class Gazette:
    """The provinces and counties rows are resolved against, indexed once by code and by
    name (a file of thousands of rows names the same counties again and again)."""

    provinces: tuple[PlaceName, ...] = ()
    counties: tuple[PlaceName, ...] = ()
    _by_code: dict[str, PlaceName] = field(default_factory=dict, compare=False, repr=False)
    _by_name: dict[tuple[bool, str], PlaceName] = field(default_factory=dict, compare=False,
                                                        repr=False)

    def __post_init__(self) -> None:
        for is_county, places in ((False, self.provinces), (True, self.counties)):
            for place in places:
                self._by_code.setdefault(("" if is_county else "p:") + place.code, place)
                for name in (place.name_fa, place.name_en):
                    self._by_name.setdefault((is_county, match_key(name)), place)

    def county(self, key: str) -> PlaceName | None:
        return self._by_code.get(key)

    def province(self, code: str) -> PlaceName | None:
        return self._by_code.get("p:" + code)

    def named(self, text: str, *, county: bool) -> PlaceName | None:
        """The county (or province) whose Persian or English name ``text`` is."""
        wanted = match_key(text)
        return self._by_name.get((county, wanted)) if wanted else None


def short_name(name: str) -> str:
    """``شهرستان چالوس`` → ``چالوس``, ``Chalus County`` → ``Chalus``."""
    name = name.strip()
    for prefix in ("شهرستان ", "استان "):
        name = name.removeprefix(prefix)
    return name.removesuffix(" County").removesuffix(" Province")


def form(text: str) -> str:
    """The form headers and fixed values are compared in: Persian letters, Latin digits,
    lower case, no spaces, ZWNJ, underscores, punctuation or ``*`` marks."""
    text = to_ascii_digits(normalize_fa(text)).lower()
    return "".join(ch for ch in text if ch.isalnum())


# ---- cells ------------------------------------------------------------------------------


def cell_text(cell: Cell) -> str:
    """A cell as text: a whole number a spreadsheet stored as ``3.0`` is ``3``."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "1" if cell else "0"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return normalize_fa(str(cell))


def parse_text(text: str) -> str:
    return normalize_fa(text)


def parse_code(text: str) -> str:
    return re.sub(r"\s+", "", to_ascii_digits(text).replace(ZWNJ, ""))


def parse_integer(text: str) -> int:
    digits = to_ascii_digits(text).replace("٬", "").replace(",", "").strip()
    try:
        return int(digits)
    except ValueError:
        raise CellError(f"«{text}» is not a whole number; write digits, such as 12.",
                        f"«{text}» عدد صحیح نیست؛ با رقم بنویسید، مانند ۱۲.") from None


def parse_number(text: str) -> float:
    digits = to_ascii_digits(text).replace("٫", ".").strip()
    try:
        number = float(digits)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise CellError(f"«{text}» is not a number; write it with a decimal point, such as "
                        "36.5650.", f"«{text}» عدد نیست؛ با ممیز بنویسید، مانند ۳۶٫۵۶۵۰.")
    return number


def parse_boolean(text: str) -> bool:
    value = form(text) if form(text) else text.strip()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise CellError(f"«{text}» is neither yes nor no; write بله or خیر (yes or no).",
                    f"«{text}» نه بله است نه خیر؛ بله یا خیر بنویسید.")


def parse_date(cell: Cell) -> date:
    """A date from a date cell, or text in Jalali (``1405/01/15``) or ISO (``2026-04-04``),
    Persian digits allowed; a year below 1700 is Jalali."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    try:
        return read_day(cell_text(cell))
    except ValueError:
        raise CellError(
            f"«{cell_text(cell)}» is not a date: write year-month-day, in Jalali "
            "(1405-01-15) or Gregorian (2026-04-04).",
            f"«{cell_text(cell)}» تاریخ نیست: سال-ماه-روز بنویسید، شمسی (۱۴۰۵-۰۱-۱۵) یا "
            "میلادی (2026-04-04).") from None


def parse_phone(text: str) -> str:
    """Digits (and a leading +) only; a mobile number a spreadsheet kept as a number lost
    its leading zero (9121234567), which is given back."""
    raw = to_ascii_digits(text).strip()
    digits = ("+" if raw.startswith("+") else "") + re.sub(r"[^\d]", "", raw)
    if len(digits.lstrip("+")) < 3:
        raise CellError(f"«{text}» is not a phone number.", f"«{text}» شمارهٔ تلفن نیست.")
    if len(digits) == 10 and digits.startswith("9"):
        digits = "0" + digits
    return digits


def split_list(text: str) -> list[str]:
    """``"فارسی، مازندرانی"`` → two items; commas, semicolons (Persian or Latin) or lines."""
    return [item.strip() for item in _SPLIT.split(text) if item.strip()]


def parse_choice(text: str, column: Column) -> str:
    wanted = form(text)
    for code, aliases in column.choices.items():
        if wanted in {form(code), *(form(a) for a in aliases)}:
            return code
    listed_en = ", ".join(column.choices)
    listed_fa = "، ".join(f"{a[0]} ({c})" if a else c for c, a in column.choices.items())
    raise CellError(f"«{text}» is not one of: {listed_en}.",
                    f"«{text}» از این‌ها نیست: {listed_fa}.")


# ---- places -----------------------------------------------------------------------------


def closest(text: str, places: Sequence[PlaceName]) -> list[PlaceName]:
    """The places whose Persian or English name is nearest ``text``, best first."""
    choices = {i: match_key(short_name(p.name_fa)) for i, p in enumerate(places)}
    choices.update({len(places) + i: match_key(short_name(p.name_en))
                    for i, p in enumerate(places)})
    found = process.extract(match_key(text), choices, scorer=fuzz.WRatio,
                            limit=SUGGESTIONS * 2, score_cutoff=SUGGEST_MIN)
    seen: dict[str, PlaceName] = {}
    for _, _, index in found:
        place = places[index % len(places)]
        seen.setdefault(place.code, place)
    return list(seen.values())[:SUGGESTIONS]


def _unknown(what_en: str, what_fa: str, text: str, near: list[PlaceName]) -> CellError:
    if not near:
        return CellError(f"There is no {what_en} «{text}»; check the spelling.",
                         f"{what_fa}ی به نام «{text}» نیست؛ املای آن را بررسی کنید.")
    names = "، ".join(p.label for p in near)
    return CellError(f"There is no {what_en} «{text}»; did you mean: {names}?",
                     f"{what_fa}ی به نام «{text}» نیست؛ آیا منظورتان این است: {names}؟")


def resolve_province(text: str, gazette: Gazette) -> str:
    code = to_ascii_digits(text).strip().upper()
    if gazette.province(code) is not None:
        return code
    found = gazette.named(text, county=False)
    if found is not None:
        return found.code
    raise _unknown("province", "استان", text, closest(text, gazette.provinces))


def resolve_county(text: str, gazette: Gazette, province_code: str | None) -> PlaceName:
    """A county by its key or its Persian or English name; unknown: the closest names of
    ``province_code`` (of the whole country when none is known) are suggested."""
    found = gazette.county(text.strip())
    if found is not None:
        return found
    found = gazette.named(text, county=True)
    if found is not None:
        return found
    nearby = [c for c in gazette.counties if c.province_code == province_code]
    raise _unknown("county", "شهرستان", text, closest(text, nearby or gazette.counties))


# ---- the header -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Header:
    """Where each column is (cell index → column key) and the first data row's number."""

    columns: Mapping[int, str]
    first_row: int
    problems: tuple[Problem, ...] = ()


def _header_names(column: Column) -> set[str]:
    return {form(n) for n in (column.key, column.fa, column.en, *column.aliases)}


def _match_header(spec: KindSpec, cells: Sequence[Cell]) -> dict[int, str | None]:
    names = {name: c.key for c in spec.columns for name in _header_names(c)}
    return {i: names.get(form(cell_text(cell))) for i, cell in enumerate(cells)
            if cell_text(cell)}


def read_header(spec: KindSpec, rows: Sequence[Sequence[Cell]]) -> Header:
    """The header is the first non-empty row, in Persian or English; a second row of the
    same columns' names (the English keys under the Persian headers, as exports write
    them) is skipped. Unknown, repeated or missing required columns are problems."""
    start = next((i for i, row in enumerate(rows) if any(cell_text(c) for c in row)), None)
    if start is None:
        return Header({}, 1, (_file_problem(1, "The file is empty: it has no header row.",
                                            "پرونده خالی است: سطر عنوان ندارد."),))
    found = _match_header(spec, rows[start])
    columns = {i: key for i, key in found.items() if key is not None}
    problems = [_wrong_header(spec, start + 1, cell_text(rows[start][i]))
                for i, key in found.items() if key is None]
    problems += _repeated(spec, start + 1, columns)
    missing = [c for c in spec.columns if c.required and c.key not in columns.values()]
    if missing:
        problems.append(_missing(spec, start + 1, missing))
    first = start + 1
    if first < len(rows) and _is_key_row(spec, rows[first], columns):
        first += 1
    return Header(columns, first + 1, tuple(problems))


def _is_key_row(spec: KindSpec, row: Sequence[Cell], columns: Mapping[int, str]) -> bool:
    again = _match_header(spec, row)
    return bool(again) and all(columns.get(i) == key for i, key in again.items())


def _expected(spec: KindSpec) -> tuple[str, str]:
    return (", ".join(c.key for c in spec.columns),
            "، ".join(f"{c.fa} ({c.key})" for c in spec.columns))


def _file_problem(row: int, en: str, fa: str, column: str | None = None) -> Problem:
    return Problem(row, column, en, fa)


def _wrong_header(spec: KindSpec, row: int, text: str) -> Problem:
    en, fa = _expected(spec)
    return _file_problem(row, f"The column «{text}» is not a column of {spec.en}; the "
                         f"columns are: {en}.", f"ستون «{text}» از ستون‌های {spec.fa} "
                         f"نیست؛ ستون‌ها این‌هایند: {fa}.")


def _repeated(spec: KindSpec, row: int, columns: Mapping[int, str]) -> list[Problem]:
    keys = list(columns.values())
    twice = sorted({k for k in keys if keys.count(k) > 1})
    return [_file_problem(row, f"The column {spec.column(k).en} ({k}) appears twice; keep "
                          "one.", f"ستون «{spec.column(k).fa}» دو بار آمده است؛ یکی را "
                          "نگه دارید.", k) for k in twice]


def _missing(spec: KindSpec, row: int, missing: list[Column]) -> Problem:
    en, fa = _expected(spec)
    need_en = ", ".join(c.key for c in missing)
    need_fa = "، ".join(f"{c.fa} ({c.key})" for c in missing)
    return _file_problem(row, f"Required columns are missing: {need_en}. The columns of "
                         f"{spec.en} are: {en}.", f"ستون‌های لازم نیامده‌اند: {need_fa}. "
                         f"ستون‌های {spec.fa} این‌هایند: {fa}.")


# ---- rows -------------------------------------------------------------------------------


@dataclass(slots=True)
class ParsedRow:
    """A data row: its number in the spreadsheet, its values and what was wrong in it."""

    number: int
    values: dict[str, Value] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    province_code: str | None = None  # where the row belongs, once known

    @property
    def ok(self) -> bool:
        return not self.problems

    def refuse(self, column: str | None, en: str, fa: str) -> None:
        self.problems.append(Problem(self.number, column, en, fa))


def parse_cell(column: Column, cell: Cell, gazette: Gazette, province: str | None) -> Value:
    """One cell's value of ``column``'s type (raises :class:`CellError`)."""
    if column.type is ValueType.date:
        return parse_date(cell)
    text = cell_text(cell)
    if column.type in LIST_TYPES:
        return [str(_one(column, item, gazette, province)) for item in split_list(text)]
    return _one(column, text, gazette, province)


def _one(column: Column, text: str, gazette: Gazette, province: str | None) -> Value:
    match column.type:
        case ValueType.code | ValueType.codes:
            return parse_code(text)
        case ValueType.integer:
            return parse_integer(text)
        case ValueType.number:
            return parse_number(text)
        case ValueType.boolean:
            return parse_boolean(text)
        case ValueType.phone:
            return parse_phone(text)
        case ValueType.choice | ValueType.choices:
            return parse_choice(text, column)
        case ValueType.province:
            return resolve_province(text, gazette)
        case ValueType.county | ValueType.counties:
            return resolve_county(text, gazette, province).code
        case _:
            return parse_text(text)


def parse_row(spec: KindSpec, header: Header, cells: Sequence[Cell], number: int,
              gazette: Gazette) -> ParsedRow:
    """One data row's values; a cell that cannot be read is a problem of its column, and a
    county is checked to lie in the row's province (whose county it names, if none)."""
    row = ParsedRow(number)
    texts = {key: cells[i] if i < len(cells) else None for i, key in header.columns.items()}
    # The province first: a county's closest names are looked for in it.
    ordered = sorted(texts, key=lambda k: spec.column(k).type is not ValueType.province)
    for key in ordered:
        cell, column = texts[key], spec.column(key)
        if not cell_text(cell) and not isinstance(cell, date):
            if column.required:
                row.refuse(key, f"{column.en} ({key}) is required.",
                           f"«{column.fa}» لازم است.")
            continue
        province = row.values.get("province_code")
        try:
            row.values[key] = parse_cell(column, cell, gazette,
                                         province if isinstance(province, str) else None)
        except CellError as error:
            row.refuse(key, error.message_en, error.message_fa)
    _check_county_province(spec, row, gazette)
    return row


def _check_county_province(spec: KindSpec, row: ParsedRow, gazette: Gazette) -> None:
    key = row.values.get("county")
    county = gazette.county(key) if isinstance(key, str) else None
    given = row.values.get("province_code")
    if county is not None and isinstance(given, str) and county.province_code != given:
        row.refuse("county", f"{short_name(county.name_en)} is a county of "
                   f"{county.province_code}, not of {given}.",
                   f"{short_name(county.name_fa)} از شهرستان‌های استان "
                   f"{_province_fa(gazette, county.province_code)} است، نه "
                   f"{_province_fa(gazette, given)}.")
    elif county is not None and given is None and "province_code" in spec.keys:
        row.values["province_code"] = county.province_code or ""
    found = row.values.get("province_code")
    row.province_code = found if isinstance(found, str) else (
        county.province_code if county is not None else None)


def _province_fa(gazette: Gazette, code: str | None) -> str:
    province = gazette.province(code or "")
    return province.name_fa if province is not None else str(code)


def duplicates(spec: KindSpec, rows: Sequence[ParsedRow]) -> None:
    """A row repeating an earlier row's natural key (username, code, call sign) is refused,
    naming the first; keys are compared without case."""
    first: dict[str, int] = {}
    for row in rows:
        value = row.values.get(spec.key)
        if not isinstance(value, str) or not value:
            continue
        seen = first.setdefault(value.casefold(), row.number)
        if seen != row.number:
            column = spec.column(spec.key)
            row.refuse(spec.key, f"{column.en} «{value}» is already in row {seen} of this "
                       "file; each may appear once.", f"{column.fa} «{value}» در سطر "
                       f"{seen} همین پرونده هم آمده است؛ هر کدام یک بار بیاید.")


def out_of_reach(row: ParsedRow, actor_province: str | None, gazette: Gazette) -> None:
    """A provincial administrator's file may hold rows of their own province only; a row
    with no province (a national entry) is for national administrators."""
    if actor_province is None or row.province_code == actor_province:
        return
    mine = _province_fa(gazette, actor_province)
    if row.province_code is None:
        row.refuse("province_code", f"This row is national (no province); you administer "
                   f"{actor_province} only: give its province.", "این سطر کشوری است (استان "
                   f"ندارد)؛ شما فقط استان {mine} را اداره می‌کنید: استان آن را بنویسید.")
        return
    row.refuse("province_code", f"This row belongs to {row.province_code}; you administer "
               f"{actor_province} only.", "این سطر از استان "
               f"{_province_fa(gazette, row.province_code)} است؛ شما فقط استان {mine} را "
               "اداره می‌کنید.")


# ---- writing ----------------------------------------------------------------------------


def format_value(column: Column, value: object) -> str:
    """A value of a ``<Kind>In`` model as a cell's text that :func:`parse_cell` reads back:
    a fixed value by its Persian label, yes/no in Persian, a date in Jalali, lists joined
    with the Persian comma; counties stay keys (a name may be shared)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "، ".join(format_value(column, item) for item in value)
    if isinstance(value, bool):
        return "بله" if value else "خیر"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        jalali: str = jdatetime.date.fromgregorian(date=value).strftime("%Y-%m-%d")
        return jalali
    text = str(getattr(value, "value", value))
    if column.choices:
        labels = column.choices.get(text)
        return labels[0] if labels else text
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return text
