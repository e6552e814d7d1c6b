"""Recognition of database errors the service turns into client errors."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError


def violated_unique_constraint(
    exc: IntegrityError, constraint: str, table: str, column: str
) -> bool:
    """Tell whether ``exc`` is a violation of the unique ``constraint`` on ``table.column``.

    PostgreSQL names the constraint in its message; SQLite names the column instead.
    """
    message = str(exc.orig)
    return constraint in message or f"UNIQUE constraint failed: {table}.{column}" in message
