"""Test data and requests for the list endpoints GET /v1/partners and GET /v1/customers.

Accounts and customers are created through the service (the domain layer and POST
/v1/customers), so names are case-folded and country codes lower-cased as in
production. Columns that the API cannot set, such as ``state`` or ``created_at``, are
then changed with SQLAlchemy Core.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
from sqlalchemy import Table, update
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.storage import tables
from tests.api.conftest import Accounts

PROBLEM_CONTENT_TYPE = "application/problem+json"


async def update_row(engine: AsyncEngine, table: Table, row_id: uuid.UUID, **values: Any) -> None:
    """Set ``values`` on the row ``row_id`` of ``table``."""
    async with engine.begin() as connection:
        await connection.execute(update(table).where(table.c.id == row_id).values(**values))


def _present(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


@dataclass
class ListingData:
    """Creates partners and customers whose listed fields the test chooses."""

    client: httpx.AsyncClient
    engine: AsyncEngine
    accounts: Accounts

    async def partner(
        self,
        parent: uuid.UUID | None,
        name: str,
        *,
        code: str | None = None,
        level: str | None = None,
        countries: Sequence[str] = (),
        state: str | None = None,
        created_at: dt.datetime | None = None,
        updated_at: dt.datetime | None = None,
        customers_count: int | None = None,
    ) -> uuid.UUID:
        fields: dict[str, object] = {"countryIds": list(countries)}
        if code is not None:
            fields["code"] = code
        if level is not None:
            fields["level"] = level
        partner_id = await self.accounts.partner(name, parent, **fields)
        changes = _present(
            state=state,
            created_at=created_at,
            updated_at=updated_at,
            customers_count=customers_count,
        )
        if changes:
            await update_row(self.engine, tables.accounts, partner_id, **changes)
        return partner_id

    async def customer(
        self,
        headers: Mapping[str, str],
        name: str,
        *,
        country_id: str = "us",
        partner_id: uuid.UUID | None = None,
        state: str | None = None,
        plan_id: str | None = None,
        created_at: dt.datetime | None = None,
        updated_at: dt.datetime | None = None,
    ) -> uuid.UUID:
        """Create a customer with POST /v1/customers as the key in ``headers``."""
        body: dict[str, object] = {
            "customerName": name,
            "email": f"{uuid.uuid4().hex[:12]}@customer.example.com",
            "firstName": "Carla",
            "lastName": "Customer",
            "countryId": country_id,
        }
        if partner_id is not None:
            body["partnerId"] = str(partner_id)
        response = await self.client.post("/v1/customers", json=body, headers=dict(headers))
        assert response.status_code == 201, response.text
        customer_id = uuid.UUID(response.json()["id"])
        changes = _present(
            state=state, plan_id=plan_id, created_at=created_at, updated_at=updated_at
        )
        if changes:
            await update_row(self.engine, tables.customers, customer_id, **changes)
        return customer_id


async def create_partners(
    accounts: Accounts, data: ListingData, count: int
) -> tuple[list[uuid.UUID], dict[str, str]]:
    """Create ``count`` partners of one distributor and return their sorted ids and a key."""
    distributor = await accounts.distributor("Distributor")
    ids = [await data.partner(distributor, f"Partner {index:03d}") for index in range(count)]
    return sorted(ids), await accounts.key(distributor)


async def create_customers(
    accounts: Accounts, data: ListingData, count: int
) -> tuple[list[uuid.UUID], dict[str, str]]:
    """Create ``count`` customers of one partner and return their sorted ids and a key."""
    key = await accounts.key(await accounts.partner("Partner"))
    ids = [await data.customer(key, f"Customer {index:03d}") for index in range(count)]
    return sorted(ids), key


async def get_list(
    client: httpx.AsyncClient,
    resource: str,
    headers: Mapping[str, str],
    *,
    filters: object = None,
    sort: object = None,
    range_: object = None,
    extra_headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """Send GET /v1/<resource> with ``filters``, ``sort`` and ``range_`` encoded as JSON."""
    params: dict[str, str] = {}
    if filters is not None:
        params["filter"] = orjson.dumps(filters).decode()
    if sort is not None:
        params["sort"] = orjson.dumps(sort).decode()
    if range_ is not None:
        params["range"] = orjson.dumps(range_).decode()
    return await client.get(
        f"/v1/{resource}", params=params, headers={**headers, **(extra_headers or {})}
    )


def listed_ids(response: httpx.Response) -> list[uuid.UUID]:
    """Return the ids of a list response in order, and fail unless the status is 200."""
    assert response.status_code == 200, response.text
    return [uuid.UUID(item["id"]) for item in response.json()]


def listed_names(response: httpx.Response) -> list[str]:
    """Return the names of a list response in order, and fail unless the status is 200."""
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()]


def utc(text: str) -> dt.datetime:
    """Parse an ISO 8601 timestamp written without an offset, as stored: naive UTC."""
    return dt.datetime.fromisoformat(text)
