from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import Accounts

pytestmark = pytest.mark.anyio


async def test_me_returns_key_account(client: httpx.AsyncClient, accounts: Accounts) -> None:
    distributor = await accounts.distributor("Dist")
    response = await client.get("/v1/me", headers=await accounts.key(distributor))
    assert response.status_code == 200
    assert response.json()["account"]["id"] == str(distributor)
