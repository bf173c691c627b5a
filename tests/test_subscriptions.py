"""정기배송 (SPEC §5) through the real gage-verify binary against the Iamport stand-in: the first charge, scheduled
charges arriving as webhooks (also twenty at once), declines and their retries, reuse and tampering, ending a
subscription, and reconcile after lost webhooks. Every amount is added up by hand from the catalog below."""
import concurrent.futures
import copy
import json
import time
import uuid

import pytest

from conftest import SECRET, run
from ledger_db import LedgerDB
from verify_helpers import BUYER, CATALOG, verify

BILLING_PG = "html5_inicis.INIBillTst"
# BEAN: price 18,000, subscriber price 16,000, every 2 or 4 weeks or every month; TEA: not subscribable.
SUBSCRIBABLE = copy.deepcopy(CATALOG)
SUBSCRIBABLE["payment"]["billing_pg"] = BILLING_PG
SUBSCRIBABLE["products"][0]["subscription"] = {"intervals": ["2w", "4w", "1m"], "price": 16000}
ITEMS = [{"sku": "BEAN", "quantity": 2, "options": {"분쇄도": "에스프레소용"}}]   # 2 × (16,000 + 500) + 3,000 = 36,000
AMOUNT = 36_000
FOUR_WEEKS = 28 * 86_400


@pytest.fixture()
def shop(ledger_env, tmp_path):
    """The function's environment, with its ledger on each backend in turn, a catalog of subscribable products and
    an order prefix of this test's own (reconcile looks at every payment with the prefix on the shared stand-in)."""
    global PREFIX
    PREFIX = "s" + uuid.uuid4().hex[:6] + "-"
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(dict(SUBSCRIBABLE, order_prefix=PREFIX), ensure_ascii=False))
    return {**ledger_env, "GAGE_CATALOG": str(catalog)}


PREFIX = "shop-"


def customer_uid() -> str:
    return PREFIX + "bk-" + uuid.uuid4().hex


def issue_key(sandbox, uid=None, pg=BILLING_PG) -> str:
    uid = uid or customer_uid()
    sandbox.control("POST", "/customers", {"customer_uid": uid, "pg": pg})
    return uid


def subscribe(gage_verify, env, uid, interval="4w", items=ITEMS, **extra):
    body = {"action": "subscribe", "customer_uid": uid, "interval": interval, "items": items,
            "buyer": {"name": BUYER["buyer_name"], "tel": BUYER["buyer_tel"], "email": BUYER["buyer_email"],
                      "addr": BUYER["buyer_addr"], "postcode": BUYER["buyer_postcode"]}, **extra}
    return verify(gage_verify, env, body)


def webhook(gage_verify, env, run_entry):
    return verify(gage_verify, env, {"action": "webhook", "imp_uid": run_entry["imp_uid"],
                                     "merchant_uid": run_entry["merchant_uid"], "status": run_entry["status"]})


def run_schedules(sandbox, until=None):
    return sandbox.control("POST", "/schedules/run", {} if until is None else {"until": until})


def schedules(sandbox, subscription_id=None):
    found = sandbox.control("GET", "/schedules")
    return [s for s in found if subscription_id is None or ("S" + subscription_id + "-") in s["merchant_uid"]]


def ledger_rows(env, sql, *args):
    db = LedgerDB(env["GAGE_LEDGER"])
    return [{key: row[key] for key in row.keys()} for row in db.execute(sql, args).fetchall()]


def subscription_row(env, subscription_id):
    return ledger_rows(env, "SELECT * FROM subscriptions WHERE id = ?", subscription_id)[0]


def test_subscribe_charges_the_first_delivery_and_schedules_the_next(gage_verify, shop, sandbox):
    uid = issue_key(sandbox)
    status, reply, log = subscribe(gage_verify, shop, uid)
    assert status == 0, log
    assert reply["status"] == "subscribed" and reply["amount"] == AMOUNT
    sub = reply["subscription"]
    assert sub["interval"] == "4w" and sub["amount"] == AMOUNT and sub["status"] == "active"
    assert len(reply["manage_token"]) == 64 and reply["manage_token"] not in log
    assert reply["merchant_uid"] == f"{PREFIX}S{sub['id']}-1"
    assert [item["price"] for item in reply["items"]] == [16_500]
    # The first charge: made by the function itself, for the amount it priced, through the billing key.
    charges = [c for c in sandbox.calls("/subscribe/payments/again")]
    assert len(charges) == 1 and json.loads(charges[0]["body"])["amount"] == AMOUNT
    order = ledger_rows(shop, "SELECT * FROM orders WHERE subscription_id = ?", sub["id"])
    assert [(o["status"], o["amount"], o["buyer_name"]) for o in order] == [("paid", AMOUNT, "홍길동")]
    # The next delivery is scheduled four weeks after the first, under the derived merchant_uid.
    [scheduled] = schedules(sandbox, sub["id"])
    assert scheduled["merchant_uid"] == f"{PREFIX}S{sub['id']}-2" and scheduled["amount"] == AMOUNT
    assert abs(scheduled["schedule_at"] - (sub["next_charge_at"])) <= 1
    assert abs(sub["next_charge_at"] - time.time() - FOUR_WEEKS) < 120

    # Time travel: the schedule runs, PortOne sends its webhook, the second order is recorded, the third scheduled.
    [second] = run_schedules(sandbox)
    status, reply, log = webhook(gage_verify, shop, second)
    assert status == 0 and reply["status"] == "paid" and reply["amount"] == AMOUNT, log
    orders = ledger_rows(shop, "SELECT status FROM orders WHERE subscription_id = ? ORDER BY created_at", sub["id"])
    assert [o["status"] for o in orders] == ["paid", "paid"]
    pending = [s for s in schedules(sandbox, sub["id"]) if s["schedule_status"] == "scheduled"]
    assert [s["merchant_uid"] for s in pending] == [f"{PREFIX}S{sub['id']}-3"]
    row = subscription_row(shop, sub["id"])
    assert (row["status"], row["charge_sequence"], row["schedule_state"]) == ("active", 3, "done")


def test_twenty_deliveries_of_one_scheduled_charge_make_one_order_and_one_next_schedule(gage_verify, shop, sandbox):
    _, reply, _ = subscribe(gage_verify, shop, issue_key(sandbox))
    sub_id = reply["subscription"]["id"]
    [second] = run_schedules(sandbox)
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: webhook(gage_verify, shop, second), range(20)))
    assert all(status == 0 and reply["status"] == "paid" for status, reply, _ in answers), answers[0]
    orders = ledger_rows(shop, "SELECT imp_uid FROM orders WHERE subscription_id = ?", sub_id)
    assert len(orders) == 2
    third = [s for s in schedules(sandbox, sub_id) if s["merchant_uid"].endswith("-3")]
    assert len(third) == 1 and third[0]["schedule_status"] == "scheduled"
    assert subscription_row(shop, sub_id)["charge_sequence"] == 3


def test_declined_scheduled_charges_are_retried_then_the_subscription_is_past_due(gage_verify, shop, sandbox):
    shop = {**shop, "GAGE_MAIL_FROM": "온기 <shop@example.kr>", "GAGE_SELLER_EMAIL": "seller@example.kr"}
    uid = issue_key(sandbox)
    _, reply, _ = subscribe(gage_verify, shop, uid)
    sub_id = reply["subscription"]["id"]
    sandbox.control("POST", "/declines", {"shape": "status", "customer_uid": uid, "count": 3})
    seen = []
    for expected in ("-2", "-2r2", "-2r3"):
        [charge] = run_schedules(sandbox)
        assert charge["merchant_uid"].endswith(expected) and charge["status"] == "failed"
        status, answer, _ = webhook(gage_verify, shop, charge)
        assert status == 0 and answer["status"] == "failed"
        seen.append(subscription_row(shop, sub_id))
    # After each of the first two declines a retry is scheduled, a day and then three days after the due date.
    assert [(r["status"], r["charge_attempt"]) for r in seen[:2]] == [("active", 2), ("active", 3)]
    assert seen[1]["next_charge_at"] - seen[0]["next_charge_at"] == 2 * 86_400
    assert seen[2]["status"] == "past_due" and seen[2]["ended_reason"] == "card_declined"
    assert not [s for s in schedules(sandbox, sub_id) if s["schedule_status"] == "scheduled"]
    assert run_schedules(sandbox) == []
    with pytest.raises(Exception):
        sandbox.control("GET", "/customers/" + uid)   # no such control route: the key is checked below
    assert uid not in [c["customer_uid"] for c in sandbox.control("GET", "/customers")]
    # The buyer is told once that it stopped, with the last declined try.
    stopped = ledger_rows(shop, "SELECT recipient, imp_uid FROM notifications WHERE kind = 'subscription_stopped'")
    assert [(n["recipient"], n["imp_uid"]) for n in stopped] == [("gildong@example.kr", charge["imp_uid"])]


@pytest.mark.parametrize("shape", ["status", "code"])
def test_a_declined_first_charge_is_a_clear_failure_and_no_subscription(gage_verify, shop, sandbox, shape):
    uid = issue_key(sandbox)
    sandbox.control("POST", "/declines", {"shape": shape, "customer_uid": uid, "message": "[2116]개인 월 한도금액 초과"})
    status, reply, log = subscribe(gage_verify, shop, uid)
    assert status == 0, log
    assert reply["status"] == "failed" and reply["reason"] == "card_declined"
    assert "한도" in reply["decline_message"]
    assert "manage_token" not in reply and "subscription" not in reply
    [row] = ledger_rows(shop, "SELECT * FROM subscriptions WHERE customer_uid = ?", uid)
    assert row["status"] == "declined" and row["key_state"] == "done"
    assert not schedules(sandbox, row["id"])
    assert ledger_rows(shop, "SELECT * FROM orders WHERE subscription_id = ? AND status = 'paid'", row["id"]) == []


def test_a_customer_uid_is_taken_once(gage_verify, shop, sandbox):
    uid = issue_key(sandbox)
    assert subscribe(gage_verify, shop, uid)[1]["status"] == "subscribed"
    issue_key(sandbox, uid)   # the same alias, issued again (PortOne replaces the card)
    status, reply, _ = subscribe(gage_verify, shop, uid)
    assert status == 2 and reply["ok"] is False and "used before" in reply["error"]
    assert len(sandbox.calls("/subscribe/payments/again")) == 1
    assert len(ledger_rows(shop, "SELECT * FROM subscriptions")) == 1


def test_a_tampered_subscribe_changes_nothing_it_should_not(gage_verify, shop, sandbox):
    # Someone else's key, without the shop's prefix: refused before anything is charged.
    foreign = issue_key(sandbox, "other-shop-" + uuid.uuid4().hex)
    status, reply, _ = subscribe(gage_verify, shop, foreign)
    assert status == 2 and "prefix" in reply["error"]
    # A key the shop's billing PG did not issue.
    wrong_pg = issue_key(sandbox, pg="kcp_billing")
    status, reply, _ = subscribe(gage_verify, shop, wrong_pg)
    assert status == 2 and "billing PG" in reply["error"]
    # A key never issued at all.
    status, reply, _ = subscribe(gage_verify, shop, customer_uid())
    assert status == 2 and "no billing key" in reply["error"]
    # A product not offered by subscription, an interval not offered.
    status, reply, _ = subscribe(gage_verify, shop, issue_key(sandbox), items=[{"sku": "TEA", "quantity": 1}])
    assert status == 2 and reply["reason"] == "unknown_item"
    status, reply, _ = subscribe(gage_verify, shop, issue_key(sandbox), interval="3w")
    assert status == 2
    assert sandbox.calls("/subscribe/payments/again") == []
    # A price in the body: ignored, the catalog decides.
    status, reply, _ = subscribe(gage_verify, shop, issue_key(sandbox), amount=100, price=100)
    assert status == 0 and reply["amount"] == AMOUNT
    assert [json.loads(c["body"])["amount"] for c in sandbox.calls("/subscribe/payments/again")] == [AMOUNT]


def test_the_buyer_cancels_by_token_and_the_seller_by_id(gage, gage_verify, shop, sandbox):
    uid = issue_key(sandbox)
    _, reply, _ = subscribe(gage_verify, shop, uid)
    token, sub_id = reply["manage_token"], reply["subscription"]["id"]
    status, view, _ = verify(gage_verify, shop, {"action": "subscription", "manage_token": token})
    assert status == 0 and view["subscription"]["status"] == "active"
    assert [c["status"] for c in view["subscription"]["charges"]] == ["paid"]
    assert "홍길동" not in json.dumps(view, ensure_ascii=False) and uid not in json.dumps(view)
    status, view, _ = verify(gage_verify, shop, {"action": "subscription", "manage_token": token, "cancel": True})
    assert status == 0 and view["subscription"]["status"] == "cancelled"
    assert view["subscription"].get("next_charge_at") is None
    assert [s["schedule_status"] for s in schedules(sandbox, sub_id)] == ["revoked"]
    assert uid not in [c["customer_uid"] for c in sandbox.control("GET", "/customers")]
    assert run_schedules(sandbox) == []
    status, reply, _ = verify(gage_verify, shop, {"action": "subscription", "manage_token": "0" * 64})
    assert status == 2 and reply["ok"] is False

    # The seller: gage subscriptions cancel, then list and show.
    uid2 = issue_key(sandbox)
    _, reply, _ = subscribe(gage_verify, shop, uid2)
    sub2 = reply["subscription"]["id"]
    listing = run(gage, "subscriptions", "list", "--ledger", shop["GAGE_LEDGER"], env=shop)
    assert listing.returncode == 0 and sub2 in listing.stdout and "진행 중" in listing.stdout and "4주마다" in listing.stdout
    cancelled = run(gage, "subscriptions", "cancel", sub2, env=shop)
    assert cancelled.returncode == 0, cancelled.stderr
    assert "해지" in cancelled.stdout
    shown = json.loads(run(gage, "subscriptions", "show", sub2, "--json", env=shop).stdout)[0]
    assert shown["status"] == "cancelled" and shown["charges"][0]["status"] == "paid"
    assert uid2 not in [c["customer_uid"] for c in sandbox.control("GET", "/customers")]
    again = run(gage, "subscriptions", "cancel", sub2, env=shop)
    assert again.returncode == 0 and "이미" in again.stdout


def test_a_charge_that_arrives_after_the_cancel_is_refunded_and_moves_nothing(gage_verify, shop, sandbox):
    uid = issue_key(sandbox)
    _, reply, _ = subscribe(gage_verify, shop, uid)
    token, sub_id = reply["manage_token"], reply["subscription"]["id"]
    verify(gage_verify, shop, {"action": "subscription", "manage_token": token, "cancel": True})
    # PortOne ran the next charge anyway (the unschedule lost a race with the schedule): same key, right amount.
    late = sandbox.create(merchant_uid=f"{PREFIX}S{sub_id}-2", amount=AMOUNT, pg=BILLING_PG, customer_uid=uid,
                          name="[정기배송] 원두")
    for _ in range(2):
        status, answer, _ = webhook(gage_verify, shop, {**late, "status": "paid"})
        assert status == 0 and answer["status"] == "rejected" and answer["reason"] == "subscription_cancelled"
        assert answer["refunded"]
    assert sandbox.payment(late["imp_uid"])["status"] == "cancelled"
    row = subscription_row(shop, sub_id)
    assert (row["status"], row["charge_sequence"]) == ("cancelled", 2)
    assert not [s for s in schedules(sandbox, sub_id) if s["schedule_status"] == "scheduled"]


def test_reconcile_records_charges_whose_webhook_was_lost_and_schedules_what_is_missing(gage, gage_verify, shop, sandbox):
    _, reply, _ = subscribe(gage_verify, shop, issue_key(sandbox))
    sub_id = reply["subscription"]["id"]
    [second] = run_schedules(sandbox)            # PortOne charged; its webhook never arrived
    result = run(gage, "orders", "reconcile", env=shop)
    assert result.returncode == 0, result.stderr
    orders = ledger_rows(shop, "SELECT merchant_uid, status FROM orders WHERE subscription_id = ? ORDER BY created_at", sub_id)
    assert [o["status"] for o in orders] == ["paid", "paid"] and orders[1]["merchant_uid"] == second["merchant_uid"]
    assert [s["merchant_uid"][-2:] for s in schedules(sandbox, sub_id) if s["schedule_status"] == "scheduled"] == ["-3"]
    # A schedule lost at the provider (revoked behind the shop's back) is scheduled again.
    sandbox_call = {"customer_uid": subscription_row(shop, sub_id)["customer_uid"]}
    import urllib.request
    request = urllib.request.Request(sandbox.url + "/users/getToken", method="POST",
                                     data=json.dumps({"imp_key": "sandbox_key", "imp_secret": SECRET}).encode(),
                                     headers={"Content-Type": "application/json"})
    token = json.loads(urllib.request.urlopen(request).read())["response"]["access_token"]
    request = urllib.request.Request(sandbox.url + "/subscribe/payments/unschedule", method="POST",
                                     data=json.dumps(sandbox_call).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": token})
    urllib.request.urlopen(request).read()
    db = LedgerDB(shop["GAGE_LEDGER"])   # the charge is due now
    db.execute("UPDATE subscriptions SET next_charge_at = 1 WHERE id = ?", (sub_id,))
    if not db.postgres:
        db.connection.commit()
    result = run(gage, "orders", "reconcile", env=shop)
    assert result.returncode == 0, result.stderr
    live = [s for s in schedules(sandbox, sub_id) if s["schedule_status"] == "scheduled"]
    assert [s["merchant_uid"][-2:] for s in live] == ["-3"]


def test_a_product_sold_out_at_charge_time_refunds_that_charge_and_keeps_the_subscription(gage_verify, shop, sandbox):
    shop = {**shop, "GAGE_MAIL_FROM": "온기 <shop@example.kr>", "GAGE_SELLER_EMAIL": "seller@example.kr"}
    _, reply, _ = subscribe(gage_verify, shop, issue_key(sandbox))
    sub_id = reply["subscription"]["id"]
    catalog = json.loads(open(shop["GAGE_CATALOG"]).read())
    catalog["products"][0]["stock"] = 0
    catalog["version"] = "sold-out"
    open(shop["GAGE_CATALOG"], "w").write(json.dumps(catalog, ensure_ascii=False))
    [second] = run_schedules(sandbox)
    status, answer, _ = webhook(gage_verify, shop, second)
    assert status == 0 and answer["status"] == "rejected" and answer["reason"] == "sold_out" and answer["refunded"]
    assert sandbox.payment(second["imp_uid"])["status"] == "cancelled"
    row = subscription_row(shop, sub_id)
    assert row["status"] == "active" and row["charge_sequence"] == 3
    assert [s["merchant_uid"][-2:] for s in schedules(sandbox, sub_id) if s["schedule_status"] == "scheduled"] == ["-3"]
    # The seller is told the delivery was skipped and why; the buyer hears of the refund. Once, however often the
    # webhook comes.
    webhook(gage_verify, shop, second)
    told = ledger_rows(shop, "SELECT kind, recipient, subject FROM notifications WHERE imp_uid = ? ORDER BY kind",
                       second["imp_uid"])
    assert [(n["kind"], n["recipient"]) for n in told] == [("refunded", "gildong@example.kr"),
                                                           ("subscription_skipped", "seller@example.kr")]
    assert "품절" in told[1]["subject"] and f"S{sub_id}-2" in told[1]["subject"]


def test_a_charge_with_a_subscription_merchant_uid_but_not_its_key_is_refused(gage_verify, shop, sandbox):
    _, reply, _ = subscribe(gage_verify, shop, issue_key(sandbox))
    sub_id = reply["subscription"]["id"]
    # Someone pays the right amount through the billing PG under the next charge's order number, with their own key.
    forged = sandbox.create(merchant_uid=f"{PREFIX}S{sub_id}-2", amount=AMOUNT, pg=BILLING_PG,
                            custom_data={"shop": CATALOG["shop"], "subscription": sub_id, "items": ITEMS})
    status, answer, _ = webhook(gage_verify, shop, {**forged, "status": "paid"})
    assert status == 0 and answer["status"] == "rejected" and answer["refunded"]
    assert subscription_row(shop, sub_id)["charge_sequence"] == 2
    charges = ledger_rows(shop, "SELECT merchant_uid FROM orders WHERE subscription_id = ?", sub_id)
    assert [c["merchant_uid"] for c in charges] == [f"{PREFIX}S{sub_id}-1"]


def test_the_official_python_client_drives_the_billing_endpoints(sandbox):
    from iamport import Iamport
    client = Iamport(imp_key="sandbox_key", imp_secret=SECRET, imp_url=sandbox.url + "/")
    uid = customer_uid()
    created = client.customer_create(customer_uid=uid, card_number="4330-1234-1234-3456", expiry="2030-12",
                                     birth="900101", pg=BILLING_PG)
    assert created["customer_uid"] == uid and created["pg_provider"] == "html5_inicis"
    assert client.customer_get(uid)["customer_uid"] == uid
    paid = client.pay_again(customer_uid=uid, merchant_uid="shop-again-" + uuid.uuid4().hex[:8], amount=5000, name="원두")
    assert paid["status"] == "paid" and paid["customer_uid"] == uid and paid["amount"] == 5000
    at = int(time.time()) + 3600
    merchant = "shop-sched-" + uuid.uuid4().hex[:8]
    scheduled = client.pay_schedule(customer_uid=uid, schedules=[{"merchant_uid": merchant, "schedule_at": at,
                                                                  "amount": 5000, "name": "원두"}])
    assert scheduled[0]["merchant_uid"] == merchant and scheduled[0]["schedule_status"] == "scheduled"
    assert scheduled[0]["imp_uid"] is None and scheduled[0]["payment_status"] is None
    assert client.pay_schedule_get(merchant)["schedule_at"] == at
    with pytest.raises(Iamport.ResponseError):   # the same order number twice
        client.pay_schedule(customer_uid=uid, schedules=[{"merchant_uid": merchant, "schedule_at": at, "amount": 5000}])
    revoked = client.pay_unschedule(customer_uid=uid)
    assert [r["schedule_status"] for r in revoked] == ["revoked"]
    with pytest.raises(Iamport.ResponseError):   # nothing left to revoke: code 1
        client.pay_unschedule(customer_uid=uid)
    sandbox.control("POST", "/declines", {"shape": "code", "customer_uid": uid})
    with pytest.raises(Iamport.ResponseError):
        client.pay_again(customer_uid=uid, merchant_uid="shop-again-" + uuid.uuid4().hex[:8], amount=5000)
    assert client.customer_delete(uid)["customer_uid"] == uid
    with pytest.raises((Iamport.HttpError, Iamport.ResponseError)):
        client.customer_get(uid)
