"""Global exception handlers: every error leaves as one RFC 9457 problem+json body.

The body carries ``type``, ``title``, ``status``, ``detail``, the same text as
``message`` (which react-admin displays), ``requestId`` and, for field errors,
``errors``: an object from each field's dotted path to its message.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match

from partners_api.exceptions import (
    AuthenticationError,
    IdempotencyKeyInUseError,
    PartnersAPIError,
    ServiceUnavailableError,
    TooManyRequestsError,
)
from partners_api.http.request_id import HEADER as REQUEST_ID_HEADER
from partners_api.http.responses import ProblemResponse

logger = logging.getLogger("partners_api.http")

PROBLEM_TYPE_BASE = "https://api.sipcaller.com/problems/"
_REALM = 'realm="SIP Caller Partners API"'
_HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_HTTP_TITLES = {
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    500: "Internal Server Error",
}


def problem(
    request: Request,
    *,
    status: int,
    title: str,
    detail: str,
    type_slug: str,
    errors: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> ProblemResponse:
    request_id = getattr(request.state, "request_id", None)
    body: dict[str, object] = {
        "type": PROBLEM_TYPE_BASE + type_slug,
        "title": title,
        "status": status,
        "detail": detail,
        "message": detail,
        "requestId": request_id,
    }
    if errors:
        body["errors"] = dict(errors)
    response_headers = dict(headers or {})
    # A 500 leaves through Starlette's ServerErrorMiddleware, which sits outside
    # RequestIDMiddleware, so the header is set here as well.
    if request_id is not None:
        response_headers[REQUEST_ID_HEADER] = request_id
    return ProblemResponse(body, status_code=status, headers=response_headers)


async def handle_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PartnersAPIError)
    headers: dict[str, str] = {}
    if isinstance(exc, AuthenticationError):
        challenge = f"Bearer {_REALM}"
        if exc.invalid_token:
            challenge += ', error="invalid_token"'
        headers["WWW-Authenticate"] = challenge
    if isinstance(exc, ServiceUnavailableError | TooManyRequestsError | IdempotencyKeyInUseError):
        headers["Retry-After"] = str(exc.retry_after)
    return problem(
        request,
        status=exc.status,
        title=exc.title,
        detail=exc.detail,
        type_slug=exc.type_slug,
        errors=exc.errors,
        headers=headers,
    )


async def handle_database_unavailable(request: Request, exc: Exception) -> Response:
    logger.warning(
        "Database unavailable on %s %s (request %s): %s",
        request.method,
        request.url.path,
        getattr(request.state, "request_id", None),
        type(exc).__name__,
    )
    return await handle_api_error(
        request,
        ServiceUnavailableError("The database is unavailable; retry in a few seconds."),
    )


async def handle_request_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors: dict[str, str] = {}
    for error in exc.errors():
        path = ".".join(str(part) for part in error["loc"])
        errors.setdefault(path, str(error["msg"]))
    return problem(
        request,
        status=400,
        title="Bad Request",
        detail="Invalid request parameters: see errors for each parameter.",
        type_slug="bad-request",
        errors=errors,
    )


async def handle_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        detail = f"No endpoint at {request.url.path}; see /v1/openapi.json for the endpoints."
    elif exc.status_code == 405:
        allowed = _allowed_methods(request)
        headers["Allow"] = ", ".join(allowed)
        detail = (
            f"The method {request.method} is not allowed on {request.url.path}; "
            f"use {' or '.join(allowed)}."
        )
    else:
        detail = str(exc.detail)
    return problem(
        request,
        status=exc.status_code,
        title=_HTTP_TITLES.get(exc.status_code, "Error"),
        detail=detail,
        type_slug="not-found" if exc.status_code == 404 else f"http-{exc.status_code}",
        headers=headers,
    )


def _allowed_methods(request: Request) -> list[str]:
    """List the methods that some route accepts on the request's path.

    Starlette's own 405 names the methods of the first route that matches the path,
    so ``Allow: GET`` would hide POST on a path with one route per method. Each
    method is tried on a copy of the request's scope, through the routes' public
    ``matches``.
    """
    allowed: list[str] = []
    for method in _HTTP_METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return allowed


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    logger.exception(
        "Unhandled error on %s %s (request %s)",
        request.method,
        request.url.path,
        getattr(request.state, "request_id", None),
    )
    return problem(
        request,
        status=500,
        title="Internal Server Error",
        detail="The server failed to handle the request; report the requestId to support.",
        type_slug="internal-error",
    )


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(PartnersAPIError, handle_api_error)
    for database_error in (OperationalError, InterfaceError, PoolTimeoutError, OSError):
        app.add_exception_handler(database_error, handle_database_unavailable)
    app.add_exception_handler(RequestValidationError, handle_request_validation)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.add_exception_handler(Exception, handle_unexpected)
