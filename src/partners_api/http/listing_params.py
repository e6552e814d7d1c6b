"""The ``filter``, ``sort`` and ``range`` query parameters shared by the list endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Query

FilterParam = Annotated[
    str | None,
    Query(
        alias="filter",
        description='JSON object of filters, ANDed, e.g. {"name":"ACME","state":["Active"]}.',
    ),
]
SortParam = Annotated[
    str | None,
    Query(
        alias="sort",
        description=(
            'JSON array [field, "ASC"|"DESC"]; ties are broken by id. Default ["id","ASC"].'
        ),
    ),
]
RangeParam = Annotated[
    str | None,
    Query(
        alias="range",
        description="JSON array [start, end], inclusive and zero-based. Default [0,99].",
    ),
]
RangeHeader = Annotated[
    str | None,
    Header(
        alias="Range",
        description="react-admin's 'partners=0-24' form, used when the range parameter is absent.",
    ),
]
PreferHeader = Annotated[
    list[str] | None,
    Header(
        alias="Prefer",
        description="RFC 7240 preferences. count=exact, planned or none selects how the "
        "total is computed.",
    ),
]
