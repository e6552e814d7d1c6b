#!/usr/bin/env python3
"""Set up a virtual environment and run the demo or the test suite, with python3 alone.

    python3 dev.py demo [ARGS...]   install, then run `partners-api demo ARGS...`
    python3 dev.py test [ARGS...]   install with the test extras, then run pytest ARGS...
    python3 dev.py bench [ARGS...]  install, then run the benchmark suite (bench/run)

The environment lives in .venv beside this file and is reinstalled when pyproject.toml
changes. Only the standard library is used here, so this runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"
MIN_PYTHON = (3, 11)


def main(argv: list[str]) -> int:
    if sys.version_info < MIN_PYTHON:
        print(
            f"Error: Python {'.'.join(map(str, MIN_PYTHON))} or newer is required.", file=sys.stderr
        )
        return 2
    if not argv or argv[0] not in {"demo", "test", "bench"}:
        print(__doc__, file=sys.stderr)
        return 2
    command, args = argv[0], argv[1:]
    ensure_environment(with_tests=command == "test")
    os.chdir(ROOT)
    # exec, not a child process: signals such as SIGTERM then reach the server or pytest.
    if command == "demo":
        program = str(BIN / "partners-api")
        os.execv(program, [program, "demo", *args])  # noqa: S606
    # argv[0] is the full path: Python finds its virtual environment from it.
    python = str(BIN / "python")
    module = "bench" if command == "bench" else "pytest"
    os.execv(python, [python, "-m", module, *args])  # noqa: S606


def ensure_environment(*, with_tests: bool) -> None:
    extras = "[test]" if with_tests else ""
    expected = _fingerprint(extras)
    if STAMP.exists() and STAMP.read_text() in {expected, _fingerprint("[test]")}:
        return
    if not (BIN / "python").exists():
        print(f"Creating the virtual environment in {VENV}", flush=True)
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except subprocess.CalledProcessError:
            sys.exit(
                "Error: this Python has no ensurepip, so it cannot create a virtual environment. "
                "On Debian or Ubuntu run `apt-get install python3-venv`, then run this again."
            )
    print(f"Installing partners-api{extras} and its dependencies", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    if (
        run([*pip, "install", "--upgrade", "pip"]) != 0
        or run([*pip, "install", "-e", f".{extras}"]) != 0
    ):
        sys.exit("Error: pip install failed; see its output above.")
    STAMP.write_text(expected)


def _fingerprint(extras: str) -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return f"{digest} {extras}"


def run(command: list[str]) -> int:
    return subprocess.call(command, cwd=ROOT)  # noqa: S603 (fixed argv, no shell)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
