"""Invalid filter, sort and range parameters of the list endpoints: always a 400
problem+json whose ``errors`` names the parameter or filter key, never a 422 or 500."""

from __future__ import annotations

import uuid

import httpx
import orjson
import pytest

from tests.api.conftest import Accounts
from tests.api.listing_data import PROBLEM_CONTENT_TYPE

pytestmark = pytest.mark.anyio


def _ids(count: int) -> str:
    return orjson.dumps({"id": [str(uuid.uuid4()) for _ in range(count)]}).decode()


# Invalid parameters that both endpoints reject in the same way: (parameter, value, error key).
COMMON_CASES = [
    ("filter", "{", "filter"),
    ("filter", "[1]", "filter"),
    ("filter", '"ACME"', "filter"),
    ("filter", "null", "filter"),
    ("filter", '{"foo": "x"}', "filter.foo"),
    ("filter", '{"id": "not-a-uuid"}', "filter.id"),
    ("filter", '{"id": "019cea04b0157f54a7dd6e5c198f15a9"}', "filter.id"),
    ("filter", '{"id": null}', "filter.id"),
    ("filter", '{"ids": [1]}', "filter.ids"),
    ("filter", '{"ids": [["019cea04-b015-7f54-a7dd-6e5c198f15a9"]]}', "filter.ids"),
    ("filter", _ids(1001), "filter.id"),
    ("filter", '{"name": ["ACME"]}', "filter.name"),
    ("filter", '{"name": 5}', "filter.name"),
    ("filter", '{"name": true}', "filter.name"),
    ("filter", orjson.dumps({"name": "x" * 201}).decode(), "filter.name"),
    ("filter", '{"name": "a\\u0000b"}', "filter.name"),
    ("filter", '{"name": "\\ud800"}', "filter"),
    ("filter", '{"name_like": "ACME"}', "filter.name_like"),
    ("filter", '{"state": "active"}', "filter.state"),
    ("filter", '{"state": ["Trialing", "Gone"]}', "filter.state"),
    ("filter", '{"state": {"eq": "Active"}}', "filter.state"),
    ("filter", '{"createdAt": "2026-03-01"}', "filter.createdAt"),
    ("filter", '{"createdAt_gte": "yesterday"}', "filter.createdAt_gte"),
    ("filter", '{"createdAt_gte": "2026-02-30"}', "filter.createdAt_gte"),
    ("filter", '{"createdAt_gte": "20260301"}', "filter.createdAt_gte"),
    ("filter", '{"createdAt_gte": "2026-W09-1"}', "filter.createdAt_gte"),
    ("filter", '{"createdAt_lte": ["2026-03-01"]}', "filter.createdAt_lte"),
    ("filter", '{"createdAt_lte": 1772323200}', "filter.createdAt_lte"),
    ("filter", '{"createdAt_gt": "9999-12-31"}', "filter.createdAt_gt"),
    ("filter", '{"createdAt_gte": "0001-01-01T00:00:00+01:00"}', "filter.createdAt_gte"),
    ("filter", '{"updatedAt_lt": "10000-01-01"}', "filter.updatedAt_lt"),
    ("filter", '{"updatedAt_between": "2026-03-01"}', "filter.updatedAt_between"),
    ("filter", '{"updatedAt_lt": "2026-03-01T25:00:00"}', "filter.updatedAt_lt"),
    ("sort", "name", "sort"),
    ("sort", '["name"]', "sort"),
    ("sort", '["name", "ASC", "id"]', "sort"),
    ("sort", '{"field": "name", "order": "ASC"}', "sort"),
    ("sort", '["foo", "ASC"]', "sort"),
    ("sort", '["Name", "ASC"]', "sort"),
    ("sort", '["name", "UP"]', "sort"),
    ("sort", '["name", ""]', "sort"),
    ("sort", '["name", 1]', "sort"),
    ("range", "[0]", "range"),
    ("range", "[0, 1, 2]", "range"),
    ("range", "[5, 2]", "range"),
    ("range", "[-1, 3]", "range"),
    ("range", '["0", "9"]', "range"),
    ("range", "[0.5, 3]", "range"),
    ("range", "[0, 1e3]", "range"),
    ("range", "[true, 2]", "range"),
    ("range", "[0, 99999999999999999999]", "range"),
    ("range", "[0, 1000]", "range"),
    ("range", "0-24", "range"),
    ("range", "{", "range"),
]

PARTNER_CASES = [
    ("filter", '{"level": "Gold"}', "filter.level"),
    ("filter", '{"level": ["Basic", "basic"]}', "filter.level"),
    ("filter", '{"state": "Trialing"}', "filter.state"),
    ("filter", '{"code": {"a": 1}}', "filter.code"),
    ("filter", '{"code": 7}', "filter.code"),
    ("filter", '{"code": "a\\u0000"}', "filter.code"),
    ("filter", '{"countryIds": ["us"]}', "filter.countryIds"),
    ("filter", '{"countryIds_in": ["us"]}', "filter.countryIds_in"),
    ("filter", '{"countryIds_ovl": ["zz"]}', "filter.countryIds_ovl"),
    ("filter", '{"countryIds_ovl": ["usa"]}', "filter.countryIds_ovl"),
    ("filter", '{"countryIds_ovl": [1]}', "filter.countryIds_ovl"),
    ("filter", '{"countryId": "us"}', "filter.countryId"),
    ("filter", '{"partnerId": "019cea04-b015-7f54-a7dd-6e5c198f15a9"}', "filter.partnerId"),
    ("filter", '{"customersCount": 1}', "filter.customersCount"),
    ("filter", '{"planId": "ent-4sc-y"}', "filter.planId"),
    ("sort", '["countryId", "ASC"]', "sort"),
    ("sort", '["planId", "DESC"]', "sort"),
    ("sort", '["countryIds", "ASC"]', "sort"),
]

CUSTOMER_CASES = [
    ("filter", '{"countryId": "USA"}', "filter.countryId"),
    ("filter", '{"countryId": "zz"}', "filter.countryId"),
    ("filter", '{"countryId": ["us", 1]}', "filter.countryId"),
    ("filter", '{"countryId_ovl": ["us"]}', "filter.countryId_ovl"),
    ("filter", '{"partnerId": "x"}', "filter.partnerId"),
    ("filter", '{"partnerId": [null]}', "filter.partnerId"),
    ("filter", '{"planId": 1}', "filter.planId"),
    ("filter", '{"planId": ["ent-4sc-y", false]}', "filter.planId"),
    ("filter", '{"state": "Pending"}', "filter.state"),
    ("filter", '{"state": "pastdue"}', "filter.state"),
    ("filter", '{"level": "Basic"}', "filter.level"),
    ("filter", '{"code": "acme"}', "filter.code"),
    ("filter", '{"countryIds_ovl": ["us"]}', "filter.countryIds_ovl"),
    ("sort", '["customersCount", "DESC"]', "sort"),
    ("sort", '["level", "ASC"]', "sort"),
    ("sort", '["partnerId", "ASC"]', "sort"),
]


def _case_id(case: tuple[str, str, str]) -> str:
    parameter, value, _ = case
    return f"{parameter}={value[:60]}"


def _check_problem(response: httpx.Response, error_key: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM_CONTENT_TYPE
    body = response.json()
    assert body["status"] == 400
    assert error_key in body["errors"], body
    assert body["errors"][error_key] != ""
    assert body["message"] == body["detail"]


@pytest.mark.parametrize(
    ("parameter", "value", "error_key"),
    COMMON_CASES + PARTNER_CASES,
    ids=[_case_id(case) for case in COMMON_CASES + PARTNER_CASES],
)
async def test_partners_invalid_parameter(
    client: httpx.AsyncClient, accounts: Accounts, parameter: str, value: str, error_key: str
) -> None:
    key = await accounts.key(await accounts.distributor("Distributor"))

    response = await client.get("/v1/partners", params={parameter: value}, headers=key)

    _check_problem(response, error_key)


@pytest.mark.parametrize(
    ("parameter", "value", "error_key"),
    COMMON_CASES + CUSTOMER_CASES,
    ids=[_case_id(case) for case in COMMON_CASES + CUSTOMER_CASES],
)
async def test_customers_invalid_parameter(
    client: httpx.AsyncClient, accounts: Accounts, parameter: str, value: str, error_key: str
) -> None:
    key = await accounts.key(await accounts.partner("Partner"))

    response = await client.get("/v1/customers", params={parameter: value}, headers=key)

    _check_problem(response, error_key)


@pytest.mark.parametrize("resource", ["partners", "customers"])
async def test_list_errors_in_every_parameter(
    client: httpx.AsyncClient, accounts: Accounts, resource: str
) -> None:
    """One response reports every invalid parameter and every invalid filter key."""
    key = await accounts.key(await accounts.distributor("Distributor"))

    response = await client.get(
        f"/v1/{resource}",
        params={
            "filter": '{"state": "Gone", "createdAt_gte": "soon", "name": "ok"}',
            "sort": '["foo", "ASC"]',
            "range": "[9, 0]",
        },
        headers=key,
    )

    _check_problem(response, "filter.state")
    errors = response.json()["errors"]
    assert "filter.createdAt_gte" in errors
    assert "filter.name" not in errors
    assert "sort" in errors
    assert "range" in errors


@pytest.mark.parametrize("resource", ["partners", "customers"])
async def test_list_error_names_invalid_value(
    client: httpx.AsyncClient, accounts: Accounts, resource: str
) -> None:
    key = await accounts.key(await accounts.distributor("Distributor"))

    response = await client.get(
        f"/v1/{resource}", params={"filter": '{"state": "Unheard"}'}, headers=key
    )

    _check_problem(response, "filter.state")
    assert "Unheard" in response.json()["errors"]["filter.state"]


@pytest.mark.parametrize("resource", ["partners", "customers"])
async def test_list_range_header_over_limit(
    client: httpx.AsyncClient, accounts: Accounts, resource: str
) -> None:
    key = await accounts.key(await accounts.distributor("Distributor"))

    response = await client.get(f"/v1/{resource}", headers={**key, "Range": f"{resource}=0-1000"})

    _check_problem(response, "range")


@pytest.mark.parametrize("resource", ["partners", "customers"])
async def test_list_filter_not_utf8(
    client: httpx.AsyncClient, accounts: Accounts, resource: str
) -> None:
    """Percent-encoded bytes that are not UTF-8 make the filter invalid JSON."""
    key = await accounts.key(await accounts.distributor("Distributor"))

    response = await client.get(f"/v1/{resource}?filter=%7B%22name%22%3A%22%FF%22", headers=key)

    _check_problem(response, "filter")


@pytest.mark.parametrize("resource", ["partners", "customers"])
async def test_list_empty_parameters_use_defaults(
    client: httpx.AsyncClient, accounts: Accounts, resource: str
) -> None:
    """Empty filter, sort and range parameters are absent ones, not errors."""
    key = await accounts.key(await accounts.distributor("Distributor"))

    response = await client.get(
        f"/v1/{resource}", params={"filter": "", "sort": "", "range": ""}, headers=key
    )

    assert response.status_code == 200
    assert response.json() == []
