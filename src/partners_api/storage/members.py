"""Queries on members: the people of accounts and customers."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import RowMapping, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from partners_api.storage.tables import members


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


async def by_customer(
    connection: AsyncConnection, customer_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[RowMapping]]:
    return await _grouped(connection, members.c.customer_id, customer_ids)


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
