"""Reusable string types for request bodies, as pydantic ``Annotated`` types.

Each type accepts only a JSON string (strict mode, so no number-to-string coercion) and
raises ``ValueError`` with a message written for the API user: what is wrong with the
value and how to fix it. That message becomes the field's entry in a 422 response.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
import uuid
import zoneinfo
from collections.abc import Sequence
from functools import cache
from typing import Annotated

import email_validator
import phonenumbers
import pycountry
import pydantic
from pydantic import AfterValidator, Strict

EMAIL_MAX_LENGTH = 254  # the RFC 5321 limit on a forward path, minus the angle brackets
PHONE_MAX_LENGTH = 40
URL_MAX_LENGTH = 2048
NAME_MAX_LENGTH = 200
CODE_MIN_LENGTH = 2
CODE_MAX_LENGTH = 63

# Longer values are cut when a message quotes them, so that an error stays readable.
_QUOTE_MAX_LENGTH = 60

_CODE_PATTERN = re.compile(r"[a-z0-9-]{2,63}")
_UUID_PATTERN = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_NOT_SLUG_CHARS = re.compile(r"[^a-z0-9]+")
# Control characters (Cc), unpaired surrogates (Cs), and the Unicode line and paragraph
# separators, which break a value into lines just as a newline does.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
# Files of the system zoneinfo folder that are not zone names: "localtime" would follow
# the server's own setting.
_NOT_ZONE_NAMES = frozenset({"localtime", "posixrules"})


def quote_value(value: str) -> str:
    """Quote ``value`` for an error message, escaping control characters and cutting it
    to 60 characters."""
    if len(value) > _QUOTE_MAX_LENGTH:
        value = value[:_QUOTE_MAX_LENGTH] + "…"
    return repr(value)


def find_forbidden_char(value: str) -> str | None:
    """Return the first control character, unpaired surrogate or line separator in
    ``value``, or None when it has none."""
    for char in value:
        if unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
            return char
    return None


def _reject_forbidden_chars(value: str, value_kind: str) -> None:
    char = find_forbidden_char(value)
    if char is not None:
        raise ValueError(
            f"{quote_value(value)} contains the control character U+{ord(char):04X}, "
            f"which is not allowed in {value_kind}; remove it."
        )


def _validate_email(value: str) -> str:
    address = value.strip()
    _reject_forbidden_chars(address, "an email address")
    if len(address) > EMAIL_MAX_LENGTH:
        raise ValueError(
            f"The email address is {len(address)} characters long; use at most {EMAIL_MAX_LENGTH}."
        )
    try:
        email_validator.validate_email(address, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        raise ValueError(
            f"{quote_value(address)} is not a valid email address. {exc} "
            "Use the form 'name@example.com'."
        ) from None
    return address


def _validate_country_id(value: str) -> str:
    if len(value) != 2 or not value.isascii() or not value.isalpha():
        raise ValueError(
            f"{quote_value(value)} is not an ISO 3166-1 alpha-2 country code; "
            "use two letters such as 'us'."
        )
    if pycountry.countries.get(alpha_2=value.upper()) is None:
        suggestion = _COMMON_COUNTRY_MISTAKES.get(value.lower())
        hint = f"use {quote_value(suggestion)}" if suggestion else "use a code such as 'us' or 'ca'"
        raise ValueError(
            f"{quote_value(value)} is not an assigned ISO 3166-1 alpha-2 country code; {hint}."
        )
    return value.lower()


# Codes people often send that ISO 3166-1 reserves or does not assign.
_COMMON_COUNTRY_MISTAKES = {"uk": "gb", "el": "gr", "en": "gb"}


def _validate_language_id(value: str) -> str:
    if len(value) != 2 or not value.isascii() or not value.isalpha():
        raise ValueError(
            f"{quote_value(value)} is not an ISO 639-1 language code; use two letters such as 'en'."
        )
    if pycountry.languages.get(alpha_2=value.lower()) is None:
        raise ValueError(
            f"{quote_value(value)} is not an assigned ISO 639-1 language code; "
            "use a code such as 'en' or 'es'."
        )
    return value.lower()


@cache
def _time_zones_by_lower_name() -> dict[str, str]:
    """Map each IANA time zone name, in lower case, to its exact spelling."""
    names = zoneinfo.available_timezones() - _NOT_ZONE_NAMES
    return {name.lower(): name for name in names}


def _validate_time_zone_id(value: str) -> str:
    spelling = _time_zones_by_lower_name().get(value.lower())
    if spelling == value:
        return value
    if spelling is not None:
        raise ValueError(
            f"{quote_value(value)} is not spelled as in the IANA time zone database; "
            f"time zone names are case-sensitive, so use {spelling!r}."
        )
    raise ValueError(
        f"{quote_value(value)} is not an IANA time zone name; "
        "use a name such as 'UTC', 'America/New_York' or 'US/Eastern'."
    )


def _validate_phone_number(value: str) -> str:
    number = value.strip()
    _reject_forbidden_chars(number, "a phone number")
    if len(number) > PHONE_MAX_LENGTH:
        raise ValueError(
            f"The phone number is {len(number)} characters long; use at most {PHONE_MAX_LENGTH}."
        )
    advice = (
        "write it in international form, '+' and the country code first, such as '+1 234 555 0000'."
    )
    if not number.startswith("+"):
        raise ValueError(f"{quote_value(number)} does not start with '+'; {advice}")
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        raise ValueError(f"{quote_value(number)} is not a phone number; {advice}") from None
    if not phonenumbers.is_possible_number(parsed):
        raise ValueError(
            f"{quote_value(number)} is not a possible phone number: it has too many or too "
            f"few digits for its country code; {advice}"
        )
    return number


# Pydantic's URL parser (the Rust url crate) catches what urlsplit lets through, such as
# an invalid port, IPv6 address or international domain name. It never opens a connection.
_http_url_adapter: pydantic.TypeAdapter[pydantic.AnyHttpUrl] = pydantic.TypeAdapter(
    pydantic.AnyHttpUrl
)


def _validate_web_url(value: str) -> str:
    _reject_forbidden_chars(value, "a URL")
    if len(value) > URL_MAX_LENGTH:
        raise ValueError(f"The URL is {len(value)} characters long; use at most {URL_MAX_LENGTH}.")
    if any(char.isspace() for char in value):
        raise ValueError(
            f"{quote_value(value)} contains whitespace, which a URL cannot contain; "
            "remove it, or encode a space inside the URL as '%20'."
        )
    example = "such as 'https://partner.example.com'"
    try:
        parts = urllib.parse.urlsplit(value)
        host = parts.hostname
        has_user_info = parts.username is not None or parts.password is not None
    except ValueError as exc:
        raise ValueError(f"{quote_value(value)} is not a valid URL: {exc}.") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(
            f"{quote_value(value)} is not an absolute http or https URL; "
            f"start it with 'https://', {example}."
        )
    if not host:
        raise ValueError(f"{quote_value(value)} has no host name; use a full URL {example}.")
    if has_user_info:
        raise ValueError(
            f"{quote_value(value)} contains a user name or password; remove the "
            "'user:password@' part in front of the host."
        )
    try:
        _http_url_adapter.validate_python(value)
    except pydantic.ValidationError as exc:
        reason = exc.errors()[0].get("ctx", {}).get("error", "invalid syntax")
        raise ValueError(
            f"{quote_value(value)} is not a valid URL ({reason}); use a URL {example}."
        ) from None
    return value


def _validate_account_code(value: str) -> str:
    if _CODE_PATTERN.fullmatch(value) is None:
        raise ValueError(
            f"{quote_value(value)} is not a valid code; a code has {CODE_MIN_LENGTH} to "
            f"{CODE_MAX_LENGTH} characters, each a lower-case letter a-z, a digit or a "
            "hyphen, such as 'example-partner'."
        )
    return value


def _validate_display_name(value: str) -> str:
    name = value.strip()
    if not name:
        raise ValueError("The name is empty; provide at least one character other than spaces.")
    _reject_forbidden_chars(name, "a name")
    if len(name) > NAME_MAX_LENGTH:
        raise ValueError(f"The name is {len(name)} characters long; use at most {NAME_MAX_LENGTH}.")
    return name


def _validate_entity_id(value: str) -> str:
    if _UUID_PATTERN.fullmatch(value) is None:
        raise ValueError(
            f"{quote_value(value)} is not a valid id; "
            "ids are UUIDs such as '019cea04-b002-7271-be0b-3fdbbc483ab9'."
        )
    return str(uuid.UUID(value))


EmailAddress = Annotated[str, Strict(), AfterValidator(_validate_email)]
"""Email address, syntax checked without DNS, returned as sent minus surrounding whitespace."""

CountryId = Annotated[str, Strict(), AfterValidator(_validate_country_id)]
"""ISO 3166-1 alpha-2 country code in either case, returned in lower case."""

LanguageId = Annotated[str, Strict(), AfterValidator(_validate_language_id)]
"""ISO 639-1 language code in either case, returned in lower case."""

TimeZoneId = Annotated[str, Strict(), AfterValidator(_validate_time_zone_id)]
"""IANA time zone name spelled exactly as in the tz database, such as 'US/Eastern'."""

PhoneNumber = Annotated[str, Strict(), AfterValidator(_validate_phone_number)]
"""Possible phone number in international form ('+' first), returned as sent minus
surrounding whitespace."""

WebUrl = Annotated[str, Strict(), AfterValidator(_validate_web_url)]
"""Absolute http or https URL with a host and no user name or password, returned as sent."""

AccountCode = Annotated[str, Strict(), AfterValidator(_validate_account_code)]
"""Code of 2 to 63 lower-case letters, digits and hyphens."""

DisplayName = Annotated[str, Strict(), AfterValidator(_validate_display_name)]
"""Name of a person, partner or customer: 1 to 200 characters after trimming surrounding
whitespace, with no control characters."""

PersonName = DisplayName
"""First or last name of a person, with the rules of ``DisplayName``."""

EntityId = Annotated[str, Strict(), AfterValidator(_validate_entity_id)]
"""UUID in 36-character hyphenated form in either case, returned in canonical lower case."""


def slugify_code(name: str) -> str | None:
    """Derive a default account code from a partner name, or return None when the name
    has fewer than 2 ASCII letters and digits to build one from.

    Accents are folded to ASCII, letters are lowered, every run of other characters
    becomes one hyphen, and the result is cut to 63 characters with no hyphen at
    either end.
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG_CHARS.sub("-", folded.lower()).strip("-")
    slug = slug[:CODE_MAX_LENGTH].rstrip("-")
    if len(slug) < CODE_MIN_LENGTH:
        return None
    return slug


def name_key(name: str) -> str:
    """Return the form of a name that sorting and the name filter compare.

    Case-folded and NFC-normalised, so 'ÉCOLE', 'école' and 'e' + combining acute + 'cole'
    compare equal on both databases.
    """
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def check_partner_level(level: str, levels: Sequence[str]) -> str:
    """Return ``level`` if it is one of the configured ``levels``, else raise ``ValueError``."""
    if level in levels:
        return level
    accepted = ", ".join(levels)
    for choice in levels:
        if choice.casefold() == level.casefold():
            raise ValueError(
                f"Invalid level {quote_value(level)}; levels are case-sensitive, "
                f"use {quote_value(choice)}. Accepted levels are: {accepted}."
            )
    raise ValueError(f"Invalid level {quote_value(level)}; accepted levels are: {accepted}.")
