"""Errors that the service reports to its clients.

Every error that a client can cause is a ``PartnersAPIError``. It carries the HTTP
status and the problem type of its RFC 9457 body, and the global handlers in
``partners_api.http.errors`` turn it into that body. The CLI prints the same
message on one line.

    PartnersAPIError
    ├── BadRequestError           400  malformed JSON, invalid filter, sort or range
    ├── AuthenticationError       401  missing, unknown, revoked or expired token
    ├── PermissionDeniedError     403  valid token without the role or account type
    ├── NotFoundError             404  object absent or outside the key's scope
    ├── ConflictError             409  code or email already in use
    │   └── IdempotencyKeyInUseError   a request with the same Idempotency-Key still runs
    ├── PayloadTooLargeError      413  body over the size limit
    ├── UnsupportedMediaTypeError 415  body that is neither JSON nor form-labelled JSON
    ├── ValidationError           422  body fields that break the rules, one message each
    ├── TooManyRequestsError      429  the API key's rate limit is used up
    └── ServiceUnavailableError   503  database unreachable
"""

from __future__ import annotations

from collections.abc import Mapping


class PartnersAPIError(Exception):
    """Base of every error a client can cause; ``status`` is its HTTP status."""

    status: int = 500
    title: str = "Internal Server Error"
    type_slug: str = "internal-error"

    def __init__(self, detail: str, *, errors: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors: dict[str, str] = dict(errors or {})


class BadRequestError(PartnersAPIError):
    status = 400
    title = "Bad Request"
    type_slug = "bad-request"


class AuthenticationError(PartnersAPIError):
    """401; ``invalid_token`` is False when no token was sent at all."""

    status = 401
    title = "Unauthorized"
    type_slug = "unauthorized"

    def __init__(self, detail: str, *, invalid_token: bool) -> None:
        super().__init__(detail)
        self.invalid_token = invalid_token


class PermissionDeniedError(PartnersAPIError):
    status = 403
    title = "Forbidden"
    type_slug = "forbidden"


class NotFoundError(PartnersAPIError):
    status = 404
    title = "Not Found"
    type_slug = "not-found"


class ConflictError(PartnersAPIError):
    status = 409
    title = "Conflict"
    type_slug = "conflict"


class IdempotencyKeyInUseError(ConflictError):
    """409 for a request whose Idempotency-Key another request of the same API key holds."""

    type_slug = "idempotency-key-in-use"
    # Seconds a client should wait before it retries; sent as Retry-After.
    retry_after = 1


class PayloadTooLargeError(PartnersAPIError):
    status = 413
    title = "Content Too Large"
    type_slug = "content-too-large"


class UnsupportedMediaTypeError(PartnersAPIError):
    status = 415
    title = "Unsupported Media Type"
    type_slug = "unsupported-media-type"


class ValidationError(PartnersAPIError):
    """422 with ``errors`` mapping each invalid field's dotted path to its message."""

    status = 422
    title = "Unprocessable Content"
    type_slug = "validation-error"

    def __init__(self, errors: Mapping[str, str], detail: str | None = None) -> None:
        if detail is None:
            noun = "field" if len(errors) == 1 else "fields"
            detail = f"Invalid request body: check the {noun} {', '.join(errors)}."
        super().__init__(detail, errors=errors)


class TooManyRequestsError(PartnersAPIError):
    """429 with ``retry_after``, the whole number of seconds to wait, at least 1."""

    status = 429
    title = "Too Many Requests"
    type_slug = "rate-limited"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)


class ServiceUnavailableError(PartnersAPIError):
    status = 503
    title = "Service Unavailable"
    type_slug = "service-unavailable"

    def __init__(self, detail: str, *, retry_after: int = 5) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
