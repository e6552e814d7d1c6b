"""Sort orders of GET /v1/partners and GET /v1/customers, and paging through them.

Expected orders are computed in Python: the sort key, then the id as tie-breaker, both
ascending, and the exact reverse for DESC. Names sort by their case-folded form and
other text by code point.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.conftest import Accounts
from tests.api.listing_data import ListingData, get_list, listed_ids, listed_names

pytestmark = pytest.mark.anyio

PARTNER_SORT_FIELDS = [
    "id",
    "name",
    "code",
    "state",
    "level",
    "createdAt",
    "updatedAt",
    "customersCount",
]
CUSTOMER_SORT_FIELDS = ["id", "name", "countryId", "state", "planId", "createdAt", "updatedAt"]
DIRECTIONS = ["ASC", "DESC", "asc", "desc", "Desc"]


@dataclass(frozen=True)
class Item:
    """One listed object and the values of its sort fields, keyed by API field name."""

    id: uuid.UUID
    values: dict[str, Any]


def expected_order(items: list[Item], field: str, direction: str) -> list[uuid.UUID]:
    def sort_key(item: Item) -> tuple[Any, uuid.UUID]:
        value = item.values[field]
        if field == "name":
            value = value.casefold()
        return value, item.id

    ascending = [item.id for item in sorted(items, key=sort_key)]
    if direction.upper() == "DESC":
        return ascending[::-1]
    return ascending


@pytest.fixture
def data(client: httpx.AsyncClient, engine: AsyncEngine, accounts: Accounts) -> ListingData:
    return ListingData(client, engine, accounts)


def _day(day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour)


# name, code, state, level, createdAt, updatedAt, customersCount. Every field has ties.
PARTNER_ROWS = [
    ("alpha", "p-delta", "Active", "Basic", _day(3), _day(9), 2),
    ("Alpha", "p-alpha", "Pending", "Certified", _day(1), _day(9), 0),
    ("BETA", "p-echo", "Active", "Certified", _day(3), _day(8), 2),
    ("beta", "p-bravo", "Suspended", "Basic", _day(2), _day(7), 5),
    ("Éclair", "p-charlie", "Pending", "Basic", _day(3, 12), _day(9), 0),
    ("gamma", "p-foxtrot", "Active", "Basic", _day(1), _day(7), 2),
    ("Gamma", "p-golf", "Active", "Certified", _day(2), _day(10), 5),
]

# name, countryId, state, planId, createdAt, updatedAt. Every field has ties.
CUSTOMER_ROWS = [
    ("delta shop", "us", "Trialing", "ent-4sc-y", _day(3), _day(9)),
    ("Delta Shop", "ar", "Active", "pro-10-m", _day(1), _day(9)),
    ("Apple", "us", "PastDue", "ent-4sc-y", _day(3), _day(8)),
    ("apple", "ca", "Trialing", "team-5-y", _day(2), _day(7)),
    ("Ärzte", "ar", "Canceled", "pro-10-m", _day(3, 12), _day(9)),
    ("zebra", "us", "Active", "ent-4sc-y", _day(1), _day(7)),
    ("Zebra", "ca", "Trialing", "pro-10-m", _day(2), _day(10)),
]


async def _create_partners(data: ListingData, distributor: uuid.UUID) -> list[Item]:
    items = []
    for name, code, state, level, created, updated, count in PARTNER_ROWS:
        partner_id = await data.partner(
            distributor,
            name,
            code=code,
            state=state,
            level=level,
            created_at=created,
            updated_at=updated,
            customers_count=count,
        )
        values = {
            "id": partner_id,
            "name": name,
            "code": code,
            "state": state,
            "level": level,
            "createdAt": created,
            "updatedAt": updated,
            "customersCount": count,
        }
        items.append(Item(partner_id, values))
    return items


async def _create_customers(data: ListingData, key: dict[str, str]) -> list[Item]:
    items = []
    for name, country, state, plan, created, updated in CUSTOMER_ROWS:
        customer_id = await data.customer(
            key,
            name,
            country_id=country,
            state=state,
            plan_id=plan,
            created_at=created,
            updated_at=updated,
        )
        values = {
            "id": customer_id,
            "name": name,
            "countryId": country,
            "state": state,
            "planId": plan,
            "createdAt": created,
            "updatedAt": updated,
        }
        items.append(Item(customer_id, values))
    return items


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("field", PARTNER_SORT_FIELDS)
async def test_partners_sort_by_field(
    client: httpx.AsyncClient,
    accounts: Accounts,
    data: ListingData,
    field: str,
    direction: str,
) -> None:
    distributor = await accounts.distributor("Distributor")
    items = await _create_partners(data, distributor)

    response = await get_list(
        client, "partners", await accounts.key(distributor), sort=[field, direction]
    )

    assert listed_ids(response) == expected_order(items, field, direction)


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("field", CUSTOMER_SORT_FIELDS)
async def test_customers_sort_by_field(
    client: httpx.AsyncClient,
    accounts: Accounts,
    data: ListingData,
    field: str,
    direction: str,
) -> None:
    key = await accounts.key(await accounts.partner("Partner"))
    items = await _create_customers(data, key)

    response = await get_list(client, "customers", key, sort=[field, direction])

    assert listed_ids(response) == expected_order(items, field, direction)


async def test_partners_default_sort_by_id(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor = await accounts.distributor("Distributor")
    items = await _create_partners(data, distributor)

    response = await get_list(client, "partners", await accounts.key(distributor))

    assert listed_ids(response) == sorted(item.id for item in items)


async def test_customers_default_sort_by_id(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    key = await accounts.key(await accounts.partner("Partner"))
    items = await _create_customers(data, key)

    response = await get_list(client, "customers", key)

    assert listed_ids(response) == sorted(item.id for item in items)


async def test_partners_sort_name_case_insensitive(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    """Upper-case names do not sort before all lower-case names, as a byte order would."""
    distributor = await accounts.distributor("Distributor")
    for name in ("banana", "Cherry", "apple pie", "Apricot", "BANANA split"):
        await data.partner(distributor, name)
    key = await accounts.key(distributor)

    ascending = await get_list(client, "partners", key, sort=["name", "ASC"])
    descending = await get_list(client, "partners", key, sort=["name", "desc"])

    expected = ["apple pie", "Apricot", "banana", "BANANA split", "Cherry"]
    assert listed_names(ascending) == expected
    assert listed_names(descending) == expected[::-1]


async def test_customers_sort_name_case_insensitive(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    key = await accounts.key(await accounts.partner("Partner"))
    for name in ("banana", "Cherry", "apple pie", "Apricot", "BANANA split"):
        await data.customer(key, name)

    ascending = await get_list(client, "customers", key, sort=["name", "asc"])
    descending = await get_list(client, "customers", key, sort=["name", "DESC"])

    expected = ["apple pie", "Apricot", "banana", "BANANA split", "Cherry"]
    assert listed_names(ascending) == expected
    assert listed_names(descending) == expected[::-1]


async def test_partners_name_ties_broken_by_id(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    """Names equal after case folding keep the id order of the sort's direction."""
    distributor = await accounts.distributor("Distributor")
    ids = [await data.partner(distributor, name) for name in ("ACME", "acme", "Acme", "aCmE")]
    key = await accounts.key(distributor)

    ascending = await get_list(client, "partners", key, sort=["name", "ASC"])
    descending = await get_list(client, "partners", key, sort=["name", "DESC"])

    assert listed_ids(ascending) == sorted(ids)
    assert listed_ids(descending) == sorted(ids, reverse=True)


# Paging: 30 objects whose sort keys take only a few values, read in pages of 7.

PAGE_SIZE = 7
PAGED_COUNT = 30
PAGED_NAMES = ["Shared", "shared", "SHARED", "Other"]
PAGED_PARTNER_STATES = ["Active", "Pending", "Suspended"]
PAGED_CUSTOMER_STATES = ["Trialing", "Active", "PastDue"]


async def _read_pages(
    client: httpx.AsyncClient,
    resource: str,
    key: dict[str, str],
    sort: list[str],
) -> list[uuid.UUID]:
    ids: list[uuid.UUID] = []
    for start in range(0, PAGED_COUNT + PAGE_SIZE, PAGE_SIZE):
        response = await get_list(
            client, resource, key, sort=sort, range_=[start, start + PAGE_SIZE - 1]
        )
        assert response.headers["X-Total-Count"] == str(PAGED_COUNT)
        ids.extend(listed_ids(response))
    return ids


def _paged_partner_values(index: int) -> dict[str, Any]:
    return {
        "name": PAGED_NAMES[index % len(PAGED_NAMES)],
        "code": f"paged-{index % 3}-{index:02d}",
        "state": PAGED_PARTNER_STATES[index % 3],
        "level": "Basic" if index % 2 else "Certified",
        "createdAt": _day(1 + index % 2),
        "updatedAt": _day(5),
        "customersCount": index % 4,
    }


def _paged_customer_values(index: int) -> dict[str, Any]:
    return {
        "name": PAGED_NAMES[index % len(PAGED_NAMES)],
        "countryId": ["us", "ca"][index % 2],
        "state": PAGED_CUSTOMER_STATES[index % 3],
        "planId": ["ent-4sc-y", "pro-10-m"][index % 2],
        "createdAt": _day(1 + index % 3),
        "updatedAt": _day(5),
    }


def _check_pages(paged: list[uuid.UUID], items: list[Item], field: str, direction: str) -> None:
    assert len(paged) == PAGED_COUNT
    assert len(set(paged)) == PAGED_COUNT
    assert paged == expected_order(items, field, direction)


async def test_partners_pages_cover_every_item(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor = await accounts.distributor("Distributor")
    items = []
    for index in range(PAGED_COUNT):
        values = _paged_partner_values(index)
        partner_id = await data.partner(
            distributor,
            values["name"],
            code=values["code"],
            state=values["state"],
            level=values["level"],
            created_at=values["createdAt"],
            updated_at=values["updatedAt"],
            customers_count=values["customersCount"],
        )
        items.append(Item(partner_id, {"id": partner_id, **values}))
    key = await accounts.key(distributor)

    for field in PARTNER_SORT_FIELDS:
        for direction in ("ASC", "DESC"):
            paged = await _read_pages(client, "partners", key, [field, direction])
            _check_pages(paged, items, field, direction)


async def test_customers_pages_cover_every_item(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    key = await accounts.key(await accounts.partner("Partner"))
    items = []
    for index in range(PAGED_COUNT):
        values = _paged_customer_values(index)
        customer_id = await data.customer(
            key,
            values["name"],
            country_id=values["countryId"],
            state=values["state"],
            plan_id=values["planId"],
            created_at=values["createdAt"],
            updated_at=values["updatedAt"],
        )
        items.append(Item(customer_id, {"id": customer_id, **values}))

    for field in CUSTOMER_SORT_FIELDS:
        for direction in ("ASC", "DESC"):
            paged = await _read_pages(client, "customers", key, [field, direction])
            _check_pages(paged, items, field, direction)
