"""``--filter``, ``--filter-json`` and ``--sort`` parsing, without a server."""

from __future__ import annotations

import pytest

from partners_api.client_cli.errors import CLIError
from partners_api.client_cli.filters import parse_filters, parse_sort

PARTNER_ID = "019cea04-b015-7f54-a7dd-6e5c198f15a9"


def test_comma_list_becomes_json_array() -> None:
    filters = parse_filters(["state=Active,Suspended"], None, "customers")
    assert filters == {"state": ["Active", "Suspended"]}


def test_single_value_stays_string() -> None:
    filters = parse_filters(["name=ACME", "state=Active"], None, "partners")
    assert filters == {"name": "ACME", "state": "Active"}


def test_name_keeps_its_commas() -> None:
    filters = parse_filters(["name=Doe, Smith & Co"], None, "customers")
    assert filters == {"name": "Doe, Smith & Co"}


def test_value_may_contain_equals_sign() -> None:
    filters = parse_filters(["name=a=b"], None, "customers")
    assert filters == {"name": "a=b"}


def test_repeated_key_adds_values() -> None:
    filters = parse_filters(
        ["countryId=us", "countryId=ca,us", "createdAt_gte=2026-03-01"], None, "customers"
    )
    assert filters == {"countryId": ["us", "ca"], "createdAt_gte": "2026-03-01"}


def test_every_documented_key_is_accepted() -> None:
    items = [
        f"id={PARTNER_ID}",
        f"ids={PARTNER_ID},{PARTNER_ID.upper()}",
        "code=acme,globex",
        "level=Gold",
        "countryIds_ovl=us,ar",
        "createdAt_gt=2026-03-01T12:00",
        "createdAt_lt=2026-03-01 12:00:00.5",
        "updatedAt_lte=2026-03-01T13:00:00+01:00",
        "updatedAt_gte=2026-03-01T12:00:00Z",
    ]
    filters = parse_filters(items, None, "partners")
    assert filters is not None
    assert filters["countryIds_ovl"] == ["us", "ar"]
    # Levels are configured on the server, so any level passes here.
    assert filters["level"] == "Gold"
    customer_filters = parse_filters(
        [f"partnerId={PARTNER_ID}", "planId=ent-4sc-y", "state=PastDue"], None, "customers"
    )
    assert customer_filters == {"partnerId": PARTNER_ID, "planId": "ent-4sc-y", "state": "PastDue"}


def test_no_filter_gives_none() -> None:
    assert parse_filters([], None, "customers") is None


@pytest.mark.parametrize(
    ("item", "resource", "expected"),
    [
        ("state", "customers", "use KEY=VALUE"),
        ("=Active", "customers", "use KEY=VALUE"),
        ("email=a@example.com", "customers", "unknown filter key 'email' for customers"),
        ("createdAt=2026-03-01", "customers", "unknown filter key 'createdAt'"),
        ("countryIds=us", "partners", "countryIds_ovl"),
        ("code_ovl=acme", "partners", "unknown filter key 'code_ovl'"),
        ("countryId=us", "partners", "unknown filter key 'countryId' for partners"),
        ("state=active", "customers", "did you mean 'Active'?"),
        ("state=Gone", "partners", "'Gone' is not one of Pending, Active, Suspended"),
        ("countryId=usa", "customers", "'usa' is not an assigned ISO 3166-1 alpha-2"),
        ("countryId=us,xx", "customers", "'xx' is not an assigned"),
        ("id=42", "customers", "'42' is not a UUID"),
        ("partnerId=not-a-uuid", "customers", "'not-a-uuid' is not a UUID"),
        ("createdAt_gte=2026-13-01", "customers", "not a valid date or time"),
        ("createdAt_gte=20260301", "customers", "'20260301' is not a date or timestamp"),
        ("createdAt_gte=2026-03-01T12", "customers", "is not a date or timestamp"),
        ("createdAt_gte=2026-03-01,2026-04-01", "customers", "is not a date or timestamp"),
        ("state=Active,,Suspended", "customers", "has an empty item"),
    ],
)
def test_invalid_filter_names_item(item: str, resource: str, expected: str) -> None:
    with pytest.raises(CLIError) as raised:
        parse_filters([item], None, resource)
    message = raised.value.format_message()
    assert message.startswith(f"Invalid --filter {item!r}: ")
    assert expected in message


def test_single_value_key_given_twice_is_rejected() -> None:
    with pytest.raises(CLIError, match="given twice, but it takes one value"):
        parse_filters(["name=a", "name=b"], None, "customers")


def test_filter_json_is_merged() -> None:
    filters = parse_filters(["name=ACME"], '{"state": ["Active"], "q": 1}', "partners")
    # The raw JSON is the escape hatch, so its keys and values go to the server unchecked.
    assert filters == {"name": "ACME", "state": ["Active"], "q": 1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"state": ', "Invalid --filter-json: Expecting value at line 1"),
        ('["Active"]', "expected a JSON object"),
        ('{"name": "x"}', "the key 'name' is also given with --filter"),
    ],
)
def test_invalid_filter_json(text: str, expected: str) -> None:
    with pytest.raises(CLIError) as raised:
        parse_filters(["name=ACME"], text, "customers")
    assert expected in raised.value.format_message()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("name", ("name", "ASC")),
        ("name:desc", ("name", "DESC")),
        ("createdAt:ASC", ("createdAt", "ASC")),
        ("customersCount:Desc", ("customersCount", "DESC")),
    ],
)
def test_sort_direction_defaults_to_asc(value: str, expected: tuple[str, str]) -> None:
    assert parse_sort(value, "partners") == expected


def test_no_sort_gives_none() -> None:
    assert parse_sort(None, "customers") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("email", "unknown field 'email'; sort customers by one of id, name"),
        ("customersCount", "unknown field 'customersCount'"),
        ("name:down", "the direction must be asc or desc"),
    ],
)
def test_invalid_sort_is_rejected(value: str, expected: str) -> None:
    with pytest.raises(CLIError) as raised:
        parse_sort(value, "customers")
    assert expected in raised.value.format_message()
