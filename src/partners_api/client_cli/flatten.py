"""Flattening of the API's nested JSON objects into dotted columns for CSV and tables."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

# Separator of the items of a list of plain values in one cell, such as countryIds.
# The CSV import splits list columns at the same character.
LIST_JOINER = "|"
# Separator of the items of a list inside the items of a list of objects, such as the
# roles of each member.
NESTED_LIST_JOINER = ","


def format_cell(value: object) -> str:
    """Render one plain JSON value as cell text: null is empty, booleans are lower case."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _is_plain(value: object) -> bool:
    return not isinstance(value, dict | list)


def flatten(obj: Mapping[str, Any], *, index_lists: bool = False) -> dict[str, str]:
    """Flatten a JSON object into ``{dotted path: cell text}``.

    Nested objects become dotted paths (``contactData.public.email``). A list of plain
    values is one cell joined by ``|`` (``countryIds``). A list of objects gets one
    column per field of its items (``contactData.members.email``). Its cell joins the
    items' values with ``|`` in list order, and a plain list inside an item joins with
    ``,``. Every row of a CSV file then has the same columns, whatever the length
    of its lists. With ``index_lists`` a list of objects gets a path per item instead
    (``contactData.members.0.email``), which suits the fields of one object.
    An empty object or a null gives one empty cell under its own path.
    """
    cells: dict[str, str] = {}
    _flatten_into(cells, "", obj, index_lists=index_lists)
    return cells


def _join_object_list(cells: dict[str, str], path: str, items: list[Any]) -> None:
    flattened = [_flatten_item(item) for item in items]
    fields: dict[str, None] = {}
    for item in flattened:
        fields.update(dict.fromkeys(item))
    for field in fields:
        cells[f"{path}.{field}"] = LIST_JOINER.join(item.get(field, "") for item in flattened)


def _flatten_item(item: object) -> dict[str, str]:
    """Flatten one item of a list of objects; its own lists join with ``,``, or become
    compact JSON when they contain objects."""
    if not isinstance(item, dict):
        return {"": format_cell(item)}
    cells: dict[str, str] = {}
    for key, value in _walk(item, ""):
        if isinstance(value, list):
            if all(_is_plain(element) for element in value):
                cells[key] = NESTED_LIST_JOINER.join(format_cell(element) for element in value)
            else:
                cells[key] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        else:
            cells[key] = format_cell(value)
    return cells


def _walk(value: Mapping[str, Any], prefix: str) -> list[tuple[str, object]]:
    pairs: list[tuple[str, object]] = []
    for key, item in value.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(item, dict) and item:
            pairs.extend(_walk(item, path))
        elif isinstance(item, dict):
            pairs.append((path, None))
        else:
            pairs.append((path, item))
    return pairs


def _flatten_into(cells: dict[str, str], path: str, value: object, *, index_lists: bool) -> None:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            _flatten_into(cells, child, item, index_lists=index_lists)
        return
    if isinstance(value, list):
        if all(_is_plain(item) for item in value):
            cells[path] = LIST_JOINER.join(format_cell(item) for item in value)
        elif index_lists:
            for index, item in enumerate(value):
                _flatten_into(cells, f"{path}.{index}", item, index_lists=True)
        elif all(isinstance(item, dict) for item in value):
            _join_object_list(cells, path, value)
        else:
            cells[path] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return
    if isinstance(value, dict):
        cells[path] = ""
        return
    cells[path] = format_cell(value)


def value_at(obj: Mapping[str, Any], path: str) -> object:
    """Return the value at a dotted path such as ``contactData.members.0.email``, or None
    when a step is missing."""
    current: object = obj
    for part in path.split("."):
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
    return current
