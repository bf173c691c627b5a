"""The deployable gage-verify: one executable that needs no Swift runtime where it runs."""
import json
import os
import subprocess

import pytest

from conftest import ROOT, SECRET
from verify_helpers import BEANS, CATALOG, ref


@pytest.fixture(scope="module")
def static_binary():
    subprocess.run([str(ROOT / "scripts/build-verify")], cwd=ROOT, check=True, capture_output=True)
    return ROOT / "dist" / "gage-verify"


def test_static_binary_links_no_swift_runtime(static_binary):
    libraries = subprocess.run(["ldd", str(static_binary)], capture_output=True, text=True, check=True).stdout
    assert "libswift" not in libraries and "libFoundation" not in libraries
    assert "libcurl" in libraries and "libc.so" in libraries
    assert "libsqlite3" in libraries and "libpq.so.5" in libraries      # both ledgers, from Debian's packages


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_static_binary_verifies_a_payment(backend, request, static_binary, sandbox, tmp_path):
    ledger = (str(tmp_path / "orders.sqlite") if backend == "sqlite"
              else request.getfixturevalue("postgres").create_database())
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(CATALOG))
    payment = sandbox.create(merchant_uid="shop-static-1", amount=40000, custom_data={"items": BEANS})
    env = {"IAMPORT_API_KEY": "sandbox_key", "IAMPORT_API_SECRET": SECRET, "IAMPORT_API_URL": sandbox.url,
           "GAGE_CATALOG": str(catalog), "GAGE_CACHE_DIR": "off", "GAGE_LEDGER": ledger,
           "PATH": "/usr/bin:/bin"}
    result = subprocess.run([str(static_binary)], input=json.dumps(ref(payment)),
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "paid"
