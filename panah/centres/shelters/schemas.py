"""API shapes of the shelters: ``XCreate`` / ``XUpdate`` in, ``XPublic`` out.

No shape here but :class:`ShelterAddress` carries the address or the phone: the rest say
"a shelter in Sari" (its label, province and county) and nothing about where it is.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from panah.centres.shelters.model import Suits

Label = Field(min_length=1, max_length=160)


class ShelterCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    centre_code: str = Field(min_length=1, max_length=40,
                             description="The crisis-intervention centre that runs it")
    name_fa: str = Field(min_length=1, max_length=160,
                         description="A county-level label anyone may read "
                                     "(«خانهٔ امن ساری»), never a street")
    name_en: str = Field(min_length=1, max_length=160)
    county_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    address: str | None = Field(default=None, max_length=500)
    phone: str | None = Field(default=None, max_length=40)


class ShelterUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_fa: str | None = Field(default=None, min_length=1, max_length=160)
    name_en: str | None = Field(default=None, min_length=1, max_length=160)
    county_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    address: str | None = Field(default=None, max_length=500)
    phone: str | None = Field(default=None, max_length=40)
    active: bool | None = None


class RoomCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=60)
    suits: list[Suits] = Field(description="Whom the room is for (at least one)")


class RoomUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=60)
    suits: list[Suits] | None = None
    active: bool | None = None


class BedCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, max_length=40)
    accessible: bool = False
    child_bed: bool = False


class BedUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(default=None, min_length=1, max_length=40)
    accessible: bool | None = None
    child_bed: bool | None = None
    active: bool | None = None


class BedPublic(BaseModel):
    id: int
    room_id: int
    label: str
    accessible: bool
    child_bed: bool
    active: bool
    held: bool = Field(description="A stay holds it now (planned or checked in)")


class RoomPublic(BaseModel):
    id: int
    name: str
    suits: list[Suits]
    active: bool
    beds: list[BedPublic]


class ShelterPublic(BaseModel):
    """What anyone allowed to see a shelter reads: its label and where in the country,
    never where in the town."""

    id: int
    name_fa: str
    name_en: str
    province_code: str
    county_fa: str | None = None
    county_en: str | None = None
    centre_id: int
    active: bool
    beds: int = Field(description="Active beds of active rooms")
    free: int = Field(description="Of those, held by no stay now")


class ShelterSetup(ShelterPublic):
    rooms: list[RoomPublic]


class ShelterAddress(BaseModel):
    """The address and phone, for those with need only (every reveal is audited)."""

    id: int
    address: str | None
    phone: str | None


class DayFiguresPublic(BaseModel):
    day: date
    total: int
    occupied: int
    held: int
    free: int


class OccupancyRow(BaseModel):
    shelter_id: int | None = Field(description="None for a province's or the nation's row")
    name_fa: str
    name_en: str
    province_code: str | None
    today: DayFiguresPublic
    days: list[DayFiguresPublic]


class OccupancyPublic(BaseModel):
    province_code: str | None = Field(description="None: the nation")
    first: date
    last: date
    today: date
    shelters: list[OccupancyRow]
    provinces: list[OccupancyRow]
    total: OccupancyRow
