"""JSON responses serialised with orjson, and the list response of react-admin clients."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from starlette.responses import Response

from partners_api.domain.listing import ListTotal
from partners_api.http.prefer import COUNT_PREFERENCE


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class ProblemResponse(JSONResponse):
    media_type = "application/problem+json"


def content_range(resource: str, start: int, count: int, total: int | None) -> str:
    """Format ``Content-Range`` for ``count`` items from ``start`` out of ``total``.

    An empty page (no match, or a start past the end) has no first and last position,
    so it is written ``partners */1234``. An unknown total is written ``*``, as in
    ``partners 0-24/*``.
    """
    total_text = "*" if total is None else str(total)
    if count == 0:
        return f"{resource} */{total_text}"
    return f"{resource} {start}-{start + count - 1}/{total_text}"


def list_response(
    resource: str,
    start: int,
    total: ListTotal,
    items: Sequence[Mapping[str, Any]],
    *,
    count_requested: bool = False,
) -> JSONResponse:
    """Return a page with ``Content-Range``, and ``X-Total-Count`` when the total is known.

    ``count_requested`` adds ``Preference-Applied`` with the count method used, for a
    request whose ``Prefer`` header named one (RFC 7240, section 3).
    """
    headers = {"Content-Range": content_range(resource, start, len(items), total.count)}
    if total.count is not None:
        headers["X-Total-Count"] = str(total.count)
    if count_requested:
        headers["Preference-Applied"] = f"{COUNT_PREFERENCE}={total.mode.value}"
    return JSONResponse(list(items), headers=headers)
