"""What each API key may list.

A distributor key lists its own partners, and its own customers together with its
partners' customers. A partner key lists only its own customers. Filters that name
objects outside that scope match nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.domain.enums import Role
from tests.api.conftest import Accounts
from tests.api.listing_data import ListingData, get_list, listed_ids, listed_names

pytestmark = pytest.mark.anyio


@dataclass
class Tree:
    """Two distributors with partners, a partner without a distributor, and a customer
    of each account. Customer names are the owner's name followed by ' customer'."""

    distributor: uuid.UUID
    north: uuid.UUID
    south: uuid.UUID
    other_distributor: uuid.UUID
    other_partner: uuid.UUID
    standalone: uuid.UUID
    customers: dict[str, uuid.UUID]
    keys: dict[str, dict[str, str]]


@pytest.fixture
async def tree(client: httpx.AsyncClient, engine: AsyncEngine, accounts: Accounts) -> Tree:
    data = ListingData(client, engine, accounts)
    distributor = await accounts.distributor("Distributor")
    north = await accounts.partner("North", distributor)
    south = await accounts.partner("South", distributor)
    other_distributor = await accounts.distributor("Other Distributor")
    other_partner = await accounts.partner("Other Partner", other_distributor)
    standalone = await accounts.partner("Standalone")

    owners = {
        "Distributor": distributor,
        "North": north,
        "South": south,
        "Other Distributor": other_distributor,
        "Other Partner": other_partner,
        "Standalone": standalone,
    }
    keys = {name: await accounts.key(owner) for name, owner in owners.items()}
    customers = {}
    for name in owners:
        customers[name] = await data.customer(keys[name], f"{name} customer")
    # A second customer of North, created by its distributor's key.
    customers["North by distributor"] = await data.customer(
        keys["Distributor"], "North customer by distributor", partner_id=north
    )
    return Tree(
        distributor, north, south, other_distributor, other_partner, standalone, customers, keys
    )


async def test_partners_distributor_lists_own_partners(
    client: httpx.AsyncClient, tree: Tree
) -> None:
    response = await get_list(client, "partners", tree.keys["Distributor"], sort=["name", "ASC"])

    assert listed_names(response) == ["North", "South"]
    assert response.headers["X-Total-Count"] == "2"


async def test_partners_other_distributor_lists_its_partners(
    client: httpx.AsyncClient, tree: Tree
) -> None:
    response = await get_list(client, "partners", tree.keys["Other Distributor"])

    assert listed_names(response) == ["Other Partner"]


async def test_partners_reader_key_lists_partners(
    client: httpx.AsyncClient, accounts: Accounts, tree: Tree
) -> None:
    key = await accounts.key(tree.distributor, Role.PARTNER_READER)

    response = await get_list(client, "partners", key, sort=["name", "ASC"])

    assert listed_names(response) == ["North", "South"]


async def test_partners_partner_key_forbidden(client: httpx.AsyncClient, tree: Tree) -> None:
    response = await get_list(client, "partners", tree.keys["North"])

    assert response.status_code == 403


async def test_partners_ids_out_of_scope(client: httpx.AsyncClient, tree: Tree) -> None:
    out_of_scope = [tree.other_partner, tree.standalone, tree.other_distributor, tree.distributor]

    response = await get_list(
        client,
        "partners",
        tree.keys["Distributor"],
        filters={"id": [str(account) for account in out_of_scope]},
    )

    assert listed_ids(response) == []
    assert response.headers["Content-Range"] == "partners */0"


async def test_partners_ids_mixed_scope(client: httpx.AsyncClient, tree: Tree) -> None:
    response = await get_list(
        client,
        "partners",
        tree.keys["Distributor"],
        filters={"ids": [str(tree.north), str(tree.other_partner), str(tree.standalone)]},
    )

    assert listed_ids(response) == [tree.north]
    assert response.headers["X-Total-Count"] == "1"


async def test_partners_name_filter_stays_in_scope(client: httpx.AsyncClient, tree: Tree) -> None:
    """'Other Partner' and 'Standalone' exist but belong to no partner of this key."""
    response = await get_list(client, "partners", tree.keys["Distributor"], filters={"name": "o"})

    assert listed_names(response) == ["North", "South"]


async def test_customers_distributor_sees_partners_customers(
    client: httpx.AsyncClient, tree: Tree
) -> None:
    response = await get_list(client, "customers", tree.keys["Distributor"], sort=["name", "ASC"])

    assert listed_names(response) == [
        "Distributor customer",
        "North customer",
        "North customer by distributor",
        "South customer",
    ]
    assert response.headers["X-Total-Count"] == "4"


async def test_customers_partner_sees_own_only(client: httpx.AsyncClient, tree: Tree) -> None:
    response = await get_list(client, "customers", tree.keys["North"], sort=["name", "ASC"])

    assert listed_names(response) == ["North customer", "North customer by distributor"]


async def test_customers_standalone_partner_sees_own_only(
    client: httpx.AsyncClient, tree: Tree
) -> None:
    response = await get_list(client, "customers", tree.keys["Standalone"])

    assert listed_names(response) == ["Standalone customer"]


async def test_customers_other_distributor_scope(client: httpx.AsyncClient, tree: Tree) -> None:
    response = await get_list(
        client, "customers", tree.keys["Other Distributor"], sort=["name", "ASC"]
    )

    assert listed_names(response) == ["Other Distributor customer", "Other Partner customer"]


async def test_customers_reader_key_lists(
    client: httpx.AsyncClient, accounts: Accounts, tree: Tree
) -> None:
    key = await accounts.key(tree.south, Role.PARTNER_READER)

    response = await get_list(client, "customers", key)

    assert listed_names(response) == ["South customer"]


async def test_customers_partner_id_out_of_scope(client: httpx.AsyncClient, tree: Tree) -> None:
    for partner in (tree.other_partner, tree.standalone, tree.other_distributor):
        response = await get_list(
            client, "customers", tree.keys["Distributor"], filters={"partnerId": str(partner)}
        )
        assert listed_ids(response) == [], partner
        assert response.headers["X-Total-Count"] == "0", partner


async def test_customers_partner_key_other_partner_id(
    client: httpx.AsyncClient, tree: Tree
) -> None:
    """A partner key that names its sibling or its distributor finds nothing."""
    for partner in (tree.south, tree.distributor):
        response = await get_list(
            client, "customers", tree.keys["North"], filters={"partnerId": str(partner)}
        )
        assert listed_ids(response) == [], partner


async def test_customers_partner_id_in_scope(client: httpx.AsyncClient, tree: Tree) -> None:
    response = await get_list(
        client,
        "customers",
        tree.keys["Distributor"],
        filters={"partnerId": [str(tree.north), str(tree.other_partner)]},
        sort=["name", "ASC"],
    )

    assert listed_names(response) == ["North customer", "North customer by distributor"]


async def test_customers_ids_out_of_scope(client: httpx.AsyncClient, tree: Tree) -> None:
    outside = [
        tree.customers[name] for name in ("Other Distributor", "Other Partner", "Standalone")
    ]

    response = await get_list(
        client,
        "customers",
        tree.keys["Distributor"],
        filters={"id": [str(customer) for customer in outside]},
    )

    assert listed_ids(response) == []
    assert response.headers["Content-Range"] == "customers */0"


async def test_customers_ids_mixed_scope_for_partner(client: httpx.AsyncClient, tree: Tree) -> None:
    requested = [tree.customers[name] for name in ("North", "South", "Distributor")]

    response = await get_list(
        client,
        "customers",
        tree.keys["North"],
        filters={"ids": [str(customer) for customer in requested]},
    )

    assert listed_ids(response) == [tree.customers["North"]]
    assert response.headers["X-Total-Count"] == "1"
