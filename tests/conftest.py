"""Shared fixtures: the real binaries as built by `swift build`, and scratch shop folders."""
import json
import os
import pathlib
import shutil
import socket
import subprocess
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def bin_path() -> pathlib.Path:
    out = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    return pathlib.Path(out)


def built(product: str) -> pathlib.Path:
    """The debug build of `product`, built first if `swift build` has not been run."""
    binary = bin_path() / product
    if not binary.exists():
        subprocess.run(["swift", "build", "--product", product], cwd=ROOT, check=True)
    return binary


@pytest.fixture(scope="session")
def gage() -> pathlib.Path:
    return built("gage")


@pytest.fixture()
def example_shop(tmp_path) -> pathlib.Path:
    """A copy of the repository's example shop, so tests may edit it."""
    shop = tmp_path / "shop"
    shop.mkdir()
    shutil.copy(ROOT / "shop.yml", shop / "shop.yml")
    for folder in ("content", "templates", "static"):
        shutil.copytree(ROOT / folder, shop / folder)
    return shop


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)


# --------------------------------------------------------------------------- the verify function

SECRET = "sandbox_secret_value_never_printed"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sandbox:
    """The Iamport stand-in (`gage sandbox`), driven through its control API."""

    def __init__(self, url: str):
        self.url = url

    def control(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + "/__sandbox" + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def create(self, **fields) -> dict:
        return self.control("POST", "/payments", fields)

    def payment(self, imp_uid: str) -> dict:
        return self.control("GET", "/payments/" + imp_uid)

    def calls(self, path_prefix: str = "") -> list:
        return [c for c in self.control("GET", "/calls") if c["path"].startswith(path_prefix)]

    def fault(self, kind: str, **extra):
        self.control("POST", "/faults", {"kind": kind, **extra})


@pytest.fixture(scope="session")
def gage_verify() -> pathlib.Path:
    return built("gage-verify")


@pytest.fixture(scope="session")
def sandbox_server(gage):
    process = subprocess.Popen([str(gage), "sandbox", "--port", "0", "--secret", SECRET],
                               stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    assert "listening on" in line, line
    url = line.split("listening on ")[1].split()[0]
    yield Sandbox(url)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture()
def sandbox(sandbox_server) -> Sandbox:
    # Every test starts with an empty provider: a reconcile pages through every payment in its window, and a long
    # session's earlier tests would otherwise leave thousands behind (a reconcile late in CI timed out on them).
    sandbox_server.control("POST", "/reset", {"payments": True})
    return sandbox_server


@pytest.fixture(scope="session")
def postgres():
    """One real PostgreSQL server for the session; each test that wants a ledger there creates its own database."""
    from pg_server import PostgresServer
    server = PostgresServer().start()
    yield server
    server.remove()


@pytest.fixture(params=["sqlite", "postgres"])
def ledger_env(request, env, tmp_path):
    """The verify function's environment with its ledger on each backend in turn: an SQLite file, then a fresh
    database on the PostgreSQL server."""
    if request.param == "sqlite":
        return {**env, "GAGE_LEDGER": str(tmp_path / "orders.sqlite")}
    return {**env, "GAGE_LEDGER": request.getfixturevalue("postgres").create_database()}


@pytest.fixture()
def env(tmp_path, sandbox):
    """The verify function's environment: the stand-in, a hand-priced catalog, a private token cache."""
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(_catalog(), ensure_ascii=False))
    return {
        "PATH": os.environ["PATH"], "IAMPORT_API_KEY": "sandbox_key", "IAMPORT_API_SECRET": SECRET,
        "IAMPORT_API_URL": sandbox.url, "GAGE_CATALOG": str(catalog), "GAGE_CACHE_DIR": str(tmp_path / "cache"),
        "GAGE_LEDGER": str(tmp_path / "orders.sqlite"), "IAMPORT_TIMEOUT": "3",
    }


def _catalog():
    from verify_helpers import CATALOG
    return CATALOG


@pytest.fixture(scope="session")
def v2_server(gage):
    """One PortOne V2 stand-in for the session (`gage sandbox --portone`)."""
    from portone_v2_kit import V2_SECRET, V2Sandbox
    process = subprocess.Popen([str(gage), "sandbox", "--portone", "--port", "0", "--v2-secret", V2_SECRET],
                               stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    assert "PortOne V2 sandbox listening on" in line, line
    url = line.split("listening on ")[1].split()[0]
    secret = line.split("webhook secret ")[1].rstrip(")\n")
    yield V2Sandbox(url, secret)
    process.terminate()
    process.wait(timeout=10)
