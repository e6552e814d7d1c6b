"""Hostile inputs on both databases: every case gets a 4xx problem+json, or a 2xx where the
input is valid, and never a 500.

The requests go to the app in process, so no HTTP server limits apply. A 64 KiB header
reaches the app here, but uvicorn with h11 rejects a request head over 16 KiB by default
(h11 0.16, ``DEFAULT_MAX_INCOMPLETE_EVENT_SIZE``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from tests.api.conftest import Accounts
from tests.api.document_examples import CUSTOMER_CREATE_BODY, PARTNER_CREATE_BODY
from tests.api.helpers import assert_problem, field_errors

pytestmark = pytest.mark.anyio

MAX_BODY_BYTES = 1024 * 1024
HEADER_BYTES = 64 * 1024
DEPTH = 10_000
HUGE_DIGITS = "1" + "0" * 400
LIST_PATHS = ["/v1/partners", "/v1/customers"]
OWN_CUSTOMER_BODY = {
    key: value for key, value in CUSTOMER_CREATE_BODY.items() if not key.startswith("partner")
}
# A string no body field contains, replaced by raw bytes after encoding.
PLACEHOLDER = "\ue000placeholder\ue000"

# Dotted paths of every string field of each body, as the API reports them in `errors`.
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
    "customerName",
    "email",
    "firstName",
    "lastName",
    "countryId",
    "languageId",
    "timeZoneId",
    "websiteUrl",
    "phoneNumber",
    "partnerId",
    "partnerMemberIdForCustomerSupport",
]
PARTNER_FIELDS = [
    *PARTNER_STRING_FIELDS,
    "countryIds",
    "contactData",
    "logo",
    "logo.maxHeight",
]
CUSTOMER_FIELDS = CUSTOMER_STRING_FIELDS
WRONG_TYPES: dict[str, list[Any]] = {
    "string": [1, 1.5, True, [], {}, ["a"], {"a": "b"}],
    "array": ["us", 1, True, {}, {"0": "us"}],
    "object": ["x", 1, True, [], [{}]],
    "integer": ["60", 60.0, 60.5, True, [], {}],
}
FIELD_KINDS = {"countryIds": "array", "contactData": "object", "logo": "object"}
FIELD_KINDS["logo.maxHeight"] = "integer"


def check_response(response: httpx.Response, expected: set[int]) -> None:
    """Check that the status is one of ``expected`` and below 500, and that a 4xx has a
    problem+json body."""
    assert response.status_code < 500, response.text
    assert response.status_code in expected, response.text
    if response.status_code >= 400:
        assert_problem(response, response.status_code)


def set_path(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Return a deep copy of ``body`` with ``value`` at the dotted ``path``."""
    copy: dict[str, Any] = json.loads(json.dumps(body))
    *parents, last = path.split(".")
    node: Any = copy
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return copy


def encode_with_raw(body: dict[str, Any], path: str, raw: bytes) -> bytes:
    """Encode ``body`` as JSON with the string at ``path`` replaced by ``raw`` bytes."""
    text = json.dumps(set_path(body, path, PLACEHOLDER), ensure_ascii=False)
    return text.encode().replace(PLACEHOLDER.encode(), raw)


def nested(depth: int, inner: str = "") -> str:
    return "[" * depth + inner + "]" * depth


@pytest.fixture
async def distributor(accounts: Accounts) -> uuid.UUID:
    return await accounts.distributor("Hostile Distributor")


@pytest.fixture
async def headers(accounts: Accounts, distributor: uuid.UUID) -> dict[str, str]:
    return await accounts.key(distributor)


@pytest.fixture
def full_partner_body() -> dict[str, Any]:
    return dict(PARTNER_CREATE_BODY)


@pytest.fixture
def full_customer_body(distributor: uuid.UUID) -> dict[str, Any]:
    """Return a customer body with every field. The support member id names no member."""
    return {
        **OWN_CUSTOMER_BODY,
        "partnerId": str(distributor),
        "partnerMemberIdForCustomerSupport": str(uuid.uuid4()),
    }


def body_for(path: str, partner: dict[str, Any], customer: dict[str, Any]) -> dict[str, Any]:
    return partner if path == "/v1/partners" else customer


async def post_raw(
    client: httpx.AsyncClient, path: str, content: bytes, headers: dict[str, str]
) -> httpx.Response:
    return await client.post(
        path, content=content, headers={**headers, "Content-Type": "application/json"}
    )


# Malformed and deeply nested JSON bodies


MALFORMED_BODIES = {
    "truncated object": b'{"email":',
    "empty member": b"{,}",
    "unclosed array": b"[1,2",
    "trailing garbage": b'{"email":"a@example.com"} x',
    "single quotes": b"{'email': 'a@example.com'}",
    "NaN literal": b'{"logo":{"file":"a.png","maxHeight":NaN}}',
    "Infinity literal": b'{"logo":{"file":"a.png","maxHeight":Infinity}}',
    "nested arrays": nested(DEPTH).encode(),
    "nested objects": ('{"a":' * DEPTH + "1" + "}" * DEPTH).encode(),
    "nested arrays in a field": ('{"countryIds":' + nested(DEPTH) + "}").encode(),
    "lone surrogate escape": b'{"partnerName":"\\ud800"}',
    "byte order mark": b'\xef\xbb\xbf{"email":"a@example.com"}',
}


@pytest.mark.parametrize("path", LIST_PATHS)
@pytest.mark.parametrize("name", list(MALFORMED_BODIES))
async def test_malformed_json_body(
    client: httpx.AsyncClient, headers: dict[str, str], path: str, name: str
) -> None:
    response = await post_raw(client, path, MALFORMED_BODIES[name], headers)

    # A lone surrogate is valid JSON syntax and may reach the field rules instead.
    check_response(response, {400, 422})


@pytest.mark.parametrize("path", LIST_PATHS)
async def test_nesting_within_decoder_limit(
    client: httpx.AsyncClient, headers: dict[str, str], path: str
) -> None:
    content = ('{"countryIds":' + nested(200) + "}").encode()

    response = await post_raw(client, path, content, headers)

    check_response(response, {400, 422})


# Huge numbers in bodies


HUGE_NUMBERS = ["1e400", "-1e400", HUGE_DIGITS, "-" + HUGE_DIGITS, "1e-400", "0." + HUGE_DIGITS]


@pytest.mark.parametrize("number", HUGE_NUMBERS)
async def test_huge_number_in_body(
    client: httpx.AsyncClient, headers: dict[str, str], number: str
) -> None:
    text = json.dumps(set_path(PARTNER_CREATE_BODY, "logo.maxHeight", PLACEHOLDER))
    content = text.replace(json.dumps(PLACEHOLDER), number).encode()

    response = await post_raw(client, "/v1/partners", content, headers)

    check_response(response, {400, 422})
    if response.status_code == 422:
        assert "logo.maxHeight" in response.json()["errors"]


@pytest.mark.parametrize("number", HUGE_NUMBERS)
@pytest.mark.parametrize("field", ["customerName", "countryId"])
async def test_huge_number_in_customer_string_field(
    client: httpx.AsyncClient, headers: dict[str, str], number: str, field: str
) -> None:
    text = json.dumps(set_path(OWN_CUSTOMER_BODY, field, PLACEHOLDER))
    content = text.replace(json.dumps(PLACEHOLDER), number).encode()

    response = await post_raw(client, "/v1/customers", content, headers)

    check_response(response, {400, 422})


# NUL bytes and invalid UTF-8 in every string field


def _string_field_cases() -> Iterator[tuple[str, str]]:
    for field in PARTNER_STRING_FIELDS:
        yield "/v1/partners", field
    for field in CUSTOMER_STRING_FIELDS:
        yield "/v1/customers", field


@pytest.mark.parametrize(("path", "field"), list(_string_field_cases()))
@pytest.mark.parametrize("value", ["\x00", "a\x00b", "a\x00"])
async def test_nul_in_string_field(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    full_partner_body: dict[str, Any],
    full_customer_body: dict[str, Any],
    path: str,
    field: str,
    value: str,
) -> None:
    body = set_path(body_for(path, full_partner_body, full_customer_body), field, value)

    response = await client.post(path, json=body, headers=headers)

    errors = field_errors(response)
    assert field in errors


@pytest.mark.parametrize(("path", "field"), list(_string_field_cases()))
@pytest.mark.parametrize("raw", [b"\xff", b"a\xffb", b"\xed\xa0\x80"])
async def test_invalid_utf8_in_string_field(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    full_partner_body: dict[str, Any],
    full_customer_body: dict[str, Any],
    path: str,
    field: str,
    raw: bytes,
) -> None:
    body = body_for(path, full_partner_body, full_customer_body)
    content = encode_with_raw(body, field, raw)

    response = await post_raw(client, path, content, headers)

    problem = assert_problem(response, 400)
    assert "not valid UTF-8" in problem["detail"]


# Wrong JSON types for each field


def _wrong_type_cases() -> Iterator[tuple[str, str, Any]]:
    for path, fields in (("/v1/partners", PARTNER_FIELDS), ("/v1/customers", CUSTOMER_FIELDS)):
        for field in fields:
            for value in WRONG_TYPES[FIELD_KINDS.get(field, "string")]:
                yield path, field, value


@pytest.mark.parametrize(("path", "field", "value"), list(_wrong_type_cases()))
async def test_wrong_json_type(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    full_partner_body: dict[str, Any],
    full_customer_body: dict[str, Any],
    path: str,
    field: str,
    value: Any,
) -> None:
    body = set_path(body_for(path, full_partner_body, full_customer_body), field, value)

    response = await client.post(path, json=body, headers=headers)

    errors = field_errors(response)
    assert any(key == field or key.startswith(f"{field}.") for key in errors), errors


@pytest.mark.parametrize("path", LIST_PATHS)
@pytest.mark.parametrize("body", [[], [{}], "x", 1, 1.5, True, None])
async def test_body_not_an_object(
    client: httpx.AsyncClient, headers: dict[str, str], path: str, body: Any
) -> None:
    response = await post_raw(client, path, json.dumps(body).encode(), headers)

    errors = field_errors(response)
    assert "body" in errors


# Oversized bodies and headers


@pytest.mark.parametrize("path", LIST_PATHS)
@pytest.mark.parametrize("streamed", [False, True])
async def test_body_just_over_limit(
    client: httpx.AsyncClient, headers: dict[str, str], path: str, streamed: bool
) -> None:
    data = json.dumps(PARTNER_CREATE_BODY).encode()
    content = data + b" " * (MAX_BODY_BYTES + 1 - len(data))

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(content), 64 * 1024):
            yield content[start : start + 64 * 1024]

    request_headers = {**headers, "Content-Type": "application/json"}
    if streamed:
        response = await client.post(path, content=chunks(), headers=request_headers)
    else:
        response = await client.post(path, content=content, headers=request_headers)

    assert_problem(response, 413)


async def test_oversized_request_id_replaced(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get("/v1/me", headers={**headers, "X-Request-ID": "r" * HEADER_BYTES})

    check_response(response, {200})
    assert response.headers["x-request-id"] != "r" * HEADER_BYTES
    assert len(response.headers["x-request-id"]) <= 200


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer scp_" + "a" * HEADER_BYTES,
        "Bearer " + "a" * HEADER_BYTES,
        "a" * HEADER_BYTES,
        "Bearer" + " " * HEADER_BYTES + "scp_x",
    ],
    ids=["long scp token", "long token", "no scheme", "long gap"],
)
async def test_oversized_authorization(client: httpx.AsyncClient, authorization: str) -> None:
    response = await client.get("/v1/me", headers={"Authorization": authorization})

    assert_problem(response, 401)
    assert "www-authenticate" in response.headers


@pytest.mark.parametrize("path", LIST_PATHS)
async def test_oversized_range_header(
    client: httpx.AsyncClient, headers: dict[str, str], path: str
) -> None:
    unit = path.rsplit("/", 1)[1]
    for value in (f"{unit}=0-" + "9" * HEADER_BYTES, f"{unit}=" + "0" * HEADER_BYTES + "-1"):
        response = await client.get(path, headers={**headers, "Range": value})

        check_response(response, {200, 400})


@pytest.mark.parametrize("path", LIST_PATHS)
async def test_oversized_idempotency_key(
    client: httpx.AsyncClient, headers: dict[str, str], path: str
) -> None:
    body = PARTNER_CREATE_BODY if path == "/v1/partners" else OWN_CUSTOMER_BODY

    response = await client.post(
        path, json=body, headers={**headers, "Idempotency-Key": "k" * HEADER_BYTES}
    )

    check_response(response, {400})


# Query parameters: NUL, invalid UTF-8, nesting, huge numbers, long lists, wrong types


def _query_cases() -> Iterator[tuple[str, str]]:
    for name in ("filter", "sort", "range"):
        for raw in ("%00", "%FF", "%00%FF", "%C3", "%ED%A0%80"):
            yield name, raw

    yield "filter", "%7B%22name%22%3A%22a%00b%22%7D"
    yield "filter", '{"name":"a\\u0000b"}'
    yield "filter", '{"code":"a\\u0000"}'
    yield "filter", '{"ids":["\\u0000"]}'
    yield "filter", '{"createdAt_gte":"2026-03-01\\u0000"}'
    yield "filter", '{"na%00me":"x"}'
    yield "sort", '["na%00me","ASC"]'
    yield "sort", '["name","AS%00C"]'
    yield "sort", '["name","%FF"]'
    yield "range", "[0,%FF]"
    yield "range", "[0%00,9]"

    yield "filter", '{"ids":' + nested(DEPTH) + "}"
    yield "filter", nested(DEPTH)
    yield "sort", nested(DEPTH)
    yield "range", nested(DEPTH)
    yield "range", "[0," + nested(DEPTH, "9") + "]"
    for number in HUGE_NUMBERS:
        yield "range", f"[0,{number}]"
        yield "range", f"[{number},{number}]"
        yield "filter", f'{{"state":{number}}}'
        yield "filter", f'{{"ids":[{number}]}}'
        yield "filter", f'{{"name":{number}}}'
        yield "filter", f'{{"createdAt_gte":{number}}}'
        yield "sort", f'["id",{number}]'

    yield "range", "[0,9007199254740992]"
    yield "range", "[9007199254740991,9007199254740991]"
    for value in ("1", "[]", "{}", "true", "null", '"x"'):
        yield "filter", f'{{"name":{value}}}' if value != '"x"' else '{"state":{}}'
        yield "sort", f"[{value},{value}]"
        yield "range", f"[{value},9]"


@pytest.mark.parametrize("path", LIST_PATHS)
@pytest.mark.parametrize(("name", "raw"), list(_query_cases()))
async def test_hostile_query_parameter(
    client: httpx.AsyncClient, headers: dict[str, str], path: str, name: str, raw: str
) -> None:
    """Send ``raw`` as the query text of ``name``, percent escapes included as written."""
    response = await client.get(f"{path}?{name}={raw}", headers=headers)

    # A %FF inside a JSON string may be decoded to U+FFFD, which is a valid name.
    check_response(response, {200, 400})


@pytest.mark.parametrize("path", ["/v1/partners", "/v1/customers", "/v1/me"])
@pytest.mark.parametrize("raw", ["%00", "%FF", "a%00b", "%2e%2e", "%25", "%5C", "%0D%0A"])
async def test_hostile_path_segment(
    client: httpx.AsyncClient, headers: dict[str, str], path: str, raw: str
) -> None:
    response = await client.get(f"{path}/{raw}", headers=headers)

    check_response(response, {404, 405})


def _uuid_list(count: int) -> list[str]:
    return [str(uuid.UUID(int=index)) for index in range(count)]


# NOTE: httpx rejects URLs longer than 64 KiB (InvalidURL), so a filter of 10,000 ids or
# states cannot be sent through it. These lists are the longest that fit.
LONG_FILTERS = {
    "1,400 ids": ({"ids": _uuid_list(1_400)}, {400}),
    "1,400 id": ({"id": _uuid_list(1_400)}, {400}),
    "4,000 states": ({"state": ["Active"] * 4_000}, {400}),
    "4,000 codes": ({"code": ["x"] * 4_000}, {400}),
    "1,000 ids": ({"ids": _uuid_list(1_000)}, {200}),
    "1,001 ids": ({"ids": _uuid_list(1_001)}, {400}),
}


@pytest.mark.parametrize("path", LIST_PATHS)
@pytest.mark.parametrize("name", list(LONG_FILTERS))
async def test_long_filter_list(
    client: httpx.AsyncClient, headers: dict[str, str], path: str, name: str
) -> None:
    filter_value, expected = LONG_FILTERS[name]

    response = await client.get(path, params={"filter": json.dumps(filter_value)}, headers=headers)

    check_response(response, expected)
    if response.status_code == 200:
        assert response.json() == []


# Duplicate JSON keys: the last occurrence wins, in bodies and in filters.


async def test_duplicate_body_keys_last_wins(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = json.dumps({**PARTNER_CREATE_BODY, "partnerName": "First"})
    content = body[:-1] + ', "partnerName": "Second"}'

    response = await post_raw(client, "/v1/partners", content.encode(), headers)

    check_response(response, {201})
    assert response.json()["name"] == "Second"


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [("5", '"Basic"', 201), ('"Basic"', "5", 422), ('"Basic"', '"Certified"', 201)],
)
async def test_duplicate_body_keys_validated_last(
    client: httpx.AsyncClient, headers: dict[str, str], first: str, second: str, expected: int
) -> None:
    body = {key: value for key, value in PARTNER_CREATE_BODY.items() if key != "level"}
    text = json.dumps(body)
    content = text[:-1] + f', "level": {first}, "level": {second}}}'

    response = await post_raw(client, "/v1/partners", content.encode(), headers)

    check_response(response, {expected})
    if expected == 201:
        assert response.json()["level"] == json.loads(second)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"state":"Bogus","state":"Active"}', 200),
        ('{"state":"Active","state":"Bogus"}', 400),
    ],
)
async def test_duplicate_filter_keys_last_wins(
    client: httpx.AsyncClient, headers: dict[str, str], raw: str, expected: int
) -> None:
    response = await client.get("/v1/partners", params={"filter": raw}, headers=headers)

    check_response(response, {expected})


# SQL fragments and LIKE wildcards in name filters match literally.

LITERAL_NAMES = [
    "100%_Café",
    "100 Café",
    "50% off",
    "Under_score",
    "Underxscore",
    "Back\\slash",
    "Backslash",
    "O'Brien'); DROP TABLE accounts;--",
    "Plain Name",
]
NAME_SEARCHES = {
    "%": ["100%_Café", "50% off"],
    "_": ["100%_Café", "Under_score"],
    "\\": ["Back\\slash"],
    "%_": ["100%_Café"],
    "r_s": ["Under_score"],
    "k\\s": ["Back\\slash"],
    "100%": ["100%_Café"],
    "'); DROP TABLE": ["O'Brien'); DROP TABLE accounts;--"],
    "' OR '1'='1": [],
    '" OR 1=1 --': [],
    "%%": [],
    "\\%": [],
    "[a-z]": [],
    "*": [],
}


async def _create_named(
    client: httpx.AsyncClient, headers: dict[str, str], path: str, name: str, index: int
) -> None:
    if path == "/v1/partners":
        body = {
            **PARTNER_CREATE_BODY,
            "partnerName": name,
            "code": f"literal-{index}",
            "email": f"partner-{index}@example.com",
        }
    else:
        body = {**OWN_CUSTOMER_BODY, "customerName": name, "email": f"customer-{index}@example.com"}
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("path", LIST_PATHS)
async def test_name_filter_matches_literally(
    client: httpx.AsyncClient, headers: dict[str, str], path: str
) -> None:
    for index, name in enumerate(LITERAL_NAMES):
        await _create_named(client, headers, path, name, index)

    for search, expected in NAME_SEARCHES.items():
        response = await client.get(
            path,
            params={"filter": json.dumps({"name": search}), "sort": '["name","ASC"]'},
            headers=headers,
        )

        check_response(response, {200})
        names = [item["name"] for item in response.json()]
        assert sorted(names) == sorted(expected), search

    everything = await client.get(path, headers=headers)
    check_response(everything, {200})
    assert everything.headers["x-total-count"] == str(len(LITERAL_NAMES))
