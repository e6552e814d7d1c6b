"""The error of one invalid list parameter, and helpers that word its message."""

from __future__ import annotations

import orjson

# Values are quoted in messages up to this many characters, so a huge value does not
# flood the error body.
_MAX_QUOTED_LENGTH = 60


class InvalidParameter(Exception):
    """One problem with a list parameter: the error path and its message."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def quote(value: str) -> str:
    if len(value) > _MAX_QUOTED_LENGTH:
        return repr(value[:_MAX_QUOTED_LENGTH] + "...")
    return repr(value)


def describe_type(value: object) -> str:
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


def load_json(name: str, text: str) -> object:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise InvalidParameter(name, f"Invalid JSON in the {name} parameter: {exc}.") from exc
