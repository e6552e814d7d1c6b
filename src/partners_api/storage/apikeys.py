"""Queries on API keys."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import RowMapping, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from partners_api.storage.tables import accounts, api_keys

_KEY_WITH_ACCOUNT = select(
    api_keys,
    accounts.c.type.label("account_type"),
    accounts.c.name.label("account_name"),
).join(accounts, accounts.c.id == api_keys.c.account_id)


async def insert_key(connection: AsyncConnection, values: Mapping[str, Any]) -> None:
    await connection.execute(insert(api_keys).values(**values))


async def get_by_token_hash(connection: AsyncConnection, token_hash: str) -> RowMapping | None:
    result = await connection.execute(_KEY_WITH_ACCOUNT.where(api_keys.c.token_hash == token_hash))
    return result.mappings().first()


async def get_key(connection: AsyncConnection, key_id: uuid.UUID) -> RowMapping | None:
    result = await connection.execute(_KEY_WITH_ACCOUNT.where(api_keys.c.id == key_id))
    return result.mappings().first()


async def list_keys(
    connection: AsyncConnection, account_id: uuid.UUID | None
) -> Sequence[RowMapping]:
    statement = _KEY_WITH_ACCOUNT.order_by(api_keys.c.created_at, api_keys.c.id)
    if account_id is not None:
        statement = statement.where(api_keys.c.account_id == account_id)
    return (await connection.execute(statement)).mappings().all()


async def mark_revoked(connection: AsyncConnection, key_id: uuid.UUID, when: dt.datetime) -> bool:
    """Set ``revoked_at`` unless already set; tell whether this call revoked the key."""
    result = await connection.execute(
        update(api_keys)
        .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=when)
    )
    return result.rowcount == 1


async def touch(
    connection: AsyncConnection, key_id: uuid.UUID, when: dt.datetime, *, not_after: dt.datetime
) -> None:
    """Set ``last_used_at`` to ``when`` if it is unset or not after ``not_after``."""
    await connection.execute(
        update(api_keys)
        .where(
            api_keys.c.id == key_id,
            or_(api_keys.c.last_used_at.is_(None), api_keys.c.last_used_at <= not_after),
        )
        .values(last_used_at=when)
    )
