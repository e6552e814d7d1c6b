"""Python client of the SIP Caller Partners API.

``PartnersClient`` blocks and ``AsyncPartnersClient`` is its asyncio counterpart. Both
page through lists with ``range`` and ``Content-Range``, retry connection errors, 429 and
503 with backoff, send an ``Idempotency-Key`` with every create, and raise the exceptions
of ``partners_api.client.errors``.
"""

from partners_api.client.async_client import AsyncPartnersClient
from partners_api.client.errors import (
    APIError,
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    NotFoundError,
    PartnersClientError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TransportError,
    UnexpectedResponseError,
    ValidationError,
)
from partners_api.client.models import Customer, Me, Partner
from partners_api.client.paging import Page
from partners_api.client.responses import Created
from partners_api.client.retry import RetryPolicy
from partners_api.client.sync_client import PartnersClient

__all__ = [
    "APIError",
    "AsyncPartnersClient",
    "AuthenticationError",
    "ConfigurationError",
    "ConflictError",
    "Created",
    "Customer",
    "Me",
    "NotFoundError",
    "Page",
    "Partner",
    "PartnersClient",
    "PartnersClientError",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "TransportError",
    "UnexpectedResponseError",
    "ValidationError",
]
