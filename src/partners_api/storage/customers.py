"""Queries on customers."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, Select, bindparam, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from partners_api.domain.listing import ListQuery
from partners_api.storage import counts, filters
from partners_api.storage import members as member_rows
from partners_api.storage.tables import accounts, customers, members

CUSTOMER_COLUMNS = filters.ListColumns(
    table=customers,
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


CustomerRecord = member_rows.WithMembers


def _with_owner_and_members(statement: Select[Any]) -> Select[Any]:
    """Join what the customer object shows besides the customer's own columns: the name
    and type of its owner (``partner_name``, ``partner_type``) and its members. One
    statement instead of three; ``records_from_rows`` groups its rows by customer."""
    return (
        statement.add_columns(
            accounts.c.name.label("partner_name"),
            accounts.c.type.label("partner_type"),
            *member_rows.MEMBER_COLUMNS,
        )
        .join_from(customers, accounts, accounts.c.id == customers.c.partner_id)
        .outerjoin_from(customers, members, members.c.customer_id == customers.c.id)
        .order_by(*member_rows.MEMBER_ORDER)
    )


records_from_rows = member_rows.group_members


async def insert_customer(connection: AsyncConnection, values: Mapping[str, Any]) -> None:
    await connection.execute(insert(customers).values(**values))


def _get_statement(scope_column: ColumnElement[uuid.UUID]) -> Select[Any]:
    statement = select(customers).where(
        customers.c.id == bindparam("customer_id"), scope_column == bindparam("account_id")
    )
    return _with_owner_and_members(statement)


# Built once: SQLAlchemy then reuses the statement's cache key and compiled form, which
# on a GET by id costs more than running the statement.
_GET_BY_DISTRIBUTOR = _get_statement(customers.c.distributor_id)
_GET_BY_OWNER = _get_statement(customers.c.partner_id)


async def get_customer(
    connection: AsyncConnection,
    customer_id: uuid.UUID,
    account_id: uuid.UUID,
    *,
    is_distributor: bool,
) -> CustomerRecord | None:
    """Return the customer if the account may see it (see ``scope_condition``)."""
    statement = _GET_BY_DISTRIBUTOR if is_distributor else _GET_BY_OWNER
    result = await connection.execute(
        statement, {"customer_id": customer_id, "account_id": account_id}
    )
    records = records_from_rows(result.mappings().all())
    return records[0] if records else None


async def list_customers(
    connection: AsyncConnection, scope: ColumnElement[bool], query: ListQuery
) -> list[CustomerRecord]:
    """Return the customers of the page that ``query`` selects, in its order."""
    statement = filters.page(select(customers).where(scope), query, CUSTOMER_COLUMNS)
    result: CursorResult[Any] = await connection.execute(_with_owner_and_members(statement))
    return records_from_rows(result.mappings().all())


def _matching(scope: ColumnElement[bool], query: ListQuery) -> list[ColumnElement[bool]]:
    return [scope, *filters.conditions(query, CUSTOMER_COLUMNS)]


async def count_customers(
    connection: AsyncConnection, scope: ColumnElement[bool], query: ListQuery
) -> int:
    statement = select(func.count()).select_from(customers).where(*_matching(scope, query))
    return int((await connection.execute(statement)).scalar_one())


async def estimate_customers(
    connection: AsyncConnection, scope: ColumnElement[bool], query: ListQuery
) -> int:
    """Return the planner's estimate of the rows that ``count_customers`` counts."""
    return await counts.planned_rows(connection, customers, _matching(scope, query))
