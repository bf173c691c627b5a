"""Shared fixtures: the real binaries as built by `swift build`, and scratch shop folders."""
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def bin_path() -> pathlib.Path:
    out = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    return pathlib.Path(out)


@pytest.fixture(scope="session")
def gage() -> pathlib.Path:
    binary = bin_path() / "gage"
    if not binary.exists():
        subprocess.run(["swift", "build", "--product", "gage"], cwd=ROOT, check=True)
    return binary


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
