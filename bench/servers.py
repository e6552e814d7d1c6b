"""Server processes under test, on free loopback ports, and their CPU time."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

STARTUP_SECONDS = 60.0
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    name: str
    base_url: str
    process: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float:
        """User and system CPU time of the server and its worker processes so far."""
        return sum(_process_cpu(pid) for pid in _tree(self.process.pid))


def _tree(pid: int) -> list[int]:
    pids = [pid]
    queue = [pid]
    while queue:
        current = queue.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in children:
                pids.append(int(child))
                queue.append(int(child))
    return pids


def _process_cpu(pid: int) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # Fields after the command name, which is in parentheses and may contain spaces.
    fields = stat.rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / _CLOCK_TICKS


def _wait_until_healthy(server: Server, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited at startup:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{server.base_url}/healthz", timeout=1):  # noqa: S310
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not respond to /healthz in time:\n{log.read_text()}")


@contextmanager
def running(
    name: str, command: Sequence[str], env: Mapping[str, str], log: Path, port: int
) -> Iterator[Server]:
    """Start ``command`` (which listens on ``port``), wait for /healthz, stop it at the end."""
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
            list(command), stdout=output, stderr=subprocess.STDOUT, env=dict(env),
            start_new_session=True,
        )  # fmt: skip
    server = Server(name=name, base_url=f"http://127.0.0.1:{port}", process=process)
    try:
        _wait_until_healthy(server, log)
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def api_command(port: int, workers: int) -> list[str]:
    """Return the `partners-api serve` command line of the server under test."""
    return [
        str(Path(sys.executable).with_name("partners-api")), "serve", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(workers),
        # The load comes from one key, far above any per-key limit a deployment would set.
        "--rate-limit-burst", "0",
    ]  # fmt: skip


def baseline_command(port: int, workers: int) -> list[str]:
    """Return the uvicorn command line of the baseline, with the API's server options."""
    return [
        sys.executable, "-m", "uvicorn", "bench.baseline:app", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(workers), "--no-access-log",
        "--log-level", "warning",
    ]  # fmt: skip
