"""List pages: the ``filter``, ``sort`` and ``range`` query parameters, and the total of
``Content-Range``."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

import httpx

from partners_api.client.errors import REQUEST_ID_HEADER, UnexpectedResponseError

ItemT = TypeVar("ItemT")

# `customers 0-24/230` for a page, `customers */230` for a start past the end, and
# `customers */0` when nothing matches.
_CONTENT_RANGE = re.compile(r"^\s*[A-Za-z]+ +(?:(\d+)-(\d+)|\*)/(\d+)\s*$")


@dataclass(frozen=True)
class Page(Generic[ItemT]):
    """One list response.

    ``start`` is the position of the first item, as requested, and ``end`` that of the
    last item, or None when the page is empty. ``total`` counts every object that matches
    the filter, not only this page.
    """

    items: list[ItemT]
    start: int
    end: int | None
    total: int

    @property
    def next_start(self) -> int | None:
        """The ``start`` of the next page, or None when this page is the last."""
        following = self.start + len(self.items)
        if not self.items or following >= self.total:
            return None
        return following


@dataclass(frozen=True)
class ListQuery:
    """Filter and sort of a list request, the same for every page."""

    filter: Mapping[str, object] | None = None
    sort: tuple[str, str] | None = None

    def params(self, start: int, size: int) -> dict[str, str]:
        """Return the query parameters of the page of ``size`` items from ``start``."""
        if start < 0:
            raise ValueError(f"start must be 0 or more, got {start}")
        if size < 1:
            raise ValueError(f"the page size must be 1 or more, got {size}")
        params = {"range": _compact_json([start, start + size - 1])}
        if self.filter:
            params["filter"] = _compact_json(dict(self.filter))
        if self.sort is not None:
            field, direction = self.sort
            params["sort"] = _compact_json([field, direction])
        return params


def _json_default(value: object) -> str:
    # Dates, times and UUIDs are common filter values, which the API takes as strings.
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _compact_json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def page_total(response: httpx.Response) -> int:
    """Return the total after the ``/`` of ``Content-Range``, or ``X-Total-Count``."""
    content_range = response.headers.get("content-range")
    if content_range is not None:
        match = _CONTENT_RANGE.match(content_range)
        if match is not None:
            return int(match.group(3))
    total_count = response.headers.get("x-total-count", "")
    if total_count.isdigit():
        return int(total_count)
    raise UnexpectedResponseError(
        f"The list response has no valid Content-Range or X-Total-Count header "
        f"(Content-Range: {content_range!r}).",
        status_code=response.status_code,
        request_id=response.headers.get(REQUEST_ID_HEADER),
    )


def build_page(items: list[ItemT], start: int, total: int) -> Page[ItemT]:
    """Return the page of ``items`` that the server returned for ``start``."""
    end = start + len(items) - 1 if items else None
    return Page(items=items, start=start, end=end, total=total)


class PageCursor(Generic[ItemT]):
    """The position of a list iteration: which page to request next and when to stop."""

    def __init__(self, page_size: int, limit: int | None) -> None:
        if page_size < 1:
            raise ValueError(f"page_size must be 1 or more, got {page_size}")
        if limit is not None and limit < 0:
            raise ValueError(f"limit must be 0 or more, got {limit}")
        self.page_size = page_size
        self.limit = limit
        self.start = 0
        self.yielded = 0
        self.done = limit == 0

    def next_size(self) -> int:
        """Return the size of the next page: the page size, or less to stay within the limit."""
        if self.limit is None:
            return self.page_size
        return min(self.page_size, self.limit - self.yielded)

    def advance(self, page: Page[ItemT]) -> list[ItemT]:
        """Move past ``page`` and return its items to yield."""
        items = page.items
        if self.limit is not None:
            items = items[: self.limit - self.yielded]
        self.yielded += len(items)
        self.start += len(page.items)
        # An empty page ends the iteration even if the total promised more, because the
        # next request would return the same empty page. Objects that leave the filter
        # between two pages can cause that.
        limit_reached = self.limit is not None and self.yielded >= self.limit
        if page.next_start is None or limit_reached:
            self.done = True
        return items
