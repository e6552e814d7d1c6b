"""Parse the react-admin list parameters ``filter``, ``sort`` and ``range`` into a ListQuery.

The parameters follow the conventions of react-admin's ra-data-simple-rest data
provider: each is JSON text, for example ``filter={"state":"Active"}``,
``sort=["name","DESC"]`` and ``range=[0,24]``.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

import orjson
import pycountry

from partners_api.domain.listing import (
    Comparison,
    FieldSpec,
    Filter,
    FilterKind,
    InFilter,
    ListQuery,
    OverlapFilter,
    ResourceListSpec,
    SortOrder,
    SubstringFilter,
    TimestampFilter,
)
from partners_api.exceptions import BadRequestError

# Range used when the request sends neither a range parameter nor a Range header.
_DEFAULT_RANGE = (0, 99)

# Largest integer that JavaScript clients such as react-admin represent exactly
# (Number.MAX_SAFE_INTEGER).
_MAX_RANGE_POSITION = 2**53 - 1

# Maximum length of a SUBSTRING or EXACT filter value, in characters.
_MAX_TEXT_LENGTH = 200

# Bounds must fall within these years after conversion to UTC. Stopping one year short
# of datetime.MAXYEAR leaves room for adding a day, so later arithmetic cannot overflow.
_MIN_BOUND_YEAR = 1
_MAX_BOUND_YEAR = 9998

# Values are quoted in messages up to this many characters, so a huge value does not
# flood the error body.
_MAX_QUOTED_LENGTH = 60

_TIMESTAMP_OPERATORS = {
    "_gte": Comparison.GTE,
    "_gt": Comparison.GT,
    "_lte": Comparison.LTE,
    "_lt": Comparison.LT,
}
_OVERLAP_OPERATOR = "_ovl"

# ra-data-simple-rest sends getMany as {"id": [...]}, and its older releases document
# {"ids": [...]}. Both filter the id field.
_FIELD_ALIASES = {"ids": "id"}

# Explicit upper-case ranges instead of IGNORECASE, which would also match
# U+212A (Kelvin sign) and U+017F (long s).
_UUID_PATTERN = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", re.ASCII
)
_COUNTRY_PATTERN = re.compile(r"[A-Za-z]{2}", re.ASCII)
_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# The subset of ISO 8601 that datetime.fromisoformat parses in Python 3.11, limited to
# extended dates with at least hours and minutes. Basic and week dates such as 20260301
# or 2026-W09-1 are rejected, because they would be taken as midnight timestamps
# without the date-only widening.
_TIMESTAMP_PATTERN = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?",
    re.ASCII,
)
_RANGE_HEADER_PATTERN = re.compile(r"\s*([A-Za-z][A-Za-z0-9_-]*)=(\d+)-(\d+)\s*", re.ASCII)

_DATE_HINT = "use YYYY-MM-DD or an ISO 8601 timestamp such as 2026-03-01T12:00:00Z"


class _InvalidParameter(Exception):
    """One problem with a list parameter: the error path and its message."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def parse_list_query(
    spec: ResourceListSpec,
    *,
    filter_param: str | None,
    sort_param: str | None,
    range_param: str | None,
    range_header: str | None,
    max_span: int,
    max_filter_values: int,
) -> ListQuery:
    """Parse the list parameters of one request into a ListQuery.

    An absent or empty parameter takes its default: no filters, ``spec.default_sort``,
    and the range from the ``Range`` header (``<resource>=<start>-<end>``) or else
    [0, 99], shortened to ``max_span`` items. The range parameter takes precedence over
    the header, and a malformed header or one for another resource is ignored.

    Raises BadRequestError with one message per problem in ``errors``, keyed by
    ``filter``, ``filter.<key>``, ``sort`` or ``range``.
    """
    errors: dict[str, str] = {}
    filters = _parse_filters(spec, filter_param, max_filter_values, errors)

    sort = SortOrder(field=spec.default_sort[0], descending=spec.default_sort[1])
    try:
        sort = _parse_sort(spec, sort_param)
    except _InvalidParameter as exc:
        errors[exc.path] = exc.message

    start, end = _DEFAULT_RANGE
    try:
        start, end = _parse_range(spec.resource, range_param, range_header, max_span)
    except _InvalidParameter as exc:
        errors[exc.path] = exc.message

    if errors:
        raise BadRequestError(_summarise(errors), errors=errors)
    return ListQuery(filters=filters, sort=sort, start=start, end=end)


def _summarise(errors: dict[str, str]) -> str:
    parameters = [
        name
        for name in ("filter", "sort", "range")
        if any(path == name or path.startswith(name + ".") for path in errors)
    ]
    if len(parameters) == 1:
        names = parameters[0]
    else:
        names = ", ".join(parameters[:-1]) + " and " + parameters[-1]
    return f"Invalid {names}: see errors for each field."


def _quote(value: str) -> str:
    if len(value) > _MAX_QUOTED_LENGTH:
        return repr(value[:_MAX_QUOTED_LENGTH] + "...")
    return repr(value)


def _join_alternatives(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


def _describe_type(value: object) -> str:
    # bool is checked before int because bool is a subclass of int.
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "null"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _load_json(name: str, text: str) -> object:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise _InvalidParameter(name, f"Invalid JSON in the {name} parameter: {exc}.") from exc


# Filters


def _parse_filters(
    spec: ResourceListSpec, text: str | None, max_values: int, errors: dict[str, str]
) -> tuple[Filter, ...]:
    if not text:
        return ()
    try:
        document = _load_json("filter", text)
    except _InvalidParameter as exc:
        errors[exc.path] = exc.message
        return ()
    if not isinstance(document, dict):
        errors["filter"] = (
            f'Invalid filter: expected a JSON object such as {{"name": "ACME"}}, '
            f"got {_describe_type(document)}."
        )
        return ()

    filters: list[Filter] = []
    for key, value in document.items():
        try:
            parsed = _parse_filter(spec, key, value, max_values)
        except _InvalidParameter as exc:
            errors[exc.path] = exc.message
            continue
        if parsed is not None:
            filters.append(parsed)
    return tuple(filters)


def _parse_filter(
    spec: ResourceListSpec, key: str, value: object, max_values: int
) -> Filter | None:
    """Parse one filter entry, or return None for an empty SUBSTRING, which filters nothing."""
    path = f"filter.{key}"
    name, operator = _split_filter_key(spec, key, path)
    field = spec.filters[name]

    if field.kind is FilterKind.TIMESTAMP:
        assert operator is not None  # _split_filter_key requires one for TIMESTAMP
        text = _string_values(path, key, value, max_values, list_allowed=False)[0]
        return _parse_timestamp(path, key, name, _TIMESTAMP_OPERATORS[operator], text)

    if field.kind is FilterKind.SUBSTRING:
        text = _string_values(path, key, value, max_values, list_allowed=False)[0]
        _check_length(path, key, text)
        if text == "":
            return None
        return SubstringFilter(field=name, text=text)

    # COUNTRY_SET accepts a single string as a one-item list, like the other kinds.
    values = _string_values(path, key, value, max_values, list_allowed=field.list_allowed)
    normalised = [_normalise_value(path, key, field, item) for item in values]
    # Duplicates are dropped because they cannot change which rows match.
    unique = tuple(dict.fromkeys(normalised))
    if field.kind is FilterKind.COUNTRY_SET:
        return OverlapFilter(field=name, values=unique)
    return InFilter(field=_FIELD_ALIASES.get(name, name), values=unique)


def _accepted_filter_keys(spec: ResourceListSpec) -> str:
    keys: list[str] = []
    for name, field in spec.filters.items():
        if field.kind is FilterKind.TIMESTAMP:
            keys.extend(name + operator for operator in _TIMESTAMP_OPERATORS)
        elif field.kind is FilterKind.COUNTRY_SET:
            keys.append(name + _OVERLAP_OPERATOR)
        else:
            keys.append(name)
    return ", ".join(keys)


def _operators(kind: FilterKind) -> tuple[str, ...]:
    if kind is FilterKind.TIMESTAMP:
        return tuple(_TIMESTAMP_OPERATORS)
    if kind is FilterKind.COUNTRY_SET:
        return (_OVERLAP_OPERATOR,)
    return ()


def _split_filter_key(spec: ResourceListSpec, key: str, path: str) -> tuple[str, str | None]:
    """Split a filter key into the field name and its operator suffix, if any."""
    if key in spec.filters:
        operators = _operators(spec.filters[key].kind)
        if operators:
            choices = _join_alternatives([key + operator for operator in operators])
            raise _InvalidParameter(
                path, f"Filter '{key}' needs an operator suffix; use {choices}."
            )
        return key, None

    name, separator, suffix = key.rpartition("_")
    if separator and name in spec.filters:
        operator = "_" + suffix
        operators = _operators(spec.filters[name].kind)
        if operator in operators:
            return name, operator
        if operators:
            accepted = f"accepted operators are: {', '.join(operators)}"
        else:
            accepted = f"'{name}' takes no operator"
        raise _InvalidParameter(
            path, f"Unknown operator {_quote(operator)} for filter '{name}'; {accepted}."
        )

    raise _InvalidParameter(
        path,
        f"Unknown filter field {_quote(key)}; accepted filters are: {_accepted_filter_keys(spec)}.",
    )


def _string_values(
    path: str, key: str, value: object, max_values: int, *, list_allowed: bool
) -> list[str]:
    """Check that ``value`` is a string, or a list of strings where lists are allowed."""
    expected = "a string or a list of strings" if list_allowed else "a string"
    items: list[str] = []
    if isinstance(value, str):
        items.append(value)
    elif isinstance(value, list) and list_allowed:
        if len(value) > max_values:
            raise _InvalidParameter(
                path,
                f"Filter '{key}' has {len(value)} values; the maximum is {max_values}.",
            )
        for item in value:
            if not isinstance(item, str):
                raise _InvalidParameter(
                    path,
                    f"Invalid value for filter '{key}': expected {expected}, "
                    f"got a list containing {_describe_type(item)}.",
                )
            items.append(item)
    else:
        raise _InvalidParameter(
            path,
            f"Invalid value for filter '{key}': expected {expected}, got {_describe_type(value)}.",
        )

    # PostgreSQL text cannot store NUL, so such a value would fail in the database.
    for item in items:
        if "\x00" in item:
            raise _InvalidParameter(
                path,
                f"Invalid value {_quote(item)} for filter '{key}': NUL characters are not allowed.",
            )
    return items


def _check_length(path: str, key: str, text: str) -> None:
    if len(text) > _MAX_TEXT_LENGTH:
        raise _InvalidParameter(
            path,
            f"Value {_quote(text)} for filter '{key}' is {len(text)} characters long; "
            f"the maximum is {_MAX_TEXT_LENGTH}.",
        )


def _normalise_value(path: str, key: str, field: FieldSpec, value: str) -> str:
    """Check one value of an ID, EXACT, ENUM, COUNTRY or COUNTRY_SET filter."""
    if field.kind is FilterKind.ID:
        if not _UUID_PATTERN.fullmatch(value):
            raise _InvalidParameter(
                path,
                f"Invalid UUID {_quote(value)} for filter '{key}'; use the 36-character "
                "form such as 019cea04-b015-7f54-a7dd-6e5c198f15a9.",
            )
        return str(uuid.UUID(value))

    if field.kind is FilterKind.ENUM:
        if value in field.choices:
            return value
        message = f"Invalid {key} {_quote(value)}; accepted values are: {', '.join(field.choices)}."
        for choice in field.choices:
            if choice.casefold() == value.casefold():
                message += f" Values are case-sensitive: did you mean '{choice}'?"
                break
        raise _InvalidParameter(path, message)

    if field.kind in (FilterKind.COUNTRY, FilterKind.COUNTRY_SET):
        hint = "use an ISO 3166-1 alpha-2 code such as 'us'"
        if not _COUNTRY_PATTERN.fullmatch(value):
            raise _InvalidParameter(
                path, f"Invalid country code {_quote(value)} for filter '{key}'; {hint}."
            )
        if pycountry.countries.get(alpha_2=value) is None:
            raise _InvalidParameter(
                path, f"Unknown country code {_quote(value)} for filter '{key}'; {hint}."
            )
        return value.lower()

    _check_length(path, key, value)
    return value


def _parse_timestamp(
    path: str, key: str, name: str, comparison: Comparison, text: str
) -> TimestampFilter:
    """Parse a date or timestamp bound, widening a date to whole days."""
    try:
        if _DATE_PATTERN.fullmatch(text):
            comparison, bound = _widen_date(dt.date.fromisoformat(text), comparison)
        elif _TIMESTAMP_PATTERN.fullmatch(text):
            bound = _to_naive_utc(dt.datetime.fromisoformat(text))
        else:
            raise ValueError(text)
    except ValueError as exc:
        raise _InvalidParameter(
            path, f"Invalid date {_quote(text)} for filter '{key}'; {_DATE_HINT}."
        ) from exc
    except OverflowError as exc:
        raise _out_of_range(path, key, text) from exc

    if not _MIN_BOUND_YEAR <= bound.year <= _MAX_BOUND_YEAR:
        raise _out_of_range(path, key, text)
    return TimestampFilter(field=name, comparison=comparison, bound=bound)


def _out_of_range(path: str, key: str, text: str) -> _InvalidParameter:
    return _InvalidParameter(
        path,
        f"Date {_quote(text)} for filter '{key}' is out of range; it must fall in the "
        f"years {_MIN_BOUND_YEAR} to {_MAX_BOUND_YEAR} in UTC.",
    )


def _widen_date(day: dt.date, comparison: Comparison) -> tuple[Comparison, dt.datetime]:
    """Turn a date bound into a midnight bound that includes or excludes the whole day."""
    midnight = dt.datetime(day.year, day.month, day.day)
    # Adding a day raises OverflowError on 9999-12-31. The caller reports that as out of range.
    if comparison is Comparison.GTE:
        return Comparison.GTE, midnight
    if comparison is Comparison.GT:
        return Comparison.GTE, midnight + dt.timedelta(days=1)
    if comparison is Comparison.LTE:
        return Comparison.LT, midnight + dt.timedelta(days=1)
    return Comparison.LT, midnight


def _to_naive_utc(moment: dt.datetime) -> dt.datetime:
    """Convert to UTC and drop the offset. A timestamp without an offset is taken as UTC."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


# Sort


def _parse_sort(spec: ResourceListSpec, text: str | None) -> SortOrder:
    if not text:
        return SortOrder(field=spec.default_sort[0], descending=spec.default_sort[1])
    document = _load_json("sort", text)
    if not (
        isinstance(document, list)
        and len(document) == 2
        and all(isinstance(item, str) for item in document)
    ):
        raise _InvalidParameter(
            "sort",
            f"Invalid sort {_quote(text)}: expected a JSON array of a field and a "
            'direction, such as ["name", "DESC"].',
        )

    field, direction = document
    if field not in spec.sort_fields:
        raise _InvalidParameter(
            "sort",
            f"Unknown sort field {_quote(field)}; accepted fields are: "
            f"{', '.join(spec.sort_fields)}.",
        )
    # isascii() stops non-ASCII letters that upper-case to ASCII, such as U+017F (long s) to 'S'.
    upper = direction.upper() if direction.isascii() else ""
    if upper not in ("ASC", "DESC"):
        raise _InvalidParameter(
            "sort", f"Invalid sort direction {_quote(direction)}; use ASC or DESC."
        )
    return SortOrder(field=field, descending=upper == "DESC")


# Range


def _parse_range(
    resource: str, text: str | None, header: str | None, max_span: int
) -> tuple[int, int]:
    if text:
        document = _load_json("range", text)
        if not (isinstance(document, list) and len(document) == 2):
            raise _InvalidParameter(
                "range",
                f"Invalid range {_quote(text)}: expected a JSON array of two integers "
                "[start, end], such as [0, 24].",
            )
        start = _range_position(document[0], "start")
        end = _range_position(document[1], "end")
        return _check_range(f"range [{start}, {end}]", start, end, max_span)

    if header:
        match = _RANGE_HEADER_PATTERN.fullmatch(header)
        if match is not None and match.group(1) == resource:
            label = f"Range header {_quote(header.strip())}"
            start = _header_position(label, match.group(2))
            end = _header_position(label, match.group(3))
            return _check_range(label, start, end, max_span)

    # A maximum span below the default shortens the default range.
    start, end = _DEFAULT_RANGE
    return start, min(end, start + max_span - 1)


def _range_position(value: object, position_name: str) -> int:
    """Check one position of the range parameter, which must be a non-negative integer."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _InvalidParameter(
            "range",
            f"Invalid range {position_name}: expected a non-negative integer, "
            f"got {_describe_type(value)}.",
        )
    if value < 0:
        raise _InvalidParameter(
            "range", f"Invalid range {position_name} {value}: it must not be negative."
        )
    # orjson returns integers beyond 64 bits as floats, so a float may be a huge integer.
    if value > _MAX_RANGE_POSITION:
        raise _too_large(f"range {position_name} {value}")
    if isinstance(value, float):
        raise _InvalidParameter(
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


def _too_large(label: str) -> _InvalidParameter:
    return _InvalidParameter(
        "range", f"Invalid {label}: positions must not exceed {_MAX_RANGE_POSITION}."
    )


def _check_range(label: str, start: int, end: int, max_span: int) -> tuple[int, int]:
    if end > _MAX_RANGE_POSITION:
        raise _too_large(label)
    if end < start:
        raise _InvalidParameter(
            "range", f"Invalid {label}: the end must not be less than the start."
        )
    span = end - start + 1
    if span > max_span:
        raise _InvalidParameter(
            "range", f"Invalid {label}: it spans {span} items but the maximum is {max_span}."
        )
    return start, end
