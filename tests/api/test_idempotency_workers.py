"""Retries with one Idempotency-Key across two server processes create one object."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from partners_api.cli.serve import base_url
from partners_api.settings import get_settings
from tests.cli import run_json, sqlite_file_url
from tests.cli.test_serve import _wait_until_healthy, free_port

WORKERS = 2
RETRIES = 24
PARALLEL_CLIENTS = 4


@pytest.fixture(autouse=True)
def restore_environment() -> Iterator[None]:
    """Undo the PARTNERS_API_* variables that the CLI exports."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
    get_settings.cache_clear()


def test_retries_across_workers_create_once(tmp_path: Path) -> None:
    database_url = sqlite_file_url(tmp_path / "idempotency.db")
    account = run_json([
        "--database-url", database_url, "distributor", "create", "--name", "Retriers",
        "--email", "admin@retriers.example.com", "--first-name", "Ada",
        "--last-name", "Admin",
    ])  # fmt: skip
    key = run_json([
        "--database-url", database_url, "key", "create", "--account", account["id"],
        "--role", "PartnerAdmin",
    ])  # fmt: skip
    headers = {"Authorization": f"Bearer {key['token']}", "Idempotency-Key": "one-customer"}
    body = {
        "customerName": "Road Runner",
        "email": "owner@roadrunner.example.com",
        "firstName": "Maria",
        "lastName": "Garcia",
        "countryId": "us",
    }
    port = free_port()
    env = {
        name: value for name, value in os.environ.items() if not name.startswith("PARTNERS_API_")
    }
    env["PARTNERS_API_DATABASE_URL"] = database_url
    command = [
        str(Path(sys.executable).with_name("partners-api")), "serve", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(WORKERS),
    ]  # fmt: skip
    log = tmp_path / "serve.log"

    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)  # noqa: S603
        try:
            # A new connection per request lets the kernel spread requests over the workers.
            with httpx.Client(
                base_url=base_url("127.0.0.1", port),
                trust_env=False,
                limits=httpx.Limits(max_keepalive_connections=0),
                timeout=30,
            ) as client:
                _wait_until_healthy(client, process, log)

                def post(_: int) -> httpx.Response:
                    return client.post("/v1/customers", json=body, headers=headers)

                with ThreadPoolExecutor(max_workers=PARALLEL_CLIENTS) as pool:
                    responses = list(pool.map(post, range(RETRIES)))
                listed = client.get(
                    "/v1/customers", headers={"Authorization": headers["Authorization"]}
                )
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    statuses = [response.status_code for response in responses]
    assert set(statuses) <= {201, 409}, (statuses, log.read_text())
    created = [response for response in responses if response.status_code == 201]
    assert created, statuses
    first = [r for r in created if "idempotent-replayed" not in r.headers]
    assert len(first) == 1, statuses
    assert {response.content for response in created} == {first[0].content}
    assert {response.headers["location"] for response in created} == {first[0].headers["location"]}
    conflicts = [response for response in responses if response.status_code == 409]
    assert all(r.json()["type"].endswith("/idempotency-key-in-use") for r in conflicts)
    assert listed.status_code == 200, listed.text
    assert listed.headers["x-total-count"] == "1"
