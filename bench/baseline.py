"""The bare ASGI baseline: no framework, the server's own SQL through asyncpg, orjson.

It serves only the requests of the benchmark plan (``PARTNERS_BENCH_PLAN``, written by
the suite). For each, it runs the statements that the API server ran for the same request
(recorded by ``bench.capture``) in a transaction of the same kind, or in none where the
API used none. It builds the same JSON with the service's view functions and row
grouping, the pure code that maps rows to objects. What the API server adds on top of
this (routing, validation, dependencies, middleware, SQLAlchemy) is what the benchmark
ratios measure.

Creates replay the recorded statements with new ids and the email of the request body,
and return the recorded body with the same substitutions.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson

from bench.capture import decode_parameter
from partners_api.domain import customers, views
from partners_api.domain.ids import new_id
from partners_api.storage import accounts as account_rows
from partners_api.storage import customers as customer_rows
from partners_api.storage import members as member_rows

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@dataclass(frozen=True)
class Entry:
    kind: str  # customers, customer, partners, partner, me or create
    method: str
    statements: list[tuple[str, tuple[Any, ...]]]
    in_transaction: bool
    item_count: int | None
    resource: str
    body: bytes
    headers: list[tuple[bytes, bytes]]
    new_ids: frozenset[str]
    email: str


PlanKey = tuple[str, str, str]  # method, target, Prefer header


def _load_plan(path: str) -> dict[PlanKey, Entry]:
    with open(path, encoding="utf-8") as source:
        data = json.load(source)
    plan = {}
    for item in data["entries"]:
        entry = Entry(
            kind=item["kind"],
            method=item["method"],
            statements=[
                (sql, tuple(decode_parameter(p) for p in params))
                for sql, params in item["statements"]
            ],
            in_transaction=item["inTransaction"],
            item_count=item["itemCount"],
            resource=item["resource"],
            body=item["body"].encode(),
            headers=[(k.encode(), v.encode()) for k, v in item["headers"]],
            new_ids=frozenset(item["newIds"]),
            email=item["email"],
        )
        plan[(item["method"], item["target"], item["prefer"])] = entry
    return plan


class Baseline:
    def __init__(self) -> None:
        self.plan: dict[PlanKey, Entry] = {}
        self.pool: asyncpg.Pool | None = None

    async def startup(self, plan_path: str | None = None, dsn: str | None = None) -> None:
        """Load the plan and open the pool; by default from the environment that the
        suite gives the baseline's server process."""
        self.plan = _load_plan(plan_path or os.environ["PARTNERS_BENCH_PLAN"])
        self.pool = await asyncpg.create_pool(
            dsn or os.environ["PARTNERS_BENCH_DSN"],
            min_size=1,
            max_size=int(os.environ.get("PARTNERS_BENCH_POOL_SIZE", "20")),
            init=_init_connection,
        )

    async def shutdown(self) -> None:
        if self.pool is not None:
            await self.pool.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["path"] == "/healthz":
            await _respond(send, 200, b'{"status":"ok"}', [])
            return
        target = scope["path"]
        if scope["query_string"]:
            target += "?" + scope["query_string"].decode()
        prefer = next((v.decode() for k, v in scope["headers"] if k == b"prefer"), "")
        entry = self.plan.get((scope["method"], target, prefer))
        if entry is None:
            await _respond(send, 404, b'{"detail":"not in the benchmark plan"}', [])
            return
        body = await _read_body(receive)
        if not entry.statements:
            # The API used no database (GET /v1/me with a cached key), so neither does this.
            await _respond(send, 200, _BUILDERS[entry.kind](entry, []), entry.headers)
            return
        assert self.pool is not None
        async with self.pool.acquire() as connection:
            if not entry.in_transaction:
                status, payload = await _run(connection, entry, body)
            else:
                if entry.method == "GET":
                    transaction = connection.transaction(isolation="repeatable_read", readonly=True)
                else:
                    transaction = connection.transaction()
                async with transaction:
                    status, payload = await _run(connection, entry, body)
        await _respond(send, status, payload, entry.headers)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.startup()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _run(connection: asyncpg.Connection, entry: Entry, body: bytes) -> tuple[int, bytes]:
    if entry.kind == "create":
        return await _create(connection, entry, body)
    results = [await connection.fetch(sql, *p) for sql, p in entry.statements]
    return 200, _BUILDERS[entry.kind](entry, results)


async def _init_connection(connection: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await connection.set_type_codec(
            name, schema="pg_catalog", encoder=str, decoder=orjson.loads, format="text"
        )


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _respond(
    send: Send, status: int, payload: bytes, headers: Sequence[tuple[bytes, bytes]]
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


def _find(entry: Entry, results: list[list[Any]], test: Callable[[str], bool]) -> list[Any]:
    for (sql, _), rows in zip(entry.statements, results, strict=True):
        if test(sql):
            return rows
    return []


def _is_count(sql: str) -> bool:
    return sql.startswith("SELECT count(")


def _selects(table: str) -> Callable[[str], bool]:
    return lambda sql: sql.startswith("SELECT") and f"FROM {table}" in sql and not _is_count(sql)


def _customer_items(entry: Entry, results: list[list[Any]]) -> list[views.JSON]:
    records = customer_rows.records_from_rows(_find(entry, results, _selects("customers")))
    return customers.customer_views(records[: entry.item_count])


def _partner_items(entry: Entry, results: list[list[Any]]) -> list[views.JSON]:
    records = member_rows.group_members(_find(entry, results, _selects("accounts")))
    records = records[: entry.item_count]
    return [
        views.account_view(record.row, account_rows.parent_of(record), record.members)
        for record in records
    ]


def _one(items: list[views.JSON]) -> bytes:
    return orjson.dumps(items[0])


_BUILDERS: dict[str, Callable[[Entry, list[list[Any]]], bytes]] = {
    "customers": lambda entry, results: orjson.dumps(_customer_items(entry, results)),
    "customer": lambda entry, results: _one(_customer_items(entry, results)),
    "partners": lambda entry, results: orjson.dumps(_partner_items(entry, results)),
    "partner": lambda entry, results: _one(_partner_items(entry, results)),
    "me": lambda entry, results: entry.body,
}


async def _create(connection: asyncpg.Connection, entry: Entry, body: bytes) -> tuple[int, bytes]:
    email = orjson.loads(body)["email"]
    replacements = {old: str(new_id()) for old in entry.new_ids}
    replacements[entry.email] = email
    for sql, parameters in entry.statements:
        await connection.fetch(sql, *(_replace(p, replacements) for p in parameters))
    payload = entry.body
    for old, new in replacements.items():
        payload = payload.replace(old.encode(), new.encode())
    return 201, payload


def _replace(value: Any, replacements: Mapping[str, str]) -> Any:
    if isinstance(value, uuid.UUID):
        text = str(value)
        return uuid.UUID(replacements[text]) if text in replacements else value
    if isinstance(value, str) and value in replacements:
        return replacements[value]
    return value


app = Baseline()
