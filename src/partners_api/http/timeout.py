"""The request timeout: a request still running after the limit gets a 503 problem+json.

The middleware cancels the request's task when the limit passes. The cancellation
reaches the transaction dependency in ``http.dependencies``, which rolls the
transaction back. NOTE: a cancellation that arrives while COMMIT itself runs cannot
undo it, so a 503 does not prove that nothing was written. On PostgreSQL the
engine also sets ``statement_timeout`` a little below the limit (see
``statement_timeout_seconds``), so the server stops a long query on its own as well.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from partners_api.http.errors import problem

logger = logging.getLogger("partners_api.http")

RETRY_AFTER_SECONDS = 5
# PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout (query_canceled).
_QUERY_CANCELED = "57014"
# Time left for the rollback and the 503 response after the server stops a statement.
_STATEMENT_TIMEOUT_MARGIN_SECONDS = 1.0


def statement_timeout_seconds(request_timeout_seconds: float) -> float:
    """Return the PostgreSQL statement timeout for a request timeout.

    It is one second below the request timeout, or 90 % of it for a timeout of ten
    seconds or less, so that the server cancels a long statement before the request
    is cancelled.
    """
    return max(
        request_timeout_seconds - _STATEMENT_TIMEOUT_MARGIN_SECONDS,
        request_timeout_seconds * 0.9,
    )


class RequestTimeoutMiddleware:
    """Cancel a request that runs longer than ``timeout_seconds`` and respond with a 503.

    Only the time before the response starts is limited: a response that has started
    comes from a handler that has returned, and its transaction is already committed.
    """

    def __init__(self, app: ASGIApp, timeout_seconds: float) -> None:
        self.app = app
        self.timeout_seconds = timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def send_tracking_start(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            async with asyncio.timeout(self.timeout_seconds):
                await self.app(scope, receive, send_tracking_start)
        except TimeoutError:
            if response_started:
                raise
            await self._send_timeout(scope, receive, send, cause="request timeout")
        except DBAPIError as exc:
            if response_started or getattr(exc.orig, "sqlstate", None) != _QUERY_CANCELED:
                raise
            await self._send_timeout(scope, receive, send, cause="statement_timeout")

    async def _send_timeout(self, scope: Scope, receive: Receive, send: Send, cause: str) -> None:
        request = Request(scope, receive)
        logger.warning(
            "Request timed out after at most %s s (%s) on %s %s (request %s)",
            self.timeout_seconds,
            cause,
            request.method,
            request.url.path,
            getattr(request.state, "request_id", None),
        )
        response = problem(
            request,
            status=503,
            title="Service Unavailable",
            detail=(
                f"The request did not complete within {self.timeout_seconds:g} seconds and "
                "was cancelled. Retry later."
            ),
            type_slug="timeout",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
        await response(scope, receive, send)
