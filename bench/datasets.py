"""The benchmark databases: created and seeded once, reused by later runs."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from partners_api.domain.apikeys import hash_token
from partners_api.storage.seed import REFERENCE_TIME

DATA_FOLDER = Path(__file__).resolve().parent / ".data"
SEED = 1


@dataclass(frozen=True)
class Dataset:
    name: str
    engine: str  # postgresql or sqlite
    customers: int
    partners: int
    distributors: int = 50

    @property
    def keys_file(self) -> Path:
        return DATA_FOLDER / f"{self.name}.keys.json"

    def database_url(self, postgres_url: str) -> str:
        if self.engine == "sqlite":
            return f"sqlite:///{DATA_FOLDER / (self.name + '.db')}"
        return postgres_url.rsplit("/", 1)[0] + "/" + self.database_name

    @property
    def database_name(self) -> str:
        return "partners_bench_" + self.name.replace("-", "_")


DATASETS = {
    dataset.name: dataset
    for dataset in (
        Dataset("pg-10k", "postgresql", customers=10_000, partners=100),
        Dataset("pg-100k", "postgresql", customers=100_000, partners=1_000),
        Dataset("pg-1m", "postgresql", customers=1_000_000, partners=10_000),
        Dataset("sqlite-100k", "sqlite", customers=100_000, partners=1_000),
    )
}


# Seeded rows are created before seed.REFERENCE_TIME; the create scenario adds customers
# created at the time of the run, which prepare() removes again.
_SEED_END = REFERENCE_TIME
_SEEDED_CUSTOMERS = "SELECT count(*) FROM customers WHERE created_at < ?"
_KEYS_WITH_HASH = "SELECT count(*) FROM api_keys WHERE token_hash = ?"
_REMOVE_CREATED = [
    "DELETE FROM members WHERE customer_id IN (SELECT id FROM customers WHERE created_at >= ?)",
    "DELETE FROM customers WHERE created_at >= ?",
    "DELETE FROM audit_events WHERE occurred_at >= ? AND object_type = 'customer'",
    "UPDATE accounts SET customers_count = (SELECT count(*) FROM customers "
    "WHERE customers.partner_id = accounts.id)",
]


def _partners_api(*arguments: str) -> None:
    command = [str(Path(sys.executable).with_name("partners-api")), *arguments]
    subprocess.run(command, check=True)  # noqa: S603 (fixed arguments, no shell)


def _is_seeded(dataset: Dataset, postgres_url: str) -> bool:
    """Tell whether the database contains the dataset and the keys of this checkout's keys
    file. Another checkout that seeded the same PostgreSQL database made other keys."""
    if not dataset.keys_file.exists():
        return False
    digest = hash_token(load_keys(dataset)[0]["token"])
    if dataset.engine == "sqlite":
        path = DATA_FOLDER / f"{dataset.name}.db"
        if not path.exists():
            return False
        with sqlite3.connect(path) as connection:
            try:
                (rows,) = connection.execute(
                    _SEEDED_CUSTOMERS, (_SEED_END.isoformat(" "),)
                ).fetchone()
                (keys,) = connection.execute(_KEYS_WITH_HASH, (digest,)).fetchone()
            except sqlite3.OperationalError:
                return False
        return bool(rows == dataset.customers and keys == 1)

    async def count() -> int:
        try:
            connection = await asyncpg.connect(dataset.database_url(postgres_url))
        except asyncpg.InvalidCatalogNameError:
            return -1
        try:
            if not await connection.fetchval(_KEYS_WITH_HASH.replace("?", "$1"), digest):
                return -1
            return int(await connection.fetchval(_SEEDED_CUSTOMERS.replace("?", "$1"), _SEED_END))
        except asyncpg.UndefinedTableError:
            return -1
        finally:
            await connection.close()

    return asyncio.run(count()) == dataset.customers


def _recreate_postgres_database(dataset: Dataset, postgres_url: str) -> None:
    async def recreate() -> None:
        connection = await asyncpg.connect(postgres_url)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{dataset.database_name}"')
            await connection.execute(f'CREATE DATABASE "{dataset.database_name}"')
        finally:
            await connection.close()

    asyncio.run(recreate())


def prepare(dataset: Dataset, postgres_url: str) -> str:
    """Seed ``dataset`` unless an earlier run did, apply new migrations, return its URL."""
    DATA_FOLDER.mkdir(exist_ok=True)
    url = dataset.database_url(postgres_url)
    if not _is_seeded(dataset, postgres_url):
        print(f"Seeding {dataset.name} ({dataset.customers:,} customers)...", flush=True)
        if dataset.engine == "sqlite":
            (DATA_FOLDER / f"{dataset.name}.db").unlink(missing_ok=True)
        else:
            _recreate_postgres_database(dataset, postgres_url)
        _partners_api("--database-url", url, "db", "upgrade")
        _partners_api(
            "--database-url", url, "bench", "seed", "--distributors", str(dataset.distributors),
            "--partners", str(dataset.partners), "--customers", str(dataset.customers),
            "--seed", str(SEED), "--keys-file", str(dataset.keys_file),
        )  # fmt: skip
    _partners_api("--database-url", url, "db", "upgrade")
    _remove_created_customers(dataset, url)
    # Fresh statistics for both planners. Rows loaded by COPY are also not yet in
    # PostgreSQL's visibility map, without which it cannot answer a count or a page from
    # an index alone; autovacuum would get there later, in the middle of a measurement.
    if dataset.engine == "postgresql":
        asyncio.run(_vacuum(url))
    else:
        with sqlite3.connect(DATA_FOLDER / f"{dataset.name}.db") as connection:
            connection.execute("ANALYZE")
    return url


def _remove_created_customers(dataset: Dataset, url: str) -> None:
    """Delete the customers that earlier runs of the create scenario added."""
    if dataset.engine == "sqlite":
        with sqlite3.connect(DATA_FOLDER / f"{dataset.name}.db") as connection:
            for statement in _REMOVE_CREATED:
                # SQLAlchemy stores SQLite timestamps as ISO text with a space.
                bound = (_SEED_END.isoformat(" "),) * statement.count("?")
                connection.execute(statement, bound)
        return

    async def remove() -> None:
        connection = await asyncpg.connect(url)
        try:
            async with connection.transaction():
                for statement in _REMOVE_CREATED:
                    await connection.execute(
                        statement.replace("?", "$1"), *((_SEED_END,) * min(1, statement.count("?")))
                    )
        finally:
            await connection.close()

    asyncio.run(remove())


async def _vacuum(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("VACUUM (ANALYZE)")
    finally:
        await connection.close()


def load_keys(dataset: Dataset) -> list[dict[str, Any]]:
    keys: list[dict[str, Any]] = json.loads(dataset.keys_file.read_text(encoding="utf-8"))
    return keys
