"""SIGTERM during an import, and a stdout reader that goes away, in a child process."""

from __future__ import annotations

import csv
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.client_cli import command_env, partners_script
from tests.client_cli.served_api import Api, seed_customers

ROWS = 400
TERM_AFTER_ROWS = 20
RUN_TIMEOUT = 120.0


@pytest.fixture
def server_settings() -> dict[str, str]:
    # 50 requests a second make the import last several seconds, long enough to signal.
    return {"PARTNERS_API_RATE_LIMIT_PER_SECOND": "50", "PARTNERS_API_RATE_LIMIT_BURST": "5"}


def _finished_rows(results: Path) -> int:
    try:
        return max(0, results.read_bytes().count(b"\n") - 1)
    except FileNotFoundError:
        return 0


def test_sigterm_writes_full_results(api: Api, config_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    lines = [f"T{index},t{index}@example.com,A,B,us\n" for index in range(ROWS)]
    source.write_text("customerName,email,firstName,lastName,countryId\n" + "".join(lines))
    results = tmp_path / "customers.results.csv"
    command = [partners_script(), "customers", "import", str(source)]
    env = command_env(config_dir, api.env())

    child = subprocess.Popen(  # noqa: S603
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + RUN_TIMEOUT
    while _finished_rows(results) < TERM_AFTER_ROWS:
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the import made too little progress"
        time.sleep(0.02)
    child.send_signal(signal.SIGTERM)
    _, stderr = child.communicate(timeout=RUN_TIMEOUT)

    assert child.returncode == 143, stderr
    assert "not sent. Results: " in stderr
    assert "Error: Interrupted by SIGTERM. Run the same command again to finish" in stderr
    with results.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [int(row["line"]) for row in rows] == list(range(2, ROWS + 2))
    statuses = {row["status"] for row in rows}
    assert "skipped" in statuses
    assert statuses <= {"created", "skipped"}
    created = sum(1 for row in rows if row["status"] == "created")
    assert created == api.total("customers")


@pytest.mark.parametrize("command", ["list", "export"])
def test_closed_stdout_exits_zero(api: Api, config_dir: Path, command: str) -> None:
    # Enough rows to fill the pipe's buffer, so that a write meets the closed pipe.
    seed_customers(api, 600)
    args = [partners_script(), "customers", command, "--format", "csv"]
    if command == "list":
        args.append("--all")
    child = subprocess.Popen(  # noqa: S603
        args,
        env=command_env(config_dir, api.env()),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    assert child.stdout.readline().startswith(b"id,")
    child.stdout.close()
    _, stderr = child.communicate(timeout=RUN_TIMEOUT)
    assert child.returncode == 0, stderr
    assert stderr == b""
