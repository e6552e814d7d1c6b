"""Ranges of GET /v1/partners and GET /v1/customers: the range parameter, the Range
header, Content-Range and X-Total-Count."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.conftest import Accounts
from tests.api.listing_data import (
    PROBLEM_CONTENT_TYPE,
    ListingData,
    create_partners,
    get_list,
    listed_ids,
)

pytestmark = pytest.mark.anyio

PARTNER_COUNT = 30


@pytest.fixture
def data(client: httpx.AsyncClient, engine: AsyncEngine, accounts: Accounts) -> ListingData:
    return ListingData(client, engine, accounts)


async def test_partners_range_default_first_hundred(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    ids, key = await create_partners(accounts, data, 101)

    response = await get_list(client, "partners", key)

    assert listed_ids(response) == ids[:100]
    assert response.headers["Content-Range"] == "partners 0-99/101"
    assert response.headers["X-Total-Count"] == "101"


async def test_partners_range_first_page(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    ids, key = await create_partners(accounts, data, PARTNER_COUNT)

    response = await get_list(client, "partners", key, range_=[0, 24])

    assert listed_ids(response) == ids[:25]
    assert response.headers["Content-Range"] == f"partners 0-24/{PARTNER_COUNT}"
    assert response.headers["X-Total-Count"] == str(PARTNER_COUNT)


async def test_partners_range_middle_page(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    ids, key = await create_partners(accounts, data, PARTNER_COUNT)

    response = await get_list(client, "partners", key, range_=[10, 19])

    assert listed_ids(response) == ids[10:20]
    assert response.headers["Content-Range"] == f"partners 10-19/{PARTNER_COUNT}"


async def test_partners_range_single_item(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    ids, key = await create_partners(accounts, data, PARTNER_COUNT)

    response = await get_list(client, "partners", key, range_=[7, 7])

    assert listed_ids(response) == [ids[7]]
    assert response.headers["Content-Range"] == f"partners 7-7/{PARTNER_COUNT}"


async def test_partners_range_partial_last_page(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    ids, key = await create_partners(accounts, data, PARTNER_COUNT)

    response = await get_list(client, "partners", key, range_=[25, 49])

    assert listed_ids(response) == ids[25:]
    assert response.headers["Content-Range"] == f"partners 25-29/{PARTNER_COUNT}"
    assert response.headers["X-Total-Count"] == str(PARTNER_COUNT)


@pytest.mark.parametrize("start", [PARTNER_COUNT, PARTNER_COUNT + 10, 2**53 - 1])
async def test_partners_range_start_past_end(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData, start: int
) -> None:
    _, key = await create_partners(accounts, data, PARTNER_COUNT)

    response = await get_list(client, "partners", key, range_=[start, start])

    assert response.status_code == 200
    assert response.json() == []
    assert response.headers["Content-Range"] == f"partners */{PARTNER_COUNT}"
    assert response.headers["X-Total-Count"] == str(PARTNER_COUNT)


async def test_partners_range_empty_result(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    _, key = await create_partners(accounts, data, 0)

    response = await get_list(client, "partners", key, range_=[0, 24])

    assert response.status_code == 200
    assert response.json() == []
    assert response.headers["Content-Range"] == "partners */0"
    assert response.headers["X-Total-Count"] == "0"


async def test_partners_range_span_at_limit(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    ids, key = await create_partners(accounts, data, PARTNER_COUNT)

    response = await get_list(client, "partners", key, range_=[0, 999])

    assert listed_ids(response) == ids


@pytest.mark.parametrize("range_", [[0, 1000], [5, 1005], [0, 2**53 - 1]])
async def test_partners_range_span_over_limit(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData, range_: list[int]
) -> None:
    _, key = await create_partners(accounts, data, 1)

    response = await get_list(client, "partners", key, range_=range_)

    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM_CONTENT_TYPE
    assert "range" in response.json()["errors"]
    assert "1000" in response.json()["errors"]["range"]


async def test_partners_range_header_used(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    ids, key = await create_partners(accounts, data, PARTNER_COUNT)

    response = await get_list(client, "partners", key, extra_headers={"Range": "partners=0-1"})

    assert listed_ids(response) == ids[:2]
    assert response.headers["Content-Range"] == f"partners 0-1/{PARTNER_COUNT}"


async def test_partners_range_header_middle(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    ids, key = await create_partners(accounts, data, PARTNER_COUNT)

    response = await get_list(client, "partners", key, extra_headers={"Range": "partners=28-40"})

    assert listed_ids(response) == ids[28:]
    assert response.headers["Content-Range"] == f"partners 28-29/{PARTNER_COUNT}"


async def test_partners_range_parameter_wins_over_header(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    ids, key = await create_partners(accounts, data, PARTNER_COUNT)

    response = await get_list(
        client, "partners", key, range_=[2, 4], extra_headers={"Range": "partners=0-1"}
    )

    assert listed_ids(response) == ids[2:5]
    assert response.headers["Content-Range"] == f"partners 2-4/{PARTNER_COUNT}"


@pytest.mark.parametrize(
    "header",
    [
        "partners=abc",
        "partners=1-",
        "partners=-5",
        "partners 0-1",
        "bytes=0-1",
        "customers=0-1",
        "partners=0-1,3-4",
        "",
    ],
)
async def test_partners_range_header_malformed_ignored(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData, header: str
) -> None:
    ids, key = await create_partners(accounts, data, PARTNER_COUNT)

    response = await get_list(client, "partners", key, extra_headers={"Range": header})

    assert listed_ids(response) == ids
    assert response.headers["Content-Range"] == f"partners 0-29/{PARTNER_COUNT}"


async def test_partners_range_header_span_over_limit(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    _, key = await create_partners(accounts, data, 1)

    response = await get_list(client, "partners", key, extra_headers={"Range": "partners=0-1000"})

    assert response.status_code == 400
    assert "range" in response.json()["errors"]


async def test_partners_range_with_filter_total(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    """X-Total-Count and Content-Range count the filtered items across all pages."""
    distributor = await accounts.distributor("Distributor")
    pending = []
    for index in range(PARTNER_COUNT):
        state = "Pending" if index % 3 == 0 else "Active"
        partner_id = await data.partner(distributor, f"Partner {index:03d}", state=state)
        if state == "Pending":
            pending.append(partner_id)
    key = await accounts.key(distributor)

    first = await get_list(client, "partners", key, filters={"state": "Pending"}, range_=[0, 3])
    rest = await get_list(client, "partners", key, filters={"state": "Pending"}, range_=[4, 99])

    assert len(pending) == 10
    assert first.headers["X-Total-Count"] == "10"
    assert first.headers["Content-Range"] == "partners 0-3/10"
    assert rest.headers["X-Total-Count"] == "10"
    assert rest.headers["Content-Range"] == "partners 4-9/10"
    assert listed_ids(first) + listed_ids(rest) == sorted(pending)


async def test_customers_range_content_range(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    key = await accounts.key(await accounts.partner("Partner"))
    ids = sorted([await data.customer(key, f"Customer {index}") for index in range(5)])

    first = await get_list(client, "customers", key, range_=[0, 1])
    last = await get_list(client, "customers", key, range_=[3, 24])
    past = await get_list(client, "customers", key, range_=[5, 9])

    assert listed_ids(first) == ids[:2]
    assert first.headers["Content-Range"] == "customers 0-1/5"
    assert first.headers["X-Total-Count"] == "5"
    assert listed_ids(last) == ids[3:]
    assert last.headers["Content-Range"] == "customers 3-4/5"
    assert listed_ids(past) == []
    assert past.headers["Content-Range"] == "customers */5"


async def test_customers_range_default(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    key = await accounts.key(await accounts.partner("Partner"))
    ids = sorted([await data.customer(key, f"Customer {index}") for index in range(3)])

    response = await get_list(client, "customers", key)

    assert listed_ids(response) == ids
    assert response.headers["Content-Range"] == "customers 0-2/3"


async def test_customers_range_empty_result(client: httpx.AsyncClient, accounts: Accounts) -> None:
    key = await accounts.key(await accounts.partner("Partner"))

    response = await get_list(client, "customers", key)

    assert response.json() == []
    assert response.headers["Content-Range"] == "customers */0"
    assert response.headers["X-Total-Count"] == "0"


async def test_customers_range_header_used(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    key = await accounts.key(await accounts.partner("Partner"))
    ids = sorted([await data.customer(key, f"Customer {index}") for index in range(4)])

    used = await get_list(client, "customers", key, extra_headers={"Range": "customers=1-2"})
    other_resource = await get_list(
        client, "customers", key, extra_headers={"Range": "partners=1-2"}
    )
    overridden = await get_list(
        client, "customers", key, range_=[3, 3], extra_headers={"Range": "customers=1-2"}
    )

    assert listed_ids(used) == ids[1:3]
    assert used.headers["Content-Range"] == "customers 1-2/4"
    assert listed_ids(other_resource) == ids
    assert listed_ids(overridden) == ids[3:]


async def test_customers_range_with_filter_total(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    """X-Total-Count and Content-Range count the filtered customers across all pages."""
    key = await accounts.key(await accounts.partner("Partner"))
    canadian = []
    for index in range(9):
        country = "ca" if index % 2 == 0 else "us"
        customer_id = await data.customer(key, f"Customer {index}", country_id=country)
        if country == "ca":
            canadian.append(customer_id)

    first = await get_list(client, "customers", key, filters={"countryId": "CA"}, range_=[0, 2])
    rest = await get_list(client, "customers", key, filters={"countryId": "CA"}, range_=[3, 9])

    assert len(canadian) == 5
    assert first.headers["X-Total-Count"] == "5"
    assert first.headers["Content-Range"] == "customers 0-2/5"
    assert rest.headers["X-Total-Count"] == "5"
    assert rest.headers["Content-Range"] == "customers 3-4/5"
    assert listed_ids(first) + listed_ids(rest) == sorted(canadian)
