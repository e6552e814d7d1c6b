"""POST /v1/partners: the created partner, its defaults, conflicts and body validation."""

from __future__ import annotations

import asyncio
import copy
import json
import re
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.http.app import create_app
from partners_api.settings import Settings
from tests.api.conftest import Accounts
from tests.api.document_examples import CUSTOMER_CREATE_BODY, PARTNER_CREATE_BODY
from tests.api.helpers import assert_problem, field_errors

pytestmark = pytest.mark.anyio

TIMESTAMP_PATTERN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?")
MINIMAL_BODY = {
    "email": "owner@minimal.example.com",
    "firstName": "Mina",
    "lastName": "Owner",
    "partnerName": "Minimal Partner",
}
REMOVE = object()


def changed(base: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    """Copy ``base`` with the value at the dotted ``path`` replaced, or removed by REMOVE."""
    body = copy.deepcopy(base)
    *parents, last = path.split(".")
    target: Any = body
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if value is REMOVE:
        del target[last]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return body


@pytest.fixture
async def distributor(accounts: Accounts) -> uuid.UUID:
    return await accounts.distributor(
        "Example Distributor",
        contactData={
            "web": "https://distributor.example.com",
            "email": "sales@distributor.example.com",
            "phone": "+1 234 555 0001",
        },
    )


@pytest.fixture
async def headers(accounts: Accounts, distributor: uuid.UUID) -> dict[str, str]:
    return await accounts.key(distributor)


async def create(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post("/v1/partners", json=body, headers=headers)
    assert response.status_code == 201, response.text
    partner: dict[str, Any] = response.json()
    return partner


async def partner_count(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    response = await client.get("/v1/partners", headers=headers)
    assert response.status_code == 200
    return len(response.json())


# The document's request


async def test_document_body_creates_partner(
    client: httpx.AsyncClient, headers: dict[str, str], distributor: uuid.UUID
) -> None:
    response = await client.post("/v1/partners", json=PARTNER_CREATE_BODY, headers=headers)

    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    partner = response.json()
    assert response.headers["location"] == f"/v1/partners/{partner['id']}"
    assert uuid.UUID(partner["id"]).version == 7
    assert partner["name"] == "Example Partner"
    assert partner["type"] == "Partner"
    assert partner["code"] == "example-partner"
    assert partner["countryIds"] == ["us", "ca"]
    assert partner["state"] == "Active"
    assert partner["level"] == "Basic"
    assert partner["parent"] == {
        "id": str(distributor),
        "name": "Example Distributor",
        "type": "Distributor",
        "contactData": {
            "web": "https://distributor.example.com",
            "email": "sales@distributor.example.com",
            "phone": "+1 234 555 0001",
        },
    }
    assert partner["signUpData"] == {"originType": "PartnerApiKey"}
    assert partner["contactData"]["public"] == PARTNER_CREATE_BODY["contactData"]
    assert partner["logo"] == {"file": "example-partner.png", "maxHeight": 60}
    assert partner["counters"] == {"apiKeys": {"created": 0, "deleted": 0}}
    assert partner["customersCount"] == 0
    assert TIMESTAMP_PATTERN.fullmatch(partner["createdAt"])
    assert partner["updatedAt"] == partner["createdAt"]


async def test_document_body_creates_admin_member(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    partner = await create(client, headers, PARTNER_CREATE_BODY)
    (member,) = partner["contactData"]["members"]
    assert uuid.UUID(member["id"]).version == 7
    assert member["id"] != partner["id"]
    assert member == {
        "id": member["id"],
        "name": "John Doe",
        "email": "john.doe@partner.example.com",
        "phoneNumber": "+1 234 555-0000",
        "languageId": "en",
        "timeZoneId": "US/Eastern",
        "roles": ["PartnerAdmin"],
    }


async def test_location_returns_created_partner(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.post("/v1/partners", json=PARTNER_CREATE_BODY, headers=headers)
    fetched = await client.get(response.headers["location"], headers=headers)
    assert fetched.status_code == 200
    assert fetched.json() == response.json()

    listing = await client.get("/v1/partners", headers=headers)
    assert listing.json() == [response.json()]


# Defaults


async def test_minimal_body_takes_defaults(
    client: httpx.AsyncClient, headers: dict[str, str], distributor: uuid.UUID
) -> None:
    partner = await create(client, headers, MINIMAL_BODY)

    assert partner["code"] == "minimal-partner"
    assert partner["level"] == "Basic"
    assert partner["state"] == "Active"
    assert partner["type"] == "Partner"
    assert partner["countryIds"] == []
    assert partner["parent"]["id"] == str(distributor)
    assert partner["signUpData"] == {"originType": "PartnerApiKey"}
    assert partner["contactData"]["public"] == {"web": None, "email": None, "phone": None}
    assert partner["logo"] is None
    member = partner["contactData"]["members"][0]
    assert member["languageId"] == "en"
    assert member["timeZoneId"] == "UTC"
    assert member["phoneNumber"] is None
    assert member["roles"] == ["PartnerAdmin"]


@pytest.mark.parametrize(
    ("partner_name", "code"),
    [
        ("Ünïcode & Co. Partner", "unicode-co-partner"),
        ("  ACME  ", "acme"),
        ("Tele-Com 24/7", "tele-com-24-7"),
        ("x" * 70, "x" * 63),
    ],
)
async def test_code_derived_from_partner_name(
    client: httpx.AsyncClient, headers: dict[str, str], partner_name: str, code: str
) -> None:
    partner = await create(client, headers, {**MINIMAL_BODY, "partnerName": partner_name})
    assert partner["code"] == code


async def test_name_without_code_characters_needs_code(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.post(
        "/v1/partners", json={**MINIMAL_BODY, "partnerName": "株式会社"}, headers=headers
    )
    assert list(field_errors(response)) == ["code"]

    with_code = await create(
        client, headers, {**MINIMAL_BODY, "partnerName": "株式会社", "code": "kk"}
    )
    assert with_code["name"] == "株式会社"


async def test_null_optional_fields_take_defaults(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = {
        **MINIMAL_BODY,
        "code": None,
        "level": None,
        "languageId": None,
        "timeZoneId": None,
        "countryIds": None,
        "contactData": None,
        "logo": None,
    }
    partner = await create(client, headers, body)
    assert partner["code"] == "minimal-partner"
    assert partner["level"] == "Basic"
    assert partner["countryIds"] == []
    assert partner["contactData"]["members"][0]["timeZoneId"] == "UTC"


async def test_member_phone_comes_from_contact_phone(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = {**MINIMAL_BODY, "contactData": {"phone": "+44 20 7946 0958"}}
    partner = await create(client, headers, body)
    assert partner["contactData"]["members"][0]["phoneNumber"] == "+44 20 7946 0958"
    assert partner["contactData"]["public"] == {
        "web": None,
        "email": None,
        "phone": "+44 20 7946 0958",
    }


async def test_level_from_settings_list(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    partner = await create(client, headers, {**MINIMAL_BODY, "level": "Certified"})
    assert partner["level"] == "Certified"


async def test_levels_follow_settings(
    engine: AsyncEngine, database_url: str, accounts: Accounts, distributor: uuid.UUID
) -> None:
    settings = Settings(
        database_url=database_url, partner_levels=["Silver", "Gold"], default_partner_level="Silver"
    )
    transport = httpx.ASGITransport(app=create_app(settings, engine))
    headers = await accounts.key(distributor)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        default = await client.post("/v1/partners", json=MINIMAL_BODY, headers=headers)
        basic = await client.post(
            "/v1/partners",
            json={**PARTNER_CREATE_BODY, "level": "Basic"},
            headers=headers,
        )
    assert default.status_code == 201
    assert default.json()["level"] == "Silver"
    errors = field_errors(basic)
    assert list(errors) == ["level"]
    assert "Silver, Gold" in errors["level"]


# Conflicts


async def test_duplicate_code_is_409(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    await create(client, headers, PARTNER_CREATE_BODY)
    body = {**MINIMAL_BODY, "code": "example-partner"}
    response = await client.post("/v1/partners", json=body, headers=headers)
    errors = field_errors(response, 409)
    assert list(errors) == ["code"]
    assert "example-partner" in errors["code"]
    assert await partner_count(client, headers) == 1


async def test_code_of_other_distributors_partner_is_409(
    client: httpx.AsyncClient, headers: dict[str, str], accounts: Accounts
) -> None:
    other = await accounts.key(await accounts.distributor("Other Distributor"))
    await create(client, other, PARTNER_CREATE_BODY)
    response = await client.post(
        "/v1/partners", json={**MINIMAL_BODY, "code": "example-partner"}, headers=headers
    )
    assert list(field_errors(response, 409)) == ["code"]


async def test_duplicate_derived_code_is_409(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    await create(client, headers, MINIMAL_BODY)
    body = {**MINIMAL_BODY, "email": "second@minimal.example.com"}
    response = await client.post("/v1/partners", json=body, headers=headers)
    errors = field_errors(response, 409)
    assert list(errors) == ["code"]
    assert "derived from partnerName" in errors["code"]


@pytest.mark.parametrize("email", ["john.doe@partner.example.com", "JOHN.DOE@Partner.Example.COM"])
async def test_duplicate_member_email_is_409(
    client: httpx.AsyncClient, headers: dict[str, str], email: str
) -> None:
    await create(client, headers, PARTNER_CREATE_BODY)
    body = {**MINIMAL_BODY, "email": email}
    response = await client.post("/v1/partners", json=body, headers=headers)
    errors = field_errors(response, 409)
    assert list(errors) == ["email"]
    assert await partner_count(client, headers) == 1


async def test_email_of_customer_member_is_409(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    customer_body = {
        key: value for key, value in CUSTOMER_CREATE_BODY.items() if "partner" not in key
    }
    customer = await client.post("/v1/customers", json=customer_body, headers=headers)
    assert customer.status_code == 201
    body = {**MINIMAL_BODY, "email": CUSTOMER_CREATE_BODY["email"]}
    response = await client.post("/v1/partners", json=body, headers=headers)
    assert list(field_errors(response, 409)) == ["email"]


async def test_concurrent_creates_with_one_code_create_one(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    bodies = [
        {**MINIMAL_BODY, "email": f"owner{number}@race.example.com", "code": "race"}
        for number in range(10)
    ]
    responses = await asyncio.gather(
        *(client.post("/v1/partners", json=body, headers=headers) for body in bodies)
    )
    assert sorted(response.status_code for response in responses) == [201] + [409] * 9
    for response in responses:
        if response.status_code == 409:
            assert list(field_errors(response, 409)) == ["code"]
    assert await partner_count(client, headers) == 1


async def test_concurrent_creates_with_one_email_create_one(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    bodies = [{**MINIMAL_BODY, "code": f"race-{number}"} for number in range(10)]
    responses = await asyncio.gather(
        *(client.post("/v1/partners", json=body, headers=headers) for body in bodies)
    )
    assert sorted(response.status_code for response in responses) == [201] + [409] * 9
    for response in responses:
        if response.status_code == 409:
            assert list(field_errors(response, 409)) == ["email"]
    assert await partner_count(client, headers) == 1


# Validation of each field


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("email", "not-an-email"),
        ("email", "john.doe@"),
        ("email", "@partner.example.com"),
        ("email", ""),
        ("email", "john doe@partner.example.com"),
        ("email", "a" * 250 + "@example.com"),
        ("contactData.email", "sales-at-partner.example.com"),
        ("countryIds.0", "xx"),
        ("countryIds.1", "usa"),
        ("countryIds.1", "c"),
        ("countryIds.1", "1a"),
        ("countryIds.1", "ÇA"),
        ("languageId", "eng"),
        ("languageId", "xx"),
        ("languageId", "e"),
        ("languageId", "en-US"),
        ("timeZoneId", "Mars/Olympus_Mons"),
        ("timeZoneId", "us/eastern"),
        ("timeZoneId", "localtime"),
        ("timeZoneId", "EST5EDT "),
        ("timeZoneId", ""),
        ("contactData.web", "ftp://partner.example.com"),
        ("contactData.web", "javascript:alert(1)"),
        ("contactData.web", "partner.example.com"),
        ("contactData.web", "https://"),
        ("contactData.web", "https://user:secret@partner.example.com"),
        ("contactData.web", "https://partner.example.com/a b"),
        ("contactData.web", "https://partner.example.com:99999"),
        ("contactData.phone", "234 555 0000"),
        ("contactData.phone", "+1 234"),
        ("contactData.phone", "+1 234 555 0000 0000 0000"),
        ("contactData.phone", "+phone"),
        ("code", "Example-Partner"),
        ("code", "a"),
        ("code", "a" * 64),
        ("code", "example_partner"),
        ("code", "example partner"),
        ("code", ""),
        ("partnerName", ""),
        ("partnerName", "   "),
        ("partnerName", "x" * 201),
        ("firstName", ""),
        ("lastName", "\t "),
        ("lastName", "y" * 201),
        ("level", "Platinum"),
        ("level", ""),
        ("level", "basic"),
        ("type", "Distributor"),
        ("logo.maxHeight", 0),
        ("logo.maxHeight", 1001),
        ("logo.maxHeight", -60),
        ("logo.file", "../example-partner.png"),
        ("logo.file", ""),
    ],
)
async def test_invalid_field_is_422_at_its_path(
    client: httpx.AsyncClient, headers: dict[str, str], path: str, value: object
) -> None:
    response = await client.post(
        "/v1/partners", json=changed(PARTNER_CREATE_BODY, path, value), headers=headers
    )
    body = assert_problem(response, 422)
    assert list(body["errors"]) == [path]
    assert body["errors"][path].endswith((".", "?", "'"))
    assert path in body["detail"]
    assert await partner_count(client, headers) == 0


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("email", 5, "Expected a string, got a number."),
        ("email", True, "Expected a string, got a boolean."),
        ("partnerName", ["Example"], "Expected a string, got an array."),
        ("countryIds", "us", "Expected an array, got a string."),
        ("countryIds", {"0": "us"}, "Expected an array, got an object."),
        ("countryIds.1", 1, "Expected a string, got a number."),
        ("contactData", "https://partner.example.com", "Expected an object, got a string."),
        ("contactData.phone", 12345550000, "Expected a string, got a number."),
        ("logo", [], "Expected an object, got an array."),
        ("logo.maxHeight", "60", "Expected an integer, got a string."),
        ("logo.maxHeight", 60.5, "Expected an integer, got the decimal number 60.5."),
        ("logo.maxHeight", True, "Expected an integer, got a boolean."),
    ],
)
async def test_wrong_json_type_is_422(
    client: httpx.AsyncClient, headers: dict[str, str], path: str, value: object, message: str
) -> None:
    response = await client.post(
        "/v1/partners", json=changed(PARTNER_CREATE_BODY, path, value), headers=headers
    )
    assert field_errors(response) == {path: message}


async def test_integer_beyond_64_bits_is_422(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    # orjson reads an integer beyond 64 bits as a float, although the client sent an integer.
    body = encoded_with_height(PARTNER_CREATE_BODY, "100000000000000000000000000000")
    response = await client.post(
        "/v1/partners", content=body, headers={**headers, "Content-Type": "application/json"}
    )
    errors = field_errors(response)
    assert list(errors) == ["logo.maxHeight"]
    assert "decimal" not in errors["logo.maxHeight"]
    assert "too large" in errors["logo.maxHeight"]


def encoded_with_height(body: dict[str, Any], height_literal: str) -> bytes:
    """Encode ``body`` with ``logo.maxHeight`` written as the JSON number ``height_literal``."""
    text = json.dumps(changed(body, "logo.maxHeight", 60))
    return text.replace('"maxHeight": 60', f'"maxHeight": {height_literal}').encode()


@pytest.mark.parametrize("path", ["email", "firstName", "lastName", "partnerName", "logo.file"])
async def test_missing_required_field_is_422(
    client: httpx.AsyncClient, headers: dict[str, str], path: str
) -> None:
    response = await client.post(
        "/v1/partners", json=changed(PARTNER_CREATE_BODY, path, REMOVE), headers=headers
    )
    assert field_errors(response) == {path: f"Missing required field: provide {path}."}


@pytest.mark.parametrize("path", ["email", "firstName", "lastName", "partnerName"])
async def test_null_required_field_is_422(
    client: httpx.AsyncClient, headers: dict[str, str], path: str
) -> None:
    response = await client.post(
        "/v1/partners", json=changed(PARTNER_CREATE_BODY, path, None), headers=headers
    )
    assert list(field_errors(response)) == [path]


async def test_every_invalid_field_is_reported(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = {
        **PARTNER_CREATE_BODY,
        "email": "nope",
        "countryIds": ["us", "zz", "ca", "qq"],
        "contactData": {"web": "mailto:sales@partner.example.com"},
    }
    response = await client.post("/v1/partners", json=body, headers=headers)
    assert set(field_errors(response)) == {
        "email",
        "countryIds.1",
        "countryIds.3",
        "contactData.web",
    }


async def test_unknown_field_is_422_naming_it(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = {**PARTNER_CREATE_BODY, "partnerNmae": "Typo"}
    errors = field_errors(await client.post("/v1/partners", json=body, headers=headers))
    assert list(errors) == ["partnerNmae"]
    assert "'partnerNmae'" in errors["partnerNmae"]
    assert "partnerName" in errors["partnerNmae"]


async def test_unknown_nested_field_is_422_at_its_path(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = changed(PARTNER_CREATE_BODY, "contactData.fax", "+1 234 555 0009")
    errors = field_errors(await client.post("/v1/partners", json=body, headers=headers))
    assert list(errors) == ["contactData.fax"]
    assert "'fax'" in errors["contactData.fax"]
    assert "web, email, phone" in errors["contactData.fax"]


# Accepted forms, stored as documented


async def test_country_ids_in_any_case_stored_lower(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    partner = await create(
        client, headers, {**MINIMAL_BODY, "countryIds": ["US", "Ca", "mX", "us"]}
    )
    assert partner["countryIds"] == ["us", "ca", "mx"]


async def test_language_in_upper_case_stored_lower(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    partner = await create(client, headers, {**MINIMAL_BODY, "languageId": "ES"})
    assert partner["contactData"]["members"][0]["languageId"] == "es"


@pytest.mark.parametrize(
    "zone",
    ["US/Eastern", "America/New_York", "UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires"],
)
async def test_iana_time_zones_accepted(
    client: httpx.AsyncClient, headers: dict[str, str], zone: str
) -> None:
    partner = await create(client, headers, {**MINIMAL_BODY, "timeZoneId": zone})
    assert partner["contactData"]["members"][0]["timeZoneId"] == zone


@pytest.mark.parametrize(
    "url",
    [
        "http://partner.example.com",
        "https://partner.example.com/about?lang=en#team",
        "HTTPS://partner.example.com:8443/",
    ],
)
async def test_http_urls_echoed(
    client: httpx.AsyncClient, headers: dict[str, str], url: str
) -> None:
    partner = await create(client, headers, {**MINIMAL_BODY, "contactData": {"web": url}})
    assert partner["contactData"]["public"]["web"] == url


@pytest.mark.parametrize(
    "phone", ["+1 234 555-0000", "+12345550000", "+44 20 7946 0958", "+54 9 11 1234-5678"]
)
async def test_possible_phone_numbers_echoed(
    client: httpx.AsyncClient, headers: dict[str, str], phone: str
) -> None:
    partner = await create(client, headers, {**MINIMAL_BODY, "contactData": {"phone": phone}})
    assert partner["contactData"]["public"]["phone"] == phone
    assert partner["contactData"]["members"][0]["phoneNumber"] == phone


@pytest.mark.parametrize("code", ["ab", "a" * 63, "0-9", "--"])
async def test_code_pattern_accepted(
    client: httpx.AsyncClient, headers: dict[str, str], code: str
) -> None:
    partner = await create(client, headers, {**MINIMAL_BODY, "code": code})
    assert partner["code"] == code


async def test_names_trimmed_and_200_characters_accepted(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = {
        **MINIMAL_BODY,
        "partnerName": "  " + "p" * 200 + "  ",
        "firstName": " Ada ",
        "lastName": "L",
        "code": "long-name",
    }
    partner = await create(client, headers, body)
    assert partner["name"] == "p" * 200
    assert partner["contactData"]["members"][0]["name"] == "Ada L"


@pytest.mark.parametrize("height", [1, 1000])
async def test_logo_height_bounds_accepted(
    client: httpx.AsyncClient, headers: dict[str, str], height: int
) -> None:
    body = {**MINIMAL_BODY, "logo": {"file": "logo.png", "maxHeight": height}}
    partner = await create(client, headers, body)
    assert partner["logo"] == {"file": "logo.png", "maxHeight": height}


async def test_email_trimmed_and_case_kept(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    partner = await create(client, headers, {**MINIMAL_BODY, "email": " Mina.Owner@Example.com "})
    assert partner["contactData"]["members"][0]["email"] == "Mina.Owner@Example.com"


async def test_level_error_reported_with_other_field_errors(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = {**PARTNER_CREATE_BODY, "level": "Gold", "email": "not-an-email"}

    response = await client.post("/v1/partners", json=body, headers=headers)

    errors = field_errors(response)
    assert set(errors) == {"level", "email"}
    assert "Basic, Certified" in errors["level"]


async def test_level_in_wrong_case_names_right_spelling(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.post(
        "/v1/partners", json={**PARTNER_CREATE_BODY, "level": "certified"}, headers=headers
    )

    errors = field_errors(response)
    assert "use 'Certified'" in errors["level"]


async def test_taken_derived_code_asks_for_own_code(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    first = {**MINIMAL_BODY, "partnerName": "Same Name Partners"}
    second = {**first, "email": "second@same-name.example.com"}
    assert (await client.post("/v1/partners", json=first, headers=headers)).status_code == 201

    response = await client.post("/v1/partners", json=second, headers=headers)

    errors = field_errors(response, 409)
    assert errors["code"] == (
        "The code 'same-name-partners', derived from partnerName, is already in use; "
        "send a code of your own."
    )
