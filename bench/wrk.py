"""Runs of the wrk load generator, driven by a generated Lua script."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_LUA = """
local token = {token}
local prefer = {prefer}
local body_template = {body}
local delay_ms = {delay_ms}
local counter = 0
local thread_number = 0

function setup(thread)
  thread_number = thread_number + 1
  thread:set("thread_id", thread_number)
end

function init(args)
  wrk.method = {method}
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Content-Type"] = "application/json"
  if prefer ~= "" then
    wrk.headers["Prefer"] = prefer
  end
end

{delay_function}

function request()
  if body_template == "" then
    return wrk.request()
  end
  counter = counter + 1
  local unique = {run_tag} .. "-" .. thread_id .. "-" .. counter
  return wrk.format(nil, nil, nil, (body_template:gsub("{{unique}}", unique)))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.stderr:write(string.format(
    'WRK_RESULT {{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, '
    .. '"p99_us": %d, "max_us": %d}}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""

_DELAY = """
function delay()
  return delay_ms
end
"""


@dataclass(frozen=True)
class Load:
    """One wrk run: where to send what, with how many connections, for how long."""

    url: str
    token: str
    method: str = "GET"
    # A JSON body in which {unique} is replaced by a value unique to each request.
    body: str = ""
    prefer: str = ""
    connections: int = 1
    seconds: float = 5.0
    # Pause of each connection between its requests, to hold a rate below the peak.
    delay_ms: int = 0
    run_tag: str = "run"


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    errors: int
    non_2xx: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class WrkError(RuntimeError):
    """wrk is missing, failed, or printed no result."""


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise WrkError(
            "wrk is not installed; install it with 'apt-get install wrk' "
            "(bench/run does this when it runs as root)."
        )
    return path


def _lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal here


def run(load: Load) -> Result:
    """Run wrk once and return what it measured."""
    script = _LUA.format(
        token=_lua_string(load.token),
        prefer=_lua_string(load.prefer),
        body=_lua_string(load.body),
        method=_lua_string(load.method),
        delay_ms=load.delay_ms,
        delay_function=_DELAY if load.delay_ms > 0 else "",
        run_tag=_lua_string(load.run_tag),
    )
    threads = max(1, min(2, load.connections))
    with tempfile.TemporaryDirectory(prefix="partners-bench-") as folder:
        # The script contains a token, so it goes in a folder private to this user (mode 0700).
        path = Path(folder) / "load.lua"
        path.write_text(script, encoding="utf-8")
        completed = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
            [
                wrk_path(), "--latency", "-t", str(threads), "-c", str(load.connections),
                "-d", f"{max(1, round(load.seconds))}s", "--timeout", "10s",
                "-s", str(path), load.url,
            ],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    for line in completed.stderr.splitlines():
        if line.startswith("WRK_RESULT "):
            data = json.loads(line.removeprefix("WRK_RESULT "))
            break
    else:
        raise WrkError(
            f"wrk printed no result (exit {completed.returncode}): "
            f"{completed.stdout}{completed.stderr}"
        )
    errors = data["connect"] + data["read"] + data["write"] + data["timeout"]
    return Result(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=errors,
        non_2xx=data["status"],
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
    )
