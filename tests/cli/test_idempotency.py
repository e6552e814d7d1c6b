"""``partners-api idempotency purge`` deletes expired records only."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from partners_api.storage.database import create_engine
from partners_api.storage.tables import idempotency_keys
from tests.cli import run_json, sqlite_file_url


async def _insert_records(url: str, expires: list[dt.datetime]) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            for index, expires_at in enumerate(expires):
                await connection.execute(
                    insert(idempotency_keys).values(
                        api_key_id=uuid.uuid4(),
                        key=f"key-{index}",
                        method="POST",
                        path="/v1/customers",
                        request_hash="0" * 64,
                        created_at=expires_at - dt.timedelta(hours=24),
                        expires_at=expires_at,
                    )
                )
    finally:
        await engine.dispose()


async def _count_records(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            statement = select(func.count()).select_from(idempotency_keys)
            return int((await connection.execute(statement)).scalar_one())
    finally:
        await engine.dispose()


def test_purge_deletes_only_expired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    url = sqlite_file_url(tmp_path / "purge.db")
    assert run_json(["--database-url", url, "db", "upgrade"]) is not None
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    past = now - dt.timedelta(hours=1)
    future = now + dt.timedelta(hours=1)
    asyncio.run(_insert_records(url, [past, past, future]))

    result = run_json(["--database-url", url, "idempotency", "purge"])

    assert result == {"deleted": 2}
    assert asyncio.run(_count_records(url)) == 1
