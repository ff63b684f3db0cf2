"""Throwaway PostgreSQL and Redis servers from the Debian packages, for tests and benches.

``start_postgres()`` runs ``initdb`` + ``pg_ctl start`` on a free port in a fresh
temporary directory (as the ``postgres`` user when running as root, since
PostgreSQL refuses to run as root); ``start_redis()`` runs ``redis-server`` on a
free port without persistence. Both return ``None`` with the reason in
``missing_*()`` when the binaries are not installed
(``apt-get install postgresql redis-server``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_bin() -> Path | None:
    """Directory with ``initdb`` and ``pg_ctl`` (newest Debian version), or ``None``."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def missing_postgres() -> str | None:
    """Why PostgreSQL cannot be started here, or ``None`` if it can."""
    if postgres_bin() is None:
        return "PostgreSQL is not installed (apt-get install postgresql): no /usr/lib/postgresql/*/bin/initdb"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as"
    return None


def missing_redis() -> str | None:
    """Why Redis cannot be started here, or ``None`` if it can."""
    return None if shutil.which("redis-server") else "redis-server is not installed (apt-get install redis-server)"



def stop_process(proc: subprocess.Popen[bytes] | subprocess.Popen[str], grace: float = 15) -> None:
    """Stop a server process the tests started: SIGTERM, then SIGKILL after ``grace`` seconds; reaped either way."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=15)

@dataclass
class PostgresServer:
    """A running throwaway cluster; ``url(db)`` for SQLAlchemy, ``stop()`` / ``start()`` to simulate an outage."""

    bindir: Path
    datadir: Path
    port: int
    user: str | None  # OS user the server runs as (None: the current one)
    fsync: bool = False  # off for tests (speed); on for benchmarks (real commit cost)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=120)

    def start(self) -> None:
        """Start (or restart) the server and wait until it accepts connections."""
        opts = f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1 -c fsync={'on' if self.fsync else 'off'} -c max_connections=300"
        r = self._run("pg_ctl", "-D", str(self.datadir), "-o", opts, "-l", str(self.datadir / "server.log"), "-w", "-t", "60", "start", check=False)
        if r.returncode != 0:
            log = (self.datadir / "server.log").read_text(errors="replace")[-2000:] if (self.datadir / "server.log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {r.stdout}{r.stderr}{log}")

    def stop(self) -> None:
        """Stop the server now (``-m immediate``: like a crash; clients see dropped connections)."""
        self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop", check=False)

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL of ``database`` (psycopg 3 driver, trust auth)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        """Stop the server and delete its directory."""
        self.stop()
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def start_postgres(fsync: bool = False) -> PostgresServer:
    """initdb + start a cluster on a free port (``fsync`` off unless asked: tests need no durability).

    Raises:
        RuntimeError: with the reason, when it is not installed or fails to start.
    """
    reason = missing_postgres()
    if reason:
        raise RuntimeError(reason)
    bindir = postgres_bin()
    assert bindir is not None
    root = Path(tempfile.mkdtemp(prefix="assistant-pg-"))
    datadir = root / "data"
    datadir.mkdir()
    user = None
    if os.geteuid() == 0:
        user = "postgres"
        pw = pwd.getpwnam(user)
        os.chown(root, pw.pw_uid, pw.pw_gid)
        os.chown(datadir, pw.pw_uid, pw.pw_gid)
        os.chmod(root, 0o755)
    server = PostgresServer(bindir, datadir, free_port(), user, fsync)
    server._run("initdb", "-D", str(datadir), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")
    server.start()
    return server


@dataclass
class RedisServer:
    """A running redis-server; ``url`` for redis-py."""

    process: subprocess.Popen[bytes]
    port: int
    workdir: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def destroy(self) -> None:
        """Stop the server and delete its directory."""
        stop_process(self.process, 10)
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_redis() -> RedisServer:
    """Start redis-server on a free port (no persistence) and wait for PING.

    Raises:
        RuntimeError: with the reason, when it is not installed or fails to start.
    """
    reason = missing_redis()
    if reason:
        raise RuntimeError(reason)
    workdir = Path(tempfile.mkdtemp(prefix="assistant-redis-"))
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return RedisServer(proc, port, workdir)
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"redis-server did not answer on port {port}")
