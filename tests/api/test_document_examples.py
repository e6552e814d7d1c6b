"""The API document's curl commands, sent byte for byte as curl sends them.

The data is seeded to match the document's examples, and each response is compared with
the example response key by key."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.domain.enums import AccountType, Role
from tests.api.conftest import Accounts
from tests.api.document_examples import (
    CUSTOMER_CREATE_BODY,
    CUSTOMER_CREATE_DATA_RAW,
    CUSTOMER_CREATED_RESPONSE,
    CUSTOMERS_LIST_QUERY,
    CUSTOMERS_LIST_RESPONSE,
    PARTNER_CREATE_DATA_RAW,
    PARTNER_CREATED_RESPONSE,
    PARTNERS_LIST_QUERY,
    PARTNERS_LIST_RESPONSE,
)
from tests.api.helpers import insert_account, insert_customer, insert_member

pytestmark = pytest.mark.anyio

# Keys whose values the document's examples cannot predict: new ids and the clock.
ID_KEYS = frozenset({"id"})
TIMESTAMP_KEYS = frozenset({"createdAt", "updatedAt", "startAt", "endAt"})
TIMESTAMP_PATTERN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?")

# Headers that curl 8 sends with every request besides the ones on its command line.
CURL_HEADERS = {"User-Agent": "curl/8.5.0", "Accept": "*/*"}


def json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def mismatches(
    document: object,
    ours: object,
    path: str = "",
    ignored_values: frozenset[str] = frozenset(),
    *,
    compare_values: bool = True,
) -> list[str]:
    """List where ``ours`` departs from the document's ``document``.

    Every key of a document object must be in ours with the same JSON type, recursively.
    Array items are compared with the document's item at the same index. Items beyond
    the document's array are compared with its first item by type alone. Scalar values
    must be equal, except ids and timestamps, which must only have their format, and the
    paths in ``ignored_values``.
    """
    label = path or "the root"
    if json_type(document) != json_type(ours):
        return [f"{label}: expected {json_type(document)}, got {json_type(ours)}"]

    if isinstance(document, dict):
        assert isinstance(ours, dict)
        found: list[str] = []
        for key, value in document.items():
            child = _join(path, key)
            if key not in ours:
                found.append(f"{child}: missing")
            else:
                found.extend(
                    mismatches(
                        value, ours[key], child, ignored_values, compare_values=compare_values
                    )
                )
        return found

    if isinstance(document, list):
        assert isinstance(ours, list)
        if document and not ours:
            return [f"{label}: expected items, got an empty array"]
        found = []
        for index, item in enumerate(ours if document else []):
            within = index < len(document)
            found.extend(
                mismatches(
                    document[index] if within else document[0],
                    item,
                    _join(path, index),
                    ignored_values,
                    compare_values=compare_values and within,
                )
            )
        return found

    key = path.rsplit(".", 1)[-1]
    if key in ID_KEYS:
        return [] if _is_uuid(ours) else [f"{label}: {ours!r} is not a UUID"]
    if key in TIMESTAMP_KEYS:
        matched = isinstance(ours, str) and TIMESTAMP_PATTERN.fullmatch(ours)
        return [] if matched else [f"{label}: {ours!r} is not a timestamp"]
    if not compare_values or path in ignored_values or document == ours:
        return []
    return [f"{label}: expected {document!r}, got {ours!r}"]


def _join(path: str, key: str | int) -> str:
    return f"{path}.{key}" if path else str(key)


def _is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def curl_query(arguments: list[tuple[str, str]]) -> str:
    """Build the query string of ``curl --get --data-urlencode 'name=value' ...``.

    curl percent-encodes every byte of the value except letters, digits and ``-._~``,
    and writes the name as given.
    """
    return "&".join(f"{name}={urllib.parse.quote(value, safe='')}" for name, value in arguments)


async def curl_get(
    client: httpx.AsyncClient, path: str, arguments: list[tuple[str, str]], token: dict[str, str]
) -> httpx.Response:
    query = curl_query(arguments)
    request = client.build_request("GET", f"{path}?{query}", headers={**CURL_HEADERS, **token})
    assert request.url.query == query.encode()
    return await client.send(request)


async def curl_post(
    client: httpx.AsyncClient, path: str, data_raw: str, token: dict[str, str]
) -> httpx.Response:
    """Send ``curl --request POST --data-raw DATA``: curl labels the body as a form."""
    headers = {
        **CURL_HEADERS,
        **token,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    request = client.build_request("POST", path, content=data_raw.encode(), headers=headers)
    assert request.content == data_raw.encode()
    return await client.send(request)


# The comparison itself


def test_mismatches_finds_missing_key() -> None:
    document = {"contactData": {"public": {"web": "https://a.example.com"}}}
    ours: dict[str, Any] = {"contactData": {"public": {}}}
    assert mismatches(document, ours) == ["contactData.public.web: missing"]


def test_mismatches_finds_other_type() -> None:
    document = {"counters": {"apiKeys": {"created": 0}}, "countryIds": ["us"]}
    ours = {"counters": {"apiKeys": {"created": "0"}}, "countryIds": "us"}
    assert mismatches(document, ours) == [
        "counters.apiKeys.created: expected integer, got string",
        "countryIds: expected array, got string",
    ]


def test_mismatches_checks_array_items_and_values() -> None:
    document = {"members": [{"roles": ["PartnerAdmin"]}], "state": "Active"}
    ours = {
        "members": [{"roles": ["PartnerReader"]}, {"roles": ["AccountAdmin", 1]}],
        "state": "Pending",
    }
    assert mismatches(document, ours) == [
        "members.0.roles.0: expected 'PartnerAdmin', got 'PartnerReader'",
        "members.1.roles.1: expected string, got integer",
        "state: expected 'Active', got 'Pending'",
    ]


def test_mismatches_accepts_new_ids_and_times_and_extra_keys() -> None:
    document = {"id": str(uuid.uuid4()), "createdAt": "2026-03-14T01:45:01.717"}
    ours = {"id": str(uuid.uuid4()), "createdAt": "2026-12-01T00:00:00", "logo": None}
    assert mismatches(document, ours) == []
    assert mismatches(document, {**ours, "id": "42"}) == ["id: '42' is not a UUID"]


def test_mismatches_finds_empty_array() -> None:
    assert mismatches({"members": [{"id": 1}]}, {"members": []}) == [
        "members: expected items, got an empty array"
    ]


# GET /v1/partners and GET /v1/customers against the document's examples


DISTRIBUTOR_ID = uuid.UUID("019cea04-b00f-76a3-b584-025a91dc697e")
ACME_ID = uuid.UUID("019cea04-b015-7f54-a7dd-6e5c198f15a9")
ACME_MEMBER_ID = uuid.UUID("019cea04-b016-75ea-8b2f-a87a96005e82")
EXAMPLE_PARTNER_ID = uuid.UUID("019cea04-b00f-76a3-b584-025a91dc697f")
CUSTOMER_ID = uuid.UUID("019d06bc-cce2-7310-99b4-fc67f0090456")
CUSTOMER_MEMBER_ID = uuid.UUID("019d06bc-ccea-7ad7-b6bd-76bb684636fd")
# The document's customers request filters on names containing "Customer Name", which
# its example response "Example Customer" does not contain, so the seeded customer that
# plays the example carries this name instead.
LISTED_CUSTOMER_NAME = "Customer Name"


async def seed_listed_examples(engine: AsyncEngine) -> None:
    """Insert the accounts and customers of the document's list examples, plus rows that
    the example filters must leave out."""
    acme = PARTNERS_LIST_RESPONSE[0]
    acme_member = acme["contactData"]["members"][0]
    await insert_account(
        engine,
        account_id=DISTRIBUTOR_ID,
        account_type=AccountType.DISTRIBUTOR,
        name=acme["parent"]["name"],
        code="distributor-name",
        contact_data=acme["parent"]["contactData"],
        created_at=dt.datetime(2026, 2, 1, 9, 0, 0),
    )
    await insert_account(
        engine,
        account_id=ACME_ID,
        name=acme["name"],
        code=acme["code"],
        parent_id=DISTRIBUTOR_ID,
        country_ids=acme["countryIds"],
        level=acme["level"],
        state=acme["state"],
        sign_up_data=acme["signUpData"],
        contact_data=acme["contactData"]["public"],
        customers_count=acme["customersCount"],
        created_at=dt.datetime.fromisoformat(acme["createdAt"]),
    )
    await insert_member(
        engine,
        member_id=ACME_MEMBER_ID,
        account_id=ACME_ID,
        email=acme_member["email"],
        phone_number=acme_member["phoneNumber"],
        language_id=acme_member["languageId"],
        time_zone_id=acme_member["timeZoneId"],
        roles=acme_member["roles"],
    )

    customer = CUSTOMERS_LIST_RESPONSE[0]
    customer_member = customer["contactData"]["members"][0]
    await insert_account(
        engine,
        account_id=EXAMPLE_PARTNER_ID,
        name=customer["partner"]["name"],
        code="example-partner",
        parent_id=DISTRIBUTOR_ID,
        country_ids=["us"],
        customers_count=1,
        created_at=dt.datetime(2026, 3, 10, 8, 0, 0),
    )
    await insert_member(
        engine,
        member_id=uuid.uuid4(),
        account_id=EXAMPLE_PARTNER_ID,
        email="jane.roe@partner.example.com",
        first_name="Jane",
        last_name="Roe",
    )
    await insert_customer(
        engine,
        customer_id=CUSTOMER_ID,
        partner_id=EXAMPLE_PARTNER_ID,
        distributor_id=DISTRIBUTOR_ID,
        name=LISTED_CUSTOMER_NAME,
        country_id=customer["countryId"],
        plan_id=customer["planId"],
        state=customer["state"],
        sign_up_data=customer["signUpData"],
        created_at=dt.datetime.fromisoformat(customer["createdAt"]),
    )
    await insert_member(
        engine,
        member_id=CUSTOMER_MEMBER_ID,
        customer_id=CUSTOMER_ID,
        email=customer_member["email"],
        phone_number=customer_member["phoneNumber"],
        language_id=customer_member["languageId"],
        time_zone_id=customer_member["timeZoneId"],
        roles=customer_member["roles"],
    )

    # Rows that each example filter leaves out: another partner of the distributor, the
    # customer that ACME's customersCount counts, and near misses of the customer filter.
    await insert_account(
        engine,
        account_id=uuid.uuid4(),
        name="ACME Europe",
        code="acme-eu",
        parent_id=DISTRIBUTOR_ID,
        country_ids=["de"],
        created_at=dt.datetime(2026, 3, 15, 8, 0, 0),
    )
    near_misses: list[dict[str, Any]] = [
        {"partner_id": ACME_ID, "name": "ACME Customer"},
        {"partner_id": EXAMPLE_PARTNER_ID, "name": "Customer Name DE", "country_id": "de"},
        {"partner_id": EXAMPLE_PARTNER_ID, "name": "Customer Name Active", "state": "Active"},
        {
            "partner_id": EXAMPLE_PARTNER_ID,
            "name": "Customer Name April",
            "created_at": dt.datetime(2026, 4, 2, 0, 0, 0),
        },
    ]
    for fields in near_misses:
        fields.setdefault("created_at", dt.datetime(2026, 3, 20, 10, 0, 0))
        await insert_customer(
            engine, customer_id=uuid.uuid4(), distributor_id=DISTRIBUTOR_ID, **fields
        )


async def test_partners_list_example(
    client: httpx.AsyncClient, engine: AsyncEngine, accounts: Accounts
) -> None:
    await seed_listed_examples(engine)
    token = await accounts.key(DISTRIBUTOR_ID, Role.PARTNER_READER)

    response = await curl_get(client, "/v1/partners", PARTNERS_LIST_QUERY, token)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-total-count"] == "1"
    assert response.headers["content-range"] == "partners 0-0/1"
    listed = response.json()
    assert len(listed) == len(PARTNERS_LIST_RESPONSE)
    assert mismatches(PARTNERS_LIST_RESPONSE, listed) == []
    # The seeded rows copy the example, so even the ids and timestamps are the same.
    example = PARTNERS_LIST_RESPONSE[0]
    assert {key: listed[0][key] for key in example} == example


@pytest.mark.parametrize("caller", ["distributor", "partner"])
async def test_customers_list_example(
    client: httpx.AsyncClient, engine: AsyncEngine, accounts: Accounts, caller: str
) -> None:
    await seed_listed_examples(engine)
    account = DISTRIBUTOR_ID if caller == "distributor" else EXAMPLE_PARTNER_ID
    token = await accounts.key(account, Role.PARTNER_READER)

    response = await curl_get(client, "/v1/customers", CUSTOMERS_LIST_QUERY, token)

    assert response.status_code == 200, response.text
    assert response.headers["x-total-count"] == "1"
    assert response.headers["content-range"] == "customers 0-0/1"
    listed = response.json()
    assert len(listed) == len(CUSTOMERS_LIST_RESPONSE)
    assert mismatches(CUSTOMERS_LIST_RESPONSE, listed, ignored_values=frozenset({"0.name"})) == []
    assert listed[0]["name"] == LISTED_CUSTOMER_NAME
    assert listed[0]["id"] == str(CUSTOMER_ID)
    assert listed[0]["createdAt"] == CUSTOMERS_LIST_RESPONSE[0]["createdAt"]


# POST /v1/partners and POST /v1/customers against the document's examples


async def seed_created_examples(engine: AsyncEngine) -> uuid.UUID:
    """Insert the distributor of the document's create examples, with the partner and
    member that its customer request names; return the distributor's id."""
    parent = PARTNER_CREATED_RESPONSE["parent"]
    distributor_id = uuid.UUID(parent["id"])
    await insert_account(
        engine,
        account_id=distributor_id,
        account_type=AccountType.DISTRIBUTOR,
        name=parent["name"],
        code="example-distributor",
        contact_data=parent["contactData"],
    )
    partner_id = uuid.UUID(CUSTOMER_CREATE_BODY["partnerId"])
    await insert_account(
        engine,
        account_id=partner_id,
        name=CUSTOMER_CREATED_RESPONSE["partner"]["name"],
        code="example-partner-us",
        parent_id=distributor_id,
        country_ids=["us"],
    )
    await insert_member(
        engine,
        member_id=uuid.UUID(CUSTOMER_CREATE_BODY["partnerMemberIdForCustomerSupport"]),
        account_id=partner_id,
        email="support@partner.example.com",
        first_name="Sam",
        last_name="Support",
    )
    return distributor_id


async def test_partner_create_example(
    client: httpx.AsyncClient, engine: AsyncEngine, accounts: Accounts
) -> None:
    distributor_id = await seed_created_examples(engine)
    token = await accounts.key(distributor_id)

    response = await curl_post(client, "/v1/partners", PARTNER_CREATE_DATA_RAW, token)

    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["location"] == f"/v1/partners/{created['id']}"
    # The example response names the partner "Eample Partner", a typo of the name that
    # its request sends.
    assert mismatches(PARTNER_CREATED_RESPONSE, created, ignored_values=frozenset({"name"})) == []
    assert created["name"] == "Example Partner"
    assert created["parent"]["id"] == str(distributor_id)


async def test_customer_create_example(
    client: httpx.AsyncClient, engine: AsyncEngine, accounts: Accounts
) -> None:
    distributor_id = await seed_created_examples(engine)
    token = await accounts.key(distributor_id)

    response = await curl_post(client, "/v1/customers", CUSTOMER_CREATE_DATA_RAW, token)

    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["location"] == f"/v1/customers/{created['id']}"
    assert mismatches(CUSTOMER_CREATED_RESPONSE, created) == []
    # The example response's partner id differs from the partnerId of its request in the
    # last digit. The created customer belongs to the partner that the request names.
    assert created["partner"]["id"] == CUSTOMER_CREATE_BODY["partnerId"]
    support_member = CUSTOMER_CREATE_BODY["partnerMemberIdForCustomerSupport"]
    assert created["partnerMemberIdForCustomerSupport"] == support_member


async def test_created_examples_read_back_alike(
    client: httpx.AsyncClient, engine: AsyncEngine, accounts: Accounts
) -> None:
    distributor_id = await seed_created_examples(engine)
    token = await accounts.key(distributor_id)
    partner = await curl_post(client, "/v1/partners", PARTNER_CREATE_DATA_RAW, token)
    customer = await curl_post(client, "/v1/customers", CUSTOMER_CREATE_DATA_RAW, token)

    partner_again = await client.get(partner.headers["location"], headers=token)
    customer_again = await client.get(customer.headers["location"], headers=token)

    assert partner_again.json() == partner.json()
    assert customer_again.json() == customer.json()
