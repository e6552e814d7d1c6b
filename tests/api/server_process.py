"""A `partners-api serve` process on a free loopback port, for tests that need real
workers and sockets rather than the ASGI app in the test's own event loop."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

STARTUP_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 15.0


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path


def _wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    with httpx.Client(base_url=server.base_url, trust_env=False) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                pytest.fail(
                    f"partners-api serve exited with {server.process.returncode}:\n"
                    f"{server.log.read_text()}"
                )
            try:
                if client.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    pytest.fail(f"partners-api serve did not answer /healthz in time:\n{server.log.read_text()}")


@contextmanager
def running_server(
    database_url: str,
    log: Path,
    *,
    workers: int = 1,
    settings: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """Run `partners-api serve` on 127.0.0.1 until the block exits, then stop it.

    ``settings`` are extra PARTNERS_API_* variables. The developer's own PARTNERS_API_*
    variables are removed, so that only the test decides the settings.
    """
    env = {
        name: value for name, value in os.environ.items() if not name.startswith("PARTNERS_API_")
    }
    env["PARTNERS_API_DATABASE_URL"] = database_url
    env.update(settings or {})
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("partners-api")), "serve", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(workers),
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)  # noqa: S603
        server = Server(f"http://127.0.0.1:{port}", process, log)
        try:
            _wait_until_healthy(server)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
