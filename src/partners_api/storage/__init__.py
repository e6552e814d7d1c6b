"""Storage layer: tables, migrations, the database connection and the repositories."""
