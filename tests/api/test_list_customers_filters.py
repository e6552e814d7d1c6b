"""Filters of GET /v1/customers, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.conftest import Accounts
from tests.api.listing_data import ListingData, get_list, listed_ids, listed_names, utc

pytestmark = pytest.mark.anyio


@pytest.fixture
def data(client: httpx.AsyncClient, engine: AsyncEngine, accounts: Accounts) -> ListingData:
    return ListingData(client, engine, accounts)


async def _partner_key(accounts: Accounts) -> dict[str, str]:
    partner = await accounts.partner("Filter Partner")
    return await accounts.key(partner)


async def test_customers_filter_by_id(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    key = await _partner_key(accounts)
    first = await data.customer(key, "First")
    await data.customer(key, "Second")

    response = await get_list(client, "customers", key, filters={"id": str(first)})

    assert listed_ids(response) == [first]
    assert response.headers["X-Total-Count"] == "1"


async def test_customers_filter_by_id_list(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    """react-admin's getMany sends {"id": [...]}."""
    key = await _partner_key(accounts)
    first = await data.customer(key, "First")
    await data.customer(key, "Second")
    third = await data.customer(key, "Third")

    response = await get_list(
        client, "customers", key, filters={"id": [str(third), str(first)]}, sort=["name", "ASC"]
    )

    assert listed_ids(response) == [first, third]


async def test_customers_filter_by_ids(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    key = await _partner_key(accounts)
    first = await data.customer(key, "First")
    second = await data.customer(key, "Second")
    await data.customer(key, "Third")

    single = await get_list(client, "customers", key, filters={"ids": str(second)})
    several = await get_list(
        client, "customers", key, filters={"ids": [str(first), str(second)]}, sort=["name", "ASC"]
    )

    assert listed_ids(single) == [second]
    assert listed_ids(several) == [first, second]


async def test_customers_filter_by_unknown_id(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    key = await _partner_key(accounts)
    await data.customer(key, "First")

    response = await get_list(client, "customers", key, filters={"id": [str(uuid.uuid4())]})

    assert listed_ids(response) == []
    assert response.headers["Content-Range"] == "customers */0"


async def test_customers_filter_by_name_substring(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    key = await _partner_key(accounts)
    await data.customer(key, "Customer Name")
    await data.customer(key, "Another CUSTOMER")
    await data.customer(key, "Client")

    response = await get_list(
        client, "customers", key, filters={"name": "cusTomer"}, sort=["name", "ASC"]
    )

    assert listed_names(response) == ["Another CUSTOMER", "Customer Name"]


async def test_customers_filter_by_name_accented_upper_case(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    key = await _partner_key(accounts)
    await data.customer(key, "Grande École Lyon")
    await data.customer(key, "Ecole Paris")

    upper = await get_list(client, "customers", key, filters={"name": "ÉCOLE"})
    lower = await get_list(client, "customers", key, filters={"name": "école"})

    assert listed_names(upper) == ["Grande École Lyon"]
    assert listed_names(lower) == ["Grande École Lyon"]


async def test_customers_filter_by_name_sharp_s(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    key = await _partner_key(accounts)
    await data.customer(key, "Bäckerei Straße")
    await data.customer(key, "STRASSE Kiosk")
    await data.customer(key, "Strand Café")

    folded = await get_list(
        client, "customers", key, filters={"name": "Strasse"}, sort=["name", "ASC"]
    )
    sharp = await get_list(
        client, "customers", key, filters={"name": "STRAẞE"}, sort=["name", "ASC"]
    )

    assert listed_names(folded) == ["Bäckerei Straße", "STRASSE Kiosk"]
    assert listed_names(sharp) == ["Bäckerei Straße", "STRASSE Kiosk"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50%", ["50% Off"]),
        ("_", ["snake_case"]),
        ("e_c", ["snake_case"]),
        ("\\", ["C:\\Dial"]),
        ("\\d", ["C:\\Dial"]),
    ],
)
async def test_customers_filter_by_name_wildcards_literal(
    client: httpx.AsyncClient,
    accounts: Accounts,
    data: ListingData,
    text: str,
    expected: list[str],
) -> None:
    key = await _partner_key(accounts)
    for name in ("50% Off", "500 Off", "snake_case", "snakeXcase", "C:\\Dial", "C:Dial"):
        await data.customer(key, name)

    response = await get_list(client, "customers", key, filters={"name": text})

    assert listed_names(response) == expected


async def test_customers_filter_by_country(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    key = await _partner_key(accounts)
    await data.customer(key, "In US", country_id="us")
    await data.customer(key, "In Argentina", country_id="ar")

    lower = await get_list(client, "customers", key, filters={"countryId": "ar"})
    upper = await get_list(client, "customers", key, filters={"countryId": "AR"})

    assert listed_names(lower) == ["In Argentina"]
    assert listed_names(upper) == ["In Argentina"]


async def test_customers_filter_by_country_list(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    key = await _partner_key(accounts)
    await data.customer(key, "In US", country_id="us")
    await data.customer(key, "In Argentina", country_id="ar")
    await data.customer(key, "In Canada", country_id="ca")

    response = await get_list(
        client, "customers", key, filters={"countryId": ["US", "ar"]}, sort=["name", "ASC"]
    )

    assert listed_names(response) == ["In Argentina", "In US"]


async def test_customers_country_stored_lower_case(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    """A customer created with 'CA' is stored and listed as 'ca' and found with either case."""
    key = await _partner_key(accounts)
    await data.customer(key, "Upper Canada", country_id="CA")

    lower = await get_list(client, "customers", key, filters={"countryId": "ca"})
    upper = await get_list(client, "customers", key, filters={"countryId": "CA"})

    assert listed_names(lower) == ["Upper Canada"]
    assert lower.json()[0]["countryId"] == "ca"
    assert listed_names(upper) == ["Upper Canada"]


async def test_customers_filter_by_plan(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    key = await _partner_key(accounts)
    await data.customer(key, "Trial Plan")
    await data.customer(key, "Pro Plan", plan_id="pro-10-m")
    await data.customer(key, "Team Plan", plan_id="team-5-y")

    single = await get_list(client, "customers", key, filters={"planId": "ent-4sc-y"})
    several = await get_list(
        client,
        "customers",
        key,
        filters={"planId": ["pro-10-m", "team-5-y"]},
        sort=["name", "ASC"],
    )
    partial = await get_list(client, "customers", key, filters={"planId": "pro"})

    assert listed_names(single) == ["Trial Plan"]
    assert listed_names(several) == ["Pro Plan", "Team Plan"]
    assert listed_names(partial) == []


async def test_customers_filter_by_state(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    key = await _partner_key(accounts)
    await data.customer(key, "Trialing One")
    await data.customer(key, "Active One", state="Active")
    await data.customer(key, "Past Due One", state="PastDue")
    await data.customer(key, "Canceled One", state="Canceled")

    single = await get_list(client, "customers", key, filters={"state": "PastDue"})
    several = await get_list(
        client,
        "customers",
        key,
        filters={"state": ["Trialing", "Canceled"]},
        sort=["name", "ASC"],
    )

    assert listed_names(single) == ["Past Due One"]
    assert listed_names(several) == ["Canceled One", "Trialing One"]


async def test_customers_filter_by_partner_id(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor = await accounts.distributor("Distributor")
    key = await accounts.key(distributor)
    north = await accounts.partner("North", distributor)
    south = await accounts.partner("South", distributor)
    await data.customer(key, "Own Customer")
    await data.customer(key, "North Customer", partner_id=north)
    await data.customer(key, "South Customer", partner_id=south)

    single = await get_list(client, "customers", key, filters={"partnerId": str(north)})
    several = await get_list(
        client,
        "customers",
        key,
        filters={"partnerId": [str(south), str(distributor)]},
        sort=["name", "ASC"],
    )

    assert listed_names(single) == ["North Customer"]
    assert single.json()[0]["partner"]["id"] == str(north)
    assert listed_names(several) == ["Own Customer", "South Customer"]


async def test_customers_filters_combined(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    key = await _partner_key(accounts)
    await data.customer(key, "Shop Madrid", country_id="es", state="Active")
    await data.customer(key, "Shop Sevilla", country_id="es")
    await data.customer(key, "Shop Lisboa", country_id="pt", state="Active")
    await data.customer(key, "Bar Madrid", country_id="es", state="Active")

    response = await get_list(
        client,
        "customers",
        key,
        filters={"name": "shop", "countryId": "es", "state": "Active"},
    )

    assert listed_names(response) == ["Shop Madrid"]
    assert response.headers["X-Total-Count"] == "1"


async def test_customers_document_example_filter(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    """The request of the API document's GET /customers example, parameter for parameter.

    Each other customer differs from the filter in exactly one field.
    """
    key = await _partner_key(accounts)
    march = utc("2026-03-19T15:35:29.75")
    expected_us = await data.customer(key, "Customer Name", country_id="us", created_at=march)
    expected_ar = await data.customer(
        key, "Customer Name", country_id="ar", created_at=utc("2026-04-01T23:59:59.999")
    )
    await data.customer(key, "Customer Name", country_id="ca", created_at=march)
    await data.customer(key, "Customer Name", plan_id="pro-10-m", created_at=march)
    await data.customer(key, "Customer Name", state="Active", created_at=march)
    await data.customer(key, "Customer Name", created_at=utc("2026-04-02T00:00:00"))
    await data.customer(key, "Customer Name", created_at=utc("2026-02-28T23:59:59.999"))
    await data.customer(key, "Other Name", created_at=march)

    response = await client.get(
        "/v1/customers",
        params={
            "filter": '{"name":"Customer Name","countryId":["us","ar"],"planId":["ent-4sc-y"],'
            '"state":["Trialing"],"createdAt_gte":"2026-03-01","createdAt_lte":"2026-04-01"}',
            "sort": '["name","DESC"]',
            "range": "[0,99]",
        },
        headers=key,
    )

    # Equal names are ordered by id, descending like the sort.
    assert listed_ids(response) == sorted([expected_us, expected_ar], reverse=True)
    assert response.headers["Content-Range"] == "customers 0-1/2"
