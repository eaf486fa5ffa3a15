"""Community social-service bases: calendar, attendance sheet, neighbourhoods (pages) (issue 17)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
