"""Parsing of ``--filter KEY=VALUE``, ``--filter-json`` and ``--sort FIELD[:DIRECTION]``
into the API's ``filter`` object and ``sort`` pair.

The checks here catch values that cannot be right (an unknown key, a malformed UUID,
date or country code, a state in the wrong case) with a message that names the
option. The server checks everything again, including the partner levels, which only
the server's settings define.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Sequence
from typing import Any

import pycountry

from partners_api.client_cli.errors import CLIError
from partners_api.domain.list_specs import CUSTOMERS_LIST_SPEC, partners_list_spec
from partners_api.domain.listing import FieldSpec, FilterKind, ResourceListSpec

TIMESTAMP_OPERATORS = ("gte", "gt", "lte", "lt")
OVERLAP_OPERATOR = "ovl"
LIST_SEPARATOR = ","

# A date, or a date and a time with hours and minutes, an optional fraction and an
# optional offset: the forms that the server accepts as bounds.
_BOUND_PATTERN = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_UUID_PATTERN = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def list_spec(resource: str) -> ResourceListSpec:
    """Return the filter and sort fields of ``partners`` or ``customers``.

    Partner levels are configured on the server, so the level filter accepts any value
    here.
    """
    if resource == "partners":
        return partners_list_spec(levels=())
    return CUSTOMERS_LIST_SPEC


def filter_keys(spec: ResourceListSpec) -> list[str]:
    """Return every key that ``--filter`` accepts for ``spec``, operators included."""
    keys: list[str] = []
    for name, field in spec.filters.items():
        if field.kind is FilterKind.TIMESTAMP:
            keys.extend(f"{name}_{operator}" for operator in TIMESTAMP_OPERATORS)
        elif field.kind is FilterKind.COUNTRY_SET:
            keys.append(f"{name}_{OVERLAP_OPERATOR}")
        else:
            keys.append(name)
    return keys


def _field_of_key(key: str, spec: ResourceListSpec) -> FieldSpec:
    name, _, operator = key.rpartition("_")
    if name in spec.filters:
        field = spec.filters[name]
        if field.kind is FilterKind.TIMESTAMP and operator in TIMESTAMP_OPERATORS:
            return field
        if field.kind is FilterKind.COUNTRY_SET and operator == OVERLAP_OPERATOR:
            return field
    field_without_operator = spec.filters.get(key)
    needs_operator = (FilterKind.TIMESTAMP, FilterKind.COUNTRY_SET)
    if field_without_operator is not None and field_without_operator.kind not in needs_operator:
        return field_without_operator
    raise ValueError(
        f"unknown filter key {key!r} for {spec.resource}; "
        f"accepted keys are: {', '.join(filter_keys(spec))}."
    )


def _check_value(value: str, field: FieldSpec) -> None:
    """Raise ``ValueError`` when ``value`` cannot be valid for ``field``."""
    if field.kind is FilterKind.ID and _UUID_PATTERN.fullmatch(value) is None:
        raise ValueError(f"{value!r} is not a UUID such as {uuid.UUID(int=0)}.")
    if field.kind in (FilterKind.COUNTRY, FilterKind.COUNTRY_SET):
        if len(value) != 2 or pycountry.countries.get(alpha_2=value.upper()) is None:
            raise ValueError(
                f"{value!r} is not an assigned ISO 3166-1 alpha-2 country code such as 'us'."
            )
    if field.kind is FilterKind.ENUM and field.choices and value not in field.choices:
        accepted = ", ".join(field.choices)
        same_letters = [choice for choice in field.choices if choice.lower() == value.lower()]
        hint = (
            f" Values are case-sensitive: did you mean {same_letters[0]!r}?" if same_letters else ""
        )
        raise ValueError(f"{value!r} is not one of {accepted}.{hint}")
    if field.kind is FilterKind.TIMESTAMP:
        _check_bound(value)


def _check_bound(value: str) -> None:
    example = "use a date such as 2026-03-01 or a timestamp such as 2026-03-01T12:00:00Z."
    if _BOUND_PATTERN.fullmatch(value) is None:
        raise ValueError(f"{value!r} is not a date or timestamp; {example}")
    try:
        dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a valid date or time ({exc}); {example}") from exc


def _split_values(raw: str, field: FieldSpec) -> list[str]:
    if not field.list_allowed:
        return [raw]
    values = [item.strip() for item in raw.split(LIST_SEPARATOR)]
    if len(values) > 1 and "" in values:
        raise ValueError(f"{raw!r} has an empty item; separate values with single commas.")
    return values


def _merge(filters: dict[str, Any], key: str, values: list[str], field: FieldSpec) -> None:
    if key not in filters:
        filters[key] = values[0] if len(values) == 1 else values
        return
    if not field.list_allowed:
        raise ValueError("the key is given twice, but it takes one value.")
    old = filters[key]
    merged = (old if isinstance(old, list) else [old]) + values
    filters[key] = list(dict.fromkeys(merged))


def parse_filters(
    items: Sequence[str], filter_json: str | None, resource: str
) -> dict[str, Any] | None:
    """Build the ``filter`` object from ``--filter`` items and ``--filter-json``.

    A comma-separated value becomes a JSON array for keys that take several values,
    and a key given twice adds its values. Returns None when no filter was given.
    Raises ``CLIError`` naming the first item that cannot be valid.
    """
    spec = list_spec(resource)
    filters: dict[str, Any] = {}
    for item in items:
        key, separator, raw = item.partition("=")
        key = key.strip()
        try:
            if not separator or not key:
                raise ValueError("use KEY=VALUE, such as name=ACME or state=Active,Suspended.")
            field = _field_of_key(key, spec)
            values = _split_values(raw.strip(), field)
            for value in values:
                _check_value(value, field)
            _merge(filters, key, values, field)
        except ValueError as exc:
            raise CLIError(f"Invalid --filter {item!r}: {exc}") from exc

    if filter_json is not None:
        for key, value in _parse_filter_json(filter_json).items():
            if key in filters:
                raise CLIError(
                    f"Invalid --filter-json: the key {key!r} is also given with --filter; "
                    "give each key once."
                )
            filters[key] = value
    return filters or None


def _parse_filter_json(text: str) -> dict[str, Any]:
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CLIError(
            f"Invalid --filter-json: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from exc
    if not isinstance(parsed, dict):
        raise CLIError(
            'Invalid --filter-json: expected a JSON object such as {"state": ["Active"]}.'
        )
    return parsed


def parse_sort(value: str | None, resource: str) -> tuple[str, str] | None:
    """Turn ``FIELD`` or ``FIELD:asc|desc`` into ``(field, "ASC"|"DESC")``."""
    if value is None:
        return None
    field, _, direction = value.partition(":")
    field = field.strip()
    direction = (direction.strip() or "asc").upper()
    fields = list_spec(resource).sort_fields
    if field not in fields:
        raise CLIError(
            f"Invalid --sort {value!r}: unknown field {field!r}; "
            f"sort {resource} by one of {', '.join(fields)}."
        )
    if direction not in ("ASC", "DESC"):
        raise CLIError(f"Invalid --sort {value!r}: the direction must be asc or desc.")
    return field, direction


def describe_filter_keys(resource: str) -> str:
    """Return the ``--filter`` keys of ``resource`` for help text, those that take a comma
    list first."""
    spec = list_spec(resource)
    keys = filter_keys(spec)
    lists = [key for key in keys if _field_of_key(key, spec).list_allowed]
    single = [key for key in keys if key not in lists]
    return f"comma lists allowed: {', '.join(lists)}; one value: {', '.join(single)}"
