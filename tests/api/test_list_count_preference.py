"""The ``Prefer: count=exact|planned|none`` header of GET /v1/partners and GET /v1/customers:
the totals of count=exact and count=none, a start past the end in each mode,
``Preference-Applied``, and the header forms of RFC 7240. count=planned has its own module."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
import pytest
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


@pytest.fixture
def data(client: httpx.AsyncClient, engine: AsyncEngine, accounts: Accounts) -> ListingData:
    return ListingData(client, engine, accounts)


def _prefer(value: str) -> dict[str, str]:
    return {"Prefer": value}


def _assert_no_preference_applied(response: httpx.Response) -> None:
    assert "preference-applied" not in response.headers


# count=exact


async def test_partners_count_exact_without_header(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    ids, key = await create_partners(accounts, data, PARTNER_COUNT)

    response = await get_list(client, "partners", key, range_=[0, 9])

    assert listed_ids(response) == ids[:10]
    assert response.headers["Content-Range"] == f"partners 0-9/{PARTNER_COUNT}"
    assert response.headers["X-Total-Count"] == str(PARTNER_COUNT)
    _assert_no_preference_applied(response)


async def test_partners_count_exact_requested(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    ids, key = await create_partners(accounts, data, PARTNER_COUNT)

    response = await get_list(
        client, "partners", key, range_=[0, 9], extra_headers=_prefer("count=exact")
    )

    assert listed_ids(response) == ids[:10]
    assert response.headers["Content-Range"] == f"partners 0-9/{PARTNER_COUNT}"
    assert response.headers["X-Total-Count"] == str(PARTNER_COUNT)
    assert response.headers["Preference-Applied"] == "count=exact"


async def test_customers_count_exact_requested(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    ids, key = await create_customers(accounts, data, CUSTOMER_COUNT)

    response = await get_list(
        client, "customers", key, range_=[0, 4], extra_headers=_prefer("count=exact")
    )

    assert listed_ids(response) == ids[:5]
    assert response.headers["Content-Range"] == f"customers 0-4/{CUSTOMER_COUNT}"
    assert response.headers["X-Total-Count"] == str(CUSTOMER_COUNT)
    assert response.headers["Preference-Applied"] == "count=exact"


# count=none


async def test_partners_none_total_unknown(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    ids, key = await create_partners(accounts, data, PARTNER_COUNT)

    response = await get_list(
        client, "partners", key, range_=[10, 19], extra_headers=_prefer("count=none")
    )

    assert listed_ids(response) == ids[10:20]
    assert response.headers["Content-Range"] == "partners 10-19/*"
    assert "x-total-count" not in response.headers
    assert response.headers["Preference-Applied"] == "count=none"


async def test_customers_none_total_unknown(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    ids, key = await create_customers(accounts, data, CUSTOMER_COUNT)

    response = await get_list(
        client, "customers", key, range_=[0, 4], extra_headers=_prefer("count=none")
    )

    assert listed_ids(response) == ids[:5]
    assert response.headers["Content-Range"] == "customers 0-4/*"
    assert "x-total-count" not in response.headers
    assert response.headers["Preference-Applied"] == "count=none"


async def test_partners_none_short_page_total(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    ids, key = await create_partners(accounts, data, PARTNER_COUNT)

    response = await get_list(
        client, "partners", key, range_=[25, 49], extra_headers=_prefer("count=none")
    )

    assert listed_ids(response) == ids[25:]
    assert response.headers["Content-Range"] == f"partners 25-29/{PARTNER_COUNT}"
    assert response.headers["X-Total-Count"] == str(PARTNER_COUNT)
    assert response.headers["Preference-Applied"] == "count=none"


async def test_customers_none_short_page_total(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    ids, key = await create_customers(accounts, data, CUSTOMER_COUNT)

    response = await get_list(
        client, "customers", key, range_=[10, 19], extra_headers=_prefer("count=none")
    )

    assert listed_ids(response) == ids[10:]
    assert response.headers["Content-Range"] == f"customers 10-11/{CUSTOMER_COUNT}"
    assert response.headers["X-Total-Count"] == str(CUSTOMER_COUNT)


async def test_partners_none_page_ends_list(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    """A full page whose last item is the list's last gives the exact total too."""
    ids, key = await create_partners(accounts, data, PARTNER_COUNT)

    response = await get_list(
        client, "partners", key, range_=[20, 29], extra_headers=_prefer("count=none")
    )

    assert listed_ids(response) == ids[20:]
    assert response.headers["Content-Range"] == f"partners 20-29/{PARTNER_COUNT}"
    assert response.headers["X-Total-Count"] == str(PARTNER_COUNT)


async def test_partners_count_none_with_filter(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor = await accounts.distributor("Distributor")
    pending = []
    for index in range(PARTNER_COUNT):
        state = "Pending" if index % 3 == 0 else "Active"
        partner_id = await data.partner(distributor, f"Partner {index:03d}", state=state)
        if state == "Pending":
            pending.append(partner_id)
    key = await accounts.key(distributor)
    prefer = _prefer("count=none")

    first = await get_list(
        client, "partners", key, filters={"state": "Pending"}, range_=[0, 3], extra_headers=prefer
    )
    rest = await get_list(
        client, "partners", key, filters={"state": "Pending"}, range_=[4, 9], extra_headers=prefer
    )

    assert len(pending) == 10
    assert listed_ids(first) + listed_ids(rest) == sorted(pending)
    assert first.headers["Content-Range"] == "partners 0-3/*"
    assert rest.headers["Content-Range"] == "partners 4-9/10"
    assert rest.headers["X-Total-Count"] == "10"


async def test_customers_count_none_with_filter(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    key = await accounts.key(await accounts.partner("Partner"))
    canadian = []
    for index in range(9):
        country = "ca" if index % 2 == 0 else "us"
        customer_id = await data.customer(key, f"Customer {index}", country_id=country)
        if country == "ca":
            canadian.append(customer_id)
    prefer = _prefer("count=none")

    first = await get_list(
        client, "customers", key, filters={"countryId": "ca"}, range_=[0, 2], extra_headers=prefer
    )
    rest = await get_list(
        client, "customers", key, filters={"countryId": "ca"}, range_=[3, 9], extra_headers=prefer
    )

    assert listed_ids(first) + listed_ids(rest) == sorted(canadian)
    assert first.headers["Content-Range"] == "customers 0-2/*"
    assert "x-total-count" not in first.headers
    assert rest.headers["Content-Range"] == "customers 3-4/5"
    assert rest.headers["X-Total-Count"] == "5"


async def test_customers_count_none_nothing_matches(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    _, key = await create_customers(accounts, data, 2)

    response = await get_list(
        client,
        "customers",
        key,
        filters={"countryId": "ar"},
        range_=[0, 24],
        extra_headers=_prefer("count=none"),
    )

    assert listed_ids(response) == []
    assert response.headers["Content-Range"] == "customers */0"
    assert response.headers["X-Total-Count"] == "0"


# A start past the end, in each mode


@pytest.mark.parametrize("prefer", [None, "count=exact", "count=planned"])
async def test_partners_start_past_end_counted(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData, prefer: str | None
) -> None:
    """Past the end, count=planned counts exactly: an estimate could contradict the empty page."""
    _, key = await create_partners(accounts, data, PARTNER_COUNT)
    extra_headers = _prefer(prefer) if prefer is not None else None

    response = await get_list(client, "partners", key, range_=[40, 49], extra_headers=extra_headers)

    assert listed_ids(response) == []
    assert response.headers["Content-Range"] == f"partners */{PARTNER_COUNT}"
    assert response.headers["X-Total-Count"] == str(PARTNER_COUNT)
    if prefer is None:
        _assert_no_preference_applied(response)
    else:
        assert response.headers["Preference-Applied"] == "count=exact"


@pytest.mark.parametrize("prefer", ["count=exact", "count=planned"])
async def test_customers_start_past_end_counted(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData, prefer: str
) -> None:
    _, key = await create_customers(accounts, data, CUSTOMER_COUNT)

    response = await get_list(
        client, "customers", key, range_=[CUSTOMER_COUNT, 99], extra_headers=_prefer(prefer)
    )

    assert listed_ids(response) == []
    assert response.headers["Content-Range"] == f"customers */{CUSTOMER_COUNT}"
    assert response.headers["X-Total-Count"] == str(CUSTOMER_COUNT)
    assert response.headers["Preference-Applied"] == "count=exact"


@pytest.mark.parametrize("resource", ["partners", "customers"])
async def test_past_end_count_none(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData, resource: str
) -> None:
    """count=none runs no count, so past the end the total stays unknown."""
    if resource == "partners":
        _, key = await create_partners(accounts, data, 3)
    else:
        _, key = await create_customers(accounts, data, 3)

    response = await get_list(
        client, resource, key, range_=[3, 12], extra_headers=_prefer("count=none")
    )

    assert listed_ids(response) == []
    assert response.headers["Content-Range"] == f"{resource} */*"
    assert "x-total-count" not in response.headers
    assert response.headers["Preference-Applied"] == "count=none"


@pytest.mark.parametrize("resource", ["partners", "customers"])
async def test_count_none_runs_no_count(
    client: httpx.AsyncClient,
    accounts: Accounts,
    data: ListingData,
    monkeypatch: pytest.MonkeyPatch,
    resource: str,
) -> None:
    if resource == "partners":
        _, key = await create_partners(accounts, data, 3)
    else:
        _, key = await create_customers(accounts, data, 3)

    async def no_count(*_args: object) -> int:
        raise AssertionError("count=none ran a count query")

    for name in ("count_children", "estimate_children"):
        monkeypatch.setattr(account_rows, name, no_count)
    for name in ("count_customers", "estimate_customers"):
        monkeypatch.setattr(customer_rows, name, no_count)
    past_end = await get_list(
        client, resource, key, range_=[5, 9], extra_headers=_prefer("count=none")
    )
    first_page = await get_list(
        client, resource, key, range_=[0, 1], extra_headers=_prefer("count=none")
    )

    assert past_end.status_code == 200
    assert past_end.headers["Content-Range"] == f"{resource} */*"
    assert first_page.status_code == 200
    assert first_page.headers["Content-Range"] == f"{resource} 0-1/*"


# Header forms of RFC 7240


@pytest.mark.parametrize(
    "prefer",
    [
        "count=none",
        "COUNT=none",
        "Count = none",
        'count="none"',
        "count=none; foo=bar",
        "count=none;",
        "return=minimal, count=none",
        "respond-async,count=none , wait=10",
        ', ,count="none"',
        'handling=lenient; note="a, b; c", count=none',
        "count=none, count=exact",
    ],
)
async def test_partners_count_header_forms(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData, prefer: str
) -> None:
    _, key = await create_partners(accounts, data, 5)

    response = await get_list(client, "partners", key, range_=[0, 1], extra_headers=_prefer(prefer))

    assert response.headers["Content-Range"] == "partners 0-1/*"
    assert response.headers["Preference-Applied"] == "count=none"


async def test_customers_count_in_second_header(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    _, key = await create_customers(accounts, data, 5)
    headers = [*key.items(), ("Prefer", "return=minimal"), ("Prefer", "count=none")]

    response = await client.get("/v1/customers", params={"range": "[0,1]"}, headers=headers)

    assert response.headers["Content-Range"] == "customers 0-1/*"
    assert response.headers["Preference-Applied"] == "count=none"


async def test_customers_first_count_preference_wins(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    _, key = await create_customers(accounts, data, 5)
    headers = [*key.items(), ("Prefer", "count=exact"), ("Prefer", "count=none")]

    response = await client.get("/v1/customers", params={"range": "[0,1]"}, headers=headers)

    assert response.headers["Content-Range"] == "customers 0-1/5"
    assert response.headers["Preference-Applied"] == "count=exact"


@pytest.mark.parametrize(
    "prefer",
    [
        "count=bogus",
        "count=NONE",
        "count=Planned",
        "count",
        "count=",
        'count=""',
        "count=none none",
        "return=minimal",
        "counts=none",
        'foo="a, count=none"',
        "count=bogus, count=none",
        '"count"=none',
    ],
)
async def test_partners_count_unknown_ignored(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData, prefer: str
) -> None:
    _, key = await create_partners(accounts, data, 5)

    response = await get_list(client, "partners", key, range_=[0, 1], extra_headers=_prefer(prefer))

    assert response.status_code == 200
    assert response.headers["Content-Range"] == "partners 0-1/5"
    assert response.headers["X-Total-Count"] == "5"
    _assert_no_preference_applied(response)


async def test_customers_count_unknown_ignored(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    _, key = await create_customers(accounts, data, 5)

    response = await get_list(
        client, "customers", key, range_=[0, 1], extra_headers=_prefer("count=estimated")
    )

    assert response.headers["Content-Range"] == "customers 0-1/5"
    _assert_no_preference_applied(response)


async def test_count_preference_not_on_single_object(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    ids, key = await create_customers(accounts, data, 1)
    headers: Mapping[str, str] = {**key, **_prefer("count=none")}

    response = await client.get(f"/v1/customers/{ids[0]}", headers=headers)

    assert response.status_code == 200
    _assert_no_preference_applied(response)
