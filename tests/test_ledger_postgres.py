"""The ledger on PostgreSQL, where it differs from a file: a server that is down, unreachable or refuses the
password is a 503 and nothing is decided; the password never shows in a log, an error, a reply or `ps`; and
`gage orders migrate` moves a whole SQLite ledger into PostgreSQL and back without losing a row. (Everything the
two backends share — concurrency, SIGKILL, the last unit, `gage orders` — runs on both in test_ledger.py.)"""
import json
import os
import socket
import subprocess
import threading
import time

import pytest

from conftest import run
from ledger_db import LedgerDB
from pg_server import PostgresServer
from verify_helpers import TEA, pay, ref, verify


def assert_password_hidden(password, *texts):
    for text in texts:
        assert password not in text


def test_a_ledger_url_of_another_kind_is_a_configuration_error(gage_verify, env, sandbox):
    code, reply, log = verify(gage_verify, {**env, "GAGE_LEDGER": "mysql://gage:pw@db/shop"}, ref(pay(sandbox, 15000, TEA)))
    assert code == 3 and reply == {"ok": False, "error": "the verify function is misconfigured; its log says how"}
    assert "GAGE_LEDGER is invalid" in log and "postgres:// URL" in log and "pw" not in log


def test_an_unreachable_server_is_503_within_the_budget_and_nothing_is_paid(gage_verify, env, sandbox, postgres):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    url = f"postgres://gage:{postgres.password}@127.0.0.1:{closed_port}/shop"
    started = time.monotonic()
    code, reply, log = verify(gage_verify, {**env, "GAGE_LEDGER": url}, ref(pay(sandbox, 15000, TEA)))
    assert code == 5 and reply["ok"] is False and "status" not in reply
    assert time.monotonic() - started < 10
    assert "cannot connect to the ledger postgres://gage:***@127.0.0.1" in log
    assert_password_hidden(postgres.password, log, json.dumps(reply))


def test_a_wrong_password_is_503_and_neither_password_is_printed(gage_verify, env, sandbox, postgres):
    url = postgres.create_database().replace(postgres.password, "not-the-password-42")
    code, reply, log = verify(gage_verify, {**env, "GAGE_LEDGER": url}, ref(pay(sandbox, 15000, TEA)))
    assert code == 5 and reply["ok"] is False
    assert "password authentication failed" in log
    assert_password_hidden("not-the-password-42", log, json.dumps(reply))
    assert_password_hidden(postgres.password, log)


def test_a_server_that_accepts_and_never_answers_is_503_after_the_connect_timeout(gage_verify, env, sandbox):
    with socket.socket() as silent:                      # the kernel completes the handshake; nobody ever speaks
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"postgres://gage:pw-silent@127.0.0.1:{silent.getsockname()[1]}/shop?connect_timeout=2"
        started = time.monotonic()
        code, reply, log = verify(gage_verify, {**env, "GAGE_LEDGER": url}, ref(pay(sandbox, 15000, TEA)))
        assert code == 5 and reply["ok"] is False
        assert 1.5 < time.monotonic() - started < 8
        assert_password_hidden("pw-silent", log)


@pytest.mark.parametrize("password, decoded", [("hunter2-secret", "hunter2-secret"),
                                               ("hunter?2secret", "hunter?2secret"),     # a ? once ended the search
                                               ("hu%3Fnt%40er%2F2", "hu?nt@er/2")])
def test_the_password_in_a_command_line_url_is_hidden_from_ps(gage, password, decoded):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"postgres://gage:{password}@127.0.0.1:{silent.getsockname()[1]}/shop?connect_timeout=3"
        process = subprocess.Popen([str(gage), "orders", "list", "--ledger", url], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        seen, looked_at = [], []
        started = time.monotonic()
        deadline = started + 2
        while time.monotonic() < deadline and process.poll() is None:
            try:
                seen.append(open(f"/proc/{process.pid}/cmdline", "rb").read().decode(errors="replace"))
                looked_at.append(time.monotonic() - started)
            except OSError:
                break
            time.sleep(0.05)
        out, err = process.communicate(timeout=10)
    assert len(seen) > 3, "the command ended before ps could look at it"
    # Between exec and main() (loading ~40 shared libraries; slow for a debug build on a busy machine) the
    # arguments are still as typed: no program can hide them earlier. From main() on, they must stay hidden
    # for the rest of the run, here while the connection waits out its 3 s timeout.
    masked = "gage:" + "*" * len(password) + "@127.0.0.1"
    hidden_from = next((index for index, line in enumerate(seen) if masked in line), None)
    assert hidden_from is not None, f"the password was never hidden: {seen[-1]}"
    assert looked_at[hidden_from] < 1, f"the password was still in ps {looked_at[hidden_from]:.2f} s after start"
    assert all(password not in line for line in seen[hidden_from:]), seen[-1]
    assert process.returncode != 0 and "gage:***@127.0.0.1" in err
    assert_password_hidden(password, out, err)
    assert_password_hidden(decoded, out, err)


def test_cgi_with_the_ledger_on_postgres_answers_paid_and_503_when_the_server_is_gone(gage_verify, env, sandbox):
    server = PostgresServer().start()
    try:
        cgi_env = {**env, "GAGE_LEDGER": server.create_database(), "GATEWAY_INTERFACE": "CGI/1.1",
                   "REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/json"}

        def post(payment):
            body = json.dumps(ref(payment)).encode()
            result = subprocess.run([str(gage_verify)], input=body, capture_output=True, timeout=30,
                                    env={**cgi_env, "CONTENT_LENGTH": str(len(body))})
            head, _, text = result.stdout.decode().partition("\r\n\r\n")
            return head.splitlines()[0], json.loads(text), result.stderr.decode()

        first = pay(sandbox, 15000, TEA)
        status, reply, _ = post(first)
        assert status == "Status: 200 OK" and reply["status"] == "paid"
        server.stop()
        status, reply, log = post(pay(sandbox, 15000, TEA))
        assert status.startswith("Status: 503") and reply["ok"] is False and "status" not in reply
        assert_password_hidden(server.password, log)
    finally:
        server.remove()


def test_a_server_stopped_mid_run_is_503_and_nothing_is_lost_once_it_is_back(gage_verify, env, sandbox):
    server = PostgresServer().start()
    try:
        ledger_env = {**env, "GAGE_LEDGER": server.create_database()}
        payments = [pay(sandbox, 15000, TEA) for _ in range(30)]
        answers = {}
        stopped = threading.Event()

        def stop_midway():
            time.sleep(0.6)
            server.stop("fast")                        # running transactions are cut off, connections refused
            stopped.set()

        stopper = threading.Thread(target=stop_midway)
        stopper.start()
        for payment in payments:
            code, reply, log = verify(gage_verify, ledger_env, ref(payment))
            answers[payment["imp_uid"]] = (code, reply.get("status"))
            assert code in (0, 5), log
            assert_password_hidden(server.password, log)
        stopper.join()
        assert stopped.is_set()
        said_paid = {uid for uid, (code, status) in answers.items() if code == 0 and status == "paid"}
        refused = {uid for uid, (code, _) in answers.items() if code == 5}
        assert said_paid and refused, answers           # some before the stop, some during it
        server.start()
        with LedgerDB(ledger_env["GAGE_LEDGER"]) as ledger:
            recorded = {row[0] for row in ledger.execute("SELECT imp_uid FROM orders WHERE status = 'paid'").fetchall()}
        assert said_paid <= recorded                    # every "paid" answer was durable before it was given
        assert not (refused & recorded)                 # a refusal decided nothing
        for payment in payments:                        # the buyers' pages retry: every payment ends paid, once
            assert verify(gage_verify, ledger_env, ref(payment))[1]["status"] == "paid"
        with LedgerDB(ledger_env["GAGE_LEDGER"]) as ledger:
            assert ledger.scalar("SELECT COUNT(*) FROM orders WHERE status = 'paid'") == 30
    finally:
        server.remove()


# ------------------------------------------------------------------------------------------ gage orders migrate

def orders(gage, env, *args):
    return run(gage, "orders", *args, env=env)


def listing(gage, env, location):
    return json.loads(orders(gage, env, "list", "--json", "--ledger", location).stdout)


def shown(gage, env, location, imp_uid):
    return orders(gage, env, "show", imp_uid, "--ledger", location).stdout


def test_migrate_moves_a_sqlite_ledger_into_postgres_and_back_without_losing_anything(
        gage, gage_verify, env, sandbox, postgres, tmp_path):
    source = env["GAGE_LEDGER"]
    paid = pay(sandbox, 40000)
    tampered = pay(sandbox, 100)
    vbank = pay(sandbox, 15000, TEA, status="ready", pay_method="vbank")
    for payment in (paid, tampered, vbank):
        verify(gage_verify, env, ref(payment))
    verify(gage_verify, env, {"action": "webhook", **ref(paid)})
    assert orders(gage, env, "ship", paid["imp_uid"], "--tracking", "6012-3456-7890").returncode == 0
    before = listing(gage, env, source)
    assert sorted(o["status"] for o in before) == ["awaiting_deposit", "paid", "rejected"]

    target = postgres.create_database()
    moved = orders(gage, env, "migrate", "--to", target)
    assert moved.returncode == 0, moved.stderr
    assert "Counts match" in moved.stdout and "history" in moved.stdout
    assert_password_hidden(postgres.password, moved.stdout, moved.stderr)
    assert listing(gage, env, target) == before
    for payment in (paid, tampered, vbank):
        assert shown(gage, env, target, payment["imp_uid"]) == shown(gage, env, source, payment["imp_uid"])

    # The function carries on against PostgreSQL: the deposit lands, a duplicate webhook changes nothing.
    on_postgres = {**env, "GAGE_LEDGER": target}
    sandbox.control("POST", f"/payments/{vbank['imp_uid']}/deposit")
    assert verify(gage_verify, on_postgres, {"action": "webhook", **ref(vbank)})[1]["status"] == "paid"
    assert verify(gage_verify, on_postgres, {"action": "webhook", **ref(paid)})[1]["status"] == "paid"
    with LedgerDB(target) as ledger:
        ids = [row[0] for row in ledger.execute("SELECT id FROM history ORDER BY id").fetchall()]
    assert ids == sorted(set(ids)) and len(ids) >= 7     # new history rows got fresh ids after the copied ones

    back = str(tmp_path / "back.sqlite")
    returned = orders(gage, env, "migrate", "--ledger", target, "--to", back)
    assert returned.returncode == 0, returned.stderr
    assert listing(gage, env, back) == listing(gage, env, target)
    assert shown(gage, env, back, vbank["imp_uid"]) == shown(gage, env, target, vbank["imp_uid"])
    assert os.stat(back).st_mode & 0o077 == 0


def test_migrate_refuses_a_ledger_that_already_holds_orders(gage, gage_verify, env, sandbox, postgres):
    target = postgres.create_database()
    verify(gage_verify, {**env, "GAGE_LEDGER": target}, ref(pay(sandbox, 15000, TEA)))
    verify(gage_verify, env, ref(pay(sandbox, 15000, TEA)))
    refused = orders(gage, env, "migrate", "--to", target)
    assert refused.returncode != 0 and "is not empty" in refused.stderr and "1 rows in orders" in refused.stderr
    assert_password_hidden(postgres.password, refused.stderr)
    with LedgerDB(target) as ledger:
        assert ledger.scalar("SELECT COUNT(*) FROM orders") == 1
