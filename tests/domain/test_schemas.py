from __future__ import annotations

import copy
from typing import Any

import orjson
import pydantic
import pytest

from partners_api.domain.schemas import (
    ContactDataIn,
    CustomerCreate,
    LogoIn,
    PartnerCreate,
    parse_body,
    validation_errors,
)
from partners_api.exceptions import ValidationError

# The request bodies of the API document, as the curl commands send them.
PARTNER_EXAMPLE_JSON = (
    b'{ "email": "john.doe@partner.example.com", "firstName": "John", "lastName": "Doe",'
    b' "partnerName": "Example Partner", "type": "Partner", "code": "example-partner",'
    b' "level": "Basic", "languageId": "en", "timeZoneId": "US/Eastern",'
    b' "countryIds": [ "us", "ca" ], "contactData": { "web": "https://partner.example.com",'
    b' "email": "john.doe@partner.example.com", "phone": "+1 234 555-0000" },'
    b' "logo": { "file": "example-partner.png", "maxHeight": 60 } }'
)
CUSTOMER_EXAMPLE_JSON = (
    b'{ "countryId": "us", "languageId": "en", "timeZoneId": "US/Eastern",'
    b' "email": "john.doe@customer.example.com", "customerName": "Example Customer",'
    b' "firstName": "John", "lastName": "Doe", "websiteUrl": "https://customer.example.com",'
    b' "phoneNumber": "+1 234 555-0001", "partnerId": "019cea04-b002-7271-be0b-3fdbbc483ab9",'
    b' "partnerMemberIdForCustomerSupport": "019cea04-b005-73e2-9d0f-8ccf53da5c0c"}'
)
MINIMAL_PARTNER = {
    "email": "john.doe@partner.example.com",
    "firstName": "John",
    "lastName": "Doe",
    "partnerName": "Example Partner",
}
MINIMAL_CUSTOMER = {
    "customerName": "Example Customer",
    "email": "john.doe@customer.example.com",
    "firstName": "John",
    "lastName": "Doe",
    "countryId": "us",
}


def load_example(raw: bytes) -> dict[str, Any]:
    body = orjson.loads(raw)
    assert isinstance(body, dict)
    return body


def partner_example() -> dict[str, Any]:
    return load_example(PARTNER_EXAMPLE_JSON)


def customer_example() -> dict[str, Any]:
    return load_example(CUSTOMER_EXAMPLE_JSON)


def errors_of(model: type[pydantic.BaseModel], data: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        parse_body(model, data)
    return caught.value.errors


# The document's examples


def test_partner_example_validates() -> None:
    partner = parse_body(PartnerCreate, partner_example())
    assert partner.countryIds == ["us", "ca"]
    assert partner.timeZoneId == "US/Eastern"
    assert partner.contactData is not None
    assert partner.contactData.phone == "+1 234 555-0000"
    assert partner.contactData.web == "https://partner.example.com"
    assert partner.logo == LogoIn(file="example-partner.png", maxHeight=60)
    assert partner.code == "example-partner"
    assert partner.level == "Basic"


def test_partner_example_dumps_same_keys() -> None:
    body = partner_example()
    partner = parse_body(PartnerCreate, body)
    assert partner.model_dump() == body


def test_customer_example_validates() -> None:
    customer = parse_body(CustomerCreate, customer_example())
    assert customer.countryId == "us"
    assert customer.timeZoneId == "US/Eastern"
    assert customer.phoneNumber == "+1 234 555-0001"
    assert customer.partnerId == "019cea04-b002-7271-be0b-3fdbbc483ab9"
    assert customer.partnerMemberIdForCustomerSupport == "019cea04-b005-73e2-9d0f-8ccf53da5c0c"


def test_customer_example_dumps_same_keys() -> None:
    body = customer_example()
    assert parse_body(CustomerCreate, body).model_dump() == body


# Defaults and null


def test_partner_minimal_gets_defaults() -> None:
    partner = parse_body(PartnerCreate, MINIMAL_PARTNER)
    assert partner.type == "Partner"
    assert partner.code is None
    assert partner.level is None
    assert partner.languageId == "en"
    assert partner.timeZoneId == "UTC"
    assert partner.countryIds == []
    assert partner.contactData is None
    assert partner.logo is None


def test_partner_default_country_ids_not_shared() -> None:
    first = parse_body(PartnerCreate, MINIMAL_PARTNER)
    first.countryIds.append("us")
    assert parse_body(PartnerCreate, MINIMAL_PARTNER).countryIds == []


@pytest.mark.parametrize(
    ("field", "default"),
    [
        ("type", "Partner"),
        ("code", None),
        ("level", None),
        ("languageId", "en"),
        ("timeZoneId", "UTC"),
        ("countryIds", []),
        ("contactData", None),
        ("logo", None),
    ],
)
def test_partner_null_optional_is_default(field: str, default: object) -> None:
    partner = parse_body(PartnerCreate, {**MINIMAL_PARTNER, field: None})
    assert getattr(partner, field) == default


@pytest.mark.parametrize(
    ("field", "default"),
    [
        ("languageId", "en"),
        ("timeZoneId", "UTC"),
        ("websiteUrl", None),
        ("phoneNumber", None),
        ("partnerId", None),
        ("partnerMemberIdForCustomerSupport", None),
    ],
)
def test_customer_null_optional_is_default(field: str, default: object) -> None:
    customer = parse_body(CustomerCreate, {**MINIMAL_CUSTOMER, field: None})
    assert getattr(customer, field) == default


def test_contact_data_null_members_are_absent() -> None:
    contact = parse_body(ContactDataIn, {"web": None, "email": None, "phone": None})
    assert contact == ContactDataIn()


def test_logo_null_max_height_is_absent() -> None:
    assert parse_body(LogoIn, {"file": "a.png", "maxHeight": None}).maxHeight is None


@pytest.mark.parametrize("field", ["email", "firstName", "lastName", "partnerName"])
def test_partner_null_required_is_wrong_type(field: str) -> None:
    errors = errors_of(PartnerCreate, {**MINIMAL_PARTNER, field: None})
    assert errors == {field: "Expected a string, got null."}


@pytest.mark.parametrize("field", sorted(MINIMAL_CUSTOMER))
def test_customer_missing_required(field: str) -> None:
    body = {key: value for key, value in MINIMAL_CUSTOMER.items() if key != field}
    assert errors_of(CustomerCreate, body) == {field: f"Missing required field: provide {field}."}


def test_logo_missing_file_path() -> None:
    body = {**MINIMAL_PARTNER, "logo": {"maxHeight": 60}}
    assert errors_of(PartnerCreate, body) == {
        "logo.file": "Missing required field: provide logo.file."
    }


# Country list


def test_country_ids_duplicates_removed_in_order() -> None:
    body = {**MINIMAL_PARTNER, "countryIds": ["ca", "US", "us", "CA", "ar"]}
    assert parse_body(PartnerCreate, body).countryIds == ["ca", "us", "ar"]


def test_country_ids_250_items_accepted() -> None:
    body = {**MINIMAL_PARTNER, "countryIds": ["us"] * 250}
    assert parse_body(PartnerCreate, body).countryIds == ["us"]


def test_country_ids_251_items_rejected() -> None:
    errors = errors_of(PartnerCreate, {**MINIMAL_PARTNER, "countryIds": ["us"] * 251})
    assert errors == {"countryIds": "The array has 251 items; send at most 250."}


def test_country_ids_error_path_has_index() -> None:
    errors = errors_of(PartnerCreate, {**MINIMAL_PARTNER, "countryIds": ["us", "usa", 7]})
    assert errors == {
        "countryIds.1": (
            "'usa' is not an ISO 3166-1 alpha-2 country code; use two letters such as 'us'."
        ),
        "countryIds.2": "Expected a string, got a number.",
    }


def test_country_ids_not_array() -> None:
    errors = errors_of(PartnerCreate, {**MINIMAL_PARTNER, "countryIds": "us"})
    assert errors == {"countryIds": "Expected an array, got a string."}


# Nested objects


def test_contact_data_error_path() -> None:
    body = partner_example()
    body["contactData"]["web"] = "partner.example.com"
    errors = errors_of(PartnerCreate, body)
    assert list(errors) == ["contactData.web"]
    assert "is not an absolute http or https URL" in errors["contactData.web"]


def test_contact_data_not_object() -> None:
    errors = errors_of(PartnerCreate, {**MINIMAL_PARTNER, "contactData": "x"})
    assert errors == {"contactData": "Expected an object, got a string."}


def test_contact_data_unknown_field() -> None:
    body = {**MINIMAL_PARTNER, "contactData": {"public": {}}}
    assert errors_of(PartnerCreate, body) == {
        "contactData.public": "Unknown field 'public'; accepted fields are: web, email, phone."
    }


def test_contact_data_phone_without_plus() -> None:
    errors = errors_of(PartnerCreate, {**MINIMAL_PARTNER, "contactData": {"phone": "234"}})
    assert "does not start with '+'" in errors["contactData.phone"]


# Unknown fields


def test_partner_unknown_field_lists_accepted() -> None:
    errors = errors_of(PartnerCreate, {**MINIMAL_PARTNER, "name": "ACME"})
    assert errors == {
        "name": (
            "Unknown field 'name'; accepted fields are: email, firstName, lastName, "
            "partnerName, type, code, level, languageId, timeZoneId, countryIds, "
            "contactData, logo."
        )
    }


def test_customer_unknown_field_lists_accepted() -> None:
    errors = errors_of(CustomerCreate, {**MINIMAL_CUSTOMER, "planId": "ent-4sc-y"})
    assert errors["planId"].startswith("Unknown field 'planId'; accepted fields are: customerName,")
    assert errors["planId"].endswith(", partnerMemberIdForCustomerSupport.")


def test_unknown_field_with_bracket_name_kept() -> None:
    errors = errors_of(LogoIn, {"file": "a.png", "str[x]": 1})
    assert list(errors) == ["str[x]"]


def test_snake_case_field_is_unknown() -> None:
    errors = errors_of(PartnerCreate, {**MINIMAL_PARTNER, "first_name": "John"})
    assert list(errors) == ["first_name"]


# Wrong types


@pytest.mark.parametrize(
    ("value", "received"),
    [(1, "a number"), (1.5, "a number"), (True, "a boolean"), ([], "an array"), ({}, "an object")],
)
def test_partner_name_wrong_type(value: object, received: str) -> None:
    errors = errors_of(PartnerCreate, {**MINIMAL_PARTNER, "partnerName": value})
    assert errors == {"partnerName": f"Expected a string, got {received}."}


def test_country_id_number_not_coerced() -> None:
    errors = errors_of(CustomerCreate, {**MINIMAL_CUSTOMER, "countryId": 840})
    assert errors == {"countryId": "Expected a string, got a number."}


def test_max_height_string_not_coerced() -> None:
    errors = errors_of(LogoIn, {"file": "a.png", "maxHeight": "60"})
    assert errors == {"maxHeight": "Expected an integer, got a string."}


def test_max_height_bool_rejected() -> None:
    errors = errors_of(LogoIn, {"file": "a.png", "maxHeight": True})
    assert errors == {"maxHeight": "Expected an integer, got a boolean."}


def test_max_height_float_rejected() -> None:
    errors = errors_of(LogoIn, {"file": "a.png", "maxHeight": 60.0})
    assert errors == {"maxHeight": "Expected an integer, got the decimal number 60.0."}


@pytest.mark.parametrize("height", [1, 1000])
def test_max_height_bounds_accepted(height: int) -> None:
    assert parse_body(LogoIn, {"file": "a.png", "maxHeight": height}).maxHeight == height


def test_max_height_zero_rejected() -> None:
    errors = errors_of(LogoIn, {"file": "a.png", "maxHeight": 0})
    assert errors == {"maxHeight": "0 is too small; use a value of at least 1."}


def test_max_height_1001_rejected() -> None:
    errors = errors_of(LogoIn, {"file": "a.png", "maxHeight": 1001})
    assert errors == {"maxHeight": "1001 is too large; use a value of at most 1000."}


def test_type_distributor_rejected() -> None:
    errors = errors_of(PartnerCreate, {**MINIMAL_PARTNER, "type": "Distributor"})
    assert errors == {"type": "'Distributor' is not accepted here; use 'Partner'."}


def test_type_number_rejected() -> None:
    errors = errors_of(PartnerCreate, {**MINIMAL_PARTNER, "type": 1})
    assert errors == {"type": "Expected the string 'Partner', got a number."}


# Logo file name, level, code


@pytest.mark.parametrize("name", ["a/b.png", "..\\b.png", "/etc/passwd", "..", "."])
def test_logo_file_path_rejected(name: str) -> None:
    errors = errors_of(LogoIn, {"file": name})
    assert "is not a plain file name" in errors["file"]


def test_logo_file_empty_rejected() -> None:
    assert "is empty" in errors_of(LogoIn, {"file": ""})["file"]


def test_logo_file_255_characters_accepted() -> None:
    name = "a" * 251 + ".png"
    assert parse_body(LogoIn, {"file": name}).file == name


def test_logo_file_256_characters_rejected() -> None:
    assert "at most 255" in errors_of(LogoIn, {"file": "a" * 252 + ".png"})["file"]


def test_logo_file_nul_rejected() -> None:
    assert "U+0000" in errors_of(LogoIn, {"file": "a\x00.png"})["file"]


def test_level_empty_rejected() -> None:
    errors = errors_of(PartnerCreate, {**MINIMAL_PARTNER, "level": ""})
    assert "The level is empty" in errors["level"]


def test_level_50_characters_accepted() -> None:
    assert parse_body(PartnerCreate, {**MINIMAL_PARTNER, "level": "L" * 50}).level == "L" * 50


def test_level_51_characters_rejected() -> None:
    errors = errors_of(PartnerCreate, {**MINIMAL_PARTNER, "level": "L" * 51})
    assert "at most 50" in errors["level"]


def test_level_nul_rejected() -> None:
    errors = errors_of(PartnerCreate, {**MINIMAL_PARTNER, "level": "Ba\x00sic"})
    assert "U+0000" in errors["level"]


def test_code_upper_case_rejected() -> None:
    errors = errors_of(PartnerCreate, {**MINIMAL_PARTNER, "code": "ACME"})
    assert "is not a valid code" in errors["code"]


# NUL bytes and trimming


def test_partner_name_nul_from_json_rejected() -> None:
    body = orjson.loads(b'{"partnerName": "ACME\\u0000"}')
    errors = errors_of(PartnerCreate, {**MINIMAL_PARTNER, **body})
    assert errors == {
        "partnerName": (
            "'ACME\\x00' contains the control character U+0000, "
            "which is not allowed in a name; remove it."
        )
    }


def test_email_nul_rejected() -> None:
    errors = errors_of(PartnerCreate, {**MINIMAL_PARTNER, "email": "a\x00@example.com"})
    assert "U+0000" in errors["email"]


def test_partner_names_are_trimmed() -> None:
    body = {**MINIMAL_PARTNER, "firstName": " John ", "partnerName": "  ACME  "}
    partner = parse_body(PartnerCreate, body)
    assert partner.firstName == "John"
    assert partner.partnerName == "ACME"


# Customer ids


def test_customer_partner_id_canonicalised() -> None:
    body = {**MINIMAL_CUSTOMER, "partnerId": "019CEA04-B002-7271-BE0B-3FDBBC483AB9"}
    assert parse_body(CustomerCreate, body).partnerId == "019cea04-b002-7271-be0b-3fdbbc483ab9"


def test_customer_partner_id_invalid_message() -> None:
    errors = errors_of(
        CustomerCreate, {**MINIMAL_CUSTOMER, "partnerMemberIdForCustomerSupport": "xyz"}
    )
    assert errors == {
        "partnerMemberIdForCustomerSupport": (
            "'xyz' is not a valid id; ids are UUIDs such as '019cea04-b002-7271-be0b-3fdbbc483ab9'."
        )
    }


# Body shape and the exception


@pytest.mark.parametrize(
    ("data", "received"),
    [([], "an array"), (None, "null"), ("{}", "a string"), (3, "a number"), (False, "a boolean")],
)
def test_parse_body_not_object(data: object, received: str) -> None:
    assert errors_of(PartnerCreate, data) == {"body": f"Expected a JSON object, got {received}."}


def test_parse_body_error_is_422() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_body(PartnerCreate, {})
    assert caught.value.status == 422
    assert set(caught.value.errors) == {"email", "firstName", "lastName", "partnerName"}


def test_parse_body_does_not_change_input() -> None:
    body = {**partner_example(), "code": None}
    before = copy.deepcopy(body)
    parse_body(PartnerCreate, body)
    assert body == before


# validation_errors on errors built by hand


def build_error(title: str, *line_errors: Any) -> pydantic.ValidationError:
    return pydantic.ValidationError.from_exception_data(title, list(line_errors))


def test_validation_errors_keeps_first_per_path() -> None:
    exc = build_error(
        "PartnerCreate",
        {"type": "string_type", "loc": ("email",), "input": 1},
        {"type": "missing", "loc": ("email",), "input": {}},
    )
    assert validation_errors(exc) == {"email": "Expected a string, got a number."}


def test_validation_errors_drops_schema_steps() -> None:
    exc = build_error(
        "PartnerCreate",
        {"type": "string_type", "loc": ("countryIds", 1, "function-after[f(), str]"), "input": 1},
        {"type": "int_type", "loc": ("logo", "nullable[int]", "maxHeight", "int"), "input": "6"},
    )
    assert validation_errors(exc) == {
        "countryIds.1": "Expected a string, got a number.",
        "logo.maxHeight": "Expected an integer, got a string.",
    }


def test_validation_errors_strips_value_error_prefix() -> None:
    exc = build_error(
        "PartnerCreate",
        {"type": "value_error", "loc": ("code",), "input": "x", "ctx": {"error": "Bad code."}},
    )
    assert validation_errors(exc) == {"code": "Bad code."}


def test_validation_errors_unknown_model_extra_field() -> None:
    exc = build_error("Other", {"type": "extra_forbidden", "loc": ("x",), "input": 1})
    assert validation_errors(exc) == {"x": "Unknown field 'x'; remove it."}


def test_validation_errors_empty_location_is_body() -> None:
    exc = build_error(
        "PartnerCreate",
        {"type": "model_type", "loc": (), "input": [], "ctx": {"class_name": "PartnerCreate"}},
    )
    assert validation_errors(exc) == {"body": "Expected an object, got an array."}
