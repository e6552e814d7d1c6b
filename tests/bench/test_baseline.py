"""The benchmark's baseline returns the API's own bytes for the API's requests.

The ratios of bench/ are only meaningful if the bare baseline does the same work as the
server: these tests record the server's statements for every scenario of a small seeded
database, replay them through the baseline, and compare the responses.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest

from bench import baseline, capture, plan, scenarios
from tests.cli import clear_database, run_json

pytestmark = pytest.mark.postgresql


@pytest.fixture(scope="module")
def seeded(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> scenarios.Facts:
    clear_database(postgres_url)
    keys_file = tmp_path_factory.mktemp("bench") / "keys.json"
    run_json(
        [
            "--database-url", postgres_url, "bench", "seed", "--distributors", "2",
            "--partners", "12", "--customers", "400", "--keys-file", str(keys_file),
        ]
    )  # fmt: skip
    return scenarios.facts(postgres_url, json.loads(keys_file.read_text()))


def _record(
    url: str, facts: scenarios.Facts, chosen: list[scenarios.Scenario]
) -> tuple[list[capture.Captured], dt.datetime]:
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return asyncio.run(plan.record(url, facts.admin_token, chosen)), started


async def _ask_baseline(
    plan_path: Path, url: str, requests: list[tuple[str, str, bytes, str]]
) -> list[httpx.Response]:
    app = baseline.Baseline()
    await app.startup(plan_path=str(plan_path), dsn=url)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            return [
                await client.request(
                    method,
                    target,
                    content=body or None,
                    headers={"Prefer": prefer} if prefer else None,
                )
                for method, target, body, prefer in requests
            ]
    finally:
        await app.shutdown()


def test_baseline_answers_every_read_with_the_api_bytes(
    postgres_url: str, seeded: scenarios.Facts, tmp_path: Path
) -> None:
    reads = [s for s in scenarios.build(seeded) if s.method == "GET"]
    recorded, started = _record(postgres_url, seeded, reads)
    plan_path = tmp_path / "plan.json"
    plan.write(plan_path, reads, recorded, started)

    answers = asyncio.run(
        _ask_baseline(plan_path, postgres_url, [("GET", s.target, b"", s.prefer) for s in reads])
    )

    assert {s.kind for s in reads} >= {"customers", "customer", "partners", "me"}
    for scenario, item, answer in zip(reads, recorded, answers, strict=True):
        assert item.status == 200, (scenario.name, item.body)
        assert (answer.status_code, answer.content) == (200, item.body), scenario.name
        if scenario.kind in {"customers", "partners"}:
            assert answer.headers["content-range"] == item.headers["content-range"]


def test_baseline_create_stores_a_new_customer_with_the_request_email(
    postgres_url: str, seeded: scenarios.Facts, tmp_path: Path
) -> None:
    create = next(s for s in scenarios.build(seeded) if s.kind == "create")
    recorded, started = _record(postgres_url, seeded, [create])
    plan_path = tmp_path / "plan.json"
    plan.write(plan_path, [create], recorded, started)
    body = create.body.replace("{unique}", "baseline-test").encode()

    (answer,) = asyncio.run(
        _ask_baseline(plan_path, postgres_url, [("POST", create.target, body, "")])
    )

    assert recorded[0].status == 201
    assert answer.status_code == 201
    created = answer.json()
    assert created["contactData"]["members"][0]["email"] == "bench-baseline-test@example.com"
    assert created["id"] != json.loads(recorded[0].body)["id"]

    async def stored_email() -> str | None:
        connection = await asyncpg.connect(postgres_url)
        try:
            value: str | None = await connection.fetchval(
                "SELECT email FROM members WHERE customer_id = $1",
                uuid.UUID(created["id"]),
            )
            return value
        finally:
            await connection.close()

    assert asyncio.run(stored_email()) == "bench-baseline-test@example.com"


def test_explain_reports_the_database_time_of_each_scenario(
    postgres_url: str, seeded: scenarios.Facts
) -> None:
    chosen = [s for s in scenarios.build(seeded) if s.core or s.kind == "create" or s.prefer]
    recorded, started = _record(postgres_url, seeded, chosen)

    times = plan.explain(postgres_url, chosen, recorded, started, repeat=1)

    assert len(times) == len(chosen)
    for scenario, item, ms in zip(chosen, recorded, times, strict=True):
        # /v1/me runs no SQL once its key is in the authentication cache.
        assert (ms > 0) == bool(item.statements), scenario.name
        assert ms < 10_000, scenario.name
