"""create tables

Revision ID: 0001
Revises:
Create Date: 2026-12-04 20:11:35.573195

Accounts (distributors and partners), their countries, members, customers and API keys.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "name_key",
            sa.String(length=800).with_variant(sa.String(length=800, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "code",
            sa.String(length=63).with_variant(sa.String(length=63, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("country_ids", sa.JSON(), nullable=False),
        sa.Column(
            "state",
            sa.String(length=20).with_variant(sa.String(length=20, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "level",
            sa.String(length=50).with_variant(sa.String(length=50, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("sign_up_data", sa.JSON(), nullable=False),
        sa.Column("contact_data", sa.JSON(), nullable=False),
        sa.Column("logo", sa.JSON(), nullable=True),
        sa.Column("customers_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("api_keys_created", sa.Integer(), server_default="0", nullable=False),
        sa.Column("api_keys_deleted", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "type = 'Partner' OR parent_id IS NULL",
            name=op.f("ck_accounts_distributor_has_no_parent"),
        ),
        sa.CheckConstraint("type IN ('Distributor', 'Partner')", name=op.f("ck_accounts_type")),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["accounts.id"], name=op.f("fk_accounts_parent_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("code", name=op.f("uq_accounts_code")),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_accounts_parent_id_created_at", ["parent_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_accounts_parent_id_name_key", ["parent_id", "name_key"], unique=False
        )

    op.create_table(
        "account_countries",
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("country_id", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_countries_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "country_id", name=op.f("pk_account_countries")),
    )
    with op.batch_alter_table("account_countries", schema=None) as batch_op:
        batch_op.create_index("ix_account_countries_country_id", ["country_id"], unique=False)

    op.create_table(
        "api_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_api_keys_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_keys_token_hash")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index("ix_api_keys_account_id", ["account_id"], unique=False)

    op.create_table(
        "customers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("distributor_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "name_key",
            sa.String(length=800).with_variant(sa.String(length=800, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "country_id",
            sa.String(length=2).with_variant(sa.String(length=2, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.String(length=20).with_variant(sa.String(length=20, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "plan_id",
            sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("owner_type", sa.String(length=20), nullable=False),
        sa.Column("sign_up_data", sa.JSON(), nullable=False),
        sa.Column("support_member_id", sa.Uuid(), nullable=True),
        sa.Column("counters", sa.JSON(), nullable=False),
        sa.Column("tts_max_chars", sa.Integer(), nullable=False),
        sa.Column("tts_used_chars", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["distributor_id"], ["accounts.id"], name=op.f("fk_customers_distributor_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["accounts.id"], name=op.f("fk_customers_partner_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_customers_distributor_id_created_at", ["distributor_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_customers_partner_id_created_at", ["partner_id", "created_at"], unique=False
        )

    op.create_table(
        "members",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=True),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("first_name", sa.String(length=200), nullable=False),
        sa.Column("last_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("phone_number", sa.String(length=40), nullable=True),
        sa.Column("language_id", sa.String(length=2), nullable=False),
        sa.Column("time_zone_id", sa.String(length=64), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(account_id IS NULL) <> (customer_id IS NULL)", name=op.f("ck_members_one_owner")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_members_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_members_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint("email_key", name=op.f("uq_members_email_key")),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index("ix_members_account_id", ["account_id"], unique=False)
        batch_op.create_index("ix_members_customer_id", ["customer_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index("ix_members_customer_id")
        batch_op.drop_index("ix_members_account_id")

    op.drop_table("members")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index("ix_customers_partner_id_created_at")
        batch_op.drop_index("ix_customers_distributor_id_created_at")

    op.drop_table("customers")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_api_keys_account_id")

    op.drop_table("api_keys")
    with op.batch_alter_table("account_countries", schema=None) as batch_op:
        batch_op.drop_index("ix_account_countries_country_id")

    op.drop_table("account_countries")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index("ix_accounts_parent_id_name_key")
        batch_op.drop_index("ix_accounts_parent_id_created_at")

    op.drop_table("accounts")
