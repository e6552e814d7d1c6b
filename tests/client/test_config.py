"""The base URL and token: arguments, PARTNERS_API_URL and PARTNERS_API_TOKEN, and errors."""

from __future__ import annotations

import pytest

from partners_api.client import (
    AsyncPartnersClient,
    ConfigurationError,
    PartnersClient,
    PartnersClientError,
)
from tests.api.server_process import Server
from tests.client.seeding import Tenant

TOKEN = "scp_" + "C" * 43


def test_environment_configures_client(
    server: Server, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARTNERS_API_URL", server.base_url)
    monkeypatch.setenv("PARTNERS_API_TOKEN", tenant.reader_token)

    with PartnersClient() as client:
        me = client.me()

    assert me.account.id == tenant.distributor_id


def test_arguments_win_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERS_API_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("PARTNERS_API_TOKEN", "scp_from_environment")

    with PartnersClient("http://127.0.0.1:2", TOKEN) as client:
        assert client.base_url == "http://127.0.0.1:2/v1/"


def test_missing_url_names_variable() -> None:
    with pytest.raises(ConfigurationError) as caught:
        PartnersClient(token=TOKEN)

    assert str(caught.value) == (
        "Missing base_url: pass base_url= to the client or set the environment variable "
        "PARTNERS_API_URL."
    )
    assert isinstance(caught.value, PartnersClientError)


def test_missing_token_names_variable() -> None:
    with pytest.raises(ConfigurationError, match="set the environment variable PARTNERS_API_TOKEN"):
        PartnersClient("http://127.0.0.1:8000")


def test_blank_token_in_environment_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERS_API_TOKEN", "  ")

    with pytest.raises(ConfigurationError, match="Missing token"):
        PartnersClient("http://127.0.0.1:8000")


def test_async_client_reads_same_variables() -> None:
    with pytest.raises(ConfigurationError, match="PARTNERS_API_URL"):
        AsyncPartnersClient(token=TOKEN)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/v1/"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/v1/"),
        ("http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1/"),
        ("https://api.sipcaller.com/v1/", "https://api.sipcaller.com/v1/"),
        (
            "https://gateway.example.com/partners-api",
            "https://gateway.example.com/partners-api/v1/",
        ),
    ],
)
def test_base_url_forms(given: str, expected: str) -> None:
    # No request is sent: the client only builds its base URL.
    with PartnersClient(given, TOKEN) as client:
        assert client.base_url == expected


@pytest.mark.parametrize(
    "given",
    [
        "127.0.0.1:8000",
        "ftp://127.0.0.1/",
        "http://",
        "http://127.0.0.1:8000/?debug=1",
        "http://[::1",
    ],
)
def test_invalid_base_url_raises(given: str) -> None:
    with pytest.raises(ConfigurationError, match="Invalid base URL"):
        PartnersClient(given, TOKEN)


def test_non_positive_timeout_raises() -> None:
    with pytest.raises(ConfigurationError, match="timeout must be more than 0 seconds"):
        PartnersClient("http://127.0.0.1:8000", TOKEN, timeout=0)
