"""Two ``partners-api serve`` processes that share one rate limit through Redis.

Both servers serve one demo SQLite database on free loopback ports, with the machine's
Redis, a key prefix unique to the test and a burst of 5. Requests with one key go to
both servers in turn, and the number of 2xx responses must stay within what one bucket
allows, which is half of what two separate buckets would allow.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx
import pytest

from tests.http.test_ratelimit import delete_keys, require_redis

BURST = 5
RATE_PER_SECOND = 1.0
REQUESTS = 30
# Limits on each step, in seconds.
DEMO_TIMEOUT = 120.0
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0


def partners_api_command() -> str:
    return str(Path(sys.executable).with_name("partners-api"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def server_env(redis_url: str, prefix: str) -> dict[str, str]:
    """Return this process's environment with the rate limit settings of the test only."""
    env = {
        name: value for name, value in os.environ.items() if not name.startswith("PARTNERS_API_")
    }
    env.update({
        "PYTHONUNBUFFERED": "1",
        "PARTNERS_API_REDIS_URL": redis_url,
        "PARTNERS_API_RATE_LIMIT_KEY_PREFIX": prefix,
        "PARTNERS_API_RATE_LIMIT_BURST": str(BURST),
        "PARTNERS_API_RATE_LIMIT_PER_SECOND": str(RATE_PER_SECOND),
    })  # fmt: skip
    return env


def build_demo(tmp_path: Path, env: dict[str, str]) -> tuple[str, str]:
    """Build a demo SQLite database; return its URL and the distributor's admin token."""
    database_url = f"sqlite:///{tmp_path / 'demo.db'}"
    command = [
        partners_api_command(), "demo", "--no-serve", "--json", "--database-url", database_url,
    ]  # fmt: skip
    result = subprocess.run(  # noqa: S603
        command,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=DEMO_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, f"partners-api demo failed:\n{result.stdout}\n{result.stderr}"
    token: str = json.loads(result.stdout)["tokens"]["distributorAdmin"]
    return database_url, token


def wait_until_healthy(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    # Proxy variables are ignored, so the requests go straight to the loopback server.
    with httpx.Client(base_url=base_url, trust_env=False, timeout=5.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"partners-api serve exited early:\n{log.read_text()}")
            try:
                if client.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    pytest.fail(f"partners-api serve did not start in time:\n{log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture
def redis_settings() -> Iterator[tuple[str, str]]:
    """The test Redis URL and a key prefix unique to this test, deleted afterwards."""
    url = anyio.run(require_redis)
    prefix = f"partners-api-test:{uuid.uuid4().hex}:"
    yield url, prefix
    anyio.run(delete_keys, url, prefix)


def test_servers_share_limit(tmp_path: Path, redis_settings: tuple[str, str]) -> None:
    env = server_env(*redis_settings)
    database_url, token = build_demo(tmp_path, env)
    processes: list[subprocess.Popen[bytes]] = []
    base_urls: list[str] = []
    try:
        # One at a time, because each serve command first migrates the SQLite file.
        for index in range(2):
            port = free_port()
            base_url = f"http://127.0.0.1:{port}"
            log = tmp_path / f"serve-{index}.log"
            command = [
                partners_api_command(), "--database-url", database_url,
                "serve", "--host", "127.0.0.1", "--port", str(port),
            ]  # fmt: skip
            with log.open("wb") as output:
                process = subprocess.Popen(  # noqa: S603
                    command, cwd=tmp_path, env=env, stdout=output, stderr=subprocess.STDOUT
                )
            processes.append(process)
            wait_until_healthy(base_url, process, log)
            base_urls.append(base_url)

        headers = {"Authorization": f"Bearer {token}"}
        clients = [
            httpx.Client(base_url=url, trust_env=False, timeout=5.0, headers=headers)
            for url in base_urls
        ]
        statuses: list[list[int]] = [[], []]
        started = time.monotonic()
        for index in range(REQUESTS):
            server = index % 2
            statuses[server].append(clients[server].get("/v1/me").status_code)
        elapsed = time.monotonic() - started
        for client in clients:
            client.close()
    finally:
        for process in processes:
            stop(process)

    allowed = sum(status == 200 for answers in statuses for status in answers)
    assert allowed <= BURST + RATE_PER_SECOND * elapsed, (statuses, elapsed)
    assert allowed >= BURST, statuses
    for answers in statuses:
        assert set(answers) <= {200, 429}, statuses
        assert 429 in answers, statuses
