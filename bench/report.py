"""The benchmark's tables, as Markdown."""

from __future__ import annotations

from collections.abc import Iterable

from bench.runner import Row


def _fmt(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def _pair(rows: Iterable[Row]) -> dict[tuple[str, str, int, bool], dict[str, Row]]:
    pairs: dict[tuple[str, str, int, bool], dict[str, Row]] = {}
    for row in rows:
        key = (row.dataset, row.scenario, row.connections, row.paced)
        pairs.setdefault(key, {})[row.server] = row
    return pairs


def main_table(rows: list[Row]) -> str:
    lines = [
        "| data | scenario | conn | API req/s | baseline req/s | ratio | API p50 / p99 ms "
        "| baseline p50 / p99 ms | DB ms | API CPU ms/req | baseline CPU ms/req | errors |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for (dataset, scenario, connections, paced), pair in _pair(rows).items():
        if paced:
            continue
        api, base = pair.get("api"), pair.get("baseline")
        assert api is not None
        ratio = f"{api.rps / base.rps:.2f}" if base and base.rps else ""
        errors = api.errors + api.non_2xx + (base.errors + base.non_2xx if base else 0)
        lines.append(
            f"| {dataset} | {scenario} | {connections} | {api.rps:,.0f} | "
            f"{_fmt(base.rps if base else None, 0)} | {ratio} | "
            f"{api.p50_ms:.2f} / {api.p99_ms:.2f} | "
            f"{f'{base.p50_ms:.2f} / {base.p99_ms:.2f}' if base else ''} | "
            f"{_fmt(api.db_ms, 2)} | {api.cpu_ms_per_request:.2f} | "
            f"{_fmt(base.cpu_ms_per_request if base else None, 2)} | {errors} |"
        )
    return "\n".join(lines)


def paced_table(rows: list[Row]) -> str:
    lines = [
        "| data | scenario | conn | API req/s | share of API peak | API p50 / p99 ms "
        "| baseline req/s | baseline p50 / p99 ms |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for (dataset, scenario, connections, paced), pair in _pair(rows).items():
        if not paced:
            continue
        api, base = pair["api"], pair.get("baseline")
        peak = max(
            r.rps
            for r in rows
            if r.server == "api" and r.dataset == dataset and r.scenario == scenario
            and not r.paced
        )  # fmt: skip
        lines.append(
            f"| {dataset} | {scenario} | {connections} | {api.rps:,.0f} | "
            f"{api.rps / peak:.2f} | "
            f"{api.p50_ms:.2f} / {api.p99_ms:.2f} | {_fmt(base.rps if base else None, 0)} | "
            f"{f'{base.p50_ms:.2f} / {base.p99_ms:.2f}' if base else ''} |"
        )
    return "\n".join(lines)


def growth_table(rows: list[Row]) -> str:
    """p50 at one connection of the same scenario on different datasets, as factors."""
    p50 = {
        (r.dataset, r.scenario): r.p50_ms
        for r in rows
        if r.server == "api" and r.connections == 1 and not r.paced
    }
    lines = ["| comparison | p50 ms | p50 ms | factor |", "|---|--:|--:|--:|"]
    for scenario in ("customers partnerId, 25", "customers name, 25", "customers unfiltered, 25"):
        small, large = p50.get(("pg-10k", scenario)), p50.get(("pg-1m", scenario))
        if small and large:
            lines.append(
                f"| {scenario}: pg-10k → pg-1m | {small:.2f} | {large:.2f} | {large / small:.2f} |"
            )
    first = p50.get(("pg-1m", "customers unfiltered, 25"))
    deep = next((v for (d, s), v in p50.items() if d == "pg-1m" and "start" in s), None)
    if first and deep:
        lines.append(
            f"| pg-1m: start 100,000 against the first page | {first:.2f} | {deep:.2f} "
            f"| {deep / first:.2f} |"
        )
    return "\n".join(lines)
