"""Shelter pages: the list, setup of rooms and beds, occupancy (issue 17)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
