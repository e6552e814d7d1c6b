"""A private PostgreSQL server in a temporary folder, which a test may stop and start.

The machine's shared server must never be stopped by a test, so tests of database
outages run their own: `initdb` into a temporary folder, then `pg_ctl` on a free
loopback port. PostgreSQL refuses to run as root, so under root every command runs as
the `postgres` OS user through `runuser`.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.api.server_process import free_port

# Debian and Ubuntu install each major version's server binaries here, off the PATH.
DEFAULT_BIN_DIR = Path("/usr/lib/postgresql/15/bin")
SERVER_USER = "postgres"
PG_CTL_TIMEOUT_SECONDS = 60


def find_bin_dir() -> Path | None:
    """Return the folder with initdb and pg_ctl: the Debian one, or else the PATH's."""
    if (DEFAULT_BIN_DIR / "initdb").exists() and (DEFAULT_BIN_DIR / "pg_ctl").exists():
        return DEFAULT_BIN_DIR
    initdb = shutil.which("initdb")
    if initdb is not None and shutil.which("pg_ctl") is not None:
        return Path(initdb).parent
    return None


def skip_unless_available() -> Path:
    """Return the binaries' folder, or skip the test (fail it under CI=true) without them."""
    bin_dir = find_bin_dir()
    reason = None
    if bin_dir is None:
        reason = f"initdb and pg_ctl not found in {DEFAULT_BIN_DIR} or on the PATH"
    elif os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            reason = f"running as root, and there is no {SERVER_USER!r} OS user to run initdb"
        if shutil.which("runuser") is None:
            reason = "running as root, and runuser is missing to run initdb as another user"
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI requires the private PostgreSQL tests to run.")
        pytest.skip(reason)
    assert bin_dir is not None
    return bin_dir


@dataclass
class PrivateServer:
    """A PostgreSQL cluster in ``folder``, listening on 127.0.0.1:``port``."""

    bin_dir: Path
    folder: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    @property
    def log_file(self) -> Path:
        return self.folder / "server.log"

    def url(self, database: str) -> str:
        return f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def run(self, program: str, *args: str) -> None:
        """Run a PostgreSQL program as the server's OS user, and fail the test if it fails."""
        command = [str(self.bin_dir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        result = subprocess.run(  # noqa: S603
            command,
            capture_output=True,
            text=True,
            timeout=PG_CTL_TIMEOUT_SECONDS,
            check=False,
        )
        if result.returncode != 0:
            log = self.log_file.read_text() if self.log_file.exists() else "(no server log)"
            pytest.fail(
                f"{program} {' '.join(args)} exited with {result.returncode}:\n"
                f"{result.stdout}{result.stderr}\nServer log:\n{log}"
            )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1"
        self.run(
            "pg_ctl", "start", "-w", "-D", str(self.data_dir), "-l", str(self.log_file),
            "-o", options,
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "stop", "-w", "-m", mode, "-D", str(self.data_dir))

    def is_running(self) -> bool:
        return (self.data_dir / "postmaster.pid").exists()


@contextmanager
def private_postgres(bin_dir: Path) -> Iterator[PrivateServer]:
    """Create, start and finally stop and delete a private PostgreSQL cluster.

    The folder is made under the system's temporary folder rather than pytest's
    tmp_path, because pytest's folders are private to the user running the tests and
    the server's user could not reach them.
    """
    folder = Path(tempfile.mkdtemp(prefix="partners-api-pg-"))
    server = PrivateServer(bin_dir, folder, free_port())
    try:
        server.socket_dir.mkdir()
        if os.geteuid() == 0:
            for path in (folder, server.socket_dir):
                shutil.chown(path, user=SERVER_USER)
        # Trust authentication is safe here: the server listens only on 127.0.0.1 and
        # on a socket in a folder of its own, and holds only test data.
        server.run(
            "initdb", "-D", str(server.data_dir), "-U", SERVER_USER, "-A", "trust",
            "--no-sync", "-E", "UTF8",
        )  # fmt: skip
        server.start()
        yield server
    finally:
        try:
            if server.is_running():
                server.stop(mode="immediate")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
