"""Run the load benchmarks of the Partners API beside a bare ASGI baseline.

Seeds the datasets once (bench/.data/ and partners_bench_* databases), starts both
servers on loopback, drives them with wrk, prints the tables and writes every
measurement to bench/results/<UTC time>.json. docs/benchmarks.md explains the columns.
With the defaults a run takes about 20 minutes, plus about 2 minutes to seed the
datasets the first time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench import report, wrk
from bench.datasets import DATASETS
from bench.runner import Options, Row, run_dataset

RESULTS = Path(__file__).resolve().parent / "results"


def _machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {memory_kb / 1024 / 1024:.0f} GiB, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def _write_results(path: Path, machine: str, arguments: dict[str, Any], rows: list[Row]) -> None:
    data = {
        "machine": machine,
        "commit": _commit(),
        "arguments": arguments,
        "rows": [row.as_dict() for row in rows],
    }
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def _commit() -> str | None:
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607 (git from PATH, as a developer runs it)
            capture_output=True, text=True, check=False, cwd=RESULTS.parent,
        )  # fmt: skip
    except OSError:
        return None
    return completed.stdout.strip() or None


def _connections(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(item) for item in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid connection counts {text!r}; give whole numbers separated by commas, "
            "such as 1,8,32"
        ) from None
    if min(values) < 1:
        raise argparse.ArgumentTypeError(f"invalid connection counts {text!r}; use 1 or more")
    return values


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="bench/run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--datasets", default="pg-10k,pg-100k,pg-1m,sqlite-100k",
        help="Comma-separated datasets, from: " + ", ".join(DATASETS),
    )  # fmt: skip
    parser.add_argument(
        "--concurrency", type=_connections, default=(1, 8, 32),
        help="wrk connections of each run, comma-separated (default 1,8,32).",
    )  # fmt: skip
    parser.add_argument(
        "--seconds", type=int, default=5, help="Length of each wrk run, in whole seconds."
    )
    parser.add_argument("--workers", type=int, default=2, help="Worker processes per server.")
    parser.add_argument(
        "--pool-size", type=int, default=20,
        help="Database connections per worker process, for the API and the baseline alike.",
    )  # fmt: skip
    parser.add_argument(
        "--all-scenarios", action="store_true",
        help="Run every scenario on every dataset, not only the core ones on the smaller.",
    )  # fmt: skip
    parser.add_argument(
        "--only",
        help="Run only the scenario of this name, such as 'customer by id', or the scenarios "
        "whose names contain this text.",
    )
    parser.add_argument(
        "--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="A PostgreSQL database to connect to for creating the benchmark databases.",
    )  # fmt: skip
    arguments = parser.parse_args(argv)
    names = [name.strip() for name in arguments.datasets.split(",") if name.strip()]
    unknown = [name for name in names if name not in DATASETS]
    if unknown:
        parser.error(f"unknown dataset {unknown[0]!r}; choose from {', '.join(DATASETS)}")
    try:
        wrk.wrk_path()
    except wrk.WrkError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    options = Options(
        postgres_url=arguments.postgres_url,
        concurrencies=arguments.concurrency,
        seconds=arguments.seconds,
        workers=arguments.workers,
        pool_size=arguments.pool_size,
        all_scenarios=arguments.all_scenarios,
        only=arguments.only,
    )
    rows: list[Row] = []
    machine = _machine()
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H%M%SZ")
    for name in names:
        print(f"{name}:", flush=True)
        rows += run_dataset(DATASETS[name], options)
        # Written after each dataset, so that a failure later keeps what was measured.
        _write_results(RESULTS / f"{stamp}.json", machine, vars(arguments), rows)
    print(f"\nMachine: {machine}\n")
    print(report.main_table(rows))
    print("\np99 at 70% of the API's peak rate:\n")
    print(report.paced_table(rows))
    print("\nGrowth (p50 at one connection):\n")
    print(report.growth_table(rows))
    print(f"\nRaw results: {RESULTS / (stamp + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
