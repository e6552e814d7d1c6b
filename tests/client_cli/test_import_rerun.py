"""Imports run again with other options, against a server that is down, and with a
token that the server rejects."""

from __future__ import annotations

import csv
import time
from pathlib import Path

from tests.api.server_process import free_port
from tests.client_cli import run_partners
from tests.client_cli.served_api import Api

HEADER = "customerName,email,firstName,lastName,countryId\n"
# A connection error costs at most 0.5 + 1 + 2 + 4 s of backoff over the client's 5
# attempts, far below the 10 attempts and up to 30 s waits that an import allows a 429.
STOPPED_SERVER_SECONDS = 30.0


def _write_rows(path: Path, count: int) -> None:
    rows = "".join(f"C{index},c{index}@example.com,A,B,us\n" for index in range(count))
    path.write_text(HEADER + rows, encoding="utf-8")


def _read_results(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as results:
        return list(csv.DictReader(results))


def test_rerun_without_partner_keeps_ids(api: Api, config_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    _write_rows(source, 3)
    results = tmp_path / "customers.results.csv"
    args = ["customers", "import", str(source)]

    first = run_partners([*args, "--partner", api.partner_id], config_dir=config_dir, env=api.env())
    assert first.exit_code == 0, first.output
    first_ids = [row["id"] for row in _read_results(results)]
    assert all(first_ids)

    second = run_partners(args, config_dir=config_dir, env=api.env())
    assert second.exit_code == 1, second.output
    assert "3 of them got 409 Conflict" in second.stderr
    assert "run the import with the same options (--partner) as that run" in second.stderr
    rows = _read_results(results)
    assert [row["id"] for row in rows] == first_ids
    assert [row["status"] for row in rows] == ["failed"] * 3
    for row in rows:
        assert row["error"].startswith("An earlier run with other options (such as --partner)")
        assert "This run: 409 Conflict" in row["error"]

    # A third run with the first run's options replays every row.
    third = run_partners([*args, "--partner", api.partner_id], config_dir=config_dir, env=api.env())
    assert third.exit_code == 0, third.output
    assert [row["status"] for row in _read_results(results)] == ["replayed"] * 3
    assert api.total("customers") == 3


def test_rerun_keeps_ids_of_changed_file_rows_only(
    api: Api, config_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "customers.csv"
    _write_rows(source, 2)
    results = tmp_path / "customers.results.csv"
    args = ["customers", "import", str(source), "--partner", api.partner_id]
    assert run_partners(args, config_dir=config_dir, env=api.env()).exit_code == 0
    # The second row now has other cells, so its earlier id belongs to another row.
    source.write_text(HEADER + "C0,c0@example.com,A,B,us\nX,c1@example.com,A,B,us\n")
    run_partners([*args[:3]], config_dir=config_dir, env=api.env())
    rows = _read_results(results)
    assert rows[0]["id"]
    assert rows[1]["id"] == ""


def test_import_against_stopped_server_ends_early(config_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    _write_rows(source, 40)
    url = f"http://127.0.0.1:{free_port()}"
    env = {"PARTNERS_API_URL": url, "PARTNERS_API_TOKEN": "scp_" + "x" * 43}

    started = time.monotonic()
    result = run_partners(["customers", "import", str(source)], config_dir=config_dir, env=env)
    elapsed = time.monotonic() - started

    assert result.exit_code == 1, result.output
    assert elapsed < STOPPED_SERVER_SECONDS
    assert f"Sending 40 rows to {url} with 4 threads." in result.stderr
    assert f"Check that the server is running at {url}" in result.stderr
    assert "(the URL came from PARTNERS_API_URL)." in result.stderr
    statuses = [row["status"] for row in _read_results(tmp_path / "customers.results.csv")]
    assert len(statuses) == 40
    assert statuses.count("failed") <= 4
    assert statuses.count("skipped") >= 36


def test_rejected_token_gives_no_rerun_advice(api: Api, config_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    _write_rows(source, 5)
    for token, status in ((api.distributor_reader, "403 Forbidden"), ("scp_" + "x" * 43, "401")):
        result = run_partners(
            ["customers", "import", str(source), "--concurrency", "1"],
            config_dir=config_dir,
            env=api.env(token),
        )
        assert result.exit_code == 1, result.output
        assert f"The import stopped: {status}" in result.stderr
        assert "The token came from PARTNERS_API_TOKEN" in result.stderr
        assert "Run the same command again" not in result.stderr
        assert token not in result.output
