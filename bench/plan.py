"""The baseline's plan: the recorded statements and responses of every scenario."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg

from bench import capture
from bench.scenarios import Scenario

_CAPTURE_UNIQUE = "capture-{stamp}"


def _created_after(value: Any, start: dt.datetime) -> bool:
    """Tell whether ``value`` is a UUIDv7 made after ``start``: an id the request created."""
    if not isinstance(value, uuid.UUID) or value.version != 7:
        return False
    milliseconds = value.int >> 80
    return dt.datetime.fromtimestamp(milliseconds / 1000, dt.UTC).replace(tzinfo=None) >= start


async def record(
    database_url: str, token: str, scenarios: list[Scenario]
) -> list[capture.Captured]:
    """Send every scenario's request to the application in process and record it."""
    requests = []
    for scenario in scenarios:
        unique = _CAPTURE_UNIQUE.format(stamp=uuid.uuid4().hex[:12])
        body = scenario.body.replace("{unique}", unique).encode()
        requests.append(
            capture.Request(
                scenario.method,
                scenario.target,
                token,
                body,
                prefer=scenario.prefer,
                warm_up=scenario.method == "GET",
            )
        )
    return await capture.capture(database_url, requests)


def created_values(
    scenario: Scenario, item: capture.Captured, started: dt.datetime
) -> tuple[set[str], str]:
    """Return the ids that a recorded create made, and the email it sent."""
    new_ids = {
        str(value)
        for _, parameters in item.statements
        for value in parameters
        if _created_after(value, started)
    }
    email = json.loads(item.body)["contactData"]["members"][0]["email"] if scenario.body else ""
    return new_ids, email


def write(
    path: Path, scenarios: list[Scenario], recorded: list[capture.Captured], started: dt.datetime
) -> None:
    """Write the plan file that ``bench.baseline`` reads."""
    entries = []
    for scenario, item in zip(scenarios, recorded, strict=True):
        new_ids, email = created_values(scenario, item, started)
        headers = [
            (name, value)
            for name, value in item.headers.items()
            if name in {"content-range", "x-total-count", "location", "preference-applied"}
        ]
        entries.append(
            {
                "kind": scenario.kind,
                "method": scenario.method,
                "target": scenario.target,
                "prefer": scenario.prefer,
                "resource": scenario.resource,
                "inTransaction": item.in_transaction,
                # A list that looks one row past its range returns one row fewer.
                "itemCount": len(json.loads(item.body))
                if scenario.kind in {"customers", "partners"}
                else None,
                "statements": [
                    [sql, [capture.encode_parameter(p) for p in parameters]]
                    for sql, parameters in item.statements
                ],
                "body": item.body.decode(),
                "headers": headers,
                "newIds": sorted(new_ids),
                "email": email,
            }
        )
    path.write_text(json.dumps({"entries": entries}), encoding="utf-8")


async def _explain_one(
    connection: asyncpg.Connection,
    statements: list[tuple[str, tuple[Any, ...]]],
    replaced: set[str],
) -> float:
    total = 0.0
    # A recorded create is replayed with new ids and email, then rolled back.
    replacements = {old: str(uuid.uuid4()) for old in replaced}
    transaction = connection.transaction()
    await transaction.start()
    try:
        for sql, parameters in statements:
            values = [_replace(value, replacements) for value in parameters]
            if sql.startswith("EXPLAIN"):
                # The planner estimate of count=planned is itself an EXPLAIN, which
                # cannot be explained: its own duration is its cost.
                started = time.perf_counter()
                await connection.fetchval(sql, *values)
                total += (time.perf_counter() - started) * 1000
                continue
            plan = await connection.fetchval("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, *values)
            data = json.loads(plan) if isinstance(plan, str) else plan
            total += data[0]["Planning Time"] + data[0]["Execution Time"]
    finally:
        await transaction.rollback()
    return total


def _replace(value: Any, replacements: dict[str, str]) -> Any:
    if isinstance(value, uuid.UUID) and str(value) in replacements:
        return uuid.UUID(replacements[str(value)])
    if isinstance(value, str):
        return replacements.get(value, value)
    return value


def explain(
    database_url: str,
    scenarios: list[Scenario],
    recorded: list[capture.Captured],
    started: dt.datetime,
    repeat: int = 5,
) -> list[float]:
    """Return, per scenario, the database's own time in ms (planning plus execution,
    summed over its statements; the median of ``repeat`` runs)."""

    async def run() -> list[float]:
        connection = await asyncpg.connect(database_url)
        try:
            medians = []
            for scenario, item in zip(scenarios, recorded, strict=True):
                new_ids, email = created_values(scenario, item, started)
                replaced = new_ids | ({email} if email else set())
                times = sorted(
                    [
                        await _explain_one(connection, item.statements, replaced)
                        for _ in range(repeat)
                    ]
                )
                medians.append(times[len(times) // 2])
            return medians
        finally:
            await connection.close()

    return asyncio.run(run())
