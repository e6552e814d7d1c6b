from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from partners_api.cli.db import setting_env_var
from partners_api.cli.serve import SETTING_FLAGS, base_url, log_config
from partners_api.settings import Settings
from tests.cli import error_line, migrate_to, run_cli, run_json, sqlite_file_url

STARTUP_TIMEOUT_SECONDS = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Record uvicorn.run calls instead of serving, and restore the settings variables."""
    for field in Settings.model_fields:
        monkeypatch.delenv(setting_env_var(field), raising=False)
    calls: list[dict[str, Any]] = []

    def record(app: str, **options: Any) -> None:
        calls.append({"app": app, **options})

    monkeypatch.setattr(uvicorn, "run", record)
    return calls


@pytest.fixture
def file_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    return sqlite_file_url(tmp_path / "serve.db")


@pytest.fixture
def schemaless_postgres(postgres_url: str) -> Iterator[str]:
    migrate_to(postgres_url, "base")
    yield postgres_url
    migrate_to(postgres_url, "head")


def test_flags_cover_settings() -> None:
    flagged = {flag.field for flag in SETTING_FLAGS}
    assert flagged == set(Settings.model_fields) - {"database_url"}


def test_serve_runs_uvicorn(file_url: str, uvicorn_calls: list[dict[str, Any]]) -> None:
    port = free_port()
    args = ["--database-url", file_url, "serve", "--port", str(port), "--workers", "2"]
    result = run_cli([*args, "--tts-max-chars", "1234", "--partner-levels", "Basic,Gold"])

    assert result.exit_code == 0, result.output
    assert uvicorn_calls == [
        {
            "app": "partners_api.http.app:create_app",
            "factory": True,
            "host": "127.0.0.1",
            "port": port,
            "workers": 2,
            "log_level": "info",
            "log_config": log_config(),
            "access_log": False,
            "timeout_graceful_shutdown": 30,
            "proxy_headers": False,
        }
    ]
    assert log_config()["loggers"]["partners_api"]["handlers"] == ["default"]
    assert os.environ["PARTNERS_API_DATABASE_URL"] == file_url
    assert os.environ["PARTNERS_API_TTS_MAX_CHARS"] == "1234"
    assert os.environ["PARTNERS_API_PARTNER_LEVELS"] == "Basic,Gold"
    assert "PARTNERS_API_TRIAL_PLAN_ID" not in os.environ
    # SQLite is migrated before serving.
    assert run_json(["--database-url", file_url, "key", "list"]) == []


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--tts-max-chars", "-5"], "--tts-max-chars"),
        (["--max-body-bytes", "10"], "--max-body-bytes"),
        (["--database-pool-size", "0"], "--database-pool-size"),
        (["--trial-plan-id", ""], "--trial-plan-id"),
        (["--partner-levels", " , "], "--partner-levels"),
        (["--default-partner-level", "Gold"], "Invalid settings"),
    ],
)
def test_invalid_flag_rejected(
    file_url: str, uvicorn_calls: list[dict[str, Any]], flags: list[str], named: str
) -> None:
    line = error_line(run_cli(["--database-url", file_url, "serve", *flags]))
    assert named in line
    assert uvicorn_calls == []
    assert "PARTNERS_API_DATABASE_URL" not in os.environ


def test_invalid_env_setting_rejected(file_url: str, uvicorn_calls: list[dict[str, Any]]) -> None:
    env = {"PARTNERS_API_MAX_RANGE_SPAN": "0"}
    result = run_cli(["--database-url", file_url, "serve"], env=env)
    line = error_line(result)
    assert "PARTNERS_API_MAX_RANGE_SPAN" in line
    assert uvicorn_calls == []


def test_bad_usage_values(file_url: str, uvicorn_calls: list[dict[str, Any]]) -> None:
    for args in (["--workers", "0"], ["--port", "70000"], ["--tts-max-chars", "many"]):
        result = run_cli(["--database-url", file_url, "serve", *args])
        assert result.exit_code == 2, args
    assert uvicorn_calls == []


def test_port_in_use(file_url: str, uvicorn_calls: list[dict[str, Any]]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        result = run_cli(["--database-url", file_url, "serve", "--port", str(port)])

    line = error_line(result, exit_code=1)
    assert f"Port {port} on 127.0.0.1 is already in use" in line
    assert uvicorn_calls == []


def test_in_memory_sqlite_rejected(uvicorn_calls: list[dict[str, Any]]) -> None:
    line = error_line(run_cli(["--database-url", "sqlite://", "serve"]))
    assert "in-memory" in line
    assert uvicorn_calls == []


@pytest.mark.postgresql
def test_postgres_schema_required(
    schemaless_postgres: str, uvicorn_calls: list[dict[str, Any]]
) -> None:
    result = run_cli(["--database-url", schemaless_postgres, "serve", "--port", str(free_port())])
    line = error_line(result)
    assert "partners-api db upgrade" in line
    assert uvicorn_calls == []


def test_base_url() -> None:
    assert base_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert base_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"  # noqa: S104
    assert base_url("::1", 9000) == "http://[::1]:9000"


def _wait_until_healthy(client: httpx.Client, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"partners-api serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if client.get("/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"partners-api serve did not answer /healthz in time:\n{log.read_text()}")


def test_serve_subprocess(file_url: str, tmp_path: Path) -> None:
    account = run_json([
        "--database-url", file_url, "partner", "create", "--name", "ACME",
        "--email", "admin@acme.example.com", "--first-name", "Ada", "--last-name", "Admin",
    ])  # fmt: skip
    args = ["--database-url", file_url, "key", "create", "--account", account["id"]]
    key = run_json([*args, "--role", "PartnerAdmin"])
    port = free_port()
    env = {
        name: value for name, value in os.environ.items() if not name.startswith("PARTNERS_API_")
    }
    env["PARTNERS_API_DATABASE_URL"] = file_url
    command = [
        str(Path(sys.executable).with_name("partners-api")), "serve", "--host", "127.0.0.1",
        "--port", str(port), "--tts-max-chars", "1234", "--trial-plan-id", "demo-plan",
    ]  # fmt: skip
    log = tmp_path / "serve.log"
    headers = {"Authorization": f"Bearer {key['token']}"}

    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)  # noqa: S603
        try:
            # trust_env=False: no proxy from the environment sits between test and server.
            with httpx.Client(base_url=base_url("127.0.0.1", port), trust_env=False) as client:
                _wait_until_healthy(client, process, log)
                me = client.get("/v1/me", headers=headers)
                created = client.post(
                    "/v1/customers",
                    headers=headers,
                    json={
                        "customerName": "Road Runner",
                        "email": "owner@roadrunner.example.com",
                        "firstName": "Maria",
                        "lastName": "Garcia",
                        "countryId": "us",
                    },
                )
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    assert me.status_code == 200, me.text
    assert me.json()["id"] == key["id"]
    assert me.json()["account"]["id"] == account["id"]
    assert created.status_code == 201, created.text
    assert created.json()["ttsUsage"]["maxChars"] == 1234
    assert created.json()["planId"] == "demo-plan"


def test_serve_shutdown_timeout_flag(file_url: str, uvicorn_calls: list[dict[str, Any]]) -> None:
    args = ["--database-url", file_url, "serve", "--port", str(free_port())]
    result = run_cli([*args, "--shutdown-timeout", "7", "--request-timeout-seconds", "5"])

    assert result.exit_code == 0, result.output
    assert uvicorn_calls[0]["timeout_graceful_shutdown"] == 7
    assert os.environ["PARTNERS_API_REQUEST_TIMEOUT_SECONDS"] == "5.0"
    assert run_cli([*args, "--shutdown-timeout", "0"]).exit_code == 2


def test_log_config_access_logger() -> None:
    config = log_config()
    access = config["loggers"]["partners_api.access"]
    assert access["propagate"] is False
    [handler_name] = access["handlers"]
    handler = config["handlers"][handler_name]
    assert handler["stream"] == "ext://sys.stdout"
    assert config["formatters"][handler["formatter"]] == {"format": "%(message)s"}


def _hold_write_lock(database: Path) -> sqlite3.Connection:
    """Take SQLite's write lock from another connection, so the server's writers wait."""
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    return connection


def test_sigterm_finishes_request(file_url: str, tmp_path: Path) -> None:
    """SIGTERM lets a request in flight finish with its normal status, then exits 0.

    The request is slow for a real reason: another connection holds SQLite's write lock,
    so the server's write transaction waits on the busy timeout until the test releases it.
    """
    account = run_json([
        "--database-url", file_url, "partner", "create", "--name", "ACME",
        "--email", "admin@acme.example.com", "--first-name", "Ada", "--last-name", "Admin",
    ])  # fmt: skip
    args = ["--database-url", file_url, "key", "create", "--account", account["id"]]
    key = run_json([*args, "--role", "PartnerAdmin"])
    port = free_port()
    env = {
        name: value for name, value in os.environ.items() if not name.startswith("PARTNERS_API_")
    }
    env["PARTNERS_API_DATABASE_URL"] = file_url
    command = [
        str(Path(sys.executable).with_name("partners-api")), "serve", "--host", "127.0.0.1",
        "--port", str(port), "--shutdown-timeout", "20",
    ]  # fmt: skip
    log = tmp_path / "serve.log"
    headers = {"Authorization": f"Bearer {key['token']}"}
    customer = {
        "customerName": "Road Runner",
        "email": "owner@roadrunner.example.com",
        "firstName": "Maria",
        "lastName": "Garcia",
        "countryId": "us",
    }

    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)  # noqa: S603
        lock: sqlite3.Connection | None = None
        try:
            with httpx.Client(
                base_url=base_url("127.0.0.1", port), trust_env=False, timeout=30
            ) as client:
                _wait_until_healthy(client, process, log)
                lock = _hold_write_lock(tmp_path / "serve.db")
                with ThreadPoolExecutor(max_workers=1) as executor:
                    pending = executor.submit(
                        client.post, "/v1/customers", headers=headers, json=customer
                    )
                    # Give the request time to reach the server and wait for the lock.
                    time.sleep(1.0)
                    assert not pending.done()
                    process.send_signal(signal.SIGTERM)
                    time.sleep(1.0)
                    assert process.poll() is None, "the server exited with a request in flight"
                    lock.rollback()
                    created = pending.result(timeout=30)
            exit_code = process.wait(timeout=30)
        finally:
            if lock is not None:
                lock.close()
            if process.poll() is None:
                process.kill()
                process.wait()

    output_text = log.read_text()
    assert created.status_code == 201, created.text
    assert exit_code == 0, output_text
    access_lines = [json.loads(line) for line in output_text.splitlines() if line.startswith("{")]
    assert [line["status"] for line in access_lines if line["method"] == "POST"] == [201]
    assert key["token"] not in output_text
