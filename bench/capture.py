"""The SQL statements that the API server runs for a request, recorded for the baseline.

The baseline must run the same SQL as the server. Rather than restating the queries, the
suite sends each scenario's request to the application in process, twice, and records
the statements of the second request (the first may also write the key's last use).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import Connection, event

from partners_api.http.app import create_app
from partners_api.settings import Settings
from partners_api.storage.database import create_engine


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # with the query string, as sent on the wire
    token: str
    body: bytes = b""
    prefer: str = ""
    # Creates are sent once: a second identical create would be a conflict.
    warm_up: bool = True


@dataclass
class Captured:
    statements: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    # Whether the statements ran in a transaction; False when they ran in autocommit
    # mode or when there were none.
    in_transaction: bool = False
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


async def capture(database_url: str, requests: list[Request]) -> list[Captured]:
    """Send each request to the application, twice unless it is a create, and return
    what the last one did."""
    engine = create_engine(database_url, pool_size=2)
    recording: list[tuple[str, tuple[Any, ...]]] = []
    isolation_levels: set[str | None] = set()

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def record(
        conn: Connection, _cursor: object, statement: str, parameters: Any, *_: object
    ) -> None:
        recording.append((statement, tuple(parameters or ())))
        isolation_levels.add(conn.get_execution_options().get("isolation_level"))

    app = create_app(Settings(database_url=database_url, rate_limit_burst=0), engine)
    results = []
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for item in requests:
                response = None
                for _ in range(2 if item.warm_up else 1):
                    recording.clear()
                    isolation_levels.clear()
                    response = await client.request(
                        item.method,
                        item.path,
                        content=item.body or None,
                        headers={
                            "Authorization": f"Bearer {item.token}",
                            "Content-Type": "application/json",
                            **({"Prefer": item.prefer} if item.prefer else {}),
                        },
                    )
                assert response is not None
                results.append(
                    Captured(
                        statements=list(recording),
                        in_transaction=bool(isolation_levels - {"AUTOCOMMIT"}),
                        status=response.status_code,
                        headers=dict(response.headers),
                        body=response.content,
                    )
                )
    finally:
        await engine.dispose()
    return results


def encode_parameter(value: Any) -> Any:
    """Tag a parameter for JSON, so that the baseline can restore its type."""
    if isinstance(value, uuid.UUID):
        return {"uuid": str(value)}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    raise TypeError(f"cannot encode the SQL parameter {value!r} for the baseline")


def decode_parameter(value: Any) -> Any:
    if isinstance(value, dict):
        if "uuid" in value:
            return uuid.UUID(value["uuid"])
        if "datetime" in value:
            return dt.datetime.fromisoformat(value["datetime"])
        if "date" in value:
            return dt.date.fromisoformat(value["date"])
    return value
