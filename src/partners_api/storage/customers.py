"""Queries on customers."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, RowMapping, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from partners_api.domain.listing import ListQuery
from partners_api.storage import filters
from partners_api.storage.tables import customers

CUSTOMER_COLUMNS = filters.ListColumns(
    id=customers.c.id,
    fields={
        "id": customers.c.id,
        "countryId": customers.c.country_id,
        "planId": customers.c.plan_id,
        "state": customers.c.state,
        "partnerId": customers.c.partner_id,
        "createdAt": customers.c.created_at,
        "updatedAt": customers.c.updated_at,
    },
    id_fields=frozenset({"id", "partnerId"}),
    name_key=customers.c.name_key,
)


def scope_condition(account_id: uuid.UUID, *, is_distributor: bool) -> ColumnElement[bool]:
    """Return the condition that limits customers to what an account's keys may see."""
    if is_distributor:
        return customers.c.distributor_id == account_id
    return customers.c.partner_id == account_id


async def insert_customer(connection: AsyncConnection, values: Mapping[str, Any]) -> None:
    await connection.execute(insert(customers).values(**values))


async def get_customer(
    connection: AsyncConnection, customer_id: uuid.UUID, scope: ColumnElement[bool]
) -> RowMapping | None:
    result = await connection.execute(select(customers).where(customers.c.id == customer_id, scope))
    return result.mappings().first()


async def list_customers(
    connection: AsyncConnection, scope: ColumnElement[bool], query: ListQuery
) -> Sequence[RowMapping]:
    statement = select(customers).where(scope)
    result: CursorResult[Any] = await connection.execute(
        filters.page(statement, query, CUSTOMER_COLUMNS)
    )
    return result.mappings().all()


async def count_customers(
    connection: AsyncConnection, scope: ColumnElement[bool], query: ListQuery
) -> int:
    statement = (
        select(func.count())
        .select_from(customers)
        .where(scope, *filters.conditions(query, CUSTOMER_COLUMNS))
    )
    return int((await connection.execute(statement)).scalar_one())
