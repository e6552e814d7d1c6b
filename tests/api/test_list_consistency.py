"""The count and the page of one list request come from the same snapshot.

A list request runs two queries: the count behind X-Total-Count and Content-Range,
then the page. The test commits a change from a second connection exactly between the
two, through a cursor event on the app's engine, and checks that the response still
agrees with itself.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import await_only

from tests.api.conftest import Accounts
from tests.api.listing_data import ListingData, get_list, listed_ids

pytestmark = pytest.mark.anyio

_ACTIVATE_PENDING = "UPDATE accounts SET state = 'Active' WHERE state = 'Pending'"


def _commit_elsewhere(database_url: str) -> None:
    """Run _ACTIVATE_PENDING on a connection of its own and commit it.

    This runs inside a SQLAlchemy cursor event, so the PostgreSQL call is awaited with
    await_only on the greenlet of the app's connection.
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        connection = sqlite3.connect(url.database)
        try:
            connection.execute(_ACTIVATE_PENDING)
            connection.commit()
        finally:
            connection.close()
        return
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    other = await_only(asyncpg.connect(dsn, timeout=5))
    try:
        await_only(other.execute(_ACTIVATE_PENDING))
    finally:
        await_only(other.close())


async def test_list_total_matches_page_under_concurrent_write(
    client: httpx.AsyncClient,
    accounts: Accounts,
    engine: AsyncEngine,
    database_url: str,
) -> None:
    data = ListingData(client, engine, accounts)
    distributor = await accounts.distributor("Distributor")
    active = [await data.partner(distributor, f"Active {index}") for index in range(2)]
    await data.partner(distributor, "Pending", state="Pending")
    key = await accounts.key(distributor)
    fired: list[str] = []

    def after_count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not fired and statement.lstrip().lower().startswith("select count("):
            fired.append(statement)
            _commit_elsewhere(database_url)

    event.listen(engine.sync_engine, "after_cursor_execute", after_count)
    try:
        response = await get_list(client, "partners", key, filters={"state": "Active"})
    finally:
        event.remove(engine.sync_engine, "after_cursor_execute", after_count)

    assert len(fired) == 1
    assert listed_ids(response) == sorted(active)
    assert response.headers["X-Total-Count"] == "2"
    assert response.headers["Content-Range"] == "partners 0-1/2"
