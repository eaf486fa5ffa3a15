"""Persian (and English) text normalisation for display and for matching names.

Persian text in the wild mixes Arabic and Persian code points for the same letter (ي/ی,
ك/ک), writes digits in three scripts, joins or separates word parts with a zero-width
non-joiner (ZWNJ), a space or nothing, and sometimes carries diacritics or tatweel.
:func:`normalize_fa` makes such variants equal for display; :func:`match_key` goes further
and makes them equal for matching (no ZWNJ or spaces, no "شهرستان"/"County" prefix, Latin
diacritics and punctuation dropped, lower case).

A small own function rather than ``hazm``: hazm pulls in NLTK and a pinned dependency tree
for a job that needs a translation table and three regular expressions.
"""

from __future__ import annotations

import re
import unicodedata

ZWNJ = "\u200c"

_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_ASCII_DIGITS = "0123456789"

_TO_ASCII_DIGITS = str.maketrans(_PERSIAN_DIGITS + _ARABIC_DIGITS, _ASCII_DIGITS * 2)
_TO_PERSIAN_DIGITS = str.maketrans(_ASCII_DIGITS + _ARABIC_DIGITS, _PERSIAN_DIGITS * 2)

# Arabic letter forms → their Persian counterparts: safe for display.
_LETTERS = str.maketrans(
    {
        "ي": "ی",  # Arabic yeh
        "ى": "ی",  # alef maksura
        "ك": "ک",  # Arabic kaf
        "ۀ": "ه",  # heh with yeh above (ezafe)
        "ة": "ه",  # teh marbuta
        "\u0640": None,  # tatweel
        "\u200d": None,  # zero-width joiner
        "\ufeff": None,  # byte-order mark
        "\u200e": None,  # left-to-right mark
        "\u200f": None,  # right-to-left mark
    }
)
# Hamza forms people type either way ("قائم" / "قایم"): made equal for matching only.
_HAMZA = str.maketrans({"ئ": "ی", "ؤ": "و", "إ": "ا", "أ": "ا", "ٱ": "ا", "آ": "ا", "ء": None})

# Arabic harakat, tanwin, shadda, sukun, superscript alef, hamza above/below.
# Vowel signs and Quranic marks; not U+0654, the hamza of the ezafe ("خانهٔ امن"), which is
# spelling (match_key still drops it, with every other combining mark).
_DIACRITICS = re.compile("[\u064b-\u0653\u0655-\u065f\u0670\u06d6-\u06ed]")
_SPACES = re.compile(r"\s+")
_ZWNJ_RUNS = re.compile(r"\s*\u200c[\s\u200c]*")

_PREFIXES = ("شهرستان", "استان")
_SUFFIXES_EN = ("county", "province", "ostan", "shahrestan")
_PREFIXES_EN = ("county of", "province of")
_NOT_WORD = re.compile(r"[^\w]+")


def to_ascii_digits(text: str) -> str:
    """Persian (۱۲۳) and Arabic-Indic (١٢٣) digits to ASCII (123)."""
    return text.translate(_TO_ASCII_DIGITS)


def to_persian_digits(value: str | int | float) -> str:
    """ASCII and Arabic-Indic digits to Persian digits, for display (۱۲۳)."""
    return str(value).translate(_TO_PERSIAN_DIGITS)


def normalize_fa(text: str) -> str:
    """Clean Persian text for display: Persian letters, no diacritics, one space or ZWNJ."""
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_LETTERS)
    text = _DIACRITICS.sub("", text)
    text = _ZWNJ_RUNS.sub(ZWNJ, text)
    return _SPACES.sub(" ", text).strip().strip(ZWNJ)


def strip_latin_accents(text: str) -> str:
    """``Qeyşar`` → ``Qeysar``; also drops the ʿayn/hamza marks of transliterations."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _strip_affixes(words: list[str]) -> list[str]:
    while len(words) > 1 and words[0] in _PREFIXES:
        words = words[1:]
    while len(words) > 1 and words[-1] in _SUFFIXES_EN:
        words = words[:-1]
    joined = " ".join(words)
    for prefix in _PREFIXES_EN:
        if joined.startswith(prefix + " ") and len(joined) > len(prefix) + 1:
            words = joined[len(prefix) + 1 :].split(" ")
    return words


def match_key(text: str) -> str:
    """The form two names are compared in: variants of spelling and spacing made equal.

    ``"شهرستان بابل‌سر"``, ``"بابلسر"`` and ``"بابل سر"`` give the same key, as do
    ``"Chalus County"`` and ``"chalus"``.
    """
    text = to_ascii_digits(normalize_fa(text)).translate(_HAMZA).replace(ZWNJ, " ")
    text = strip_latin_accents(text).lower()
    text = text.replace("'", "").replace("\u2019", "").replace("\u2018", "").replace("`", "")
    words = [w for w in _NOT_WORD.sub(" ", text).split(" ") if w]
    return "".join(_strip_affixes(words))


def is_persian(text: str) -> bool:
    """True when the text is written (mostly) in the Arabic script."""
    letters = [ch for ch in text if ch.isalpha()]
    arabic = sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff")
    return bool(letters) and arabic * 2 >= len(letters)
