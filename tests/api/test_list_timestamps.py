"""createdAt and updatedAt filters of GET /v1/partners and GET /v1/customers.

Five items sit around 1 April 2026 (UTC). Date-only bounds cover whole days, so
``_lte 2026-04-01`` includes the last millisecond of that day and ``_gt 2026-04-01``
starts at the next midnight. Timestamps with an offset are converted to UTC.
"""

from __future__ import annotations

import datetime as dt
import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.storage import tables
from tests.api.conftest import Accounts
from tests.api.listing_data import ListingData, get_list, listed_ids, update_row, utc

pytestmark = pytest.mark.anyio

MOMENTS = {
    "before": utc("2026-03-31T23:59:59.999"),
    "midnight": utc("2026-04-01T00:00:00"),
    "noon": utc("2026-04-01T12:30:00"),
    "last": utc("2026-04-01T23:59:59.999"),
    "next": utc("2026-04-02T00:00:00"),
}
# The other timestamp field of every item, far from MOMENTS so that it matches no bound.
UNRELATED_MOMENT = utc("2020-01-01T00:00:00")

FIELD_COLUMNS = {"createdAt": "created_at", "updatedAt": "updated_at"}

CASES: list[tuple[dict[str, str], list[str]]] = [
    # Date-only bounds, widened to whole days.
    ({"_gte": "2026-04-01"}, ["midnight", "noon", "last", "next"]),
    ({"_gt": "2026-04-01"}, ["next"]),
    ({"_lte": "2026-04-01"}, ["before", "midnight", "noon", "last"]),
    ({"_lt": "2026-04-01"}, ["before"]),
    ({"_gte": "2026-04-01", "_lte": "2026-04-01"}, ["midnight", "noon", "last"]),
    ({"_gt": "2026-03-31", "_lt": "2026-04-02"}, ["midnight", "noon", "last"]),
    # Timestamps without an offset are UTC.
    ({"_gte": "2026-04-01T12:30:00"}, ["noon", "last", "next"]),
    ({"_gt": "2026-04-01T12:30:00"}, ["last", "next"]),
    ({"_lte": "2026-04-01T12:30:00"}, ["before", "midnight", "noon"]),
    ({"_lt": "2026-04-01T12:30:00"}, ["before", "midnight"]),
    ({"_lte": "2026-04-01 12:30"}, ["before", "midnight", "noon"]),
    ({"_gte": "2026-04-01T00:00:00"}, ["midnight", "noon", "last", "next"]),
    ({"_lt": "2026-04-01T00:00:00"}, ["before"]),
    ({"_lte": "2026-03-31T23:59:59.999"}, ["before"]),
    ({"_gt": "2026-04-01T23:59:59.998"}, ["last", "next"]),
    # Timestamps with an offset.
    ({"_gte": "2026-04-01T12:30:00Z"}, ["noon", "last", "next"]),
    ({"_gt": "2026-04-01T14:30:00+02:00"}, ["last", "next"]),
    ({"_lte": "2026-04-01T07:30:00-05:00"}, ["before", "midnight", "noon"]),
    ({"_lt": "2026-04-01T18:00:00+0530"}, ["before", "midnight"]),
    # 01:59:59.999 at +02:00 is the last millisecond of 31 March in UTC.
    ({"_lte": "2026-04-01T01:59:59.999+02:00"}, ["before"]),
    ({"_gt": "2026-04-01T01:59:59.999+02:00"}, ["midnight", "noon", "last", "next"]),
    # 19:00 at -05:00 on 31 March is midnight of 1 April in UTC.
    ({"_gte": "2026-03-31T19:00:00-05:00"}, ["midnight", "noon", "last", "next"]),
    ({"_lt": "2026-03-31T19:00:00-05:00"}, ["before"]),
]


@pytest.fixture
def data(client: httpx.AsyncClient, engine: AsyncEngine, accounts: Accounts) -> ListingData:
    return ListingData(client, engine, accounts)


def _timestamps(field: str, moment: dt.datetime) -> dict[str, dt.datetime]:
    """Return column values that put ``field`` at ``moment`` and the other field far away."""
    values = {"created_at": UNRELATED_MOMENT, "updated_at": UNRELATED_MOMENT}
    values[FIELD_COLUMNS[field]] = moment
    return values


async def _partners_at(
    data: ListingData, engine: AsyncEngine, distributor: uuid.UUID, field: str
) -> dict[str, uuid.UUID]:
    ids: dict[str, uuid.UUID] = {}
    for label, moment in MOMENTS.items():
        partner_id = await data.partner(distributor, f"Partner {label}")
        await update_row(engine, tables.accounts, partner_id, **_timestamps(field, moment))
        ids[label] = partner_id
    return ids


async def _customers_at(
    data: ListingData, engine: AsyncEngine, key: dict[str, str], field: str
) -> dict[str, uuid.UUID]:
    ids: dict[str, uuid.UUID] = {}
    for label, moment in MOMENTS.items():
        customer_id = await data.customer(key, f"Customer {label}")
        await update_row(engine, tables.customers, customer_id, **_timestamps(field, moment))
        ids[label] = customer_id
    return ids


def _case_id(case: tuple[dict[str, str], list[str]]) -> str:
    return " ".join(f"{operator}={bound}" for operator, bound in case[0].items())


@pytest.mark.parametrize("field", ["createdAt", "updatedAt"])
@pytest.mark.parametrize(("bounds", "expected"), CASES, ids=[_case_id(case) for case in CASES])
async def test_partners_timestamp_bounds(
    client: httpx.AsyncClient,
    accounts: Accounts,
    engine: AsyncEngine,
    data: ListingData,
    field: str,
    bounds: dict[str, str],
    expected: list[str],
) -> None:
    distributor = await accounts.distributor("Distributor")
    ids = await _partners_at(data, engine, distributor, field)
    filters = {field + operator: bound for operator, bound in bounds.items()}

    response = await get_list(
        client, "partners", await accounts.key(distributor), filters=filters, sort=[field, "ASC"]
    )

    assert listed_ids(response) == [ids[label] for label in expected]
    assert response.headers["X-Total-Count"] == str(len(expected))


@pytest.mark.parametrize("field", ["createdAt", "updatedAt"])
@pytest.mark.parametrize(("bounds", "expected"), CASES, ids=[_case_id(case) for case in CASES])
async def test_customers_timestamp_bounds(
    client: httpx.AsyncClient,
    accounts: Accounts,
    engine: AsyncEngine,
    data: ListingData,
    field: str,
    bounds: dict[str, str],
    expected: list[str],
) -> None:
    key = await accounts.key(await accounts.partner("Partner"))
    ids = await _customers_at(data, engine, key, field)
    filters = {field + operator: bound for operator, bound in bounds.items()}

    response = await get_list(client, "customers", key, filters=filters, sort=[field, "ASC"])

    assert listed_ids(response) == [ids[label] for label in expected]
    assert response.headers["X-Total-Count"] == str(len(expected))


async def test_partners_timestamps_listed_as_stored(
    client: httpx.AsyncClient, accounts: Accounts, engine: AsyncEngine, data: ListingData
) -> None:
    distributor = await accounts.distributor("Distributor")
    await data.partner(
        distributor,
        "Dated",
        created_at=utc("2026-03-14T01:45:01.717"),
        updated_at=utc("2026-03-20T20:42:21"),
    )

    response = await get_list(client, "partners", await accounts.key(distributor))

    item = response.json()[0]
    assert item["createdAt"] == "2026-03-14T01:45:01.717"
    assert item["updatedAt"] == "2026-03-20T20:42:21"


async def test_customers_created_at_and_updated_at_combined(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    """createdAt and updatedAt bounds in one filter both apply."""
    key = await accounts.key(await accounts.partner("Partner"))
    march = dt.datetime(2026, 3, 10)
    april = dt.datetime(2026, 4, 10)
    expected = await data.customer(key, "Old, touched", created_at=march, updated_at=april)
    await data.customer(key, "Old, untouched", created_at=march, updated_at=march)
    await data.customer(key, "New, touched", created_at=april, updated_at=april)

    response = await get_list(
        client,
        "customers",
        key,
        filters={"createdAt_lt": "2026-04-01", "updatedAt_gte": "2026-04-01"},
    )

    assert listed_ids(response) == [expected]
