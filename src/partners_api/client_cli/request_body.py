"""The body of a ``create`` command, from ``--json``, ``--json-file`` and field options."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO, Any

from partners_api.client_cli.errors import CLIError
from partners_api.client_cli.resources import Resource
from partners_api.domain.schemas import parse_body
from partners_api.exceptions import ValidationError as BodyValidationError


def _parse_json(text: str, source: str) -> dict[str, Any]:
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CLIError(
            f"Invalid JSON in {source}: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from exc
    if not isinstance(parsed, dict):
        raise CLIError(
            f'Invalid body in {source}: expected a JSON object such as {{"email": ...}}.'
        )
    return parsed


def _set_field(body: dict[str, Any], path: str, value: object) -> None:
    parts = path.split(".")
    target = body
    for part in parts[:-1]:
        nested = target.get(part)
        if not isinstance(nested, dict):
            nested = {}
            target[part] = nested
        target = nested
    target[parts[-1]] = value


def build_create_body(
    resource: Resource,
    json_text: str | None,
    json_file: IO[str] | None,
    field_values: Mapping[str, Any],
) -> dict[str, Any]:
    """Merge the JSON body and the field options, which win over the JSON's fields.

    Raises ``CLIError`` when there is no body at all or the JSON is not an object.
    """
    if json_text is not None and json_file is not None:
        raise CLIError("Give the body with --json or with --json-file, not both.")
    body: dict[str, Any] = {}
    if json_text is not None:
        body = _parse_json(json_text, "--json")
    elif json_file is not None:
        body = _parse_json(json_file.read(), f"--json-file {json_file.name}")

    given_options = 0
    for option in resource.field_options:
        value = field_values.get(option.parameter)
        if value is None or value == ():
            continue
        given_options += 1
        _set_field(body, option.field, list(value) if option.multiple else value)

    if json_text is None and json_file is None and given_options == 0:
        raise CLIError(
            f"No {resource.singular} body: give it with --json, --json-file or the field "
            f"options. See 'partners {resource.name} create --help'."
        )
    return body


def check_create_body(resource: Resource, body: Mapping[str, Any]) -> None:
    """Check ``body`` with the server's request model; raise ``CLIError`` listing every
    invalid field. Partner levels are left to the server, whose settings define them."""
    try:
        parse_body(resource.request_model, dict(body))
    except BodyValidationError as exc:
        fields = " ".join(f"{field}: {message}" for field, message in exc.errors.items())
        raise CLIError(f"Invalid {resource.singular} body, nothing was sent. {fields}") from exc
