"""index lists for scale

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 23:00:00

Lists are scoped by owner and sorted by creation time with the id as tie-breaker, so the
scope indexes end in (created_at, id): a page, a count and a deep offset are then read
from the index alone. Customers get the same pair for the name, their other common sort,
and one for the state and country filter. On PostgreSQL, trigram (pg_trgm) indexes serve
the name substring filter; where the extension cannot be created, the migration goes on
without them and name filters scan the scope.
"""

from __future__ import annotations

import logging

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

logger = logging.getLogger("alembic.runtime.migration")

_SCOPE_INDEXES = [
    # (table, old index, new index, columns)
    (
        "customers", "ix_customers_distributor_id_created_at",
        "ix_customers_distributor_id_created_at_id", ["distributor_id", "created_at", "id"],
    ),
    (
        "customers", "ix_customers_partner_id_created_at",
        "ix_customers_partner_id_created_at_id", ["partner_id", "created_at", "id"],
    ),
    (
        "accounts", "ix_accounts_parent_id_created_at",
        "ix_accounts_parent_id_created_at_id", ["parent_id", "created_at", "id"],
    ),
]  # fmt: skip
# Sorting customers by name within a scope, and on SQLite, which has no trigram index, a
# name filter that reads the index instead of every row of the scope.
_NAME_INDEXES = [
    ("ix_customers_distributor_id_name_key_id", ["distributor_id", "name_key", "id"]),
    ("ix_customers_partner_id_name_key_id", ["partner_id", "name_key", "id"]),
    # The console's usual filter of a distributor's customers, state and country: its
    # count is read from this index, and its page too when each takes one value.
    (
        "ix_customers_distributor_id_state_country_id_created_at",
        ["distributor_id", "state", "country_id", "created_at", "id"],
    ),
]
_TRIGRAM_INDEXES = [
    ("customers", "ix_customers_name_key_trgm"),
    ("accounts", "ix_accounts_name_key_trgm"),
]


def _create_trigram_extension() -> bool:
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as error:
        logger.warning(
            "Cannot create the pg_trgm extension (%s); name filters will scan the scope. "
            "To index them, have a superuser run 'CREATE EXTENSION pg_trgm' in this "
            "database, then create the indexes %s as in migration 0003.",
            error.orig,
            ", ".join(name for _, name in _TRIGRAM_INDEXES),
        )
        return False
    return True


def upgrade() -> None:
    for table, old, new, columns in _SCOPE_INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(old)
            batch_op.create_index(new, columns, unique=False)
    with op.batch_alter_table("customers", schema=None) as batch_op:
        for name, columns in _NAME_INDEXES:
            batch_op.create_index(name, columns, unique=False)
    if op.get_bind().dialect.name == "postgresql" and _create_trigram_extension():
        for table, name in _TRIGRAM_INDEXES:
            op.create_index(
                name,
                table,
                ["name_key"],
                postgresql_using="gin",
                postgresql_ops={"name_key": "gin_trgm_ops"},
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for _, name in _TRIGRAM_INDEXES:
            op.execute(f'DROP INDEX IF EXISTS "{name}"')
    with op.batch_alter_table("customers", schema=None) as batch_op:
        for name, _ in _NAME_INDEXES:
            batch_op.drop_index(name)
    for table, old, new, columns in _SCOPE_INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(new)
            batch_op.create_index(old, columns[:2], unique=False)
