"""Audit events of POST /v1/partners and POST /v1/customers: one per committed create,
none for a rejected one."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import RowMapping, select
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.domain.enums import Role
from partners_api.storage.tables import audit_events
from tests.api.conftest import Accounts

pytestmark = pytest.mark.anyio


def partner_body(number: int, **fields: object) -> dict[str, Any]:
    return {
        "email": f"owner{number}@partner.example.com",
        "firstName": "Pat",
        "lastName": "Owner",
        "partnerName": f"Audited Partner {number}",
        "code": f"audited-partner-{number}",
        **fields,
    }


def customer_body(number: int, **fields: object) -> dict[str, Any]:
    return {
        "countryId": "us",
        "email": f"owner{number}@customer.example.com",
        "customerName": f"Audited Customer {number}",
        "firstName": "Cus",
        "lastName": "Tomer",
        **fields,
    }


async def read_events(engine: AsyncEngine) -> list[RowMapping]:
    statement = select(audit_events).order_by(audit_events.c.occurred_at, audit_events.c.id)
    async with engine.connect() as connection:
        return list((await connection.execute(statement)).mappings().all())


async def new_events(engine: AsyncEngine, before: list[RowMapping]) -> list[RowMapping]:
    """Return the events recorded since ``before`` was read."""
    seen = {row["id"] for row in before}
    return [row for row in await read_events(engine) if row["id"] not in seen]


async def key_id_of(client: httpx.AsyncClient, headers: dict[str, str]) -> uuid.UUID:
    response = await client.get("/v1/me", headers=headers)
    assert response.status_code == 200, response.text
    return uuid.UUID(response.json()["id"])


@pytest.fixture
async def distributor(accounts: Accounts) -> uuid.UUID:
    return await accounts.distributor("Audit Distributor")


@pytest.fixture
async def distributor_headers(accounts: Accounts, distributor: uuid.UUID) -> dict[str, str]:
    return await accounts.key(distributor)


async def test_partner_create_records_event(
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    distributor: uuid.UUID,
    distributor_headers: dict[str, str],
) -> None:
    key_id = await key_id_of(client, distributor_headers)
    before = await read_events(engine)

    response = await client.post(
        "/v1/partners",
        json=partner_body(1),
        headers={**distributor_headers, "X-Request-ID": "audit-partner-create-1"},
    )

    assert response.status_code == 201, response.text
    events = await new_events(engine, before)
    assert len(events) == 1
    event = events[0]
    assert event["action"] == "partner.created"
    assert event["object_type"] == "partner"
    assert event["object_id"] == uuid.UUID(response.json()["id"])
    assert event["account_id"] == distributor
    assert event["api_key_id"] == key_id
    assert event["request_id"] == "audit-partner-create-1"


async def test_partner_create_generated_request_id(
    client: httpx.AsyncClient, engine: AsyncEngine, distributor_headers: dict[str, str]
) -> None:
    before = await read_events(engine)

    response = await client.post("/v1/partners", json=partner_body(1), headers=distributor_headers)

    assert response.status_code == 201, response.text
    events = await new_events(engine, before)
    assert len(events) == 1
    assert events[0]["request_id"] == response.headers["x-request-id"]


async def test_customer_create_records_event(
    client: httpx.AsyncClient, engine: AsyncEngine, accounts: Accounts, distributor: uuid.UUID
) -> None:
    partner = await accounts.partner("Audit Partner", parent=distributor)
    headers = await accounts.key(partner)
    key_id = await key_id_of(client, headers)
    before = await read_events(engine)

    response = await client.post(
        "/v1/customers",
        json=customer_body(1),
        headers={**headers, "X-Request-ID": "audit-customer-create-1"},
    )

    assert response.status_code == 201, response.text
    events = await new_events(engine, before)
    assert len(events) == 1
    event = events[0]
    assert event["action"] == "customer.created"
    assert event["object_type"] == "customer"
    assert event["object_id"] == uuid.UUID(response.json()["id"])
    assert event["account_id"] == partner
    assert event["api_key_id"] == key_id
    assert event["request_id"] == "audit-customer-create-1"


async def test_customer_for_partner_recorded_on_caller(
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    accounts: Accounts,
    distributor: uuid.UUID,
    distributor_headers: dict[str, str],
) -> None:
    partner = await accounts.partner("Owning Partner", parent=distributor)
    key_id = await key_id_of(client, distributor_headers)
    before = await read_events(engine)

    response = await client.post(
        "/v1/customers",
        json=customer_body(1, partnerId=str(partner)),
        headers={**distributor_headers, "X-Request-ID": "audit-customer-create-2"},
    )

    assert response.status_code == 201, response.text
    assert response.json()["partner"]["id"] == str(partner)
    events = await new_events(engine, before)
    assert len(events) == 1
    assert events[0]["account_id"] == distributor
    assert events[0]["api_key_id"] == key_id
    assert events[0]["request_id"] == "audit-customer-create-2"


async def test_rejected_partner_create_no_event(
    client: httpx.AsyncClient, engine: AsyncEngine, distributor_headers: dict[str, str]
) -> None:
    created = await client.post("/v1/partners", json=partner_body(1), headers=distributor_headers)
    assert created.status_code == 201, created.text
    before = await read_events(engine)

    duplicate_code = await client.post(
        "/v1/partners",
        json=partner_body(2, code="audited-partner-1"),
        headers=distributor_headers,
    )
    duplicate_email = await client.post(
        "/v1/partners",
        json=partner_body(3, email="owner1@partner.example.com"),
        headers=distributor_headers,
    )
    invalid = await client.post(
        "/v1/partners", json=partner_body(4, countryIds=["zz"]), headers=distributor_headers
    )
    missing = await client.post(
        "/v1/partners",
        json={key: value for key, value in partner_body(5).items() if key != "email"},
        headers=distributor_headers,
    )

    assert duplicate_code.status_code == 409
    assert duplicate_email.status_code == 409
    assert invalid.status_code == 422
    assert missing.status_code == 422
    assert await new_events(engine, before) == []


async def test_rejected_customer_create_no_event(
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    accounts: Accounts,
    distributor: uuid.UUID,
    distributor_headers: dict[str, str],
) -> None:
    created = await client.post("/v1/customers", json=customer_body(1), headers=distributor_headers)
    assert created.status_code == 201, created.text
    reader_headers = await accounts.key(distributor, Role.PARTNER_READER)
    before = await read_events(engine)

    duplicate = await client.post(
        "/v1/customers", json=customer_body(1), headers=distributor_headers
    )
    invalid = await client.post(
        "/v1/customers", json=customer_body(2, countryId="zz"), headers=distributor_headers
    )
    unknown_partner = await client.post(
        "/v1/customers",
        json=customer_body(3, partnerId=str(uuid.uuid4())),
        headers=distributor_headers,
    )
    reader = await client.post("/v1/customers", json=customer_body(4), headers=reader_headers)

    assert duplicate.status_code == 409
    assert invalid.status_code == 422
    assert unknown_partner.status_code == 422
    assert reader.status_code == 403
    assert await new_events(engine, before) == []


async def test_events_never_hold_tokens(
    client: httpx.AsyncClient, engine: AsyncEngine, distributor_headers: dict[str, str]
) -> None:
    token = distributor_headers["Authorization"].removeprefix("Bearer ")
    response = await client.post(
        "/v1/partners",
        json=partner_body(1),
        headers={**distributor_headers, "X-Request-ID": "audit-no-token"},
    )
    assert response.status_code == 201, response.text

    for row in await read_events(engine):
        for value in row.values():
            assert token not in str(value)
