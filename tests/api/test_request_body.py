"""How POST bodies are read: media types, size limit, JSON syntax and encoding."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.api.conftest import Accounts
from tests.api.document_examples import (
    CUSTOMER_CREATE_BODY,
    PARTNER_CREATE_BODY,
    PARTNER_CREATE_DATA_RAW,
)
from tests.api.helpers import assert_problem, field_errors

pytestmark = pytest.mark.anyio

MAX_BODY_BYTES = 1024 * 1024
OWN_CUSTOMER_BODY = {
    key: value for key, value in CUSTOMER_CREATE_BODY.items() if not key.startswith("partner")
}


@pytest.fixture
async def headers(accounts: Accounts) -> dict[str, str]:
    return await accounts.key(await accounts.distributor("Example Distributor"))


def encoded(body: object) -> bytes:
    return json.dumps(body).encode()


def padded(body: dict[str, Any], size: int) -> bytes:
    """Encode ``body`` as JSON of exactly ``size`` bytes, padded with trailing spaces."""
    data = encoded(body)
    assert len(data) <= size
    return data + b" " * (size - len(data))


async def post(
    client: httpx.AsyncClient,
    path: str,
    content: bytes,
    headers: dict[str, str],
    content_type: str | None,
) -> httpx.Response:
    request_headers = dict(headers)
    if content_type is not None:
        request_headers["Content-Type"] = content_type
    return await client.post(path, content=content, headers=request_headers)


# Media types read as JSON


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "",
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/merge-patch+json",
        "application/vnd.sipcaller.partner+json; charset=UTF-8",
        "application/x-www-form-urlencoded",
    ],
)
@pytest.mark.parametrize(
    ("path", "body"),
    [("/v1/partners", PARTNER_CREATE_BODY), ("/v1/customers", OWN_CUSTOMER_BODY)],
)
async def test_json_media_types_accepted(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    content_type: str | None,
    path: str,
    body: dict[str, Any],
) -> None:
    response = await post(client, path, encoded(body), headers, content_type)
    assert response.status_code == 201, response.text


async def test_request_without_content_type_header(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    request = client.build_request(
        "POST", "/v1/partners", content=encoded(PARTNER_CREATE_BODY), headers=headers
    )
    assert "content-type" not in request.headers
    response = await client.send(request)
    assert response.status_code == 201


async def test_curl_form_label_read_as_json(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await post(
        client,
        "/v1/partners",
        PARTNER_CREATE_DATA_RAW.encode(),
        headers,
        "application/x-www-form-urlencoded",
    )
    assert response.status_code == 201
    assert response.json()["code"] == "example-partner"


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain; charset=utf-8",
        "multipart/form-data; boundary=----boundary",
        "application/xml",
        "text/json",
        "application/jsonl",
        "application/octet-stream",
    ],
)
@pytest.mark.parametrize("path", ["/v1/partners", "/v1/customers"])
async def test_other_media_types_are_415(
    client: httpx.AsyncClient, headers: dict[str, str], content_type: str, path: str
) -> None:
    response = await post(client, path, encoded(PARTNER_CREATE_BODY), headers, content_type)
    body = assert_problem(response, 415)
    assert "application/json" in body["detail"]


async def test_multipart_upload_is_415(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.post(
        "/v1/partners",
        files={"body": ("partner.json", encoded(PARTNER_CREATE_BODY), "application/json")},
        headers=headers,
    )
    assert_problem(response, 415)


# Size limit


async def test_body_over_one_mebibyte_is_413(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    content = padded(PARTNER_CREATE_BODY, MAX_BODY_BYTES + 1)
    response = await post(client, "/v1/partners", content, headers, "application/json")
    body = assert_problem(response, 413)
    assert str(MAX_BODY_BYTES) in body["detail"]


async def test_streamed_body_over_limit_is_413(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"partnerName": "'
        for _ in range(17):
            yield b"x" * 65536
        yield b'"}'

    response = await client.post("/v1/partners", content=chunks(), headers=headers)
    assert "content-length" not in response.request.headers
    assert_problem(response, 413)


async def test_body_of_one_mebibyte_accepted(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    content = padded(PARTNER_CREATE_BODY, MAX_BODY_BYTES)
    response = await post(client, "/v1/partners", content, headers, "application/json")
    assert response.status_code == 201


# Syntax and encoding


@pytest.mark.parametrize(
    ("content", "position"),
    [
        (b'{\n  "email": "john.doe@partner.example.com",\n  oops\n}', "line 3, column 3"),
        (b'{"email": "john.doe@partner.example.com",}', "line 1, column 41"),
        (b"{", "line 1, column 2"),
        (b'{"partnerName": "A\x00B"}', "line 1, column 19"),
        (b"\xef\xbb\xbf{}", "line 1, column 1"),
    ],
)
async def test_invalid_json_is_400_with_position(
    client: httpx.AsyncClient, headers: dict[str, str], content: bytes, position: str
) -> None:
    response = await post(client, "/v1/partners", content, headers, "application/json")
    body = assert_problem(response, 400)
    assert body["detail"].startswith("Invalid JSON")
    assert position in body["detail"]


@pytest.mark.parametrize("content", [b"", b"   \r\n\t "])
async def test_empty_body_is_400(
    client: httpx.AsyncClient, headers: dict[str, str], content: bytes
) -> None:
    response = await post(client, "/v1/partners", content, headers, "application/json")
    body = assert_problem(response, 400)
    assert "empty" in body["detail"]


@pytest.mark.parametrize(
    ("content", "description"),
    [
        (b"[]", "an array"),
        (b'[{"partnerName": "Example Partner"}]', "an array"),
        (b'"Example Partner"', "a string"),
        (b"42", "a number"),
        (b"true", "a boolean"),
        (b"null", "null"),
    ],
)
@pytest.mark.parametrize("path", ["/v1/partners", "/v1/customers"])
async def test_non_object_body_is_422(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    content: bytes,
    description: str,
    path: str,
) -> None:
    response = await post(client, path, content, headers, "application/json")
    assert field_errors(response) == {"body": f"Expected a JSON object, got {description}."}


@pytest.mark.parametrize(
    ("content", "position"),
    [
        (b'{"partnerName": "Caf\xe9"}', "line 1, column 21 (byte 20)"),
        (b'{"partnerName": "\xff\xfe"}', "line 1, column 18 (byte 17)"),
        (b'{"partnerName": "\xed\xa0\x80"}', "line 1, column 18 (byte 17)"),
        (b'{"partnerName":\n "\xc3\xa9\xc3"}', "line 2, column 4 (byte 20)"),
    ],
)
async def test_invalid_utf8_is_400_with_position(
    client: httpx.AsyncClient, headers: dict[str, str], content: bytes, position: str
) -> None:
    response = await post(client, "/v1/partners", content, headers, "application/json")
    body = assert_problem(response, 400)
    assert "not valid UTF-8" in body["detail"]
    assert position in body["detail"]


async def test_non_ascii_utf8_accepted(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    content = json.dumps(
        {**PARTNER_CREATE_BODY, "partnerName": "Café Ñandú 東京"}, ensure_ascii=False
    ).encode()
    response = await post(client, "/v1/partners", content, headers, "application/json")
    assert response.status_code == 201
    assert response.json()["name"] == "Café Ñandú 東京"


PARTNER_STRING_FIELDS = [
    "email",
    "firstName",
    "lastName",
    "partnerName",
    "type",
    "code",
    "level",
    "languageId",
    "timeZoneId",
    "countryIds.0",
    "contactData.web",
    "contactData.email",
    "contactData.phone",
    "logo.file",
]
CUSTOMER_STRING_FIELDS = [
    "countryId",
    "languageId",
    "timeZoneId",
    "email",
    "customerName",
    "firstName",
    "lastName",
    "websiteUrl",
    "phoneNumber",
    "partnerId",
    "partnerMemberIdForCustomerSupport",
]


def with_nul(body: dict[str, Any], path: str) -> dict[str, Any]:
    """Copy ``body`` with a NUL character inserted in the middle of the string at ``path``."""
    copied: dict[str, Any] = json.loads(json.dumps(body))
    *parents, last = path.split(".")
    target: Any = copied
    for part in parents:
        target = target[part]
    key: Any = int(last) if isinstance(target, list) else last
    value = target[key]
    target[key] = value[:1] + "\x00" + value[1:]
    return copied


@pytest.mark.parametrize("path", PARTNER_STRING_FIELDS)
async def test_nul_in_partner_field_is_422(
    client: httpx.AsyncClient, headers: dict[str, str], path: str
) -> None:
    response = await client.post(
        "/v1/partners", json=with_nul(PARTNER_CREATE_BODY, path), headers=headers
    )
    assert list(field_errors(response)) == [path]


@pytest.mark.parametrize("path", CUSTOMER_STRING_FIELDS)
async def test_nul_in_customer_field_is_422(
    client: httpx.AsyncClient, headers: dict[str, str], path: str
) -> None:
    body = with_nul(CUSTOMER_CREATE_BODY, path)
    response = await client.post("/v1/customers", json=body, headers=headers)
    assert list(field_errors(response)) == [path]


async def test_nul_in_unknown_field_name_is_422(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = {**PARTNER_CREATE_BODY, "note\x00": "x"}
    response = await client.post("/v1/partners", json=body, headers=headers)
    errors = field_errors(response)
    assert list(errors) == ["note\x00"]
    assert "\x00" not in errors["note\x00"]


async def test_body_checked_only_after_authentication(client: httpx.AsyncClient) -> None:
    response = await post(client, "/v1/partners", b"{", {}, "text/plain")
    assert_problem(response, 401)


async def test_oversized_body_creates_nothing(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    oversized = padded(PARTNER_CREATE_BODY, MAX_BODY_BYTES + 10)
    rejected = await post(client, "/v1/partners", oversized, headers, "application/json")
    assert rejected.status_code == 413
    accepted = await client.post("/v1/partners", json=PARTNER_CREATE_BODY, headers=headers)
    assert accepted.status_code == 201
    listing = await client.get("/v1/partners", headers=headers)
    assert [partner["id"] for partner in listing.json()] == [accepted.json()["id"]]
