"""Stays in a shelter (API): plan, check in, check out, extend, the province's policy (issue 17)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
