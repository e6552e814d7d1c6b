"""An import against a server with a small rate limit gets through by retrying 429."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.client_cli import run_partners
from tests.client_cli.served_api import Api

ROWS = 40


@pytest.fixture
def server_settings() -> dict[str, str]:
    # A bucket of 5 refilled at 10 a second cannot take 40 creates from 4 threads at once.
    return {"PARTNERS_API_RATE_LIMIT_PER_SECOND": "10", "PARTNERS_API_RATE_LIMIT_BURST": "5"}


def test_import_retries_through_rate_limit(api: Api, config_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    lines = [f"Limited {index},limited{index}@example.com,A,B,us" for index in range(ROWS)]
    source.write_text(
        "customerName,email,firstName,lastName,countryId\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    result = run_partners(
        ["--verbose", "customers", "import", str(source), "--concurrency", "4"],
        config_dir=config_dir,
        env=api.env(),
    )
    assert result.exit_code == 0, result.output
    assert f"Customers: {ROWS} created, 0 failed." in result.stderr
    retries = [line for line in result.stderr.splitlines() if line.startswith("Retrying POST")]
    assert retries
    assert all("after 429 Too Many Requests" in line for line in retries)
    assert api.total("customers") == ROWS
