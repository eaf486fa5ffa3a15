"""Languages of the web pages: Persian first (RTL, Jalali dates, Persian digits), English second.

The strings live in ``i18n/fa.json`` and ``i18n/en.json`` (flat ``"area.name": "text"``
catalogues with the same keys). Templates call ``t("key")`` and the date filters; the
language of a request comes from ``?lang=``, else the ``panah_lang`` cookie that
``/lang/{code}`` sets, else ``settings.default_language``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jdatetime
from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from panah.security.policy import Actor, is_allowed
from panah.security.roles import Permission
from panah.triage.taxonomy import TAXONOMY
from panah.web.deps import current_actor

LANGUAGES = ("fa", "en")
LANG_COOKIE = "panah_lang"
CATALOGUES = Path(__file__).resolve().parent / "i18n"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_TO_PERSIAN = str.maketrans("0123456789", PERSIAN_DIGITS)
_TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_DIGITS, "0123456789" * 2)
PERSIAN_ALPHABET = "آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
# Arabic letter forms and marks folded before sorting; ZWNJ, tatweel and vowel marks dropped.
_FOLD = str.maketrans(
    {"ي": "ی", "ى": "ی", "ئ": "ی", "ك": "ک", "أ": "ا", "إ": "ا", "ٱ": "ا", "ؤ": "و", "ة": "ه",
     "\u200c": None, "ـ": None, **{chr(c): None for c in [*range(0x064B, 0x0653), 0x0670]}}
)

# The pages a role may open from the header: (catalogue key, path, permission needed).
NAV: tuple[tuple[str, str, Permission], ...] = (
    ("nav.home", "/", Permission.authenticated),
    ("nav.partner_inbox", "/partner", Permission.partner_api),
    ("nav.line", "/line", Permission.answer_contacts),
    ("nav.callbacks", "/line/callbacks", Permission.answer_contacts),
    ("nav.line_settings", "/line/settings", Permission.manage_line),
    ("nav.dispatch", "/dispatch", Permission.dispatch_units),
    ("nav.dashboard", "/dashboard", Permission.view_dashboard),
    ("nav.statistics", "/statistics", Permission.view_statistics),
    ("nav.map", "/map", Permission.view_map),
    ("nav.cases", "/cases", Permission.view_case),
    ("nav.visits", "/cases/visits", Permission.create_case),
    ("nav.appointments", "/centres/appointments", Permission.view_case),
    ("nav.community", "/community", Permission.community_work),
    ("nav.shelters", "/shelters", Permission.view_occupancy),
    ("nav.supervision", "/cases/supervision", Permission.supervise_cases),
    ("nav.transfers", "/cases/transfers", Permission.transfer_case),
    ("nav.access_reviews", "/security/break-glass", Permission.review_access),
    ("nav.api_keys", "/admin/api-keys", Permission.manage_api_keys),
    ("nav.people", "/admin/people", Permission.manage_people),
    ("nav.organisation", "/admin/centres", Permission.manage_organisation),
)


@cache
def tehran() -> tzinfo:
    """Asia/Tehran; Iran has kept +03:30 all year since 2022, the fallback without tzdata."""
    try:
        return ZoneInfo("Asia/Tehran")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=3, minutes=30), "IRST")


# ---- pure helpers ---------------------------------------------------------------------


def persian_digits(value: object) -> str:
    """``"1405/01/02"`` → ``"۱۴۰۵/۰۱/۰۲"``; other characters are kept."""
    return str(value).translate(_TO_PERSIAN)


def latin_digits(value: object) -> str:
    """Persian and Arabic-Indic digits → ASCII digits (for reading what people type)."""
    return str(value).translate(_TO_LATIN)


def localise_digits(value: object, lang: str) -> str:
    return persian_digits(value) if lang == "fa" else str(value)


def in_tehran(moment: datetime) -> datetime:
    """An aware moment on Tehran's wall clock; naive values are taken as UTC (SQLite)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(tehran())


def jalali_date(value: date | datetime) -> str:
    """The Jalali date as ``1405/01/02`` (a datetime is first put on Tehran's clock)."""
    day = in_tehran(value).date() if isinstance(value, datetime) else value
    jalali: str = jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d")
    return jalali


def format_date(value: date | datetime | None, lang: str) -> str:
    """Persian: Jalali with Persian digits; English: the Gregorian ISO date."""
    if value is None:
        return ""
    if lang == "fa":
        return persian_digits(jalali_date(value))
    day = in_tehran(value).date() if isinstance(value, datetime) else value
    return day.isoformat()


def format_datetime(value: datetime | None, lang: str) -> str:
    """Date and Tehran time: ``۱۴۰۵/۰۱/۰۲ ۱۰:۰۰`` or ``2026-03-22 10:00``."""
    if value is None:
        return ""
    clock = in_tehran(value).strftime("%H:%M")
    return f"{format_date(value, lang)} {localise_digits(clock, lang)}"


# ---- catalogues ---------------------------------------------------------------------


@cache
def catalogue(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; Panah speaks {LANGUAGES}")
    text = (CATALOGUES / f"{lang}.json").read_text(encoding="utf-8")
    loaded: dict[str, str] = json.loads(text)
    return {**loaded, **category_labels(lang)}


def category_labels(lang: str) -> dict[str, str]:
    """``category.<code>`` for every category: the triage taxonomy's own labels, the one
    spelling of each category on every page (the catalogues do not repeat them)."""
    return {f"category.{info.code.value}": info.label_fa if lang == "fa" else info.label_en
            for info in TAXONOMY.values()}


def translate(lang: str, key: str, default: str | None = None, **values: object) -> str:
    """The text for ``key``; ``{name}`` placeholders are filled (numbers in the language)."""
    text = catalogue(lang).get(key)
    if text is None:
        return default if default is not None else key
    if not values:
        return text
    return text.format(**{k: _localise_value(v, lang) for k, v in values.items()})


def _localise_value(value: object, lang: str) -> object:
    return localise_digits(value, lang) if isinstance(value, int) else value


def name_sort_key(text: str, lang: str) -> tuple[int, ...]:
    """Order names as a reader of ``lang`` expects: Persian by the Persian alphabet
    (پ after ب, گ after ک, ی last), which code-point order gets wrong."""
    if lang != "fa":
        return tuple(ord(ch) for ch in text.casefold())
    return tuple(_persian_rank(ch) for ch in latin_digits(text).translate(_FOLD))


def _persian_rank(ch: str) -> int:
    position = PERSIAN_ALPHABET.find(ch)
    if position >= 0:
        return 1000 + position
    return ord(ch)  # spaces, digits and Latin letters come before Persian letters


def direction(lang: str) -> str:
    return "rtl" if lang == "fa" else "ltr"


# ---- the request's language and the template context ----------------------------------


def request_language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    default: str = request.app.state.settings.default_language
    return default


def nav_for(actor: Actor | None) -> list[tuple[str, str]]:
    return [(key, path) for key, path, permission in NAV if is_allowed(actor, permission)]


def shell_context(request: Request) -> dict[str, Any]:
    """What every page's frame needs: language, direction, the actor, CSRF token, nav."""
    lang = request_language(request)
    actor = current_actor(request)
    return {
        "lang": lang,
        "dir": direction(lang),
        "other_lang": "en" if lang == "fa" else "fa",
        "actor": actor,
        "csrf_token": getattr(request.state, "csrf_token", None),
        "nav": nav_for(actor),
        "now": request.app.state.clock.now(),
    }


@pass_context
def _t(context: Context, key: str, default: str | None = None, **values: object) -> str:
    return translate(context["lang"], key, default, **values)


@pass_context
def _date_filter(context: Context, value: date | datetime | None) -> str:
    return format_date(value, context["lang"])


@pass_context
def _datetime_filter(context: Context, value: datetime | None) -> str:
    return format_datetime(value, context["lang"])


@pass_context
def _digits_filter(context: Context, value: object) -> str:
    return localise_digits(value, context["lang"])


@pass_context
def _name_filter(context: Context, row: Any) -> str:
    """A row's ``name_fa`` or ``name_en``, whichever the page's language wants."""
    return _display_name(row, context["lang"])


def static_path(path: str) -> str:
    """A root-relative URL, so pages work behind any proxy and scheme."""
    return f"/static/{path}"


def _display_name(row: Any, lang: str) -> str:
    if lang == "fa":
        return str(getattr(row, "name_fa", None) or row.name_en)
    return str(row.name_en)


@pass_context
def _by_name_filter(
    context: Context, rows: Iterable[Any], attribute: int | str | None = None
) -> list[Any]:
    """Rows sorted by name in the page's language; ``attribute`` picks the named part."""
    lang = context["lang"]

    def named(row: Any) -> Any:
        if attribute is None:
            return row
        return row[attribute] if isinstance(attribute, int) else getattr(row, attribute)

    return sorted(rows, key=lambda row: name_sort_key(_display_name(named(row), lang), lang))


def make_templates(directory: Path) -> Jinja2Templates:
    templates = Jinja2Templates(directory=directory, context_processors=[shell_context])
    env = templates.env
    env.globals["t"] = _t
    env.globals["static"] = static_path
    env.filters["local_date"] = _date_filter
    env.filters["local_datetime"] = _datetime_filter
    env.filters["digits"] = _digits_filter
    env.filters["name"] = _name_filter
    env.filters["by_name"] = _by_name_filter
    return templates
