"""``Prefer: count=planned`` on GET /v1/partners and GET /v1/customers: PostgreSQL's
estimate of the filtered, scoped rows, never below the rows returned, and the exact count
on SQLite and past the end of the list."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.storage import accounts as account_rows
from partners_api.storage import customers as customer_rows
from tests.api.conftest import Accounts
from tests.api.listing_data import (
    ListingData,
    create_customers,
    create_partners,
    get_list,
    listed_ids,
)

pytestmark = pytest.mark.anyio

PARTNER_COUNT = 30
CUSTOMER_COUNT = 12
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
POSTGRESQL_ONLY = pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgresql)], indirect=True
)
PLANNED = {"Prefer": "count=planned"}


@pytest.fixture
def data(client: httpx.AsyncClient, engine: AsyncEngine, accounts: Accounts) -> ListingData:
    return ListingData(client, engine, accounts)


async def _analyze(engine: AsyncEngine, table: str) -> None:
    """Refresh PostgreSQL's statistics of ``table``, which the planner's estimates use."""
    async with engine.begin() as connection:
        await connection.execute(text(f"ANALYZE {table}"))


@SQLITE_ONLY
async def test_partners_planned_sqlite_exact(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    ids, key = await create_partners(accounts, data, PARTNER_COUNT)

    response = await get_list(client, "partners", key, range_=[0, 9], extra_headers=PLANNED)

    assert listed_ids(response) == ids[:10]
    assert response.headers["Content-Range"] == f"partners 0-9/{PARTNER_COUNT}"
    assert response.headers["X-Total-Count"] == str(PARTNER_COUNT)
    assert response.headers["Preference-Applied"] == "count=exact"


@SQLITE_ONLY
async def test_customers_planned_sqlite_exact(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    _, key = await create_customers(accounts, data, CUSTOMER_COUNT)

    response = await get_list(client, "customers", key, range_=[0, 4], extra_headers=PLANNED)

    assert response.headers["Content-Range"] == f"customers 0-4/{CUSTOMER_COUNT}"
    assert response.headers["Preference-Applied"] == "count=exact"


@POSTGRESQL_ONLY
async def test_partners_planned_estimates_filter(
    client: httpx.AsyncClient, engine: AsyncEngine, accounts: Accounts, data: ListingData
) -> None:
    """The estimate covers the key's scope and the filter, not the whole table."""
    distributor = await accounts.distributor("Distributor")
    other_distributor = await accounts.distributor("Other Distributor")
    for parent in (distributor, other_distributor):
        for index in range(40):
            state = "Pending" if index % 10 == 0 else "Active"
            await data.partner(parent, f"Partner {index:03d}", state=state)
    key = await accounts.key(distributor)
    await _analyze(engine, "accounts")

    response = await get_list(
        client,
        "partners",
        key,
        filters={"state": "Pending"},
        range_=[0, 1],
        extra_headers=PLANNED,
    )

    assert len(listed_ids(response)) == 2
    assert response.headers["Preference-Applied"] == "count=planned"
    total = int(response.headers["X-Total-Count"])
    assert response.headers["Content-Range"] == f"partners 0-1/{total}"
    # The statistics of 82 accounts give 82 x 40/82 (this distributor's partners) x 8/82
    # (Pending) = 3.9 rows. Without the scope the estimate would be 8, without the filter 40.
    assert 3 <= total <= 5


@POSTGRESQL_ONLY
async def test_customers_planned_estimates_filter(
    client: httpx.AsyncClient, engine: AsyncEngine, accounts: Accounts, data: ListingData
) -> None:
    keys = [await accounts.key(await accounts.partner(name)) for name in ("Partner", "Other")]
    for key in keys:
        for index in range(30):
            country = "ca" if index % 10 == 0 else "us"
            await data.customer(key, f"Customer {index:03d}", country_id=country)
    await _analyze(engine, "customers")

    response = await get_list(
        client,
        "customers",
        keys[0],
        filters={"countryId": "ca"},
        range_=[0, 0],
        extra_headers=PLANNED,
    )

    assert len(listed_ids(response)) == 1
    assert response.headers["Preference-Applied"] == "count=planned"
    total = int(response.headers["X-Total-Count"])
    assert response.headers["Content-Range"] == f"customers 0-0/{total}"
    # The statistics of 60 customers give 60 x 1/2 (this partner's) x 6/60 (Canadian) = 3
    # rows. Without the scope the estimate would be 6, without the filter 30.
    assert 2 <= total <= 4


@POSTGRESQL_ONLY
async def test_partners_planned_never_below_rows(
    client: httpx.AsyncClient,
    accounts: Accounts,
    data: ListingData,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids, key = await create_partners(accounts, data, PARTNER_COUNT)

    async def low_estimate(*_args: object) -> int:
        return 3

    monkeypatch.setattr(account_rows, "estimate_children", low_estimate)
    response = await get_list(client, "partners", key, range_=[0, 9], extra_headers=PLANNED)

    assert listed_ids(response) == ids[:10]
    # Ten rows shown and an eleventh seen past them.
    assert response.headers["Content-Range"] == "partners 0-9/11"
    assert response.headers["X-Total-Count"] == "11"
    assert response.headers["Preference-Applied"] == "count=planned"


@POSTGRESQL_ONLY
async def test_customers_planned_never_below_rows(
    client: httpx.AsyncClient,
    accounts: Accounts,
    data: ListingData,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, key = await create_customers(accounts, data, CUSTOMER_COUNT)

    async def low_estimate(*_args: object) -> int:
        return 0

    monkeypatch.setattr(customer_rows, "estimate_customers", low_estimate)
    response = await get_list(client, "customers", key, range_=[5, 9], extra_headers=PLANNED)

    assert response.headers["Content-Range"] == "customers 5-9/11"
    assert response.headers["X-Total-Count"] == "11"


@POSTGRESQL_ONLY
async def test_partners_planned_high_estimate_kept(
    client: httpx.AsyncClient,
    accounts: Accounts,
    data: ListingData,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, key = await create_partners(accounts, data, PARTNER_COUNT)

    async def high_estimate(*_args: object) -> int:
        return 5000

    monkeypatch.setattr(account_rows, "estimate_children", high_estimate)
    response = await get_list(client, "partners", key, range_=[0, 9], extra_headers=PLANNED)

    assert response.headers["Content-Range"] == "partners 0-9/5000"
    assert response.headers["X-Total-Count"] == "5000"


@POSTGRESQL_ONLY
async def test_partners_planned_short_page_exact(
    client: httpx.AsyncClient,
    accounts: Accounts,
    data: ListingData,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page that reaches the end of the list gives the exact total, whatever the estimate."""
    ids, key = await create_partners(accounts, data, PARTNER_COUNT)

    async def high_estimate(*_args: object) -> int:
        return 5000

    monkeypatch.setattr(account_rows, "estimate_children", high_estimate)
    response = await get_list(client, "partners", key, range_=[25, 49], extra_headers=PLANNED)

    assert listed_ids(response) == ids[25:]
    assert response.headers["Content-Range"] == f"partners 25-29/{PARTNER_COUNT}"
    assert response.headers["X-Total-Count"] == str(PARTNER_COUNT)
    assert response.headers["Preference-Applied"] == "count=planned"


@POSTGRESQL_ONLY
async def test_partners_past_end_ignores_estimate(
    client: httpx.AsyncClient,
    accounts: Accounts,
    data: ListingData,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, key = await create_partners(accounts, data, PARTNER_COUNT)

    async def high_estimate(*_args: object) -> int:
        return 5000

    monkeypatch.setattr(account_rows, "estimate_children", high_estimate)
    response = await get_list(client, "partners", key, range_=[40, 49], extra_headers=PLANNED)

    assert response.headers["Content-Range"] == f"partners */{PARTNER_COUNT}"
    assert response.headers["Preference-Applied"] == "count=exact"
