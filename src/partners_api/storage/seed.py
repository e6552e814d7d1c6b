"""Generation and bulk loading of deterministic benchmark data.

One ``random.Random(seed)`` drives every value, ids included, and timestamps fall in the
three years before ``REFERENCE_TIME`` rather than before the current time, so two loads
with the same seed and counts write identical rows. Customers and their members are
generated lazily, one chunk at a time, so memory stays flat whatever their number.

PostgreSQL loads through COPY (asyncpg's ``copy_records_to_table``); SQLite through
batched ``executemany`` inserts. Both run inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, exists, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from partners_api.domain import views
from partners_api.domain.enums import (
    CUSTOMER_MEMBER_ROLE,
    AccountType,
    CustomerState,
    OriginType,
    Role,
)
from partners_api.domain.fields import name_key, slugify_code
from partners_api.storage import seed_data
from partners_api.storage.tables import account_countries, accounts, customers, members

# The fixed end of the generated history, in naive UTC like every stored timestamp.
REFERENCE_TIME = dt.datetime(2026, 1, 1)
HISTORY = dt.timedelta(days=3 * 365)
CHUNK_ROWS = 50_000

_EPOCH = dt.datetime(1970, 1, 1)
_MILLISECOND = dt.timedelta(milliseconds=1)
# The Pareto shape of the "80/20 rule". Weights are capped so that one account cannot
# take nearly every customer when the counts are small.
_PARETO_ALPHA = 1.16
_MAX_WEIGHT = 500.0
# A share of customers name a member of their owner for customer support.
_SUPPORT_MEMBER_SHARE = 0.3
_UPDATED_SHARE = 0.2
# Columns of SQLAlchemy's JSON type, which COPY receives as JSON text.
_JSON_COLUMNS = frozenset(
    {"country_ids", "sign_up_data", "contact_data", "logo", "counters", "roles"}
)


@dataclass(frozen=True)
class SeedCounts:
    """Requested numbers of distributors, partners and customers."""

    distributors: int
    partners: int
    customers: int


@dataclass(frozen=True)
class SeedOptions:
    """The settings that shape the generated rows."""

    seed: int
    tts_max_chars: int
    trial_plan_id: str
    partner_levels: Sequence[str]
    default_partner_level: str


@dataclass
class SeededAccount:
    """An account row with its member row and its number of customers."""

    row: dict[str, Any]
    member: dict[str, Any]
    customers: int = 0


@dataclass
class LoadedRows:
    """Numbers of rows written to each table."""

    accounts: int = 0
    account_countries: int = 0
    customers: int = 0
    members: int = 0

    @property
    def total(self) -> int:
        return self.accounts + self.account_countries + self.customers + self.members


def check_counts(counts: SeedCounts) -> None:
    """Raise ``ValueError`` when the counts cannot be generated."""
    for name in ("distributors", "partners", "customers"):
        value = getattr(counts, name)
        if value < 0:
            raise ValueError(f"Invalid number of {name} {value}: use 0 or more.")
    if counts.customers > 0 and counts.distributors + counts.partners == 0:
        raise ValueError(
            f"Cannot create {counts.customers} customers without an account to own them: "
            "ask for at least one distributor or partner."
        )


def seeded_id(rng: random.Random, created_at: dt.datetime) -> uuid.UUID:
    """Build a UUIDv7 (RFC 9562) from a creation time and random bits of ``rng``.

    The 48-bit millisecond timestamp leads, so ids sort by creation time as the
    service's own ``new_id()`` ids do.
    """
    milliseconds = (created_at - _EPOCH) // _MILLISECOND
    value = milliseconds << 80
    value |= 0x7 << 76
    value |= rng.getrandbits(12) << 64
    value |= 0b10 << 62
    value |= rng.getrandbits(62)
    return uuid.UUID(int=value)


def _random_time(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    span = max(1, (end - start) // _MILLISECOND)
    return start + rng.randrange(span) * _MILLISECOND


def _updated_time(rng: random.Random, created_at: dt.datetime) -> dt.datetime:
    if rng.random() >= _UPDATED_SHARE:
        return created_at
    return _random_time(rng, created_at, REFERENCE_TIME)


def _skewed_weights(rng: random.Random, count: int) -> list[float]:
    return [min(rng.paretovariate(_PARETO_ALPHA), _MAX_WEIGHT) for _ in range(count)]


def _spread(rng: random.Random, total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into one share per weight, proportionally, summing to ``total``."""
    if not weights:
        return []
    weight_sum = sum(weights)
    shares = [int(total * weight / weight_sum) for weight in weights]
    remainder = total - sum(shares)
    for index in rng.choices(range(len(weights)), weights=weights, k=remainder):
        shares[index] += 1
    return shares


def _level_weights(options: SeedOptions) -> list[int]:
    """Weigh the default level most, and each other level half as much as the one before."""
    weights = []
    other_weight = seed_data.DEFAULT_LEVEL_WEIGHT
    for level in options.partner_levels:
        if level == options.default_partner_level:
            weights.append(seed_data.DEFAULT_LEVEL_WEIGHT)
        else:
            other_weight = max(1, other_weight // 2)
            weights.append(other_weight)
    return weights


def _pick_countries(rng: random.Random) -> list[str]:
    count = rng.choices((1, 2, 3), weights=seed_data.ACCOUNT_COUNTRY_COUNT_WEIGHTS)[0]
    weights = [entry[1] for entry in seed_data.COUNTRIES]
    chosen: list[str] = []
    while len(chosen) < count:
        country = rng.choices(seed_data.COUNTRIES, weights=weights)[0][0]
        if country not in chosen:
            chosen.append(country)
    return chosen


_LOCALES = {entry[0]: (entry[2], entry[3]) for entry in seed_data.COUNTRIES}
_COUNTRY_WEIGHTS = [entry[1] for entry in seed_data.COUNTRIES]
_COUNTRY_IDS = [entry[0] for entry in seed_data.COUNTRIES]


def _member_row(
    rng: random.Random,
    serial: int,
    domain: str,
    country_id: str,
    created_at: dt.datetime,
    *,
    account_id: uuid.UUID | None = None,
    customer_id: uuid.UUID | None = None,
    role: str,
) -> dict[str, Any]:
    first_name = rng.choice(seed_data.FIRST_NAMES)
    last_name = rng.choice(seed_data.LAST_NAMES)
    # The serial number keeps every address unique across accounts and customers.
    email = f"{first_name}.{last_name}.{serial}@{domain}".lower()
    language_id, time_zone_id = _LOCALES[country_id]
    return {
        "id": seeded_id(rng, created_at),
        "account_id": account_id,
        "customer_id": customer_id,
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "email_key": email,
        "phone_number": None,
        "language_id": language_id,
        "time_zone_id": time_zone_id,
        "roles": [role],
        "created_at": created_at,
    }


def _company_name(rng: random.Random, second_words: Sequence[str]) -> str:
    first = rng.choice(seed_data.COMPANY_FIRST_WORDS)
    second = rng.choice(second_words)
    return f"{first} {second}{rng.choice(seed_data.COMPANY_SUFFIXES)}"


def _account(
    rng: random.Random,
    options: SeedOptions,
    serial: int,
    account_type: AccountType,
    parent: SeededAccount | None,
) -> SeededAccount:
    start = REFERENCE_TIME - HISTORY
    if account_type is AccountType.DISTRIBUTOR:
        # Distributors sign up in the first year, so their partners have time to follow.
        created_at = _random_time(rng, start, start + dt.timedelta(days=365))
        name = _company_name(rng, seed_data.DISTRIBUTOR_SECOND_WORDS)
    else:
        earliest = start if parent is None else parent.row["created_at"]
        created_at = _random_time(rng, earliest, REFERENCE_TIME)
        name = _company_name(rng, seed_data.COMPANY_SECOND_WORDS)
    # The serial number keeps codes unique. Slugs of the generated names stay under 40
    # characters, so a code stays within the 63-character limit.
    code = f"{slugify_code(name) or 'account'}-{serial}"
    domain = f"{code}.example.com"
    countries = _pick_countries(rng)
    states = seed_data.ACCOUNT_STATE_WEIGHTS
    state = rng.choices([s for s, _ in states], weights=[w for _, w in states])[0]
    level = rng.choices(options.partner_levels, weights=_level_weights(options))[0]
    origin = rng.choice((OriginType.OPERATOR_CLI, OriginType.HOME_SITE))
    if parent is not None:
        origin = rng.choice((OriginType.PARTNER_API_KEY, OriginType.PARTNER_CONSOLE))
    account_id = seeded_id(rng, created_at)
    row: dict[str, Any] = {
        "id": account_id,
        "type": account_type.value,
        "parent_id": None if parent is None else parent.row["id"],
        "name": name,
        "name_key": name_key(name),
        "code": code,
        "country_ids": countries,
        "state": state.value,
        "level": level,
        "sign_up_data": {"originType": origin.value},
        "contact_data": {"web": f"https://{domain}", "email": f"sales@{domain}"},
        "logo": None,
        "customers_count": 0,
        "api_keys_created": 0,
        "api_keys_deleted": 0,
        "created_at": created_at,
        "updated_at": _updated_time(rng, created_at),
    }
    member = _member_row(
        rng,
        serial,
        domain,
        countries[0],
        created_at,
        account_id=account_id,
        role=Role.PARTNER_ADMIN.value,
    )
    return SeededAccount(row, member)


def generate_accounts(
    rng: random.Random, counts: SeedCounts, options: SeedOptions
) -> list[SeededAccount]:
    """Generate the distributors, then the partners, and assign each its customer count.

    Partners join distributors with a skew, so a few distributors are large, and a share
    of them have no distributor. Customers are split the same way over the partners,
    with a share owned by distributors directly.
    """
    serials = itertools.count(1)
    distributors = [
        _account(rng, options, next(serials), AccountType.DISTRIBUTOR, None)
        for _ in range(counts.distributors)
    ]
    distributor_weights = _skewed_weights(rng, len(distributors))
    partners = []
    for _ in range(counts.partners):
        parent = None
        if distributors and rng.random() >= seed_data.STANDALONE_PARTNER_SHARE:
            parent = rng.choices(distributors, weights=distributor_weights)[0]
        partners.append(_account(rng, options, next(serials), AccountType.PARTNER, parent))

    direct = round(counts.customers * seed_data.DISTRIBUTOR_CUSTOMER_SHARE) if distributors else 0
    if not partners:
        direct = counts.customers
    for owners, total in ((distributors, direct), (partners, counts.customers - direct)):
        for owner, share in zip(
            owners, _spread(rng, total, _skewed_weights(rng, len(owners))), strict=True
        ):
            owner.customers = share
            owner.row["customers_count"] = share
    return distributors + partners


def generate_customers(
    rng: random.Random, owners: Iterable[SeededAccount], options: SeedOptions
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield each customer row with its member row, owner by owner, lazily."""
    serials = itertools.count(1)
    states = seed_data.CUSTOMER_STATE_WEIGHTS
    state_choices = [state for state, _ in states]
    state_weights = [weight for _, weight in states]
    plans = [plan for plan, _ in seed_data.PAID_PLAN_WEIGHTS]
    plan_weights = [weight for _, weight in seed_data.PAID_PLAN_WEIGHTS]
    for owner in owners:
        is_distributor = owner.row["type"] == AccountType.DISTRIBUTOR.value
        distributor_id = owner.row["id"] if is_distributor else owner.row["parent_id"]
        for _ in range(owner.customers):
            yield _customer(
                rng,
                options,
                next(serials),
                owner,
                distributor_id,
                rng.choices(state_choices, weights=state_weights)[0].value,
                rng.choices(plans, weights=plan_weights)[0],
            )


def _customer(
    rng: random.Random,
    options: SeedOptions,
    serial: int,
    owner: SeededAccount,
    distributor_id: uuid.UUID | None,
    state: str,
    paid_plan: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    created_at = _random_time(rng, owner.row["created_at"], REFERENCE_TIME)
    name = _company_name(rng, seed_data.COMPANY_SECOND_WORDS)
    # Most customers are in a country their owner serves.
    if rng.random() < 0.8:
        country_id = rng.choice(owner.row["country_ids"])
    else:
        country_id = rng.choices(_COUNTRY_IDS, weights=_COUNTRY_WEIGHTS)[0]
    trialing = state == CustomerState.TRIALING.value
    max_chars = options.tts_max_chars
    used_chars = 0 if trialing else min(max_chars, int(max_chars * rng.random() * 1.1))
    customer_id = seeded_id(rng, created_at)
    support = owner.member["id"] if rng.random() < _SUPPORT_MEMBER_SHARE else None
    domain = f"{slugify_code(name) or 'customer'}-{serial}.example.com"
    row: dict[str, Any] = {
        "id": customer_id,
        "partner_id": owner.row["id"],
        "distributor_id": distributor_id,
        "name": name,
        "name_key": name_key(name),
        "country_id": country_id,
        "state": state,
        "plan_id": options.trial_plan_id if trialing else paid_plan,
        "owner_type": "Customer",
        "sign_up_data": {
            "originType": OriginType.PARTNER_API_KEY.value,
            "websiteUrl": f"https://{domain}",
        },
        "support_member_id": support,
        "counters": _ZERO_COUNTERS,
        "tts_max_chars": max_chars,
        "tts_used_chars": used_chars,
        "created_at": created_at,
        "updated_at": _updated_time(rng, created_at),
    }
    member = _member_row(
        rng,
        serial,
        domain,
        country_id,
        created_at,
        customer_id=customer_id,
        role=CUSTOMER_MEMBER_ROLE,
    )
    return row, member


# One shared object: every customer starts with the same counters, and no code path
# here mutates it.
_ZERO_COUNTERS = views.zero_customer_counters()


def country_rows(seeded: Iterable[SeededAccount]) -> list[dict[str, Any]]:
    return [
        {"account_id": account.row["id"], "country_id": country}
        for account in seeded
        for country in account.row["country_ids"]
    ]


async def has_accounts(connection: AsyncConnection) -> bool:
    return bool(await connection.scalar(select(exists().select_from(accounts))))


async def prepare_sqlite_bulk_load(connection: AsyncConnection) -> None:
    """Relax SQLite's durability on this connection for a bulk load.

    Call it before the transaction begins, because SQLite rejects these PRAGMAs inside one.

    A crash during the load may corrupt the file, which a benchmark database can afford.
    """
    await connection.run_sync(_set_bulk_load_pragmas)


def _set_bulk_load_pragmas(connection: Connection) -> None:
    # The DBAPI cursor, because Connection.execute would begin a transaction first.
    cursor = connection.connection.cursor()
    try:
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute("PRAGMA temp_store = MEMORY")
        # A negative cache_size is in KiB: 256 MiB of page cache.
        cursor.execute("PRAGMA cache_size = -262144")
    finally:
        cursor.close()


async def _insert(connection: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        await _copy(connection, table, rows)
    else:
        await connection.execute(table.insert(), rows)


async def _copy(connection: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> None:
    columns = list(rows[0])
    records = [
        tuple(
            json.dumps(row[column])
            if column in _JSON_COLUMNS and row[column] is not None
            else row[column]
            for column in columns
        )
        for row in rows
    ]
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    await driver.copy_records_to_table(table.name, records=records, columns=columns)


def _chunks(
    pairs: Iterator[tuple[dict[str, Any], dict[str, Any]]], size: int
) -> Iterator[list[tuple[dict[str, Any], dict[str, Any]]]]:
    while chunk := list(itertools.islice(pairs, size)):
        yield chunk


async def load(
    connection: AsyncConnection,
    counts: SeedCounts,
    options: SeedOptions,
    *,
    chunk_rows: int = CHUNK_ROWS,
) -> tuple[list[SeededAccount], LoadedRows]:
    """Generate and insert every account, member and customer on an empty database.

    Returns the accounts (for the caller to create keys) and the row counts. The caller
    owns the transaction, and nothing is committed here.
    """
    check_counts(counts)
    rng = random.Random(options.seed)  # noqa: S311 (benchmark data, not a secret)
    seeded = generate_accounts(rng, counts, options)
    loaded = LoadedRows()

    # Parents first, because accounts.parent_id is a foreign key.
    await _insert(connection, accounts, [account.row for account in seeded])
    countries = country_rows(seeded)
    await _insert(connection, account_countries, countries)
    await _insert(connection, members, [account.member for account in seeded])
    loaded.accounts = len(seeded)
    loaded.account_countries = len(countries)
    loaded.members = len(seeded)

    for chunk in _chunks(generate_customers(rng, seeded, options), chunk_rows):
        await _insert(connection, customers, [customer for customer, _ in chunk])
        await _insert(connection, members, [member for _, member in chunk])
        loaded.customers += len(chunk)
        loaded.members += len(chunk)

    if connection.dialect.name == "postgresql":
        # Fresh statistics, so the first benchmark queries get the plans of a warm database.
        await connection.execute(text("ANALYZE"))
    return seeded, loaded
