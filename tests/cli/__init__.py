"""Tests of the ``partners-api`` command line, run in-process with click's CliRunner.

Helpers shared by the modules live here: running a command with the PARTNERS_API_*
environment of the developer's shell removed, checking one-line errors, and emptying
or migrating a database.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from sqlalchemy import delete

from partners_api.cli.main import cli
from partners_api.storage import migrate
from partners_api.storage.database import create_engine
from partners_api.storage.tables import metadata

# Read by tests/conftest.py, not by the service, so it stays.
_KEPT_VARIABLES = {"PARTNERS_API_TEST_POSTGRES_URL"}


def run_cli(args: Sequence[str], env: dict[str, str] | None = None) -> Result:
    """Run ``partners-api ARGS``. Exceptions other than click's exits fail the test."""
    clean_env: dict[str, str | None] = {
        name: None
        for name in os.environ
        if name.startswith("PARTNERS_API_") and name not in _KEPT_VARIABLES
    }
    clean_env.update(env or {})
    return CliRunner(env=clean_env).invoke(cli, list(args), catch_exceptions=False)


def run_json(args: Sequence[str]) -> Any:
    """Run a command with ``--json``, check that it succeeded and return its output."""
    result = run_cli([*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def error_line(result: Result, exit_code: int = 2) -> str:
    """Check that a command failed with one ``Error:`` line on stderr and return it."""
    assert result.exit_code == exit_code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def sqlite_file_url(path: Path) -> str:
    return f"sqlite:///{path}"


async def _clear(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            for table in reversed(metadata.sorted_tables):
                await connection.execute(delete(table))
    finally:
        await engine.dispose()


def clear_database(url: str) -> None:
    """Delete every row of a migrated database."""
    asyncio.run(_clear(url))


async def _migrate(url: str, revision: str) -> None:
    engine = create_engine(url)
    try:
        if revision == "base":
            await migrate.downgrade(engine, "base")
        else:
            await migrate.upgrade(engine, revision)
    finally:
        await engine.dispose()


def migrate_to(url: str, revision: str) -> None:
    """Upgrade to ``revision``, or drop every table when it is ``base``."""
    asyncio.run(_migrate(url, revision))
