"""Access log: one JSON line per HTTP request on the ``partners_api.access`` logger.

A line has the fields ``time`` (UTC, ISO 8601), ``requestId``, ``method``, ``path``,
``queryLength``, ``status``, ``durationMs``, ``apiKeyId`` (null unless a key
authenticated), ``client`` (the peer's address) and ``responseBytes``. Only the length
of the query string is logged, because filter values can contain e-mail addresses and
be large. Request headers are never logged, so neither is the bearer token.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("partners_api.access")

MAX_LOGGED_PATH_CHARS = 512


class AccessLogMiddleware:
    """Log each HTTP request once it has finished, whether it succeeded, failed or raised.

    It must wrap Starlette's ServerErrorMiddleware so that it also logs the 500 of an
    unexpected error. A request that raises with no response started is logged with
    status 500, the status the server then sends.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        response_bytes = 0

        async def send_recording(message: Message) -> None:
            nonlocal status, response_bytes
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                response_bytes += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_recording)
        finally:
            duration_ms = (time.perf_counter() - started) * 1000
            logger.info(_access_line(scope, status, duration_ms, response_bytes))


def _access_line(scope: Scope, status: int, duration_ms: float, response_bytes: int) -> str:
    state = scope.get("state") or {}
    client = scope.get("client")
    path: str = scope["path"]
    if len(path) > MAX_LOGGED_PATH_CHARS:
        path = path[:MAX_LOGGED_PATH_CHARS] + "..."
    entry = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
        "requestId": state.get("request_id"),
        "method": scope["method"],
        "path": path,
        "queryLength": len(scope.get("query_string", b"")),
        "status": status,
        "durationMs": round(duration_ms, 1),
        "apiKeyId": state.get("api_key_id"),
        "client": client[0] if client else None,
        "responseBytes": response_bytes,
    }
    return orjson.dumps(entry).decode()
