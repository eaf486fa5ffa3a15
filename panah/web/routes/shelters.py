"""Shelters (API): the facility, rooms and beds, the address by need, occupancy (issue 17)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
