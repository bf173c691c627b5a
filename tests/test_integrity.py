"""SPEC §9 through the real gage-verify binary and `gage orders reconcile`, on both ledgers: SKUs spelled any other
way are unknown items, and a shop renamed (base_url, order_prefix, shop id) keeps judging, refunding and
charging what its ledger already holds — exactly once."""
import json
import time
import unicodedata

import pytest

from conftest import run
from ledger_db import LedgerDB
from test_subscriptions import (AMOUNT, issue_key, shop, ledger_rows, run_schedules, schedules, subscribe,
                                subscription_row, webhook)
from verify_helpers import CATALOG, SHOP, order_id, ref, verify
import test_subscriptions

SKU_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"


def look_alikes():
    """Every scalar outside ASCII that Unicode folds to one SKU character (NFKC, NFKD, case folding, or both)."""
    found = {}
    for value in range(0x80, 0x110000):
        character = chr(value)
        if unicodedata.category(character) == "Cs":
            continue
        for folded in (unicodedata.normalize("NFKC", character), unicodedata.normalize("NFKD", character),
                       character.casefold(), unicodedata.normalize("NFKC", character).casefold(),
                       unicodedata.normalize("NFD", character)[:1]):
            if len(folded) == 1 and folded in SKU_CHARACTERS:
                found[character] = folded
                break
    return found


def write_catalog(env, catalog):
    with open(env["GAGE_CATALOG"], "w") as file:
        json.dump(catalog, file, ensure_ascii=False)


# ---------------------------------------------------------------- spellings


def test_there_are_many_look_alikes_and_the_kelvin_sign_is_one():
    found = look_alikes()
    assert found["\u212a"] == "K" or found["\u212a"] == "k"
    assert found["\uff2b"] == "K"                  # FULLWIDTH LATIN CAPITAL LETTER K
    assert len(found) > 900, len(found)


def test_a_look_alike_sku_is_an_unknown_item_and_refunded_never_sold_past_stock(gage_verify, ledger_env, sandbox):
    """21 units of stock 3 were sold with U+212A in place of K: now every such payment is refused and refunded."""
    catalog = json.loads(json.dumps(CATALOG))
    catalog["products"].append({"sku": "KIT-K", "title": "키트", "price": 10000, "url": "", "stock": 3,
                                "max_quantity": None, "options": []})
    write_catalog(ledger_env, catalog)
    spellings = ["KIT-\u212a", "\u212aIT-K", "KIT-\uff2b", "KIT-K\u0301", "kit-k"]
    for sku in spellings:
        payment = sandbox.create(merchant_uid=order_id(), amount=13000, pg="html5_inicis.INIpayTest",
                                 custom_data={"items": [{"sku": sku, "quantity": 3}], "shop": SHOP, "catalog": "test"})
        status, reply, log = verify(gage_verify, ledger_env, ref(payment))
        assert status == 0, log
        assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", "unknown_item", True), sku
    # The real spelling still sells its three, and not one more.
    payment = sandbox.create(merchant_uid=order_id(), amount=33000, pg="html5_inicis.INIpayTest",
                             custom_data={"items": [{"sku": "KIT-K", "quantity": 3}], "shop": SHOP, "catalog": "test"})
    _, reply, _ = verify(gage_verify, ledger_env, ref(payment))
    assert reply["status"] == "paid" and [i["sku"] for i in reply["items"]] == ["KIT-K"]
    payment = sandbox.create(merchant_uid=order_id(), amount=13000, pg="html5_inicis.INIpayTest",
                             custom_data={"items": [{"sku": "KIT-K", "quantity": 1}], "shop": SHOP, "catalog": "test"})
    _, reply, _ = verify(gage_verify, ledger_env, ref(payment))
    assert (reply["status"], reply["reason"]) == ("rejected", "sold_out")
    rows = ledger_rows(ledger_env, "SELECT sku FROM order_items")
    assert {row["sku"] for row in rows} <= {"KIT-K"} | set(spellings)
    held = ledger_rows(ledger_env, "SELECT o.status AS status, i.sku AS sku, i.quantity AS quantity FROM order_items i "
                                   "JOIN orders o ON o.imp_uid = i.imp_uid WHERE o.status = 'paid'")
    assert sum(row["quantity"] for row in held) == 3 and {row["sku"] for row in held} == {"KIT-K"}


def test_no_look_alike_of_any_sku_character_names_a_product(gage_verify, env, tmp_path):
    """Every look-alike Unicode has for every SKU character, asked in one /stock request: none is a product."""
    catalog = json.loads(json.dumps(CATALOG))
    catalog["products"] = [{"sku": SKU_CHARACTERS[i:i + 16], "title": f"상품 {i}", "price": 1000, "url": "",
                            "stock": 5, "max_quantity": None, "options": []} for i in range(0, len(SKU_CHARACTERS), 16)]
    write_catalog(env, catalog)
    skus = []
    for character, folded in look_alikes().items():
        for product in catalog["products"]:
            if folded in product["sku"]:
                skus.append(product["sku"].replace(folded, character, 1))
    assert len(skus) > 900
    answered = {}
    for start in range(0, len(skus), 200):
        status, reply, log = verify(gage_verify, env, {"action": "stock", "skus": skus[start:start + 200]})
        assert status == 0, log
        answered.update(reply["stock"])
    assert answered and all(value == "unknown" for value in answered.values())
    status, reply, _ = verify(gage_verify, env, {"action": "stock", "skus": [p["sku"] for p in catalog["products"]]})
    assert all(reply["stock"][p["sku"]] == 5 for p in catalog["products"])


# ---------------------------------------------------------------- renames


def rename(env, prefix, shop_id, base_url, version):
    catalog = json.loads(open(env["GAGE_CATALOG"]).read())
    catalog.update(order_prefix=prefix, shop=shop_id, base_url=base_url, version=version)
    write_catalog(env, catalog)


def test_a_renamed_shop_still_charges_refunds_and_reconciles_what_its_ledger_holds(gage, gage_verify, shop, sandbox):
    old_prefix = test_subscriptions.PREFIX
    _, reply, log = subscribe(gage_verify, shop, issue_key(sandbox))
    assert reply["status"] == "subscribed", log
    sub_id, token = reply["subscription"]["id"], reply["manage_token"]

    # The second charge is refused (sold out at charge time) and its refund fails: a refund is owed.
    catalog = json.loads(open(shop["GAGE_CATALOG"]).read())
    catalog["products"][0]["stock"] = 0
    catalog["version"] = "sold-out"
    write_catalog(shop, catalog)
    [second] = run_schedules(sandbox)
    sandbox.fault("error500", path_prefix="/payments/cancel", count=1)
    _, answer, _ = webhook(gage_verify, shop, second)
    assert (answer["status"], answer["reason"], answer["refunded"]) == ("rejected", "sold_out", False)

    # The seller moves the shop to https://www. and a new order prefix and shop id; stock is back.
    catalog["products"][0]["stock"] = 100
    write_catalog(shop, catalog)
    rename(shop, "renamed-", "shop-renamed", "https://www.shop.example.kr/", "renamed")

    # The owed refund is retried and made.
    result = run(gage, "orders", "reconcile", env=shop)
    assert result.returncode == 0, result.stderr
    assert sandbox.payment(second["imp_uid"])["status"] == "cancelled"
    [row] = ledger_rows(shop, "SELECT refund_state FROM orders WHERE imp_uid = ?", second["imp_uid"])
    assert row["refund_state"] == "done"

    # The third charge, scheduled under the old prefix, is judged and recorded, and the fourth scheduled.
    [third] = run_schedules(sandbox)
    assert third["merchant_uid"] == f"{old_prefix}S{sub_id}-3"
    status, answer, log = webhook(gage_verify, shop, third)
    assert status == 0 and answer["status"] == "paid" and answer["amount"] == AMOUNT, log
    live = [s["merchant_uid"] for s in schedules(sandbox, sub_id) if s["schedule_status"] == "scheduled"]
    assert live == [f"{old_prefix}S{sub_id}-4"]

    # The fourth's webhook is lost: reconcile records it once and charges nothing again.
    [fourth] = run_schedules(sandbox)
    for _ in range(2):
        result = run(gage, "orders", "reconcile", env=shop)
        assert result.returncode == 0, result.stderr
    orders = ledger_rows(shop, "SELECT merchant_uid, status FROM orders WHERE subscription_id = ? ORDER BY created_at",
                         sub_id)
    assert [(o["merchant_uid"][-2:], o["status"]) for o in orders] == [("-1", "paid"), ("-2", "rejected"), ("-3", "paid"),
                                                                              ("-4", "paid")]
    assert len(sandbox.calls("/subscribe/payments/again")) == 1
    assert not [s for s in schedules(sandbox) if s["merchant_uid"].startswith("renamed-")]
    row = subscription_row(shop, sub_id)
    assert (row["status"], row["charge_sequence"]) == ("active", 5)

    # The buyer's manage link still shows and ends it.
    status, answer, _ = verify(gage_verify, shop, {"action": "subscription", "manage_token": token})
    assert status == 0 and answer["subscription"]["id"] == sub_id and len(answer["subscription"]["charges"]) >= 3
    status, answer, _ = verify(gage_verify, shop, {"action": "subscription", "manage_token": token, "cancel": True})
    assert status == 0 and answer["status"] == "cancelled"


def test_a_rename_takes_on_nothing_new_under_the_old_prefix(gage_verify, shop, sandbox):
    """Only what the ledger holds is kept: an unknown payment under the old prefix is somebody else's now."""
    old_prefix = test_subscriptions.PREFIX
    rename(shop, "renamed-", "shop-renamed", "https://www.shop.example.kr/", "renamed")
    stray = sandbox.create(merchant_uid=old_prefix + "x" * 12, amount=15000, pg="html5_inicis.INIpayTest",
                           custom_data={"items": [{"sku": "TEA", "quantity": 1}], "shop": "shop-renamed"})
    _, answer, _ = verify(gage_verify, shop, ref(stray))
    assert answer["status"] == "ignored"
    forged = sandbox.create(merchant_uid=f"{old_prefix}Sabcdefghij-2", amount=AMOUNT, pg=test_subscriptions.BILLING_PG,
                            customer_uid="nobody")
    _, answer, _ = verify(gage_verify, shop, ref(forged))
    assert answer["status"] == "ignored"
