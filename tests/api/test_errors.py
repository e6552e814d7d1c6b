"""Error bodies (RFC 9457 problem+json), X-Request-ID, unknown routes and methods."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.domain.enums import Role
from partners_api.http.app import create_app
from partners_api.settings import Settings
from tests.api.conftest import Accounts
from tests.api.document_examples import PARTNER_CREATE_BODY
from tests.api.helpers import assert_problem, field_errors

pytestmark = pytest.mark.anyio


@pytest.fixture
async def distributor_headers(accounts: Accounts) -> dict[str, str]:
    return await accounts.key(await accounts.distributor())


# Unknown routes, methods and ids


@pytest.mark.parametrize(
    "path", ["/v1/unknown", "/v2/partners", "/partners", "/v1/partners/x/customers", "/"]
)
async def test_unknown_route_is_404_problem(
    client: httpx.AsyncClient, distributor_headers: dict[str, str], path: str
) -> None:
    response = await client.get(path, headers=distributor_headers)
    body = assert_problem(response, 404)
    assert body["type"].endswith("/not-found")
    assert path in body["detail"]


async def test_unknown_route_is_404_without_key(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/v1/unknown"), 404)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/v1/partners", {"GET", "POST"}),
        ("PUT", "/v1/partners", {"GET", "POST"}),
        ("PATCH", f"/v1/partners/{uuid.UUID(int=1)}", {"GET"}),
        ("DELETE", f"/v1/customers/{uuid.UUID(int=1)}", {"GET"}),
        ("POST", "/v1/me", {"GET"}),
    ],
)
async def test_wrong_method_is_405_problem(
    client: httpx.AsyncClient,
    distributor_headers: dict[str, str],
    method: str,
    path: str,
    allowed: set[str],
) -> None:
    response = await client.request(method, path, headers=distributor_headers)
    body = assert_problem(response, 405)
    assert method in body["detail"]
    assert {item.strip() for item in response.headers["allow"].split(",")} == allowed


@pytest.mark.parametrize(
    "partner_id",
    [
        "not-a-uuid",
        "019cea04b0157f54a7dd6e5c198f15a9",
        "019cea04-b015-7f54-a7dd-6e5c198f15a",
        "019cea04-b015-7f54-a7dd-6e5c198f15ag",
        "{019cea04-b015-7f54-a7dd-6e5c198f15a9}",
        "0" * 1000,
    ],
)
async def test_partner_id_not_a_uuid_is_404(
    client: httpx.AsyncClient, distributor_headers: dict[str, str], partner_id: str
) -> None:
    response = await client.get(f"/v1/partners/{partner_id}", headers=distributor_headers)
    body = assert_problem(response, 404)
    assert "UUID" in body["detail"]


async def test_customer_id_not_a_uuid_is_404(
    client: httpx.AsyncClient, distributor_headers: dict[str, str]
) -> None:
    response = await client.get("/v1/customers/not-a-uuid", headers=distributor_headers)
    assert_problem(response, 404)


async def test_upper_case_partner_id_found(
    client: httpx.AsyncClient, distributor_headers: dict[str, str]
) -> None:
    created = await client.post(
        "/v1/partners", json=PARTNER_CREATE_BODY, headers=distributor_headers
    )
    partner_id = created.json()["id"]
    response = await client.get(f"/v1/partners/{partner_id.upper()}", headers=distributor_headers)
    assert response.status_code == 200
    assert response.json()["id"] == partner_id


# The problem body of each status


async def test_problem_bodies_of_each_status(
    client: httpx.AsyncClient, accounts: Accounts, distributor_headers: dict[str, str]
) -> None:
    partner = await accounts.partner()
    reader = await accounts.key(await accounts.distributor("Reader"), Role.PARTNER_READER)
    created = await client.post(
        "/v1/partners", json=PARTNER_CREATE_BODY, headers=distributor_headers
    )
    assert created.status_code == 201

    cases = [
        (await client.post("/v1/partners", content=b"{", headers=distributor_headers), 400),
        (await client.get("/v1/partners"), 401),
        (await client.post("/v1/partners", json=PARTNER_CREATE_BODY, headers=reader), 403),
        (await client.get("/v1/partners", headers=await accounts.key(partner)), 403),
        (await client.get(f"/v1/partners/{uuid.uuid4()}", headers=distributor_headers), 404),
        (await client.get("/v1/nothing-here", headers=distributor_headers), 404),
        (await client.put("/v1/partners", headers=distributor_headers), 405),
        (
            await client.post(
                "/v1/partners", json=PARTNER_CREATE_BODY, headers=distributor_headers
            ),
            409,
        ),
        (
            await client.post(
                "/v1/partners",
                content=b"{}" + b" " * (1024 * 1024),
                headers=distributor_headers,
            ),
            413,
        ),
        (
            await client.post(
                "/v1/partners",
                content=b"{}",
                headers={**distributor_headers, "Content-Type": "text/plain"},
            ),
            415,
        ),
        (await client.post("/v1/partners", json={}, headers=distributor_headers), 422),
    ]
    titles = {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        405: "Method Not Allowed",
        409: "Conflict",
        413: "Content Too Large",
        415: "Unsupported Media Type",
        422: "Unprocessable Content",
    }
    for response, status in cases:
        body = assert_problem(response, status)
        assert body["title"] == titles[status]
        assert set(body) <= {"type", "title", "status", "detail", "message", "requestId", "errors"}


async def test_validation_problem_lists_errors(
    client: httpx.AsyncClient, distributor_headers: dict[str, str]
) -> None:
    response = await client.post("/v1/partners", json={}, headers=distributor_headers)
    body = assert_problem(response, 422)
    assert body["type"].endswith("/validation-error")
    assert set(body["errors"]) == {"email", "firstName", "lastName", "partnerName"}
    assert body["detail"] == (
        "Invalid request body: check the fields email, firstName, lastName, partnerName."
    )


async def test_problem_without_field_errors_has_no_errors_key(
    client: httpx.AsyncClient, distributor_headers: dict[str, str]
) -> None:
    response = await client.get(f"/v1/partners/{uuid.uuid4()}", headers=distributor_headers)
    assert "errors" not in assert_problem(response, 404)


async def test_bad_list_parameter_is_400_with_errors(
    client: httpx.AsyncClient, distributor_headers: dict[str, str]
) -> None:
    response = await client.get("/v1/partners?sort=%5B%22name%22%5D", headers=distributor_headers)
    assert list(field_errors(response, 400)) == ["sort"]


# X-Request-ID


async def test_request_id_echoed_on_success(
    client: httpx.AsyncClient, distributor_headers: dict[str, str]
) -> None:
    response = await client.get(
        "/v1/me", headers={**distributor_headers, "X-Request-ID": "caller-chosen-id-42"}
    )
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "caller-chosen-id-42"


async def test_request_id_echoed_in_problem(
    client: httpx.AsyncClient, distributor_headers: dict[str, str]
) -> None:
    response = await client.post(
        "/v1/partners",
        json={},
        headers={**distributor_headers, "x-request-id": "trace/01:ab"},
    )
    body = assert_problem(response, 422)
    assert body["requestId"] == "trace/01:ab"


async def test_request_id_echoed_without_key(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/partners", headers={"X-Request-ID": "anonymous-1"})
    assert assert_problem(response, 401)["requestId"] == "anonymous-1"


async def test_request_id_generated_when_absent(
    client: httpx.AsyncClient, distributor_headers: dict[str, str]
) -> None:
    first = await client.get("/v1/me", headers=distributor_headers)
    second = await client.get("/v1/me", headers=distributor_headers)
    assert uuid.UUID(first.headers["x-request-id"])
    assert uuid.UUID(second.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


@pytest.mark.parametrize("unusable", ["has space", "x" * 201, "", "caf\u00e9"])
async def test_unusable_request_id_replaced(client: httpx.AsyncClient, unusable: str) -> None:
    response = await client.get(
        "/v1/unknown", headers=[(b"X-Request-ID", unusable.encode("latin-1"))]
    )
    body = assert_problem(response, 404)
    assert uuid.UUID(response.headers["x-request-id"])
    assert body["requestId"] == response.headers["x-request-id"]


async def test_request_id_on_health_probe(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "probe-1"})
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "probe-1"


# Unexpected errors


async def test_unexpected_error_is_500_problem(
    settings: Settings, engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings, engine)

    async def fail() -> None:
        raise RuntimeError("internal state that callers must not see")

    app.add_api_route("/v1/failing", fail)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/v1/failing", headers={"X-Request-ID": "failing-request-7"})

    body = assert_problem(response, 500)
    assert body["requestId"] == "failing-request-7"
    assert "internal state" not in response.text
    assert "requestId" in body["detail"]
    assert "failing-request-7" in caplog.text
