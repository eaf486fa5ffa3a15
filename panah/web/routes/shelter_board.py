"""The shelter's board and a stay's page (issue 17)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
