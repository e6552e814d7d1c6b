"""A running server survives a PostgreSQL restart.

A private PostgreSQL is stopped for a few seconds under a steady load of GET and POST
requests. While it is down every request must end quickly with a 503 problem+json and
Retry-After, never a 500 or a hang. Once it is back the same server process must return
2xx again within seconds, and every POST that got a 2xx must be in the database.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from partners_api.cli.db import setting_env_var
from tests.api.server_process import Server, running_server
from tests.cli import run_json
from tests.storage.private_postgres import PrivateServer, private_postgres, skip_unless_available

DATABASE_NAME = "partners_restart"
DOWNTIME_SECONDS = 4.0
WARM_UP_SECONDS = 1.5
# Seconds after PostgreSQL accepts connections again by which the server must return 2xx.
RECOVERY_DEADLINE_SECONDS = 5.0
# Load keeps running this long after the restart, past the recovery deadline.
AFTER_RESTART_SECONDS = 8.0
# No request may take longer, with PostgreSQL up or down. The client gives up later.
MAX_REQUEST_SECONDS = 10.0
CLIENT_TIMEOUT_SECONDS = 15.0
PAUSE_BETWEEN_REQUESTS_SECONDS = 0.05
# Several clients at once, so that some request falls into the short windows in which
# PostgreSQL is shutting down or starting up and rejects connections.
LOAD_THREADS = 3
PROBLEM_MEDIA_TYPE = "application/problem+json"


@dataclass(frozen=True)
class Sample:
    """One request of the load and its outcome. A ``status`` of 0 is a transport error."""

    method: str
    sent_at: float
    finished_at: float
    status: int
    content_type: str | None = None
    retry_after: str | None = None
    created_id: str | None = None
    error: str | None = None

    @property
    def seconds(self) -> float:
        return self.finished_at - self.sent_at


class Load:
    """Alternate GET /v1/customers and POST /v1/customers with fresh emails, from
    ``LOAD_THREADS`` threads with a client each."""

    def __init__(self, server: Server, token: str) -> None:
        self.server = server
        self.headers = {"Authorization": f"Bearer {token}"}
        self.samples: list[Sample] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._run, name=f"restart-load-{number}")
            for number in range(LOAD_THREADS)
        ]

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=2 * CLIENT_TIMEOUT_SECONDS)

    def is_running(self) -> bool:
        return any(thread.is_alive() for thread in self.threads)

    def sorted_samples(self) -> list[Sample]:
        with self.lock:
            return sorted(self.samples, key=lambda sample: sample.sent_at)

    def _run(self) -> None:
        with httpx.Client(
            base_url=self.server.base_url, trust_env=False, timeout=CLIENT_TIMEOUT_SECONDS
        ) as client:
            number = 0
            while not self.stopping.is_set():
                number += 1
                method = "POST" if number % 2 else "GET"
                sample = self._send(client, method)
                with self.lock:
                    self.samples.append(sample)
                time.sleep(PAUSE_BETWEEN_REQUESTS_SECONDS)

    def _send(self, client: httpx.Client, method: str) -> Sample:
        sent_at = time.monotonic()
        try:
            if method == "POST":
                body = {
                    "customerName": "Restart Customer",
                    "email": f"{uuid.uuid4().hex[:16]}@restart.example.com",
                    "firstName": "Rosa",
                    "lastName": "Restart",
                    "countryId": "us",
                }
                response = client.post("/v1/customers", json=body, headers=self.headers)
            else:
                response = client.get("/v1/customers", headers=self.headers)
        except httpx.HTTPError as exc:
            return Sample(method, sent_at, time.monotonic(), 0, error=repr(exc))
        created_id = None
        if method == "POST" and response.is_success:
            created_id = response.json()["id"]
        return Sample(
            method,
            sent_at,
            time.monotonic(),
            response.status_code,
            content_type=response.headers.get("content-type"),
            retry_after=response.headers.get("retry-after"),
            created_id=created_id,
        )


async def create_database(server: PrivateServer) -> None:
    connection = await asyncpg.connect(server.url("postgres"))
    try:
        await connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    finally:
        await connection.close()


async def stored_customer_ids(database_url: str, ids: list[str]) -> set[str]:
    connection = await asyncpg.connect(database_url)
    try:
        rows = await connection.fetch(
            "SELECT id FROM customers WHERE id = ANY($1::uuid[])", [uuid.UUID(i) for i in ids]
        )
    finally:
        await connection.close()
    return {str(row["id"]) for row in rows}


def upgrade_schema(database_url: str) -> None:
    command = [
        str(Path(sys.executable).with_name("partners-api")),
        "--database-url", database_url, "db", "upgrade",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
    assert result.returncode == 0, result.stdout + result.stderr


def create_distributor_key(database_url: str) -> str:
    account = run_json([
        "--database-url", database_url, "distributor", "create", "--name", "Restart Distributor",
        "--email", "admin@restart-distributor.example.com", "--first-name", "Ada",
        "--last-name", "Admin", "--code", "restart-distributor",
    ])  # fmt: skip
    key = run_json([
        "--database-url", database_url, "key", "create", "--account", account["id"],
        "--role", "PartnerAdmin",
    ])  # fmt: skip
    token: str = key["token"]
    return token


def describe(samples: list[Sample]) -> str:
    return "\n".join(
        f"{s.method} +{s.sent_at:.2f}s {s.seconds:.2f}s -> {s.status} {s.error or ''}"
        for s in samples
    )


def test_server_recovers_after_postgres_restart(tmp_path: Path) -> None:
    bin_dir = skip_unless_available()
    with private_postgres(bin_dir) as postgres:
        asyncio.run(create_database(postgres))
        database_url = postgres.url(DATABASE_NAME)
        upgrade_schema(database_url)
        token = create_distributor_key(database_url)
        # The load sends dozens of requests a second with one key, which rate limiting
        # would reject with 429, and rate limiting is not what this test is about.
        settings = {setting_env_var("rate_limit_per_second"): "0"}

        with running_server(database_url, tmp_path / "serve.log", settings=settings) as server:
            with Load(server, token) as load:
                time.sleep(WARM_UP_SECONDS)
                stopping_at = time.monotonic()
                postgres.stop(mode="fast")
                down_at = time.monotonic()
                time.sleep(DOWNTIME_SECONDS)
                restarting_at = time.monotonic()
                postgres.start()
                up_at = time.monotonic()
                time.sleep(AFTER_RESTART_SECONDS)
            server_exit_code = server.process.poll()
            log = server.log.read_text()

        created = [s.created_id for s in load.sorted_samples() if s.created_id is not None]
        stored = asyncio.run(stored_customer_ids(database_url, created))

    samples = load.sorted_samples()
    history = describe(samples) + "\n" + log
    assert server_exit_code is None, history
    assert not load.is_running(), history

    # No request fails at the transport level, hangs or gets a 500.
    assert [s for s in samples if s.status == 0] == [], history
    assert [s for s in samples if s.status >= 500 and s.status != 503] == [], history
    assert [s for s in samples if s.seconds > MAX_REQUEST_SECONDS] == [], history

    before = [s for s in samples if s.finished_at < stopping_at]
    assert before, history
    assert all(s.status in (200, 201) for s in before), history

    while_down = [s for s in samples if s.sent_at >= down_at and s.finished_at <= restarting_at]
    assert while_down, history
    assert {s.status for s in while_down} == {503}, history
    assert {s.content_type for s in while_down} == {PROBLEM_MEDIA_TYPE}, history
    assert all(s.retry_after is not None and s.retry_after.isdigit() for s in while_down)

    recovered = [s for s in samples if s.sent_at >= up_at and s.status in (200, 201)]
    assert recovered, history
    assert recovered[0].finished_at - up_at <= RECOVERY_DEADLINE_SECONDS, history
    late = [s for s in samples if s.sent_at >= up_at + RECOVERY_DEADLINE_SECONDS]
    assert late, history
    assert all(s.status in (200, 201) for s in late), history

    # Every POST that got a 2xx was committed, across the restart.
    assert created, history
    assert set(created) - stored == set(), history
