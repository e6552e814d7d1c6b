"""A parsed list request: the filters, sort order and range of ``GET /v1/partners`` and
``GET /v1/customers``, independent of how they arrived over HTTP, and the rules that turn
a count method into the total of a list response."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar


class FilterKind(enum.Enum):
    """How a filterable field matches, which decides the operators it accepts."""

    ID = "id"  # UUID; one value or a list
    EXACT = "exact"  # string compared exactly; one value or a list
    ENUM = "enum"  # one of a fixed set of strings; one value or a list
    COUNTRY = "country"  # ISO 3166-1 alpha-2, compared lower case; one value or a list
    SUBSTRING = "substring"  # case-insensitive substring of a name; one string
    COUNTRY_SET = "country_set"  # list of countries, filtered with the _ovl operator
    TIMESTAMP = "timestamp"  # _gte, _gt, _lte, _lt with a date or a timestamp


@dataclass(frozen=True)
class FieldSpec:
    kind: FilterKind
    # Accepted values of an ENUM field.
    choices: tuple[str, ...] = ()
    # Whether a single value is the only form (SUBSTRING and exact-only filters).
    list_allowed: bool = True


@dataclass(frozen=True)
class ResourceListSpec:
    """Filter fields (by API name) and sort fields that one list endpoint accepts."""

    resource: str  # "partners" or "customers", the unit of Content-Range
    filters: Mapping[str, FieldSpec]
    sort_fields: tuple[str, ...]
    default_sort: tuple[str, bool] = ("id", False)


@dataclass(frozen=True)
class InFilter:
    """``field`` equals one of ``values`` (UUIDs as strings in canonical lower-case form)."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class SubstringFilter:
    """``field`` contains ``text``, compared case-insensitively; wildcards match literally."""

    field: str
    text: str


@dataclass(frozen=True)
class OverlapFilter:
    """The list ``field`` shares at least one element with ``values``."""

    field: str
    values: tuple[str, ...]


class Comparison(enum.Enum):
    GTE = ">="
    GT = ">"
    LTE = "<="
    LT = "<"


@dataclass(frozen=True)
class TimestampFilter:
    """``field`` compared with ``bound``, a naive UTC datetime.

    Date-only bounds arrive here already widened to whole days: ``_lte 2026-04-01``
    becomes ``< 2026-04-02T00:00`` and ``_gt 2026-04-01`` becomes ``>= 2026-04-02T00:00``.
    """

    field: str
    comparison: Comparison
    bound: dt.datetime


Filter = InFilter | SubstringFilter | OverlapFilter | TimestampFilter


@dataclass(frozen=True)
class SortOrder:
    field: str
    descending: bool


@dataclass(frozen=True)
class ListQuery:
    """Filters ANDed together, one sort field (ties broken by id), and an inclusive range."""

    filters: tuple[Filter, ...]
    sort: SortOrder
    start: int
    end: int

    @property
    def limit(self) -> int:
        return self.end - self.start + 1


class CountMode(enum.Enum):
    """Method that computes the total of a list response, named as in ``Prefer: count=...``."""

    EXACT = "exact"  # COUNT(*) over every matching row
    PLANNED = "planned"  # the database planner's row estimate
    NONE = "none"  # no count query; a total only where the page itself shows it


@dataclass(frozen=True)
class ListTotal:
    """The total of a list response and the count method that produced it."""

    # Matching items over all pages, or None when the count method left it unknown.
    count: int | None
    mode: CountMode


RowT = TypeVar("RowT")


async def page_with_total(
    query: ListQuery,
    mode: CountMode,
    *,
    fetch: Callable[[ListQuery], Awaitable[Sequence[RowT]]],
    count: Callable[[], Awaitable[int]],
    estimate: Callable[[], Awaitable[int]] | None,
) -> tuple[Sequence[RowT], ListTotal]:
    """Fetch the rows of ``query``'s range and the total that ``mode`` selects.

    ``fetch`` runs the page query of a given range, ``count`` the exact count and
    ``estimate`` the planner's estimate of the same rows. ``estimate`` is None on a
    database without a planner estimate, and ``PLANNED`` then counts exactly. In the
    ``PLANNED`` and ``NONE`` modes, a page that reaches the end of the list gives the
    exact total, and an estimate is raised to at least the rows seen.
    """
    if mode is CountMode.PLANNED and estimate is None:
        mode = CountMode.EXACT
    if mode is CountMode.EXACT:
        total = await count()
        if query.start >= total:
            return [], ListTotal(total, mode)
        return await fetch(query), ListTotal(total, mode)

    # One row past the range shows whether more rows follow, so a page that ends
    # exactly at the end of the list still yields the exact total.
    rows = await fetch(dataclasses.replace(query, end=query.end + 1))
    more_follow = len(rows) > query.limit
    rows = rows[: query.limit]
    if not more_follow and (rows or query.start == 0):
        return rows, ListTotal(query.start + len(rows), mode)
    # ``estimate`` is None here only in NONE mode, since PLANNED without it became EXACT.
    if mode is CountMode.NONE or estimate is None:
        return rows, ListTotal(None, CountMode.NONE)
    if not rows:
        # The page is empty past the end. An estimate above ``start`` would contradict
        # it, so the exact count gives the total that a range past the end reports.
        return rows, ListTotal(await count(), CountMode.EXACT)
    # The rows shown and the one seen past them are certain. An estimate below that
    # would announce fewer items than the client already received.
    return rows, ListTotal(max(await estimate(), query.end + 2), mode)
