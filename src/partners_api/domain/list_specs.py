"""Filter and sort fields accepted by ``GET /v1/partners`` and ``GET /v1/customers``."""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

from partners_api.domain.enums import CustomerState, PartnerState
from partners_api.domain.listing import FieldSpec, FilterKind, ResourceListSpec

_ID = FieldSpec(FilterKind.ID)
_EXACT = FieldSpec(FilterKind.EXACT)
_COUNTRY = FieldSpec(FilterKind.COUNTRY)
_SUBSTRING = FieldSpec(FilterKind.SUBSTRING, list_allowed=False)
_COUNTRY_SET = FieldSpec(FilterKind.COUNTRY_SET)
_TIMESTAMP = FieldSpec(FilterKind.TIMESTAMP, list_allowed=False)


def _enum_field(choices: Sequence[str]) -> FieldSpec:
    return FieldSpec(FilterKind.ENUM, choices=tuple(choices))


def partners_list_spec(levels: Sequence[str]) -> ResourceListSpec:
    """Build the list spec of partners, with ``levels`` as the accepted partner levels.

    The levels come from the settings, so the spec is built per application rather
    than once at import.
    """
    filters = {
        "id": _ID,
        "ids": _ID,
        "name": _SUBSTRING,
        "code": _EXACT,
        "state": _enum_field([state.value for state in PartnerState]),
        "level": _enum_field(levels),
        "countryIds": _COUNTRY_SET,
        "createdAt": _TIMESTAMP,
        "updatedAt": _TIMESTAMP,
    }
    return ResourceListSpec(
        resource="partners",
        filters=MappingProxyType(filters),
        sort_fields=(
            "id",
            "name",
            "code",
            "state",
            "level",
            "createdAt",
            "updatedAt",
            "customersCount",
        ),
    )


CUSTOMERS_LIST_SPEC = ResourceListSpec(
    resource="customers",
    filters=MappingProxyType(
        {
            "id": _ID,
            "ids": _ID,
            "name": _SUBSTRING,
            "countryId": _COUNTRY,
            "planId": _EXACT,
            "state": _enum_field([state.value for state in CustomerState]),
            "partnerId": _ID,
            "createdAt": _TIMESTAMP,
            "updatedAt": _TIMESTAMP,
        }
    ),
    sort_fields=("id", "name", "countryId", "state", "planId", "createdAt", "updatedAt"),
)
"""List spec of customers."""
