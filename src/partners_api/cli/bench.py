"""The ``bench`` command group: ``bench seed`` fills a fresh database with benchmark data."""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from pathlib import Path
from typing import IO, Any

import click
from sqlalchemy.ext.asyncio import AsyncConnection

from partners_api.cli.db import GlobalOptions, load_settings, open_database, pass_options, shown_url
from partners_api.cli.output import CLIError, json_option, print_result
from partners_api.domain import apikeys
from partners_api.domain.enums import AccountType, Role
from partners_api.storage import seed
from partners_api.storage.database import is_sqlite

# Partners that get keys besides every distributor, picked at random.
KEYED_PARTNERS = 100


async def _create_keys(
    connection: AsyncConnection, seeded: list[seed.SeededAccount], seed_value: int
) -> list[dict[str, str]]:
    """Create a PartnerAdmin and a PartnerReader key for every distributor and for a
    sample of partners; return the entries of the keys file."""
    distributors = [a for a in seeded if a.row["type"] == AccountType.DISTRIBUTOR.value]
    partners = [a for a in seeded if a.row["type"] == AccountType.PARTNER.value]
    # A separate generator, so that the key sample does not change the data of a seed.
    sampler = random.Random(seed_value)  # noqa: S311 (picks accounts, not secrets)
    sample = sampler.sample(partners, min(KEYED_PARTNERS, len(partners)))
    entries = []
    for account in [*distributors, *sample]:
        for role in (Role.PARTNER_ADMIN, Role.PARTNER_READER):
            _, token = await apikeys.create_key(
                connection, account.row["id"], role, name=f"Benchmark {role.value} key"
            )
            entries.append(
                {
                    "accountId": str(account.row["id"]),
                    "accountType": account.row["type"],
                    "role": role.value,
                    "token": token,
                }
            )
    return entries


def _open_keys_file(path: Path) -> IO[str]:
    """Open the keys file for writing with mode 0600 before anything is loaded, so that
    an unwritable path fails before the load instead of losing the tokens after it."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise CLIError(
            f"Cannot write the keys file {str(path)!r}: {exc.strerror}. Choose a writable path."
        ) from exc
    # os.open applies the mode only to a new file; an existing one may be readable by others.
    os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "w", encoding="utf-8")


async def seed_database(
    database_url: str,
    counts: seed.SeedCounts,
    options: seed.SeedOptions,
    keys_file: IO[str],
) -> dict[str, Any]:
    """Load the benchmark data and its keys in one transaction, write the keys file, and
    return the summary."""
    async with open_database(database_url) as engine:
        url = shown_url(engine)
        started = time.perf_counter()
        async with engine.connect() as connection:
            if is_sqlite(engine):
                await seed.prepare_sqlite_bulk_load(connection)
                # Take the write lock at BEGIN, as database.write_transaction does.
                await connection.execution_options(sqlite_begin="IMMEDIATE")
            async with connection.begin():
                if await seed.has_accounts(connection):
                    raise CLIError(
                        f"The database {url} already contains accounts, but bench seed "
                        "needs a fresh database. Create an empty one, or use a new SQLite file."
                    )
                seeded, loaded = await seed.load(connection, counts, options)
                entries = await _create_keys(connection, seeded, options.seed)
        elapsed = time.perf_counter() - started
    json.dump(entries, keys_file, indent=2)
    keys_file.write("\n")
    return {
        "databaseUrl": url,
        "seed": options.seed,
        "distributors": counts.distributors,
        "partners": counts.partners,
        "customers": loaded.customers,
        "members": loaded.members,
        "accountCountries": loaded.account_countries,
        "apiKeys": len(entries),
        "rows": loaded.total,
        "elapsedSeconds": round(elapsed, 3),
        "rowsPerSecond": round(loaded.total / elapsed) if elapsed > 0 else None,
    }


def _summary_lines(summary: dict[str, Any], keys_path: Path) -> list[str]:
    return [
        f"Seeded {summary['databaseUrl']} with seed {summary['seed']}: "
        f"{summary['distributors']} distributors, {summary['partners']} partners, "
        f"{summary['customers']} customers, {summary['members']} members, "
        f"{summary['accountCountries']} account countries.",
        f"Loaded {summary['rows']} rows in {summary['elapsedSeconds']} s "
        f"({summary['rowsPerSecond']} rows/s).",
        f"Wrote the tokens of {summary['apiKeys']} API keys to {keys_path}.",
    ]


@click.group("bench")
def bench_group() -> None:
    """Prepare databases for benchmarks."""


@bench_group.command("seed")
@click.option(
    "--distributors", type=click.IntRange(min=0), default=50, show_default=True,
    help="Number of distributor accounts.",
)  # fmt: skip
@click.option(
    "--partners", type=click.IntRange(min=0), default=10_000, show_default=True,
    help="Number of partner accounts, about 5% of them without a distributor.",
)  # fmt: skip
@click.option(
    "--customers", type=click.IntRange(min=0), default=1_000_000, show_default=True,
    help="Number of customers, about 10% of them owned by distributors directly.",
)  # fmt: skip
@click.option(
    "--seed", "seed_value", type=int, default=1, show_default=True,
    help="Seed of the random generator. The same seed and counts give the same rows.",
)  # fmt: skip
@click.option(
    "--keys-file", type=click.Path(dir_okay=False, path_type=Path), required=True,
    help="JSON file (mode 0600) to receive the tokens of the created API keys.",
)  # fmt: skip
@json_option
@pass_options
def seed_command(
    options: GlobalOptions,
    distributors: int,
    partners: int,
    customers: int,
    seed_value: int,
    keys_file: Path,
    as_json: bool,
) -> None:
    """Fill a fresh database with deterministic benchmark data.

    Creates distributors, partners and customers with one member each, and a
    PartnerAdmin and a PartnerReader API key for every distributor and for up to 100
    partners. Tokens go to --keys-file only, never to the output. The database must
    contain no accounts. SQLite is migrated first; PostgreSQL must be at the newest
    revision (`partners-api db upgrade`).
    """
    counts = seed.SeedCounts(distributors, partners, customers)
    try:
        seed.check_counts(counts)
    except ValueError as exc:
        raise CLIError(str(exc)) from exc
    settings = load_settings(options.database_url)
    seed_options = seed.SeedOptions(
        seed=seed_value,
        tts_max_chars=settings.tts_max_chars,
        trial_plan_id=settings.trial_plan_id,
        partner_levels=settings.partner_levels,
        default_partner_level=settings.default_partner_level,
    )
    keys_output = _open_keys_file(keys_file)
    try:
        with keys_output:
            summary = asyncio.run(
                seed_database(options.database_url, counts, seed_options, keys_output)
            )
    except BaseException:
        # The transaction rolled back, so the file would hold no valid token.
        keys_file.unlink(missing_ok=True)
        raise
    summary["keysFile"] = str(keys_file)
    print_result(summary, _summary_lines(summary, keys_file), as_json=as_json)
