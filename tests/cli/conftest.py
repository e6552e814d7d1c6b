"""Fixtures of the CLI tests."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from partners_api.settings import get_settings


@pytest.fixture(autouse=True)
def restore_environment() -> Iterator[None]:
    """Undo the PARTNERS_API_* variables that ``serve`` and ``demo`` export for workers.

    Without this they would leak into the settings of every later test in the session.
    """
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
    get_settings.cache_clear()
