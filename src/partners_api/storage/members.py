"""Queries on members: the people of accounts and customers."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Label, RowMapping, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from partners_api.storage.tables import members

# The member columns of a statement that joins members to their account or customer, so
# that one statement returns an object and its members.
_PREFIX = "member_"
_LABELS: list[tuple[Label[Any], str]] = [
    (column.label(_PREFIX + column.name), column.name) for column in members.c
]
MEMBER_COLUMNS = [label for label, _ in _LABELS]
MEMBER_ORDER = (members.c.created_at, members.c.id)


@dataclass(frozen=True)
class WithMembers:
    """A row of a statement that selects ``MEMBER_COLUMNS``, with the members of its
    object. ``row`` keeps every column of the statement."""

    row: Mapping[Any, Any]
    members: list[dict[str, Any]]


def group_members(rows: Sequence[Mapping[Any, Any]]) -> list[WithMembers]:
    """Group consecutive rows of the same object (by ``id``), each with one member or
    none (an outer join), into one item per object, in the order of ``rows``."""
    grouped: list[WithMembers] = []
    for row in rows:
        if not grouped or grouped[-1].row["id"] != row["id"]:
            grouped.append(WithMembers(row=row, members=[]))
        if row[_PREFIX + "id"] is not None:
            grouped[-1].members.append({name: row[label.name] for label, name in _LABELS})
    return grouped


async def insert_member(connection: AsyncConnection, values: Mapping[str, Any]) -> None:
    await connection.execute(insert(members).values(**values))


async def email_exists(connection: AsyncConnection, email: str) -> bool:
    result = await connection.execute(
        select(members.c.id).where(members.c.email_key == email.lower())
    )
    return result.first() is not None


async def get_account_member(
    connection: AsyncConnection, member_id: uuid.UUID, account_id: uuid.UUID
) -> RowMapping | None:
    result = await connection.execute(
        select(members).where(members.c.id == member_id, members.c.account_id == account_id)
    )
    return result.mappings().first()


async def by_account(
    connection: AsyncConnection, account_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[RowMapping]]:
    return await _grouped(connection, members.c.account_id, account_ids)


async def _grouped(
    connection: AsyncConnection, owner_column: Any, owner_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[RowMapping]]:
    ids = set(owner_ids)
    grouped: dict[uuid.UUID, list[RowMapping]] = defaultdict(list)
    if not ids:
        return grouped
    result = await connection.execute(
        select(members).where(owner_column.in_(ids)).order_by(members.c.created_at, members.c.id)
    )
    rows: Sequence[RowMapping] = result.mappings().all()
    for row in rows:
        grouped[row[owner_column.name]].append(row)
    return grouped
