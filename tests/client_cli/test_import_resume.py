"""A 1,000-row import, killed half way with SIGKILL and run again, creates every
customer exactly once and ends with a results file that lists every row.

The ``partners`` script runs as a child process, and the server's rate limit is low
enough for the import to meet it, so the run also depends on the client's retries of
429 with Retry-After.
"""

from __future__ import annotations

import csv
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.client_cli import command_env, partners_script, run_json
from tests.client_cli.served_api import Api

ROWS = 1000
# Rows in the results file when the first run is killed.
KILL_AFTER_ROWS = 300
FIRST_RUN_TIMEOUT = 180.0
SECOND_RUN_TIMEOUT = 300.0
COUNTRIES = ("us", "ca", "de", "ar", "gb")


@pytest.fixture
def server_settings() -> dict[str, str]:
    # Four threads send more than 200 requests a second on a fast machine, so some meet
    # the limit, while the whole test stays within a minute or so.
    return {"PARTNERS_API_RATE_LIMIT_PER_SECOND": "200", "PARTNERS_API_RATE_LIMIT_BURST": "20"}


def _write_rows(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as output:
        writer = csv.writer(output)
        writer.writerow(["customerName", "email", "firstName", "lastName", "countryId"])
        for index in range(ROWS):
            writer.writerow([
                f"Import Customer {index:04d}", f"import{index:04d}@example.com",
                f"First{index}", "Last", COUNTRIES[index % len(COUNTRIES)],
            ])  # fmt: skip


def _finished_rows(results: Path) -> int:
    """Count the rows written so far, without the header; 0 before the file exists."""
    try:
        return max(0, results.read_bytes().count(b"\n") - 1)
    except FileNotFoundError:
        return 0


def _read_results(results: Path) -> list[dict[str, str]]:
    with results.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_killed_import_resumes_without_duplicates(
    api: Api, config_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "customers.csv"
    _write_rows(source)
    results = tmp_path / "customers.results.csv"
    env = command_env(config_dir, api.env())
    command = [partners_script(), "customers", "import", str(source), "--concurrency", "4"]

    with (tmp_path / "first-run.log").open("wb") as log:
        first = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        deadline = time.monotonic() + FIRST_RUN_TIMEOUT
        try:
            while _finished_rows(results) < KILL_AFTER_ROWS:
                assert first.poll() is None, (tmp_path / "first-run.log").read_text()
                assert time.monotonic() < deadline, "the import made too little progress"
                time.sleep(0.02)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
    assert first.returncode == -signal.SIGKILL

    partial = _read_results(results)
    created_by_first_run = api.total("customers")
    assert KILL_AFTER_ROWS <= len(partial) < ROWS
    assert len(partial) <= created_by_first_run < ROWS
    assert {row["status"] for row in partial} == {"created"}

    second = subprocess.run(  # noqa: S603
        command,
        env=env,
        capture_output=True,
        text=True,
        timeout=SECOND_RUN_TIMEOUT,
        check=False,
    )
    assert second.returncode == 0, second.stdout + second.stderr
    assert api.total("customers") == ROWS

    final = _read_results(results)
    assert [int(row["line"]) for row in final] == list(range(2, ROWS + 2))
    statuses = [row["status"] for row in final]
    assert set(statuses) == {"created", "replayed"}
    assert statuses.count("replayed") >= len(partial)
    assert all(row["error"] == "" for row in final)
    ids = [row["id"] for row in final]
    assert len(set(ids)) == ROWS
    for row in partial:
        assert final[int(row["line"]) - 2]["id"] == row["id"]

    listed = run_json(
        ["customers", "list", "--all", "--page-size", "300"], config_dir=config_dir, env=api.env()
    )
    assert sorted(item["id"] for item in listed) == sorted(ids)
    assert sorted(item["contactData"]["members"][0]["email"] for item in listed) == [
        f"import{index:04d}@example.com" for index in range(ROWS)
    ]
