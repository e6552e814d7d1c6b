"""JSON responses serialised with orjson, and the list response of react-admin clients."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from starlette.responses import Response


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class ProblemResponse(JSONResponse):
    media_type = "application/problem+json"


def content_range(resource: str, start: int, count: int, total: int) -> str:
    """Format ``Content-Range`` for ``count`` items from ``start`` out of ``total``.

    An empty page (no match, or a start past the end) has no first and last position,
    so it is written ``partners */1234``.
    """
    if count == 0:
        return f"{resource} */{total}"
    return f"{resource} {start}-{start + count - 1}/{total}"


def list_response(
    resource: str, start: int, total: int, items: Sequence[Mapping[str, Any]]
) -> JSONResponse:
    return JSONResponse(
        list(items),
        headers={
            "Content-Range": content_range(resource, start, len(items), total),
            "X-Total-Count": str(total),
        },
    )
