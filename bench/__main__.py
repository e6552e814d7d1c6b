"""Command line of the benchmark suite: ``python -m bench``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
from pathlib import Path

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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--datasets", default="pg-10k,pg-100k,pg-1m,sqlite-100k",
        help="Comma-separated datasets, from: " + ", ".join(DATASETS),
    )  # fmt: skip
    parser.add_argument("--concurrency", default="1,16", help="Comma-separated connections.")
    parser.add_argument("--seconds", type=int, default=5, help="Length of each wrk run.")
    parser.add_argument("--workers", type=int, default=2, help="Worker processes per server.")
    parser.add_argument(
        "--pool-size", type=int, default=20,
        help="Database connections per worker process, for the API and the baseline alike.",
    )  # fmt: skip
    parser.add_argument(
        "--all-scenarios", action="store_true",
        help="Run every scenario on every dataset, not only the core ones on the smaller.",
    )  # fmt: skip
    parser.add_argument("--only", help="Run only scenarios whose name contains this text.")
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
        concurrencies=tuple(int(c) for c in arguments.concurrency.split(",")),
        seconds=arguments.seconds,
        workers=arguments.workers,
        pool_size=arguments.pool_size,
        all_scenarios=arguments.all_scenarios,
        only=arguments.only,
    )
    rows: list[Row] = []
    for name in names:
        print(f"{name}:", flush=True)
        rows += run_dataset(DATASETS[name], options)
    machine = _machine()
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H%M%SZ")
    (RESULTS / f"{stamp}.json").write_text(
        json.dumps(
            {"machine": machine, "arguments": vars(arguments), "rows": [r.as_dict() for r in rows]},
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
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
