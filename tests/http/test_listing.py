from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
import pytest

from partners_api.domain.list_specs import CUSTOMERS_LIST_SPEC, partners_list_spec
from partners_api.domain.listing import (
    Comparison,
    InFilter,
    ListQuery,
    OverlapFilter,
    ResourceListSpec,
    SortOrder,
    SubstringFilter,
    TimestampFilter,
)
from partners_api.exceptions import BadRequestError
from partners_api.http.listing import parse_list_query

PARTNERS = partners_list_spec(["Basic", "Certified"])
UUID_TEXT = "019cea04-b015-7f54-a7dd-6e5c198f15a9"


def parse(
    spec: ResourceListSpec = PARTNERS,
    *,
    filter_param: str | None = None,
    sort_param: str | None = None,
    range_param: str | None = None,
    range_header: str | None = None,
    max_span: int = 1000,
    max_filter_values: int = 1000,
) -> ListQuery:
    return parse_list_query(
        spec,
        filter_param=filter_param,
        sort_param=sort_param,
        range_param=range_param,
        range_header=range_header,
        max_span=max_span,
        max_filter_values=max_filter_values,
    )


def parse_filter(
    filters: object, spec: ResourceListSpec = PARTNERS, *, max_filter_values: int = 1000
) -> ListQuery:
    filter_param = orjson.dumps(filters).decode()
    return parse(spec, filter_param=filter_param, max_filter_values=max_filter_values)


def rejection(spec: ResourceListSpec = PARTNERS, **arguments: Any) -> BadRequestError:
    with pytest.raises(BadRequestError) as caught:
        parse(spec, **arguments)
    return caught.value


def filter_rejection(
    filters: object, spec: ResourceListSpec = PARTNERS, *, max_filter_values: int = 1000
) -> BadRequestError:
    with pytest.raises(BadRequestError) as caught:
        parse_filter(filters, spec, max_filter_values=max_filter_values)
    return caught.value


# Defaults and the example requests of GET /v1/partners and GET /v1/customers


def test_parse_defaults_when_absent() -> None:
    query = parse()
    assert query.filters == ()
    assert query.sort == SortOrder("id", descending=False)
    assert query.start == 0
    assert query.end == 99


def test_parse_defaults_when_empty() -> None:
    query = parse(filter_param="", sort_param="", range_param="", range_header="")
    assert query.filters == ()
    assert query.sort == SortOrder("id", descending=False)
    assert (query.start, query.end) == (0, 99)


def test_default_range_shortened_by_max_span() -> None:
    query = parse(max_span=10)
    assert (query.start, query.end) == (0, 9)


def test_partners_example_request() -> None:
    query = parse(
        filter_param='{"name":"ACME","countryIds_ovl":["us"],"code":"acme","state":"Active",'
        '"level":["Basic","Certified"],"createdAt_gte":"2026-03-01",'
        '"createdAt_lte":"2026-04-01"}',
        sort_param='["name","DESC"]',
        range_param="[0,99]",
    )
    assert query.filters == (
        SubstringFilter("name", "ACME"),
        OverlapFilter("countryIds", ("us",)),
        InFilter("code", ("acme",)),
        InFilter("state", ("Active",)),
        InFilter("level", ("Basic", "Certified")),
        TimestampFilter("createdAt", Comparison.GTE, dt.datetime(2026, 3, 1)),
        TimestampFilter("createdAt", Comparison.LT, dt.datetime(2026, 4, 2)),
    )
    assert query.sort == SortOrder("name", descending=True)
    assert (query.start, query.end) == (0, 99)


def test_customers_example_request() -> None:
    query = parse(
        CUSTOMERS_LIST_SPEC,
        filter_param='{"name":"Customer Name","countryId":["us","ar"],"planId":["ent-4sc-y"],'
        '"state":["Trialing"],"createdAt_gte":"2026-03-01","createdAt_lte":"2026-04-01"}',
        sort_param='["name","DESC"]',
        range_param="[0,99]",
    )
    assert query.filters == (
        SubstringFilter("name", "Customer Name"),
        InFilter("countryId", ("us", "ar")),
        InFilter("planId", ("ent-4sc-y",)),
        InFilter("state", ("Trialing",)),
        TimestampFilter("createdAt", Comparison.GTE, dt.datetime(2026, 3, 1)),
        TimestampFilter("createdAt", Comparison.LT, dt.datetime(2026, 4, 2)),
    )
    assert query.sort == SortOrder("name", descending=True)


# ID filters


def test_id_normalised_to_lower_case() -> None:
    query = parse_filter({"id": UUID_TEXT.upper()})
    assert query.filters == (InFilter("id", (UUID_TEXT,)),)


def test_ids_maps_to_id() -> None:
    query = parse_filter({"ids": [UUID_TEXT]})
    assert query.filters == (InFilter("id", (UUID_TEXT,)),)


def test_id_and_ids_both_kept() -> None:
    other = "019cea04-b00f-76a3-b584-025a91dc697e"
    query = parse_filter({"id": UUID_TEXT, "ids": [other]})
    assert query.filters == (InFilter("id", (UUID_TEXT,)), InFilter("id", (other,)))


def test_id_duplicates_dropped() -> None:
    query = parse_filter({"id": [UUID_TEXT, UUID_TEXT.upper()]})
    assert query.filters == (InFilter("id", (UUID_TEXT,)),)


def test_id_empty_list_matches_nothing() -> None:
    query = parse_filter({"id": []})
    assert query.filters == (InFilter("id", ()),)


def test_partner_id_filter_on_customers() -> None:
    query = parse_filter({"partnerId": UUID_TEXT}, CUSTOMERS_LIST_SPEC)
    assert query.filters == (InFilter("partnerId", (UUID_TEXT,)),)


@pytest.mark.parametrize(
    "value",
    [
        "not-a-uuid",
        UUID_TEXT.replace("-", ""),
        "{" + UUID_TEXT + "}",
        "urn:uuid:" + UUID_TEXT,
        UUID_TEXT[:-1] + "g",
        UUID_TEXT + "\n",
    ],
)
def test_id_invalid_rejected(value: str) -> None:
    error = filter_rejection({"ids": ["019cea04-b00f-76a3-b584-025a91dc697e", value]})
    assert list(error.errors) == ["filter.ids"]
    assert "Invalid UUID" in error.errors["filter.ids"]
    assert "'ids'" in error.errors["filter.ids"]


# EXACT and ENUM filters


def test_code_single_value() -> None:
    assert parse_filter({"code": "acme"}).filters == (InFilter("code", ("acme",)),)


def test_code_list_of_values() -> None:
    query = parse_filter({"code": ["acme", "globex"]})
    assert query.filters == (InFilter("code", ("acme", "globex")),)


def test_exact_value_length_limit() -> None:
    assert parse_filter({"code": "a" * 200}).filters == (InFilter("code", ("a" * 200,)),)
    error = filter_rejection({"code": "a" * 201})
    assert "201 characters" in error.errors["filter.code"]
    assert "maximum is 200" in error.errors["filter.code"]


def test_state_list_of_values() -> None:
    query = parse_filter({"state": ["Pending", "Suspended"]})
    assert query.filters == (InFilter("state", ("Pending", "Suspended")),)


def test_state_invalid_message() -> None:
    error = filter_rejection({"state": "Open"})
    assert error.detail == "Invalid filter: see errors for each field."
    assert error.errors == {
        "filter.state": "Invalid state 'Open'; accepted values are: Pending, Active, Suspended."
    }


def test_state_wrong_case_suggests_spelling() -> None:
    message = filter_rejection({"state": ["Active", "active"]}).errors["filter.state"]
    assert message.startswith("Invalid state 'active';")
    assert "did you mean 'Active'?" in message


def test_customer_state_values() -> None:
    query = parse_filter({"state": ["PastDue", "Canceled"]}, CUSTOMERS_LIST_SPEC)
    assert query.filters == (InFilter("state", ("PastDue", "Canceled")),)
    error = filter_rejection({"state": "Pending"}, CUSTOMERS_LIST_SPEC)
    assert "Trialing, Active, PastDue, Suspended, Canceled" in error.errors["filter.state"]


def test_level_uses_configured_levels() -> None:
    spec = partners_list_spec(["Silver", "Gold"])
    assert parse_filter({"level": "Gold"}, spec).filters == (InFilter("level", ("Gold",)),)
    error = filter_rejection({"level": "Basic"}, spec)
    assert "accepted values are: Silver, Gold." in error.errors["filter.level"]


# Country filters


def test_country_id_lowered() -> None:
    query = parse_filter({"countryId": ["US", "ar"]}, CUSTOMERS_LIST_SPEC)
    assert query.filters == (InFilter("countryId", ("us", "ar")),)


@pytest.mark.parametrize("value", ["usa", "u", "u1", "\u212ar", "", "us "])
def test_country_id_malformed_rejected(value: str) -> None:
    message = filter_rejection({"countryId": value}, CUSTOMERS_LIST_SPEC).errors["filter.countryId"]
    assert message.startswith("Invalid country code")
    assert "ISO 3166-1 alpha-2" in message


def test_country_id_unknown_rejected() -> None:
    message = filter_rejection({"countryId": "zz"}, CUSTOMERS_LIST_SPEC).errors["filter.countryId"]
    assert message.startswith("Unknown country code 'zz'")


def test_country_overlap_list() -> None:
    query = parse_filter({"countryIds_ovl": ["US", "ar"]})
    assert query.filters == (OverlapFilter("countryIds", ("us", "ar")),)


def test_country_overlap_single_string() -> None:
    query = parse_filter({"countryIds_ovl": "us"})
    assert query.filters == (OverlapFilter("countryIds", ("us",)),)


def test_country_overlap_empty_list() -> None:
    assert parse_filter({"countryIds_ovl": []}).filters == (OverlapFilter("countryIds", ()),)


def test_country_overlap_unknown_code() -> None:
    error = filter_rejection({"countryIds_ovl": ["us", "xx"]})
    assert "Unknown country code 'xx'" in error.errors["filter.countryIds_ovl"]


def test_country_set_requires_operator() -> None:
    message = filter_rejection({"countryIds": ["us"]}).errors["filter.countryIds"]
    assert "needs an operator suffix; use countryIds_ovl." in message


def test_country_set_other_operator_rejected() -> None:
    message = filter_rejection({"countryIds_gte": "us"}).errors["filter.countryIds_gte"]
    assert message == (
        "Unknown operator '_gte' for filter 'countryIds'; accepted operators are: _ovl."
    )


# SUBSTRING filters


def test_name_substring() -> None:
    query = parse_filter({"name": "50%_off"})
    assert query.filters == (SubstringFilter("name", "50%_off"),)


def test_name_empty_dropped() -> None:
    assert parse_filter({"name": ""}).filters == ()


def test_name_list_rejected() -> None:
    message = filter_rejection({"name": ["ACME"]}).errors["filter.name"]
    assert message == "Invalid value for filter 'name': expected a string, got a list."


def test_name_length_limit() -> None:
    assert parse_filter({"name": "n" * 200}).filters == (SubstringFilter("name", "n" * 200),)
    message = filter_rejection({"name": "n" * 201}).errors["filter.name"]
    assert "201 characters" in message


def test_name_operator_rejected() -> None:
    message = filter_rejection({"name_like": "a"}).errors["filter.name_like"]
    assert message == "Unknown operator '_like' for filter 'name'; 'name' takes no operator."


# TIMESTAMP filters


@pytest.mark.parametrize(
    ("operator", "comparison", "bound"),
    [
        ("_gte", Comparison.GTE, dt.datetime(2026, 3, 1)),
        ("_gt", Comparison.GTE, dt.datetime(2026, 3, 2)),
        ("_lte", Comparison.LT, dt.datetime(2026, 3, 2)),
        ("_lt", Comparison.LT, dt.datetime(2026, 3, 1)),
    ],
)
def test_date_widened_to_whole_days(
    operator: str, comparison: Comparison, bound: dt.datetime
) -> None:
    query = parse_filter({"updatedAt" + operator: "2026-03-01"})
    assert query.filters == (TimestampFilter("updatedAt", comparison, bound),)


def test_date_widening_crosses_year_end() -> None:
    query = parse_filter({"createdAt_lte": "2025-12-31"})
    assert query.filters == (TimestampFilter("createdAt", Comparison.LT, dt.datetime(2026, 1, 1)),)


@pytest.mark.parametrize(
    ("operator", "comparison"),
    [
        ("_gte", Comparison.GTE),
        ("_gt", Comparison.GT),
        ("_lte", Comparison.LTE),
        ("_lt", Comparison.LT),
    ],
)
def test_timestamp_keeps_operator(operator: str, comparison: Comparison) -> None:
    query = parse_filter({"createdAt" + operator: "2026-03-01T12:00:00Z"})
    bound = dt.datetime(2026, 3, 1, 12)
    assert query.filters == (TimestampFilter("createdAt", comparison, bound),)


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("2026-03-01T01:30:00+02:00", dt.datetime(2026, 2, 28, 23, 30)),
        ("2026-03-01T12:00:00-05:30", dt.datetime(2026, 3, 1, 17, 30)),
        ("2026-03-01T12:00+0100", dt.datetime(2026, 3, 1, 11, 0)),
        ("2026-03-01T12:00:00Z", dt.datetime(2026, 3, 1, 12, 0)),
        ("2026-03-01T12:00:00", dt.datetime(2026, 3, 1, 12, 0)),
        ("2026-03-01 12:00:00.250", dt.datetime(2026, 3, 1, 12, 0, 0, 250000)),
    ],
)
def test_timestamp_converted_to_naive_utc(text: str, bound: dt.datetime) -> None:
    (parsed,) = parse_filter({"createdAt_gte": text}).filters
    assert isinstance(parsed, TimestampFilter)
    assert parsed.bound == bound
    assert parsed.bound.tzinfo is None


def test_timestamp_invalid_message() -> None:
    error = filter_rejection({"createdAt_gte": "2026-13-01"})
    assert error.errors == {
        "filter.createdAt_gte": "Invalid date '2026-13-01' for filter 'createdAt_gte'; "
        "use YYYY-MM-DD or an ISO 8601 timestamp such as 2026-03-01T12:00:00Z."
    }


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",
        "20260301",
        "2026-W09-1",
        "2026-03-01T12",
        "2026-03-01T12:00:00z",
        "2026-03-01T24:00:00",
        "2026-03-01T12:00:00+24:00",
        "yesterday",
        "",
        "\u0662\u0660\u0662\u0666-03-01",
    ],
)
def test_timestamp_malformed_rejected(text: str) -> None:
    message = filter_rejection({"updatedAt_lt": text}).errors["filter.updatedAt_lt"]
    assert message.startswith("Invalid date")


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("createdAt_gte", "0001-01-01T00:00:00+01:00"),
        ("createdAt_lte", "9999-12-31T23:00:00-02:00"),
        ("createdAt_lte", "9999-12-31"),
        ("createdAt_gte", "9999-01-01"),
        ("createdAt_gt", "9998-12-31"),
    ],
)
def test_timestamp_out_of_range(key: str, text: str) -> None:
    message = filter_rejection({key: text}).errors[f"filter.{key}"]
    assert "out of range" in message
    assert "years 1 to 9998" in message


def test_timestamp_range_edges_accepted() -> None:
    query = parse_filter({"createdAt_gte": "0001-01-01", "createdAt_lt": "9998-12-31"})
    assert query.filters == (
        TimestampFilter("createdAt", Comparison.GTE, dt.datetime(1, 1, 1)),
        TimestampFilter("createdAt", Comparison.LT, dt.datetime(9998, 12, 31)),
    )


def test_timestamp_requires_operator() -> None:
    message = filter_rejection({"createdAt": "2026-03-01"}).errors["filter.createdAt"]
    assert message == (
        "Filter 'createdAt' needs an operator suffix; "
        "use createdAt_gte, createdAt_gt, createdAt_lte or createdAt_lt."
    )


def test_timestamp_unknown_operator() -> None:
    message = filter_rejection({"createdAt_eq": "2026-03-01"}).errors["filter.createdAt_eq"]
    assert "Unknown operator '_eq' for filter 'createdAt'" in message
    assert "_gte, _gt, _lte, _lt" in message


# Filter structure and types


def test_unknown_filter_field() -> None:
    message = filter_rejection({"colour": "red"}).errors["filter.colour"]
    assert message.startswith(
        "Unknown filter field 'colour'; accepted filters are: id, ids, name, code, state, level, "
        "countryIds_ovl, createdAt_gte,"
    )


def test_unknown_customers_filter_field() -> None:
    error = filter_rejection({"countryIds_ovl": ["us"]}, CUSTOMERS_LIST_SPEC)
    assert "Unknown filter field 'countryIds_ovl'" in error.errors["filter.countryIds_ovl"]


@pytest.mark.parametrize(
    ("key", "value", "got"),
    [
        ("id", 1, "a number"),
        ("ids", [UUID_TEXT, None], "a list containing null"),
        ("code", True, "a boolean"),
        ("code", None, "null"),
        ("state", {"in": ["Active"]}, "an object"),
        ("level", [["Basic"]], "a list containing a list"),
        ("countryIds_ovl", 1.5, "a number"),
        ("name", 7, "a number"),
        ("createdAt_gte", ["2026-03-01"], "a list"),
        ("createdAt_lt", 20260301, "a number"),
    ],
)
def test_filter_wrong_json_type(key: str, value: object, got: str) -> None:
    message = filter_rejection({key: value}).errors[f"filter.{key}"]
    assert message.startswith(f"Invalid value for filter '{key}': expected ")
    assert message.endswith(f", got {got}.")


@pytest.mark.parametrize("document", ["[]", '"name"', "1", "null"])
def test_filter_not_object(document: str) -> None:
    error = rejection(filter_param=document)
    assert list(error.errors) == ["filter"]
    assert "expected a JSON object" in error.errors["filter"]


def test_filter_invalid_json() -> None:
    error = rejection(filter_param='{"name": ')
    assert error.detail == "Invalid filter: see errors for each field."
    assert error.errors["filter"].startswith("Invalid JSON in the filter parameter:")
    assert "char" in error.errors["filter"]


def test_filter_value_count_limit() -> None:
    values = [UUID_TEXT] * 3
    assert parse_filter({"id": values}, max_filter_values=3).filters == (
        InFilter("id", (UUID_TEXT,)),
    )
    error = filter_rejection({"id": [*values, UUID_TEXT]}, max_filter_values=3)
    assert error.errors == {"filter.id": "Filter 'id' has 4 values; the maximum is 3."}


def test_filter_value_count_limit_overlap() -> None:
    error = filter_rejection({"countryIds_ovl": ["us", "ar", "fr"]}, max_filter_values=2)
    assert "maximum is 2" in error.errors["filter.countryIds_ovl"]


@pytest.mark.parametrize(
    ("key", "value"),
    [("name", "AC\x00ME"), ("code", ["acme", "x\x00"]), ("state", "Active\x00")],
)
def test_filter_nul_rejected(key: str, value: object) -> None:
    message = filter_rejection({key: value}).errors[f"filter.{key}"]
    assert "NUL characters are not allowed" in message
    assert f"'{key}'" in message


def test_filter_errors_collected_per_field() -> None:
    error = filter_rejection({"state": "Open", "colour": "red", "name": "ok"})
    assert set(error.errors) == {"filter.state", "filter.colour"}


def test_error_detail_names_each_parameter() -> None:
    error = rejection(filter_param='{"colour": 1}', sort_param="[]", range_param="[2, 1]")
    assert error.detail == "Invalid filter, sort and range: see errors for each field."
    assert set(error.errors) == {"filter.colour", "sort", "range"}


def test_long_value_truncated_in_message() -> None:
    message = filter_rejection({"state": "x" * 5000}).errors["filter.state"]
    assert len(message) < 200


# Sort


@pytest.mark.parametrize(
    ("direction", "descending"),
    [("ASC", False), ("asc", False), ("DESC", True), ("Desc", True)],
)
def test_sort_direction(direction: str, descending: bool) -> None:
    query = parse(sort_param=orjson.dumps(["createdAt", direction]).decode())
    assert query.sort == SortOrder("createdAt", descending)


def test_sort_customers_count_on_partners() -> None:
    assert parse(sort_param='["customersCount","DESC"]').sort == SortOrder("customersCount", True)


def test_sort_unknown_field() -> None:
    error = rejection(spec=CUSTOMERS_LIST_SPEC, sort_param='["customersCount","ASC"]')
    assert error.detail == "Invalid sort: see errors for each field."
    assert error.errors == {
        "sort": "Unknown sort field 'customersCount'; accepted fields are: "
        "id, name, countryId, state, planId, createdAt, updatedAt."
    }


@pytest.mark.parametrize("direction", ["UP", "", "ascending", "A\u017fC", "DE\u017fC"])
def test_sort_invalid_direction(direction: str) -> None:
    error = rejection(sort_param=orjson.dumps(["name", direction]).decode())
    assert error.errors["sort"].startswith("Invalid sort direction")
    assert "use ASC or DESC" in error.errors["sort"]


@pytest.mark.parametrize(
    "document", ['["name"]', '["name","ASC","id"]', '{"name":"ASC"}', '[1,"ASC"]', '"name"']
)
def test_sort_wrong_shape(document: str) -> None:
    message = rejection(sort_param=document).errors["sort"]
    assert message.startswith("Invalid sort")
    assert '["name", "DESC"]' in message


def test_sort_invalid_json() -> None:
    message = rejection(sort_param="[name,ASC]").errors["sort"]
    assert message.startswith("Invalid JSON in the sort parameter:")


# Range


def test_range_parameter() -> None:
    query = parse(range_param="[25,49]")
    assert (query.start, query.end) == (25, 49)
    assert query.limit == 25


def test_range_single_item() -> None:
    assert parse(range_param="[7,7]").limit == 1


def test_range_span_limit() -> None:
    assert parse(range_param="[0,24]", max_span=25).limit == 25
    message = rejection(range_param="[0,25]", max_span=25).errors["range"]
    assert message == "Invalid range [0, 25]: it spans 26 items but the maximum is 25."


def test_range_end_before_start() -> None:
    message = rejection(range_param="[5,4]").errors["range"]
    assert message == "Invalid range [5, 4]: the end must not be less than the start."


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ("[true,5]", "got a boolean"),
        ("[0,false]", "got a boolean"),
        ("[1.0,5]", "without a fraction"),
        ("[0,2.5]", "without a fraction"),
        ("[-1,5]", "must not be negative"),
        ('["0","24"]', "got a string"),
        ("[null,24]", "got null"),
        ("[[0],24]", "got a list"),
        ("[0]", "two integers"),
        ("[0,1,2]", "two integers"),
        ('{"start":0}', "two integers"),
        ("24", "two integers"),
    ],
)
def test_range_invalid_values(document: str, fragment: str) -> None:
    message = rejection(range_param=document).errors["range"]
    assert fragment in message


@pytest.mark.parametrize(
    "document",
    [
        f"[0,{10**30}]",
        f"[{10**30},{10**30}]",
        f"[{2**64 - 1},{2**64 - 1}]",
        f"[{2**53},{2**53}]",
        "[1e300,1e300]",
    ],
)
def test_range_huge_numbers(document: str) -> None:
    message = rejection(range_param=document).errors["range"]
    assert "must not exceed 9007199254740991" in message


def test_range_largest_position() -> None:
    query = parse(range_param=f"[{2**53 - 1},{2**53 - 1}]")
    assert query.start == 2**53 - 1


def test_range_invalid_json() -> None:
    message = rejection(range_param="[0,").errors["range"]
    assert message.startswith("Invalid JSON in the range parameter:")


def test_range_header_used_without_parameter() -> None:
    query = parse(range_header="partners=0-24")
    assert (query.start, query.end) == (0, 24)


def test_range_header_with_empty_parameter() -> None:
    query = parse(range_param="", range_header="partners=10-19")
    assert (query.start, query.end) == (10, 19)


def test_range_header_leading_zeros() -> None:
    query = parse(range_header=" partners=0010-00019 ")
    assert (query.start, query.end) == (10, 19)


def test_range_parameter_wins_over_header() -> None:
    query = parse(range_param="[50,74]", range_header="partners=0-24")
    assert (query.start, query.end) == (50, 74)


def test_range_parameter_error_despite_header() -> None:
    error = rejection(range_param="[5,1]", range_header="partners=0-24")
    assert "Invalid range [5, 1]" in error.errors["range"]


@pytest.mark.parametrize(
    "header",
    [
        "customers=0-24",
        "bytes=0-24",
        "partners=0-",
        "partners=-24",
        "partners=a-b",
        "partners=0-24,30-40",
        "partners 0-24",
        "Partners=0-24",
        "partners=\u0660-\u0669",
        "garbage",
    ],
)
def test_range_header_ignored(header: str) -> None:
    query = parse(range_header=header)
    assert (query.start, query.end) == (0, 99)


def test_range_header_for_customers() -> None:
    query = parse(CUSTOMERS_LIST_SPEC, range_header="customers=5-9")
    assert (query.start, query.end) == (5, 9)


def test_range_header_span_limit() -> None:
    message = rejection(range_header="partners=0-25", max_span=25).errors["range"]
    assert message == (
        "Invalid Range header 'partners=0-25': it spans 26 items but the maximum is 25."
    )


def test_range_header_end_before_start() -> None:
    message = rejection(range_header="partners=9-3").errors["range"]
    assert "the end must not be less than the start" in message


@pytest.mark.parametrize(
    "header",
    ["partners=0-" + "9" * 5000, f"partners={2**53}-{2**53}", "partners=0-9999999999999999"],
)
def test_range_header_huge_numbers(header: str) -> None:
    message = rejection(range_header=header).errors["range"]
    assert message.startswith("Invalid Range header")
    assert "must not exceed 9007199254740991" in message
