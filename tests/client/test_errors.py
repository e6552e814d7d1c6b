"""Each error status of a real server raises its exception, with the problem details,
the field errors and the request id."""

from __future__ import annotations

import uuid

import httpx
import pytest

from partners_api.client import (
    APIError,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PartnersClient,
    PartnersClientError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    ValidationError,
)
from tests.client.conftest import MakeClient, RecordingTransport
from tests.client.seeding import Tenant, customer_body, partner_body, seed_tenant

UNKNOWN_TOKEN = "scp_" + "A" * 43


def assert_request_id(error: APIError) -> None:
    assert error.request_id
    assert error.problem["requestId"] == error.request_id
    assert f"Request ID: {error.request_id}" in str(error)


def test_unknown_token_raises_authentication_error(make_client: MakeClient) -> None:
    client = make_client(UNKNOWN_TOKEN)

    with pytest.raises(AuthenticationError) as caught:
        client.me()

    error = caught.value
    assert error.status_code == 401
    assert error.title == "Unauthorized"
    assert error.detail.startswith("The token is unknown.")
    assert error.problem_type == "unauthorized"
    assert str(error).startswith("401 Unauthorized: The token is unknown.")
    assert_request_id(error)


def test_reader_create_raises_permission_denied(make_client: MakeClient, tenant: Tenant) -> None:
    client = make_client(tenant.reader_token)

    with pytest.raises(PermissionDeniedError) as caught:
        client.create_customer(customer_body("Reader"))

    assert caught.value.status_code == 403
    assert_request_id(caught.value)


def test_partner_key_on_partners_raises_permission_denied(
    make_client: MakeClient, tenant: Tenant
) -> None:
    client = make_client(tenant.partner_admin_token)

    with pytest.raises(PermissionDeniedError) as caught:
        list(client.list_partners())

    assert caught.value.status_code == 403


def test_unknown_customer_raises_not_found(make_client: MakeClient, tenant: Tenant) -> None:
    client = make_client(tenant.admin_token)
    missing = str(uuid.uuid4())

    with pytest.raises(NotFoundError) as caught:
        client.get_customer(missing)

    assert caught.value.status_code == 404
    assert missing in caught.value.detail
    assert_request_id(caught.value)


def test_partner_of_other_distributor_is_not_found(
    make_client: MakeClient, tenant: Tenant, server_database_url: str
) -> None:
    other = seed_tenant(server_database_url)
    client = make_client(tenant.admin_token)

    with pytest.raises(NotFoundError):
        client.get_partner(other.partner_id)


@pytest.mark.parametrize(
    ("odd_id", "raw_path"),
    [
        ("..", "/v1/customers/%2E%2E"),
        (".", "/v1/customers/%2E"),
        ("a/b", "/v1/customers/a%2Fb"),
        ("x?y=1", "/v1/customers/x%3Fy%3D1"),
        ("not a uuid", "/v1/customers/not%20a%20uuid"),
    ],
)
def test_odd_ids_stay_one_path_segment(
    make_client: MakeClient, tenant: Tenant, odd_id: str, raw_path: str
) -> None:
    transport = RecordingTransport()
    client = make_client(tenant.admin_token, transport=transport)

    with pytest.raises(NotFoundError):
        client.get_customer(odd_id)

    assert [request.url.raw_path.decode() for request in transport.requests] == [raw_path]


def test_invalid_body_raises_validation_error_with_fields(
    make_client: MakeClient, tenant: Tenant
) -> None:
    client = make_client(tenant.admin_token)
    body = {**customer_body("Invalid"), "email": "not-an-email", "countryId": "xx"}

    with pytest.raises(ValidationError) as caught:
        client.create_customer(body)

    error = caught.value
    assert error.status_code == 422
    assert set(error.errors) == {"email", "countryId"}
    assert "'xx'" in error.errors["countryId"]
    text = str(error)
    assert f"  email: {error.errors['email']}" in text
    assert f"  countryId: {error.errors['countryId']}" in text
    assert_request_id(error)


def test_invalid_filter_raises_validation_error(make_client: MakeClient, tenant: Tenant) -> None:
    client = make_client(tenant.admin_token)

    with pytest.raises(ValidationError) as caught:
        list(client.list_partners(filter={"state": "active"}, sort=("email", "ASC")))

    error = caught.value
    assert error.status_code == 400
    assert set(error.errors) == {"filter.state", "sort"}
    assert "did you mean 'Active'?" in error.errors["filter.state"]


def test_taken_email_raises_conflict(make_client: MakeClient, tenant: Tenant) -> None:
    client = make_client(tenant.admin_token)
    body = customer_body("Conflict")
    client.create_customer(body)

    with pytest.raises(ConflictError) as caught:
        client.create_customer({**body, "customerName": "Another Name"})

    error = caught.value
    assert error.status_code == 409
    assert error.problem_type == "conflict"
    assert list(error.errors) == ["email"]
    assert_request_id(error)


def test_taken_partner_code_raises_conflict(make_client: MakeClient, tenant: Tenant) -> None:
    client = make_client(tenant.admin_token)
    body = partner_body("Coded")
    client.create_partner(body)

    with pytest.raises(ConflictError) as caught:
        client.create_partner({**partner_body("Other"), "code": body["code"]})

    assert list(caught.value.errors) == ["code"]


def test_oversized_body_raises_plain_api_error(make_client: MakeClient, tenant: Tenant) -> None:
    client = make_client(tenant.admin_token)
    body = {**customer_body("Huge"), "customerName": "x" * 1_100_000}

    with pytest.raises(APIError) as caught:
        client.create_customer(body)

    error = caught.value
    assert type(error) is APIError
    assert error.status_code == 413
    assert error.title == "Content Too Large"
    assert_request_id(error)


def test_api_errors_share_base_class() -> None:
    for error_class in (
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        ValidationError,
        ConflictError,
        RateLimitError,
        ServerError,
    ):
        assert issubclass(error_class, APIError)
        assert issubclass(error_class, PartnersClientError)


@pytest.mark.parametrize(
    ("status", "error_class"),
    [(500, ServerError), (502, ServerError), (504, ServerError), (418, APIError)],
)
def test_statuses_not_retried(status: int, error_class: type[APIError]) -> None:
    """Statuses that a real server cannot be made to return, returned by a stub transport."""
    calls: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(
            status,
            headers={"X-Request-ID": "stub-id", "Retry-After": "1"},
            json={"title": "Stub Failure", "status": status, "detail": "Failed on purpose."},
        )

    sleeps: list[float] = []
    with PartnersClient(
        "http://127.0.0.1:9",
        UNKNOWN_TOKEN,
        retry=RetryPolicy(max_attempts=5),
        transport=httpx.MockTransport(answer),
        sleep=sleeps.append,
    ) as client:
        with pytest.raises(error_class) as caught:
            client.create_customer(customer_body("Stub"))

    assert type(caught.value) is error_class
    assert len(calls) == 1
    assert sleeps == []
    assert str(caught.value) == f"{status} Stub Failure: Failed on purpose.\nRequest ID: stub-id"


def test_html_error_body_has_reason_as_title() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, headers={"Content-Type": "text/html"}, text="<html>Bad</html>")

    with PartnersClient(
        "http://127.0.0.1:9", UNKNOWN_TOKEN, transport=httpx.MockTransport(answer)
    ) as client:
        with pytest.raises(ServerError) as caught:
            client.me()

    assert caught.value.problem == {}
    assert str(caught.value) == "502 Bad Gateway"
