"""POST /v1/customers: the created customer, its owner's counter, conflicts and validation."""

from __future__ import annotations

import asyncio
import calendar
import datetime as dt
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.domain.apikeys import create_key, revoke_key
from partners_api.domain.enums import Role
from partners_api.http.app import create_app
from partners_api.settings import Settings
from partners_api.storage.database import write_transaction
from tests.api.conftest import Accounts
from tests.api.document_examples import CUSTOMER_CREATE_BODY, CUSTOMER_CREATED_RESPONSE
from tests.api.helpers import assert_problem, field_errors, insert_account, insert_member

pytestmark = pytest.mark.anyio

DOCUMENT_PARTNER_ID = uuid.UUID(CUSTOMER_CREATE_BODY["partnerId"])
DOCUMENT_MEMBER_ID = uuid.UUID(CUSTOMER_CREATE_BODY["partnerMemberIdForCustomerSupport"])
OWN_ACCOUNT_BODY = {
    key: value for key, value in CUSTOMER_CREATE_BODY.items() if not key.startswith("partner")
}


def customer_body(number: int, **fields: Any) -> dict[str, Any]:
    return {
        "customerName": f"Customer {number}",
        "email": f"admin{number}@customer.example.com",
        "firstName": "Jane",
        "lastName": "Roe",
        "countryId": "us",
        **fields,
    }


def one_month_later(moment: dt.datetime) -> dt.datetime:
    year = moment.year + moment.month // 12
    month = moment.month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@pytest.fixture
async def distributor(accounts: Accounts) -> uuid.UUID:
    return await accounts.distributor("Example Distributor")


@pytest.fixture
async def headers(accounts: Accounts, distributor: uuid.UUID) -> dict[str, str]:
    return await accounts.key(distributor)


@pytest.fixture
async def document_partner(engine: AsyncEngine, distributor: uuid.UUID) -> uuid.UUID:
    """The partner and member that the document's request names, under ``distributor``."""
    await insert_account(
        engine,
        account_id=DOCUMENT_PARTNER_ID,
        name="Example Partner",
        code="example-partner",
        parent_id=distributor,
        country_ids=["us"],
    )
    await insert_member(
        engine,
        member_id=DOCUMENT_MEMBER_ID,
        account_id=DOCUMENT_PARTNER_ID,
        email="support@partner.example.com",
        first_name="Sam",
        last_name="Support",
    )
    return DOCUMENT_PARTNER_ID


async def get_json(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> Any:
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


# The document's request


async def test_document_body_creates_customer(
    client: httpx.AsyncClient, headers: dict[str, str], document_partner: uuid.UUID
) -> None:
    response = await client.post("/v1/customers", json=CUSTOMER_CREATE_BODY, headers=headers)

    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/json"
    customer = response.json()
    assert response.headers["location"] == f"/v1/customers/{customer['id']}"
    assert uuid.UUID(customer["id"]).version == 7
    assert customer["name"] == "Example Customer"
    assert customer["countryId"] == "us"
    assert customer["state"] == "Trialing"
    assert customer["planId"] == "ent-4sc-y"
    assert customer["ownerType"] == "Customer"
    assert customer["signUpData"] == {
        "originType": "PartnerApiKey",
        "websiteUrl": "https://customer.example.com",
    }
    assert customer["partner"] == {
        "id": str(document_partner),
        "name": "Example Partner",
        "type": "Partner",
    }
    assert customer["partnerMemberIdForCustomerSupport"] == str(DOCUMENT_MEMBER_ID)
    assert customer["counters"] == CUSTOMER_CREATED_RESPONSE["counters"]
    assert customer["updatedAt"] == customer["createdAt"]


async def test_document_body_creates_account_admin(
    client: httpx.AsyncClient, headers: dict[str, str], document_partner: uuid.UUID
) -> None:
    response = await client.post("/v1/customers", json=CUSTOMER_CREATE_BODY, headers=headers)
    (member,) = response.json()["contactData"]["members"]
    assert uuid.UUID(member["id"]).version == 7
    assert member == {
        "id": member["id"],
        "name": "John Doe",
        "email": "john.doe@customer.example.com",
        "phoneNumber": "+1 234 555-0001",
        "languageId": "en",
        "timeZoneId": "US/Eastern",
        "roles": ["AccountAdmin"],
    }


async def test_new_customer_tts_usage(
    client: httpx.AsyncClient, headers: dict[str, str], document_partner: uuid.UUID
) -> None:
    response = await client.post("/v1/customers", json=CUSTOMER_CREATE_BODY, headers=headers)
    customer = response.json()
    created_at = dt.datetime.fromisoformat(customer["createdAt"])
    period_start = created_at.replace(minute=0, second=0, microsecond=0)

    usage = customer["ttsUsage"]
    assert usage["maxChars"] == 1_500_000
    assert usage["usedChars"] == 0
    assert usage["isLimitReached"] is False
    assert usage["usageDetails"] == []
    assert usage["monthlyPeriod"]["startAt"] == period_start.isoformat()
    assert usage["monthlyPeriod"]["endAt"] == one_month_later(period_start).isoformat()


async def test_location_returns_created_customer(
    client: httpx.AsyncClient, headers: dict[str, str], document_partner: uuid.UUID
) -> None:
    response = await client.post("/v1/customers", json=CUSTOMER_CREATE_BODY, headers=headers)
    fetched = await get_json(client, response.headers["location"], headers)
    assert fetched == response.json()
    assert await get_json(client, "/v1/customers", headers) == [response.json()]


async def test_created_object_equals_its_get_for_the_distributor_own_customer(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    # The create returns an object built from the values it wrote, not read back.
    body = customer_body(7, phoneNumber="+1 202 555 0147", websiteUrl="https://example.com")
    response = await client.post("/v1/customers", json=body, headers=headers)

    assert response.status_code == 201, response.text
    assert await get_json(client, response.headers["location"], headers) == response.json()


async def test_plan_and_tts_limit_follow_settings(
    engine: AsyncEngine, database_url: str, headers: dict[str, str]
) -> None:
    settings = Settings(database_url=database_url, trial_plan_id="trial-2", tts_max_chars=1000)
    transport = httpx.ASGITransport(app=create_app(settings, engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.post("/v1/customers", json=OWN_ACCOUNT_BODY, headers=headers)
    assert response.status_code == 201
    assert response.json()["planId"] == "trial-2"
    assert response.json()["ttsUsage"]["maxChars"] == 1000


async def test_minimal_body_takes_defaults(
    client: httpx.AsyncClient, headers: dict[str, str], distributor: uuid.UUID
) -> None:
    response = await client.post("/v1/customers", json=customer_body(1), headers=headers)
    assert response.status_code == 201
    customer = response.json()
    member = customer["contactData"]["members"][0]
    assert customer["partner"]["id"] == str(distributor)
    assert customer["partner"]["type"] == "Distributor"
    assert customer["partnerMemberIdForCustomerSupport"] is None
    assert customer["signUpData"]["originType"] == "PartnerApiKey"
    assert member["languageId"] == "en"
    assert member["timeZoneId"] == "UTC"
    assert member["phoneNumber"] is None


async def test_country_in_upper_case_stored_lower(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.post(
        "/v1/customers", json=customer_body(1, countryId="AR"), headers=headers
    )
    assert response.json()["countryId"] == "ar"


# customersCount of the owner


async def test_customers_count_rises_per_create(
    client: httpx.AsyncClient, headers: dict[str, str], accounts: Accounts, distributor: uuid.UUID
) -> None:
    partner = await accounts.partner("Counting Partner", parent=distributor)
    partner_headers = await accounts.key(partner)
    path = f"/v1/partners/{partner}"
    assert (await get_json(client, path, headers))["customersCount"] == 0

    for number in range(1, 4):
        body = customer_body(number, partnerId=str(partner))
        response = await client.post("/v1/customers", json=body, headers=headers)
        assert response.status_code == 201
        assert (await get_json(client, path, headers))["customersCount"] == number

    response = await client.post("/v1/customers", json=customer_body(4), headers=partner_headers)
    assert response.status_code == 201
    assert (await get_json(client, path, headers))["customersCount"] == 4


async def test_rejected_create_leaves_count(
    client: httpx.AsyncClient, headers: dict[str, str], accounts: Accounts, distributor: uuid.UUID
) -> None:
    partner = await accounts.partner("Counting Partner", parent=distributor)
    body = customer_body(1, partnerId=str(partner))
    assert (await client.post("/v1/customers", json=body, headers=headers)).status_code == 201
    duplicate = await client.post("/v1/customers", json=body, headers=headers)
    assert duplicate.status_code == 409
    invalid = await client.post(
        "/v1/customers",
        json={**customer_body(2, partnerId=str(partner)), "countryId": "zz"},
        headers=headers,
    )
    assert invalid.status_code == 422
    assert (await get_json(client, f"/v1/partners/{partner}", headers))["customersCount"] == 1


async def test_concurrent_creates_all_counted(
    client: httpx.AsyncClient, headers: dict[str, str], accounts: Accounts, distributor: uuid.UUID
) -> None:
    partner = await accounts.partner("Busy Partner", parent=distributor)
    bodies = [customer_body(number, partnerId=str(partner)) for number in range(20)]

    responses = await asyncio.gather(
        *(client.post("/v1/customers", json=body, headers=headers) for body in bodies)
    )

    assert [response.status_code for response in responses] == [201] * 20
    assert len({response.json()["id"] for response in responses}) == 20
    assert (await get_json(client, f"/v1/partners/{partner}", headers))["customersCount"] == 20
    listing = await client.get("/v1/customers", headers=headers)
    assert listing.headers["x-total-count"] == "20"


async def test_concurrent_same_email_creates_one(
    client: httpx.AsyncClient, headers: dict[str, str], accounts: Accounts, distributor: uuid.UUID
) -> None:
    partner = await accounts.partner("Busy Partner", parent=distributor)
    body = customer_body(1, partnerId=str(partner))

    responses = await asyncio.gather(
        *(client.post("/v1/customers", json=body, headers=headers) for _ in range(10))
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * 9
    for response in responses:
        if response.status_code == 409:
            assert list(field_errors(response, 409)) == ["email"]
    assert (await get_json(client, f"/v1/partners/{partner}", headers))["customersCount"] == 1
    assert len(await get_json(client, "/v1/customers", headers)) == 1


# Conflicts


@pytest.mark.parametrize("email", ["admin1@customer.example.com", "ADMIN1@Customer.Example.com"])
async def test_email_of_other_customer_is_409(
    client: httpx.AsyncClient, headers: dict[str, str], email: str
) -> None:
    first = await client.post("/v1/customers", json=customer_body(1), headers=headers)
    assert first.status_code == 201
    response = await client.post(
        "/v1/customers", json=customer_body(2, email=email), headers=headers
    )
    errors = field_errors(response, 409)
    assert list(errors) == ["email"]
    assert email in errors["email"]
    assert len(await get_json(client, "/v1/customers", headers)) == 1


async def test_email_of_partner_member_is_409(
    client: httpx.AsyncClient, headers: dict[str, str], document_partner: uuid.UUID
) -> None:
    body = {**CUSTOMER_CREATE_BODY, "email": "Support@Partner.Example.com"}
    response = await client.post("/v1/customers", json=body, headers=headers)
    assert list(field_errors(response, 409)) == ["email"]


# counters.apiKeys of a partner


async def test_partner_counts_created_and_revoked_keys(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    accounts: Accounts,
    engine: AsyncEngine,
    distributor: uuid.UUID,
) -> None:
    partner = await accounts.partner("Keyed Partner", parent=distributor)
    path = f"/v1/partners/{partner}"
    assert (await get_json(client, path, headers))["counters"] == {
        "apiKeys": {"created": 0, "deleted": 0}
    }

    async with write_transaction(engine) as connection:
        first, _ = await create_key(connection, partner, Role.PARTNER_ADMIN)
        await create_key(connection, partner, Role.PARTNER_READER)
        await create_key(connection, partner, Role.PARTNER_READER)
    async with write_transaction(engine) as connection:
        await revoke_key(connection, uuid.UUID(first["id"]))
    async with write_transaction(engine) as connection:
        await revoke_key(connection, uuid.UUID(first["id"]))

    partner_view = await get_json(client, path, headers)
    assert partner_view["counters"] == {"apiKeys": {"created": 3, "deleted": 1}}
    listed = await get_json(client, "/v1/partners", headers)
    assert listed[0]["counters"] == {"apiKeys": {"created": 3, "deleted": 1}}


# Validation


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("customerName", ""),
        ("customerName", " " * 3),
        ("customerName", "c" * 201),
        ("email", "john.doe"),
        ("firstName", ""),
        ("lastName", "l" * 201),
        ("countryId", "usa"),
        ("countryId", "zz"),
        ("countryId", ""),
        ("languageId", "english"),
        ("timeZoneId", "Eastern"),
        ("websiteUrl", "ftp://customer.example.com"),
        ("websiteUrl", "customer.example.com"),
        ("phoneNumber", "+1 234"),
        ("phoneNumber", "555-0001"),
        ("partnerId", "not-a-uuid"),
        ("partnerId", "019cea04b0027271be0b3fdbbc483ab9"),
        ("partnerMemberIdForCustomerSupport", "member-1"),
        ("partnerMemberIdForCustomerSupport", 12),
        ("countryId", ["us"]),
    ],
)
async def test_invalid_field_is_422_at_its_path(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    document_partner: uuid.UUID,
    path: str,
    value: object,
) -> None:
    response = await client.post(
        "/v1/customers", json={**CUSTOMER_CREATE_BODY, path: value}, headers=headers
    )
    assert list(field_errors(response)) == [path]
    assert await get_json(client, "/v1/customers", headers) == []


@pytest.mark.parametrize("path", ["customerName", "email", "firstName", "lastName", "countryId"])
async def test_missing_required_field_is_422(
    client: httpx.AsyncClient, headers: dict[str, str], path: str
) -> None:
    body = {key: value for key, value in OWN_ACCOUNT_BODY.items() if key != path}
    response = await client.post("/v1/customers", json=body, headers=headers)
    assert field_errors(response) == {path: f"Missing required field: provide {path}."}


async def test_partner_fields_of_partners_schema_are_unknown(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = {**OWN_ACCOUNT_BODY, "partnerName": "Example Partner", "contactData": {}}
    response = await client.post("/v1/customers", json=body, headers=headers)
    assert set(field_errors(response)) == {"partnerName", "contactData"}


async def test_upper_case_ids_accepted(
    client: httpx.AsyncClient, headers: dict[str, str], document_partner: uuid.UUID
) -> None:
    body = {
        **CUSTOMER_CREATE_BODY,
        "partnerId": CUSTOMER_CREATE_BODY["partnerId"].upper(),
        "partnerMemberIdForCustomerSupport": str(DOCUMENT_MEMBER_ID).upper(),
    }
    response = await client.post("/v1/customers", json=body, headers=headers)
    assert response.status_code == 201
    assert response.json()["partner"]["id"] == str(DOCUMENT_PARTNER_ID)
    assert response.json()["partnerMemberIdForCustomerSupport"] == str(DOCUMENT_MEMBER_ID)


async def test_unknown_support_member_is_422(
    client: httpx.AsyncClient, headers: dict[str, str], document_partner: uuid.UUID
) -> None:
    body = {**CUSTOMER_CREATE_BODY, "partnerMemberIdForCustomerSupport": str(uuid.uuid4())}
    response = await client.post("/v1/customers", json=body, headers=headers)
    problem = assert_problem(response, 422)
    assert list(problem["errors"]) == ["partnerMemberIdForCustomerSupport"]
