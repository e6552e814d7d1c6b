"""Per-resource docs of the list endpoints: the filter, sort and range parameters, the
Range and Prefer headers, and the headers of the response."""

from __future__ import annotations

from typing import Any, NamedTuple

import orjson

from partners_api.domain.enums import CustomerState, PartnerState
from partners_api.domain.list_specs import CUSTOMERS_LIST_SPEC, partners_list_spec
from partners_api.domain.listing import FilterKind, ResourceListSpec
from partners_api.http.response_models import header
from partners_api.settings import Settings

_MAX_RANGE_SPAN: int = Settings.model_fields["max_range_span"].default
_MAX_FILTER_VALUES: int = Settings.model_fields["max_filter_values"].default
_DEFAULT_LEVELS: list[str] = Settings.model_fields["partner_levels"].default


class ListParameters(NamedTuple):
    """Docs of the filter, sort and range parameters and the headers of one list endpoint."""

    resource: str
    filters: str
    filter_example: str
    sort_fields: tuple[str, ...]
    spec: ResourceListSpec

    def filter_description(self) -> str:
        return (
            f"JSON object of conditions, all of which must hold:\n\n{self.filters}\n"
            "- `createdAt_gte`, `createdAt_gt`, `createdAt_lte`, `createdAt_lt`, `updatedAt_gte`, "
            "`updatedAt_gt`, `updatedAt_lte`, `updatedAt_lt`: a date YYYY-MM-DD, which covers "
            "the whole UTC day, or an ISO 8601 timestamp, taken as UTC when it has no offset."
            "\n\n"
            "Country codes are ISO 3166-1 alpha-2 in either case. A list holds at most "
            f"{_MAX_FILTER_VALUES} values by default."
        )

    def sort_description(self) -> str:
        return (
            f'JSON array [field, "ASC" or "DESC"], the direction in either case. Fields: '
            f"{', '.join(self.sort_fields)}. name sorts ignoring case, and ties are broken "
            'by id. Default ["id","ASC"].'
        )

    def apply(self, parameters: list[dict[str, Any]]) -> None:
        """Replace the generic docs of the parameters that listing_params.py declares."""
        docs = {
            ("query", "filter"): (self.filter_description(), self.filter_example),
            ("query", "sort"): (self.sort_description(), '["name","DESC"]'),
            ("query", "range"): (
                "JSON array [start, end] of zero-based positions, both included. Default "
                f"[0,99]. A page holds at most {_MAX_RANGE_SPAN} items by default.",
                "[0,24]",
            ),
            ("header", "Range"): (
                f"The range as react-admin sends it, such as {self.resource}=0-24, used when "
                "the range parameter is absent. A malformed header, or one for another "
                "resource, is ignored.",
                f"{self.resource}=0-24",
            ),
            ("header", "Prefer"): (
                "Preferences of RFC 7240. count=exact (the default) counts every matching "
                f"{self.resource}. count=planned takes the PostgreSQL planner's row estimate "
                "instead, never below the rows returned, and counts exactly on SQLite. "
                "count=none runs no count, so the total is * unless the page reaches the end "
                "of the list. The response names the method used in Preference-Applied. "
                "Other preferences and other count values are ignored.",
                "count=planned",
            ),
        }
        json_schemas = {
            "filter": filter_schema(self.spec),
            "sort": sort_schema(self.spec),
            "range": _RANGE_SCHEMA,
        }
        for parameter in parameters:
            found = docs.get((parameter.get("in", ""), parameter.get("name", "")))
            if found is None:
                continue
            description, example = found
            parameter["description"] = description
            json_schema = json_schemas.get(parameter["name"])
            if json_schema is None or parameter["in"] != "query":
                parameter["schema"] = {"type": "string"}
                parameter["example"] = example
                continue
            # OpenAPI's way to say that a query parameter's value is JSON text.
            parameter.pop("schema", None)
            parameter.pop("example", None)
            parameter["content"] = {
                "application/json": {"schema": json_schema, "example": orjson.loads(example)}
            }


_MAX_POSITION = 2**53 - 1
_RANGE_SCHEMA: dict[str, Any] = {
    "type": "array",
    "prefixItems": [
        {"type": "integer", "minimum": 0, "maximum": _MAX_POSITION},
        {"type": "integer", "minimum": 0, "maximum": _MAX_POSITION},
    ],
    "minItems": 2,
    "maxItems": 2,
}
_TIMESTAMP_OPERATORS = ("_gte", "_gt", "_lte", "_lt")


def _one_or_many(item: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [item, {"type": "array", "items": item}]}


def filter_schema(spec: ResourceListSpec) -> dict[str, Any]:
    """Return the JSON schema of the ``filter`` object that ``spec`` accepts."""
    properties: dict[str, Any] = {}
    for name, field in spec.filters.items():
        match field.kind:
            case FilterKind.TIMESTAMP:
                for operator in _TIMESTAMP_OPERATORS:
                    properties[name + operator] = {"type": "string"}
            case FilterKind.COUNTRY_SET:
                properties[name + "_ovl"] = _one_or_many({"type": "string"})
            case FilterKind.SUBSTRING:
                properties[name] = {"type": "string"}
            case FilterKind.ENUM:
                properties[name] = _one_or_many({"type": "string", "enum": list(field.choices)})
            case FilterKind.ID:
                properties[name] = _one_or_many({"type": "string", "format": "uuid"})
            case _:
                properties[name] = _one_or_many({"type": "string"})
    return {"type": "object", "properties": properties, "additionalProperties": False}


def sort_schema(spec: ResourceListSpec) -> dict[str, Any]:
    """Return the JSON schema of the ``sort`` pair that ``spec`` accepts."""
    return {
        "type": "array",
        "prefixItems": [
            {"type": "string", "enum": list(spec.sort_fields)},
            {"type": "string", "enum": ["ASC", "DESC", "asc", "desc"]},
        ],
        "minItems": 2,
        "maxItems": 2,
    }


PARTNERS_LIST_PARAMETERS = ListParameters(
    resource="partners",
    filters=(
        "- `id` or `ids`: a partner id, or a list of ids.\n"
        "- `name`: text that the name contains, ignoring case.\n"
        "- `code`: a code, or a list of codes.\n"
        f"- `state`: one of {', '.join(PartnerState)}, or a list of them.\n"
        "- `level`: a partner level configured on the server (Basic and Certified by "
        "default), or a list of them.\n"
        "- `countryIds_ovl`: a country code, or a list; partners with at least one of them match."
    ),
    filter_example='{"name":"ACME","countryIds_ovl":["us"],"code":"acme","state":"Active",'
    '"level":["Basic","Certified"],"createdAt_gte":"2026-03-01","createdAt_lte":"2026-04-01"}',
    sort_fields=partners_list_spec(_DEFAULT_LEVELS).sort_fields,
    spec=partners_list_spec(_DEFAULT_LEVELS),
)
CUSTOMERS_LIST_PARAMETERS = ListParameters(
    resource="customers",
    filters=(
        "- `id` or `ids`: a customer id, or a list of ids.\n"
        "- `name`: text that the name contains, ignoring case.\n"
        "- `countryId`: a country code, or a list of codes.\n"
        "- `planId`: a plan id, or a list of plan ids.\n"
        f"- `state`: one of {', '.join(CustomerState)}, or a list of them.\n"
        "- `partnerId`: the id of the owning partner or distributor, or a list of ids."
    ),
    filter_example='{"name":"Customer Name","countryId":["us","ar"],"planId":["ent-4sc-y"],'
    '"state":["Trialing"],"createdAt_gte":"2026-03-01","createdAt_lte":"2026-04-01"}',
    sort_fields=CUSTOMERS_LIST_SPEC.sort_fields,
    spec=CUSTOMERS_LIST_SPEC,
)


PREFERENCE_APPLIED_HEADER: dict[str, Any] = {
    **header(
        "The count method used, such as `count=planned`: present when the request's Prefer "
        "header named count=exact, count=planned or count=none. It says `count=exact` where "
        "the server counted exactly instead: on SQLite, and for a planned page past the end."
    ),
    # Explicitly optional: a request without a count preference gets no such header.
    "required": False,
}


def list_response_headers(resource: str) -> dict[str, Any]:
    """Document the headers of a list response: the positions, the total and its count method."""
    return {
        "Content-Range": header(
            f"Zero-based positions of the returned items and the total, such as "
            f"`{resource} 0-24/1234`, or `{resource} */1234` when the page is empty. With "
            f"Prefer: count=none the total is `*` unless the page reaches the end of the "
            f"list: `{resource} 0-24/*`, or `{resource} */*` for an empty page past the end."
        ),
        "X-Total-Count": header(
            "Number of items that match the filter, over all pages, or the planner's estimate "
            "with Prefer: count=planned. Absent when the total is unknown (count=none).",
            "integer",
        ),
        "Preference-Applied": PREFERENCE_APPLIED_HEADER,
    }
