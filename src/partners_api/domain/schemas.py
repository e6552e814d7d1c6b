"""Request bodies of ``POST /partners`` and ``POST /customers``, and the translation of
pydantic's errors into the API's per-field messages."""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeVar

import pydantic
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from partners_api.domain.fields import (
    AccountCode,
    CountryId,
    DisplayName,
    EmailAddress,
    EntityId,
    LanguageId,
    PersonName,
    PhoneNumber,
    TimeZoneId,
    WebUrl,
    check_partner_level,
    find_forbidden_char,
    quote_value,
)
from partners_api.exceptions import ValidationError

LEVEL_MAX_LENGTH = 50
LOGO_FILE_MAX_LENGTH = 255
LOGO_MAX_HEIGHT = 1000
COUNTRY_IDS_MAX_ITEMS = 250

ModelT = TypeVar("ModelT", bound=BaseModel)
# Key of the validation context that carries the configured partner levels.
PARTNER_LEVELS_CONTEXT = "partner_levels"


def _validate_level(value: str) -> str:
    if not value:
        raise ValueError("The level is empty; provide a partner level such as 'Basic'.")
    if len(value) > LEVEL_MAX_LENGTH:
        raise ValueError(
            f"The level is {len(value)} characters long; use at most {LEVEL_MAX_LENGTH}."
        )
    char = find_forbidden_char(value)
    if char is not None:
        raise ValueError(
            f"{quote_value(value)} contains the control character U+{ord(char):04X}; remove it."
        )
    return value


def _validate_logo_file(value: str) -> str:
    if not value:
        raise ValueError("The logo file name is empty; provide a name such as 'logo.png'.")
    if len(value) > LOGO_FILE_MAX_LENGTH:
        raise ValueError(
            f"The logo file name is {len(value)} characters long; "
            f"use at most {LOGO_FILE_MAX_LENGTH}."
        )
    char = find_forbidden_char(value)
    if char is not None:
        raise ValueError(
            f"{quote_value(value)} contains the control character U+{ord(char):04X}; remove it."
        )
    # A name that is a folder reference or contains a separator could point outside the
    # folder that the logos are stored in.
    if "/" in value or "\\" in value or value in (".", ".."):
        raise ValueError(
            f"{quote_value(value)} is not a plain file name; remove the folder part "
            "and send only a name such as 'logo.png'."
        )
    return value


def _remove_duplicates(country_ids: list[str]) -> list[str]:
    return list(dict.fromkeys(country_ids))


PartnerLevel = Annotated[str, Strict(), AfterValidator(_validate_level)]
LogoFileName = Annotated[str, Strict(), AfterValidator(_validate_logo_file)]
LogoHeight = Annotated[int, Strict(), Field(ge=1, le=LOGO_MAX_HEIGHT)]
CountryIdList = Annotated[
    list[CountryId], Field(max_length=COUNTRY_IDS_MAX_ITEMS), AfterValidator(_remove_duplicates)
]


class _RequestBody(BaseModel):
    """Base of the request bodies: JSON types only, no unknown fields, and an explicit
    null in an optional field counts as absent, so the field takes its default."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=False)

    @model_validator(mode="before")
    @classmethod
    def _drop_null_optional_fields(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        fields = cls.model_fields
        return {
            key: value
            for key, value in data.items()
            if value is not None or key not in fields or fields[key].is_required()
        }


class ContactDataIn(_RequestBody):
    """Public contact data of a partner."""

    web: WebUrl | None = None
    email: EmailAddress | None = None
    phone: PhoneNumber | None = None


class LogoIn(_RequestBody):
    """Logo of a partner: a file name and the maximum height to show it at."""

    file: LogoFileName
    maxHeight: LogoHeight | None = None


class PartnerCreate(_RequestBody):
    """Body of ``POST /partners``.

    ``level`` is checked against the configured levels when the validation context
    carries them as ``partner_levels`` (``parse_body(..., context=...)``). The service
    checks it again, and derives ``code`` from ``partnerName`` when it is absent.
    """

    email: EmailAddress
    firstName: PersonName
    lastName: PersonName
    partnerName: DisplayName
    type: Literal["Partner"] = "Partner"
    code: AccountCode | None = None
    level: PartnerLevel | None = None
    languageId: LanguageId = "en"
    timeZoneId: TimeZoneId = "UTC"
    countryIds: CountryIdList = Field(default_factory=list)
    contactData: ContactDataIn | None = None
    logo: LogoIn | None = None

    @field_validator("level")
    @classmethod
    def _check_configured_level(cls, value: str | None, info: ValidationInfo) -> str | None:
        levels = (info.context or {}).get(PARTNER_LEVELS_CONTEXT)
        if value is None or levels is None:
            return value
        return check_partner_level(value, levels)


class CustomerCreate(_RequestBody):
    """Body of ``POST /customers``."""

    customerName: DisplayName
    email: EmailAddress
    firstName: PersonName
    lastName: PersonName
    countryId: CountryId
    languageId: LanguageId = "en"
    timeZoneId: TimeZoneId = "UTC"
    websiteUrl: WebUrl | None = None
    phoneNumber: PhoneNumber | None = None
    partnerId: EntityId | None = None
    partnerMemberIdForCustomerSupport: EntityId | None = None


_EXPECTED_JSON_TYPES = {
    "string_type": "a string",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "bool_type": "a boolean",
    "list_type": "an array",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
}
# orjson reads integers from -2**63 to 2**64 - 1 as int and larger ones as float.
_LARGEST_JSON_INTEGER = 2**63
# Pydantic adds the names of schema steps, such as "function-after[...]" or the member
# of a union, to an error's location. Those are not fields of the body.
_SCHEMA_STEP_PATTERN = re.compile(r"[a-z][a-z0-9_-]*\[.*\]", re.DOTALL)
_UNION_MEMBER_TAGS = frozenset({"str", "int", "float", "bool", "list", "dict", "none"})


def describe_json_type(value: object) -> str:
    """Name the JSON type of a parsed JSON value with its article, such as 'an array'."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return f"a value of Python type {type(value).__name__}"


def _request_models() -> dict[str, type[BaseModel]]:
    models: dict[str, type[BaseModel]] = {}
    pending: list[type[BaseModel]] = [_RequestBody]
    while pending:
        model = pending.pop()
        models[model.__name__] = model
        pending.extend(model.__subclasses__())
    return models


def _models_in(annotation: object) -> list[type[BaseModel]]:
    """Find the model classes in a field annotation such as ``LogoIn | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for argument in typing.get_args(annotation):
        found.extend(_models_in(argument))
    return found


def _model_at(root: type[BaseModel] | None, path: list[str | int]) -> type[BaseModel] | None:
    """Follow ``path`` through the fields of ``root`` to the model found there, if any."""
    model = root
    for part in path:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        nested = _models_in(field.annotation)
        model = nested[0] if nested else None
    return model


def _clean_location(error: ErrorDetails) -> list[str | int]:
    location = list(error["loc"])
    # The last part of an unknown-field error is the client's key, kept whatever it is.
    keep_last = error["type"] == "extra_forbidden" and bool(location)
    cleaned: list[str | int] = []
    for index, part in enumerate(location):
        is_last = index == len(location) - 1
        is_schema_step = isinstance(part, str) and (
            _SCHEMA_STEP_PATTERN.fullmatch(part) is not None or part in _UNION_MEMBER_TAGS
        )
        if is_schema_step and not (keep_last and is_last):
            continue
        cleaned.append(part)
    return cleaned


def _describe_error(error: ErrorDetails, location: list[str | int], title: str) -> str:
    error_type = error["type"]
    value = error.get("input")
    context = error.get("ctx") or {}
    path = ".".join(str(part) for part in location)

    if error_type == "value_error" and "error" in context:
        return str(context["error"])
    if error_type == "missing":
        return f"Missing required field: provide {path}."
    if error_type == "extra_forbidden":
        name = str(location[-1]) if location else ""
        model = _model_at(_request_models().get(title), location[:-1])
        if model is None:
            return f"Unknown field {name!r}; remove it."
        accepted = ", ".join(
            field.alias or field_name for field_name, field in model.model_fields.items()
        )
        return f"Unknown field {name!r}; accepted fields are: {accepted}."
    if error_type in _EXPECTED_JSON_TYPES:
        expected = _EXPECTED_JSON_TYPES[error_type]
        if expected == "an integer" and isinstance(value, float):
            # orjson reads an integer beyond 64 bits as a float, so such a float was
            # most likely sent as an integer.
            if value.is_integer() and abs(value) >= _LARGEST_JSON_INTEGER:
                return f"The number {value:g} is too large; send an integer of at most 64 bits."
            return f"Expected an integer, got the decimal number {value!r}."
        return f"Expected {expected}, got {describe_json_type(value)}."
    if error_type == "literal_error":
        expected = context.get("expected", "")
        if not isinstance(value, str):
            return f"Expected the string {expected}, got {describe_json_type(value)}."
        return f"{quote_value(value)} is not accepted here; use {expected}."
    if error_type == "too_long":
        return (
            f"The array has {context.get('actual_length')} items; "
            f"send at most {context.get('max_length')}."
        )
    if error_type == "greater_than_equal":
        return f"{value!r} is too small; use a value of at least {context.get('ge')}."
    if error_type == "less_than_equal":
        return f"{value!r} is too large; use a value of at most {context.get('le')}."
    message = error["msg"].removeprefix("Value error, ")
    return message if message.endswith(".") else message + "."


def validation_errors(exc: pydantic.ValidationError) -> dict[str, str]:
    """Translate pydantic's errors into ``{path: message}`` for a 422 response.

    The path joins the field names and array indexes with dots, such as
    ``contactData.web`` or ``countryIds.1``, and is ``body`` for an error about the
    whole body. When a path has several errors, the first one is kept.
    """
    result: dict[str, str] = {}
    for error in exc.errors():
        location = _clean_location(error)
        path = ".".join(str(part) for part in location) or "body"
        if path not in result:
            result[path] = _describe_error(error, location, exc.title)
    return result


def parse_body(
    model: type[ModelT], data: object, context: Mapping[str, object] | None = None
) -> ModelT:
    """Validate a parsed JSON body against ``model``.

    Raises ``partners_api.exceptions.ValidationError`` with one message per invalid
    field, or with a ``body`` message when ``data`` is not a JSON object.
    """
    if not isinstance(data, dict):
        raise ValidationError({"body": f"Expected a JSON object, got {describe_json_type(data)}."})
    try:
        return model.model_validate(data, context=context)
    except pydantic.ValidationError as exc:
        raise ValidationError(validation_errors(exc)) from exc
