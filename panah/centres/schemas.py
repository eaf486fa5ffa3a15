"""API shapes of centres: a centre as it is entered (``CentreIn``, also one row of a
spreadsheet) and as it is shown, and a province's coverage (which centre answers for
each county)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from panah.centres.model import CentreKind

Lat = Annotated[float, Field(ge=-90, le=90)]
Lon = Annotated[float, Field(ge=-180, le=180)]
CountyText = Annotated[str, Field(min_length=1, max_length=120)]
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"
PROVINCE_PATTERN = r"^IR-\d\d$"


class CentreIn(BaseModel):
    """A centre, keyed by ``code``. ``county`` and each of ``covers`` name a county by its
    key or its Persian or English name. ``covers`` are the counties it answers for (a
    county centre answers for its own county as well); ``lat``/``lon`` default to the
    county's seat. ``hours``: ``24/7`` or spans such as ``08:00-14:00, 16:00-20:00``."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_strip_whitespace=True)

    code: str = Field(pattern=CODE_PATTERN, examples=["MZN-C-KELARDASHT"])
    kind: CentreKind
    name_fa: str = Field(min_length=1, max_length=160)
    name_en: str = Field(min_length=1, max_length=160)
    province_code: str = Field(pattern=PROVINCE_PATTERN, examples=["IR-02"])
    county: CountyText | None = None
    lat: Lat | None = None
    lon: Lon | None = None
    covers: list[CountyText] = Field(default_factory=list, max_length=60)
    hours: str = Field(default="24/7", max_length=200)
    has_shelter: bool = False
    shelter_beds: int = Field(default=0, ge=0, le=1000)


class CountyPublic(BaseModel):
    key: str
    name_fa: str
    name_en: str


class CentrePublic(BaseModel):
    id: int
    code: str
    kind: str
    kind_fa: str
    kind_en: str
    name_fa: str
    name_en: str
    province_code: str
    county: CountyPublic | None
    lat: float
    lon: float
    hours: str
    has_shelter: bool
    shelter_beds: int
    covers: list[CountyPublic]  # the counties it answers for, its own first
    units: list[str] = []  # call signs of the units in service it is home to


class CoverageRowPublic(BaseModel):
    """A county of the province and who answers for it: its own centre, a covering
    county's (``covering``), or none yet (``centre_code`` null: a gap to fill)."""

    county: CountyPublic
    centre_id: int | None
    centre_code: str | None
    centre_name_fa: str | None
    centre_name_en: str | None
    covering: CountyPublic | None


class CoveragePublic(BaseModel):
    province_code: str
    counties: list[CoverageRowPublic]
    unanswered: int
