"""The order ledger: every judged order recorded once with its full history, durable under concurrency and
SIGKILL, 503 when it cannot be written, stock enforced across orders, and `gage orders` to read it. Tests that
take `ledger_env` run twice: with the ledger in an SQLite file and in a PostgreSQL database."""
import concurrent.futures
import contextlib
import csv
import datetime
import json
import os
import random
import signal
import sqlite3
import subprocess
import time
import uuid
import zoneinfo

import pytest

from conftest import SECRET, run
from ledger_db import LedgerDB
from verify_helpers import BEANS, BUYER, CATALOG, TEA, order_id, pay, ref, verify


def db(env) -> LedgerDB:
    return LedgerDB(env["GAGE_LEDGER"])


def ledger_exists(env) -> bool:
    location = env["GAGE_LEDGER"]
    return location.startswith("postgres") or os.path.exists(location)


def test_a_paid_order_is_recorded_with_buyer_details_only_in_the_ledger(gage_verify, ledger_env, sandbox):
    payment = pay(sandbox, 40000)
    code, reply, log = verify(gage_verify, ledger_env, {"imp_uid": payment["imp_uid"], "merchant_uid": payment["merchant_uid"]})
    assert code == 0 and reply["status"] == "paid"
    row = db(ledger_env).execute("SELECT * FROM orders").fetchone()
    assert (row["imp_uid"], row["status"], row["amount"]) == (payment["imp_uid"], "paid", 40000)
    assert (row["buyer_name"], row["buyer_tel"], row["buyer_email"]) == (BUYER["buyer_name"], BUYER["buyer_tel"], BUYER["buyer_email"])
    assert json.loads(row["items_json"])[0]["sku"] == "BEAN"
    for private in BUYER.values():
        assert private not in json.dumps(reply, ensure_ascii=False) and private not in log
    if not db(ledger_env).postgres:
        assert db(ledger_env).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_fifty_concurrent_arrivals_give_one_row_per_payment_and_one_history_entry_each(gage_verify, ledger_env, sandbox):
    payments = [pay(sandbox, 15000, TEA) for _ in range(4)] + [pay(sandbox, 100)]   # four good, one tampered
    calls = [(p, "webhook" if n % 2 else "verify") for n in range(10) for p in payments]
    random.Random(7).shuffle(calls)

    def call(job):
        payment, action = job
        return verify(gage_verify, ledger_env, {"action": action, "imp_uid": payment["imp_uid"],
                                                "merchant_uid": payment["merchant_uid"]})

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(call, calls))
    assert {code for code, _, _ in results} == {0}, [log for code, _, log in results if code][:2]
    connection = db(ledger_env)
    assert connection.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 5
    decisions = connection.execute("SELECT COUNT(*) FROM history WHERE channel != 'refund'").fetchone()[0]
    assert decisions == 50
    assert connection.execute("SELECT COUNT(*) FROM history WHERE channel = 'callback'").fetchone()[0] == 25
    assert connection.execute("SELECT COUNT(*) FROM history WHERE channel = 'webhook'").fetchone()[0] == 25
    statuses = dict(connection.execute("SELECT imp_uid, status FROM orders").fetchall())
    assert sorted(statuses.values()) == ["paid"] * 4 + ["rejected"]
    tampered = payments[-1]["imp_uid"]
    assert connection.execute("SELECT refund_state FROM orders WHERE imp_uid = ?", (tampered,)).fetchone()[0] == "done"
    assert len(sandbox.payment(tampered)["cancel_history"]) == 1


def test_sigkill_in_the_middle_of_writes_never_leaves_a_half_order(gage_verify, ledger_env, sandbox):
    payments = [pay(sandbox, 15000, TEA) for _ in range(6)]
    rng = random.Random(11)
    killed = 0
    for round_number in range(40):
        processes = []
        for payment in rng.sample(payments, 3):
            process = subprocess.Popen([str(gage_verify)], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, env=ledger_env)
            process.stdin.write(json.dumps(ref(payment)).encode())
            process.stdin.close()
            processes.append(process)
        time.sleep(rng.uniform(0.0, 0.03))
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                killed += 1
            process.wait()
        if not ledger_exists(ledger_env):
            continue
        connection = db(ledger_env)
        if not connection.postgres:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = connection.tables()
        if not tables:  # killed before the schema's first commit: an empty database, not a half one
            connection.close()
            continue
        assert {"orders", "order_items", "history"} <= tables
        for row in connection.execute("SELECT * FROM orders").fetchall():
            items = json.loads(row["items_json"])
            stored = connection.execute("SELECT sku, quantity FROM order_items WHERE imp_uid = ?", (row["imp_uid"],)).fetchall()
            assert [(i["sku"], i["quantity"]) for i in items] == [tuple(s) for s in stored]
            assert connection.scalar("SELECT COUNT(*) FROM history WHERE imp_uid = ?", (row["imp_uid"],)) >= 1
        connection.close()
    assert killed > 0, "no invocation was caught mid-flight; the test proved nothing"
    # After all that, every payment still verifies to one clean order.
    for payment in payments:
        assert verify(gage_verify, ledger_env, ref(payment))[1]["status"] == "paid"
    assert db(ledger_env).execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 6


@pytest.mark.parametrize("where", ["missing folder", "a folder"])
def test_an_unwritable_ledger_is_503_and_nothing_is_paid(gage_verify, env, sandbox, tmp_path, where):
    path = tmp_path / "no" / "such" / "orders.sqlite" if where == "missing folder" else tmp_path
    payment = pay(sandbox, 40000)
    code, reply, _ = verify(gage_verify, {**env, "GAGE_LEDGER": str(path)}, ref(payment))
    assert code == 5
    assert reply["ok"] is False and "status" not in reply


@contextlib.contextmanager
def small_filesystem(folder, size):
    """A tmpfs of `size` mounted at `folder` for the duration (needs root, as CI has; skipped elsewhere)."""
    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root to mount a small tmpfs")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)])  # lazy: an open handle from a failed check cannot keep it


def test_a_full_disk_is_503_and_nothing_is_paid(gage_verify, env, sandbox, tmp_path):
    with small_filesystem(tmp_path / "tiny", "512k") as mountpoint:
        ledger = mountpoint / "orders.sqlite"
        ledger_env = {**env, "GAGE_LEDGER": str(ledger)}
        first = pay(sandbox, 40000)
        assert verify(gage_verify, ledger_env, ref(first))[1]["status"] == "paid"
        filler = os.open(mountpoint / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(filler, b"\0" * 4096)
        except OSError:  # the disk is full
            pass
        finally:
            os.close(filler)
        outcomes = []
        for _ in range(3):
            payment = sandbox.create(merchant_uid=order_id(), amount=40000, custom_data={"items": BEANS},
                                     buyer_addr="x" * 20000)
            outcomes.append(verify(gage_verify, ledger_env, ref(payment))[:2])
        assert all(code == 5 and reply["ok"] is False for code, reply in outcomes)
        os.remove(mountpoint / "filler")  # with room again, the ledger holds the first order and nothing else
        connection = sqlite3.connect(str(ledger))
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 1
        connection.close()


def test_a_read_only_filesystem_is_503_and_nothing_is_paid(gage_verify, env, sandbox, tmp_path):
    with small_filesystem(tmp_path / "ro", "1m") as mountpoint:
        ledger_env = {**env, "GAGE_LEDGER": str(mountpoint / "orders.sqlite")}
        first = pay(sandbox, 15000, TEA)
        assert verify(gage_verify, ledger_env, ref(first))[1]["status"] == "paid"
        assert subprocess.run(["mount", "-o", "remount,ro", str(mountpoint)]).returncode == 0
        second = pay(sandbox, 15000, TEA)
        code, reply, _ = verify(gage_verify, ledger_env, ref(second))
        assert code == 5 and reply["ok"] is False and "status" not in reply
        connection = sqlite3.connect(f"file:{mountpoint / 'orders.sqlite'}?immutable=1", uri=True)
        assert [r[0] for r in connection.execute("SELECT imp_uid FROM orders")] == [first["imp_uid"]]
        connection.close()


def host_spellings(location):
    """The ledger as different hosts would name it: on PostgreSQL each invocation already has its own connection;
    spelling the URL differently (scheme, host name, parameters) makes them look no more alike than two
    machines' settings would."""
    if not location.startswith("postgres"):
        return [location]
    return [location, location.replace("postgres://", "postgresql://", 1).replace("127.0.0.1", "localhost", 1),
            location + "?sslmode=disable&application_name=host-b"]


def test_two_buyers_racing_for_the_last_unit_one_gets_it_one_is_refunded(gage_verify, ledger_env, sandbox, tmp_path):
    catalog = dict(CATALOG, products=[dict(CATALOG["products"][0], stock=1)])
    (tmp_path / "last.json").write_text(json.dumps(catalog, ensure_ascii=False))
    race_env = {**ledger_env, "GAGE_CATALOG": str(tmp_path / "last.json")}
    hosts = host_spellings(ledger_env["GAGE_LEDGER"])
    one = [{"sku": "BEAN", "quantity": 1, "options": {"분쇄도": "홀빈"}}]                     # 18,000 + 3,000
    buyers = [pay(sandbox, 21000, one), pay(sandbox, 21000, one)]
    jobs = [(buyers[n % 2], hosts[n % len(hosts)]) for n in range(12)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(lambda job: verify(gage_verify, {**race_env, "GAGE_LEDGER": job[1]}, ref(job[0]))[1],
                                jobs))
    assert all(r.get("ok") is not False for r in results), [r for r in results if r.get("ok") is False][:2]
    by_buyer = {p["imp_uid"]: {(r["status"], r.get("reason")) for r in results if r["imp_uid"] == p["imp_uid"]}
                for p in buyers}
    outcomes = sorted(next(iter(v)) for v in by_buyer.values())
    assert all(len(v) == 1 for v in by_buyer.values()), by_buyer       # each buyer hears one story
    assert outcomes == [("paid", None), ("rejected", "sold_out")]
    loser = [uid for uid, v in by_buyer.items() if ("rejected", "sold_out") in v][0]
    assert sandbox.payment(loser)["status"] == "cancelled"


def test_a_virtual_account_holds_stock_until_it_is_paid(gage_verify, ledger_env, sandbox, tmp_path):
    catalog = dict(CATALOG, products=[dict(CATALOG["products"][0], stock=1)])
    (tmp_path / "last.json").write_text(json.dumps(catalog, ensure_ascii=False))
    hold_env = {**ledger_env, "GAGE_CATALOG": str(tmp_path / "last.json")}
    one = [{"sku": "BEAN", "quantity": 1, "options": {"분쇄도": "홀빈"}}]
    waiting = pay(sandbox, 21000, one, status="ready", pay_method="vbank")
    assert verify(gage_verify, hold_env, ref(waiting))[1]["status"] == "awaiting_deposit"
    late = pay(sandbox, 21000, one)
    reply = verify(gage_verify, hold_env, ref(late))[1]
    assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", "sold_out", True)
    sandbox.control("POST", f"/payments/{waiting['imp_uid']}/deposit")
    assert verify(gage_verify, hold_env, {"action": "webhook", **ref(waiting)})[1]["status"] == "paid"


# ------------------------------------------------------------------------------------------- gage orders

def orders(gage, ledger_env, *args):
    return run(gage, "orders", *args, env=ledger_env)


def test_reconcile_records_a_paid_payment_never_verified_and_a_deposit(gage, gage_verify, ledger_env, sandbox, tmp_path):
    # Its own order prefix: the stand-in also holds every other test's payments, as a real account holds other sales.
    prefix = "rc" + uuid.uuid4().hex[:6] + "-"
    (tmp_path / "reconcile.json").write_text(json.dumps(dict(CATALOG, order_prefix=prefix), ensure_ascii=False))
    ledger_env = {**ledger_env, "GAGE_CATALOG": str(tmp_path / "reconcile.json")}

    def create(amount, items, **extra):
        return sandbox.create(merchant_uid=prefix + uuid.uuid4().hex[:8], amount=amount, custom_data={"items": items},
                              **BUYER, **extra)

    seen = create(15000, TEA)
    assert verify(gage_verify, ledger_env, ref(seen))[1]["status"] == "paid"
    lost = create(15000, TEA)                                          # closed browser, webhook lost
    vbank = create(40000, BEANS, status="ready", pay_method="vbank")   # issued, nobody told the ledger
    sandbox.create(merchant_uid="someone-else-1", amount=5000)         # another sale on the same account
    result = orders(gage, ledger_env, "reconcile")
    assert result.returncode == 0, result.stderr
    assert f"{lost['imp_uid']}  {lost['merchant_uid']}  (없음) → paid  15,000원" in result.stdout
    assert f"{vbank['imp_uid']}  {vbank['merchant_uid']}  (없음) → awaiting_deposit  40,000원" in result.stdout
    assert "someone-else" not in result.stdout
    assert "2건 바뀜" in result.stdout
    sandbox.control("POST", f"/payments/{vbank['imp_uid']}/deposit")
    result = orders(gage, ledger_env, "reconcile")
    assert f"{vbank['imp_uid']}  {vbank['merchant_uid']}  awaiting_deposit → paid" in result.stdout
    assert "1건 바뀜" in result.stdout
    history = [r["channel"] for r in db(ledger_env).execute("SELECT channel FROM history WHERE imp_uid = ?", (seen["imp_uid"],)).fetchall()]
    assert history == ["callback"]  # already right: not re-judged
    paid = {r["imp_uid"] for r in db(ledger_env).execute("SELECT imp_uid FROM orders WHERE status = 'paid'").fetchall()}
    assert paid == {seen["imp_uid"], lost["imp_uid"], vbank["imp_uid"]}


def test_list_show_ship_and_json(gage, gage_verify, ledger_env, sandbox):
    payment = pay(sandbox, 40000)
    verify(gage_verify, ledger_env, ref(payment))
    listing = orders(gage, ledger_env, "list")
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert lines[0].startswith("주문 일시") and "결제완료" in listing.stdout and "40,000원" in listing.stdout
    def columns(text):  # terminal columns: Hangul takes two
        return sum(2 if "\uac00" <= ch <= "\ud7a3" else 1 for ch in text)
    header, row = lines[0], next(line for line in lines if payment["merchant_uid"] in line)
    assert columns(header[:header.index("주문번호")]) == columns(row[:row.index(payment["merchant_uid"])])
    assert columns(header[:header.index("주문자")]) == columns(row[:row.index("홍길동")])
    shipped = orders(gage, ledger_env, "ship", payment["imp_uid"], "--tracking", "6012-3456-7890")
    assert shipped.returncode == 0 and "발송 처리" in shipped.stdout
    shown = orders(gage, ledger_env, "show", payment["imp_uid"])
    assert "홍길동" in shown.stdout and "송장 6012-3456-7890" in shown.stdout and "shipped" in shown.stdout
    data = json.loads(orders(gage, ledger_env, "list", "--json", "--status", "paid").stdout)
    assert data[0]["imp_uid"] == payment["imp_uid"] and data[0]["tracking"] == "6012-3456-7890"
    assert json.loads(orders(gage, ledger_env, "list", "--json", "--status", "rejected").stdout) == []
    assert orders(gage, ledger_env, "ship", "imp_000000000000").returncode != 0


def test_csv_export_opens_with_korean_text_intact(gage, gage_verify, ledger_env, sandbox, tmp_path):
    payment = pay(sandbox, 40000, buyer_addr='서울특별시 종로구 "세종대로", 1')
    verify(gage_verify, ledger_env, ref(payment))
    target = tmp_path / "orders.csv"
    assert orders(gage, ledger_env, "export", "--csv", str(target)).returncode == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    assert rows[0]["주문자"] == "홍길동" and rows[0]["주소"] == '서울특별시 종로구 "세종대로", 1'
    assert rows[0]["상품"] == "원두 × 2" and rows[0]["금액"] == "40000"


def test_orders_are_found_by_the_order_number_buyers_see_and_times_are_korean_time(gage, gage_verify, ledger_env,
                                                                                   sandbox):
    payment = pay(sandbox, 40000)
    verify(gage_verify, ledger_env, ref(payment))
    server_in_utc = {**ledger_env, "TZ": "UTC"}   # the server's own zone must not matter
    by_number = orders(gage, server_in_utc, "show", payment["merchant_uid"])
    assert by_number.returncode == 0, by_number.stderr
    assert by_number.stdout == orders(gage, server_in_utc, "show", payment["imp_uid"]).stdout
    created = json.loads(orders(gage, ledger_env, "list", "--json").stdout)[0]["created_at"]
    moment = datetime.datetime.fromtimestamp(created, datetime.timezone.utc)
    korean = moment.astimezone(zoneinfo.ZoneInfo("Asia/Seoul")).strftime("%Y-%m-%d %H:%M") + " KST"
    assert korean in by_number.stdout and korean in orders(gage, server_in_utc, "list").stdout
    in_utc = orders(gage, server_in_utc, "show", payment["merchant_uid"], "--utc").stdout
    assert moment.strftime("%Y-%m-%d %H:%M") + " UTC" in in_utc and "KST" not in in_utc
    shipped = orders(gage, ledger_env, "ship", payment["merchant_uid"], "--tracking", "6012-3456-7890")
    assert shipped.returncode == 0 and "발송 처리" in shipped.stdout
    unknown = orders(gage, ledger_env, "show", "shop-nosuchorder")
    assert unknown.returncode != 0 and "shop-nosuchorder" in unknown.stderr and "주문" in unknown.stderr


def test_an_order_number_with_a_failed_and_a_paid_attempt_names_the_paid_one(gage, gage_verify, ledger_env, sandbox):
    failed = pay(sandbox, 40000, status="failed")
    verify(gage_verify, ledger_env, ref(failed))
    retried = pay(sandbox, 40000, merchant_uid=failed["merchant_uid"])
    verify(gage_verify, ledger_env, ref(retried))
    shown = orders(gage, ledger_env, "show", failed["merchant_uid"])
    assert shown.returncode == 0 and retried["imp_uid"] in shown.stdout and "결제완료" in shown.stdout
