"""Filters of GET /v1/partners, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.conftest import Accounts
from tests.api.listing_data import ListingData, get_list, listed_ids, listed_names, utc

pytestmark = pytest.mark.anyio


@pytest.fixture
def data(client: httpx.AsyncClient, engine: AsyncEngine, accounts: Accounts) -> ListingData:
    return ListingData(client, engine, accounts)


async def _distributor_key(accounts: Accounts) -> tuple[uuid.UUID, dict[str, str]]:
    distributor = await accounts.distributor("Filter Distributor")
    return distributor, await accounts.key(distributor)


async def test_partners_filter_by_id(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor, key = await _distributor_key(accounts)
    first = await data.partner(distributor, "First")
    await data.partner(distributor, "Second")

    response = await get_list(client, "partners", key, filters={"id": str(first)})

    assert listed_ids(response) == [first]
    assert response.headers["X-Total-Count"] == "1"


async def test_partners_filter_by_id_upper_case(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor, key = await _distributor_key(accounts)
    first = await data.partner(distributor, "First")
    await data.partner(distributor, "Second")

    response = await get_list(client, "partners", key, filters={"id": str(first).upper()})

    assert listed_ids(response) == [first]


async def test_partners_filter_by_id_list(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    """react-admin's getMany sends {"id": [...]}."""
    distributor, key = await _distributor_key(accounts)
    first = await data.partner(distributor, "First")
    await data.partner(distributor, "Second")
    third = await data.partner(distributor, "Third")

    response = await get_list(
        client, "partners", key, filters={"id": [str(third), str(first)]}, sort=["name", "ASC"]
    )

    assert listed_ids(response) == [first, third]
    assert response.headers["X-Total-Count"] == "2"


async def test_partners_filter_by_ids_one(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor, key = await _distributor_key(accounts)
    await data.partner(distributor, "First")
    second = await data.partner(distributor, "Second")

    response = await get_list(client, "partners", key, filters={"ids": str(second)})

    assert listed_ids(response) == [second]


async def test_partners_filter_by_ids_list(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor, key = await _distributor_key(accounts)
    first = await data.partner(distributor, "First")
    second = await data.partner(distributor, "Second")
    await data.partner(distributor, "Third")

    response = await get_list(
        client, "partners", key, filters={"ids": [str(first), str(second)]}, sort=["name", "ASC"]
    )

    assert listed_ids(response) == [first, second]


async def test_partners_filter_by_id_and_ids(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    """Both keys apply, ANDed: only ids named in both lists match."""
    distributor, key = await _distributor_key(accounts)
    first = await data.partner(distributor, "First")
    second = await data.partner(distributor, "Second")
    third = await data.partner(distributor, "Third")

    response = await get_list(
        client,
        "partners",
        key,
        filters={"id": [str(first), str(second)], "ids": [str(second), str(third)]},
    )

    assert listed_ids(response) == [second]


async def test_partners_filter_by_unknown_id(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor, key = await _distributor_key(accounts)
    await data.partner(distributor, "First")

    response = await get_list(client, "partners", key, filters={"id": str(uuid.uuid4())})

    assert listed_ids(response) == []
    assert response.headers["Content-Range"] == "partners */0"


async def test_partners_filter_by_empty_id_list(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor, key = await _distributor_key(accounts)
    await data.partner(distributor, "First")

    response = await get_list(client, "partners", key, filters={"id": []})

    assert listed_ids(response) == []
    assert response.headers["X-Total-Count"] == "0"


async def test_partners_filter_by_name_substring(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor, key = await _distributor_key(accounts)
    await data.partner(distributor, "ACME Telecom")
    await data.partner(distributor, "Northwind acme")
    await data.partner(distributor, "Globex")

    response = await get_list(
        client, "partners", key, filters={"name": "Acme"}, sort=["name", "ASC"]
    )

    assert listed_names(response) == ["ACME Telecom", "Northwind acme"]
    assert response.headers["X-Total-Count"] == "2"


async def test_partners_filter_by_name_accented_upper_case(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor, key = await _distributor_key(accounts)
    await data.partner(distributor, "Petite école")
    await data.partner(distributor, "Ecole sans accent")

    upper = await get_list(client, "partners", key, filters={"name": "ÉCOLE"})
    lower = await get_list(client, "partners", key, filters={"name": "école"})

    assert listed_names(upper) == ["Petite école"]
    assert listed_names(lower) == ["Petite école"]


async def test_partners_filter_by_name_sharp_s(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    """Case folding maps 'ß' to 'ss', so 'Straße' and 'STRASSE' match each other."""
    distributor, key = await _distributor_key(accounts)
    await data.partner(distributor, "Hauptstraße Telecom")
    await data.partner(distributor, "STRASSE Networks")
    await data.partner(distributor, "Strand Systems")

    folded = await get_list(
        client, "partners", key, filters={"name": "STRASSE"}, sort=["name", "ASC"]
    )
    sharp = await get_list(
        client, "partners", key, filters={"name": "straße"}, sort=["name", "ASC"]
    )

    assert listed_names(folded) == ["Hauptstraße Telecom", "STRASSE Networks"]
    assert listed_names(sharp) == ["Hauptstraße Telecom", "STRASSE Networks"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100%", ["100% Uptime"]),
        ("%", ["100% Uptime"]),
        ("a_b", ["Data_Bridge"]),
        ("_", ["Data_Bridge"]),
        ("k\\s", ["Back\\slash"]),
        ("\\", ["Back\\slash"]),
    ],
)
async def test_partners_filter_by_name_wildcards_literal(
    client: httpx.AsyncClient,
    accounts: Accounts,
    data: ListingData,
    text: str,
    expected: list[str],
) -> None:
    distributor, key = await _distributor_key(accounts)
    for name in ("100% Uptime", "1000 Uptime", "Data_Bridge", "DataXBridge", "Back\\slash"):
        await data.partner(distributor, name)
    await data.partner(distributor, "Backslash")

    response = await get_list(client, "partners", key, filters={"name": text})

    assert listed_names(response) == expected


async def test_partners_filter_by_empty_name(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor, key = await _distributor_key(accounts)
    await data.partner(distributor, "First")
    await data.partner(distributor, "Second")

    response = await get_list(client, "partners", key, filters={"name": ""})

    assert response.headers["X-Total-Count"] == "2"


async def test_partners_filter_by_code(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor, key = await _distributor_key(accounts)
    await data.partner(distributor, "ACME", code="acme")
    await data.partner(distributor, "ACME Two", code="acme-two")

    response = await get_list(client, "partners", key, filters={"code": "acme"})

    assert listed_names(response) == ["ACME"]


async def test_partners_filter_by_code_exact_case(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    """Codes are compared exactly, so an upper-case or partial code matches nothing."""
    distributor, key = await _distributor_key(accounts)
    await data.partner(distributor, "ACME", code="acme")

    upper = await get_list(client, "partners", key, filters={"code": "ACME"})
    partial = await get_list(client, "partners", key, filters={"code": "acm"})

    assert listed_names(upper) == []
    assert listed_names(partial) == []


async def test_partners_filter_by_code_list(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor, key = await _distributor_key(accounts)
    await data.partner(distributor, "Alpha", code="alpha")
    await data.partner(distributor, "Beta", code="beta")
    await data.partner(distributor, "Gamma", code="gamma")

    response = await get_list(
        client, "partners", key, filters={"code": ["gamma", "alpha"]}, sort=["name", "ASC"]
    )

    assert listed_names(response) == ["Alpha", "Gamma"]


async def test_partners_filter_by_state(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor, key = await _distributor_key(accounts)
    await data.partner(distributor, "Active One")
    await data.partner(distributor, "Pending One", state="Pending")
    await data.partner(distributor, "Suspended One", state="Suspended")

    response = await get_list(client, "partners", key, filters={"state": "Pending"})

    assert listed_names(response) == ["Pending One"]


async def test_partners_filter_by_state_list(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor, key = await _distributor_key(accounts)
    await data.partner(distributor, "Active One")
    await data.partner(distributor, "Pending One", state="Pending")
    await data.partner(distributor, "Suspended One", state="Suspended")

    response = await get_list(
        client,
        "partners",
        key,
        filters={"state": ["Suspended", "Active"]},
        sort=["name", "ASC"],
    )

    assert listed_names(response) == ["Active One", "Suspended One"]


async def test_partners_filter_by_level(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor, key = await _distributor_key(accounts)
    await data.partner(distributor, "Basic One", level="Basic")
    await data.partner(distributor, "Certified One", level="Certified")

    response = await get_list(client, "partners", key, filters={"level": "Certified"})

    assert listed_names(response) == ["Certified One"]


async def test_partners_filter_by_level_list(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor, key = await _distributor_key(accounts)
    await data.partner(distributor, "Basic One", level="Basic")
    await data.partner(distributor, "Certified One", level="Certified")

    both = await get_list(
        client,
        "partners",
        key,
        filters={"level": ["Basic", "Certified"]},
        sort=["name", "ASC"],
    )
    single = await get_list(client, "partners", key, filters={"level": ["Basic"]})

    assert listed_names(both) == ["Basic One", "Certified One"]
    assert listed_names(single) == ["Basic One"]


async def test_partners_filter_by_countries_overlap(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor, key = await _distributor_key(accounts)
    await data.partner(distributor, "North America", countries=["us", "ca"])
    await data.partner(distributor, "South America", countries=["ar", "br"])
    await data.partner(distributor, "Nowhere")

    canada = await get_list(client, "partners", key, filters={"countryIds_ovl": ["ca"]})
    either = await get_list(
        client,
        "partners",
        key,
        filters={"countryIds_ovl": ["br", "us", "fr"]},
        sort=["name", "ASC"],
    )
    none = await get_list(client, "partners", key, filters={"countryIds_ovl": ["fr"]})

    assert listed_names(canada) == ["North America"]
    assert listed_names(either) == ["North America", "South America"]
    assert listed_names(none) == []


async def test_partners_filter_by_countries_overlap_upper_case(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor, key = await _distributor_key(accounts)
    await data.partner(distributor, "North America", countries=["us", "ca"])
    await data.partner(distributor, "South America", countries=["ar"])

    response = await get_list(client, "partners", key, filters={"countryIds_ovl": "US"})

    assert listed_names(response) == ["North America"]


async def test_partners_filter_by_countries_counted_once(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    """A partner in two of the requested countries is listed and counted once."""
    distributor, key = await _distributor_key(accounts)
    await data.partner(distributor, "North America", countries=["us", "ca", "mx"])

    response = await get_list(
        client, "partners", key, filters={"countryIds_ovl": ["us", "ca", "mx"]}
    )

    assert listed_names(response) == ["North America"]
    assert response.headers["X-Total-Count"] == "1"


async def test_partners_filters_combined(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    distributor, key = await _distributor_key(accounts)
    await data.partner(distributor, "Acme North", level="Certified", countries=["ca"])
    await data.partner(distributor, "Acme South", level="Basic", countries=["ca"])
    await data.partner(
        distributor, "Acme East", level="Certified", countries=["ca"], state="Suspended"
    )
    await data.partner(distributor, "Other", level="Certified", countries=["ca"])

    response = await get_list(
        client,
        "partners",
        key,
        filters={
            "name": "acme",
            "level": "Certified",
            "state": "Active",
            "countryIds_ovl": ["ca"],
        },
    )

    assert listed_names(response) == ["Acme North"]
    assert response.headers["X-Total-Count"] == "1"


async def test_partners_document_example_filter(
    client: httpx.AsyncClient, accounts: Accounts, data: ListingData
) -> None:
    """The request of the API document's GET /partners example, parameter for parameter."""
    distributor, key = await _distributor_key(accounts)
    march = utc("2026-03-14T01:45:01.717")
    expected = await data.partner(
        distributor, "ACME", code="acme", level="Basic", countries=["us"], created_at=march
    )
    await data.partner(
        distributor, "ACME Canada", code="acme-ca", countries=["ca"], created_at=march
    )
    await data.partner(
        distributor,
        "ACME Late",
        code="acme-late",
        countries=["us"],
        created_at=utc("2026-04-02T00:00:00"),
    )
    await data.partner(distributor, "Globex", code="globex", countries=["us"], created_at=march)

    response = await client.get(
        "/v1/partners",
        params={
            "filter": '{"name":"ACME","countryIds_ovl":["us"],"code":"acme","state":"Active",'
            '"level":["Basic","Certified"],"createdAt_gte":"2026-03-01",'
            '"createdAt_lte":"2026-04-01"}',
            "sort": '["name","DESC"]',
            "range": "[0,99]",
        },
        headers=key,
    )

    assert listed_ids(response) == [expected]
    assert response.headers["Content-Range"] == "partners 0-0/1"
    assert response.json()[0]["createdAt"] == "2026-03-14T01:45:01.717"


async def test_partners_name_filter_matches_decomposed_accents(
    client: httpx.AsyncClient, accounts: Accounts
) -> None:
    distributor = await accounts.distributor()
    headers = await accounts.key(distributor)
    decomposed = await accounts.partner("E\u0301cole Decomposed", parent=distributor)
    await accounts.partner("Ecole Plain", parent=distributor)

    response = await client.get(
        "/v1/partners", headers=headers, params={"filter": '{"name": "\u00e9cole"}'}
    )

    assert response.status_code == 200
    assert [item["id"] for item in response.json()] == [str(decomposed)]
