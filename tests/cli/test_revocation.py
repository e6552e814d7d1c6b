"""A key revoked with the CLI stops working in every running server process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from partners_api.cli.serve import base_url
from tests.cli import run_json
from tests.cli.test_serve import _wait_until_healthy, free_port

# The API promises that a revocation reaches every process within this many seconds.
REVOCATION_DEADLINE_SECONDS = 5.0
WORKERS = 2


def test_cli_revocation_reaches_every_worker(database_url: str, tmp_path: Path) -> None:
    suffix = uuid.uuid4().hex[:10]
    account = run_json([
        "--database-url", database_url, "distributor", "create", "--name", f"Revokers {suffix}",
        "--email", f"admin-{suffix}@revokers.example.com", "--first-name", "Ada",
        "--last-name", "Admin", "--code", f"revokers-{suffix}",
    ])  # fmt: skip
    key = run_json([
        "--database-url", database_url, "key", "create", "--account", account["id"],
        "--role", "PartnerReader",
    ])  # fmt: skip
    headers = {"Authorization": f"Bearer {key['token']}"}
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
            ) as client:
                _wait_until_healthy(client, process, log)
                before = [client.get("/v1/me", headers=headers).status_code for _ in range(20)]

                run_json(["--database-url", database_url, "key", "revoke", key["id"]])
                time.sleep(REVOCATION_DEADLINE_SECONDS)
                after = [client.get("/v1/customers", headers=headers) for _ in range(20)]
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    assert before == [200] * 20
    assert [response.status_code for response in after] == [401] * 20
    assert all('error="invalid_token"' in r.headers["www-authenticate"] for r in after)
