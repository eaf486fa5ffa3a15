"""Languages of the pages: digits, Jalali dates on Tehran's clock, catalogues, directions."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from panah.security.roles import Role
from panah.web import i18n
from panah.web.i18n import (
    CATALOGUES,
    direction,
    format_date,
    format_datetime,
    jalali_date,
    latin_digits,
    name_sort_key,
    persian_digits,
    translate,
)

TEMPLATES = Path(i18n.__file__).resolve().parent / "templates"
NOWRUZ_MORNING = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)  # 10:00 in Tehran


def test_persian_digits_replace_only_digits() -> None:
    assert persian_digits("1405/01/02 10:30") == "۱۴۰۵/۰۱/۰۲ ۱۰:۳۰"
    assert persian_digits(123) == "۱۲۳"
    assert persian_digits("MZN-01") == "MZN-۰۱"


def test_latin_digits_read_persian_and_arabic_indic_digits() -> None:
    assert latin_digits("۰۹۱۲۱۲۳۴۵۶۷") == "09121234567"
    assert latin_digits("٠١٢٣") == "0123"
    assert latin_digits(persian_digits("2026-03-22")) == "2026-03-22"


def test_jalali_date_of_nowruz() -> None:
    assert jalali_date(date(2026, 3, 21)) == "1405/01/01"
    assert jalali_date(date(2026, 3, 20)) == "1404/12/29"


def test_a_moment_is_dated_on_tehrans_clock_not_utcs() -> None:
    # 22:00 UTC on 20 March is 01:30 on 21 March in Tehran: already Nowruz.
    late = datetime(2026, 3, 20, 22, 0, tzinfo=UTC)
    assert jalali_date(late) == "1405/01/01"
    assert format_datetime(late, "en") == "2026-03-21 01:30"


def test_persian_pages_show_jalali_with_persian_digits() -> None:
    assert format_date(NOWRUZ_MORNING, "fa") == "۱۴۰۵/۰۱/۰۲"
    assert format_datetime(NOWRUZ_MORNING, "fa") == "۱۴۰۵/۰۱/۰۲ ۱۰:۰۰"
    assert format_date(date(2026, 4, 4), "fa") == "۱۴۰۵/۰۱/۱۵"


def test_english_pages_show_gregorian_with_latin_digits() -> None:
    assert format_date(NOWRUZ_MORNING, "en") == "2026-03-22"
    assert format_datetime(NOWRUZ_MORNING, "en") == "2026-03-22 10:00"
    assert format_date(None, "en") == ""


def test_naive_datetimes_from_sqlite_are_taken_as_utc() -> None:
    assert format_datetime(datetime(2026, 3, 22, 6, 30), "en") == "2026-03-22 10:00"


def test_persian_names_sort_by_the_persian_alphabet() -> None:
    names = ["یزد", "گیلان", "کرمان", "پارس", "بوشهر", "آمل", "چالوس", "ژاله", "اراک"]
    ordered = sorted(names, key=lambda n: name_sort_key(n, "fa"))
    assert ordered == ["آمل", "اراک", "بوشهر", "پارس", "چالوس", "ژاله", "کرمان", "گیلان", "یزد"]


def test_persian_sort_folds_arabic_letter_forms_and_ignores_zwnj() -> None:
    assert name_sort_key("علي", "fa") == name_sort_key("علی", "fa")
    assert name_sort_key("كرج", "fa") == name_sort_key("کرج", "fa")
    assert name_sort_key("قائم\u200cشهر", "fa") == name_sort_key("قائمشهر", "fa")


def test_english_names_sort_without_regard_to_case() -> None:
    ordered = sorted(["sari", "Amol", "babol"], key=lambda n: name_sort_key(n, "en"))
    assert ordered == ["Amol", "babol", "sari"]


def test_direction_follows_language() -> None:
    assert direction("fa") == "rtl"
    assert direction("en") == "ltr"


def test_translate_fills_placeholders_with_the_languages_digits() -> None:
    assert translate("fa", "centres.beds", beds=12) == "۱۲ تخت"
    assert translate("en", "centres.beds", beds=12) == "12 beds"


def test_translate_falls_back_to_the_default_then_the_key() -> None:
    assert translate("fa", "unit_status.unheard_of", "unheard_of") == "unheard_of"
    assert translate("en", "no.such.key") == "no.such.key"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        translate("de", "app.name")


def test_both_catalogues_have_the_same_keys_and_no_empty_text() -> None:
    fa = json.loads((CATALOGUES / "fa.json").read_text(encoding="utf-8"))
    en = json.loads((CATALOGUES / "en.json").read_text(encoding="utf-8"))
    assert set(fa) == set(en)
    assert all(text.strip() for text in [*fa.values(), *en.values()])


def test_persian_catalogue_is_persian() -> None:
    fa = json.loads((CATALOGUES / "fa.json").read_text(encoding="utf-8"))
    persian = re.compile("[\u0600-\u06ff]")
    # Only the switch to English is written in English in the Persian catalogue.
    assert [k for k, v in fa.items() if not persian.search(v)] == ["lang.switch"]


def test_every_role_has_a_name_in_both_languages_with_the_glossarys_persian() -> None:
    for role in Role:
        assert translate("fa", f"role.{role.value}") != f"role.{role.value}"
        assert translate("en", f"role.{role.value}") != f"role.{role.value}"
    assert translate("fa", "role.counsellor") == "کارشناس خط ۱۲۳"
    assert translate("fa", "role.social_worker") == "مددکار اجتماعی"
    assert translate("fa", "role.psychologist") == "روانشناس"
    assert translate("fa", "role.psychiatrist") == "روانپزشک"
    assert translate("fa", "role.legal_adviser") == "مشاور حقوقی"
    assert translate("fa", "role.field_crew") == "تیم سیار"


def test_every_key_the_templates_use_is_in_the_catalogue() -> None:
    keys = set(json.loads((CATALOGUES / "fa.json").read_text(encoding="utf-8")))
    used: set[str] = set()
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_.]+)["']""", text))
        used |= set(re.findall(r"""["']((?:next|home)\.[a-z0-9_.]+)["']""", text))
    complete = {key for key in used if not key.endswith((".", "_"))}
    assert complete, "the pattern found no keys: it is out of date"
    assert sorted(complete - keys) == []
