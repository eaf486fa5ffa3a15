"""Finding a bed and requests to shelters (API) (issue 17)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
