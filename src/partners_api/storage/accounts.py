"""Queries on accounts: distributors and partners."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    RowMapping,
    Select,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from partners_api.domain.listing import ListQuery
from partners_api.storage import counts, filters
from partners_api.storage import members as member_rows
from partners_api.storage.tables import account_countries, accounts, members


def _countries_overlap(_field: str, values: tuple[str, ...]) -> ColumnElement[bool]:
    return exists().where(
        account_countries.c.account_id == accounts.c.id,
        account_countries.c.country_id.in_(values),
    )


PARTNER_COLUMNS = filters.ListColumns(
    table=accounts,
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


async def code_exists(connection: AsyncConnection, code: str) -> bool:
    result = await connection.execute(select(accounts.c.id).where(accounts.c.code == code))
    return result.first() is not None


_parents = accounts.alias("parents")


def _with_parent_and_members(statement: Select[Any]) -> Select[Any]:
    """Join what the partner object shows besides the account's own columns: its
    parent's ``parent_name``, ``parent_type`` and ``parent_contact_data``, and its members.
    One statement instead of three; ``members.group_members`` groups its rows."""
    return (
        statement.add_columns(
            _parents.c.name.label("parent_name"),
            _parents.c.type.label("parent_type"),
            _parents.c.contact_data.label("parent_contact_data"),
            *member_rows.MEMBER_COLUMNS,
        )
        .outerjoin_from(accounts, _parents, _parents.c.id == accounts.c.parent_id)
        .outerjoin_from(accounts, members, members.c.account_id == accounts.c.id)
        .order_by(*member_rows.MEMBER_ORDER)
    )


def parent_of(record: member_rows.WithMembers) -> dict[str, Any] | None:
    """Return the parent of an account loaded with ``_with_parent_and_members``."""
    row = record.row
    if row["parent_id"] is None:
        return None
    return {
        "id": row["parent_id"],
        "name": row["parent_name"],
        "type": row["parent_type"],
        "contact_data": row["parent_contact_data"],
    }


async def get_account_record(
    connection: AsyncConnection, account_id: uuid.UUID, *, parent_id: uuid.UUID | None = None
) -> member_rows.WithMembers | None:
    """Return an account with its parent and members; with ``parent_id``, only if the
    account is that account's child."""
    statement = select(accounts).where(accounts.c.id == account_id)
    if parent_id is not None:
        statement = statement.where(accounts.c.parent_id == parent_id)
    result = await connection.execute(_with_parent_and_members(statement))
    records = member_rows.group_members(result.mappings().all())
    return records[0] if records else None


async def list_children(
    connection: AsyncConnection, parent_id: uuid.UUID, query: ListQuery
) -> list[member_rows.WithMembers]:
    """Return the children of the page that ``query`` selects, in its order."""
    statement = filters.page(
        select(accounts).where(accounts.c.parent_id == parent_id), query, PARTNER_COLUMNS
    )
    result: CursorResult[Any] = await connection.execute(_with_parent_and_members(statement))
    return member_rows.group_members(result.mappings().all())


def _children_matching(parent_id: uuid.UUID, query: ListQuery) -> list[ColumnElement[bool]]:
    return [accounts.c.parent_id == parent_id, *filters.conditions(query, PARTNER_COLUMNS)]


async def count_children(
    connection: AsyncConnection, parent_id: uuid.UUID, query: ListQuery
) -> int:
    statement = (
        select(func.count()).select_from(accounts).where(*_children_matching(parent_id, query))
    )
    return int((await connection.execute(statement)).scalar_one())


async def estimate_children(
    connection: AsyncConnection, parent_id: uuid.UUID, query: ListQuery
) -> int:
    """Return the planner's estimate of the rows that ``count_children`` counts."""
    return await counts.planned_rows(connection, accounts, _children_matching(parent_id, query))


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
