"""Object ids: UUIDv7 (RFC 9562), time-ordered so that new rows append to the indexes."""

from __future__ import annotations

import uuid

import uuid6


def new_id() -> uuid.UUID:
    return uuid.UUID(int=uuid6.uuid7().int)


def parse_id(text: str) -> uuid.UUID | None:
    """Parse a hyphenated UUID string; return None when it is not one."""
    if len(text) != 36:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        return None
