"""The command group: usage errors print one line and exit with status 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from partners_api.cli.main import cli

PARTNERS_API = Path(sys.executable).with_name("partners-api")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["key", "create", "--account", "x", "--role", "Owner"],
            "Error: Invalid value for '--role': 'Owner' is not one of 'PartnerAdmin', "
            "'PartnerReader'. See 'partners-api key create --help'.",
        ),
        (
            ["key", "create"],
            "Error: Missing option '--account'. See 'partners-api key create --help'.",
        ),
        (["nosuch"], "Error: No such command 'nosuch'. See 'partners-api --help'."),
    ],
)
def test_usage_error_is_one_line(args: list[str], expected: str) -> None:
    # A real process, because CliRunner's own standalone handling would hide main()'s.
    result = subprocess.run(  # noqa: S603
        [str(PARTNERS_API), *args], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 2
    assert result.stderr.splitlines() == [expected]
    assert result.stdout == ""


def test_help_exits_zero() -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"], prog_name="partners-api")

    assert exit_info.value.code == 0
