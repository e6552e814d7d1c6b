"""Fixtures of the ``partners`` tests: a served database with a distributor, a partner
and their keys, and a config folder of the test's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.server_process import running_server
from tests.cli import clear_database
from tests.client_cli.served_api import UNLIMITED, Api, create_accounts


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    return tmp_path / "config"


@pytest.fixture
def server_settings() -> dict[str, str]:
    """PARTNERS_API_* settings of the server; a test module may override this fixture."""
    return dict(UNLIMITED)


@pytest.fixture
def api(database_url: str, tmp_path: Path, server_settings: dict[str, str]) -> Iterator[Api]:
    clear_database(database_url)
    accounts = create_accounts(database_url)
    with running_server(database_url, tmp_path / "server.log", settings=server_settings) as server:
        yield Api(server=server, database_url=database_url, **accounts)
