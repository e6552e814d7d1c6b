"""Queries on the Idempotency-Key records of POST requests.

A record is identified by the API key that sent the request and the Idempotency-Key
value. Its ``created_at`` also identifies one claim of the record: the updates and
deletes of a request that claimed it match on ``created_at`` too, so they leave alone a
record that another request has taken over since.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import RowMapping, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from partners_api.storage.tables import idempotency_keys


async def get_record(
    connection: AsyncConnection, api_key_id: uuid.UUID, key: str
) -> RowMapping | None:
    result = await connection.execute(
        select(idempotency_keys).where(
            idempotency_keys.c.api_key_id == api_key_id, idempotency_keys.c.key == key
        )
    )
    return result.mappings().first()


async def insert_in_progress(connection: AsyncConnection, values: Mapping[str, Any]) -> None:
    """Insert a record without a response; a record with the same key raises IntegrityError."""
    await connection.execute(insert(idempotency_keys).values(**values))


async def store_response(
    connection: AsyncConnection,
    api_key_id: uuid.UUID,
    key: str,
    *,
    created_at: dt.datetime,
    status: int,
    body: Any,
    location: str | None,
) -> bool:
    """Store the response of the claim made at ``created_at``; return False if it was lost."""
    result = await connection.execute(
        update(idempotency_keys)
        .where(
            idempotency_keys.c.api_key_id == api_key_id,
            idempotency_keys.c.key == key,
            idempotency_keys.c.created_at == created_at,
            idempotency_keys.c.response_status.is_(None),
        )
        .values(response_status=status, response_body=body, response_location=location)
    )
    return result.rowcount == 1


async def delete_in_progress(
    connection: AsyncConnection, api_key_id: uuid.UUID, key: str, *, created_at: dt.datetime
) -> bool:
    """Delete the record of the claim made at ``created_at`` if it has no response yet."""
    result = await connection.execute(
        delete(idempotency_keys).where(
            idempotency_keys.c.api_key_id == api_key_id,
            idempotency_keys.c.key == key,
            idempotency_keys.c.created_at == created_at,
            idempotency_keys.c.response_status.is_(None),
        )
    )
    return result.rowcount == 1


async def purge_expired(
    connection: AsyncConnection, now: dt.datetime, *, api_key_id: uuid.UUID | None = None
) -> int:
    """Delete the records that expired at or before ``now``; return how many.

    With ``api_key_id`` only that key's records are deleted, which is what a request
    does in passing. Without it every expired record goes, for an operator's command.
    """
    statement = delete(idempotency_keys).where(idempotency_keys.c.expires_at <= now)
    if api_key_id is not None:
        statement = statement.where(idempotency_keys.c.api_key_id == api_key_id)
    result = await connection.execute(statement)
    return result.rowcount
