"""Table definitions shared by the repositories and the Alembic migrations.

Ids are UUIDv7 (``sqlalchemy.Uuid``: native ``uuid`` on PostgreSQL, 32 hex characters on
SQLite; both sort in the same byte order). Timestamps are naive UTC truncated to
milliseconds, so that what a client reads back compares equal to what is stored.
Text that is sorted uses the "C" collation on PostgreSQL, which orders by code point as
SQLite's BINARY collation does. Both databases then return the same order.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
)

# Constraint names are fixed so that migrations and error mapping can refer to them.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def sortable_text(length: int) -> String:
    """Return a string type that sorts by code point on both databases."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


accounts = Table(
    "accounts",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("type", String(20), nullable=False),
    Column("parent_id", Uuid, ForeignKey("accounts.id"), nullable=True),
    Column("name", String(200), nullable=False),
    # domain.fields.name_key() of name, computed in Python so that both databases
    # compare the same text.
    Column("name_key", sortable_text(800), nullable=False),
    Column("code", sortable_text(63), nullable=False, unique=True),
    Column("country_ids", JSON, nullable=False),
    Column("state", sortable_text(20), nullable=False),
    Column("level", sortable_text(50), nullable=False),
    Column("sign_up_data", JSON, nullable=False),
    Column("contact_data", JSON, nullable=False),
    Column("logo", JSON, nullable=True),
    Column("customers_count", Integer, nullable=False, server_default="0"),
    Column("api_keys_created", Integer, nullable=False, server_default="0"),
    Column("api_keys_deleted", Integer, nullable=False, server_default="0"),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    CheckConstraint("type IN ('Distributor', 'Partner')", name="type"),
    CheckConstraint("type = 'Partner' OR parent_id IS NULL", name="distributor_has_no_parent"),
)
Index(
    "ix_accounts_parent_id_created_at_id",
    accounts.c.parent_id,
    accounts.c.created_at,
    accounts.c.id,
)
Index("ix_accounts_parent_id_name_key", accounts.c.parent_id, accounts.c.name_key)

# One row per country of an account, for the countryIds_ovl filter on both databases.
account_countries = Table(
    "account_countries",
    metadata,
    Column("account_id", Uuid, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("country_id", String(2), primary_key=True),
)
Index("ix_account_countries_country_id", account_countries.c.country_id)

customers = Table(
    "customers",
    metadata,
    Column("id", Uuid, primary_key=True),
    # The partner or distributor account that owns the customer.
    Column("partner_id", Uuid, ForeignKey("accounts.id"), nullable=False),
    # The distributor above the owner (or the owner itself when it is a distributor);
    # NULL for customers of a partner without a distributor. Scopes distributor keys.
    Column("distributor_id", Uuid, ForeignKey("accounts.id"), nullable=True),
    Column("name", String(200), nullable=False),
    Column("name_key", sortable_text(800), nullable=False),
    Column("country_id", sortable_text(2), nullable=False),
    Column("state", sortable_text(20), nullable=False),
    Column("plan_id", sortable_text(200), nullable=False),
    Column("owner_type", String(20), nullable=False),
    Column("sign_up_data", JSON, nullable=False),
    # A member of the owning account. It has no foreign key because members also refer
    # to customers, and SQLite cannot add the second half of such a cycle later.
    Column("support_member_id", Uuid, nullable=True),
    Column("counters", JSON, nullable=False),
    Column("tts_max_chars", Integer, nullable=False),
    Column("tts_used_chars", Integer, nullable=False, server_default="0"),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
# Scope, sort column, then the id that breaks ties: a sorted page, its count and a deep
# offset are read from the index alone.
Index(
    "ix_customers_partner_id_created_at_id",
    customers.c.partner_id,
    customers.c.created_at,
    customers.c.id,
)
Index(
    "ix_customers_distributor_id_created_at_id",
    customers.c.distributor_id,
    customers.c.created_at,
    customers.c.id,
)
Index(
    "ix_customers_distributor_id_name_key_id",
    customers.c.distributor_id,
    customers.c.name_key,
    customers.c.id,
)
Index(
    "ix_customers_partner_id_name_key_id",
    customers.c.partner_id,
    customers.c.name_key,
    customers.c.id,
)
Index(
    "ix_customers_distributor_id_state_country_id_created_at",
    customers.c.distributor_id,
    customers.c.state,
    customers.c.country_id,
    customers.c.created_at,
    customers.c.id,
)
# Trigram indexes for the name substring filter, on PostgreSQL with pg_trgm (migration 0003).
for _table in (accounts, customers):
    Index(
        f"ix_{_table.name}_name_key_trgm",
        _table.c.name_key,
        postgresql_using="gin",
        postgresql_ops={"name_key": "gin_trgm_ops"},
    ).ddl_if(dialect="postgresql")

members = Table(
    "members",
    metadata,
    Column("id", Uuid, primary_key=True),
    # Exactly one of account_id (partner or distributor member) and customer_id is set.
    Column("account_id", Uuid, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=True),
    Column("customer_id", Uuid, ForeignKey("customers.id", ondelete="CASCADE"), nullable=True),
    Column("first_name", String(200), nullable=False),
    Column("last_name", String(200), nullable=False),
    Column("email", String(254), nullable=False),
    # Lower-cased email: one address belongs to one member across every account.
    Column("email_key", String(254), nullable=False, unique=True),
    Column("phone_number", String(40), nullable=True),
    Column("language_id", String(2), nullable=False),
    Column("time_zone_id", String(64), nullable=False),
    Column("roles", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False),
    CheckConstraint("(account_id IS NULL) <> (customer_id IS NULL)", name="one_owner"),
)
Index("ix_members_account_id", members.c.account_id)
Index("ix_members_customer_id", members.c.customer_id)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("account_id", Uuid, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    # Hex SHA-256 of the token; the token itself is never stored.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=True),
    Column("revoked_at", DateTime, nullable=True),
    Column("last_used_at", DateTime, nullable=True),
)
Index("ix_api_keys_account_id", api_keys.c.account_id)

# One row per create, key creation and key revocation, written in the same transaction.
audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("occurred_at", DateTime, nullable=False),
    # "distributor.created", "partner.created", "customer.created", "api_key.created"
    # or "api_key.revoked".
    Column("action", String(40), nullable=False),
    # The account on whose behalf the action ran: the calling key's account through
    # the API, the account concerned through the CLI.
    Column("account_id", Uuid, nullable=False),
    # The API key that made the request; NULL when the operator's CLI did it.
    Column("api_key_id", Uuid, nullable=True),
    Column("request_id", String(200), nullable=True),
    Column("object_type", String(20), nullable=False),
    Column("object_id", Uuid, nullable=False),
)
Index(
    "ix_audit_events_account_id_occurred_at", audit_events.c.account_id, audit_events.c.occurred_at
)
Index("ix_audit_events_occurred_at", audit_events.c.occurred_at)

# Idempotency-Key records of POST requests, shared by every server process.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("api_key_id", Uuid, primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("method", String(10), nullable=False),
    Column("path", String(200), nullable=False),
    # Hex SHA-256 of the request body, to recognise a reuse with another body.
    Column("request_hash", String(64), nullable=False),
    # NULL while the first request runs; its response once it has finished.
    Column("response_status", Integer, nullable=True),
    Column("response_body", JSON, nullable=True),
    Column("response_location", String(300), nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
)
Index("ix_idempotency_keys_expires_at", idempotency_keys.c.expires_at)
