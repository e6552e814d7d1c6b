"""Tests of /v1/openapi.json: the operations, their responses and bodies, the security
scheme, OpenAPI 3.1 validity, and the match between the documented schemas and both the
examples of the SIP Caller Partners REST API reference and the service's real responses."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import jsonschema
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from partners_api.domain.enums import Role
from partners_api.domain.list_specs import CUSTOMERS_LIST_SPEC, partners_list_spec
from partners_api.domain.listing import FilterKind, ResourceListSpec
from partners_api.http import customers, partners, system
from partners_api.http.app import create_app
from partners_api.settings import Settings
from partners_api.storage.database import create_engine
from tests.api.conftest import Accounts
from tests.api.document_examples import (
    CUSTOMER_CREATE_BODY,
    CUSTOMER_CREATED_RESPONSE,
    CUSTOMERS_LIST_RESPONSE,
    PARTNER_CREATE_BODY,
    PARTNER_CREATED_RESPONSE,
    PARTNERS_LIST_RESPONSE,
)

pytestmark = pytest.mark.anyio

PROBLEM_REF = "#/components/schemas/Problem"

EXPECTED_STATUSES = {
    ("/v1/partners", "get"): {"200", "400", "401", "429", "403", "500", "503"},
    ("/v1/partners", "post"): {
        "201",
        "400",
        "401",
        "429",
        "403",
        "409",
        "413",
        "415",
        "422",
        "500",
        "503",
    },
    ("/v1/partners/{partner_id}", "get"): {"200", "401", "429", "403", "404", "500", "503"},
    ("/v1/customers", "get"): {"200", "400", "401", "429", "500", "503"},
    ("/v1/customers", "post"): {
        "201",
        "400",
        "401",
        "429",
        "403",
        "409",
        "413",
        "415",
        "422",
        "500",
        "503",
    },
    ("/v1/customers/{customer_id}", "get"): {"200", "401", "429", "404", "500", "503"},
    ("/v1/me", "get"): {"200", "401", "429", "500", "503"},
    ("/healthz", "get"): {"200", "500"},
    ("/readyz", "get"): {"200", "500", "503"},
}


def make_app(**settings: Any) -> FastAPI:
    return create_app(Settings(database_url="sqlite:///:memory:", **settings))


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    built: dict[str, Any] = make_app().openapi()
    return built


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, path_item in document["paths"].items():
        for method, operation in path_item.items():
            yield path, method, operation


def resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def find_refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from find_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from find_refs(item)


def closed_components(document: dict[str, Any]) -> dict[str, Any]:
    """Copy the components with additionalProperties false on every object schema, so that
    validation also fails on a key that the schema does not declare."""
    components: dict[str, Any] = copy.deepcopy(document["components"])
    for schema in components["schemas"].values():
        if "properties" in schema:
            schema.setdefault("additionalProperties", False)
    return components


def validator(document: dict[str, Any], schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    root = {**schema, "components": closed_components(document)}
    return jsonschema.Draft202012Validator(
        root, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def response_schema(
    document: dict[str, Any], path: str, method: str, status: str, media_type: str
) -> dict[str, Any]:
    response = document["paths"][path][method]["responses"][status]
    schema: dict[str, Any] = response["content"][media_type]["schema"]
    return schema


def assert_valid(document: dict[str, Any], schema: dict[str, Any], instance: Any) -> None:
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(document, schema).iter_errors(instance)
    ]
    assert errors == []


# The document as a whole


async def test_served_document_matches_app(document: dict[str, Any]) -> None:
    app = make_app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == document


def test_document_is_valid_openapi_31(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1.")
    validate(document, cls=OpenAPIV31SpecValidator)


def test_every_ref_resolves(document: dict[str, Any]) -> None:
    for ref in set(find_refs(document)):
        assert isinstance(resolve(document, ref), dict), ref


def test_fastapi_validation_error_removed(document: dict[str, Any]) -> None:
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert "ValidationError" not in document["components"]["schemas"]
    assert "HTTPValidationError" not in json.dumps(document)


def test_every_route_documented(document: dict[str, Any]) -> None:
    routes = {
        (route.path, method.lower())
        for router in (partners.router, customers.router, system.router)
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    documented = {(path, method) for path, method, _ in operations(document)}
    assert routes == documented
    assert documented == set(EXPECTED_STATUSES)


def test_routes_skip_response_validation() -> None:
    # The response models document the bodies only: a response_model would make FastAPI
    # validate and serialise every response again.
    for router in (partners.router, customers.router, system.router):
        for route in router.routes:
            assert isinstance(route, APIRoute)
            assert route.response_model is None, route.path
            assert route.response_field is None, route.path


def test_operation_ids_unique(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids))


def test_operations_have_summary_and_description(document: dict[str, Any]) -> None:
    for path, method, operation in operations(document):
        assert operation.get("summary"), (path, method)
        assert operation.get("description"), (path, method)


# Responses


@pytest.mark.parametrize(("path", "method"), sorted(EXPECTED_STATUSES))
def test_documented_statuses(document: dict[str, Any], path: str, method: str) -> None:
    responses = document["paths"][path][method]["responses"]
    assert set(responses) == EXPECTED_STATUSES[(path, method)]


def test_every_response_has_request_id(document: dict[str, Any]) -> None:
    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            assert "X-Request-ID" in response.get("headers", {}), (path, method, status)


def test_errors_are_problems(document: dict[str, Any]) -> None:
    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            if status.startswith("2"):
                assert list(response["content"]) == ["application/json"], (path, method, status)
                continue
            assert list(response["content"]) == ["application/problem+json"], (path, status)
            media_type = response["content"]["application/problem+json"]
            assert media_type["schema"] == {"$ref": PROBLEM_REF}
            assert media_type["example"]["status"] == int(status)


def test_error_examples_match_problem(document: dict[str, Any]) -> None:
    for _path, _method, operation in operations(document):
        for response in operation["responses"].values():
            media_type = response["content"].get("application/problem+json")
            if media_type is not None:
                assert_valid(document, media_type["schema"], media_type["example"])


def test_auth_and_retry_headers(document: dict[str, Any]) -> None:
    for path, method, operation in operations(document):
        responses = operation["responses"]
        if "401" in responses:
            assert "WWW-Authenticate" in responses["401"]["headers"], (path, method)
        if "503" in responses:
            retry_after = responses["503"]["headers"]["Retry-After"]
            assert retry_after["schema"]["type"] == "integer"


@pytest.mark.parametrize("path", ["/v1/partners", "/v1/customers"])
def test_list_headers(document: dict[str, Any], path: str) -> None:
    headers = document["paths"][path]["get"]["responses"]["200"]["headers"]
    assert {"Content-Range", "X-Total-Count", "X-Request-ID", "Preference-Applied"} <= set(headers)
    assert headers["X-Total-Count"]["schema"]["type"] == "integer"
    assert headers["Preference-Applied"]["required"] is False


@pytest.mark.parametrize("path", ["/v1/partners", "/v1/customers"])
def test_created_has_location(document: dict[str, Any], path: str) -> None:
    headers = document["paths"][path]["post"]["responses"]["201"]["headers"]
    assert {"Location", "X-Request-ID"} <= set(headers)


@pytest.mark.parametrize(
    ("path", "method", "status", "model"),
    [
        ("/v1/partners", "get", "200", "Partner"),
        ("/v1/partners", "post", "201", "Partner"),
        ("/v1/partners/{partner_id}", "get", "200", "Partner"),
        ("/v1/customers", "get", "200", "Customer"),
        ("/v1/customers", "post", "201", "Customer"),
        ("/v1/customers/{customer_id}", "get", "200", "Customer"),
        ("/v1/me", "get", "200", "Me"),
        ("/healthz", "get", "200", "Health"),
        ("/readyz", "get", "200", "Readiness"),
    ],
)
def test_success_models(
    document: dict[str, Any], path: str, method: str, status: str, model: str
) -> None:
    schema = response_schema(document, path, method, status, "application/json")
    ref = f"#/components/schemas/{model}"
    if method == "get" and path in ("/v1/partners", "/v1/customers"):
        assert schema["type"] == "array"
        assert schema["items"] == {"$ref": ref}
    else:
        assert schema == {"$ref": ref}


def test_problem_schema(document: dict[str, Any]) -> None:
    problem = document["components"]["schemas"]["Problem"]
    properties = problem["properties"]
    assert set(properties) == {
        "type",
        "title",
        "status",
        "detail",
        "message",
        "requestId",
        "errors",
    }
    assert set(problem["required"]) == {"type", "title", "status", "detail", "message", "requestId"}
    assert properties["status"]["type"] == "integer"
    assert {"type": "null"} in properties["requestId"]["anyOf"]
    assert properties["errors"]["type"] == "object"
    assert properties["errors"]["additionalProperties"] == {"type": "string"}


def test_model_examples_match_schemas(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for name in ("Partner", "Customer", "Me"):
        examples = schemas[name]["examples"]
        assert examples, name
        for example in examples:
            assert_valid(document, {"$ref": f"#/components/schemas/{name}"}, example)


def test_timestamps_are_documented(document: dict[str, Any]) -> None:
    created_at = document["components"]["schemas"]["Partner"]["properties"]["createdAt"]
    assert created_at["type"] == "string"
    assert "UTC" in created_at["description"]
    checker = validator(document, created_at)
    for valid in ("2026-03-19T15:35:29.75", "2026-03-19T15:00:00", "2026-03-14T01:45:01.717"):
        assert checker.is_valid(valid), valid
    for invalid in ("2026-03-19T15:35:29.750", "2026-03-19T15:35:29Z", "2026-03-19"):
        assert not checker.is_valid(invalid), invalid


# The API reference's examples against the schemas


@pytest.mark.parametrize(
    ("path", "method", "status", "example"),
    [
        ("/v1/partners", "get", "200", PARTNERS_LIST_RESPONSE),
        ("/v1/partners", "post", "201", PARTNER_CREATED_RESPONSE),
        ("/v1/customers", "get", "200", CUSTOMERS_LIST_RESPONSE),
        ("/v1/customers", "post", "201", CUSTOMER_CREATED_RESPONSE),
    ],
    ids=["partners-list", "partner-created", "customers-list", "customer-created"],
)
def test_reference_examples_match(
    document: dict[str, Any], path: str, method: str, status: str, example: Any
) -> None:
    schema = response_schema(document, path, method, status, "application/json")
    assert_valid(document, schema, example)


def test_partner_schema_rejects_wrong_state(document: dict[str, Any]) -> None:
    partner = copy.deepcopy(PARTNER_CREATED_RESPONSE)
    partner["state"] = "Open"
    schema = response_schema(document, "/v1/partners", "post", "201", "application/json")
    assert not validator(document, schema).is_valid(partner)


def test_customer_schema_rejects_unknown_key(document: dict[str, Any]) -> None:
    customer = copy.deepcopy(CUSTOMER_CREATED_RESPONSE)
    customer["counters"]["calls"]["powerDialer"]["dropped"] = 0
    schema = response_schema(document, "/v1/customers", "post", "201", "application/json")
    assert not validator(document, schema).is_valid(customer)


# Request bodies


@pytest.mark.parametrize(
    ("path", "model", "required", "example"),
    [
        (
            "/v1/partners",
            "PartnerCreate",
            {"email", "firstName", "lastName", "partnerName"},
            PARTNER_CREATE_BODY,
        ),
        (
            "/v1/customers",
            "CustomerCreate",
            {"customerName", "email", "firstName", "lastName", "countryId"},
            CUSTOMER_CREATE_BODY,
        ),
    ],
)
def test_request_body(
    document: dict[str, Any], path: str, model: str, required: set[str], example: Any
) -> None:
    body = document["paths"][path]["post"]["requestBody"]
    assert body["required"] is True
    assert set(body["content"]) == {"application/json"}
    ref = f"#/components/schemas/{model}"
    for media_type in body["content"].values():
        assert media_type["schema"] == {"$ref": ref}
        assert media_type["example"] == example

    schema = resolve(document, ref)
    assert set(schema["required"]) == required
    assert schema["additionalProperties"] is False
    assert set(example) <= set(schema["properties"])
    assert_valid(document, {"$ref": ref}, example)


def test_customer_optional_ids(document: dict[str, Any]) -> None:
    schema = document["components"]["schemas"]["CustomerCreate"]
    for field in ("partnerId", "partnerMemberIdForCustomerSupport"):
        assert field in schema["properties"]
        assert field not in schema["required"]


def test_partner_nested_bodies(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["LogoIn"]["required"] == ["file"]
    assert set(schemas["ContactDataIn"]["properties"]) == {"web", "email", "phone"}


def test_request_body_rejects_unknown_field(document: dict[str, Any]) -> None:
    body = {**PARTNER_CREATE_BODY, "fax": "+1 234 555 0009"}
    schema = {"$ref": "#/components/schemas/PartnerCreate"}
    assert not validator(document, schema).is_valid(body)


# Security


def test_bearer_scheme(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes == {"bearerAuth": {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}}


def test_security_requirements(document: dict[str, Any]) -> None:
    for path, method, operation in operations(document):
        if path.startswith("/v1/"):
            assert operation["security"] == [{"bearerAuth": []}], (path, method)
        else:
            assert "security" not in operation, (path, method)
    assert "security" not in document


# List parameters


@pytest.mark.parametrize(
    ("path", "spec"),
    [
        ("/v1/partners", partners_list_spec(["Basic", "Certified"])),
        ("/v1/customers", CUSTOMERS_LIST_SPEC),
    ],
)
def test_list_parameters(document: dict[str, Any], path: str, spec: ResourceListSpec) -> None:
    parameters = {
        (parameter["in"], parameter["name"]): parameter
        for parameter in document["paths"][path]["get"]["parameters"]
        if "name" in parameter
    }
    assert set(parameters) == {
        ("query", "filter"),
        ("query", "sort"),
        ("query", "range"),
        ("header", "Range"),
        ("header", "Prefer"),
    }
    for parameter in parameters.values():
        assert parameter["required"] is False
    range_header = parameters[("header", "Range")]
    assert range_header["schema"] == {"type": "string"}
    json_parameters = {name: parameters[("query", name)] for name in ("filter", "sort", "range")}
    for name, parameter in json_parameters.items():
        assert "schema" not in parameter, name
        media_type = parameter["content"]["application/json"]
        assert media_type["example"], name
        jsonschema.Draft202012Validator(media_type["schema"]).validate(media_type["example"])
    filter_schema = json_parameters["filter"]["content"]["application/json"]["schema"]
    assert filter_schema["additionalProperties"] is False

    filter_docs = parameters[("query", "filter")]["description"]
    for key, field in spec.filters.items():
        if field.kind is FilterKind.TIMESTAMP:
            keys = [key + suffix for suffix in ("_gte", "_gt", "_lte", "_lt")]
        elif field.kind is FilterKind.COUNTRY_SET:
            keys = [key + "_ovl"]
        else:
            keys = [key]
        for documented in keys:
            assert f"`{documented}`" in filter_docs, documented
        for choice in field.choices:
            assert choice in filter_docs, choice

    sort_docs = parameters[("query", "sort")]["description"]
    for field_name in spec.sort_fields:
        assert field_name in sort_docs, field_name
    documented_keys = set(filter_schema["properties"])
    assert {"id", "ids", "name", "createdAt_gte", "updatedAt_lt"} <= documented_keys
    assert range_header["example"] == f"{spec.resource}=0-24"
    prefer_header = parameters[("header", "Prefer")]
    assert prefer_header["schema"] == {"type": "string"}
    for value in ("count=exact", "count=planned", "count=none", "Preference-Applied"):
        assert value in prefer_header["description"], value


def test_request_id_parameter(document: dict[str, Any]) -> None:
    parameter = document["components"]["parameters"]["RequestId"]
    assert (parameter["in"], parameter["name"]) == ("header", "X-Request-ID")
    for path, method, operation in operations(document):
        refs = [item.get("$ref") for item in operation["parameters"]]
        assert refs.count("#/components/parameters/RequestId") == 1, (path, method)


# Real responses against the documented schemas


class Contract:
    """Sends requests and checks each response against the operation's documentation."""

    def __init__(self, client: httpx.AsyncClient, document: dict[str, Any]) -> None:
        self.client = client
        self.document = document

    async def call(
        self, method: str, path: str, template: str, status: int, **kwargs: Any
    ) -> httpx.Response:
        response = await self.client.request(method, path, **kwargs)
        assert response.status_code == status, response.text
        operation = self.document["paths"][template][method.lower()]
        documented = operation["responses"].get(str(status))
        assert documented is not None, f"{method} {template} returned undocumented {status}"

        for header, header_doc in documented["headers"].items():
            # A header documented as explicitly optional, such as Preference-Applied,
            # depends on the request.
            if header_doc.get("required") is False:
                continue
            assert header in response.headers, f"{method} {template} {status}: no {header}"
        media_type = response.headers["content-type"].split(";")[0]
        assert media_type in documented["content"]
        assert_valid(self.document, documented["content"][media_type]["schema"], response.json())
        return response


@pytest.fixture
async def contract(
    engine: AsyncEngine, document: dict[str, Any]
) -> AsyncIterator[tuple[Contract, Accounts]]:
    settings = Settings(database_url="sqlite:///:memory:", max_body_bytes=2048)
    app = create_app(settings, engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Contract(client, document), Accounts(engine, settings)


async def test_responses_match_documentation(contract: tuple[Contract, Accounts]) -> None:
    api, accounts = contract
    distributor = await accounts.distributor("Example Distributor")
    admin = await accounts.key(distributor)
    reader = await accounts.key(distributor, Role.PARTNER_READER)

    await api.call("GET", "/v1/me", "/v1/me", 200, headers=admin)
    await api.call("GET", "/healthz", "/healthz", 200)
    await api.call("GET", "/readyz", "/readyz", 200)

    created = await api.call(
        "POST", "/v1/partners", "/v1/partners", 201, headers=admin, json=PARTNER_CREATE_BODY
    )
    partner = created.json()
    partner_path = f"/v1/partners/{partner['id']}"
    await api.call("GET", partner_path, "/v1/partners/{partner_id}", 200, headers=reader)
    await api.call(
        "POST",
        "/v1/partners",
        "/v1/partners",
        201,
        headers=admin,
        json={
            "email": "ana@second.example.com",
            "firstName": "Ana",
            "lastName": "Lee",
            "partnerName": "Second Partner",
            "logo": {"file": "second.png"},
        },
    )
    listed = await api.call("GET", "/v1/partners", "/v1/partners", 200, headers=reader)
    assert len(listed.json()) == 2

    customer_body = {
        **CUSTOMER_CREATE_BODY,
        "partnerId": partner["id"],
        "partnerMemberIdForCustomerSupport": partner["contactData"]["members"][0]["id"],
    }
    customer = await api.call(
        "POST", "/v1/customers", "/v1/customers", 201, headers=admin, json=customer_body
    )
    await api.call(
        "POST",
        "/v1/customers",
        "/v1/customers",
        201,
        headers=admin,
        json={
            "customerName": "Own Customer",
            "email": "own@customer.example.com",
            "firstName": "Kim",
            "lastName": "Park",
            "countryId": "ca",
        },
    )
    customer_path = f"/v1/customers/{customer.json()['id']}"
    await api.call("GET", customer_path, "/v1/customers/{customer_id}", 200, headers=reader)
    customers = await api.call("GET", "/v1/customers", "/v1/customers", 200, headers=reader)
    assert len(customers.json()) == 2
    await api.call(
        "GET",
        "/v1/customers",
        "/v1/customers",
        200,
        headers=reader,
        params={"range": "[5,9]"},
    )


async def test_errors_match_documentation(contract: tuple[Contract, Accounts]) -> None:
    api, accounts = contract
    distributor = await accounts.distributor("Example Distributor")
    admin = await accounts.key(distributor)
    reader = await accounts.key(distributor, Role.PARTNER_READER)
    partner_key = await accounts.key(await accounts.partner("Lone Partner", distributor))
    invalid_key = {"Authorization": "Bearer scp_unknown"}

    await api.call("GET", "/v1/me", "/v1/me", 401)
    await api.call("GET", "/v1/customers", "/v1/customers", 401, headers=invalid_key)
    await api.call("GET", "/v1/partners", "/v1/partners", 403, headers=partner_key)
    await api.call(
        "POST", "/v1/partners", "/v1/partners", 403, headers=reader, json=PARTNER_CREATE_BODY
    )
    await api.call(
        "POST", "/v1/customers", "/v1/customers", 403, headers=reader, json=CUSTOMER_CREATE_BODY
    )
    await api.call(
        "GET", "/v1/partners/not-a-uuid", "/v1/partners/{partner_id}", 404, headers=admin
    )
    await api.call(
        "GET",
        "/v1/customers/019cea04-b015-7f54-a7dd-6e5c198f15a9",
        "/v1/customers/{customer_id}",
        404,
        headers=admin,
    )
    await api.call(
        "GET",
        "/v1/partners",
        "/v1/partners",
        400,
        headers=admin,
        params={"sort": '["email","ASC"]'},
    )
    await api.call(
        "GET",
        "/v1/customers",
        "/v1/customers",
        400,
        headers=admin,
        params={"filter": '{"state":"Open"}'},
    )
    await api.call(
        "POST", "/v1/partners", "/v1/partners", 400, headers=admin, content=b'{"email": }'
    )
    await api.call(
        "POST",
        "/v1/customers",
        "/v1/customers",
        413,
        headers=admin,
        json={"customerName": "x" * 4096},
    )
    await api.call(
        "POST",
        "/v1/partners",
        "/v1/partners",
        415,
        headers={**admin, "Content-Type": "text/plain"},
        content=b"{}",
    )
    await api.call(
        "POST",
        "/v1/partners",
        "/v1/partners",
        422,
        headers=admin,
        json={**PARTNER_CREATE_BODY, "countryIds": ["xx"]},
    )
    await api.call(
        "POST",
        "/v1/customers",
        "/v1/customers",
        422,
        headers=admin,
        json={**CUSTOMER_CREATE_BODY, "partnerId": "019cea04-b015-7f54-a7dd-6e5c198f15a9"},
    )
    await api.call(
        "POST", "/v1/partners", "/v1/partners", 201, headers=admin, json=PARTNER_CREATE_BODY
    )
    await api.call(
        "POST", "/v1/partners", "/v1/partners", 409, headers=admin, json=PARTNER_CREATE_BODY
    )
    await api.call(
        "POST",
        "/v1/customers",
        "/v1/customers",
        409,
        headers=admin,
        json={
            **CUSTOMER_CREATE_BODY,
            "partnerId": None,
            "partnerMemberIdForCustomerSupport": None,
            "email": PARTNER_CREATE_BODY["email"],
        },
    )


async def test_unavailable_database_matches_documentation(document: dict[str, Any]) -> None:
    engine = create_engine("sqlite:///:memory:")
    dbapi = engine.dialect.dbapi
    assert dbapi is not None

    # Every connection attempt fails as it does when the database cannot be reached.
    @event.listens_for(engine.sync_engine, "do_connect")
    def reject_connection(*_args: Any) -> None:
        raise dbapi.OperationalError("unable to open database file")

    app = create_app(Settings(database_url="sqlite:///:memory:"), engine)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            api = Contract(client, document)
            await api.call("GET", "/readyz", "/readyz", 503)
            await api.call(
                "GET", "/v1/me", "/v1/me", 503, headers={"Authorization": "Bearer scp_x"}
            )
    finally:
        await engine.dispose()
