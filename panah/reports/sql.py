"""SQL the statistics share, written once for both databases.

``iran_day(column)`` is the Iran day (``YYYY-MM-DD``) of a stored time: PostgreSQL's
``AT TIME ZONE 'Asia/Tehran'`` (the time-zone database knows every offset Iran has had),
and on SQLite the same conversion in Python, registered on each connection by
``panah.core.db``. ``seconds_between(a, b)`` is ``b − a`` in seconds. Grouping by the day
in the database keeps a national year to a few thousand rows, whatever the volume.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


class iran_day(FunctionElement[str]):  # an SQL function, named like one
    type = String()
    inherit_cache = True
    name = "iran_day"


class seconds_between(FunctionElement[float]):
    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(iran_day)
def _iran_day_default(element: iran_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"panah_iran_day({compiler.process(element.clauses, **kw)})"


@compiles(iran_day, "postgresql")
def _iran_day_pg(element: iran_day, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"to_char(({column}) AT TIME ZONE 'Asia/Tehran', 'YYYY-MM-DD')"


@compiles(seconds_between)
def _seconds_default(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    first, second = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({second}) - julianday({first})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_pg(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    first, second = (compiler.process(c, **kw) for c in element.clauses)
    return f"EXTRACT(EPOCH FROM ({second}) - ({first}))"


def day_of(column: ColumnElement[Any]) -> iran_day:
    return iran_day(column)
