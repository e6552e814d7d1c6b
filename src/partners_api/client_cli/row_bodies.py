"""Turning CSV rows into request bodies and checking them with the server's own models.

A column is a body field, dotted for nested objects (``contactData.email``,
``logo.maxHeight``). An empty cell leaves its field out, so the field takes its
default. A list field such as ``countryIds`` has its items separated by ``|``.
Every row is checked with the request models and messages of
``partners_api.domain.schemas``, so that a row that passes here fails on the server
only for what needs the database: an email or code in use, or an unknown partner.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from partners_api.client_cli.csv_input import CsvFile, CsvRow
from partners_api.client_cli.errors import CLIError
from partners_api.domain.schemas import parse_body
from partners_api.exceptions import ValidationError

DEFAULT_LIST_SEPARATOR = "|"
# Field path of an error about the row as a whole rather than one of its cells.
ROW_FIELD = "row"
_INTEGER = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class BodyColumn:
    """A column that sets a body field: the field's dotted path and its JSON type."""

    path: tuple[str, ...]
    json_type: str  # "string", "integer" or "array"
    required: bool  # required in the body, whatever the other fields

    @property
    def name(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class RowError:
    """An invalid field of one row, reported as ``line 7, email: ...``."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


@dataclass(frozen=True)
class RowBody:
    """A valid row and the request body built from it."""

    row: CsvRow
    body: dict[str, Any]


def _concrete_schema(
    schema: Mapping[str, Any], definitions: Mapping[str, Any]
) -> Mapping[str, Any]:
    """Resolve ``$ref`` and drop the null member of ``anyOf``, as in ``LogoIn | None``."""
    if "anyOf" in schema:
        members = [member for member in schema["anyOf"] if member.get("type") != "null"]
        if len(members) == 1:
            schema = members[0]
    reference = schema.get("$ref")
    if isinstance(reference, str):
        schema = definitions[reference.rsplit("/", 1)[-1]]
    return schema


def body_columns(model: type[BaseModel]) -> dict[str, BodyColumn]:
    """Return every column that a CSV file of ``model`` bodies may have, by dotted name."""
    schema = model.model_json_schema()
    definitions = schema.get("$defs", {})
    columns: dict[str, BodyColumn] = {}

    def collect(object_schema: Mapping[str, Any], prefix: tuple[str, ...]) -> None:
        required = set(object_schema.get("required", ()))
        for name, field_schema in object_schema.get("properties", {}).items():
            path = (*prefix, name)
            concrete = _concrete_schema(field_schema, definitions)
            if concrete.get("type") == "object" and "properties" in concrete:
                collect(concrete, path)
                continue
            json_type = concrete.get("type")
            kind = json_type if json_type in ("integer", "array") else "string"
            column = BodyColumn(path=path, json_type=kind, required=not prefix and name in required)
            columns[column.name] = column

    collect(schema, ())
    return columns


def check_header(
    csv_file: CsvFile, columns: Mapping[str, BodyColumn], provided: Sequence[str]
) -> None:
    """Raise ``CLIError`` naming every unknown column and every missing required one.

    ``provided`` are fields that an option sets when the file has no column for them.
    """
    problems: list[str] = []
    by_lower_name = {name.lower(): name for name in columns}
    for name in csv_file.header:
        if name in columns:
            continue
        suggestion = by_lower_name.get(name.lower())
        hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
        problems.append(f"unknown column {name!r}{hint}")
    for column in columns.values():
        if column.required and column.name not in csv_file.header and column.name not in provided:
            problems.append(f"missing required column {column.name!r}")
    if problems:
        raise CLIError(
            f"The header row of {csv_file.path} is invalid: {'; '.join(problems)}. "
            f"Accepted columns are: {', '.join(columns)}."
        )


def _cell_value(text: str, column: BodyColumn, list_separator: str) -> object:
    if column.json_type == "array":
        return [item.strip() for item in text.split(list_separator) if item.strip()]
    if column.json_type == "integer":
        if _INTEGER.fullmatch(text) is None:
            raise ValueError(f"{text!r} is not a whole number; write digits only, such as 60.")
        return int(text)
    return text


def _set_path(body: dict[str, Any], path: tuple[str, ...], value: object) -> None:
    target = body
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def build_body(
    header: Sequence[str],
    row: CsvRow,
    columns: Mapping[str, BodyColumn],
    *,
    defaults: Mapping[str, str],
    list_separator: str,
) -> tuple[dict[str, Any], list[RowError]]:
    """Build the body of ``row``; return it with the errors of cells of the wrong type.

    ``defaults`` fill fields whose cell is empty or whose column is absent.
    """
    body: dict[str, Any] = {}
    errors: list[RowError] = []
    if row.extra_cells:
        errors.append(
            RowError(
                row.line,
                ROW_FIELD,
                f"the row has {len(header) + row.extra_cells} cells, but the header has "
                f"{len(header)} columns; quote cells that contain the delimiter.",
            )
        )
    cells = dict(zip(header, row.cells, strict=True))
    for name, default in defaults.items():
        if not cells.get(name, "").strip():
            cells[name] = default
    for name, cell in cells.items():
        text = cell.strip()
        if not text:
            continue
        column = columns[name]
        try:
            _set_path(body, column.path, _cell_value(text, column, list_separator))
        except ValueError as exc:
            errors.append(RowError(row.line, name, str(exc)))
    return body, errors


def _duplicate_errors(
    bodies: Sequence[tuple[CsvRow, dict[str, Any]]], unique_fields: Sequence[str]
) -> list[RowError]:
    errors: list[RowError] = []
    for field in unique_fields:
        first_line: dict[str, int] = {}
        for row, body in bodies:
            value = body.get(field)
            if not isinstance(value, str):
                continue
            key = value.strip().casefold()
            if key in first_line:
                errors.append(
                    RowError(
                        row.line,
                        field,
                        f"{value!r} is also on line {first_line[key]}; "
                        f"each {field} may be used once.",
                    )
                )
            else:
                first_line[key] = row.line
    return errors


def validate_rows(
    csv_file: CsvFile,
    model: type[BaseModel],
    *,
    defaults: Mapping[str, str],
    list_separator: str,
    unique_fields: Sequence[str],
) -> tuple[list[RowBody], list[RowError]]:
    """Build and check the body of every row.

    Returns the valid rows with their bodies, and the errors of all rows sorted by line.
    ``unique_fields`` are fields whose values must differ between rows, ignoring case,
    because the server accepts each value once.
    """
    columns = body_columns(model)
    check_header(csv_file, columns, provided=list(defaults))
    errors: list[RowError] = []
    built: list[tuple[CsvRow, dict[str, Any]]] = []
    for row in csv_file.rows:
        body, cell_errors = build_body(
            csv_file.header, row, columns, defaults=defaults, list_separator=list_separator
        )
        errors.extend(cell_errors)
        failed_fields = {error.field for error in cell_errors}
        try:
            parse_body(model, body)
        except ValidationError as exc:
            errors.extend(
                RowError(row.line, field, message)
                for field, message in exc.errors.items()
                if field not in failed_fields
            )
            continue
        if not cell_errors:
            built.append((row, body))

    duplicates = _duplicate_errors(built, unique_fields)
    errors.extend(duplicates)
    duplicate_lines = {error.line for error in duplicates}
    valid = [RowBody(row, body) for row, body in built if row.line not in duplicate_lines]
    errors.sort(key=lambda error: error.line)
    return valid, errors
