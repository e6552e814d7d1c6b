"""Flattening of nested objects and the streaming CSV and JSON writers, without a server."""

from __future__ import annotations

import csv
import io
import json

import pytest

from partners_api.client_cli.flatten import flatten, value_at
from partners_api.client_cli.output import CSV_HEADER_SAMPLE_ROWS, OutputFormat, write_items
from partners_api.client_cli.tables import PARTNER_COLUMNS

PARTNER = {
    "id": "019cea04-b015-7f54-a7dd-6e5c198f15a9",
    "name": "ACME",
    "countryIds": ["us", "ca"],
    "signUpData": {"originType": "HomeSite"},
    "contactData": {
        "public": {"web": "https://acme.example.com", "email": None, "phone": None},
        "members": [
            {"email": "a@acme.example.com", "phoneNumber": None, "roles": ["PartnerAdmin"]},
            {
                "email": "b@acme.example.com",
                "phoneNumber": "+1 234 555 0002",
                "roles": ["PartnerReader", "PartnerAdmin"],
            },
        ],
    },
    "logo": None,
    "isActive": True,
    "customersCount": 3,
}


def test_flatten_dots_nested_fields() -> None:
    cells = flatten(PARTNER)
    assert cells["contactData.public.web"] == "https://acme.example.com"
    assert cells["contactData.public.email"] == ""
    assert cells["signUpData.originType"] == "HomeSite"
    assert cells["customersCount"] == "3"
    assert cells["isActive"] == "true"
    assert cells["logo"] == ""


def test_flatten_joins_lists() -> None:
    cells = flatten(PARTNER)
    assert cells["countryIds"] == "us|ca"
    assert cells["contactData.members.email"] == "a@acme.example.com|b@acme.example.com"
    assert cells["contactData.members.phoneNumber"] == "|+1 234 555 0002"
    assert cells["contactData.members.roles"] == "PartnerAdmin|PartnerReader,PartnerAdmin"
    assert "contactData.members" not in cells


def test_flatten_indexes_lists_for_one_object() -> None:
    cells = flatten(PARTNER, index_lists=True)
    assert cells["contactData.members.1.email"] == "b@acme.example.com"
    assert cells["contactData.members.1.roles"] == "PartnerReader|PartnerAdmin"


def test_value_at_follows_list_indexes() -> None:
    assert value_at(PARTNER, "contactData.members.0.email") == "a@acme.example.com"
    assert value_at(PARTNER, "contactData.members.5.email") is None
    assert value_at(PARTNER, "logo.file") is None


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_extra_and_later_columns() -> None:
    with_logo = {**PARTNER, "id": "second", "logo": {"file": "acme.png", "maxHeight": 60}}
    output = io.StringIO()
    count = write_items(
        [PARTNER, with_logo],
        OutputFormat.CSV,
        columns=PARTNER_COLUMNS,
        csv_extra_columns=("signUpData.comments",),
        stream=output,
    )
    assert count == 2
    header = output.getvalue().splitlines()[0].split(",")
    # The null logo of the first row gives way to the columns of the second row's logo.
    assert "logo" not in header
    assert header.index("logo.maxHeight") == header.index("logo.file") + 1
    assert header.index("signUpData.comments") == header.index("signUpData.originType") + 1
    rows = _csv_rows(output.getvalue())
    assert rows[0]["logo.file"] == ""
    assert rows[1]["logo.file"] == "acme.png"
    assert rows[1]["logo.maxHeight"] == "60"


def test_csv_warns_of_columns_after_sample(capsys: pytest.CaptureFixture[str]) -> None:
    items = [{"id": str(index)} for index in range(CSV_HEADER_SAMPLE_ROWS)]
    items.append({"id": "late", "lateField": "kept in JSON only"})
    output = io.StringIO()
    write_items(items, OutputFormat.CSV, columns=PARTNER_COLUMNS, stream=output)
    rows = _csv_rows(output.getvalue())
    assert len(rows) == CSV_HEADER_SAMPLE_ROWS + 1
    assert rows[-1] == {"id": "late"}
    assert "no column for lateField" in capsys.readouterr().err


def test_empty_list_writes_empty_outputs() -> None:
    for fmt, expected in [
        (OutputFormat.JSON, "[]\n"),
        (OutputFormat.JSONL, ""),
        (OutputFormat.CSV, ""),
    ]:
        output = io.StringIO()
        assert write_items([], fmt, columns=PARTNER_COLUMNS, stream=output) == 0
        assert output.getvalue() == expected


def test_json_array_streams_valid_json() -> None:
    output = io.StringIO()
    write_items([PARTNER, PARTNER], OutputFormat.JSON, columns=PARTNER_COLUMNS, stream=output)
    assert json.loads(output.getvalue()) == [PARTNER, PARTNER]
