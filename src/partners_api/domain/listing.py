"""A parsed list request: the filters, sort order and range of ``GET /v1/partners`` and
``GET /v1/customers``, independent of how they arrived over HTTP."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass


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
