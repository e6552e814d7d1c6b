"""The ``Prefer`` request header of RFC 7240, and the ``count`` preference of list requests.

Grammar of RFC 7240, section 2::

    Prefer     = 1#preference
    preference = token [ BWS "=" BWS word ] *( OWS ";" [ OWS parameter ] )
    parameter  = token [ BWS "=" BWS word ]
    word       = token / quoted-string

Several ``Prefer`` fields count as one comma-separated list. Preference and parameter
names compare case-insensitively, values case-sensitively, and an empty value is the same
as no value. Only the first occurrence of a preference counts. A server ignores
preferences it does not know, and elements that do not parse are ignored here as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from partners_api.domain.listing import CountMode

# tchar of RFC 9110, section 5.6.2.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# quoted-string of RFC 9110, section 5.6.4: a backslash escapes the character after it.
_QUOTED_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"', re.DOTALL)
_QUOTED_PAIR = re.compile(r"\\(.)", re.DOTALL)
_WHITESPACE = " \t"
COUNT_PREFERENCE = "count"


@dataclass(frozen=True)
class Preference:
    """One preference of a ``Prefer`` header: its name in lower case, value and parameters."""

    name: str
    value: str | None
    parameters: tuple[tuple[str, str | None], ...] = ()


def parse_prefer(field_values: Iterable[str]) -> dict[str, Preference]:
    """Parse the values of every ``Prefer`` field of a request, keyed by lower-case name."""
    preferences: dict[str, Preference] = {}
    for field_value in field_values:
        for element in _split_unquoted(field_value, ","):
            preference = _parse_element(element)
            if preference is not None and preference.name not in preferences:
                preferences[preference.name] = preference
    return preferences


def requested_count_mode(field_values: Iterable[str] | None) -> CountMode | None:
    """Return the count method that a ``Prefer: count=...`` preference names.

    Returns None when there is no count preference or its value is not ``exact``,
    ``planned`` or ``none`` (compared case-sensitively, as RFC 7240 compares values).
    """
    preference = parse_prefer(field_values or ()).get(COUNT_PREFERENCE)
    if preference is None or preference.value is None:
        return None
    try:
        return CountMode(preference.value)
    except ValueError:
        return None


def _split_unquoted(text: str, separator: str) -> list[str]:
    """Split ``text`` at each ``separator`` that is not inside a quoted-string."""
    parts: list[str] = []
    current: list[str] = []
    in_quotes = False
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif in_quotes and char == "\\":
            escaped = True
        elif char == '"':
            in_quotes = not in_quotes
        elif char == separator and not in_quotes:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _parse_element(element: str) -> Preference | None:
    """Parse one list element, or return None for an empty or malformed one."""
    if not element.strip(_WHITESPACE):
        return None
    head, *parameter_texts = _split_unquoted(element, ";")
    head_pair = _parse_pair(head)
    if head_pair is None:
        return None
    parameters: list[tuple[str, str | None]] = []
    for text in parameter_texts:
        # RFC 7240 allows an empty parameter after a ";", as in "foo; ;bar".
        if not text.strip(_WHITESPACE):
            continue
        pair = _parse_pair(text)
        if pair is None:
            return None
        parameters.append(pair)
    name, value = head_pair
    return Preference(name, value, tuple(parameters))


def _parse_pair(text: str) -> tuple[str, str | None] | None:
    """Parse ``token [ "=" word ]`` into the lower-case name and the value, or return None."""
    name, has_value, raw_value = text.partition("=")
    name = name.strip(_WHITESPACE)
    if not _TOKEN.fullmatch(name):
        return None
    if not has_value:
        return name.lower(), None
    value = _parse_word(raw_value.strip(_WHITESPACE))
    if value is None:
        return None
    # An empty value, quoted or not, is the same as no value.
    return name.lower(), value or None


def _parse_word(text: str) -> str | None:
    """Return the value of a token or quoted-string, or None if ``text`` is neither."""
    if text == "" or _TOKEN.fullmatch(text):
        return text
    quoted = _QUOTED_STRING.fullmatch(text)
    if quoted is None:
        return None
    return _QUOTED_PAIR.sub(r"\1", quoted.group(1))
