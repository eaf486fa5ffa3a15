"""API shapes of people: a person as entered (``PersonIn``, also one row of a spreadsheet),
as shown (``PersonPublic``), and a one-time link made for them (``AccessLinkMade``)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from panah.core.errors import InvalidInput
from panah.security.people.model import LinkPurpose, parse_role
from panah.security.roles import Role

PROVINCE_PATTERN = r"^IR-\d\d$"
Word = Annotated[str, Field(max_length=60)]
_LIST_SEPARATORS = re.compile(r"[,،;؛|]")


def _split(value: object) -> object:
    """A spreadsheet cell holds a list as ``"azeri, persian"``: split it."""
    if isinstance(value, str):
        return [part.strip() for part in _LIST_SEPARATORS.split(value) if part.strip()]
    return [] if value is None else value


class PersonIn(BaseModel):
    """A person, keyed by ``username``; saving an existing username updates that person.

    One role per account: a person with two jobs has two accounts (docs/decisions.md).
    ``role`` is its key or its English or Persian name; ``skills`` and ``languages`` are
    keys or names (a cell may list them separated by commas). A national role has no
    province; a centre-bound role needs ``centre`` (a centre code) in the same province.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    username: str = Field(min_length=3, max_length=80, examples=["n.karimi"])
    full_name: str = Field(min_length=2, max_length=120, examples=["نگار کریمی"])
    role: Role
    province_code: str | None = Field(default=None, pattern=PROVINCE_PATTERN,
                                      examples=["IR-02"])
    centre: str | None = Field(default=None, max_length=40, examples=["MZN-123"])
    skills: list[Word] = Field(default_factory=list, max_length=20)
    languages: list[Word] = Field(default_factory=list, max_length=12)
    is_woman: bool = False
    phone: str | None = Field(default=None, max_length=40)
    active: bool = True

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return parse_role(value)
            except InvalidInput as error:
                raise ValueError(error.message_en) from error
        return value

    @field_validator("skills", "languages", mode="before")
    @classmethod
    def _lists(cls, value: object) -> object:
        return _split(value)

    @field_validator("province_code", "centre", "phone", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


class PersonPublic(BaseModel):
    """A person as an administrator sees them (never a password or a second-factor secret)."""

    id: int
    username: str
    full_name: str
    role: Role
    province_code: str | None
    centre: str | None
    skills: list[str]
    languages: list[str]
    is_woman: bool
    phone: str | None
    active: bool
    disabled_at: datetime | None
    has_password: bool  # False until the person sets one through their one-time link
    second_factor: bool  # an authenticator app is set up
    created_at: datetime


class AccessLinkCreate(BaseModel):
    purpose: LinkPurpose = LinkPurpose.password


class AccessLinkMade(BaseModel):
    """A one-time link, in the answer to its making and nowhere else, ever after."""

    username: str
    purpose: LinkPurpose
    path: str = Field(description="The link's path on this site: /access/…")
    expires_at: datetime


class PasswordSet(BaseModel):
    password: str = Field(max_length=200)
