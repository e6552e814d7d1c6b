"""Queries on the audit trail."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import RowMapping, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from partners_api.storage.tables import audit_events


async def insert_event(connection: AsyncConnection, values: Mapping[str, Any]) -> None:
    await connection.execute(insert(audit_events).values(**values))


async def list_events(
    connection: AsyncConnection,
    *,
    account_id: uuid.UUID | None,
    since: dt.datetime | None,
    limit: int,
) -> Sequence[RowMapping]:
    """Return up to ``limit`` events, newest first, at or after ``since`` (naive UTC)."""
    statement = select(audit_events).order_by(
        audit_events.c.occurred_at.desc(), audit_events.c.id.desc()
    )
    if account_id is not None:
        statement = statement.where(audit_events.c.account_id == account_id)
    if since is not None:
        statement = statement.where(audit_events.c.occurred_at >= since)
    return (await connection.execute(statement.limit(limit))).mappings().all()
