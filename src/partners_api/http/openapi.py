"""OpenAPI metadata of the routes, and the parts of /v1/openapi.json that FastAPI cannot derive.

The routes read their own bodies and send raw orjson responses, so FastAPI can derive
neither from their signatures.
The dicts below are splatted into the route decorators. Their ``responses`` name the
documentation models of ``response_models`` (never ``response_model``, which would
validate every response again), and the two POSTs declare their bodies in
``openapi_extra``. ``customize`` adds the schemas those bodies refer to, the Problem
schema, the bearer security scheme and the per-resource docs of the list parameters.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Literal

from fastapi import FastAPI
from pydantic import BaseModel

from partners_api.domain.schemas import CustomerCreate, PartnerCreate
from partners_api.exceptions import BadRequestError, ConflictError, PermissionDeniedError
from partners_api.http.openapi_lists import (
    CUSTOMERS_LIST_PARAMETERS,
    PARTNERS_LIST_PARAMETERS,
    ListParameters,
    list_response_headers,
)
from partners_api.http.openapi_problems import (
    DISTRIBUTOR_ONLY,
    EMAIL_TAKEN,
    INTERNAL,
    INVALID_BODY,
    RATE_LIMITED,
    READ_ONLY,
    TOO_LARGE,
    UNAUTHORIZED,
    UNAVAILABLE,
    UNSUPPORTED_MEDIA_TYPE,
    invalid_fields,
    not_found,
)
from partners_api.http.response_models import (
    CUSTOMER_EXAMPLE,
    ME_EXAMPLE,
    PARTNER_EXAMPLE,
    Customer,
    Health,
    Me,
    Partner,
    Problem,
    Readiness,
    location_header,
    problem_response,
    success_response,
)
from partners_api.settings import Settings

SECURITY_SCHEME = "bearerAuth"
_REF_TEMPLATE = "#/components/schemas/{model}"
_MAX_BODY_BYTES: int = Settings.model_fields["max_body_bytes"].default
_TRIAL_PLAN_ID: str = Settings.model_fields["trial_plan_id"].default
_TTS_MAX_CHARS: int = Settings.model_fields["tts_max_chars"].default


# Request bodies


def _request_body(model: type[BaseModel], example: dict[str, Any]) -> dict[str, Any]:
    media_type = {
        "schema": {"$ref": _REF_TEMPLATE.format(model=model.__name__)},
        "example": example,
    }
    description = (
        f"A JSON object of at most {_MAX_BODY_BYTES} bytes by default, labelled "
        "application/json, another application/*+json type, or "
        "application/x-www-form-urlencoded, which curl's --data-raw sends. The body is read as "
        "JSON text whatever the label (a form-encoded body is rejected as invalid JSON), and a "
        "request without Content-Type is read as JSON too. "
        "Unknown fields are rejected, and a null in an optional field counts as absent."
    )
    return {
        "requestBody": {
            "required": True,
            "description": description,
            # Only JSON is listed: OpenAPI clients would form-encode a body documented as
            # x-www-form-urlencoded, and the server reads that label as JSON text.
            "content": {"application/json": media_type},
        }
    }


# The request examples of the SIP Caller Partners REST API reference.
_PARTNER_REQUEST_EXAMPLE: dict[str, Any] = {
    "email": "john.doe@partner.example.com",
    "firstName": "John",
    "lastName": "Doe",
    "partnerName": "Example Partner",
    "type": "Partner",
    "code": "example-partner",
    "level": "Basic",
    "languageId": "en",
    "timeZoneId": "US/Eastern",
    "countryIds": ["us", "ca"],
    "contactData": {
        "web": "https://partner.example.com",
        "email": "john.doe@partner.example.com",
        "phone": "+1 234 555-0000",
    },
    "logo": {"file": "example-partner.png", "maxHeight": 60},
}
_CUSTOMER_REQUEST_EXAMPLE: dict[str, Any] = {
    "countryId": "us",
    "languageId": "en",
    "timeZoneId": "US/Eastern",
    "email": "john.doe@customer.example.com",
    "customerName": "Example Customer",
    "firstName": "John",
    "lastName": "Doe",
    "websiteUrl": "https://customer.example.com",
    "phoneNumber": "+1 234 555-0001",
    "partnerId": "019cea04-b002-7271-be0b-3fdbbc483ab9",
    "partnerMemberIdForCustomerSupport": "019cea04-b005-73e2-9d0f-8ccf53da5c0c",
}


# List endpoints


def _list_operation(
    summary: str,
    intro: str,
    page_type: Any,
    parameters: ListParameters,
    more_responses: Mapping[int, dict[str, Any]],
) -> dict[str, Any]:
    """Document a list endpoint; ``page_type`` is the documentation model of a page."""
    resource = parameters.resource
    description = (
        f"{intro}\n\nThe filter, sort and range parameters are JSON text, as react-admin's "
        "simple REST data provider sends them, and the range may come in the Range header "
        "instead. The Content-Range and X-Total-Count response headers give the positions "
        f"of the page and the number of matching {resource}, computed as the Prefer header's "
        "count preference asks: exact by default, planned or none."
    )
    sort_error = (
        f"Unknown sort field 'email'; accepted fields are: {', '.join(parameters.sort_fields)}."
    )
    responses = {
        200: success_response(
            f"One page of {resource}.", page_type, list_response_headers(resource)
        ),
        400: problem_response(
            BadRequestError,
            "The filter, sort or range parameter is invalid. errors has one message per problem.",
            "Invalid sort: see errors for each field.",
            {"sort": sort_error},
        ),
        401: UNAUTHORIZED,
        429: RATE_LIMITED,
        500: INTERNAL,
        503: UNAVAILABLE,
        **more_responses,
    }
    return {
        "operation_id": f"list{resource.capitalize()}",
        "summary": summary,
        "description": description,
        "responses": dict(sorted(responses.items())),
    }


# Operations

list_partners = _list_operation(
    "List partners",
    "Returns the partners of the distributor that owns the API key. Needs a distributor key "
    "with either role, PartnerReader or PartnerAdmin.",
    list[Partner],
    PARTNERS_LIST_PARAMETERS,
    {403: DISTRIBUTOR_ONLY},
)

get_partner: dict[str, Any] = {
    "operation_id": "getPartner",
    "summary": "Get a partner",
    "description": "Returns one partner of the distributor that owns the API key. Needs a "
    "distributor key with either role.",
    "responses": {
        200: success_response("The partner.", Partner),
        401: UNAUTHORIZED,
        429: RATE_LIMITED,
        403: DISTRIBUTOR_ONLY,
        404: not_found("partner"),
        500: INTERNAL,
        503: UNAVAILABLE,
    },
}

create_partner: dict[str, Any] = {
    "operation_id": "createPartner",
    "summary": "Create a partner",
    "description": (
        "Creates an Active partner under the distributor that owns the API key. Needs a "
        "distributor key with the role PartnerAdmin.\n\n"
        "The person named by email, firstName and lastName becomes the partner's first "
        "member, with the role PartnerAdmin and contactData.phone as phone number. Absent "
        "fields take defaults: code is derived from partnerName (accents folded to ASCII, "
        "lower case, each run of other characters turned into one hyphen), level is the "
        "server's default level (Basic unless configured), languageId is en, timeZoneId is "
        "UTC and countryIds is empty. signUpData.originType is PartnerApiKey."
    ),
    "responses": {
        201: success_response("The new partner.", Partner, location_header("partners")),
        400: INVALID_BODY,
        401: UNAUTHORIZED,
        429: RATE_LIMITED,
        403: problem_response(
            PermissionDeniedError,
            "The API key has the role PartnerReader, or belongs to a partner.",
            READ_ONLY,
        ),
        409: problem_response(
            ConflictError,
            "The code, or the member email (compared ignoring case), is already in use.",
            EMAIL_TAKEN,
            {"email": EMAIL_TAKEN},
        ),
        413: TOO_LARGE,
        415: UNSUPPORTED_MEDIA_TYPE,
        422: invalid_fields(
            "Fields of the body are invalid, the body is not an object, or level is not one "
            "of the server's levels. errors has one message per field.",
            {
                "email": "'john.doe@' is not a valid email address. There must be something "
                "after the @-sign. Use the form 'name@example.com'.",
                "countryIds.1": "'xx' is not an assigned ISO 3166-1 alpha-2 country code; "
                "use a code such as 'us' or 'ca'.",
            },
        ),
        500: INTERNAL,
        503: UNAVAILABLE,
    },
    "openapi_extra": _request_body(PartnerCreate, _PARTNER_REQUEST_EXAMPLE),
}

list_customers = _list_operation(
    "List customers",
    "Returns the customers that the API key may see. Any key may list customers, with either "
    "role: a partner key sees the customers its partner owns, and a distributor key sees "
    "the customers it owns and those of its partners.",
    list[Customer],
    CUSTOMERS_LIST_PARAMETERS,
    {},
)

get_customer: dict[str, Any] = {
    "operation_id": "getCustomer",
    "summary": "Get a customer",
    "description": "Returns one customer that the API key may see, with the scope of "
    "GET /v1/customers. Any key may read customers, with either role.",
    "responses": {
        200: success_response("The customer.", Customer),
        401: UNAUTHORIZED,
        429: RATE_LIMITED,
        404: not_found("customer"),
        500: INTERNAL,
        503: UNAVAILABLE,
    },
}

create_customer: dict[str, Any] = {
    "operation_id": "createCustomer",
    "summary": "Create a customer",
    "description": (
        "Creates a Trialing customer. Needs a partner or distributor key with the role "
        "PartnerAdmin.\n\n"
        "partnerId names the account that will own the customer: a distributor key may name "
        "itself or one of its partners, and a partner key only itself. Without partnerId the "
        "key's own account owns the customer. partnerMemberIdForCustomerSupport, when given, "
        "must be a member of that owner. The person named by email, firstName and lastName "
        "becomes the customer's member with the role AccountAdmin. The customer gets the "
        f"server's trial plan ({_TRIAL_PLAN_ID} by default) and a monthly text-to-speech "
        f"allowance ({_TTS_MAX_CHARS} characters by default). languageId defaults to en and "
        "timeZoneId to UTC."
    ),
    "responses": {
        201: success_response("The new customer.", Customer, location_header("customers")),
        400: INVALID_BODY,
        401: UNAUTHORIZED,
        429: RATE_LIMITED,
        403: problem_response(
            PermissionDeniedError, "The API key has the role PartnerReader.", READ_ONLY
        ),
        409: problem_response(
            ConflictError,
            "The member email (compared ignoring case) is already in use.",
            EMAIL_TAKEN,
            {"email": EMAIL_TAKEN},
        ),
        413: TOO_LARGE,
        415: UNSUPPORTED_MEDIA_TYPE,
        422: invalid_fields(
            "Fields of the body are invalid, the body is not an object, or partnerId or "
            "partnerMemberIdForCustomerSupport names no account or member that the key may use. "
            "errors has one message per field.",
            {
                "countryId": "'usa' is not an ISO 3166-1 alpha-2 country code; use two "
                "letters such as 'us'.",
                "timeZoneId": "'us/eastern' is not spelled as in the IANA time zone database; "
                "time zone names are case-sensitive, so use 'US/Eastern'.",
            },
        ),
        500: INTERNAL,
        503: UNAVAILABLE,
    },
    "openapi_extra": _request_body(CustomerCreate, _CUSTOMER_REQUEST_EXAMPLE),
}

get_me: dict[str, Any] = {
    "operation_id": "getMe",
    "summary": "Describe the calling API key",
    "description": "Returns the API key that sent the request and the account it belongs "
    "to. Any valid key may call it.",
    "responses": {
        200: success_response("The API key.", Me),
        401: UNAUTHORIZED,
        429: RATE_LIMITED,
        500: INTERNAL,
        503: UNAVAILABLE,
    },
}

healthz: dict[str, Any] = {
    "operation_id": "checkHealth",
    "summary": "Process is up",
    "description": "Returns 200 while the process runs. Needs no API key and does not "
    "query the database.",
    "responses": {200: success_response("The process is up.", Health), 500: INTERNAL},
}

readyz: dict[str, Any] = {
    "operation_id": "checkReadiness",
    "summary": "Database is reachable",
    "description": "Returns 200 when a query on the database succeeds, else 503. Needs no API key.",
    "responses": {
        200: success_response("The database answered.", Readiness),
        500: INTERNAL,
        503: UNAVAILABLE,
    },
}


# The document as a whole

_TAGS = [
    {"name": "partners", "description": "Partners of the calling distributor."},
    {"name": "customers", "description": "Customers of the calling partner or distributor."},
    {"name": "keys", "description": "The calling API key."},
    {"name": "health", "description": "Probes for load balancers and orchestrators."},
]
_REQUEST_ID_PARAMETER = {
    "name": "X-Request-ID",
    "in": "header",
    "required": False,
    "description": "An id to find the request in the server's logs, echoed in the "
    "X-Request-ID response header and in error bodies. An id that is not 1 to 200 printable "
    "ASCII characters without spaces is replaced by a new UUID.",
    "schema": {"type": "string"},
}
_LIST_PARAMETERS = {
    "/v1/partners": PARTNERS_LIST_PARAMETERS,
    "/v1/customers": CUSTOMERS_LIST_PARAMETERS,
}


def customize(app: FastAPI) -> None:
    """Complete ``app``'s OpenAPI document when it is first built, then cache it."""
    build_document = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build_document()
            # Cache the document only once it is complete, so that a failure below is
            # raised again on the next request instead of serving half a document.
            app.openapi_schema = None
            _complete(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _complete(document: dict[str, Any]) -> None:
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    _add_schema(schemas, PartnerCreate, "validation")
    _add_schema(schemas, CustomerCreate, "validation")
    _add_schema(schemas, Problem, "serialization")
    # FastAPI drops every None from the document it builds, the nulls of examples included,
    # so the examples of the response models are set again here.
    schemas["Partner"]["examples"] = copy.deepcopy([PARTNER_EXAMPLE])
    schemas["Customer"]["examples"] = copy.deepcopy([CUSTOMER_EXAMPLE])
    schemas["Me"]["examples"] = copy.deepcopy([ME_EXAMPLE])
    components.setdefault("securitySchemes", {})[SECURITY_SCHEME] = {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key, which starts with scp_, sent as "
        "`Authorization: Bearer <token>`. Its role is PartnerReader or PartnerAdmin.",
    }
    components.setdefault("parameters", {})["RequestId"] = copy.deepcopy(_REQUEST_ID_PARAMETER)
    document["tags"] = copy.deepcopy(_TAGS)

    for path, path_item in document.get("paths", {}).items():
        for operation in path_item.values():
            if path.startswith("/v1/"):
                operation["security"] = [{SECURITY_SCHEME: []}]
            operation.setdefault("parameters", []).append(
                {"$ref": "#/components/parameters/RequestId"}
            )
            _remove_fastapi_validation_error(operation)
        if path in _LIST_PARAMETERS and "get" in path_item:
            _LIST_PARAMETERS[path].apply(path_item["get"]["parameters"])

    if "#/components/schemas/HTTPValidationError" not in repr(document):
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)


def _add_schema(
    schemas: dict[str, Any],
    model: type[BaseModel],
    mode: Literal["validation", "serialization"],
) -> None:
    """Add to ``schemas`` the JSON schemas of ``model`` and of the models it refers to."""
    schema = model.model_json_schema(ref_template=_REF_TEMPLATE, mode=mode)
    definitions: dict[str, Any] = schema.pop("$defs", {})
    for name, definition in {**definitions, model.__name__: schema}.items():
        if schemas.get(name, definition) != definition:
            raise RuntimeError(f"Two different OpenAPI schemas are named {name}; rename a model.")
        schemas[name] = definition


def _remove_fastapi_validation_error(operation: dict[str, Any]) -> None:
    """Remove the 422 that FastAPI adds to routes with parameters.

    The global handlers turn invalid parameters into a 400 problem, and every 422 of this
    API is a Problem about the request body.
    """
    responses = operation.get("responses", {})
    if "HTTPValidationError" in repr(responses.get("422", {})):
        del responses["422"]
