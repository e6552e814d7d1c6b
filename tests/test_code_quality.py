"""The linters and the type checker pass on the whole repository."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "src", "tests", "bench", "dev.py"],
        ["ruff", "format", "--check", "src", "tests", "bench", "dev.py"],
        ["mypy", "src", "tests", "bench"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_static_check_passes(command: list[str]) -> None:
    executable = TOOLS / command[0]
    if not executable.exists():
        pytest.skip(f"{command[0]} is not installed beside {sys.executable}")
    result = subprocess.run(  # noqa: S603
        [str(executable), *command[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
