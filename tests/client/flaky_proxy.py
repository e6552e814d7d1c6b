"""A loopback HTTP/1.1 proxy that fails the first request of one method in a chosen way,
for retry tests.

Every request is forwarded to the upstream server on a connection of its own, with
``Connection: close`` so that the response ends where the upstream closes. Only the first
request of the chosen method (POST by default) meets the fault, before or after the
upstream has answered it, so a fault "after" on a POST means that the create was committed
and only its response was lost.
"""

from __future__ import annotations

import enum
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

# Bytes read from a socket at a time, and seconds that a socket operation may block.
_CHUNK = 65536
_SOCKET_TIMEOUT = 30.0
_ACCEPT_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class ProxiedRequest:
    """A request that reached the proxy."""

    method: str
    target: str
    idempotency_key: str | None


class Fault(enum.Enum):
    """What happens to the first request of the chosen method."""

    DROP_BEFORE = "drop-before"
    """The connection closes before the request reaches the server."""
    DROP_AFTER = "drop-after"
    """The server runs the request, then the connection closes without a response."""
    UNAVAILABLE_BEFORE = "503-before"
    """The proxy returns 503 without passing the request on."""
    UNAVAILABLE_AFTER = "503-after"
    """The server runs the request, and the client gets a 503 in place of its response."""
    STALL_AFTER = "stall-after"
    """The server runs the request, and the proxy delays the response by ``stall_seconds``,
    longer than the client's timeout, then closes the connection."""


UNAVAILABLE_BODY = json.dumps(
    {
        "type": "https://api.sipcaller.com/problems/service-unavailable",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "The proxy failed this request on purpose.",
        "message": "The proxy failed this request on purpose.",
        "requestId": "flaky-proxy-503",
    }
).encode()

UNAVAILABLE_RESPONSE = (
    b"HTTP/1.1 503 Service Unavailable\r\n"
    b"Content-Type: application/problem+json\r\n"
    b"Retry-After: 1\r\n"
    b"X-Request-ID: flaky-proxy-503\r\n"
    b"Content-Length: " + str(len(UNAVAILABLE_BODY)).encode() + b"\r\n"
    b"\r\n" + UNAVAILABLE_BODY
)


class FlakyProxy:
    """Forwards requests from ``base_url`` to the upstream port, failing the first request
    of ``method``."""

    def __init__(
        self, upstream_port: int, fault: Fault, *, method: str, stall_seconds: float
    ) -> None:
        self.upstream_port = upstream_port
        self.fault = fault
        self.method = method
        self.stall_seconds = stall_seconds
        self.requests: list[ProxiedRequest] = []
        self.faults_applied = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._connections: list[socket.socket] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def base_url(self) -> str:
        port: int = self._listener.getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()
        self._listener.close()
        with self._lock:
            for connection in self._connections:
                _close(connection)

    def _accept(self) -> None:
        # Closing a socket does not wake a thread blocked in accept(), so accept() waits
        # briefly at a time and the loop checks whether the proxy was stopped.
        self._listener.settimeout(_ACCEPT_POLL_SECONDS)
        while not self._stopped.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.settimeout(_SOCKET_TIMEOUT)
            with self._lock:
                self._connections.append(connection)
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _claim_fault(self, request: ProxiedRequest) -> bool:
        with self._lock:
            self.requests.append(request)
            if request.method == self.method and self.faults_applied == 0:
                self.faults_applied = 1
                return True
            return False

    def _serve(self, connection: socket.socket) -> None:
        reader = _MessageReader(connection)
        with suppress(OSError):
            while (request := reader.read_request()) is not None:
                failing = self._claim_fault(_describe(request))
                if failing and self.fault is Fault.DROP_BEFORE:
                    break
                if failing and self.fault is Fault.UNAVAILABLE_BEFORE:
                    connection.sendall(UNAVAILABLE_RESPONSE)
                    continue
                response = self._forward(request)
                if failing and self.fault is Fault.DROP_AFTER:
                    break
                if failing and self.fault is Fault.STALL_AFTER:
                    time.sleep(self.stall_seconds)
                    break
                if failing and self.fault is Fault.UNAVAILABLE_AFTER:
                    connection.sendall(UNAVAILABLE_RESPONSE)
                    continue
                connection.sendall(response)
        _close(connection)

    def _forward(self, request: bytes) -> bytes:
        with socket.create_connection(
            ("127.0.0.1", self.upstream_port), timeout=_SOCKET_TIMEOUT
        ) as upstream:
            upstream.sendall(_with_connection_close(request))
            chunks = []
            while chunk := upstream.recv(_CHUNK):
                chunks.append(chunk)
        return b"".join(chunks)


class _MessageReader:
    """Reads HTTP/1.1 requests with a ``Content-Length`` body from a socket."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.buffer = b""

    def read_request(self) -> bytes | None:
        """Return the next request, head and body, or None when the client closed."""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.connection.recv(_CHUNK)
            if not chunk:
                return None
            self.buffer += chunk
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        length = _content_length(head)
        while len(rest) < length:
            chunk = self.connection.recv(_CHUNK)
            if not chunk:
                return None
            rest += chunk
        self.buffer = rest[length:]
        return head + b"\r\n\r\n" + rest[:length]


def _header(head: bytes, wanted: bytes) -> bytes | None:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == wanted:
            return value.strip()
    return None


def _content_length(head: bytes) -> int:
    return int(_header(head, b"content-length") or 0)


def _describe(request: bytes) -> ProxiedRequest:
    head = request.partition(b"\r\n\r\n")[0]
    method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
    key = _header(head, b"idempotency-key")
    return ProxiedRequest(method, target, key.decode("latin-1") if key is not None else None)


def _with_connection_close(request: bytes) -> bytes:
    head, _, body = request.partition(b"\r\n\r\n")
    lines = [
        line
        for line in head.split(b"\r\n")
        if line.partition(b":")[0].strip().lower() != b"connection"
    ]
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _close(connection: socket.socket) -> None:
    with suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
    connection.close()


@contextmanager
def flaky_proxy(
    upstream_base_url: str, fault: Fault, *, method: str = "POST", stall_seconds: float = 2.0
) -> Iterator[FlakyProxy]:
    """Run a ``FlakyProxy`` in front of the loopback server at ``upstream_base_url``."""
    port = int(upstream_base_url.rsplit(":", 1)[1])
    proxy = FlakyProxy(port, fault, method=method, stall_seconds=stall_seconds)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()
