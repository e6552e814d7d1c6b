"""The base URL, token and headers of a client, from its arguments or the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import metadata

import httpx

from partners_api.client.errors import ConfigurationError

URL_VARIABLE = "PARTNERS_API_URL"
TOKEN_VARIABLE = "PARTNERS_API_TOKEN"  # noqa: S105 (a variable name, not a token)
API_PREFIX = "/v1"


@dataclass(frozen=True)
class ClientConfig:
    """Settings from which both clients build their ``httpx`` client."""

    base_url: str
    headers: dict[str, str]
    timeout: httpx.Timeout


def resolve_config(
    base_url: str | None, token: str | None, *, timeout: float, user_agent: str | None
) -> ClientConfig:
    """Return the client settings, reading missing values from the environment.

    Raises ``ConfigurationError`` when the URL or token is missing or invalid.
    """
    url = _api_base_url(_argument_or_variable(base_url, "base_url", URL_VARIABLE))
    secret = _argument_or_variable(token, "token", TOKEN_VARIABLE)
    if timeout <= 0:
        raise ConfigurationError(f"timeout must be more than 0 seconds, got {timeout}.")
    headers = {
        "Authorization": f"Bearer {secret}",
        "Accept": "application/json",
        "User-Agent": user_agent or default_user_agent(),
    }
    return ClientConfig(base_url=url, headers=headers, timeout=httpx.Timeout(timeout))


def default_user_agent() -> str:
    """Return ``partners-api-client/<package version> httpx/<version>``."""
    try:
        version = metadata.version("partners-api")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"partners-api-client/{version} httpx/{httpx.__version__}"


def _argument_or_variable(value: str | None, argument: str, variable: str) -> str:
    if value is None:
        value = os.environ.get(variable)
    value = (value or "").strip()
    if not value:
        raise ConfigurationError(
            f"Missing {argument}: pass {argument}= to the client or set the "
            f"environment variable {variable}."
        )
    return value


def _api_base_url(value: str) -> str:
    """Return the URL of the ``/v1`` base, with a trailing slash for ``httpx``'s merging.

    The server's root (``http://127.0.0.1:8000``) and the ``/v1`` base itself
    (``https://api.sipcaller.com/v1/``) are both accepted.
    """
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL as exc:
        raise ConfigurationError(f"Invalid base URL {value!r}: {exc}.") from exc
    if url.scheme not in {"http", "https"} or not url.host:
        raise ConfigurationError(
            f"Invalid base URL {value!r}: use an absolute http or https URL, "
            f"such as http://127.0.0.1:8000."
        )
    if url.query or url.fragment:
        raise ConfigurationError(f"Invalid base URL {value!r}: remove the query and fragment.")
    path = url.path.rstrip("/")
    if not path.endswith(API_PREFIX):
        path += API_PREFIX
    return str(url.copy_with(path=path + "/"))
