"""Authentication with bearer tokens and the permissions of each role and account type."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.domain.apikeys import create_key, list_keys, revoke_key
from partners_api.domain.clock import format_timestamp, utc_now
from partners_api.domain.enums import Role
from partners_api.storage.database import write_transaction
from partners_api.storage.tables import api_keys
from tests.api.conftest import Accounts
from tests.api.document_examples import CUSTOMER_CREATE_BODY, PARTNER_CREATE_BODY
from tests.api.helpers import assert_problem

pytestmark = pytest.mark.anyio

DISTRIBUTOR_ONLY_MESSAGE = "Only distributor API keys may list or create partners"


@dataclass
class Key:
    id: uuid.UUID
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def new_key(
    engine: AsyncEngine,
    account_id: uuid.UUID,
    role: Role = Role.PARTNER_ADMIN,
    *,
    name: str | None = None,
    expires_in_days: int | None = None,
) -> Key:
    async with write_transaction(engine) as connection:
        view, token = await create_key(
            connection, account_id, role, name=name, expires_in_days=expires_in_days
        )
    return Key(uuid.UUID(view["id"]), token)


def assert_token_absent(response: httpx.Response, token: str) -> None:
    assert token not in response.text
    for name, value in response.headers.items():
        assert token not in value, f"the token appears in the {name} header"


def assert_invalid_token(response: httpx.Response) -> None:
    assert_problem(response, 401)
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer ")
    assert 'error="invalid_token"' in challenge


def assert_missing_credentials(response: httpx.Response) -> None:
    assert_problem(response, 401)
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer ")
    assert "error=" not in challenge


# Missing and malformed Authorization headers


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/me"),
        ("GET", "/v1/partners"),
        ("POST", "/v1/partners"),
        ("GET", "/v1/customers"),
        ("POST", "/v1/customers"),
        ("GET", f"/v1/partners/{uuid.UUID(int=1)}"),
        ("GET", f"/v1/customers/{uuid.UUID(int=1)}"),
    ],
)
async def test_missing_header_is_401_without_error_code(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await client.request(method, path, json={})
    assert_missing_credentials(response)


async def test_empty_header_is_401_without_error_code(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/me", headers={"Authorization": ""})
    assert_missing_credentials(response)


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Token {token}", "{token}", "Bearer", "Bearer   ", "Bearer:{token}"],
)
async def test_wrong_scheme_is_401(
    client: httpx.AsyncClient, accounts: Accounts, engine: AsyncEngine, header: str
) -> None:
    key = await new_key(engine, await accounts.distributor())
    response = await client.get("/v1/me", headers={"Authorization": header.format(token=key.token)})
    body = assert_problem(response, 401)
    assert "Bearer <token>" in body["detail"]
    assert response.headers["www-authenticate"].startswith("Bearer ")
    assert_token_absent(response, key.token)


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
async def test_scheme_is_case_insensitive(
    client: httpx.AsyncClient, accounts: Accounts, engine: AsyncEngine, scheme: str
) -> None:
    distributor = await accounts.distributor()
    key = await new_key(engine, distributor)
    response = await client.get("/v1/me", headers={"Authorization": f"{scheme} {key.token}"})
    assert response.status_code == 200
    assert response.json()["id"] == str(key.id)


# Tokens that are not, or no longer, valid


@pytest.mark.parametrize(
    "token",
    [
        "scp_" + "A" * 43,
        "not-a-sip-caller-key",
        "scp_" + "A" * 300,
        "scp_",
    ],
)
async def test_unknown_token_is_invalid_token(
    client: httpx.AsyncClient, accounts: Accounts, token: str
) -> None:
    await accounts.key(await accounts.distributor())
    response = await client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert_invalid_token(response)
    assert_token_absent(response, token)


async def test_token_with_one_character_changed_is_invalid(
    client: httpx.AsyncClient, accounts: Accounts, engine: AsyncEngine
) -> None:
    key = await new_key(engine, await accounts.distributor())
    last = key.token[-1]
    altered = key.token[:-1] + ("B" if last != "B" else "C")
    response = await client.get("/v1/me", headers={"Authorization": f"Bearer {altered}"})
    assert_invalid_token(response)


async def test_revoked_token_is_invalid_token(
    uncached_client: httpx.AsyncClient, accounts: Accounts, engine: AsyncEngine
) -> None:
    key = await new_key(engine, await accounts.distributor())
    before = await uncached_client.get("/v1/me", headers=key.headers)
    assert before.status_code == 200

    async with write_transaction(engine) as connection:
        await revoke_key(connection, key.id)
    response = await uncached_client.get("/v1/partners", headers=key.headers)

    assert_invalid_token(response)
    assert "revoked" in response.json()["detail"]
    assert_token_absent(response, key.token)


async def test_expired_token_is_invalid_token(
    client: httpx.AsyncClient, accounts: Accounts, engine: AsyncEngine
) -> None:
    key = await new_key(engine, await accounts.distributor(), expires_in_days=30)
    async with write_transaction(engine) as connection:
        await connection.execute(
            update(api_keys)
            .where(api_keys.c.id == key.id)
            .values(expires_at=utc_now() - dt.timedelta(minutes=1))
        )
    response = await client.get("/v1/customers", headers=key.headers)

    assert_invalid_token(response)
    assert "expired" in response.json()["detail"]
    assert_token_absent(response, key.token)


async def test_key_with_future_expiry_is_accepted(
    client: httpx.AsyncClient, accounts: Accounts, engine: AsyncEngine
) -> None:
    key = await new_key(engine, await accounts.distributor(), expires_in_days=1)
    response = await client.get("/v1/me", headers=key.headers)
    assert response.status_code == 200


# Roles


async def test_reader_key_cannot_create_partner(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    distributor = await accounts.distributor()
    headers = await accounts.key(distributor, Role.PARTNER_READER)
    response = await client.post("/v1/partners", json=PARTNER_CREATE_BODY, headers=headers)
    body = assert_problem(response, 403)
    assert "PartnerAdmin" in body["detail"]

    listing = await client.get("/v1/partners", headers=headers)
    assert listing.json() == []


@pytest.mark.parametrize("owner", ["distributor", "partner"])
async def test_reader_key_cannot_create_customer(
    client: httpx.AsyncClient, accounts: Accounts, owner: str
) -> None:
    distributor = await accounts.distributor()
    partner = await accounts.partner(parent=distributor)
    account = distributor if owner == "distributor" else partner
    headers = await accounts.key(account, Role.PARTNER_READER)
    body = {key: value for key, value in CUSTOMER_CREATE_BODY.items() if "partner" not in key}

    response = await client.post("/v1/customers", json=body, headers=headers)

    problem = assert_problem(response, 403)
    assert "PartnerAdmin" in problem["detail"]
    listing = await client.get("/v1/customers", headers=headers)
    assert listing.json() == []


async def test_reader_key_can_read_everything(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    distributor = await accounts.distributor()
    partner = await accounts.partner(parent=distributor)
    admin = await accounts.key(distributor)
    body = {key: value for key, value in CUSTOMER_CREATE_BODY.items() if "partner" not in key}
    created = await client.post("/v1/customers", json=body, headers=admin)
    assert created.status_code == 201
    customer_id = created.json()["id"]
    reader = await accounts.key(distributor, Role.PARTNER_READER)

    paths = [
        "/v1/me",
        "/v1/partners",
        f"/v1/partners/{partner}",
        "/v1/customers",
        f"/v1/customers/{customer_id}",
    ]
    for path in paths:
        response = await client.get(path, headers=reader)
        assert response.status_code == 200, f"GET {path}: {response.text}"


async def test_partner_reader_key_can_read_customers(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    partner = await accounts.partner()
    reader = await accounts.key(partner, Role.PARTNER_READER)
    response = await client.get("/v1/customers", headers=reader)
    assert response.status_code == 200
    assert response.json() == []


# Account types


@pytest.mark.parametrize("role", [Role.PARTNER_ADMIN, Role.PARTNER_READER])
async def test_partner_key_cannot_use_partner_endpoints(
    client: httpx.AsyncClient, accounts: Accounts, role: Role
) -> None:
    distributor = await accounts.distributor()
    partner = await accounts.partner(parent=distributor)
    sibling = await accounts.partner("Sibling", parent=distributor)
    headers = await accounts.key(partner, role)

    requests = [
        ("GET", "/v1/partners"),
        ("GET", f"/v1/partners/{sibling}"),
        ("GET", f"/v1/partners/{partner}"),
    ]
    if role is Role.PARTNER_ADMIN:
        requests.append(("POST", "/v1/partners"))
    for method, path in requests:
        response = await client.request(method, path, json=PARTNER_CREATE_BODY, headers=headers)
        body = assert_problem(response, 403)
        assert DISTRIBUTOR_ONLY_MESSAGE in body["detail"], f"{method} {path}"


async def test_partner_key_creates_no_partner(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    distributor = await accounts.distributor()
    partner = await accounts.partner(parent=distributor)
    response = await client.post(
        "/v1/partners", json=PARTNER_CREATE_BODY, headers=await accounts.key(partner)
    )
    assert response.status_code == 403

    listing = await client.get("/v1/partners", headers=await accounts.key(distributor))
    assert [item["id"] for item in listing.json()] == [str(partner)]


# GET /v1/me


@pytest.mark.parametrize("account_type", ["Distributor", "Partner"])
@pytest.mark.parametrize("role", [Role.PARTNER_ADMIN, Role.PARTNER_READER])
async def test_me_describes_key(
    client: httpx.AsyncClient,
    accounts: Accounts,
    engine: AsyncEngine,
    account_type: str,
    role: Role,
) -> None:
    if account_type == "Distributor":
        account = await accounts.distributor("Example Distributor")
    else:
        account = await accounts.partner("Example Partner", parent=await accounts.distributor())
    key = await new_key(engine, account, role, name="Automation key")

    response = await client.get("/v1/me", headers=key.headers)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    me = response.json()
    assert me["id"] == str(key.id)
    assert me["name"] == "Automation key"
    assert me["role"] == role.value
    assert me["expiresAt"] is None
    assert me["account"] == {
        "id": str(account),
        "name": "Example Distributor" if account_type == "Distributor" else "Example Partner",
        "type": account_type,
    }
    assert_token_absent(response, key.token)


async def test_me_shows_expiry(
    client: httpx.AsyncClient, accounts: Accounts, engine: AsyncEngine
) -> None:
    key = await new_key(engine, await accounts.partner(), expires_in_days=30)
    expires_at = dt.datetime(2030, 1, 2, 3, 4, 5, 600000)
    async with write_transaction(engine) as connection:
        await connection.execute(
            update(api_keys).where(api_keys.c.id == key.id).values(expires_at=expires_at)
        )
    response = await client.get("/v1/me", headers=key.headers)
    assert response.status_code == 200
    assert response.json()["expiresAt"] == format_timestamp(expires_at)
    assert response.json()["expiresAt"] == "2030-01-02T03:04:05.6"


async def test_me_default_key_name_is_role(
    client: httpx.AsyncClient, accounts: Accounts, engine: AsyncEngine
) -> None:
    key = await new_key(engine, await accounts.distributor(), Role.PARTNER_READER)
    response = await client.get("/v1/me", headers=key.headers)
    assert response.json()["name"] == "PartnerReader key"


# The token in responses


async def test_token_absent_from_every_response(
    client: httpx.AsyncClient, accounts: Accounts, engine: AsyncEngine
) -> None:
    distributor = await accounts.distributor()
    key = await new_key(engine, distributor)
    created = await client.post("/v1/partners", json=PARTNER_CREATE_BODY, headers=key.headers)
    assert created.status_code == 201
    partner_id = created.json()["id"]
    customer_body = {
        key_name: value
        for key_name, value in CUSTOMER_CREATE_BODY.items()
        if key_name != "partnerMemberIdForCustomerSupport"
    }
    customer_body["partnerId"] = partner_id

    responses = [
        created,
        await client.post("/v1/customers", json=customer_body, headers=key.headers),
        await client.post("/v1/partners", json=PARTNER_CREATE_BODY, headers=key.headers),
        await client.post("/v1/partners", json={"logo": 1}, headers=key.headers),
        await client.post("/v1/partners", content=b"{", headers=key.headers),
        await client.get("/v1/me", headers=key.headers),
        await client.get("/v1/partners", headers=key.headers),
        await client.get(f"/v1/partners/{partner_id}", headers=key.headers),
        await client.get("/v1/customers", headers=key.headers),
        await client.get("/v1/customers/not-an-id", headers=key.headers),
        await client.get("/v1/partners?filter=%7B", headers=key.headers),
        await client.delete("/v1/partners", headers=key.headers),
        await client.get("/v1/unknown", headers=key.headers),
    ]
    statuses = [response.status_code for response in responses]
    assert statuses == [201, 201, 409, 422, 400, 200, 200, 200, 200, 404, 400, 405, 404]
    for response in responses:
        assert_token_absent(response, key.token)


async def test_request_records_key_last_use(
    client: httpx.AsyncClient, accounts: Accounts, engine: AsyncEngine
) -> None:
    distributor = await accounts.distributor()
    key = await new_key(engine, distributor)
    response = await client.get("/v1/me", headers=key.headers)
    assert response.status_code == 200

    async with engine.connect() as connection:
        (view,) = await list_keys(connection, distributor)
    assert view["lastUsedAt"] is not None
