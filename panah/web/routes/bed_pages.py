"""The bed finder on the case and contact screens, and answering requests (pages) (issue 17)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
