"""A private PostgreSQL server for tests: Debian's binaries (/usr/lib/postgresql/*/bin, installed by .ci/run),
a fresh cluster in a temp folder, a unix socket only (no TCP port), run as the `postgres` user because PostgreSQL
refuses to run as root; stopped and removed afterwards."""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path


def find_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def missing_reason() -> str | None:
    """Why no server can be started here (None when one can)."""
    if find_bin() is None:
        return "PostgreSQL is not installed (.ci/run installs Debian's postgresql; apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no `postgres` user to run the server as"
    return None


class PostgresServer:
    def __init__(self):
        self.bin = find_bin()
        self.base = Path(tempfile.mkdtemp(prefix="ag-pg-"))
        self.data, self.socket = self.base / "data", self.base / "sock"
        self.socket.mkdir()
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            for path in (self.base, self.socket):
                os.chown(path, entry.pw_uid, entry.pw_gid)
            os.chmod(self.base, 0o755)

    def _run(self, *argv: str) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / argv[0]), *argv[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=120, cwd="/")

    def start(self) -> PostgresServer:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", self.user, "--no-sync", "-E", "UTF8")
        options = f"-k {self.socket} -c listen_addresses='' -c fsync=off -c max_connections=60"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-t", "60", "-l", str(self.base / "log"),
                  "start")
        return self

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; its SQLAlchemy URL (psycopg 3, over the socket)."""
        name = name or f"gb_{uuid.uuid4().hex[:10]}"
        self._run("createdb", "-h", str(self.socket), "-U", self.user, name)
        return f"postgresql+psycopg://{self.user}@/{name}?host={self.socket}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.base, ignore_errors=True)
