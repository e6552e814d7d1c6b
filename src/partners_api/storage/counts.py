"""Row estimates of the PostgreSQL planner, the totals of ``Prefer: count=planned``."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import (
    ClauseElement,
    ColumnElement,
    Executable,
    Select,
    Table,
    literal_column,
    select,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler


class _ExplainJSON(Executable, ClauseElement):
    """``EXPLAIN (FORMAT JSON)`` of a SELECT, which plans the statement without running it."""

    # The statement inside varies, so SQLAlchemy must not cache the compiled form.
    inherit_cache = False

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement


@compiles(_ExplainJSON, "postgresql")
def _compile_explain_json(element: _ExplainJSON, compiler: SQLCompiler, **kw: Any) -> str:
    # Compiling the SELECT with the same compiler keeps its bound parameters, so the
    # planner estimates with the real filter values.
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.statement, **kw)


def has_planner_estimates(connection: AsyncConnection) -> bool:
    """Return whether the database offers a planner row estimate (PostgreSQL, not SQLite)."""
    return connection.dialect.name == "postgresql"


async def planned_rows(
    connection: AsyncConnection, table: Table, conditions: list[ColumnElement[bool]]
) -> int:
    """Return the planner's estimate of the rows of ``table`` that match ``conditions``.

    The statement planned is ``SELECT 1 FROM table WHERE conditions``, as PostgREST plans
    for its ``count=planned``, and the estimate is the "Plan Rows" of the plan's top node:
    the scan or join that yields the matching rows. Estimates come from the table
    statistics that ANALYZE (or autovacuum) last gathered, so they can be far off.
    """
    statement: Select[Any] = select(literal_column("1")).select_from(table).where(*conditions)
    result = await connection.execute(_ExplainJSON(statement))
    plan: Any = result.scalar_one()
    if isinstance(plan, str | bytes):
        plan = orjson.loads(plan)
    return round(float(plan[0]["Plan"]["Plan Rows"]))
