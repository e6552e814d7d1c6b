"""Problem responses and detail texts that several operations of the OpenAPI document share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from partners_api.exceptions import (
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PartnersAPIError,
    PayloadTooLargeError,
    PermissionDeniedError,
    ServiceUnavailableError,
    TooManyRequestsError,
    UnsupportedMediaTypeError,
    ValidationError,
)
from partners_api.http.response_models import (
    RETRY_AFTER_HEADER,
    WWW_AUTHENTICATE_HEADER,
    problem_response,
)
from partners_api.settings import Settings

_MAX_BODY_BYTES: int = Settings.model_fields["max_body_bytes"].default


UNAUTHORIZED = problem_response(
    AuthenticationError,
    "No API key was sent, or the key is unknown, revoked or expired.",
    "The token was revoked. Send a valid API key as 'Authorization: Bearer <token>'.",
    headers={"WWW-Authenticate": WWW_AUTHENTICATE_HEADER},
)
RATE_LIMITED = problem_response(
    TooManyRequestsError,
    "The API key has used up its request budget; retry after Retry-After seconds.",
    "Too many requests with this API key; retry in 2 seconds.",
    headers={"Retry-After": RETRY_AFTER_HEADER},
)
DISTRIBUTOR_ONLY = problem_response(
    PermissionDeniedError,
    "The API key belongs to a partner, not a distributor.",
    "Only distributor API keys may list or create partners; this key belongs to the partner "
    "account 019cea04-b00f-76a3-b584-025a91dc697f.",
)
READ_ONLY = (
    "This API key has the role PartnerReader, which may only read; creating partners or "
    "customers needs a PartnerAdmin key."
)
_INVALID_JSON = (
    "Invalid JSON at line 1, column 11 (character 10): unexpected character, expected a JSON value."
)
INVALID_BODY = problem_response(
    BadRequestError,
    "The body is empty or not valid JSON, or the client closed the connection before "
    "sending all of it.",
    _INVALID_JSON,
    {"body": _INVALID_JSON},
)
TOO_LARGE = problem_response(
    PayloadTooLargeError,
    f"The body is larger than the server's limit, {_MAX_BODY_BYTES} bytes by default.",
    f"The request body is larger than {_MAX_BODY_BYTES} bytes; send a smaller JSON object.",
)
UNSUPPORTED_MEDIA_TYPE = problem_response(
    UnsupportedMediaTypeError,
    "The Content-Type is not one that the request body lists.",
    "Unsupported Content-Type 'text/plain'; send the body as application/json.",
)
EMAIL_TAKEN = "A member with the email 'john.doe@example.com' already exists; use another email."
INTERNAL = problem_response(
    PartnersAPIError,
    "An unexpected error. The server logs it with the requestId.",
    "The server failed to handle the request; report the requestId to support.",
)
UNAVAILABLE = problem_response(
    ServiceUnavailableError,
    "The database is unreachable.",
    "The database is unavailable; retry in a few seconds.",
    headers={"Retry-After": RETRY_AFTER_HEADER},
)


def not_found(noun: str) -> dict[str, Any]:
    return problem_response(
        NotFoundError,
        f"No {noun} with this id is visible to the API key, or the id is not a UUID.",
        f"{noun.capitalize()} 019cea04-b015-7f54-a7dd-6e5c198f15a9 not found.",
    )


def invalid_fields(description: str, errors: Mapping[str, str]) -> dict[str, Any]:
    detail = f"Invalid request body: check the fields {', '.join(errors)}."
    return problem_response(ValidationError, description, detail, errors)
