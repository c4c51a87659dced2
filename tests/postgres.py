"""A throwaway PostgreSQL cluster for the tests: `initdb` and `pg_ctl` in a temp dir.

The cluster listens on 127.0.0.1 at a free port and on a unix socket in its own folder, trusts
local connections (it lives only as long as the test session) and is stopped and deleted at
the end. `initdb` refuses to run as root, so as root every server command runs as the
`postgres` user (`runuser -u postgres`), in a folder that user owns. Each test gets its own
database (`PostgresCluster.new_database`), so tests never see each other's rows.

`.ci/install` installs Debian's `postgresql` package; the binaries are found on PATH or under
/usr/lib/postgresql/<version>/bin.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

SUPERUSER = "postgres"


def server_bin(name: str) -> Path:
    """A PostgreSQL server program: on PATH, else the newest Debian install's."""
    found = shutil.which(name)
    if found:
        return Path(found)
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if not versions:
        raise RuntimeError(
            f"PostgreSQL's {name} is not installed: run .ci/install (it installs Debian's "
            "postgresql package)"
        )
    return versions[-1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresCluster:
    """A running cluster; `url(db)` is what NEWSBOT_DATABASE_URL takes."""

    folder: Path
    port: int

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.url(database))

    def new_database(self) -> str:
        """A new empty database's name (each test takes one)."""
        name = f"t_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def pg_ctl(self, *args: str) -> None:
        """`pg_ctl` on this cluster (stop, start, restart: a worker test restarts it)."""
        _run_as_owner(
            [str(server_bin("pg_ctl")), "-D", str(self.folder / "data"), "-w", *args],
            self.folder,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c full_page_writes=off -c max_connections=200"
        )
        self.pg_ctl("-l", str(self.folder / "server.log"), "-o", options, "start")

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "stop")

    def restart(self) -> None:
        """Stop (dropping every connection) and start again on the same port."""
        self.stop()
        self.start()


def _as_root() -> bool:
    return os.geteuid() == 0


def _run_as_owner(command: list[str], folder: Path) -> None:
    if _as_root():
        command = ["runuser", "-u", SUPERUSER, "--", *command]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        log = folder / "server.log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(
            f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}\n{tail}"
        )


@contextmanager
def running_postgres() -> Iterator[PostgresCluster]:
    """Start a throwaway cluster; stop it and delete its files afterwards."""
    # Directly under /tmp: pytest's own temp dirs are private to the user running it, and the
    # server may run as another user (postgres) that must reach its folder.
    folder = Path(tempfile.mkdtemp(prefix="newsbot-pg-"))
    if _as_root():
        owner = pwd.getpwnam(SUPERUSER)
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    cluster = PostgresCluster(folder, free_port())
    try:
        _run_as_owner(
            [
                str(server_bin("initdb")),
                "-D",
                str(folder / "data"),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            folder,
        )
        _run_as_owner(["mkdir", "-p", str(cluster.socket_dir)], folder)
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
