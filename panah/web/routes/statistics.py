"""Issue 18 (groundwork): filled in by its part."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
