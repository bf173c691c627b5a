"""Decisions that hold (SPEC §3, §4 "(changed)"): the real gage-verify against the Iamport stand-in. A paid order is
never undone by a rebuild or a later look; prices are honoured per catalog version within price_grace; virtual
accounts expire and are revoked; only the shop's channels count; partial cancels keep the order; refunds that
fail stay owed and are retried; another shop's payments are ignored; and the smaller hardening items."""
import concurrent.futures
import copy
import csv
import io
import json
import os
import sqlite3
import stat
import subprocess
import threading
import time

import pytest

from conftest import SECRET, run
from verify_helpers import BEANS, CATALOG, SHOP, TEA, order_id, pay, ref, verify


def write_catalog(env, catalog, age_seconds=0):
    """A rebuild: catalog.json rewritten, its mtime `age_seconds` in the past (when the build happened)."""
    path = env["GAGE_CATALOG"]
    with open(path, "w") as file:
        json.dump(catalog, file, ensure_ascii=False)
    moment = time.time() - age_seconds
    os.utime(path, (moment, moment))


def repriced(version, bean_price, bean_stock=10):
    catalog = copy.deepcopy(CATALOG)
    catalog["version"] = version
    catalog["products"][0]["price"] = bean_price
    catalog["products"][0]["stock"] = bean_stock
    return catalog


def row(env, imp_uid):
    connection = sqlite3.connect(env["GAGE_LEDGER"])
    connection.row_factory = sqlite3.Row
    return connection.execute("SELECT * FROM orders WHERE imp_uid = ?", (imp_uid,)).fetchone()


def gage_cancels(sandbox, imp_uid):
    return [c for c in sandbox.payment(imp_uid)["cancel_history"] if c["reason"].startswith("[gage]")]


# ------------------------------------------------------------------------------------ final decisions

def test_a_paid_order_is_never_refunded_after_the_price_rises_and_the_shop_is_rebuilt(gage_verify, env, sandbox):
    write_catalog(env, CATALOG, age_seconds=86_400)
    payment = pay(sandbox, 40000)
    assert verify(gage_verify, env, ref(payment))[1]["status"] == "paid"
    # The seller raises the price, marks the beans sold out and rebuilds: judged again today, the order would be
    # refunded (sold_out), so only the kept decision stands between the buyer and a refund.
    write_catalog(env, repriced("dearer", 25000, bean_stock=0))
    for action in ("verify", "webhook", "verify"):         # a reload of the result page, a webhook re-send
        code, reply, _ = verify(gage_verify, env, {"action": action, **ref(payment)})
        assert code == 0 and reply["status"] == "paid" and reply["amount"] == 40000
        assert reply["items"][0]["price"] == 18500
    assert sandbox.calls("/payments/cancel") == []
    assert sandbox.payment(payment["imp_uid"])["status"] == "paid"


def test_a_buyer_who_paid_the_price_shown_a_minute_before_the_change_is_paid(gage_verify, env, sandbox):
    write_catalog(env, CATALOG, age_seconds=86_400)
    verify(gage_verify, env, ref(pay(sandbox, 40000)))      # the function has served version "test"
    payment = pay(sandbox, 40000, catalog="test")           # the page priced with "test"...
    write_catalog(env, repriced("dearer", 25000), age_seconds=60)   # ...a minute before the rebuild
    code, reply, _ = verify(gage_verify, env, ref(payment))
    assert code == 0 and reply["status"] == "paid" and reply["items"][0]["price"] == 18500
    assert row(env, payment["imp_uid"])["catalog_version"] == "test"


def test_an_old_price_paid_long_after_the_change_is_refunded(gage_verify, env, sandbox):
    write_catalog(env, CATALOG, age_seconds=86_400)
    verify(gage_verify, env, ref(pay(sandbox, 40000)))
    write_catalog(env, repriced("dearer", 25000), age_seconds=3 * 3600)   # price_grace is 60 minutes
    payment = pay(sandbox, 40000, catalog="test")          # a page saved before the change, paid now
    reply = verify(gage_verify, env, ref(payment))[1]
    assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", "amount_mismatch", True)
    assert reply["expected_amount"] == 2 * 25500 + 0       # 51,000: free shipping from 50,000


def test_an_unknown_catalog_version_is_priced_with_todays_catalog(gage_verify, env, sandbox):
    payment = pay(sandbox, 100, catalog="never-served")
    reply = verify(gage_verify, env, ref(payment))[1]
    assert (reply["status"], reply["reason"]) == ("rejected", "amount_mismatch")


def test_a_slow_redirect_that_read_ready_cannot_overwrite_the_deposit(gage_verify, env, sandbox):
    account = pay(sandbox, 40000, status="ready", pay_method="vbank")
    assert verify(gage_verify, env, ref(account))[1]["status"] == "awaiting_deposit"
    sandbox.fault("slow", seconds=2, path_prefix="/payments/" + account["imp_uid"])
    slow = {}
    reader = threading.Thread(target=lambda: slow.update(reply=verify(gage_verify, env, ref(account))[1]))
    reader.start()                       # reads "ready" now, answers 2 s later
    time.sleep(0.5)
    sandbox.control("POST", f"/payments/{account['imp_uid']}/deposit")
    assert verify(gage_verify, env, {"action": "webhook", **ref(account)})[1]["status"] == "paid"
    reader.join()
    assert slow["reply"]["status"] == "paid"
    assert row(env, account["imp_uid"])["status"] == "paid"


def test_someone_who_knows_only_an_imp_uid_cannot_make_the_function_look(gage_verify, env, sandbox):
    payment = pay(sandbox, 100)
    code, reply, _ = verify(gage_verify, env, {"imp_uid": payment["imp_uid"]})
    assert code == 2 and reply == {"ok": False, "error": "merchant_uid is required"}
    assert sandbox.calls() == [] and not os.path.exists(env["GAGE_LEDGER"])


# ------------------------------------------------------------------------------------ virtual accounts

def test_an_expired_virtual_account_releases_its_stock_and_is_revoked(gage_verify, env, sandbox):
    five = [{"sku": "BEAN", "quantity": 5, "options": {"분쇄도": "홀빈"}}]          # 90,000, free shipping
    accounts = [pay(sandbox, 90000, five, status="ready", pay_method="vbank") for _ in range(2)]
    for account in accounts:
        assert verify(gage_verify, env, ref(account))[1]["status"] == "awaiting_deposit"
    card = pay(sandbox, 21000, [{"sku": "BEAN", "quantity": 1, "options": {"분쇄도": "홀빈"}}])
    assert verify(gage_verify, env, ref(card))[1]["reason"] == "sold_out"   # all 10 held by the two accounts
    for account in accounts:
        sandbox.control("POST", f"/payments/{account['imp_uid']}/age", {"seconds": 73 * 3600})
    code, reply, _ = verify(gage_verify, env, ref(accounts[0]))
    assert code == 0 and reply["status"] == "expired"
    assert sandbox.payment(accounts[0]["imp_uid"])["status"] == "cancelled"        # revoked: no deposit can land
    assert sandbox.calls("/vbanks/" + accounts[0]["imp_uid"])[0]["method"] == "DELETE"
    # The other account is past its hold too: its stock is free even before anyone looks at it.
    late = pay(sandbox, 21000, [{"sku": "BEAN", "quantity": 1, "options": {"분쇄도": "홀빈"}}])
    assert verify(gage_verify, env, ref(late))[1]["status"] == "paid"
    assert verify(gage_verify, env, ref(accounts[0]))[1]["status"] == "expired"     # and it stays expired


def test_a_due_time_asked_beyond_vbank_hours_is_capped(gage_verify, env, sandbox):
    account = pay(sandbox, 40000, status="ready", pay_method="vbank", vbank_due="20991231235959")
    assert verify(gage_verify, env, ref(account))[1]["status"] == "awaiting_deposit"
    record = sandbox.payment(account["imp_uid"])
    assert row(env, account["imp_uid"])["hold_until"] == record["vbank_issued_at"] + 72 * 3600


def test_a_deposit_into_an_account_rejected_for_its_amount_needs_a_manual_refund(gage, gage_verify, env, sandbox):
    account = pay(sandbox, 1000, status="ready", pay_method="vbank")
    reply = verify(gage_verify, env, ref(account))[1]
    assert (reply["status"], reply["refunded"]) == ("rejected", False)
    sandbox.control("POST", f"/payments/{account['imp_uid']}/deposit")
    reply = verify(gage_verify, env, {"action": "webhook", **ref(account)})[1]
    assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", "amount_mismatch", False)
    assert row(env, account["imp_uid"])["refund_state"] == "manual"
    shown = run(gage, "orders", "show", account["imp_uid"], "--ledger", env["GAGE_LEDGER"])
    assert "직접 환불" in shown.stdout and "환불 계좌" in shown.stdout
    assert "수동환불필요" in run(gage, "orders", "list", "--ledger", env["GAGE_LEDGER"]).stdout


# ------------------------------------------------------------------------------------ channels and shops

@pytest.mark.parametrize("extra", [{"pg": "kcp.A52CY"}, {"pg": "html5_inicis.INIBillTst"}, {"pay_method": "point"}],
                         ids=["another PG", "a test MID", "a pay method the shop does not offer"])
def test_a_payment_through_another_channel_is_refunded(gage_verify, env, sandbox, extra):
    payment = pay(sandbox, 40000, **extra)
    reply = verify(gage_verify, env, ref(payment))[1]
    assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", "channel_mismatch", True)


def test_another_shops_payment_with_the_same_prefix_is_ignored(gage_verify, env, sandbox):
    payment = sandbox.create(merchant_uid=order_id(), amount=5, pg="html5_inicis.INIpayTest",
                             custom_data={"items": BEANS, "shop": "othershop-999999", "catalog": "x"})
    code, reply, _ = verify(gage_verify, env, ref(payment))
    assert code == 0 and reply["status"] == "ignored"
    assert sandbox.calls("/payments/cancel") == []
    assert not os.path.exists(env["GAGE_LEDGER"]) or row(env, payment["imp_uid"]) is None


def test_the_built_shop_names_itself_in_catalog_json_and_derives_its_prefix(gage, example_shop, tmp_path):
    (example_shop / "shop.yml").write_text((example_shop / "shop.yml").read_text().replace("  order_prefix: onggi-\n", ""))
    assert run(gage, "build", "--source", example_shop, "--output", tmp_path / "out").returncode == 0
    catalog = json.loads((tmp_path / "out" / "catalog.json").read_text())
    assert catalog["shop"].startswith("onggiroast-") and catalog["order_prefix"] == catalog["shop"] + "-"
    assert catalog["payment"] == {"pg": "html5_inicis.INIpayTest", "pay_methods": ["card", "trans", "vbank", "phone"],
                                  "billing_pg": "html5_inicis.INIBillTst",
                                  "easy_pay": {"kakaopay": "kakaopay.TC0ONETIME", "naverpay": "naverpay.np_test01",
                                               "tosspay": "tosspay.tosstest"}}
    staging = tmp_path / "staging"
    assert run(gage, "build", "--source", example_shop, "--output", staging,
               "--base-url", "https://staging.example.kr/").returncode == 0
    assert json.loads((staging / "catalog.json").read_text())["shop"] != catalog["shop"]


def test_gage_check_warns_when_pg_names_no_mid(gage, example_shop):
    text = (example_shop / "shop.yml").read_text()
    (example_shop / "shop.yml").write_text(text.replace("pg: html5_inicis.INIpayTest", "pg: html5_inicis"))
    result = run(gage, "check", "--source", example_shop)
    assert result.returncode == 0
    assert "warning: shop.yml:11: iamport.pg 'html5_inicis' names no MID" in result.stderr
    assert "경고 1건" in result.stdout


# ------------------------------------------------------------------------------------ partial cancels

def test_a_partial_cancel_keeps_the_order_paid_with_its_items(gage, gage_verify, env, sandbox):
    payment = pay(sandbox, 40000)
    assert verify(gage_verify, env, ref(payment))[1]["status"] == "paid"
    sandbox.control("POST", f"/payments/{payment['imp_uid']}/cancel", {"amount": 18500, "reason": "한 봉 품절"})
    code, reply, _ = verify(gage_verify, env, {"action": "webhook", **ref(payment), "status": "cancelled"})
    assert code == 0 and reply["status"] == "paid" and reply["cancelled_amount"] == 18500
    assert reply["items"][0]["quantity"] == 2
    assert row(env, payment["imp_uid"])["cancelled_amount"] == 18500
    assert "부분취소" in run(gage, "orders", "list", "--ledger", env["GAGE_LEDGER"]).stdout
    sandbox.control("POST", f"/payments/{payment['imp_uid']}/cancel", {"reason": "전부 취소"})
    assert verify(gage_verify, env, {"action": "webhook", **ref(payment)})[1]["status"] == "cancelled"
    assert gage_cancels(sandbox, payment["imp_uid"]) == []


def test_a_payment_first_seen_partly_cancelled_is_judged_on_what_it_was_paid(gage_verify, env, sandbox):
    payment = pay(sandbox, 40000)
    sandbox.control("POST", f"/payments/{payment['imp_uid']}/cancel", {"amount": 3000})
    reply = verify(gage_verify, env, ref(payment))[1]
    assert (reply["status"], reply["cancelled_amount"]) == ("paid", 3000)


# ------------------------------------------------------------------------------------ refunds never vanish

def test_a_refund_that_fails_is_pending_visible_and_retried_by_the_next_look(gage, gage_verify, env, sandbox):
    payment = pay(sandbox, 100)
    sandbox.fault("error500", path_prefix="/payments/cancel", count=1)
    code, reply, _ = verify(gage_verify, env, ref(payment))
    assert code == 0 and (reply["status"], reply["refunded"]) == ("rejected", False)
    assert row(env, payment["imp_uid"])["refund_state"] == "pending"
    assert "환불대기" in run(gage, "orders", "list", "--ledger", env["GAGE_LEDGER"]).stdout
    exported = run(gage, "orders", "export", "--csv", "--ledger", env["GAGE_LEDGER"]).stdout
    assert list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))[1][9] == "대기"
    reply = verify(gage_verify, env, {"action": "webhook", **ref(payment)})[1]
    assert (reply["status"], reply["refunded"]) == ("rejected", True)
    assert len(gage_cancels(sandbox, payment["imp_uid"])) == 1


def test_reconcile_retries_owed_refunds_and_goes_on_past_a_failing_payment(gage, gage_verify, env, sandbox):
    owed = pay(sandbox, 100)
    sandbox.fault("error500", path_prefix="/payments/cancel", count=1)
    assert verify(gage_verify, env, ref(owed))[1]["refunded"] is False
    missed = [pay(sandbox, 15000, TEA) for _ in range(2)]            # paid, their webhooks lost
    sandbox.fault("error500", path_prefix="/payments/" + missed[0]["imp_uid"], count=1)
    result = run(gage, "orders", "reconcile", env=env)
    assert result.returncode == 1
    assert missed[0]["imp_uid"] in result.stderr and "not checked" in result.stderr
    assert row(env, missed[1]["imp_uid"])["status"] == "paid"
    assert row(env, owed["imp_uid"])["refund_state"] == "done"
    assert len(gage_cancels(sandbox, owed["imp_uid"])) == 1
    again = run(gage, "orders", "reconcile", env=env)
    assert again.returncode == 0 and row(env, missed[0]["imp_uid"])["status"] == "paid"


def test_reconcile_gives_each_payment_the_whole_time_budget(gage, env, sandbox):
    # IAMPORT_TIMEOUT is 3 s: what one verification may spend. Four slow lookups take longer than that together;
    # a run that spent one budget on all of them would leave the last payments unchecked on every run.
    missed = [pay(sandbox, 15000, TEA) for _ in range(4)]
    for payment in missed:
        sandbox.fault("slow", seconds=1, path_prefix="/payments/" + payment["imp_uid"])
    result = run(gage, "orders", "reconcile", env=env)
    assert result.returncode == 0, result.stderr
    assert [row(env, payment["imp_uid"])["status"] for payment in missed] == ["paid"] * 4


# ------------------------------------------------------------------------------------ smaller items

def test_the_token_cache_works_when_home_has_no_cache_folder(gage_verify, env, sandbox, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    fresh = {k: v for k, v in env.items() if k != "GAGE_CACHE_DIR"} | {"HOME": str(home)}
    for _ in range(2):
        code, reply, log = verify(gage_verify, fresh, ref(pay(sandbox, 40000)))
        assert code == 0 and reply["status"] == "paid" and "token cache" not in log
    assert len(sandbox.calls("/users/getToken")) == 1
    for folder in (home / ".cache", home / ".cache" / "gage"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.parametrize("planted", ["symlink", "open to others"])
def test_a_cache_folder_someone_could_have_planted_is_not_used(gage_verify, env, sandbox, tmp_path, planted):
    cache = tmp_path / "planted"
    if planted == "symlink":
        (tmp_path / "elsewhere").mkdir()
        cache.symlink_to(tmp_path / "elsewhere")
    else:
        cache.mkdir()
        cache.chmod(0o777)
        os.chown(cache, 65534, 65534) if os.geteuid() == 0 else pytest.skip("needs root to hand the folder to nobody")
    code, reply, log = verify(gage_verify, {**env, "GAGE_CACHE_DIR": str(cache)}, ref(pay(sandbox, 40000)))
    assert code == 0 and reply["status"] == "paid"
    assert log.count("token cache") == 1 and SECRET not in log
    assert os.listdir(cache) == []


def test_the_ledger_and_exports_are_readable_by_their_owner_only(gage, gage_verify, env, sandbox, tmp_path):
    payment = pay(sandbox, 40000, buyer_name="=HYPERLINK(\"http://evil.example\",\"클릭\")")
    assert verify(gage_verify, env, ref(payment))[1]["status"] == "paid"
    for suffix in ("", "-wal", "-shm"):
        path = env["GAGE_LEDGER"] + suffix
        if os.path.exists(path):
            assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0, path
    export = tmp_path / "orders.csv"
    assert run(gage, "orders", "export", "--csv", export, "--ledger", env["GAGE_LEDGER"]).returncode == 0
    assert stat.S_IMODE(export.stat().st_mode) == 0o600
    rows = list(csv.reader(io.StringIO(export.read_text(encoding="utf-8-sig"))))
    buyer = rows[1][rows[0].index("주문자")]
    assert buyer.startswith("'=HYPERLINK(")


def test_a_world_readable_ledger_from_before_is_made_private(gage_verify, env, sandbox):
    open(env["GAGE_LEDGER"], "w").close()
    os.chmod(env["GAGE_LEDGER"], 0o644)
    assert verify(gage_verify, env, ref(pay(sandbox, 40000)))[1]["status"] == "paid"
    assert stat.S_IMODE(os.stat(env["GAGE_LEDGER"]).st_mode) == 0o600


def test_plain_http_api_url_is_refused_unless_loopback(gage_verify, env, sandbox):
    code, reply, log = verify(gage_verify, {**env, "IAMPORT_API_URL": "http://api.iamport.kr"},
                              {"imp_uid": "imp_1", "merchant_uid": "shop-x"})
    assert code == 3 and "https" in log and sandbox.calls() == []


def test_provider_failure_bodies_carry_no_upstream_text(gage_verify, env, sandbox):
    payment = pay(sandbox, 40000)
    sandbox.fault("error500", path_prefix="/payments/imp_", count=3)
    code, reply, log = verify(gage_verify, env, ref(payment))
    assert code == 4
    assert reply == {"ok": False, "error": "the Iamport API failed or timed out; nothing was decided, try again"}
    assert "HTTP 500" in log


def test_a_cgi_post_without_content_length_is_read_to_its_end(gage_verify, env, sandbox):
    payment = pay(sandbox, 40000)
    cgi = {**env, "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "POST", "PATH_INFO": "/verify",
           "CONTENT_TYPE": "application/json"}
    result = subprocess.run([str(gage_verify)], input=json.dumps(ref(payment)).encode(), env=cgi, capture_output=True)
    head, _, body = result.stdout.decode().partition("\r\n\r\n")
    assert head.startswith("Status: 200") and json.loads(body)["status"] == "paid"
    huge = subprocess.run([str(gage_verify)], input=b"{" + b" " * (70 * 1024) + b"}", env=cgi, capture_output=True)
    assert huge.stdout.decode().startswith("Status: 413")


def test_concurrent_looks_at_one_deposit_tell_one_story(gage_verify, env, sandbox):
    account = pay(sandbox, 40000, status="ready", pay_method="vbank")
    verify(gage_verify, env, ref(account))
    sandbox.control("POST", f"/payments/{account['imp_uid']}/deposit")
    jobs = [{"action": action, **ref(account)} for action in ("verify", "webhook") * 8]
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        replies = [reply for _, reply, _ in pool.map(lambda body: verify(gage_verify, env, body), jobs)]
    assert {reply["status"] for reply in replies} == {"paid"}
    assert row(env, account["imp_uid"])["status"] == "paid"
