"""End-to-end test of react-admin's ``ra-data-simple-rest`` data provider against the API.

The test installs the pinned npm packages of ``react_admin/`` into a temporary copy with
``npm ci``, serves a demo database with ``partners-api serve`` on a free loopback port
and runs ``react_admin/check.mjs`` against it. Without ``node`` or ``npm`` on PATH, or
when ``npm ci`` cannot reach the registry, the test is skipped, except under CI=true,
where either fails the run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import httpx
import pytest

PACKAGE_DIR = Path(__file__).with_name("react_admin")
PACKAGE_FILES = ("package.json", "package-lock.json", "check.mjs")

# Limits on each step, in seconds. npm ci downloads about 25 packages on a cold cache.
NPM_CI_TIMEOUT = 300.0
DEMO_TIMEOUT = 120.0
STARTUP_TIMEOUT = 30.0
CHECK_TIMEOUT = 120.0
STOP_TIMEOUT = 15.0

# npm error codes that mean the registry could not be reached. ENOTCACHED is the
# offline mode's error for a package missing from the npm cache.
REGISTRY_UNREACHABLE_CODES = frozenset({
    "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH",
    "ENOTCACHED", "ENOTFOUND", "ERR_SOCKET_TIMEOUT", "ETIMEDOUT",
})  # fmt: skip

# npm 11 prints "npm error code X", and older releases print "npm ERR! code X".
_NPM_ERROR_CODE = re.compile(r"^npm (?:error|ERR!) code (\S+)", re.MULTILINE)


def skip_or_fail(reason: str, details: str = "") -> NoReturn:
    """Skip the test, or fail it under CI=true, where the end-to-end test must run.

    ``details``, such as a program's output, goes on the lines after the reason.
    """
    in_ci = os.environ.get("CI") == "true"
    if in_ci:
        reason = f"{reason} CI=true requires the react-admin end-to-end test to run."
    message = f"{reason}\n{details}" if details else reason
    if in_ci:
        pytest.fail(message)
    pytest.skip(message)


def registry_unreachable(npm_output: str) -> bool:
    """Return whether npm's output reports a network error rather than another failure."""
    codes = set(_NPM_ERROR_CODE.findall(npm_output))
    return not codes.isdisjoint(REGISTRY_UNREACHABLE_CODES)


def require_program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        skip_or_fail(f"{name} is not on PATH, so ra-data-simple-rest cannot be run.")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def service_env() -> dict[str, str]:
    """Return this process's environment without the PARTNERS_API_* settings of the shell.

    PYTHONUNBUFFERED makes the server's log file complete whenever the test reads it.
    """
    env = {
        name: value for name, value in os.environ.items() if not name.startswith("PARTNERS_API_")
    }
    env["PYTHONUNBUFFERED"] = "1"
    return env


def output_text(output: str | bytes | None) -> str:
    """Return the output that a timed-out subprocess left, which may be bytes or None."""
    if isinstance(output, bytes):
        return output.decode(errors="replace")
    return output or ""


def partners_api_command() -> str:
    return str(Path(sys.executable).with_name("partners-api"))


@pytest.fixture(scope="module")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copy ``react_admin/`` to a temporary folder and install its packages there."""
    require_program("node")
    npm = require_program("npm")
    target = tmp_path_factory.mktemp("react_admin")
    for name in PACKAGE_FILES:
        shutil.copy2(PACKAGE_DIR / name, target / name)

    command = [npm, "ci", "--no-audit", "--no-fund"]
    try:
        result = subprocess.run(  # noqa: S603
            command,
            cwd=target,
            capture_output=True,
            text=True,
            timeout=NPM_CI_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        skip_or_fail(f"npm ci did not finish within {NPM_CI_TIMEOUT:.0f} s.")
    output = f"{result.stdout}\n{result.stderr}".strip()
    if result.returncode != 0 and registry_unreachable(output):
        skip_or_fail("npm ci could not reach the npm registry.", output)
    assert result.returncode == 0, f"npm ci failed with exit code {result.returncode}:\n{output}"
    return target


def build_demo_database(tmp_path: Path) -> tuple[str, str]:
    """Build a demo SQLite database and return its URL and the distributor's admin token."""
    database_url = f"sqlite:///{tmp_path / 'demo.db'}"
    command = [
        partners_api_command(),
        "demo",
        "--no-serve",
        "--json",
        "--database-url",
        database_url,
    ]
    result = subprocess.run(  # noqa: S603
        command,
        cwd=tmp_path,
        env=service_env(),
        capture_output=True,
        text=True,
        timeout=DEMO_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, f"partners-api demo failed:\n{result.stdout}\n{result.stderr}"
    token: str = json.loads(result.stdout)["tokens"]["distributorAdmin"]
    return database_url, token


def wait_until_healthy(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    # Proxy variables are ignored, so the requests go straight to the loopback server.
    with httpx.Client(base_url=base_url, trust_env=False, timeout=5.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(
                    f"partners-api serve exited with code {process.returncode} before answering "
                    f"/healthz:\n{log.read_text()}"
                )
            try:
                if client.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    pytest.fail(
        f"partners-api serve did not answer /healthz within {STARTUP_TIMEOUT:.0f} s:\n"
        f"{log.read_text()}"
    )


@dataclass(frozen=True)
class ServedDemo:
    """A running ``partners-api serve`` process on a fresh demo database."""

    base_url: str
    # The distributor's PartnerAdmin key, left out of pytest's failure reports.
    token: str = field(repr=False)
    log: Path


@pytest.fixture
def served_demo(tmp_path: Path) -> Iterator[ServedDemo]:
    """Serve a fresh demo database on a free loopback port until the test ends."""
    database_url, token = build_demo_database(tmp_path)
    port = free_port()
    command = [
        partners_api_command(), "--database-url", database_url,
        "serve", "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"

    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=tmp_path, env=service_env(), stdout=output, stderr=subprocess.STDOUT
        )
        try:
            wait_until_healthy(base_url, process, log)
            yield ServedDemo(base_url, token, log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_TIMEOUT)


@pytest.mark.parametrize(
    ("npm_output", "expected"),
    [
        ("npm error code ENOTFOUND\nnpm error syscall getaddrinfo", True),
        ("npm ERR! code EAI_AGAIN", True),
        ("npm error code ENOTCACHED", True),
        ("npm error code EUSAGE\nnpm error `npm ci` needs a package-lock.json", False),
        ("npm error code E404\nnpm error 404 Not Found", False),
    ],
)
def test_registry_unreachable(npm_output: str, expected: bool) -> None:
    assert registry_unreachable(npm_output) is expected


def test_simple_rest_provider(package_dir: Path, served_demo: ServedDemo) -> None:
    node = require_program("node")
    log = served_demo.log
    command = [node, "check.mjs", f"{served_demo.base_url}/v1", served_demo.token]
    try:
        result = subprocess.run(  # noqa: S603
            command,
            cwd=package_dir,
            capture_output=True,
            text=True,
            timeout=CHECK_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(
            f"node check.mjs did not finish within {CHECK_TIMEOUT:.0f} s:\n"
            f"{output_text(exc.stdout)}\n{output_text(exc.stderr)}\nServer log:\n{log.read_text()}"
        )

    # Plain values keep the token, which is in result.args, out of the failure report.
    exit_code = result.returncode
    output = result.stdout
    report = f"{output}\n{result.stderr}\nServer log:\n{log.read_text()}"
    assert exit_code == 0, f"node check.mjs exited with {exit_code}:\n{report}"
    assert "All ra-data-simple-rest checks passed." in output, report
