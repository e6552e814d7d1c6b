"""Lists and exports across many pages return every object once."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.client_cli import run_json, run_ok
from tests.client_cli.served_api import Api, seed_customers

SEEDED = 230


def test_list_all_csv_returns_every_customer_once(api: Api, config_dir: Path) -> None:
    seed_customers(api, SEEDED)
    result = run_ok(
        ["customers", "list", "--all", "--format", "csv", "--page-size", "25"],
        config_dir=config_dir,
        env=api.env(),
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    ids = [row["id"] for row in rows]
    assert len(ids) == SEEDED
    assert len(set(ids)) == SEEDED
    assert sorted(row["name"] for row in rows) == [
        f"Seeded Customer {index:04d}" for index in range(SEEDED)
    ]
    assert api.total("customers") == SEEDED


def test_export_streams_every_page(api: Api, config_dir: Path, tmp_path: Path) -> None:
    seed_customers(api, SEEDED)
    result = run_ok(
        ["customers", "export", "--format", "jsonl", "--page-size", "40", "--sort", "name:desc"],
        config_dir=config_dir,
        env=api.env(),
    )
    names = [json.loads(line)["name"] for line in result.stdout.splitlines()]
    assert names == [f"Seeded Customer {index:04d}" for index in reversed(range(SEEDED))]
    assert f"Exported {SEEDED} customers." in result.stderr

    output = tmp_path / "all.csv"
    run_ok(["customers", "export", "--output", str(output)], config_dir=config_dir, env=api.env())
    with output.open(encoding="utf-8", newline="") as exported_file:
        rows = list(csv.DictReader(exported_file))
    assert len({row["id"] for row in rows}) == SEEDED

    exported = run_ok(
        ["customers", "export", "--format", "json", "--filter", "name=Customer 01"],
        config_dir=config_dir,
        env=api.env(),
    )
    assert len(json.loads(exported.stdout)) == 100


def test_limit_spans_pages_and_filters_apply(api: Api, config_dir: Path) -> None:
    seed_customers(api, SEEDED)
    listed = run_json(
        ["customers", "list", "--limit", "55", "--page-size", "10", "--sort", "name"],
        config_dir=config_dir,
        env=api.env(),
    )
    assert [item["name"] for item in listed] == [
        f"Seeded Customer {index:04d}" for index in range(55)
    ]
    filtered = run_json(
        [
            "customers",
            "list",
            "--all",
            "--filter",
            "name=customer 02",
            "--filter",
            f"partnerId={api.partner_id}",
            "--filter",
            "state=Trialing,Active",
        ],
        config_dir=config_dir,
        env=api.env(),
    )
    assert len(filtered) == 30
    none = run_json(
        ["customers", "list", "--filter", f"partnerId={api.distributor_id}"],
        config_dir=config_dir,
        env=api.env(),
    )
    assert none == []


def test_limit_one_hint_is_singular(api: Api, config_dir: Path) -> None:
    seed_customers(api, 2)
    result = run_ok(
        ["customers", "list", "--limit", "1", "--format", "json"],
        config_dir=config_dir,
        env=api.env(),
    )
    assert "Showing the first 1 customer; more match." in result.stderr
