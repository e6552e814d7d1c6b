"""Schemathesis runs against the served OpenAPI document, in process, on both databases.

The schema is loaded once at import time from an app that never opens its database, so
pytest can parametrize the test by operation. Each test then sends its cases to an app on
the database of the ``database_url`` fixture, with one of three valid keys. Generation is
positive and negative, derandomized, and uses no Hypothesis example database.

The last tests pin the problems that the run found, each as a strict xfail.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import missing_required_header
from schemathesis.specs.openapi.schemas import OpenApiSchema
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.domain.enums import Role
from partners_api.http.app import create_app
from partners_api.settings import Settings
from partners_api.storage.database import create_engine
from partners_api.storage.tables import metadata
from tests.api.conftest import Accounts
from tests.api.document_examples import CUSTOMER_CREATE_BODY, PARTNER_CREATE_BODY

# 25 examples per test kept the 54 tests (9 operations, 2 back ends, 3 keys) at about
# 60 seconds on a 2-core development container.
MAX_EXAMPLES = 25
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
# Schema-valid data can still break rules that the document cannot express in JSON Schema.
# Examples are assigned ISO codes and ownership scope (422), unique codes and emails (409),
# and the JSON syntax of filter, sort and range, which the document declares as strings (400).
POSITIVE_EXPECTED_STATUSES = ["2XX", "400", "401", "403", "404", "409", "422"]
AUTHENTICATED_OPERATIONS = [
    ("get", "/v1/partners"),
    ("post", "/v1/partners"),
    ("get", "/v1/partners/{partner_id}"),
    ("get", "/v1/customers"),
    ("post", "/v1/customers"),
    ("get", "/v1/customers/{customer_id}"),
    ("get", "/v1/me"),
]


def _load_schema() -> OpenApiSchema:
    config = SchemathesisConfig.from_dict(
        {
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
                # Each test sends a valid key itself, so a generated Authorization header,
                # or a negative case that drops it, would be overwritten. The ignored_auth
                # check still re-sends each 2xx request without the key and with an invalid one.
                "with-security-parameters": False,
                # The API ignores undeclared query parameters, and neither document
                # promises to reject them, so cases that add one are not generated.
                "allow-extra-parameters": False,
            },
            "checks": {
                "positive_data_acceptance": {"expected-statuses": POSITIVE_EXPECTED_STATUSES},
            },
        }
    )
    # The engine of this app is created but never connects, because only the document is
    # fetched.
    app = create_app(Settings(database_url="sqlite:///:memory:"))
    return schemathesis.openapi.from_asgi("/v1/openapi.json", app, config=config)


schema = _load_schema()


@dataclass(frozen=True)
class Keys:
    """Authorization headers of the three kinds of caller."""

    distributor_admin: dict[str, str]
    distributor_reader: dict[str, str]
    partner_admin: dict[str, str]


async def _seed(database_url: str) -> Keys:
    """Empty the database, then create a distributor, one of its partners and three keys."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            for table in reversed(metadata.sorted_tables):
                await connection.execute(delete(table))
        accounts = Accounts(engine, Settings(database_url=database_url))
        distributor = await accounts.distributor("Schemathesis Distributor")
        partner = await accounts.partner("Schemathesis Partner", parent=distributor)
        return Keys(
            distributor_admin=await accounts.key(distributor, Role.PARTNER_ADMIN),
            distributor_reader=await accounts.key(distributor, Role.PARTNER_READER),
            partner_admin=await accounts.key(partner, Role.PARTNER_ADMIN),
        )
    finally:
        await engine.dispose()


@pytest.fixture
def keys(database_url: str) -> Keys:
    return asyncio.run(_seed(database_url))


@pytest.fixture
def fuzzed_app(database_url: str, keys: Keys) -> Iterator[FastAPI]:
    """The app under test, with rate limiting off because one key sends every case.

    Schemathesis runs the app's lifespan on its own event loop, where the app creates and
    later disposes its engine, so the engine never crosses event loops.
    """
    yield create_app(Settings(database_url=database_url, rate_limit_per_second=0))
    shutdown_lifespans()


@pytest.fixture(params=["distributor_admin", "distributor_reader", "partner_admin"])
def auth_headers(request: pytest.FixtureRequest, keys: Keys) -> dict[str, str]:
    headers: dict[str, str] = getattr(keys, request.param)
    return headers


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_schemathesis(
    case: schemathesis.Case[Any], fuzzed_app: FastAPI, auth_headers: dict[str, str]
) -> None:
    # The document lists application/x-www-form-urlencoded with the JSON object schema, so
    # Schemathesis would form-encode the body, which the server rejects as invalid JSON.
    # Such cases are sent as JSON instead, and test_form_encoded_body_as_documented
    # keeps the gap visible.
    if case.media_type == FORM_MEDIA_TYPE:
        case.media_type = "application/json"
    # NOTE: missing_required_header is left out because a POST without a key but with an
    # empty Idempotency-Key gets 400, not 401. test_missing_key_before_idempotency_key
    # pins that bug.
    case.call_and_validate(
        app=fuzzed_app, headers=auth_headers, excluded_checks=[missing_required_header]
    )


@pytest.fixture
async def rate_limited_client(
    database_url: str, engine: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(database_url=database_url, rate_limit_per_second=1, rate_limit_burst=1)
    app = create_app(settings, engine)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def _documented_responses(method: str, path: str) -> dict[str, Any]:
    responses: dict[str, Any] = schema.raw_schema["paths"][path][method]["responses"]
    return responses


@pytest.mark.anyio
async def test_rate_limit_response_documented(
    rate_limited_client: httpx.AsyncClient, accounts: Accounts
) -> None:
    headers = await accounts.key(await accounts.distributor())

    first = await rate_limited_client.get("/v1/me", headers=headers)
    second = await rate_limited_client.get("/v1/me", headers=headers)

    assert first.status_code == 200, first.text
    assert second.status_code == 429, second.text
    schema["/v1/me"]["GET"].Case(headers=headers).validate_response(second)
    for method, path in AUTHENTICATED_OPERATIONS:
        assert "429" in _documented_responses(method, path), f"{method.upper()} {path}"


# Problems found by the run, kept as strict xfails until the source is fixed.


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("path", "body"),
    [("/v1/partners", PARTNER_CREATE_BODY), ("/v1/customers", CUSTOMER_CREATE_BODY)],
)
async def test_missing_key_before_idempotency_key(
    client: httpx.AsyncClient, path: str, body: dict[str, Any]
) -> None:
    response = await client.post(path, json=body, headers={"Idempotency-Key": ""})

    assert response.status_code == 401, response.text
    assert "www-authenticate" in response.headers


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("caller", "path", "idempotency_key", "oversized"),
    [
        ("reader", "/v1/partners", "", False),
        ("reader", "/v1/customers", "", False),
        ("partner", "/v1/partners", "", False),
        ("reader", "/v1/partners", "retry-1", True),
        ("partner", "/v1/partners", "retry-1", True),
    ],
)
async def test_forbidden_before_idempotency_checks(
    client: httpx.AsyncClient,
    accounts: Accounts,
    caller: str,
    path: str,
    idempotency_key: str,
    oversized: bool,
) -> None:
    distributor = await accounts.distributor()
    if caller == "reader":
        headers = await accounts.key(distributor, Role.PARTNER_READER)
    else:
        headers = await accounts.key(await accounts.partner(parent=distributor))
    content = b" " * (2 * 1024 * 1024) if oversized else b"{}"

    response = await client.post(
        path,
        content=content,
        headers={
            **headers,
            "Idempotency-Key": idempotency_key,
            "Content-Type": "application/json",
        },
    )

    assert response.status_code == 403, response.text


@pytest.mark.anyio
async def test_form_encoded_body_not_documented(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    headers = await accounts.key(await accounts.distributor())
    form = {key: value for key, value in PARTNER_CREATE_BODY.items() if isinstance(value, str)}

    response = await client.post("/v1/partners", data=form, headers=headers)

    # The label is accepted for curl's sake, but the body must still be JSON text, so
    # the document lists only application/json.
    assert response.status_code == 400, response.text
    for path in ("/v1/partners", "/v1/customers"):
        content = schema.raw_schema["paths"][path]["post"]["requestBody"]["content"]
        assert list(content) == ["application/json"]


@pytest.mark.parametrize("path", ["/v1/partners", "/v1/customers"])
@pytest.mark.parametrize("name", ["filter", "sort", "range"])
def test_list_parameters_declared_as_json(path: str, name: str) -> None:
    parameters = schema.raw_schema["paths"][path]["get"]["parameters"]
    declared = next(item for item in parameters if item.get("name") == name)

    assert "application/json" in declared.get("content", {})
