"""SIP Caller Partners REST API."""

__version__ = "1.0.0"
