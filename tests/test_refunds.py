"""Giving money back (SPEC §10): `gage orders refund` through both providers' stand-ins — in full, by line with
options, less a deduction, an exact amount; never more than is left; a deposited virtual account's bank account;
a refund the provider refuses; an answer lost after the cancel was made; two sellers at once; a run killed
mid-call — each ending with one cancellation at the provider and one consistent record. The buyer's 주문 취소 and
반품 요청 through `/order` with the lookup's proof and limits; exchanges; 환불 안내 by real SMTP."""
import concurrent.futures
import json
import os
import signal
import sqlite3
import subprocess
import time

import jsonschema
import pytest
from portone_server_sdk import PortOneClient

from conftest import run
from test_notifications import ChatReceiver, MailServer, chat, text_of  # noqa: F401 (chat: a fixture)
from test_portone_v2 import (BUYER as V2_BUYER, V2_SECRET, VBANK_CHANNEL, deliver, openapi, v2_catalog,  # noqa: F401
                             v2_env)
from verify_helpers import BEANS, BUYER, CATALOG, TEA, pay, ref, verify

BEANS_AND_TEA = BEANS + TEA            # 2 × 18,500 + 12,000 = 49,000 + 3,000 shipping = 52,000


class World:
    """One provider's stand-in and the verify function's environment for it: pays orders the way the shop's page
    does, reads the provider's own record, arms faults on its cancel call."""

    def __init__(self, kind, env, sandbox, gage, gage_verify):
        self.kind, self.env, self.sandbox, self.gage, self.gage_verify = kind, env, sandbox, gage, gage_verify

    def paid(self, amount=40000, items=BEANS, vbank=False):
        if self.kind == "v1":
            payment = pay(self.sandbox, amount, items, **({"pay_method": "vbank"} if vbank else {}))
            body, order_id = ref(payment), payment["imp_uid"]
        else:
            payment = self.sandbox.pay(amount, items, **({"method": "VIRTUAL_ACCOUNT", "channel": VBANK_CHANNEL}
                                                          if vbank else {}))
            body, order_id = {"payment_id": payment["id"]}, payment["id"]
        self.payment = payment
        code, reply, stderr = verify(self.gage_verify, self.env, body)
        assert code == 0 and reply["status"] == "paid", (reply, stderr)
        return order_id

    def vbank_issued(self, amount=40000):
        if self.kind == "v1":
            payment = pay(self.sandbox, amount, status="ready", pay_method="vbank")
            body, order_id = ref(payment), payment["imp_uid"]
        else:
            payment = self.sandbox.pay(amount, status="VIRTUAL_ACCOUNT_ISSUED", method="VIRTUAL_ACCOUNT",
                                       channel=VBANK_CHANNEL, vbank_due=int(time.time()) + 86400)
            body, order_id = {"payment_id": payment["id"]}, payment["id"]
        code, reply, _ = verify(self.gage_verify, self.env, body)
        assert reply["status"] == "awaiting_deposit", reply
        return order_id

    def webhook(self, order_id, kind="Transaction.Cancelled"):
        """The provider's notification of the payment (V2: signed the Standard Webhooks way, through CGI)."""
        if self.kind == "v2":
            status, reply, stderr = deliver(self.env, self.sandbox.delivery(order_id, kind))
            return (0 if status == 200 else status), reply, stderr
        body = {"imp_uid": order_id, "merchant_uid": self.merchant(order_id)}
        return verify(self.gage_verify, self.env, {"action": "webhook", **body})

    def merchant(self, order_id):
        return self.row(order_id)["merchant_uid"]

    def provider_cancelled(self, order_id):
        """What the provider itself has cancelled of the payment, and how many cancels it made."""
        if self.kind == "v1":
            record = self.sandbox.payment(order_id)
            return record["cancel_amount"], len(record["cancel_history"])
        record = self.sandbox.payment(order_id)
        return record["amount"]["cancelled"], len([c for c in record.get("cancellations", []) if c["totalAmount"] > 0])

    def provider_status(self, order_id):
        record = self.sandbox.payment(order_id)
        return record["status"]

    def cancel_path(self, order_id):
        return "/payments/cancel" if self.kind == "v1" else f"/payments/{order_id}/cancel"

    def cancel_calls(self, order_id):
        path = self.cancel_path(order_id)
        calls = self.sandbox.calls() if self.kind == "v2" else self.sandbox.calls(path)
        return [json.loads(c["body"]) for c in calls if c["path"] == path]

    def checksum(self, body):
        return body["checksum"] if self.kind == "v1" else body["currentCancellableAmount"]

    def fault(self, order_id, kind, **extra):
        self.sandbox.control("POST", "/faults", {"kind": kind, "path_prefix": self.cancel_path(order_id), **extra})

    def refund(self, order_id, *args, timeout=60):
        return run(self.gage, "orders", "refund", order_id, *args, "--ledger", self.env["GAGE_LEDGER"],
                   env=self.env, timeout=timeout, stdin=subprocess.DEVNULL)

    def refund_json(self, order_id, *args):
        result = self.refund(order_id, *args, "--yes", "--json")
        return result.returncode, json.loads(result.stdout) if result.stdout.strip() else None, result.stderr

    def orders(self, *args):
        return run(self.gage, "orders", *args, "--ledger", self.env["GAGE_LEDGER"], env=self.env, timeout=60)

    def db(self):
        connection = sqlite3.connect(self.env["GAGE_LEDGER"])
        connection.row_factory = sqlite3.Row
        return connection

    def row(self, order_id):
        with self.db() as db:
            return dict(db.execute("SELECT * FROM orders WHERE imp_uid = ?", (order_id,)).fetchone())

    def refunds(self, order_id):
        with self.db() as db:
            return [dict(r) for r in db.execute("SELECT * FROM refunds WHERE imp_uid = ? ORDER BY id", (order_id,))]

    def history(self, order_id):
        with self.db() as db:
            return [dict(r) for r in db.execute("SELECT * FROM history WHERE imp_uid = ? ORDER BY id", (order_id,))]

    def lookup(self, order_id, phone, **action):
        number = order_id if self.kind == "v2" else self.merchant(order_id)
        return verify(self.gage_verify, self.env, {"action": "order", "order": number, "phone": phone, **action})


@pytest.fixture(params=["v1", "v2"])
def world(request, tmp_path, gage, gage_verify):
    if request.param == "v1":
        sandbox = request.getfixturevalue("sandbox")
        env = request.getfixturevalue("env")
    else:
        sandbox = request.getfixturevalue("v2_server")
        env = request.getfixturevalue("v2_env")
    return World(request.param, env, sandbox, gage, gage_verify)


PHONE = {"v1": BUYER["buyer_tel"], "v2": V2_BUYER["phone"]}


# ----------------------------------------------------------------------------------------------- the seller

def test_a_full_refund_cancels_everything_left_and_the_order_is_cancelled(world):
    order_id = world.paid(40000)
    code, answer, stderr = world.refund_json(order_id, "--reason", "고객 변심")
    assert code == 0, stderr
    assert answer["state"] == "done" and answer["amount"] == 40000 and answer["order_status"] == "cancelled"
    assert world.provider_cancelled(order_id) == (40000, 1)
    [call] = world.cancel_calls(order_id)
    assert call["amount"] == 40000 and world.checksum(call) == 40000 and call["reason"] == "고객 변심"
    row = world.row(order_id)
    assert row["status"] == "cancelled" and row["cancelled_amount"] == 40000
    [refund] = world.refunds(order_id)
    assert refund["state"] == "done" and refund["cancelled_before"] == 0 and refund["requested_by"].startswith("seller:")
    assert json.loads(refund["lines_json"])[0]["quantity"] == 2
    refunded = [e for e in world.history(order_id) if e["decision"] == "refunded"]
    assert len(refunded) == 1 and "고객 변심" in refunded[0]["reason"] and refunded[0]["amount"] == 40000


def test_a_refund_by_line_takes_the_unit_price_with_its_options(world):
    order_id = world.paid(52000, BEANS_AND_TEA)
    code, answer, stderr = world.refund_json(order_id, "--item", "BEAN:1", "--reason", "파손")
    assert code == 0, stderr
    assert answer["amount"] == 18500 and answer["order_status"] == "paid"      # 18,000 + 500 for 에스프레소용
    assert answer["lines"] == [{"sku": "BEAN", "title": "원두", "options": {"분쇄도": "에스프레소용"}, "quantity": 1,
                                "unit_price": 18500}]
    assert world.provider_cancelled(order_id) == (18500, 1)
    assert world.checksum(world.cancel_calls(order_id)[0]) == 52000
    row = world.row(order_id)
    assert row["status"] == "paid" and row["cancelled_amount"] == 18500
    # The second refund of the same line takes what is left of it, checksummed against what is left now.
    code, answer, _ = world.refund_json(order_id, "--item", "BEAN", "--reason", "파손 (두 번째)")
    assert code == 0 and answer["amount"] == 18500
    assert world.checksum(world.cancel_calls(order_id)[1]) == 52000 - 18500
    code, answer, _ = world.refund_json(order_id, "--item", "BEAN:1", "--reason", "again")
    assert code == 1 and "no line BEAN" in answer["error"]
    assert world.provider_cancelled(order_id) == (37000, 2)


def test_a_deduction_keeps_the_return_shipping_and_an_amount_is_exact(world):
    order_id = world.paid(52000, BEANS_AND_TEA)
    code, answer, _ = world.refund_json(order_id, "--item", "BEAN:2", "--deduct", "3000", "--reason", "반품")
    assert code == 0 and answer["amount"] == 34000 and answer["deducted"] == 3000
    code, answer, _ = world.refund_json(order_id, "--amount", "5000", "--reason", "부분 환불")
    assert code == 0 and answer["amount"] == 5000 and answer["lines"] == []
    assert world.provider_cancelled(order_id) == (39000, 2)
    assert world.row(order_id)["cancelled_amount"] == 39000


def test_more_than_is_left_is_refused_without_asking_the_provider(world):
    order_id = world.paid(40000)
    code, answer, stderr = world.refund_json(order_id, "--amount", "40001", "--reason", "x")
    assert code == 1 and answer["ok"] is False and "more than is left" in answer["error"]
    code, _, _ = world.refund_json(order_id, "--item", "BEAN:3", "--reason", "x")
    assert code == 1
    said = world.refund(order_id, "--amount", "40001", "--reason", "x", "--yes")    # a ko shop reads it in Korean
    assert said.returncode == 1 and "40,001원은 환불할 수 있는 금액(40,000원)보다 많습니다" in said.stderr
    assert world.cancel_calls(order_id) == [] and world.refunds(order_id) == []
    assert world.provider_cancelled(order_id) == (0, 0)


def test_without_a_terminal_the_refund_needs_yes(world):
    order_id = world.paid(40000)
    result = world.refund(order_id, "--reason", "x")
    assert result.returncode != 0 and "--yes" in result.stderr
    assert world.cancel_calls(order_id) == []


def test_a_deposited_virtual_account_needs_the_buyers_bank_account(world):
    order_id = world.paid(40000, vbank=True)
    code, answer, _ = world.refund_json(order_id, "--reason", "품절")
    assert code == 1 and "--refund-account" in answer["error"]
    assert world.cancel_calls(order_id) == []
    code, answer, stderr = world.refund_json(order_id, "--reason", "품절", "--refund-account", "004:123-456-78901:홍길동")
    assert code == 0 and answer["state"] == "done", stderr
    [call] = world.cancel_calls(order_id)
    if world.kind == "v1":
        assert (call["refund_bank"], call["refund_account"], call["refund_holder"]) == ("004", "12345678901", "홍길동")
    else:
        assert call["refundAccount"] == {"bank": "KOOKMIN", "number": "12345678901", "holderName": "홍길동"}
    assert world.provider_cancelled(order_id) == (40000, 1)


def test_the_buyers_bank_account_is_forgotten_once_the_refund_is_made_or_refused(world):
    """The account is needed only while the refund is in flight (a later run may have to send it again): once
    the refund is made or refused, no copy of the buyer's bank account stays in the ledger."""
    order_id = world.paid(40000, vbank=True)
    world.fault(order_id, "refused")
    code, answer, _ = world.refund_json(order_id, "--amount", "10000", "--reason", "품절",
                                        "--refund-account", "004:123-456-78901:홍길동")
    assert code == 1 and world.provider_cancelled(order_id) == (0, 0)
    code, answer, stderr = world.refund_json(order_id, "--reason", "품절", "--refund-account", "004:98765432101:김철수")
    assert code == 0 and answer["state"] == "done", stderr
    assert [r["state"] for r in world.refunds(order_id)] == ["failed", "done"]
    assert [r["refund_account_json"] for r in world.refunds(order_id)] == [None, None]
    with world.db() as db:
        dump = "\n".join(db.iterdump())
    for private in ("12345678901", "98765432101", "김철수"):
        assert private not in dump


def test_an_account_number_in_other_digits_than_ascii_is_refused_without_asking_the_provider(world):
    order_id = world.paid(40000, vbank=True)
    code, answer, _ = world.refund_json(order_id, "--reason", "품절", "--refund-account", "004:１２３４５６７８９０１:홍길동")
    assert code != 0 and world.cancel_calls(order_id) == []
    assert world.provider_cancelled(order_id) == (0, 0)


def test_a_refund_the_provider_refuses_is_shown_and_nothing_is_recorded_as_refunded(world):
    order_id = world.paid(40000)
    world.fault(order_id, "refused")
    code, answer, _ = world.refund_json(order_id, "--reason", "x")
    assert code == 1 and "refused" in answer["error"]
    assert world.provider_cancelled(order_id) == (0, 0)
    row = world.row(order_id)
    assert row["status"] == "paid" and row["cancelled_amount"] == 0
    [refund] = world.refunds(order_id)
    assert refund["state"] == "failed" and refund["note"]
    assert "거절됨" in world.orders("show", order_id).stdout
    code, answer, _ = world.refund_json(order_id, "--reason", "x")        # tried again, it goes through once
    assert code == 0 and world.provider_cancelled(order_id) == (40000, 1)


def test_a_cancel_made_whose_answer_was_lost_is_recorded_once_from_the_providers_record(world):
    order_id = world.paid(40000)
    world.fault(order_id, "lost")
    code, answer, stderr = world.refund_json(order_id, "--amount", "10000", "--reason", "x")
    assert code == 0 and answer["state"] == "done", stderr
    assert world.provider_cancelled(order_id) == (10000, 1)
    assert world.row(order_id)["cancelled_amount"] == 10000
    assert len(world.cancel_calls(order_id)) == 1


def test_a_refund_whose_outcome_is_unknown_is_completed_by_the_next_run_not_made_twice(world):
    order_id = world.paid(40000)
    world.fault(order_id, "error500")                                # the provider never made it, and never said
    code, answer, _ = world.refund_json(order_id, "--amount", "10000", "--reason", "x")
    assert code == 3 and answer["pending"] is True
    assert world.refunds(order_id)[0]["state"] == "intended"
    assert "결과 확인 중" in world.orders("show", order_id).stdout
    # The next run completes the refund in flight (with the checksum of its own time) and makes no new one.
    code, answer, _ = world.refund_json(order_id, "--amount", "20000", "--reason", "y")
    assert code == 0 and answer["completed_earlier"] is True and answer["amount"] == 10000
    assert world.provider_cancelled(order_id) == (10000, 1)
    assert [r["state"] for r in world.refunds(order_id)] == ["done"]
    assert world.row(order_id)["cancelled_amount"] == 10000


def test_running_a_refund_again_after_a_later_look_completed_it_does_not_refund_twice(world):
    """The review's reproduction: a refund whose answer was lost exits 3, a webhook or reconcile completes it from
    the provider's record, and the seller (or a script retrying on exit 3) runs the same command again. The same
    refund within a day is refused with no provider call; --again makes a second one on purpose."""
    order_id = world.paid(40000)
    world.fault(order_id, "error500")
    code, answer, _ = world.refund_json(order_id, "--amount", "15000", "--reason", "유실")
    assert code == 3 and answer["pending"] is True
    assert world.orders("reconcile").returncode == 0
    assert world.provider_cancelled(order_id) == (15000, 1)
    code, answer, _ = world.refund_json(order_id, "--amount", "15000", "--reason", "유실")
    assert code != 0 and "already made" in answer["error"], answer
    assert world.provider_cancelled(order_id) == (15000, 1)
    assert [r["state"] for r in world.refunds(order_id)] == ["done"]
    # Another amount or reason is another refund; the same one with --again is made on purpose.
    code, answer, _ = world.refund_json(order_id, "--amount", "15000", "--reason", "유실", "--again")
    assert code == 0, answer
    assert world.provider_cancelled(order_id) == (30000, 2)


def test_an_intent_whose_call_never_landed_is_made_once_by_reconciles_and_webhooks_at_once(world):
    order_id = world.paid(40000)
    world.fault(order_id, "error500")                                # the provider never made it, and never said
    code, answer, _ = world.refund_json(order_id, "--amount", "15000", "--reason", "유실")
    assert code == 3 and world.provider_cancelled(order_id) == (0, 0)
    with concurrent.futures.ThreadPoolExecutor(max_workers=5) as pool:
        jobs = [pool.submit(world.orders, "reconcile"), pool.submit(world.webhook, order_id, "Transaction.PartialCancelled"),
                pool.submit(world.orders, "reconcile"), pool.submit(world.webhook, order_id, "Transaction.PartialCancelled"),
                pool.submit(world.orders, "reconcile")]
        [job.result() for job in jobs]
    assert world.provider_cancelled(order_id) == (15000, 1)
    assert [r["state"] for r in world.refunds(order_id)] == ["done"]
    row = world.row(order_id)
    assert row["status"] == "paid" and row["cancelled_amount"] == 15000
    assert [e["decision"] for e in world.history(order_id)].count("refunded") == 1


def test_two_sellers_refunding_at_once_refund_once(world):
    order_id = world.paid(40000)
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _: world.refund_json(order_id, "--reason", "동시"), range(3)))
    assert world.provider_cancelled(order_id) == (40000, 1)
    assert [r["state"] for r in world.refunds(order_id)] == ["done"]
    assert sum(1 for code, answer, _ in results if code == 0 and not answer.get("completed_earlier")) == 1
    row = world.row(order_id)
    assert row["status"] == "cancelled" and row["cancelled_amount"] == 40000


def start_refund_and_kill_it_mid_call(world, order_id, *args):
    """Starts a refund whose cancel the provider makes at once but answers 4 s late, and kills it with SIGKILL as
    soon as its intent is in the ledger."""
    world.fault(order_id, "slow", seconds=4)
    process = subprocess.Popen([str(world.gage), "orders", "refund", order_id, *args, "--yes", "--ledger",
                                world.env["GAGE_LEDGER"]], env=world.env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            if world.refunds(order_id):
                break
        except sqlite3.OperationalError:
            pass
        time.sleep(0.05)
    time.sleep(0.3)                                                  # the call is on its way
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert [r["state"] for r in world.refunds(order_id)] == ["intended"]


def test_a_run_killed_mid_call_is_completed_by_reconcile(world):
    order_id = world.paid(40000)
    start_refund_and_kill_it_mid_call(world, order_id, "--amount", "15000", "--reason", "kill")
    time.sleep(0.5)
    assert world.provider_cancelled(order_id) == (15000, 1)
    assert world.row(order_id)["cancelled_amount"] == 0            # the ledger does not know yet
    result = world.orders("reconcile")
    assert result.returncode == 0, result.stderr
    assert [r["state"] for r in world.refunds(order_id)] == ["done"]
    assert world.row(order_id)["cancelled_amount"] == 15000
    assert world.provider_cancelled(order_id) == (15000, 1)


def test_a_webhook_for_the_cancel_racing_a_killed_run_completes_it_once(world):
    order_id = world.paid(40000)
    start_refund_and_kill_it_mid_call(world, order_id, "--reason", "kill")
    time.sleep(0.5)
    code, reply, _ = world.webhook(order_id)
    assert code == 0 and reply["status"] == "cancelled"
    assert [r["state"] for r in world.refunds(order_id)] == ["done"]
    code, reply, _ = world.webhook(order_id)                          # and again: nothing more
    assert world.provider_cancelled(order_id) == (40000, 1)
    assert [e["decision"] for e in world.history(order_id)].count("refunded") == 1


def test_a_webhook_racing_a_running_refund_records_it_once(world):
    order_id = world.paid(40000)
    world.fault(order_id, "slow", seconds=2)                        # made at once, answered late
    process = subprocess.Popen([str(world.gage), "orders", "refund", order_id, "--amount", "12000", "--reason", "경합",
                                "--yes", "--json", "--ledger", world.env["GAGE_LEDGER"]], env=world.env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 20
    while not world.refunds(order_id) and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    code, reply, _ = world.webhook(order_id, "Transaction.PartialCancelled")
    assert code == 0 and reply["status"] == "paid" and reply["cancelled_amount"] == 12000
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert json.loads(out)["state"] == "done"
    assert world.provider_cancelled(order_id) == (12000, 1)
    assert [r["state"] for r in world.refunds(order_id)] == ["done"]
    assert [e["decision"] for e in world.history(order_id)].count("refunded") == 1
    assert world.row(order_id)["cancelled_amount"] == 12000


def test_refunds_are_shown_in_show_list_json_and_the_export(world):
    order_id = world.paid(52000, BEANS_AND_TEA)
    world.refund_json(order_id, "--item", "TEA", "--reason", "품절")
    show = world.orders("show", order_id).stdout
    assert "환불 #1" in show and "12,000원 완료" in show and "TEA×1" in show and "품절" in show
    listing = world.orders("list").stdout
    assert "환불 1건" in listing
    [order] = json.loads(world.orders("list", "--json").stdout)
    assert order["refunds"][0]["amount"] == 12000 and order["refunds"][0]["lines"][0]["sku"] == "TEA"
    export = world.orders("export", "--csv").stdout
    assert "TEA×1" in export and "12,000원" in export


# ----------------------------------------------------------------------------------------------- stock

def stock_catalog(env, stock):
    catalog = json.loads(open(env["GAGE_CATALOG"]).read())
    catalog["products"].append({"sku": "LAST", "title": "한정판", "price": 10000, "url": "", "stock": stock,
                                "max_quantity": None, "options": []})
    catalog["shipping"] = {"fee": 0, "free_over": None}
    with open(env["GAGE_CATALOG"], "w") as file:
        json.dump(catalog, file, ensure_ascii=False)


@pytest.mark.parametrize("keep", [False, True])
def test_refunded_units_go_back_to_stock_unless_kept(world, keep):
    stock_catalog(world.env, 2)
    first = world.paid(20000, [{"sku": "LAST", "quantity": 2}])
    args = ["--item", "LAST:1", "--reason", "반품"] + (["--keep-stock"] if keep else [])
    code, _, stderr = world.refund_json(first, *args)
    assert code == 0, stderr
    if world.kind == "v1":
        payment = pay(world.sandbox, 10000, [{"sku": "LAST", "quantity": 1}])
        code, reply, _ = verify(world.gage_verify, world.env, ref(payment))
    else:
        payment = world.sandbox.pay(10000, [{"sku": "LAST", "quantity": 1}])
        code, reply, _ = verify(world.gage_verify, world.env, {"payment_id": payment["id"]})
    assert reply["status"] == ("rejected" if keep else "paid"), reply
    if keep:
        assert reply["reason"] == "sold_out"


def test_a_full_refund_with_keep_stock_keeps_the_units_out_of_stock(world):
    stock_catalog(world.env, 1)
    first = world.paid(10000, [{"sku": "LAST", "quantity": 1}])
    code, answer, _ = world.refund_json(first, "--keep-stock", "--reason", "파손")
    assert code == 0 and answer["order_status"] == "cancelled"
    if world.kind == "v1":
        code, reply, _ = verify(world.gage_verify, world.env, ref(pay(world.sandbox, 10000, [{"sku": "LAST", "quantity": 1}])))
    else:
        payment = world.sandbox.pay(10000, [{"sku": "LAST", "quantity": 1}])
        code, reply, _ = verify(world.gage_verify, world.env, {"payment_id": payment["id"]})
    assert reply["status"] == "rejected" and reply["reason"] == "sold_out"


# ----------------------------------------------------------------------------------------------- the buyer

def test_the_buyer_cancels_before_shipping_and_gets_everything_back(world):
    order_id = world.paid(40000)
    code, reply, _ = world.lookup(order_id, PHONE[world.kind])
    assert reply["order"]["can_cancel"] is True and reply["order"]["can_return"] is False
    code, reply, stderr = world.lookup(order_id, PHONE[world.kind], cancel=True, reason="마음이 바뀌었어요")
    assert code == 0 and reply["action"] == {"kind": "cancel", "result": "refunded", "amount": 40000}, stderr
    assert reply["order"]["status"] == "cancelled" and reply["order"]["can_cancel"] is False
    assert world.provider_cancelled(order_id) == (40000, 1)
    [refund] = world.refunds(order_id)
    assert refund["requested_by"] == "buyer" and "마음이 바뀌었어요" in refund["reason"]
    code, reply, _ = world.lookup(order_id, PHONE[world.kind], cancel=True)     # a second tap changes nothing
    assert code == 0 and reply["action"]["result"] == "refunded"
    assert world.provider_cancelled(order_id) == (40000, 1)
    for private in ("홍길동", "gildong@example.kr"):
        assert private not in json.dumps(reply, ensure_ascii=False)


def test_after_shipping_the_buyer_asks_for_a_return_and_the_seller_decides(world):
    order_id = world.paid(40000)
    assert world.orders("ship", order_id, "--carrier", "cj", "--tracking", "123456789012").returncode == 0
    code, reply, _ = world.lookup(order_id, PHONE[world.kind], cancel=True)
    assert code == 2 and reply["ok"] is False and reply["reason"] == "already_shipped"     # 409 over CGI
    code, reply, _ = world.lookup(order_id, PHONE[world.kind], **{"return": True, "reason": "사이즈가 안 맞아요"})
    assert reply["action"] == {"kind": "return", "result": "requested"} and reply["order"]["open_request"] == "return"
    assert world.provider_cancelled(order_id) == (0, 0)                          # no money moves
    requests = world.orders("list", "--requests").stdout
    assert world.merchant(order_id) in requests and "사이즈가 안 맞아요" in requests
    assert world.orders("decline", order_id, "--reason", "개봉한 상품은 반품할 수 없습니다").returncode == 0
    assert "열린 반품·취소 요청이 없습니다" in world.orders("list", "--requests").stdout
    # Asked again, then refunded by the seller: the request closes as refunded.
    world.lookup(order_id, PHONE[world.kind], **{"return": True})
    code, answer, _ = world.refund_json(order_id, "--deduct", "3000", "--reason", "반품 승인")
    assert code == 0 and answer["amount"] == 37000
    assert "열린 반품·취소 요청이 없습니다" in world.orders("list", "--requests").stdout


def test_the_buyer_cancels_an_account_not_yet_deposited_and_it_is_closed(world):
    order_id = world.vbank_issued(40000)
    code, reply, stderr = world.lookup(order_id, PHONE[world.kind], cancel=True)
    assert code == 0 and reply["action"] == {"kind": "cancel", "result": "closed"}, (reply, stderr)
    assert reply["order"]["status"] == "cancelled"
    assert world.provider_status(order_id) == ("cancelled" if world.kind == "v1" else "CANCELLED")
    assert world.cancel_calls(order_id) == []


def test_a_deposited_account_cancel_becomes_a_request(world):
    order_id = world.paid(40000, vbank=True)
    code, reply, _ = world.lookup(order_id, PHONE[world.kind], cancel=True)
    assert reply["action"] == {"kind": "cancel", "result": "requested"}
    assert world.cancel_calls(order_id) == []
    assert world.merchant(order_id) in world.orders("list", "--requests").stdout


def test_a_buyer_cancel_the_provider_refuses_becomes_a_request_for_the_seller(world):
    order_id = world.paid(40000)
    world.fault(order_id, "refused")
    code, reply, _ = world.lookup(order_id, PHONE[world.kind], cancel=True)
    assert code == 0 and reply["action"] == {"kind": "cancel", "result": "requested"}
    assert world.provider_cancelled(order_id) == (0, 0) and world.row(order_id)["status"] == "paid"
    assert [r["state"] for r in world.refunds(order_id)] == ["failed"]
    assert world.merchant(order_id) in world.orders("list", "--requests").stdout


def test_a_wrong_phone_changes_nothing_and_counts_toward_the_limit(world):
    order_id = world.paid(40000)
    for _ in range(5):
        code, reply, _ = world.lookup(order_id, "010-9999-0000", cancel=True)
        assert reply["ok"] is False and "no order matches" in reply["error"]
    code, reply, _ = world.lookup(order_id, PHONE[world.kind], cancel=True)     # the right phone, too late
    assert reply["ok"] is False and "too many" in reply["error"]
    assert world.cancel_calls(order_id) == [] and world.row(order_id)["status"] == "paid"


def test_wrong_phones_tried_at_once_count_toward_the_limit_one_by_one(world):
    """Guesses sent all at once are judged one after the other: no more than the limit are ever checked."""
    order_id = world.paid(40000)
    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        replies = list(pool.map(lambda n: world.lookup(order_id, f"010-9999-{n:04d}", cancel=True)[1], range(24)))
    checked = [r for r in replies if "no order matches" in r.get("error", "")]
    refused = [r for r in replies if "too many" in r.get("error", "")]
    assert len(checked) == 5 and len(refused) == 19, [r.get("error") for r in replies]
    with world.db() as db:
        assert db.execute("SELECT COUNT(*) FROM lookup_failures").fetchone()[0] == 5
    assert world.cancel_calls(order_id) == [] and world.row(order_id)["status"] == "paid"


def test_a_buyer_tapping_cancel_many_times_at_once_is_refunded_once(world):
    order_id = world.paid(40000)
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        replies = list(pool.map(lambda _: world.lookup(order_id, PHONE[world.kind], cancel=True), range(6)))
    assert world.provider_cancelled(order_id) == (40000, 1)
    # Every tap is told the order is (being) refunded, none that it "changed".
    assert all(reply["ok"] and reply["action"]["result"] in ("refunded", "pending") for _, reply, _ in replies), replies
    world.orders("reconcile")
    assert world.provider_cancelled(order_id) == (40000, 1)
    assert [r["state"] for r in world.refunds(order_id) if r["state"] != "failed"] == ["done"]
    row = world.row(order_id)
    assert row["status"] == "cancelled" and row["cancelled_amount"] == 40000


# ----------------------------------------------------------------------------------------------- mail, exchanges

@pytest.fixture()
def mail(tmp_path):
    server = MailServer(tmp_path / "mail").start()
    yield server
    server.stop()


def test_the_buyer_is_mailed_what_was_refunded_and_when_it_arrives(world, mail):
    world.env.update({"GAGE_SMTP_URL": f"smtp://127.0.0.1:{mail.port}", "GAGE_MAIL_FROM": "온기 <shop@onggi.example>",
                      "GAGE_SELLER_EMAIL": "seller@onggi.example"})
    order_id = world.paid(52000, BEANS_AND_TEA)
    code, _, stderr = world.refund_json(order_id, "--item", "BEAN:1", "--deduct", "2500", "--reason", "파손")
    assert code == 0, stderr
    buyer = "gildong@example.kr"
    [notice] = [m for m in mail.to(buyer) if "환불 안내" in m["Subject"]]
    text = text_of(notice)
    assert "16,000원" in text and "원두 (분쇄도: 에스프레소용) × 1" in text and "2,500원" in text
    assert "3~7일" in text and "파손" in text
    # An exchange's parcel is recorded beside the first and mailed with its tracking link; no money moves.
    assert world.orders("ship", order_id, "--carrier", "cj", "--tracking", "111122223333").returncode == 0
    result = world.orders("ship", order_id, "--exchange", "--carrier", "hanjin", "--tracking", "444455556666")
    assert result.returncode == 0, result.stderr
    [exchange] = [m for m in mail.to(buyer) if "교환" in m["Subject"]]
    assert "444455556666" in text_of(exchange)
    assert "교환 발송" in world.orders("show", order_id).stdout
    assert world.provider_cancelled(order_id) == (16000, 1)


def test_a_return_request_tells_the_seller_by_mail_and_chat(world, mail, chat):  # noqa: F811
    world.env.update({"GAGE_SMTP_URL": f"smtp://127.0.0.1:{mail.port}", "GAGE_MAIL_FROM": "온기 <shop@onggi.example>",
                      "GAGE_SELLER_EMAIL": "seller@onggi.example", "GAGE_NOTIFY_WEBHOOK": chat})
    order_id = world.paid(40000)
    world.orders("ship", order_id, "--carrier", "cj", "--tracking", "123456789012")
    world.lookup(order_id, PHONE[world.kind], **{"return": True, "reason": "색이 달라요"})
    world.orders("notify")
    [request] = [m for m in mail.to("seller@onggi.example") if "반품 요청" in m["Subject"]]
    assert "색이 달라요" in text_of(request) and "gage orders refund" in text_of(request)
    [line] = [body["text"] for _, body in ChatReceiver.posts if "반품 요청" in body["text"]]
    assert world.merchant(order_id) in line and "색이 달라요" not in line      # the buyer's words stay out of chat
    world.orders("decline", order_id, "--reason", "단순 변심 반품 기간이 지났습니다")
    [declined] = [m for m in mail.to("gildong@example.kr") if "요청하신 건" in m["Subject"]]
    assert "단순 변심 반품 기간이 지났습니다" in text_of(declined)


# ----------------------------------------------------------------------------------------------- the V2 stand-in

def test_partial_cancels_match_the_official_v2_schema_and_sdk(v2_server, openapi):  # noqa: F811
    client = PortOneClient(secret=V2_SECRET, base_url=v2_server.url)
    paid = v2_server.pay(40000)
    answer = v2_server.api("POST", f"/payments/{paid['id']}/cancel",
                           {"reason": "부분", "amount": 10000, "taxFreeAmount": 0, "currentCancellableAmount": 40000})
    errors = list(jsonschema.Draft7Validator({**openapi, "$ref": "#/components/schemas/CancelPaymentResponse"})
                  .iter_errors(answer))
    assert not errors, errors[0]
    # A stale checksum is refused, as PortOne refuses it.
    with pytest.raises(Exception) as stale:
        client.payment.cancel_payment(payment_id=paid["id"], amount=1000, reason="stale", current_cancellable_amount=40000)
    assert "CancellableAmountConsistencyBroken" in type(stale.value).__name__
    done = client.payment.cancel_payment(payment_id=paid["id"], amount=1000, reason="fresh", current_cancellable_amount=30000)
    assert done.cancellation.total_amount == 1000
    payment = client.payment.get_payment(payment_id=paid["id"])
    assert type(payment).__name__ == "PartialCancelledPayment" and payment.amount.cancelled == 11000
    with pytest.raises(Exception) as over:
        client.payment.cancel_payment(payment_id=paid["id"], amount=29001, reason="over")
    assert "CancelAmountExceedsCancellableAmount" in type(over.value).__name__


def test_our_v2_cancel_request_matches_the_official_schema(world, openapi):  # noqa: F811
    if world.kind != "v2":
        pytest.skip("V2 wire format")
    order_id = world.paid(40000, vbank=True)
    world.refund_json(order_id, "--amount", "1000", "--reason", "검증", "--refund-account", "088:110123456789:홍길동")
    [body] = world.cancel_calls(order_id)
    errors = list(jsonschema.Draft7Validator({**openapi, "$ref": "#/components/schemas/CancelPaymentBody"})
                  .iter_errors(body))
    assert not errors, errors[0]
    assert body["amount"] == 1000 and body["currentCancellableAmount"] == 40000 and "taxFreeAmount" not in body


# ----------------------------------------------------------------------------------------------- the V1 stand-in

def test_the_official_v1_client_refunds_part_of_a_deposit_with_its_account_and_tax_free_share(sandbox):
    iamport = pytest.importorskip("iamport", reason="installed by scripts/setup (pip --no-deps iamport-rest-client)")
    from conftest import SECRET
    client = iamport.Iamport(imp_key="sandbox_key", imp_secret=SECRET, imp_url=sandbox.url + "/")
    payment = pay(sandbox, 40000, pay_method="vbank")
    with pytest.raises(iamport.Iamport.ResponseError) as no_account:
        client.cancel("계좌 없이", imp_uid=payment["imp_uid"], amount=1000, checksum=40000)
    assert "환불계좌" in no_account.value.message
    account = {"refund_holder": "홍길동", "refund_bank": "004", "refund_account": "12345678901"}
    with pytest.raises(iamport.Iamport.ResponseError):
        client.cancel("면세가 더 큼", imp_uid=payment["imp_uid"], amount=1000, checksum=40000, tax_free=1001, **account)
    done = client.cancel("부분 환불", imp_uid=payment["imp_uid"], amount=1000, checksum=40000, tax_free=500, **account)
    assert done["cancel_amount"] == 1000 and done["cancel_history"][-1]["amount"] == 1000
    with pytest.raises(iamport.Iamport.ResponseError):                  # the same figures again: refused
        client.cancel("부분 환불", imp_uid=payment["imp_uid"], amount=1000, checksum=40000, **account)
    assert sandbox.payment(payment["imp_uid"])["cancel_amount"] == 1000


# ----------------------------------------------------------------------------------------------- at a terminal

def test_at_a_terminal_the_command_asks_for_the_account_and_shows_what_it_will_refund(world):
    pexpect = pytest.importorskip("pexpect")
    order_id = world.paid(52000, BEANS_AND_TEA, vbank=True)
    command = pexpect.spawn(str(world.gage), ["orders", "refund", order_id, "--item", "BEAN:1", "--deduct", "3000",
                                             "--reason", "반품", "--ledger", world.env["GAGE_LEDGER"]],
                            env=world.env, encoding="utf-8", timeout=30)
    command.expect("환불 계좌")
    command.sendline("088:110-123-456789:홍길동")
    command.expect("환불할까요")
    shown = command.before
    assert "원두 [BEAN] (분쇄도: 에스프레소용) × 1" in shown and "18,500원" in shown and "-3,000원" in shown
    assert "15,500원" in shown and "신한은행 110123456789 홍길동" in shown
    command.sendline("n")
    command.expect(pexpect.EOF)
    assert world.cancel_calls(order_id) == [] and world.refunds(order_id) == []      # "no" refunds nothing
    command = pexpect.spawn(str(world.gage), ["orders", "refund", order_id, "--item", "BEAN:1", "--deduct", "3000",
                                             "--reason", "반품", "--refund-account", "088:110123456789:홍길동",
                                             "--ledger", world.env["GAGE_LEDGER"]],
                            env=world.env, encoding="utf-8", timeout=30)
    command.expect("환불할까요")
    command.sendline("y")
    command.expect("환불했습니다: 15,500원")
    command.expect(pexpect.EOF)
    assert world.provider_cancelled(order_id) == (15500, 1)
