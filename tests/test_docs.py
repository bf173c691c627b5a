"""Every command the README and docs/ show is run. Each ```sh block of a document runs, in order, in a scratch
copy of the example shop (with examples/ beside it), with the built `gage` first on PATH and the function's
settings pointing at the stand-ins instead of a real PortOne account: the Iamport and PortOne V2 stand-ins, a
ledger holding one paid order `gage-lx2k9a-4f7d` (the number the docs use), a real SMTP server. A block must
exit 0; `cd` carries over to the next block.

The info string says how a block is taken:
- ```sh            runs, and must succeed;
- ```sh serve      a server (gage serve, gage sandbox): started with `--port 0`, it must say it is listening,
                   then it is stopped;
- ```sh no-run:R   shown only, for one of the reasons below; its `gage` commands are still checked to exist
                   (`gage <command> --help`).
"""
import os
import pathlib
import re
import shlex
import shutil
import signal
import subprocess

import pytest

from conftest import ROOT, SECRET, bin_path, run
from test_notifications import MailServer
from portone_v2_kit import V2_SECRET   # the V2 stand-in (v2_server) is a conftest fixture
from verify_helpers import BUYER, CATALOG, SHOP

REASONS = {
    "setup": "installs or builds on this machine (scripts/setup, swift build, scripts/build-verify): CI runs those",
    "your-server": "runs as root on the seller's server (install, chown)",
    "your-host": "names the seller's own host, database or PortOne account, which a test cannot reach",
}
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "functions/verify/README.md"]
ORDER = "gage-lx2k9a-4f7d"
FENCE = re.compile(r"^```(?!`)(\S*)[ \t]*(.*)$")


def blocks(document: pathlib.Path):
    """(language, mode, text, line) of every fenced block."""
    found, current = [], None
    for number, line in enumerate(document.read_text().splitlines(), 1):
        match = FENCE.match(line)
        if current is None and match:
            current = (match.group(1), match.group(2).strip(), [], number)
        elif current is not None and line.startswith("```"):
            found.append((current[0], current[1], "\n".join(current[2]), current[3]))
            current = None
        elif current is not None:
            current[2].append(line)
    assert current is None, f"{document.name}: a fence opened at line {current[3]} is never closed"
    return found


def shell_blocks(document):
    return [(mode, text, line) for language, mode, text, line in blocks(document)
            if language in ("sh", "bash", "shell", "console")]


def test_every_shell_block_says_how_it_is_taken():
    for document in DOCUMENTS:
        for language, mode, _, line in blocks(document):
            if language in ("bash", "shell", "console"):
                pytest.fail(f"{document.name}:{line}: write ```sh, so the docs test runs it")
            if language == "sh":
                assert mode in ("", "serve") or (mode.startswith("no-run:") and mode[7:] in REASONS), \
                    f"{document.name}:{line}: unknown mode '{mode}'; use serve or no-run:{'|'.join(REASONS)}"


def gage_commands(text):
    """The `gage …` commands in a block, after any VAR=value prefix, as argument lists."""
    commands = []
    for line in text.replace("\\\n", " ").splitlines():
        line = line.split(" #")[0].strip()
        if not line or line.startswith("#"):
            continue
        for part in re.split(r"&&|\|", line):
            words = shlex.split(part)
            while words and re.match(r"^[A-Z_]+=", words[0]):
                words.pop(0)
            if words and words[0] == "gage":
                commands.append(words)
    return commands


@pytest.fixture()
def scratch(tmp_path, gage, gage_verify, sandbox, v2_server):
    """A copy of the example shop as a seller's folder, and the settings a seller would have, on stand-ins."""
    shop = tmp_path / "shop"
    shop.mkdir()
    shutil.copy(ROOT / "shop.yml", shop / "shop.yml")
    for folder in ("content", "templates", "static", "examples"):
        shutil.copytree(ROOT / folder, shop / folder)
    function = tmp_path / "function"
    function.mkdir()
    catalog = dict(CATALOG, order_prefix="gage-")
    (function / "catalog.json").write_text(__import__("json").dumps(catalog, ensure_ascii=False))
    mail = MailServer(tmp_path / "mail").start()
    env = {"PATH": f"{bin_path()}:{os.environ['PATH']}", "HOME": str(tmp_path / "home"), "LANG": "C.UTF-8",
           "IAMPORT_API_KEY": "sandbox_key", "IAMPORT_API_SECRET": SECRET, "IAMPORT_API_URL": sandbox.url,
           "IAMPORT_TIMEOUT": "5", "GAGE_CATALOG": str(function / "catalog.json"),
           "GAGE_LEDGER": str(tmp_path / "orders.sqlite"), "GAGE_CACHE_DIR": str(tmp_path / "cache"),
           "GAGE_SMTP_URL": f"smtp://127.0.0.1:{mail.port}", "GAGE_MAIL_FROM": "온기 로스터리 <shop@onggi.example>",
           "GAGE_SELLER_EMAIL": "owner@onggi.example", "GAGE_VERIFY_QUIET": "1"}
    (tmp_path / "home").mkdir()
    payment = sandbox.create(merchant_uid=ORDER, amount=15000, pg="html5_inicis.INIpayTest", name="녹차",
                             custom_data={"items": [{"sku": "TEA", "quantity": 1}], "shop": SHOP, "catalog": "test"},
                             **BUYER)
    verified = run(gage_verify, input=f'{{"imp_uid": "{payment["imp_uid"]}", "merchant_uid": "{ORDER}"}}',
                   env=env, timeout=30)
    assert '"paid"' in verified.stdout, verified.stdout + verified.stderr
    yield shop, env
    mail.stop()


def run_block(text, cwd, env, where):
    marker = cwd.parent / "cwd"
    script = f"set -euo pipefail\n{text}\npwd > {shlex.quote(str(marker))}\n"
    result = subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{where} failed:\n{text}\n--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}"
    return pathlib.Path(marker.read_text().strip())


def serve_block(text, cwd, env, where):
    for words in gage_commands(text):
        if "--port" not in words:
            words += ["--port", "0"]
        words[0] = str(bin_path() / "gage")
        process = subprocess.Popen(words, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True)
        seen = []
        try:
            for line in process.stdout:
                seen.append(line)
                if "Serving" in line or "listening on" in line:
                    break
            assert any("Serving" in line or "listening on" in line for line in seen), f"{where}: {''.join(seen)}"
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def check_commands_exist(text, where):
    for words in gage_commands(text):
        path = []
        for word in words[1:3]:
            if not re.match(r"^[a-z][a-z-]*$", word):
                break
            path.append(word)
        result = run(bin_path() / "gage", *path, "--help", timeout=30)
        assert result.returncode == 0, f"{where}: 'gage {' '.join(path)}' is not a command: {result.stderr}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_command_in_the_document_runs(document, scratch):
    shop, env = scratch
    cwd = shop
    ran = 0
    for mode, text, line in shell_blocks(document):
        where = f"{document.relative_to(ROOT)}:{line}"
        if mode.startswith("no-run:"):
            check_commands_exist(text, where)
        elif mode == "serve":
            serve_block(text, cwd, env, where)
            ran += 1
        else:
            cwd = run_block(text, cwd, env, where)
            ran += 1
    assert ran or not shell_blocks(document) or all(m.startswith("no-run:") for m, _, _ in shell_blocks(document))


def test_the_docs_commands_did_what_they_say(scratch):
    """A few outcomes read back, so a command that runs but does the wrong thing is seen too."""
    shop, env = scratch
    cwd = shop
    for mode, text, line in shell_blocks(ROOT / "README.md"):
        if mode == "":
            cwd = run_block(text, cwd, env, f"README.md:{line}")
    made = shop / "myshop"
    assert "portone:" in (made / "shop.yml").read_text(), "gage init starts a V2 shop"
    assert (made / "content/products/jeju-gamgyul-5kg.md").exists() and (made / "public/catalog.json").exists()
    for mode, text, line in shell_blocks(ROOT / "docs/notifications.md"):
        if mode == "":
            run_block(text, shop, env, f"docs/notifications.md:{line}")
    shown = run(bin_path() / "gage", "orders", "show", ORDER, env=env, timeout=30).stdout
    assert "CJ대한통운" in shown and "6543-2109-8765" in shown and "KST" in shown
