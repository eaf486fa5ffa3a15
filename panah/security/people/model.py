"""The rules about people, pure: which passwords are sound, who may grant which role
where, where a role must be placed, what a person's fields may hold, and one-time links.

Nothing here reads the database, the clock or the settings (``now`` is passed in); the
use cases in :mod:`panah.security.people.service` gather the facts and call these.

**Granting** (:func:`may_grant`) is one rule for creating, editing and disabling: an
actor acts on a person only if they could grant that person's role where that person is.

1. Only an administrator (``Permission.manage_people``) manages people.
2. Nobody grants a role above their own (``ROLE_RANK``).
3. A provincial administrator (an admin with a province, ``policy.scope_of``) acts in
   their own province only: never another province, never a national role (national
   office, analyst, integration), never an administrator.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path

import phonenumbers

from panah.core.errors import Forbidden, InvalidInput
from panah.geo.text import match_key, to_ascii_digits
from panah.intake.model import Language
from panah.security.policy import Actor, decide, scope_of
from panah.security.roles import ROLE_SCOPE, Permission, Role, Scope

# ---- passwords ----------------------------------------------------------------------------

MIN_PASSWORD = 12  # NIST SP 800-63B asks at least 8; twelve holds off offline guessing far longer
MAX_PASSWORD = 128  # a passphrase fits; the sign-in form takes up to 200 characters
# Short enough to type, long enough that a name padded with digits is not enough.
MIN_BEYOND_NAMES = 8
# The 30,000 most common passwords of leaked lists, most common first: zxcvbn's list,
# vendored with its licence (docs/vendored.md).
COMMON_PASSWORDS = Path(__file__).resolve().parents[2] / "vendor" / "zxcvbn-4.5.0" / "passwords.txt"
# Words anyone would try against this service first.
CONTEXT_WORDS = frozenset({
    "panah", "123", "behzisti", "behzisty", "welfare", "ejtemaei", "emergency", "iran",
    "tehran", "mazandaran", "sari", "admin", "administrator", "password", "passw0rd",
    "counsellor", "counselor", "moshaver", "salam", "khoda", "allah", "yazahra", "yaali",
    "پناه", "بهزیستی", "اورژانس", "ایران", "تهران", "سلام", "خدا", "گذرواژه", "رمز",
})  # fmt: skip
_LEET = str.maketrans("0134578@$!|", "oieastbasil")
_KEYBOARD_RUNS = (
    "abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "qazwsxedcrfvtgbyhnujmikolp",
)  # fmt: skip


class Weakness(StrEnum):
    too_short = "too_short"
    too_long = "too_long"
    too_common = "too_common"  # on the common list, or a common word padded, or a run
    like_name = "like_name"  # mostly the username or the person's own name


@cache
def common_passwords() -> frozenset[str]:
    text = COMMON_PASSWORDS.read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def _fold(text: str) -> str:
    """The form compared: NFKC, lower case, ASCII digits."""
    return to_ascii_digits(unicodedata.normalize("NFKC", text)).lower()


def _core(text: str) -> str:
    """``"P@ssw0rd1405!"`` → ``"password"``: leetspeak undone, digits and symbols around
    the word dropped (what people add to a common word to pass a rule)."""
    folded = _fold(text).strip()
    stripped = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", folded)
    return stripped.translate(_LEET) if stripped else folded.translate(_LEET)


def _is_run(text: str) -> bool:
    """A repeated short unit (``abcabcabcabc``), or a stretch of the alphabet, the digits or
    a keyboard row, in either direction (``123456789012``, ``qwertyuiopas``)."""
    folded = _fold(text)
    if len(set(folded)) <= 3 or any(
        folded == folded[:n] * (len(folded) // n) + folded[: len(folded) % n]
        for n in range(1, 5)
    ):
        return True
    for run in _KEYBOARD_RUNS:
        cycle = run * (len(folded) // len(run) + 2)
        if folded in cycle or folded[::-1] in cycle:
            return True
    return False


def _mostly_context_words(password: str) -> bool:
    """Words of this service (``panah``, ``behzisti``…) with digits and symbols between
    them (``panah123panah``): fewer than ``MIN_BEYOND_NAMES`` letters are left once they
    are taken out. A password with none of those words is not judged by this."""
    folded = _fold(password)
    rest = folded
    for word in sorted((w for w in CONTEXT_WORDS if not w.isdigit()), key=len, reverse=True):
        rest = rest.replace(word, "")
    return rest != folded and len(re.sub(r"[\W\d_]+", "", rest)) < MIN_BEYOND_NAMES


def _too_common(password: str) -> bool:
    common = common_passwords()
    folded, core = _fold(password), _core(password)
    return (folded in common or core in common or core in CONTEXT_WORDS
            or _fold(" ".join(password.split())).replace(" ", "") in common or _is_run(password)
            or _mostly_context_words(password))


def _name_parts(username: str, full_name: str) -> list[str]:
    parts = {_fold(username)}
    parts |= {p for p in re.split(r"[\W_]+", _fold(username)) if len(p) >= 3}
    parts |= {p for p in re.split(r"[\W_]+", _fold(full_name)) if len(p) >= 3}
    return sorted((p for p in parts if p), key=len, reverse=True)


def _like_name(password: str, username: str, full_name: str) -> bool:
    """Mostly the username or the person's names: fewer than ``MIN_BEYOND_NAMES``
    characters are left once they, and the digits and symbols, are taken out. A password
    without any of them is not judged by this (``Xq7#vbn2Kp9!`` is not like a name)."""
    folded = _fold(password)
    rest = folded
    for part in _name_parts(username, full_name):
        rest = rest.replace(part, "")
    return rest != folded and len(re.sub(r"[\W\d_]+", "", rest)) < MIN_BEYOND_NAMES


def password_weaknesses(password: str, *, username: str, full_name: str = "") -> list[Weakness]:
    """Every way ``password`` falls short, in the order they are told (empty: sound)."""
    found = []
    length = len(password)
    if length < MIN_PASSWORD:
        found.append(Weakness.too_short)
    if length > MAX_PASSWORD:
        found.append(Weakness.too_long)
    if length <= MAX_PASSWORD:
        if _too_common(password):
            found.append(Weakness.too_common)
        if _like_name(password, username, full_name):
            found.append(Weakness.like_name)
    return found


_WEAKNESS_TEXT: dict[Weakness, tuple[str, str]] = {
    Weakness.too_short: (
        f"it is shorter than {MIN_PASSWORD} characters",
        f"کوتاه‌تر از {MIN_PASSWORD} نویسه است",
    ),
    Weakness.too_long: (
        f"it is longer than {MAX_PASSWORD} characters",
        f"بلندتر از {MAX_PASSWORD} نویسه است",
    ),
    Weakness.too_common: (
        "it is a common password, a common word with digits or symbols around it, or a run "
        "of keys anyone tries first",
        "گذرواژه‌ای رایج، واژه‌ای رایج با چند رقم یا نشانه، یا ردیفی از کلیدهاست که هر کسی "
        "اول امتحان می‌کند",
    ),
    Weakness.like_name: (
        "it is mostly the username or the person's own name",
        "بیشترش نام کاربری یا نام خود شخص است",
    ),
}


def weak_password(weaknesses: Iterable[Weakness]) -> InvalidInput:
    """The error for a refused password: every reason, and what a sound one looks like."""
    reasons = [_WEAKNESS_TEXT[w] for w in weaknesses]
    return InvalidInput(
        "This password is refused: " + "; ".join(en for en, _ in reasons) + ". Choose at "
        f"least {MIN_PASSWORD} characters that are not your name, such as four unrelated "
        "words.",
        "این گذرواژه پذیرفته نیست: " + "؛ ".join(fa for _, fa in reasons) + ". دست‌کم "
        f"{_fa(MIN_PASSWORD)} نویسه برگزینید که نام شما نباشد، مثلاً چهار واژهٔ بی‌ربط به هم.",
        field="password", reasons=[w.value for w in weaknesses],
    )


def check_password(password: str, *, username: str, full_name: str = "") -> None:
    """Raise :class:`InvalidInput` naming every weakness of ``password``; else nothing."""
    found = password_weaknesses(password, username=username, full_name=full_name)
    if found:
        raise weak_password(found)


# ---- who may grant what -------------------------------------------------------------------

# How much a role may do, to compare a grant with the granter's own role.
ROLE_RANK: dict[Role, int] = {
    **{role: 1 for role in Role},
    Role.supervisor: 2,
    Role.analyst: 2,
    Role.provincial_manager: 3,
    Role.national_office: 4,
    Role.admin: 5,
}
# Roles that belong to the whole nation: they never have a province.
NATIONAL_ROLES = frozenset(r for r, s in ROLE_SCOPE.items() if s is Scope.nation) - {Role.admin}


def is_national(role: Role, province_code: str | None) -> bool:
    """Whether a person with ``role`` in ``province_code`` belongs to the whole nation: a
    national role, or an administrator without a province (a national administrator)."""
    return role in NATIONAL_ROLES or (role is Role.admin and province_code is None)


class Refusal(StrEnum):
    not_an_administrator = "not_an_administrator"
    above_own_role = "above_own_role"
    admin_role = "admin_role"
    national_role = "national_role"
    other_province = "other_province"


_REFUSAL_TEXT: dict[Refusal, tuple[str, str]] = {
    Refusal.not_an_administrator: (
        "Only an administrator manages people.",
        "فقط مدیر سامانه کاربران را مدیریت می‌کند.",
    ),
    Refusal.above_own_role: (
        "You cannot grant a role above your own.",
        "نمی‌توانید نقشی بالاتر از نقش خود بدهید.",
    ),
    Refusal.admin_role: (
        "Only a national administrator makes or changes administrators; ask the national "
        "office's administrators.",
        "فقط مدیر سامانهٔ ملی مدیر سامانه می‌سازد یا تغییر می‌دهد؛ از مدیران ستاد ملی بخواهید.",
    ),
    Refusal.national_role: (
        "A provincial administrator cannot grant a national role (national office, analyst, "
        "integration); ask the national administrators.",
        "مدیر استانی نمی‌تواند نقش ملی (ستاد ملی، تحلیلگر، یکپارچه‌سازی) بدهد؛ از مدیران "
        "ملی بخواهید.",
    ),
    Refusal.other_province: (
        "You manage the people of your own province only.",
        "شما فقط کاربران استان خود را مدیریت می‌کنید.",
    ),
}


@dataclass(frozen=True, slots=True)
class Grant:
    """Whether an actor may grant a role in a province, and if not, why."""

    allowed: bool
    refusal: Refusal | None = None

    def __bool__(self) -> bool:
        return self.allowed

    def error(self) -> Forbidden:
        why = self.refusal or Refusal.not_an_administrator
        en, fa = _REFUSAL_TEXT[why]
        return Forbidden(en, fa, why=why.value)


def may_grant(actor: Actor, role: Role, province_code: str | None) -> Grant:
    """Whether ``actor`` may give someone ``role`` in ``province_code`` (None: nowhere, a
    national account), or act on a person who has them (edit, disable, make a link)."""
    if not decide(actor, Permission.manage_people):
        return Grant(False, Refusal.not_an_administrator)
    if ROLE_RANK[role] > ROLE_RANK[actor.role]:
        return Grant(False, Refusal.above_own_role)
    if scope_of(actor) is not Scope.nation:
        if role is Role.admin:
            return Grant(False, Refusal.admin_role)
        if is_national(role, province_code):
            return Grant(False, Refusal.national_role)
        if province_code != actor.province_code:
            return Grant(False, Refusal.other_province)
    return Grant(True)


def own_account_error(actor: Actor, user_id: int, *, role: Role, province_code: str | None,
                      active: bool, current: tuple[Role, str | None]) -> Forbidden | None:
    """An administrator never disables their own account or changes their own role or
    province: a slip would lock them out, and nobody raises their own reach."""
    if actor.user_id != user_id:
        return None
    if not active:
        return Forbidden("You cannot disable your own account; ask another administrator.",
                         "نمی‌توانید حساب خود را غیرفعال کنید؛ از مدیر دیگری بخواهید.",
                         why="own_account")
    if (role, province_code) != current:
        return Forbidden("You cannot change your own role or province; ask another "
                         "administrator.",
                         "نمی‌توانید نقش یا استان خود را تغییر دهید؛ از مدیر دیگری بخواهید.",
                         why="own_account")
    return None


# ---- where a role is placed -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CentrePlace:
    """A centre as placement needs it: its code and its province."""

    code: str
    province_code: str


def placement_error(role: Role, province_code: str | None,
                    centre: CentrePlace | None) -> InvalidInput | None:
    """What is wrong with placing ``role`` in this province and centre, if anything."""
    if role in NATIONAL_ROLES and province_code is not None:
        return InvalidInput("A national role has no province: leave the province empty.",
                            "نقش ملی استان ندارد: استان را خالی بگذارید.",
                            field="province_code")
    if role not in NATIONAL_ROLES and role is not Role.admin and province_code is None:
        return InvalidInput("Choose the province this person works in.",
                            "استانی را که این شخص در آن کار می‌کند برگزینید.",
                            field="province_code")
    if ROLE_SCOPE[role] is Scope.centre and centre is None:
        return InvalidInput("This role works at a centre: choose the centre.",
                            "این نقش در یک مرکز کار می‌کند: مرکز را برگزینید.",
                            field="centre_code")
    if centre is not None and centre.province_code != province_code:
        return InvalidInput(
            f"The centre {centre.code} is in another province ({centre.province_code}): "
            "choose a centre of the person's province.",
            f"مرکز {centre.code} در استان دیگری ({centre.province_code}) است: مرکزی از "
            "استان همین شخص برگزینید.",
            field="centre_code")
    return None


# ---- the fields of a person ---------------------------------------------------------------

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{2,79}$")
NAME_MAX = 120

ROLE_NAMES_FA: dict[Role, str] = {
    Role.counsellor: "کارشناس خط ۱۲۳",
    Role.dispatcher: "کارشناس اعزام",
    Role.field_crew: "تیم سیار",
    Role.social_worker: "مددکار اجتماعی",
    Role.psychologist: "روانشناس",
    Role.psychiatrist: "روانپزشک",
    Role.legal_adviser: "مشاور حقوقی",
    Role.shelter_manager: "مدیر خانهٔ امن",
    Role.community_worker: "مددکار پایگاه خدمات اجتماعی",
    Role.supervisor: "سرپرست شیفت",
    Role.provincial_manager: "مدیر استانی",
    Role.national_office: "ستاد ملی",
    Role.analyst: "تحلیلگر آمار",
    Role.partner_agency: "دستگاه همکار",
    Role.integration: "یکپارچه‌سازی (مرکز تلفن، درگاه پیامک)",
    Role.admin: "مدیر سامانه",
}
LANGUAGE_NAMES: dict[Language, tuple[str, str]] = {
    Language.persian: ("Persian", "فارسی"),
    Language.azeri: ("Azeri", "آذری"),
    Language.kurdish: ("Kurdish", "کردی"),
    Language.arabic: ("Arabic", "عربی"),
    Language.baluchi: ("Baluchi", "بلوچی"),
    Language.turkmen: ("Turkmen", "ترکمنی"),
    Language.luri: ("Luri", "لری"),
    Language.gilaki: ("Gilaki", "گیلکی"),
    Language.mazandarani: ("Mazandarani", "مازندرانی"),
    Language.english: ("English", "انگلیسی"),
}
# What a counsellor or a crew member is trained for, beyond their role.
SKILLS: dict[str, tuple[str, str]] = {
    "child_protection": ("Child protection", "حمایت از کودک"),
    "suicide_prevention": ("Suicide prevention", "پیشگیری از خودکشی"),
    "domestic_violence": ("Domestic violence", "همسرآزاری و خشونت خانگی"),
    "substance_use": ("Substance use", "اعتیاد و مصرف مواد"),
    "disability": ("Disability", "افراد دارای معلولیت"),
    "elder_care": ("Elder care", "سالمندان"),
    "legal_aid": ("Legal aid", "مشاورهٔ حقوقی"),
    "sign_language": ("Sign language", "زبان اشاره"),
    "first_aid": ("First aid", "کمک‌های اولیه"),
    "driving": ("Driving the unit", "رانندگی خودروی سیار"),
}


def _refuse(field: str, en: str, fa: str, **details: object) -> InvalidInput:
    return InvalidInput(en, fa, field=field, **details)


def clean_username(text: str) -> str:
    username = to_ascii_digits(text).strip().lower()
    if not USERNAME.match(username):
        raise _refuse("username",
                      "A username is 3 to 80 characters: Latin letters, digits, '.', '_' or "
                      "'-', starting with a letter (e.g. n.karimi).",
                      "نام کاربری ۳ تا ۸۰ نویسه است: حروف لاتین، رقم، «.»، «_» یا «-»، و با "
                      "یک حرف آغاز می‌شود (مانند n.karimi).")
    return username


def clean_full_name(text: str) -> str:
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if not 2 <= len(name) <= NAME_MAX:
        raise _refuse("full_name", f"Write the person's full name (2 to {NAME_MAX} characters).",
                      f"نام و نام خانوادگی شخص را بنویسید (۲ تا {_fa(NAME_MAX)} نویسه).")
    return name


def _lookup(names: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Every way a value may be written (its key, English and Persian names) → its key."""
    return {match_key(name): key for key, labels in names.items() for name in (key, *labels)}


def parse_role(text: str) -> Role:
    """A role by its key (``counsellor``), or its English or Persian name."""
    found = _lookup({r.value: (r.value.replace("_", " "), ROLE_NAMES_FA[r]) for r in Role}).get(
        match_key(text))
    if found is None:
        raise _refuse("role", f"Unknown role {text!r}; choose one of: "
                      + ", ".join(r.value for r in Role) + ".",
                      f"نقش ناشناخته {text!r}؛ یکی از این‌ها را برگزینید: "
                      + "، ".join(ROLE_NAMES_FA.values()) + ".", role=text)
    return Role(found)


def parse_languages(values: Iterable[str]) -> list[Language]:
    """Languages by key or English or Persian name, in the order given, without repeats;
    Persian when none is given."""
    known = _lookup({lang.value: names for lang, names in LANGUAGE_NAMES.items()})
    chosen: list[Language] = []
    for value in (v for v in values if v.strip()):
        key = known.get(match_key(value))
        if key is None:
            raise _refuse("languages", f"Unknown language {value!r}; choose among: "
                          + ", ".join(en for en, _ in LANGUAGE_NAMES.values()) + ".",
                          f"زبان ناشناخته {value!r}؛ از میان این‌ها برگزینید: "
                          + "، ".join(fa for _, fa in LANGUAGE_NAMES.values()) + ".",
                          value=value)
        if Language(key) not in chosen:
            chosen.append(Language(key))
    return chosen or [Language.persian]


def parse_skills(values: Iterable[str]) -> list[str]:
    """Skills by key or English or Persian name, in the order given, without repeats."""
    known = _lookup(dict(SKILLS))
    chosen: list[str] = []
    for value in (v for v in values if v.strip()):
        key = known.get(match_key(value))
        if key is None:
            raise _refuse("skills", f"Unknown skill {value!r}; choose among: "
                          + ", ".join(en for en, _ in SKILLS.values()) + ".",
                          f"مهارت ناشناخته {value!r}؛ از میان این‌ها برگزینید: "
                          + "، ".join(fa for _, fa in SKILLS.values()) + ".", value=value)
        if key not in chosen:
            chosen.append(key)
    return chosen


def clean_phone(text: str | None) -> str | None:
    """A phone number in E.164 (``+989121234567``), from any way it is written; None for
    none. The number never appears in the error: it is personal."""
    raw = to_ascii_digits(text or "").strip()
    if not raw:
        return None
    try:
        number = phonenumbers.parse(re.sub(r"[\s\-().\u200c\u200e\u200f]", "", raw), "IR")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise _refuse("phone", "The phone number is not valid. Write it as 0912 123 4567 or "
                      "+98 912 123 4567.",
                      "شمارهٔ تلفن معتبر نیست. آن را مانند ۰۹۱۲ ۱۲۳ ۴۵۶۷ یا ‎+98 912 123 4567 "
                      "بنویسید.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# ---- one-time links -----------------------------------------------------------------------

# Three days: a new counsellor may get the link on a Wednesday and start on Saturday; a
# shorter life would send many back to the administrator, a longer one leaves it lying about.
LINK_LIFETIME = timedelta(hours=72)


class LinkPurpose(StrEnum):
    password = "password"  # noqa: S105 - set a (first or new) password
    second_factor = "second_factor"  # set up the authenticator app again, with a new password


class LinkState(StrEnum):
    usable = "usable"
    used = "used"
    expired = "expired"


def link_expires_at(now: datetime) -> datetime:
    return now + LINK_LIFETIME


def link_state(*, expires_at: datetime, used_at: datetime | None, now: datetime) -> LinkState:
    if used_at is not None:
        return LinkState.used
    if now >= expires_at:
        return LinkState.expired
    return LinkState.usable


def _fa(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
