"""Queries on accounts: distributors and partners."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, RowMapping, exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from partners_api.domain.listing import ListQuery
from partners_api.storage import filters
from partners_api.storage.tables import account_countries, accounts


def _countries_overlap(_field: str, values: tuple[str, ...]) -> ColumnElement[bool]:
    return exists().where(
        account_countries.c.account_id == accounts.c.id,
        account_countries.c.country_id.in_(values),
    )


PARTNER_COLUMNS = filters.ListColumns(
    id=accounts.c.id,
    fields={
        "id": accounts.c.id,
        "code": accounts.c.code,
        "state": accounts.c.state,
        "level": accounts.c.level,
        "createdAt": accounts.c.created_at,
        "updatedAt": accounts.c.updated_at,
        "customersCount": accounts.c.customers_count,
    },
    id_fields=frozenset({"id"}),
    name_key=accounts.c.name_key,
    overlap=_countries_overlap,
)


async def insert_account(connection: AsyncConnection, values: Mapping[str, Any]) -> None:
    await connection.execute(insert(accounts).values(**values))
    country_rows = [
        {"account_id": values["id"], "country_id": country} for country in values["country_ids"]
    ]
    if country_rows:
        await connection.execute(insert(account_countries), country_rows)


async def get_account(connection: AsyncConnection, account_id: uuid.UUID) -> RowMapping | None:
    result = await connection.execute(select(accounts).where(accounts.c.id == account_id))
    return result.mappings().first()


async def get_accounts(
    connection: AsyncConnection, account_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, RowMapping]:
    ids = set(account_ids)
    if not ids:
        return {}
    result = await connection.execute(select(accounts).where(accounts.c.id.in_(ids)))
    return {row["id"]: row for row in result.mappings()}


async def code_exists(connection: AsyncConnection, code: str) -> bool:
    result = await connection.execute(select(accounts.c.id).where(accounts.c.code == code))
    return result.first() is not None


async def list_children(
    connection: AsyncConnection, parent_id: uuid.UUID, query: ListQuery
) -> Sequence[RowMapping]:
    statement = select(accounts).where(accounts.c.parent_id == parent_id)
    result: CursorResult[Any] = await connection.execute(
        filters.page(statement, query, PARTNER_COLUMNS)
    )
    return result.mappings().all()


async def count_children(
    connection: AsyncConnection, parent_id: uuid.UUID, query: ListQuery
) -> int:
    statement = (
        select(func.count())
        .select_from(accounts)
        .where(accounts.c.parent_id == parent_id, *filters.conditions(query, PARTNER_COLUMNS))
    )
    return int((await connection.execute(statement)).scalar_one())


async def list_all(connection: AsyncConnection) -> Sequence[RowMapping]:
    result = await connection.execute(select(accounts).order_by(accounts.c.id))
    return result.mappings().all()


async def add_customer(connection: AsyncConnection, account_id: uuid.UUID) -> None:
    """Count one more customer; the UPDATE locks the row so concurrent creates add up."""
    await connection.execute(
        update(accounts)
        .where(accounts.c.id == account_id)
        .values(customers_count=accounts.c.customers_count + 1)
    )


async def count_api_key(
    connection: AsyncConnection, account_id: uuid.UUID, *, created: bool
) -> None:
    column = accounts.c.api_keys_created if created else accounts.c.api_keys_deleted
    await connection.execute(
        update(accounts).where(accounts.c.id == account_id).values({column: column + 1})
    )
