"""What each key may see and name: its own tree of accounts, and nothing of other tenants."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.domain.enums import Role
from partners_api.storage import members as member_rows
from tests.api.conftest import Accounts
from tests.api.helpers import assert_problem, field_errors

pytestmark = pytest.mark.anyio


@dataclass
class Tree:
    """Two distributors, their partners, and a partner without a distributor."""

    distributor: uuid.UUID
    partner: uuid.UUID
    sibling: uuid.UUID
    other_distributor: uuid.UUID
    other_partner: uuid.UUID
    standalone: uuid.UUID

    distributor_key: dict[str, str]
    partner_key: dict[str, str]
    sibling_key: dict[str, str]
    other_distributor_key: dict[str, str]
    standalone_key: dict[str, str]


@pytest.fixture
async def tree(accounts: Accounts) -> Tree:
    distributor = await accounts.distributor("Distributor A")
    partner = await accounts.partner("Partner A1", parent=distributor)
    sibling = await accounts.partner("Partner A2", parent=distributor)
    other_distributor = await accounts.distributor("Distributor B")
    other_partner = await accounts.partner("Partner B1", parent=other_distributor)
    standalone = await accounts.partner("Standalone Partner")
    return Tree(
        distributor=distributor,
        partner=partner,
        sibling=sibling,
        other_distributor=other_distributor,
        other_partner=other_partner,
        standalone=standalone,
        distributor_key=await accounts.key(distributor),
        partner_key=await accounts.key(partner),
        sibling_key=await accounts.key(sibling),
        other_distributor_key=await accounts.key(other_distributor),
        standalone_key=await accounts.key(standalone),
    )


def customer_body(name: str, **fields: Any) -> dict[str, Any]:
    slug = name.lower().replace(" ", "-")
    return {
        "customerName": name,
        "email": f"admin@{slug}.example.com",
        "firstName": "Jane",
        "lastName": "Roe",
        "countryId": "us",
        **fields,
    }


async def create_customer(
    client: httpx.AsyncClient, headers: dict[str, str], name: str, **fields: Any
) -> dict[str, Any]:
    response = await client.post(
        "/v1/customers", json=customer_body(name, **fields), headers=headers
    )
    assert response.status_code == 201, response.text
    customer: dict[str, Any] = response.json()
    return customer


async def first_member_id(
    client: httpx.AsyncClient, headers: dict[str, str], partner_id: uuid.UUID
) -> str:
    response = await client.get(f"/v1/partners/{partner_id}", headers=headers)
    assert response.status_code == 200, response.text
    member_id: str = response.json()["contactData"]["members"][0]["id"]
    return member_id


async def listed_ids(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> set[str]:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()}


# GET by id outside the caller's scope


async def test_distributor_cannot_get_other_distributors_partner(
    client: httpx.AsyncClient, tree: Tree
) -> None:
    response = await client.get(f"/v1/partners/{tree.other_partner}", headers=tree.distributor_key)
    body = assert_problem(response, 404)
    assert body["detail"] == f"Partner {tree.other_partner} not found."


@pytest.mark.parametrize("target", ["standalone", "distributor", "other_distributor"])
async def test_distributor_gets_only_its_own_partners(
    client: httpx.AsyncClient, tree: Tree, target: str
) -> None:
    account_id = getattr(tree, target)
    response = await client.get(f"/v1/partners/{account_id}", headers=tree.distributor_key)
    body = assert_problem(response, 404)
    assert body["detail"] == f"Partner {account_id} not found."


async def test_unknown_partner_is_404_like_foreign_one(
    client: httpx.AsyncClient, tree: Tree
) -> None:
    unknown = uuid.uuid4()
    response = await client.get(f"/v1/partners/{unknown}", headers=tree.distributor_key)
    body = assert_problem(response, 404)
    assert body["detail"] == f"Partner {unknown} not found."


async def test_distributor_cannot_get_other_distributors_customer(
    client: httpx.AsyncClient, tree: Tree
) -> None:
    foreign = await create_customer(client, tree.other_distributor_key, "Foreign Customer")
    foreign_of_partner = await create_customer(
        client,
        tree.other_distributor_key,
        "Foreign Partner Customer",
        partnerId=str(tree.other_partner),
    )
    for customer in (foreign, foreign_of_partner):
        response = await client.get(f"/v1/customers/{customer['id']}", headers=tree.distributor_key)
        body = assert_problem(response, 404)
        assert body["detail"] == f"Customer {customer['id']} not found."


async def test_partner_key_does_not_see_sibling_customer(
    client: httpx.AsyncClient, tree: Tree
) -> None:
    sibling_customer = await create_customer(client, tree.sibling_key, "Sibling Customer")
    response = await client.get(f"/v1/customers/{sibling_customer['id']}", headers=tree.partner_key)
    assert_problem(response, 404)
    assert await listed_ids(client, "/v1/customers", tree.partner_key) == set()


async def test_partner_key_does_not_see_distributors_customer(
    client: httpx.AsyncClient, tree: Tree
) -> None:
    own_customer = await create_customer(client, tree.distributor_key, "Distributor Customer")
    response = await client.get(f"/v1/customers/{own_customer['id']}", headers=tree.partner_key)
    assert_problem(response, 404)


async def test_standalone_partner_key_sees_only_its_customers(
    client: httpx.AsyncClient, tree: Tree
) -> None:
    own = await create_customer(client, tree.standalone_key, "Standalone Customer")
    await create_customer(client, tree.partner_key, "Partner Customer")
    assert await listed_ids(client, "/v1/customers", tree.standalone_key) == {own["id"]}


async def test_other_distributor_lists_nothing_of_ours(
    client: httpx.AsyncClient, tree: Tree
) -> None:
    await create_customer(client, tree.distributor_key, "Distributor Customer")
    await create_customer(client, tree.partner_key, "Partner Customer")
    partners = await listed_ids(client, "/v1/partners", tree.other_distributor_key)
    assert partners == {str(tree.other_partner)}
    assert await listed_ids(client, "/v1/customers", tree.other_distributor_key) == set()


# partnerId of POST /v1/customers


@pytest.mark.parametrize("target", ["other_partner", "standalone", "other_distributor"])
async def test_distributor_cannot_name_foreign_partner(
    client: httpx.AsyncClient, tree: Tree, target: str
) -> None:
    account_id = getattr(tree, target)
    response = await client.post(
        "/v1/customers",
        json=customer_body("Misplaced Customer", partnerId=str(account_id)),
        headers=tree.distributor_key,
    )
    errors = field_errors(response)
    assert list(errors) == ["partnerId"]
    assert str(account_id) in errors["partnerId"]


async def test_distributor_cannot_name_unknown_partner(
    client: httpx.AsyncClient, tree: Tree
) -> None:
    response = await client.post(
        "/v1/customers",
        json=customer_body("Misplaced Customer", partnerId=str(uuid.uuid4())),
        headers=tree.distributor_key,
    )
    assert "partnerId" in field_errors(response)


@pytest.mark.parametrize("target", ["sibling", "distributor", "other_partner", "standalone"])
async def test_partner_key_cannot_name_other_account(
    client: httpx.AsyncClient, tree: Tree, target: str
) -> None:
    response = await client.post(
        "/v1/customers",
        json=customer_body("Misplaced Customer", partnerId=str(getattr(tree, target))),
        headers=tree.partner_key,
    )
    errors = field_errors(response)
    assert list(errors) == ["partnerId"]


async def test_partner_key_may_name_itself(client: httpx.AsyncClient, tree: Tree) -> None:
    customer = await create_customer(
        client, tree.partner_key, "Own Customer", partnerId=str(tree.partner).upper()
    )
    assert customer["partner"]["id"] == str(tree.partner)


async def test_rejected_partner_id_creates_nothing(client: httpx.AsyncClient, tree: Tree) -> None:
    response = await client.post(
        "/v1/customers",
        json=customer_body("Misplaced Customer", partnerId=str(tree.other_partner)),
        headers=tree.distributor_key,
    )
    assert response.status_code == 422
    assert await listed_ids(client, "/v1/customers", tree.other_distributor_key) == set()
    # The email stays free, so the same body succeeds once it names an allowed partner.
    await create_customer(client, tree.distributor_key, "Misplaced Customer")


async def test_distributor_may_name_itself(client: httpx.AsyncClient, tree: Tree) -> None:
    customer = await create_customer(
        client, tree.distributor_key, "Direct Customer", partnerId=str(tree.distributor)
    )
    assert customer["partner"] == {
        "id": str(tree.distributor),
        "name": "Distributor A",
        "type": "Distributor",
    }
    assert await listed_ids(client, "/v1/customers", tree.distributor_key) == {customer["id"]}
    assert await listed_ids(client, "/v1/customers", tree.partner_key) == set()


# partnerMemberIdForCustomerSupport


async def test_support_member_of_other_account_is_422(
    client: httpx.AsyncClient, tree: Tree
) -> None:
    sibling_member = await first_member_id(client, tree.distributor_key, tree.sibling)
    response = await client.post(
        "/v1/customers",
        json=customer_body(
            "Supported Customer",
            partnerId=str(tree.partner),
            partnerMemberIdForCustomerSupport=sibling_member,
        ),
        headers=tree.distributor_key,
    )
    errors = field_errors(response)
    assert list(errors) == ["partnerMemberIdForCustomerSupport"]
    assert sibling_member in errors["partnerMemberIdForCustomerSupport"]


async def test_partner_key_cannot_name_sibling_member(
    client: httpx.AsyncClient, tree: Tree
) -> None:
    partner_member = await first_member_id(client, tree.distributor_key, tree.partner)
    response = await client.post(
        "/v1/customers",
        json=customer_body("Supported Customer", partnerMemberIdForCustomerSupport=partner_member),
        headers=tree.sibling_key,
    )
    assert list(field_errors(response)) == ["partnerMemberIdForCustomerSupport"]


async def test_distributor_member_cannot_support_partner_customer(
    client: httpx.AsyncClient, tree: Tree, engine: AsyncEngine
) -> None:
    async with engine.connect() as connection:
        members = await member_rows.by_account(connection, [tree.distributor])
    distributor_member = str(members[tree.distributor][0]["id"])
    response = await client.post(
        "/v1/customers",
        json=customer_body(
            "Supported Customer",
            partnerId=str(tree.partner),
            partnerMemberIdForCustomerSupport=distributor_member,
        ),
        headers=tree.distributor_key,
    )
    assert list(field_errors(response)) == ["partnerMemberIdForCustomerSupport"]


async def test_customer_member_cannot_be_support_member(
    client: httpx.AsyncClient, tree: Tree
) -> None:
    customer = await create_customer(client, tree.partner_key, "First Customer")
    customer_member = customer["contactData"]["members"][0]["id"]
    response = await client.post(
        "/v1/customers",
        json=customer_body("Second Customer", partnerMemberIdForCustomerSupport=customer_member),
        headers=tree.partner_key,
    )
    assert list(field_errors(response)) == ["partnerMemberIdForCustomerSupport"]


async def test_support_member_of_owner_is_accepted(client: httpx.AsyncClient, tree: Tree) -> None:
    member = await first_member_id(client, tree.distributor_key, tree.partner)
    customer = await create_customer(
        client,
        tree.distributor_key,
        "Supported Customer",
        partnerId=str(tree.partner),
        partnerMemberIdForCustomerSupport=member,
    )
    assert customer["partnerMemberIdForCustomerSupport"] == member


# Customers of a partner created by its distributor


async def test_partner_customer_visible_to_distributor_and_partner(
    client: httpx.AsyncClient, tree: Tree
) -> None:
    customer = await create_customer(
        client, tree.distributor_key, "Shared Customer", partnerId=str(tree.partner)
    )
    path = f"/v1/customers/{customer['id']}"

    as_distributor = await client.get(path, headers=tree.distributor_key)
    as_partner = await client.get(path, headers=tree.partner_key)
    as_sibling = await client.get(path, headers=tree.sibling_key)
    as_other = await client.get(path, headers=tree.other_distributor_key)

    assert as_distributor.status_code == 200
    assert as_distributor.json() == customer
    assert as_partner.status_code == 200
    assert as_partner.json() == customer
    assert as_sibling.status_code == 404
    assert as_other.status_code == 404
    assert await listed_ids(client, "/v1/customers", tree.distributor_key) == {customer["id"]}
    assert await listed_ids(client, "/v1/customers", tree.partner_key) == {customer["id"]}
    assert customer["partner"] == {"id": str(tree.partner), "name": "Partner A1", "type": "Partner"}


async def test_partner_created_by_api_gets_its_customers(
    client: httpx.AsyncClient, tree: Tree, accounts: Accounts
) -> None:
    created = await client.post(
        "/v1/partners",
        json={
            "email": "owner@new-partner.example.com",
            "firstName": "Nora",
            "lastName": "Owner",
            "partnerName": "New Partner",
        },
        headers=tree.distributor_key,
    )
    assert created.status_code == 201
    new_partner = uuid.UUID(created.json()["id"])
    customer = await create_customer(
        client, tree.distributor_key, "New Partner Customer", partnerId=str(new_partner)
    )
    new_partner_key = await accounts.key(new_partner, Role.PARTNER_READER)

    assert await listed_ids(client, "/v1/customers", new_partner_key) == {customer["id"]}
    assert await listed_ids(client, "/v1/customers", tree.distributor_key) == {customer["id"]}
    assert await listed_ids(client, "/v1/customers", tree.partner_key) == set()
