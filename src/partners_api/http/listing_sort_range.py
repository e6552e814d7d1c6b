"""Parse the ``sort`` and ``range`` list parameters and the ``Range`` header."""

from __future__ import annotations

import re

from partners_api.domain.listing import ResourceListSpec, SortOrder
from partners_api.http.listing_errors import InvalidParameter, describe_type, load_json, quote

# Range used when the request sends neither a range parameter nor a Range header.
DEFAULT_RANGE = (0, 99)

# Largest integer that JavaScript clients such as react-admin represent exactly
# (Number.MAX_SAFE_INTEGER).
_MAX_RANGE_POSITION = 2**53 - 1

_RANGE_HEADER_PATTERN = re.compile(r"\s*([A-Za-z][A-Za-z0-9_-]*)=(\d+)-(\d+)\s*", re.ASCII)


# Sort


def parse_sort(spec: ResourceListSpec, text: str | None) -> SortOrder:
    if not text:
        return SortOrder(field=spec.default_sort[0], descending=spec.default_sort[1])
    document = load_json("sort", text)
    if not (
        isinstance(document, list)
        and len(document) == 2
        and all(isinstance(item, str) for item in document)
    ):
        raise InvalidParameter(
            "sort",
            f"Invalid sort {quote(text)}: expected a JSON array of a field and a "
            'direction, such as ["name", "DESC"].',
        )

    field, direction = document
    if field not in spec.sort_fields:
        raise InvalidParameter(
            "sort",
            f"Unknown sort field {quote(field)}; accepted fields are: "
            f"{', '.join(spec.sort_fields)}.",
        )
    # isascii() stops non-ASCII letters that upper-case to ASCII, such as U+017F (long s) to 'S'.
    upper = direction.upper() if direction.isascii() else ""
    if upper not in ("ASC", "DESC"):
        raise InvalidParameter(
            "sort", f"Invalid sort direction {quote(direction)}; use ASC or DESC."
        )
    return SortOrder(field=field, descending=upper == "DESC")


# Range


def parse_range(
    resource: str, text: str | None, header: str | None, max_span: int
) -> tuple[int, int]:
    if text:
        document = load_json("range", text)
        if not (isinstance(document, list) and len(document) == 2):
            raise InvalidParameter(
                "range",
                f"Invalid range {quote(text)}: expected a JSON array of two integers "
                "[start, end], such as [0, 24].",
            )
        start = _range_position(document[0], "start")
        end = _range_position(document[1], "end")
        return _check_range(f"range [{start}, {end}]", start, end, max_span)

    if header:
        match = _RANGE_HEADER_PATTERN.fullmatch(header)
        if match is not None and match.group(1) == resource:
            label = f"Range header {quote(header.strip())}"
            start = _header_position(label, match.group(2))
            end = _header_position(label, match.group(3))
            return _check_range(label, start, end, max_span)

    # A maximum span below the default shortens the default range.
    start, end = DEFAULT_RANGE
    return start, min(end, start + max_span - 1)


def _range_position(value: object, position_name: str) -> int:
    """Check one position of the range parameter, which must be a non-negative integer."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidParameter(
            "range",
            f"Invalid range {position_name}: expected a non-negative integer, "
            f"got {describe_type(value)}.",
        )
    if value < 0:
        raise InvalidParameter(
            "range", f"Invalid range {position_name} {value}: it must not be negative."
        )
    # orjson returns integers beyond 64 bits as floats, so a float may be a huge integer.
    if value > _MAX_RANGE_POSITION:
        raise _too_large(f"range {position_name} {value}")
    if isinstance(value, float):
        raise InvalidParameter(
            "range",
            f"Invalid range {position_name} {value}: expected an integer without a fraction "
            "or exponent.",
        )
    return value


def _header_position(label: str, digits: str) -> int:
    significant = digits.lstrip("0") or "0"
    # Sixteen digits can already exceed the maximum. Python 3.11 rejects int() on
    # strings of more than 4300 digits, so longer numbers are never converted.
    if len(significant) > 16:
        raise _too_large(label)
    return int(significant)


def _too_large(label: str) -> InvalidParameter:
    return InvalidParameter(
        "range", f"Invalid {label}: positions must not exceed {_MAX_RANGE_POSITION}."
    )


def _check_range(label: str, start: int, end: int, max_span: int) -> tuple[int, int]:
    if end > _MAX_RANGE_POSITION:
        raise _too_large(label)
    if end < start:
        raise InvalidParameter(
            "range", f"Invalid {label}: the end must not be less than the start."
        )
    span = end - start + 1
    if span > max_span:
        raise InvalidParameter(
            "range", f"Invalid {label}: it spans {span} items but the maximum is {max_span}."
        )
    return start, end
