"""One dataset's benchmark: record, explain, start both servers, drive them with wrk."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import plan, scenarios, servers, wrk
from bench.datasets import Dataset, load_keys, prepare


@dataclass(frozen=True)
class Options:
    postgres_url: str
    concurrencies: tuple[int, ...]
    seconds: float
    workers: int
    pool_size: int
    all_scenarios: bool
    only: str | None


@dataclass(frozen=True)
class Row:
    dataset: str
    scenario: str
    server: str  # api or baseline
    connections: int
    paced: bool
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    non_2xx: int
    cpu_ms_per_request: float
    db_ms: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _fetch(base_url: str, scenario: scenarios.Scenario, token: str) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {token}"}
    if scenario.prefer:
        headers["Prefer"] = scenario.prefer
    request = urllib.request.Request(  # noqa: S310 (a loopback URL the suite built)
        base_url + scenario.target,
        headers=headers,
        method="GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _check_same_answers(
    api: servers.Server, baseline: servers.Server, chosen: list[scenarios.Scenario], token: str
) -> None:
    """Raise when the baseline does not return the API's very bytes for a read."""
    for scenario in chosen:
        if scenario.method != "GET":
            continue
        api_answer = _fetch(api.base_url, scenario, token)
        baseline_answer = _fetch(baseline.base_url, scenario, token)
        if api_answer != baseline_answer or api_answer[0] != 200:
            raise RuntimeError(
                f"The baseline's response to {scenario.name!r} differs from the API's: "
                f"{api_answer[0]} {api_answer[1][:200]!r} against "
                f"{baseline_answer[0]} {baseline_answer[1][:200]!r}"
            )


def _measure(
    server: servers.Server, load: wrk.Load, dataset: str, scenario: str, db_ms: float | None,
    paced: bool,
) -> Row:  # fmt: skip
    cpu_before = server.cpu_seconds()
    result = wrk.run(load)
    cpu = server.cpu_seconds() - cpu_before
    return Row(
        dataset=dataset,
        scenario=scenario,
        server=server.name,
        connections=load.connections,
        paced=paced,
        rps=result.rps,
        p50_ms=result.p50_ms,
        p99_ms=result.p99_ms,
        errors=result.errors,
        non_2xx=result.non_2xx,
        cpu_ms_per_request=1000 * cpu / result.requests if result.requests else 0.0,
        db_ms=db_ms,
    )


# Scenarios whose p99 is also measured at 70% of the API's peak rate.
PACED = ("customers unfiltered, 25", "customer by id")
PACED_SHARE = 0.7
PACED_CONNECTIONS = 8


def _selected(name: str, only: str | None, names: set[str]) -> bool:
    """Tell whether ``--only`` selects a scenario: by its exact name when one has it,
    otherwise by a part of the name."""
    if only is None:
        return True
    return name == only if only in names else only in name


def _paced_delay_ms(rows: list[Row], dataset: str, scenario: str) -> int:
    """Return the pause per connection that keeps the API at about PACED_SHARE of its
    peak rate for ``scenario``."""
    measured = [
        r
        for r in rows
        if r.server == "api" and r.dataset == dataset and r.scenario == scenario and not r.paced
    ]
    peak = max(measured, key=lambda r: r.rps)
    # wrk pauses after each response, so a connection sends one request per latency plus
    # pause. The latency at this many connections comes from the unpaced run.
    latency_ms = next(
        (r.p50_ms for r in measured if r.connections == PACED_CONNECTIONS), peak.p50_ms
    )
    return max(1, round(1000 * PACED_CONNECTIONS / (PACED_SHARE * peak.rps) - latency_ms))


def run_dataset(dataset: Dataset, options: Options) -> list[Row]:
    url = prepare(dataset, options.postgres_url)
    facts = scenarios.facts(url, load_keys(dataset))
    built = scenarios.build(facts)
    names = {s.name for s in built}
    chosen = [
        s
        for s in built
        if (options.all_scenarios or dataset.name == "pg-1m" or s.core)
        and _selected(s.name, options.only, names)
    ]
    is_postgres = dataset.engine == "postgresql"
    db_times: dict[str, float] = {}
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="partners-bench-") as folder, ExitStack() as stack:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERS_API_")}
        env["PARTNERS_API_DATABASE_URL"] = url
        env["PARTNERS_API_DATABASE_POOL_SIZE"] = str(options.pool_size)
        running = []
        if is_postgres:
            started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            recorded = asyncio.run(plan.record(url, facts.admin_token, chosen))
            plan_path = Path(folder) / "plan.json"
            plan.write(plan_path, chosen, recorded, started)
            for scenario, ms in zip(
                chosen, plan.explain(url, chosen, recorded, started), strict=True
            ):
                db_times[scenario.name] = ms
        port = servers.free_port()
        running.append(
            stack.enter_context(
                servers.running(
                    "api", servers.api_command(port, options.workers), env,
                    Path(folder) / "api.log", port,
                )
            )
        )  # fmt: skip
        if is_postgres:
            port = servers.free_port()
            baseline_env = dict(env)
            baseline_env.update(
                PARTNERS_BENCH_PLAN=str(plan_path),
                PARTNERS_BENCH_DSN=url,
                PARTNERS_BENCH_POOL_SIZE=str(options.pool_size),
                PYTHONPATH=str(Path(__file__).resolve().parent.parent),
            )
            running.append(
                stack.enter_context(
                    servers.running(
                        "baseline", servers.baseline_command(port, options.workers),
                        baseline_env, Path(folder) / "baseline.log", port,
                    )
                )
            )  # fmt: skip
            _check_same_answers(running[0], running[1], chosen, facts.admin_token)
        for scenario in chosen:
            for connections in options.concurrencies:
                for server in running:
                    load = wrk.Load(
                        url=server.base_url + scenario.target,
                        token=facts.admin_token,
                        method=scenario.method,
                        body=scenario.body,
                        prefer=scenario.prefer,
                        connections=connections,
                        seconds=options.seconds,
                        run_tag=f"{server.name}-{int(time.time() * 1000)}-{connections}",
                    )
                    row = _measure(
                        server, load, dataset.name, scenario.name,
                        db_times.get(scenario.name), paced=False,
                    )  # fmt: skip
                    rows.append(row)
                    print(_progress(row), flush=True)
            if scenario.name in PACED:
                delay_ms = _paced_delay_ms(rows, dataset.name, scenario.name)
                for server in running:
                    load = wrk.Load(
                        url=server.base_url + scenario.target,
                        token=facts.admin_token,
                        connections=PACED_CONNECTIONS,
                        seconds=options.seconds,
                        delay_ms=delay_ms,
                    )
                    row = _measure(
                        server, load, dataset.name, scenario.name,
                        db_times.get(scenario.name), paced=True,
                    )  # fmt: skip
                    rows.append(row)
                    print(_progress(row), flush=True)
    return rows


def _progress(row: Row) -> str:
    paced = " at 70% of peak" if row.paced else ""
    return (
        f"  {row.dataset:<11} {row.scenario:<34} {row.server:<8} c={row.connections:<3}{paced} "
        f"{row.rps:8.0f} req/s  p50 {row.p50_ms:6.2f} ms  p99 {row.p99_ms:6.2f} ms  "
        f"errors {row.errors + row.non_2xx}  cpu {row.cpu_ms_per_request:.2f} ms/req"
    )
