"""Parse the react-admin list parameters ``filter``, ``sort`` and ``range`` into a ListQuery.

The parameters follow the conventions of react-admin's ra-data-simple-rest data
provider: each is JSON text, for example ``filter={"state":"Active"}``,
``sort=["name","DESC"]`` and ``range=[0,24]``.
"""

from __future__ import annotations

import re
import uuid

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
)
from partners_api.exceptions import BadRequestError
from partners_api.http.listing_errors import InvalidParameter, describe_type, load_json, quote
from partners_api.http.listing_sort_range import DEFAULT_RANGE, parse_range, parse_sort
from partners_api.http.listing_timestamps import parse_timestamp

# Maximum length of a SUBSTRING or EXACT filter value, in characters.
_MAX_TEXT_LENGTH = 200

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
        sort = parse_sort(spec, sort_param)
    except InvalidParameter as exc:
        errors[exc.path] = exc.message

    start, end = DEFAULT_RANGE
    try:
        start, end = parse_range(spec.resource, range_param, range_header, max_span)
    except InvalidParameter as exc:
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


def _join_alternatives(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


# Filters


def _parse_filters(
    spec: ResourceListSpec, text: str | None, max_values: int, errors: dict[str, str]
) -> tuple[Filter, ...]:
    if not text:
        return ()
    try:
        document = load_json("filter", text)
    except InvalidParameter as exc:
        errors[exc.path] = exc.message
        return ()
    if not isinstance(document, dict):
        errors["filter"] = (
            f'Invalid filter: expected a JSON object such as {{"name": "ACME"}}, '
            f"got {describe_type(document)}."
        )
        return ()

    filters: list[Filter] = []
    for key, value in document.items():
        try:
            parsed = _parse_filter(spec, key, value, max_values)
        except InvalidParameter as exc:
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
        return parse_timestamp(path, key, name, _TIMESTAMP_OPERATORS[operator], text)

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
            raise InvalidParameter(path, f"Filter '{key}' needs an operator suffix; use {choices}.")
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
        raise InvalidParameter(
            path, f"Unknown operator {quote(operator)} for filter '{name}'; {accepted}."
        )

    raise InvalidParameter(
        path,
        f"Unknown filter field {quote(key)}; accepted filters are: {_accepted_filter_keys(spec)}.",
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
            raise InvalidParameter(
                path,
                f"Filter '{key}' has {len(value)} values; the maximum is {max_values}.",
            )
        for item in value:
            if not isinstance(item, str):
                raise InvalidParameter(
                    path,
                    f"Invalid value for filter '{key}': expected {expected}, "
                    f"got a list containing {describe_type(item)}.",
                )
            items.append(item)
    else:
        raise InvalidParameter(
            path,
            f"Invalid value for filter '{key}': expected {expected}, got {describe_type(value)}.",
        )

    # PostgreSQL text cannot store NUL, so such a value would fail in the database.
    for item in items:
        if "\x00" in item:
            raise InvalidParameter(
                path,
                f"Invalid value {quote(item)} for filter '{key}': NUL characters are not allowed.",
            )
    return items


def _check_length(path: str, key: str, text: str) -> None:
    if len(text) > _MAX_TEXT_LENGTH:
        raise InvalidParameter(
            path,
            f"Value {quote(text)} for filter '{key}' is {len(text)} characters long; "
            f"the maximum is {_MAX_TEXT_LENGTH}.",
        )


def _normalise_value(path: str, key: str, field: FieldSpec, value: str) -> str:
    """Check one value of an ID, EXACT, ENUM, COUNTRY or COUNTRY_SET filter."""
    if field.kind is FilterKind.ID:
        if not _UUID_PATTERN.fullmatch(value):
            raise InvalidParameter(
                path,
                f"Invalid UUID {quote(value)} for filter '{key}'; use the 36-character "
                "form such as 019cea04-b015-7f54-a7dd-6e5c198f15a9.",
            )
        return str(uuid.UUID(value))

    if field.kind is FilterKind.ENUM:
        if value in field.choices:
            return value
        message = f"Invalid {key} {quote(value)}; accepted values are: {', '.join(field.choices)}."
        for choice in field.choices:
            if choice.casefold() == value.casefold():
                message += f" Values are case-sensitive: did you mean '{choice}'?"
                break
        raise InvalidParameter(path, message)

    if field.kind in (FilterKind.COUNTRY, FilterKind.COUNTRY_SET):
        hint = "use an ISO 3166-1 alpha-2 code such as 'us'"
        if not _COUNTRY_PATTERN.fullmatch(value):
            raise InvalidParameter(
                path, f"Invalid country code {quote(value)} for filter '{key}'; {hint}."
            )
        if pycountry.countries.get(alpha_2=value) is None:
            raise InvalidParameter(
                path, f"Unknown country code {quote(value)} for filter '{key}'; {hint}."
            )
        return value.lower()

    _check_length(path, key, value)
    return value
