"""Reading a request body as JSON, with the media types and size the API accepts.

The API document's curl examples send JSON with ``--data-raw`` and no Content-Type, so
curl labels them ``application/x-www-form-urlencoded``; such bodies are read as JSON.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import ClientDisconnect, Request

from partners_api.exceptions import (
    BadRequestError,
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
)

_JSON_LABELS = {"application/json", "application/x-www-form-urlencoded"}


async def read_json(request: Request, max_bytes: int) -> Any:
    """Return the decoded JSON body of ``request``, or raise a 400, 413 or 415 error."""
    _check_media_type(request.headers.get("content-type"))
    body = await read_limited_body(request, max_bytes)
    if not body.strip():
        raise BadRequestError(
            "The request body is empty; send a JSON object.", errors={"body": "Missing body."}
        )
    _check_utf8(body)
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        message = (
            f"Invalid JSON at line {exc.lineno}, column {exc.colno} "
            f"(character {exc.pos}): {exc.msg}."
        )
        raise BadRequestError(message, errors={"body": message}) from exc


async def read_limited_body(request: Request, max_bytes: int) -> bytes:
    """Read the raw body, raising a 413 error as soon as it passes ``max_bytes``.

    The bytes are kept where Starlette's ``Request.body()`` caches them
    (``Request._body``), because ``Request.stream()`` replays that cache: a later read
    of the same request, such as the route's after the Idempotency-Key dependency's,
    gets the same bytes.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(max_bytes)
            chunks.append(chunk)
    except ClientDisconnect as exc:
        raise BadRequestError("The client closed the connection before the body arrived.") from exc
    body = b"".join(chunks)
    request._body = body
    return body


def _check_utf8(body: bytes) -> None:
    """Raise a 400 error that locates the first byte that is not valid UTF-8.

    orjson reports such a body at line 1, column 1 whatever the position of the bad byte,
    so the body is decoded here first.
    """
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = body[: exc.start].decode("utf-8")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        message = (
            f"Invalid JSON at line {line}, column {column} (byte {exc.start}): the body is "
            f"not valid UTF-8 ({exc.reason}); send the JSON encoded as UTF-8."
        )
        raise BadRequestError(message, errors={"body": message}) from exc


def _check_media_type(content_type: str | None) -> None:
    if content_type is None or not content_type.strip():
        return
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type in _JSON_LABELS or (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        return
    raise UnsupportedMediaTypeError(
        f"Unsupported Content-Type {media_type!r}; send the body as application/json."
    )


def _too_large(max_bytes: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(
        f"The request body is larger than {max_bytes} bytes; send a smaller JSON object."
    )
