from __future__ import annotations

import socket
from typing import Any

import pydantic
import pytest

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
    slugify_code,
)


def validate(field_type: Any, value: object) -> Any:
    return pydantic.TypeAdapter(field_type).validate_python(value)


def error_of(field_type: Any, value: object) -> dict[str, Any]:
    with pytest.raises(pydantic.ValidationError) as caught:
        validate(field_type, value)
    errors = caught.value.errors()
    assert len(errors) == 1
    return dict(errors[0])


def message_of(field_type: Any, value: object) -> str:
    error = error_of(field_type, value)
    assert error["type"] == "value_error"
    return str(error["ctx"]["error"])


ALL_STRING_TYPES = [
    EmailAddress,
    CountryId,
    LanguageId,
    TimeZoneId,
    PhoneNumber,
    WebUrl,
    AccountCode,
    DisplayName,
    EntityId,
]


@pytest.mark.parametrize("field_type", ALL_STRING_TYPES)
@pytest.mark.parametrize("value", [42, 4.2, True, None, ["us"], {"a": "b"}, b"us"])
def test_string_types_reject_non_strings(field_type: Any, value: object) -> None:
    assert error_of(field_type, value)["type"] == "string_type"


# EmailAddress


def test_email_address_accepts_example() -> None:
    assert validate(EmailAddress, "john.doe@partner.example.com") == "john.doe@partner.example.com"


def test_email_address_is_stripped() -> None:
    assert validate(EmailAddress, "  john.doe@example.com\n") == "john.doe@example.com"


def test_email_address_keeps_case_as_sent() -> None:
    assert validate(EmailAddress, "John.Doe@Example.COM") == "John.Doe@Example.COM"


def test_email_address_accepts_254_characters() -> None:
    address = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".com"
    assert len(address) == 254
    assert validate(EmailAddress, address) == address


def test_email_address_rejects_255_characters() -> None:
    address = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 58 + ".com"
    message = message_of(EmailAddress, address)
    assert "255 characters" in message
    assert "at most 254" in message


@pytest.mark.parametrize(
    "address",
    ["john.doe", "john@", "@example.com", "john@@example.com", "jo hn@example.com", "john@x"],
)
def test_email_address_rejects_invalid_syntax(address: str) -> None:
    message = message_of(EmailAddress, address)
    assert "is not a valid email address" in message
    assert "name@example.com" in message


def test_email_address_rejects_nul() -> None:
    message = message_of(EmailAddress, "john\x00@example.com")
    assert "U+0000" in message


def test_email_address_rejects_empty() -> None:
    assert "is not a valid email address" in message_of(EmailAddress, "   ")


def test_email_address_makes_no_network_call(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", fail)
    monkeypatch.setattr(socket, "getaddrinfo", fail)
    assert validate(EmailAddress, "a@no-such-host-here.com") == "a@no-such-host-here.com"


# CountryId


def test_country_id_lower_case_is_kept() -> None:
    assert validate(CountryId, "us") == "us"


def test_country_id_upper_case_is_lowered() -> None:
    assert validate(CountryId, "CA") == "ca"


def test_country_id_mixed_case_is_lowered() -> None:
    assert validate(CountryId, "Ar") == "ar"


def test_country_id_three_letters_message() -> None:
    expected = "'usa' is not an ISO 3166-1 alpha-2 country code; use two letters such as 'us'."
    assert message_of(CountryId, "usa") == expected


@pytest.mark.parametrize("value", ["", "u", "u1", "12", "üs", " us", "us "])
def test_country_id_rejects_malformed(value: str) -> None:
    assert "is not an ISO 3166-1 alpha-2 country code" in message_of(CountryId, value)


def test_country_id_rejects_unassigned() -> None:
    message = message_of(CountryId, "xx")
    assert "'xx' is not an assigned ISO 3166-1 alpha-2 country code" in message


# LanguageId


def test_language_id_lower_case_is_kept() -> None:
    assert validate(LanguageId, "en") == "en"


def test_language_id_upper_case_is_lowered() -> None:
    assert validate(LanguageId, "ES") == "es"


@pytest.mark.parametrize("value", ["", "e", "eng", "e1", "en-US"])
def test_language_id_rejects_malformed(value: str) -> None:
    assert "is not an ISO 639-1 language code" in message_of(LanguageId, value)


def test_language_id_rejects_unassigned() -> None:
    assert "'zz' is not an assigned ISO 639-1 language code" in message_of(LanguageId, "zz")


# TimeZoneId


@pytest.mark.parametrize("value", ["UTC", "US/Eastern", "America/New_York", "Europe/Madrid"])
def test_time_zone_id_accepts_iana_names(value: str) -> None:
    assert validate(TimeZoneId, value) == value


def test_time_zone_id_wrong_case_names_spelling() -> None:
    message = message_of(TimeZoneId, "us/eastern")
    assert "case-sensitive" in message
    assert "'US/Eastern'" in message


def test_time_zone_id_utc_lower_case_names_spelling() -> None:
    assert "'UTC'" in message_of(TimeZoneId, "utc")


@pytest.mark.parametrize("value", ["Mars/Olympus", "", "EST5EDT ", "localtime", "GMT+3"])
def test_time_zone_id_rejects_unknown(value: str) -> None:
    assert "is not an IANA time zone name" in message_of(TimeZoneId, value)


# PhoneNumber


def test_phone_number_example_is_kept_as_sent() -> None:
    assert validate(PhoneNumber, "+1 234 555-0000") == "+1 234 555-0000"


def test_phone_number_is_stripped() -> None:
    assert validate(PhoneNumber, " +34 912 345 678 ") == "+34 912 345 678"


def test_phone_number_without_plus_is_rejected() -> None:
    message = message_of(PhoneNumber, "234 555 0000")
    assert "does not start with '+'" in message
    assert "international form" in message


def test_phone_number_too_few_digits_is_rejected() -> None:
    assert "is not a possible phone number" in message_of(PhoneNumber, "+1 234")


def test_phone_number_unparsable_is_rejected() -> None:
    assert "is not a phone number" in message_of(PhoneNumber, "+")


def test_phone_number_over_40_characters_is_rejected() -> None:
    value = "+1 234 555 0000" + " " * 20 + "x" * 6
    assert len(value) == 41
    assert "at most 40" in message_of(PhoneNumber, value)


def test_phone_number_nul_is_rejected() -> None:
    assert "U+0000" in message_of(PhoneNumber, "+1 234\x00555 0000")


# WebUrl


@pytest.mark.parametrize(
    "value",
    [
        "https://partner.example.com",
        "http://partner.example.com:8080/path?q=1#top",
        "https://[2001:db8::1]/",
        "https://192.0.2.1",
    ],
)
def test_web_url_accepts_http_and_https(value: str) -> None:
    assert validate(WebUrl, value) == value


def test_web_url_is_not_normalised() -> None:
    assert validate(WebUrl, "HTTPS://Partner.Example.com") == "HTTPS://Partner.Example.com"


def test_web_url_accepts_2048_characters() -> None:
    value = "https://example.com/" + "a" * 2028
    assert len(value) == 2048
    assert validate(WebUrl, value) == value


def test_web_url_rejects_2049_characters() -> None:
    value = "https://example.com/" + "a" * 2029
    assert "at most 2048" in message_of(WebUrl, value)


@pytest.mark.parametrize(
    "value", ["ftp://example.com", "javascript:alert(1)", "partner.example.com", "/path", ""]
)
def test_web_url_rejects_other_schemes_and_relative(value: str) -> None:
    assert "is not an absolute http or https URL" in message_of(WebUrl, value)


def test_web_url_rejects_missing_host() -> None:
    assert "has no host name" in message_of(WebUrl, "https:///path")


@pytest.mark.parametrize(
    "value", [" https://example.com", "https://example.com/a b", "https://example.com\t"]
)
def test_web_url_rejects_whitespace(value: str) -> None:
    message = message_of(WebUrl, value)
    assert "whitespace" in message or "control character" in message


def test_web_url_rejects_nul() -> None:
    assert "U+0000" in message_of(WebUrl, "https://example.com/\x00")


def test_web_url_rejects_user_and_password() -> None:
    assert "user name or password" in message_of(WebUrl, "https://user:secret@example.com")


@pytest.mark.parametrize("value", ["https://example.com:99999", "https://[zz]/"])
def test_web_url_rejects_invalid_syntax(value: str) -> None:
    assert "is not a valid URL" in message_of(WebUrl, value)


# AccountCode


@pytest.mark.parametrize("value", ["example-partner", "a1", "00", "-a-", "a" * 63])
def test_account_code_accepts_valid(value: str) -> None:
    assert validate(AccountCode, value) == value


@pytest.mark.parametrize(
    "value", ["a", "", "a" * 64, "Acme", "acme_1", "acme partner", "acme\n", "acmé"]
)
def test_account_code_rejects_invalid(value: str) -> None:
    message = message_of(AccountCode, value)
    assert "is not a valid code" in message
    assert "2 to 63 characters" in message


# DisplayName and PersonName


def test_display_name_is_trimmed() -> None:
    assert validate(DisplayName, "  Example Partner \n") == "Example Partner"


def test_display_name_accepts_non_ascii() -> None:
    assert validate(DisplayName, "Café Müller 日本") == "Café Müller 日本"


def test_display_name_accepts_200_characters_after_trim() -> None:
    assert validate(DisplayName, " " + "n" * 200 + " ") == "n" * 200


def test_display_name_rejects_201_characters() -> None:
    assert "at most 200" in message_of(DisplayName, "n" * 201)


@pytest.mark.parametrize("value", ["", "   ", "\t\n"])
def test_display_name_rejects_empty(value: str) -> None:
    assert "The name is empty" in message_of(DisplayName, value)


@pytest.mark.parametrize(
    ("value", "code_point"),
    [
        ("Ex\x00ample", "U+0000"),
        ("Ex\tample", "U+0009"),
        ("A\u2028B", "U+2028"),
        ("A\x7fB", "U+007F"),
    ],
)
def test_display_name_rejects_control_characters(value: str, code_point: str) -> None:
    assert code_point in message_of(DisplayName, value)


def test_person_name_is_trimmed() -> None:
    assert validate(PersonName, " John ") == "John"


def test_person_name_rejects_nul() -> None:
    assert "U+0000" in message_of(PersonName, "Jo\x00hn")


# EntityId


def test_entity_id_accepts_canonical() -> None:
    value = "019cea04-b002-7271-be0b-3fdbbc483ab9"
    assert validate(EntityId, value) == value


def test_entity_id_upper_case_is_lowered() -> None:
    assert validate(EntityId, "019CEA04-B002-7271-BE0B-3FDBBC483AB9") == (
        "019cea04-b002-7271-be0b-3fdbbc483ab9"
    )


def test_entity_id_invalid_message() -> None:
    expected = (
        "'xyz' is not a valid id; ids are UUIDs such as '019cea04-b002-7271-be0b-3fdbbc483ab9'."
    )
    assert message_of(EntityId, "xyz") == expected


@pytest.mark.parametrize(
    "value",
    [
        "019cea04b0027271be0b3fdbbc483ab9",
        "{019cea04-b002-7271-be0b-3fdbbc483ab9}",
        "urn:uuid:019cea04-b002-7271-be0b-3fdbbc483ab9",
        "019cea04-b002-7271-be0b-3fdbbc483ab9\n",
        "019cea04-b002-7271-be0b-3fdbbc483abg",
    ],
)
def test_entity_id_rejects_other_forms(value: str) -> None:
    assert "is not a valid id" in message_of(EntityId, value)


# slugify_code


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Example Partner", "example-partner"),
        ("Café Déjà Vu", "cafe-deja-vu"),
        ("ACME, Inc.!!", "acme-inc"),
        ("  --Foo__Bar--  ", "foo-bar"),
        ("\uff26\uff55\uff4c\uff4c 42", "full-42"),
        ("日本 Telecom", "telecom"),
    ],
)
def test_slugify_code_derives_code(name: str, code: str) -> None:
    assert slugify_code(name) == code


@pytest.mark.parametrize("name", ["", "A", "日本", "!!!", "é"])
def test_slugify_code_too_short_is_none(name: str) -> None:
    assert slugify_code(name) is None


def test_slugify_code_is_cut_to_63() -> None:
    code = slugify_code("x" * 100)
    assert code == "x" * 63


def test_slugify_code_cut_drops_trailing_hyphen() -> None:
    code = slugify_code("a" * 62 + " b")
    assert code == "a" * 62


def test_slugify_code_result_is_valid_account_code() -> None:
    code = slugify_code("Ünïcödé Partner & Co. " * 5)
    assert code is not None
    assert validate(AccountCode, code) == code
