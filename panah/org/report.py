"""What an import did, row by row (pure): the report a person reads, on the page, in the
terminal or as a JSON file. One-time sign-in links of new users are never part of it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from panah.org.columns import Kind
from panah.org.model import Problem


class Outcome(StrEnum):
    imported = "imported"  # every row saved
    checked = "checked"  # a dry run: every row would be saved, nothing was
    refused = "refused"  # some rows refused: nothing saved
    partly_imported = "partly_imported"  # --partial: the good rows saved, the others not
    bad_file = "bad_file"  # unreadable, or a wrong header: no row was looked at


@dataclass(frozen=True, slots=True)
class Saved:
    """A row that was saved (or, in a dry run or a refused file, would have been)."""

    row: int
    key: str
    created: bool

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "key": self.key, "created": self.created}


@dataclass(frozen=True, slots=True)
class ImportReport:
    kind: Kind
    file_name: str
    dry_run: bool
    partial: bool
    rows: int  # data rows read
    saved: tuple[Saved, ...] = ()
    problems: tuple[Problem, ...] = ()  # every refused row's reasons, by row
    file_problems: tuple[Problem, ...] = ()
    stored: bool = False  # whether the saved rows were kept

    @property
    def refused_rows(self) -> tuple[int, ...]:
        return tuple(sorted({p.row for p in self.problems}))

    @property
    def outcome(self) -> Outcome:
        if self.file_problems:
            return Outcome.bad_file
        if self.problems:
            return Outcome.partly_imported if self.stored else Outcome.refused
        return Outcome.imported if self.stored else Outcome.checked

    @property
    def exit_code(self) -> int:
        """0 every row imported (or would be), 1 rows refused, 2 the file is bad."""
        if self.file_problems:
            return 2
        return 1 if self.problems else 0

    @property
    def created(self) -> int:
        return sum(1 for s in self.saved if s.created)

    @property
    def updated(self) -> int:
        return sum(1 for s in self.saved if not s.created)

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind.value, "file": self.file_name, "outcome": self.outcome.value,
            "dry_run": self.dry_run, "partial": self.partial, "rows": self.rows,
            "stored": self.stored, "created": self.created, "updated": self.updated,
            "saved": [s.as_dict() for s in self.saved],
            "refused_rows": list(self.refused_rows),
            "problems": [p.as_dict() for p in (*self.file_problems, *self.problems)],
        }
