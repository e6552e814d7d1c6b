"""Tests of the ``partners`` command line.

Most tests run the command in-process with click's CliRunner against a real
``partners-api serve`` process on loopback. The import that is killed half way runs
the installed ``partners`` script as a child process.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from partners_api.client_cli.main import cli

# Variables that the command reads; the developer's own values must not leak in.
_COMMAND_VARIABLES = ("PARTNERS_API_URL", "PARTNERS_API_TOKEN", "PARTNERS_PROFILE")


def partners_script() -> str:
    return str(Path(sys.executable).with_name("partners"))


def command_env(config_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return this process's environment for a ``partners`` child process: the config
    folder of the test, and only the API variables in ``extra``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in _COMMAND_VARIABLES and not name.startswith("PARTNERS_API_")
    }
    env["PARTNERS_CONFIG_DIR"] = str(config_dir)
    env.update(extra or {})
    return env


def run_partners(
    args: Sequence[str],
    *,
    config_dir: Path,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
) -> Result:
    """Run ``partners ARGS`` in-process. Exceptions other than click's exits fail the test."""
    clean: dict[str, str | None] = {name: None for name in _COMMAND_VARIABLES}
    clean["PARTNERS_CONFIG_DIR"] = str(config_dir)
    clean.update(env or {})
    runner = CliRunner(env=clean)
    return runner.invoke(cli, list(args), input=input, catch_exceptions=False)


def run_ok(
    args: Sequence[str], *, config_dir: Path, env: Mapping[str, str] | None = None
) -> Result:
    result = run_partners(args, config_dir=config_dir, env=env)
    assert result.exit_code == 0, result.output
    return result


def run_json(args: Sequence[str], *, config_dir: Path, env: Mapping[str, str] | None = None) -> Any:
    """Run a command with ``--format json``; return its parsed output."""
    result = run_ok([*args, "--format", "json"], config_dir=config_dir, env=env)
    return json.loads(result.stdout)


def error_line(result: Result, exit_code: int = 2) -> str:
    """Check that a command failed with one ``Error:`` line on stderr and return it."""
    assert result.exit_code == exit_code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]
