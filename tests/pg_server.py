"""A real PostgreSQL server from Debian's packages, for the ledger tests and the benchmark: a fresh `initdb`
cluster in a temporary folder, run by an unprivileged user, listening on a loopback port only, with password
(SCRAM) authentication over TCP as a hosted database would have."""
import glob
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import uuid


def _bin_dir() -> pathlib.Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise RuntimeError("PostgreSQL's server is not installed: run scripts/setup (Debian package postgresql)")
    return pathlib.Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    USER = "gage"

    def __init__(self, parent=None):
        self.bin = _bin_dir()
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix="gage-pg-", dir=parent))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.password = "pw-" + uuid.uuid4().hex
        # PostgreSQL refuses to run as root; as root (CI), Debian's `postgres` user runs it.
        self.runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        password_file = self.folder / "password"
        password_file.write_text(self.password + "\n")
        if self.runner:
            shutil.chown(self.folder, "postgres")
            shutil.chown(password_file, "postgres")
        self._run("initdb", "-D", self.data, "-U", self.USER, "--auth-local=trust", "--auth-host=scram-sha-256",
                  f"--pwfile={password_file}", "-E", "UTF8", "--locale=C.UTF-8")
        password_file.unlink()

    def _run(self, program, *args, check=True):
        return subprocess.run(self.runner + [str(self.bin / program), *map(str, args)], capture_output=True,
                              text=True, check=check, timeout=120)

    def start(self):
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c max_connections=200"
        self._run("pg_ctl", "-D", self.data, "-l", self.folder / "server.log", "-o", options, "-w", "start")
        return self

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def remove(self):
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database="postgres", password=True, scheme="postgres", host="127.0.0.1") -> str:
        secret = f":{self.password}" if password else ""
        return f"{scheme}://{self.USER}{secret}@{host}:{self.port}/{database}"

    def connect(self, url):
        import psycopg
        return psycopg.connect(url, autocommit=True)

    def create_database(self) -> str:
        """A new, empty database; returns its URL (with the password)."""
        name = "ledger_" + uuid.uuid4().hex[:12]
        with self.connect(self.url()) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self.url(name)
