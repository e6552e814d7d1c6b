"""Translation of a ``ListQuery`` into SQL conditions and an ORDER BY."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, false, select, true
from sqlalchemy.sql.elements import UnaryExpression

from partners_api.domain.fields import name_key
from partners_api.domain.listing import (
    Comparison,
    Filter,
    InFilter,
    ListQuery,
    OverlapFilter,
    SubstringFilter,
    TimestampFilter,
)

_LIKE_ESCAPE = "\\"


@dataclass(frozen=True)
class ListColumns:
    """The columns behind a resource's API field names."""

    table: Table
    id: ColumnElement[uuid.UUID]
    # API field name -> column, for exact, enum and timestamp filters and for sorting.
    fields: Mapping[str, ColumnElement[object]]
    # Field names whose values are ids (compared as UUIDs).
    id_fields: frozenset[str]
    # Case-folded name column, for the name substring filter and name sorting.
    name_key: ColumnElement[str]
    # Builds the condition for an overlap filter on a list field.
    overlap: Callable[[str, tuple[str, ...]], ColumnElement[bool]] | None = None


def escape_like(text: str) -> str:
    """Escape LIKE wildcards so that ``%``, ``_`` and ``\\`` match themselves."""
    return (
        text.replace(_LIKE_ESCAPE, _LIKE_ESCAPE * 2)
        .replace("%", _LIKE_ESCAPE + "%")
        .replace("_", _LIKE_ESCAPE + "_")
    )


def conditions(query: ListQuery, columns: ListColumns) -> list[ColumnElement[bool]]:
    """Return the WHERE conditions of every filter in ``query``."""
    return [_condition(item, columns) for item in query.filters]


def _condition(item: Filter, columns: ListColumns) -> ColumnElement[bool]:
    if isinstance(item, InFilter):
        if not item.values:
            return false()
        column = columns.fields[item.field]
        if item.field in columns.id_fields:
            return column.in_([uuid.UUID(value) for value in item.values])
        return column.in_(item.values)
    if isinstance(item, SubstringFilter):
        pattern = f"%{escape_like(name_key(item.text))}%"
        return columns.name_key.like(pattern, escape=_LIKE_ESCAPE)
    if isinstance(item, OverlapFilter):
        if not item.values:
            return false()
        if columns.overlap is None:
            raise ValueError(f"no overlap condition for field {item.field!r}")
        return columns.overlap(item.field, item.values)
    if isinstance(item, TimestampFilter):
        column = columns.fields[item.field]
        match item.comparison:
            case Comparison.GTE:
                return column >= item.bound
            case Comparison.GT:
                return column > item.bound
            case Comparison.LTE:
                return column <= item.bound
            case Comparison.LT:
                return column < item.bound
    return true()


def order_by(query: ListQuery, columns: ListColumns) -> list[UnaryExpression[Any]]:
    """Return the ORDER BY of ``query``, with the id as tie-breaker in the same direction."""
    field = query.sort.field
    column: ColumnElement[Any] = columns.name_key if field == "name" else columns.fields[field]
    order: list[UnaryExpression[Any]]
    if query.sort.descending:
        order = [column.desc()]
        if field != "id":
            order.append(columns.id.desc())
    else:
        order = [column.asc()]
        if field != "id":
            order.append(columns.id.asc())
    return order


def page(statement: Select[Any], query: ListQuery, columns: ListColumns) -> Select[Any]:
    """Apply the filters, order and range of ``query`` to ``statement``, a scoped
    ``SELECT`` of whole rows.

    The page's ids are found first, by a subquery that reads only the id and the sort
    columns, and the rows are joined to them afterwards (a "deferred join"). With an index
    on (scope, sort column, id), the rows that an offset skips are then skipped in the
    index, without reading them from the table.
    """
    order = order_by(query, columns)
    ids = (
        statement.with_only_columns(columns.id)
        .where(*conditions(query, columns))
        .order_by(*order)
        .offset(query.start)
        .limit(query.limit)
        .subquery("page")
    )
    return (
        select(*statement.selected_columns)
        .join_from(columns.table, ids, columns.id == ids.c[0])
        .order_by(*order)
    )
