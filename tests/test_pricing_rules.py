"""SPEC §11 through the real gage-verify and both providers' stand-ins: discount codes (case and spaces, windows and
price_grace, limits under concurrency on both ledgers, a refund giving the redemption back), timed sales, 제주/도서산간
surcharges from the provider's postcode, and the tax-free part checked against V2's own figure. Every expected amount
is worked out by hand in the comments."""
import concurrent.futures
import hashlib
import json
import time

import pytest

from conftest import run
from portone_v2_kit import V2Sandbox  # noqa: F401  (the V2 stand-in; v2_server is a conftest fixture)
from test_portone_v2 import v2_catalog, v2_env, verify as verify_v2  # noqa: F401
from test_integrity import cgi, expire_holds
from test_subscriptions import ledger_rows
from verify_helpers import BUYER, CATALOG, SHOP, TEA, order_id, ref, verify

SALT = "gage-discount:" + SHOP
ITERATIONS = 1000


def code_hash(code: str) -> str:
    """The published hash, worked out apart from Gage: PBKDF2-HMAC-SHA256 of the upper-cased, trimmed code."""
    return hashlib.pbkdf2_hmac("sha256", code.strip().upper().encode(), SALT.encode(), ITERATIONS).hex()


def rules_catalog(discounts=(), sale=None, shipping=None, v2=False):
    catalog = json.loads(json.dumps(v2_catalog() if v2 else CATALOG))
    catalog["discount_key"] = {"salt": SALT, "iterations": ITERATIONS}
    catalog["discounts"] = [dict(rule, hash=code_hash(rule.pop("code"))) for rule in map(dict, discounts)]
    catalog["products"].append({"sku": "RICE", "title": "쌀 10kg", "price": 30000, "url": "", "stock": None,
                                "max_quantity": None, "options": [], "tax_free": True})
    if sale:
        catalog["products"][1]["sale"] = sale     # TEA: 12,000, on sale for 9,000
    if shipping:
        catalog["shipping"].update(shipping)
    return catalog


def with_catalog(env, tmp_path, catalog):
    path = tmp_path / "rules-catalog.json"
    path.write_text(json.dumps(catalog, ensure_ascii=False))
    return {**env, "GAGE_CATALOG": str(path)}


def pay_with(sandbox, amount, items=TEA, discount=None, priced_at=None, buyer_postcode="03154"):
    """A payment as a page with the pricing rules makes it: the code as typed and the moment it priced with."""
    data = {"items": items, "shop": SHOP, "catalog": "test"}
    if discount is not None:
        data["discount"] = discount
    if priced_at is not None:
        data["priced_at"] = priced_at
    return sandbox.create(merchant_uid=order_id(), amount=amount, pg="html5_inicis.INIpayTest", custom_data=data,
                          name="녹차", **{**BUYER, "buyer_postcode": buyer_postcode})


WELCOME = {"code": "WELCOME10", "percent": 10}


# ------------------------------------------------------------------------------------ discount codes (V1)

def test_a_code_typed_in_any_case_with_spaces_is_paid_with_its_discount(gage, gage_verify, env, sandbox, tmp_path):
    env = with_catalog(env, tmp_path, rules_catalog([WELCOME]))
    payment = pay_with(sandbox, 12000 - 1200 + 3000, discount="  welcome10 ")   # 13,800
    code, reply, _ = verify(gage_verify, env, ref(payment))
    assert code == 0 and reply["status"] == "paid", reply
    assert reply["discount"] == 1200
    shown = run(gage, "orders", "show", payment["imp_uid"], "--ledger", env["GAGE_LEDGER"]).stdout
    assert "WELCOME10" in shown and "1,200" in shown


def test_a_tampered_discounted_amount_is_refunded(gage_verify, env, sandbox, tmp_path):
    env = with_catalog(env, tmp_path, rules_catalog([WELCOME]))
    payment = pay_with(sandbox, 3000, discount="WELCOME10")
    reply = verify(gage_verify, env, ref(payment))[1]
    assert (reply["status"], reply["reason"], reply["expected_amount"], reply["refunded"]) == \
        ("rejected", "amount_mismatch", 13800, True)
    assert sandbox.payment(payment["imp_uid"])["status"] == "cancelled"


def test_an_unknown_code_is_discount_invalid_and_refunded(gage_verify, env, sandbox, tmp_path):
    env = with_catalog(env, tmp_path, rules_catalog([WELCOME]))
    payment = pay_with(sandbox, 13800, discount="WELCOME1O")
    reply = verify(gage_verify, env, ref(payment))[1]
    assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", "discount_invalid", True)


def test_codes_not_started_expired_and_within_grace(gage_verify, env, sandbox, tmp_path):
    now = int(time.time())
    env = with_catalog(env, tmp_path, rules_catalog([
        {"code": "LATER", "amount": 2000, "starts": now + 7200},
        {"code": "GONE", "amount": 2000, "ends": now - 7200},
        {"code": "JUSTENDED", "amount": 2000, "ends": now - 600},
    ]))
    for code in ("LATER", "GONE"):
        reply = verify(gage_verify, env, ref(pay_with(sandbox, 13000, discount=code)))[1]
        assert (reply["status"], reply["reason"]) == ("rejected", "discount_invalid"), code
    # The page priced it 11 minutes ago, before the end; the payment started now: within the 60 minutes of grace.
    reply = verify(gage_verify, env, ref(pay_with(sandbox, 13000, discount="JUSTENDED", priced_at=now - 660)))[1]
    assert (reply["status"], reply["discount"]) == ("paid", 2000)
    # A page claiming a moment more than price_grace before the payment is judged at the payment's start.
    reply = verify(gage_verify, env, ref(pay_with(sandbox, 13000, discount="GONE", priced_at=now - 7300)))[1]
    assert (reply["status"], reply["reason"]) == ("rejected", "discount_invalid")


def test_limit_3_with_8_concurrent_paid_orders_pays_exactly_3(gage_verify, ledger_env, sandbox, tmp_path):
    env = with_catalog(ledger_env, tmp_path, rules_catalog([dict(WELCOME, limit=3)]))
    payments = [pay_with(sandbox, 13800, discount="WELCOME10") for _ in range(8)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda p: verify(gage_verify, env, ref(p))[1], payments))
    statuses = sorted(reply["status"] for reply in replies)
    assert statuses == ["paid"] * 3 + ["rejected"] * 5, replies
    assert all(reply["reason"] == "discount_invalid" and reply["refunded"] for reply in replies
               if reply["status"] == "rejected")
    # Every later look answers the same: the decisions are final.
    again = [verify(gage_verify, env, ref(p))[1]["status"] for p in payments]
    assert again == [reply["status"] for reply in replies]


def test_a_refunded_order_gives_its_redemption_back(gage, gage_verify, env, sandbox, tmp_path):
    env = with_catalog(env, tmp_path, rules_catalog([dict(WELCOME, limit=1)]))
    first = pay_with(sandbox, 13800, discount="WELCOME10")
    assert verify(gage_verify, env, ref(first))[1]["status"] == "paid"
    second = pay_with(sandbox, 13800, discount="welcome10")
    assert verify(gage_verify, env, ref(second))[1]["reason"] == "discount_invalid"
    listed = run(gage, "discounts", "--ledger", env["GAGE_LEDGER"], "--catalog", env["GAGE_CATALOG"]).stdout
    assert "WELCOME10" in listed and "1/1" in listed
    sandbox.control("POST", f"/payments/{first['imp_uid']}/cancel", {"reason": "고객 변심"})
    assert verify(gage_verify, env, {"action": "webhook", **ref(first)})[1]["status"] == "cancelled"
    third = pay_with(sandbox, 13800, discount="WELCOME10")
    assert verify(gage_verify, env, ref(third))[1]["status"] == "paid"


# ------------------------------------------------------------------------------------ timed sales (V1)

@pytest.mark.parametrize("window, amount, status", [
    ("inside", 9000 + 3000, "paid"),
    ("inside", 12000 + 3000, "rejected"),
    ("before", 12000 + 3000, "paid"),
    ("before", 9000 + 3000, "rejected"),
    ("after_within_grace", 9000 + 3000, "paid"),
    ("after_grace", 9000 + 3000, "rejected"),
    ("after_grace", 12000 + 3000, "paid"),
])
def test_sale_price_by_the_payments_time_with_grace(gage_verify, env, sandbox, tmp_path, window, amount, status):
    now = int(time.time())
    sale = {"inside": {"price": 9000, "from": now - 3600, "until": now + 3600},
            "before": {"price": 9000, "from": now + 3600},
            "after_within_grace": {"price": 9000, "until": now - 1800},
            "after_grace": {"price": 9000, "until": now - 4 * 3600}}[window]
    env = with_catalog(env, tmp_path, rules_catalog(sale=sale))
    priced_at = now - 1900 if window == "after_within_grace" else (now - 4 * 3600 - 60 if window == "after_grace" else None)
    reply = verify(gage_verify, env, ref(pay_with(sandbox, amount, priced_at=priced_at)))[1]
    assert reply["status"] == status, reply
    if status == "rejected":
        assert reply["reason"] == "amount_mismatch" and reply["refunded"]


# ------------------------------------------------------------------------------------ regional shipping (V1)

SURCHARGES = {"jeju": 3000, "remote": 5000, "remote_postcodes": [[40200, 40240]]}


@pytest.mark.parametrize("postcode, amount", [
    ("03154", 12000 + 3000),               # 서울: the fee only
    ("63309", 12000 + 3000 + 3000),        # 제주시
    ("40230", 12000 + 3000 + 5000),        # 울릉
])
def test_surcharge_by_the_buyer_postcode_the_provider_reports(gage_verify, env, sandbox, tmp_path, postcode, amount):
    env = with_catalog(env, tmp_path, rules_catalog(shipping=SURCHARGES))
    payment = pay_with(sandbox, amount, buyer_postcode=postcode)
    reply = verify(gage_verify, env, ref(payment))[1]
    assert reply["status"] == "paid", reply
    assert reply.get("surcharge", 0) == amount - 15000


def test_free_over_waives_the_fee_but_not_the_jeju_surcharge(gage_verify, env, sandbox, tmp_path):
    env = with_catalog(env, tmp_path, rules_catalog(shipping=SURCHARGES))
    items = [{"sku": "RICE", "quantity": 2}]                       # 60,000 ≥ free_over 50,000
    assert verify(gage_verify, env, ref(pay_with(sandbox, 60000 + 3000, items=items, buyer_postcode="63309")))[1]["status"] == "paid"
    reply = verify(gage_verify, env, ref(pay_with(sandbox, 60000, items=items, buyer_postcode="63309")))[1]
    assert (reply["status"], reply["reason"], reply["expected_amount"]) == ("rejected", "amount_mismatch", 63000)


def test_no_postcode_is_address_required_when_the_shop_charges_surcharges(gage_verify, env, sandbox, tmp_path):
    env = with_catalog(env, tmp_path, rules_catalog(shipping=SURCHARGES))
    reply = verify(gage_verify, env, ref(pay_with(sandbox, 15000, buyer_postcode="")))[1]
    assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", "address_required", True)


def test_prepare_prices_with_the_code_and_postcode(gage_verify, env, sandbox, tmp_path):
    env = with_catalog(env, tmp_path, rules_catalog([WELCOME], shipping=SURCHARGES))
    code, reply, _ = verify(gage_verify, env, {"action": "prepare", "items": TEA, "discount": "welcome10",
                                               "postcode": "63309"})
    assert code == 0 and (reply["amount"], reply["discount"], reply["surcharge"]) == (12000 - 1200 + 3000 + 3000, 1200, 3000)
    code, reply, _ = verify(gage_verify, env, {"action": "prepare", "items": TEA, "discount": "NOPE", "postcode": "63309"})
    assert code == 2 and reply["reason"] == "discount_invalid"
    code, reply, _ = verify(gage_verify, env, {"action": "prepare", "items": TEA})
    assert code == 2 and reply["reason"] == "address_required"


# ------------------------------------------------------------------------------------ redemptions held by /prepare

def test_of_two_buyers_preparing_a_codes_last_redemption_at_once_one_holds_it(gage_verify, ledger_env, sandbox, tmp_path):
    """Limit 1: the last redemption is given once, like the last unit; the other buyer is refused before any window."""
    env = with_catalog(ledger_env, tmp_path, rules_catalog([dict(WELCOME, limit=1)]))
    order = {"items": TEA, "discount": "welcome10", "postcode": "03154"}
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda n: cgi(gage_verify, env, "/prepare", order, client=f"192.0.2.{n}"), range(2)))
    assert sorted(status for status, _, _ in answers) == [200, 409], answers
    [held] = [reply for status, _, reply in answers if status == 200]
    [refused] = [reply for status, _, reply in answers if status == 409]
    assert (held["amount"], held["discount"]) == (12000 - 1200 + 3000, 1200)
    assert (refused["ok"], refused["reason"], refused["discount_problem"]) == (False, "discount_invalid", "used_up")
    # Only the held order was registered with the provider; the hold carries the code as the ledger counts it.
    assert len(sandbox.calls("/payments/prepare")) == 1
    assert [row["discount_code"] for row in ledger_rows(env, "SELECT * FROM holds")] == ["WELCOME10"]
    # Without the code the same cart is still for sale: only the redemption is held.
    status, _, _ = cgi(gage_verify, env, "/prepare", {"items": TEA, "postcode": "03154"}, client="192.0.2.9")
    assert status == 200


def discounts_listed(gage, env):
    listed = run(gage, "discounts", "--json", "--ledger", env["GAGE_LEDGER"], "--catalog", env["GAGE_CATALOG"])
    assert listed.returncode == 0, listed.stderr
    return {line["code"]: line for line in json.loads(listed.stdout)}


def test_an_expired_hold_frees_its_redemption(gage, gage_verify, ledger_env, sandbox, tmp_path):
    env = with_catalog(ledger_env, tmp_path, rules_catalog([dict(WELCOME, limit=1)]))
    order = {"items": TEA, "discount": "WELCOME10", "postcode": "03154"}
    status, _, first = cgi(gage_verify, env, "/prepare", order)
    assert status == 200
    # The seller sees the redemption a checkout holds: nothing paid yet, one held, none left.
    line = discounts_listed(gage, env)["WELCOME10"]
    assert (line["redemptions"], line["held"], line["limit"], line["left"]) == (0, 1, 1, 0), line
    status, _, refused = cgi(gage_verify, env, "/prepare", order, client="198.51.100.20")
    assert (status, refused["reason"]) == (409, "discount_invalid")
    # A payment made past /prepare with the held code is refused and refunded too: the hold counts for the judgement.
    skipper = pay_with(sandbox, 13800, discount="WELCOME10")
    reply = verify(gage_verify, env, ref(skipper))[1]
    assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", "discount_invalid", True)
    # The first buyer left without paying: the hold runs out and the code can be redeemed again.
    expire_holds(env)
    # Nothing holds it now (the ledger knows a code only while an order or a hold names it; shop.yml lists the rest).
    assert discounts_listed(gage, env).get("WELCOME10", {"held": 0})["held"] == 0
    status, _, again = cgi(gage_verify, env, "/prepare", order, client="198.51.100.20")
    assert status == 200 and again["merchant_uid"] != first["merchant_uid"] and again["discount"] == 1200


def test_a_payment_for_a_held_order_is_judged_against_its_own_redemption(gage_verify, ledger_env, sandbox, tmp_path):
    env = with_catalog(ledger_env, tmp_path, rules_catalog([dict(WELCOME, limit=1)]))
    status, _, held = cgi(gage_verify, env, "/prepare", {"items": TEA, "discount": "welcome10", "postcode": "03154"})
    assert status == 200 and held["amount"] == 13800
    data = {"items": TEA, "shop": SHOP, "catalog": "test", "discount": "welcome10"}
    payment = sandbox.create(merchant_uid=held["merchant_uid"], amount=13800, pg="html5_inicis.INIpayTest",
                             custom_data=data, name="녹차", **BUYER)
    code, reply, log = verify(gage_verify, env, ref(payment))
    assert code == 0 and (reply["status"], reply["discount"]) == ("paid", 1200), log
    # Decided: the order holds the redemption now, not the hold; it is counted once, and the limit is reached.
    assert ledger_rows(env, "SELECT * FROM holds") == []
    status, _, refused = cgi(gage_verify, env, "/prepare", {"items": TEA, "discount": "WELCOME10", "postcode": "03154"},
                             client="198.51.100.20")
    assert (status, refused["reason"]) == (409, "discount_invalid")


# ------------------------------------------------------------------------------------ V2: code, Jeju, 면세

def v2_rules_env(v2_env, tmp_path, **rules):
    return with_catalog(v2_env, tmp_path, rules_catalog(v2=True, **rules))


def v2_pay(v2_server, amount, items, tax_free=0, zipcode="03154", discount=None):
    data = {"items": items, "shop": SHOP, "catalog": "test"}
    if discount:
        data["discount"] = discount
    return v2_server.pay(amount, items=items, tax_free=tax_free, custom_data=data,
                         customer={"name": "홍길동", "zipcode": zipcode})


def test_v2_tax_free_part_must_match_portones_figure(v2_server, v2_env, tmp_path):
    env = v2_rules_env(v2_env, tmp_path, discounts=[WELCOME])
    items = [{"sku": "RICE", "quantity": 1}, {"sku": "TEA", "quantity": 1}]
    # 42,000 - 10 % (4,200: 3,000 on the rice, 1,200 on the tea) + 3,000 = 40,800; 면세 30,000 - 3,000 = 27,000.
    paid = v2_pay(v2_server, 40800, items, tax_free=27000, discount="WELCOME10")
    reply = verify_v2(env, {"payment_id": paid["id"]})[1]
    assert (reply["status"], reply["discount"], reply["tax_free"]) == ("paid", 4200, 27000), reply
    wrong = v2_pay(v2_server, 40800, items, tax_free=0, discount="WELCOME10")
    reply = verify_v2(env, {"payment_id": wrong["id"]})[1]
    assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", "amount_mismatch", True)


def test_v2_jeju_surcharge_from_the_customers_zipcode(v2_server, v2_env, tmp_path):
    env = v2_rules_env(v2_env, tmp_path, shipping=SURCHARGES)
    reply = verify_v2(env, {"payment_id": v2_pay(v2_server, 18000, TEA, zipcode="63309")["id"]})[1]
    assert (reply["status"], reply["surcharge"]) == ("paid", 3000)
    reply = verify_v2(env, {"payment_id": v2_pay(v2_server, 15000, TEA, zipcode="63309")["id"]})[1]
    assert (reply["status"], reply["reason"]) == ("rejected", "amount_mismatch")
    reply = verify_v2(env, {"payment_id": v2_pay(v2_server, 15000, TEA, zipcode=None)["id"]})[1]
    assert (reply["status"], reply["reason"]) == ("rejected", "address_required")


def test_csv_export_splits_taxable_and_tax_free_and_json_carries_the_effects(gage, gage_verify, env, sandbox, tmp_path):
    import csv
    import io
    env = with_catalog(env, tmp_path, rules_catalog([WELCOME]))
    items = [{"sku": "RICE", "quantity": 1}, {"sku": "TEA", "quantity": 1}]
    # 42,000 - 4,200 (10 %: 3,000 on the rice, 1,200 on the tea) + 3,000 = 40,800; 면세 27,000, 과세 13,800:
    # 부가세 = 13,800 ÷ 11 = 1,254.5 → 1,255, 공급가액 12,545.
    payment = pay_with(sandbox, 40800, items=items, discount="welcome10")
    assert verify(gage_verify, env, ref(payment))[1]["tax_free"] == 27000
    exported = run(gage, "orders", "export", "--csv", "--ledger", env["GAGE_LEDGER"]).stdout
    rows = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    row = next(r for r in rows if r["imp_uid"] == payment["imp_uid"])
    assert (row["할인코드"], row["할인금액"], row["과세금액"], row["공급가액"], row["부가세"], row["면세금액"]) == \
        ("WELCOME10", "4200", "13800", "12545", "1255", "27000")
    listed = json.loads(run(gage, "orders", "list", "--json", "--ledger", env["GAGE_LEDGER"]).stdout)
    order = next(o for o in listed if o["imp_uid"] == payment["imp_uid"])
    assert (order["discount_code"], order["discount"], order["tax_free"]) == ("WELCOME10", 4200, 27000)
    assert [item.get("discount") for item in order["items"]] == [3000, 1200]


def test_v2_confirm_refuses_a_used_up_code_before_any_money_moves(v2_server, v2_env, tmp_path):
    from test_portone_v2 import _delivery_args, cgi
    env = v2_rules_env(v2_env, tmp_path, discounts=[dict(WELCOME, limit=1)])
    first = v2_pay(v2_server, 13800, TEA, discount="WELCOME10")
    assert verify_v2(env, {"payment_id": first["id"]})[1]["status"] == "paid"
    data = {"items": TEA, "shop": SHOP, "catalog": "test", "discount": "welcome10"}
    second = v2_server.pay(13800, items=TEA, status="PAY_PENDING", custom_data=data,
                           customer={"name": "홍길동", "zipcode": "03154"})
    status, reply, _ = cgi(env, "/confirm", **_delivery_args(v2_server.delivery(second["id"], "Transaction.Confirm")))
    assert status == 409 and reply["reason"] == "discount_invalid" and reply["errorMessage"] == "사용할 수 없는 할인 코드입니다."


def test_gage_orders_refund_gives_the_redemption_back_and_carries_the_tax_free_share(gage, gage_verify, env, sandbox, tmp_path):
    env = with_catalog(env, tmp_path, rules_catalog([dict(WELCOME, limit=1)]))
    items = [{"sku": "RICE", "quantity": 1}, {"sku": "TEA", "quantity": 1}]
    first = pay_with(sandbox, 40800, items=items, discount="WELCOME10")        # 면세 27,000 (see the CSV test)
    assert verify(gage_verify, env, ref(first))[1]["status"] == "paid"
    assert verify(gage_verify, env, ref(pay_with(sandbox, 13800, discount="WELCOME10")))[1]["reason"] == "discount_invalid"
    refunded = run(gage, "orders", "refund", first["imp_uid"], "--reason", "고객 변심", "--yes",
                   "--ledger", env["GAGE_LEDGER"], env=env)
    assert refunded.returncode == 0, refunded.stdout + refunded.stderr
    cancel = [json.loads(call["body"]) for call in sandbox.calls("/payments/cancel")][-1]
    assert cancel["imp_uid"] == first["imp_uid"] and int(cancel["tax_free"]) == 27000
    assert verify(gage_verify, env, ref(pay_with(sandbox, 13800, discount="WELCOME10")))[1]["status"] == "paid"


def test_v2_confirm_holds_the_redemption_it_approves(v2_server, v2_env, tmp_path):
    """Limit 1, two buyers at PortOne's confirm: the first is approved and holds the code's last redemption, so
    the second is refused before PortOne approves its payment."""
    from test_portone_v2 import _delivery_args, cgi as cgi_v2
    env = v2_rules_env(v2_env, tmp_path, discounts=[dict(WELCOME, limit=1)])
    data = {"items": TEA, "shop": SHOP, "catalog": "test", "discount": "welcome10"}
    first, second = (v2_server.pay(13800, items=TEA, status="PAY_PENDING", custom_data=data,
                                   customer={"name": "홍길동", "zipcode": "03154"}) for _ in range(2))
    status, reply, _ = cgi_v2(env, "/confirm", **_delivery_args(v2_server.delivery(first["id"], "Transaction.Confirm")))
    assert status == 200, reply
    assert [row["discount_code"] for row in ledger_rows(env, "SELECT * FROM holds")] == ["WELCOME10"]
    status, reply, _ = cgi_v2(env, "/confirm", **_delivery_args(v2_server.delivery(second["id"], "Transaction.Confirm")))
    assert status == 409 and reply["reason"] == "discount_invalid"
    # Confirming the first again (PortOne retries) is judged against its own hold: still approved.
    status, reply, _ = cgi_v2(env, "/confirm", **_delivery_args(v2_server.delivery(first["id"], "Transaction.Confirm")))
    assert status == 200, reply


def test_v2_rejected_payment_is_refunded_with_its_tax_free_part(v2_server, v2_env, tmp_path):
    """A tampered 면세 payment is refunded whole, and the cancel carries the tax-free part PortOne recorded for it
    (27,000 of 40,000), so the PG's 면세 and 과세 totals both go back to zero."""
    env = v2_rules_env(v2_env, tmp_path, discounts=[WELCOME])
    items = [{"sku": "RICE", "quantity": 1}, {"sku": "TEA", "quantity": 1}]
    tampered = v2_pay(v2_server, 40000, items, tax_free=27000, discount="WELCOME10")   # costs 40,800
    reply = verify_v2(env, {"payment_id": tampered["id"]})[1]
    assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", "amount_mismatch", True)
    amount = v2_server.payment(tampered["id"])["amount"]
    assert (amount["cancelled"], amount["cancelledTaxFree"]) == (40000, 27000), amount


def test_v1_rejected_payment_carries_the_tax_free_part_only_when_the_amount_is_honest(gage_verify, env, sandbox, tmp_path):
    """V1 reports no tax-free figure, so the refund of a rejected payment carries Gage's own (27,000) when the
    order was priced and the amount paid is what it costs (here: an adult-only 면세 item bought without 성인인증), and
    none when the amount was tampered with (what the page claimed as 면세 is unknown; the whole balance is
    cancelled, which the PG reverses in full)."""
    catalog = rules_catalog([WELCOME])
    catalog["products"][-1]["adult_only"] = True
    env = with_catalog(env, tmp_path, catalog)
    items = [{"sku": "RICE", "quantity": 1}, {"sku": "TEA", "quantity": 1}]
    honest = pay_with(sandbox, 40800, items=items, discount="WELCOME10")
    reply = verify(gage_verify, env, ref(honest))[1]
    assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", "identity_required", True), reply
    cancel = [json.loads(call["body"]) for call in sandbox.calls("/payments/cancel")][-1]
    assert cancel["imp_uid"] == honest["imp_uid"] and int(cancel["tax_free"]) == 27000
    tampered = pay_with(sandbox, 40000, items=items, discount="WELCOME10")
    assert verify(gage_verify, env, ref(tampered))[1]["reason"] == "amount_mismatch"
    cancel = [json.loads(call["body"]) for call in sandbox.calls("/payments/cancel")][-1]
    assert cancel["imp_uid"] == tampered["imp_uid"] and int(cancel.get("tax_free") or 0) == 0


def test_the_order_lookup_shows_the_code_its_discount_and_the_surcharge(gage_verify, env, sandbox, tmp_path):
    """The buyer's 주문조회 adds up like the cart did: 12,000 − 1,200 (WELCOME10) + 3,000 + 3,000 (제주) = 16,800."""
    env = with_catalog(env, tmp_path, rules_catalog([WELCOME], shipping=SURCHARGES))
    payment = pay_with(sandbox, 16800, discount="welcome10", buyer_postcode="63309")
    assert verify(gage_verify, env, ref(payment))[1]["status"] == "paid"
    status, _, reply = cgi(gage_verify, env, "/order", {"order": payment["merchant_uid"], "phone": BUYER["buyer_tel"]})
    order = reply["order"]
    assert status == 200 and (order["amount"], order["discount"], order["discount_code"], order["surcharge"]) == \
        (16800, 1200, "WELCOME10", 3000), reply
    plain = pay_with(sandbox, 15000)
    assert verify(gage_verify, env, ref(plain))[1]["status"] == "paid"
    _, _, reply = cgi(gage_verify, env, "/order", {"order": plain["merchant_uid"], "phone": BUYER["buyer_tel"]})
    assert not {"discount", "discount_code", "surcharge"} & set(reply["order"]), reply


def test_v1_a_refund_refused_with_its_tax_free_part_is_made_without_it(gage_verify, env, sandbox, tmp_path):
    """V1 keeps the tax-free part the page sent, which Gage cannot read back. When the PG refuses the cancel with
    Gage's figure (the page sent another), the whole balance is cancelled without one rather than left owed."""
    catalog = rules_catalog()
    catalog["products"][-1]["adult_only"] = True
    env = with_catalog(env, tmp_path, catalog)
    payment = pay_with(sandbox, 33000, items=[{"sku": "RICE", "quantity": 1}])      # 30,000 면세 + 3,000
    sandbox.fault("refused", path_prefix="/payments/cancel")
    reply = verify(gage_verify, env, ref(payment))[1]
    assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", "identity_required", True), reply
    calls = [json.loads(call["body"]) for call in sandbox.calls("/payments/cancel") if payment["imp_uid"] in call["body"]]
    assert [int(call.get("tax_free") or 0) for call in calls] == [30000, 0]
    assert sandbox.payment(payment["imp_uid"])["cancel_amount"] == 33000
