"""The wrk driver against a small HTTP server on loopback."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from bench import wrk

pytestmark = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")


class _Handler(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, str, str, bytes]]] = []

    def _answer(self, status: int) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.received.append((self.command, self.path, self.headers.get("Authorization", ""), body))
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def do_GET(self) -> None:
        self._answer(404 if self.path == "/missing" else 200)

    def do_POST(self) -> None:
        self._answer(201)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Handler.received = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_wrk_run_reports_requests_latency_and_sends_the_token(server: str) -> None:
    result = wrk.run(wrk.Load(url=server + "/v1/me", token="scp_test", seconds=1))

    assert result.requests > 0
    assert result.errors == 0
    assert result.non_2xx == 0
    assert 0 < result.p50_ms <= result.p99_ms <= result.max_ms
    assert {item[2] for item in _Handler.received} == {"Bearer scp_test"}


def test_wrk_run_counts_error_statuses(server: str) -> None:
    result = wrk.run(wrk.Load(url=server + "/missing", token="scp_test", seconds=1))

    assert result.requests > 0
    assert result.non_2xx == result.requests


def test_wrk_post_gives_every_request_a_unique_body(server: str) -> None:
    load = wrk.Load(
        url=server + "/v1/customers",
        token="scp_test",
        method="POST",
        body=json.dumps({"email": "bench-{unique}@example.com"}),
        connections=2,
        seconds=1,
        run_tag="test",
    )

    result = wrk.run(load)

    emails = [json.loads(item[3])["email"] for item in _Handler.received if item[0] == "POST"]
    assert result.requests > 0
    assert len(emails) == len(set(emails)) >= result.requests
    assert all(email.startswith("bench-test-") for email in emails)
