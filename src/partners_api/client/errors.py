"""Exceptions of the Partners API client.

Every exception that the client raises on purpose derives from ``PartnersClientError``::

    PartnersClientError
    ├── ConfigurationError          no base URL or token, or an invalid one
    ├── TransportError              no response: the connection failed, dropped or
    │                               timed out on every attempt, or could not be made
    ├── UnexpectedResponseError     a response that does not follow the API contract
    └── APIError                    the API returned an error status (problem+json)
        ├── AuthenticationError     401
        ├── PermissionDeniedError   403
        ├── NotFoundError           404
        ├── ValidationError         400 and 422, with the field errors in ``errors``
        ├── ConflictError           409
        ├── RateLimitError          429, with ``retry_after``
        └── ServerError             500 and above

Any other 4xx status raises a plain ``APIError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

REQUEST_ID_HEADER = "X-Request-ID"
PROBLEM_TYPE_BASE = "https://api.sipcaller.com/problems/"

# A plain-text error body, which is not problem+json, is cut to this many characters
# in ``detail``.
_MAX_DETAIL_CHARS = 500


class PartnersClientError(Exception):
    """Base class of every exception that the client raises."""


class ConfigurationError(PartnersClientError):
    """The client lacks a base URL or a token, or was given an invalid one."""


class TransportError(PartnersClientError):
    """No response arrived: the connection failed, dropped or timed out on every attempt.

    Errors that a retry cannot fix, such as a proxy error, raise it after one attempt.
    The ``httpx`` exception of the last attempt is the ``__cause__``.
    """

    def __init__(self, message: str, *, method: str, url: str, attempts: int) -> None:
        super().__init__(message)
        self.method = method
        self.url = url
        self.attempts = attempts


class UnexpectedResponseError(PartnersClientError):
    """A response that the API contract does not allow, such as a list without a total."""

    def __init__(self, message: str, *, status_code: int, request_id: str | None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.request_id = request_id

    def __str__(self) -> str:
        text = super().__str__()
        if self.request_id:
            text += f" (request id {self.request_id})"
        return text


class APIError(PartnersClientError):
    """An error status from the API, with the RFC 9457 problem details of its body.

    ``problem`` is the parsed body, or an empty dict when the body was not a JSON object.
    ``errors`` maps field paths such as ``email`` or ``filter.state`` to their messages,
    and is empty when the body names no field. ``request_id`` is the ``X-Request-ID``
    response header: quote it when reporting a problem.
    """

    def __init__(
        self,
        status_code: int,
        problem: Mapping[str, Any],
        *,
        request_id: str | None,
        reason: str = "",
        body_text: str = "",
    ) -> None:
        self.status_code = status_code
        self.problem: dict[str, Any] = dict(problem)
        self.request_id = request_id or _string(problem.get("requestId"))
        self.title = _string(problem.get("title")) or reason or f"HTTP {status_code}"
        self.detail = _string(problem.get("detail")) or body_text[:_MAX_DETAIL_CHARS].strip()
        self.errors: dict[str, str] = _field_errors(problem.get("errors"))
        super().__init__(self.__str__())

    @property
    def problem_type(self) -> str | None:
        """The problem type without the API's URI prefix, such as ``idempotency-key-in-use``."""
        value = _string(self.problem.get("type"))
        if value and value.startswith(PROBLEM_TYPE_BASE):
            return value[len(PROBLEM_TYPE_BASE) :]
        return value

    def __str__(self) -> str:
        lines = [f"{self.status_code} {self.title}"]
        if self.detail:
            lines[0] += f": {self.detail}"
        lines.extend(f"  {field}: {message}" for field, message in self.errors.items())
        if self.request_id:
            lines.append(f"Request ID: {self.request_id}")
        return "\n".join(lines)


class AuthenticationError(APIError):
    """401: the token is missing, malformed, unknown, revoked or expired."""


class PermissionDeniedError(APIError):
    """403: the key's role or account type does not allow the request."""


class NotFoundError(APIError):
    """404: no object with this id exists in the key's scope."""


class ValidationError(APIError):
    """400 or 422: invalid query parameters or body fields, listed in ``errors``."""


class ConflictError(APIError):
    """409: the email or code is taken, or the Idempotency-Key is in use by a running request.

    ``problem_type`` is ``idempotency-key-in-use`` in the second case, and the same
    create can then be sent again a few seconds later with the same key.
    """


class RateLimitError(APIError):
    """429: the API key used up its rate limit.

    ``retry_after`` is the number of seconds the server asked to wait, or None.
    """

    def __init__(
        self,
        status_code: int,
        problem: Mapping[str, Any],
        *,
        request_id: str | None,
        reason: str = "",
        body_text: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.retry_after = retry_after
        super().__init__(
            status_code, problem, request_id=request_id, reason=reason, body_text=body_text
        )


class ServerError(APIError):
    """500 or above: a server fault, or a 503 that outlasted every retry."""


_ERRORS_BY_STATUS: dict[int, type[APIError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
}


def error_from_response(response: httpx.Response, *, retry_after: float | None) -> APIError:
    """Build the exception for an error ``response`` whose body has been read."""
    status = response.status_code
    problem = _problem_body(response)
    request_id = response.headers.get(REQUEST_ID_HEADER)
    # A plain-text body, as some proxies send, is the best detail there is. HTML is not.
    is_text = response.headers.get("content-type", "").startswith("text/plain")
    body_text = response.text if is_text and not problem else ""
    if status == 429:
        return RateLimitError(
            status,
            problem,
            request_id=request_id,
            reason=response.reason_phrase,
            body_text=body_text,
            retry_after=retry_after,
        )
    error_class = ServerError if status >= 500 else _ERRORS_BY_STATUS.get(status, APIError)
    return error_class(
        status, problem, request_id=request_id, reason=response.reason_phrase, body_text=body_text
    )


def _problem_body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        # Not JSON, such as an HTML page of a proxy in front of the API.
        return {}
    return body if isinstance(body, dict) else {}


def _string(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _field_errors(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(field): str(message) for field, message in value.items()}
