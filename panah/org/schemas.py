"""API shapes of a bulk import's report (what :meth:`ImportReport.as_dict` gives)."""

from __future__ import annotations

from pydantic import BaseModel


class ProblemPublic(BaseModel):
    row: int  # the spreadsheet's row number; 0 for the file as a whole
    column: str | None
    message: str
    message_fa: str


class SavedPublic(BaseModel):
    row: int
    key: str
    created: bool


class ImportReportPublic(BaseModel):
    """``outcome``: imported, checked (a dry run), refused (nothing kept),
    partly_imported (``partial``) or bad_file (unreadable, or a wrong header)."""

    kind: str
    file: str
    outcome: str
    dry_run: bool
    partial: bool
    rows: int
    stored: bool
    created: int
    updated: int
    saved: list[SavedPublic]
    refused_rows: list[int]
    problems: list[ProblemPublic]
