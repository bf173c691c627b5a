"""SPEC §9 through the real gage-verify binary and `gage orders reconcile`, on both ledgers: SKUs spelled any other
way are unknown items, and a shop renamed (base_url, order_prefix, shop id) keeps judging, refunding and
charging what its ledger already holds — exactly once."""
import hashlib
import json
import time
import unicodedata
import uuid

import pytest

from conftest import run
from ledger_db import LedgerDB
from providers import V1, V1_BILLING_PG
from test_subscriptions import AMOUNT, SUBSCRIBABLE, ITEMS, ledger_rows, subscribe, subscription_row
from verify_helpers import CATALOG, SHOP, order_id, ref, verify

SUBSCRIPTION_PREFIX = "shop-"


@pytest.fixture()
def v1(sandbox):
    """The V1 driver of the subscription suite, under an order prefix of its own."""
    global SUBSCRIPTION_PREFIX
    SUBSCRIPTION_PREFIX = "i" + uuid.uuid4().hex[:6] + "-"
    return V1(sandbox, SUBSCRIPTION_PREFIX)


@pytest.fixture()
def shop(ledger_env, tmp_path, v1):
    """The function's environment with a V1 shop selling subscriptions, its ledger on each backend in turn."""
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(dict(v1.catalog(SUBSCRIBABLE), order_prefix=SUBSCRIPTION_PREFIX), ensure_ascii=False))
    return v1.env({**ledger_env, "GAGE_CATALOG": str(catalog)})


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
    unknown = []
    for start in range(0, len(skus), 200):
        status, reply, log = verify(gage_verify, env, {"action": "stock", "skus": skus[start:start + 200]})
        assert status == 0, log
        assert reply["stock"] == {}
        unknown += reply["unknown"]
    assert unknown == skus
    status, reply, _ = verify(gage_verify, env, {"action": "stock", "skus": [p["sku"] for p in catalog["products"]]})
    assert reply["stock"] == {p["sku"]: 5 for p in catalog["products"]} and reply["unknown"] == []


# ---------------------------------------------------------------- renames


def rename(env, prefix, shop_id, base_url, version):
    catalog = json.loads(open(env["GAGE_CATALOG"]).read())
    catalog.update(order_prefix=prefix, shop=shop_id, base_url=base_url, version=version)
    write_catalog(env, catalog)


def test_a_renamed_shop_still_charges_refunds_and_reconciles_what_its_ledger_holds(gage, gage_verify, shop, v1, sandbox):
    old_prefix = SUBSCRIPTION_PREFIX
    _, reply, log = subscribe(gage_verify, shop, v1, v1.issue_key())
    assert reply["status"] == "subscribed", log
    sub_id, token = reply["subscription"]["id"], reply["manage_token"]

    # The second charge is refused (sold out at charge time) and its refund fails: a refund is owed.
    catalog = json.loads(open(shop["GAGE_CATALOG"]).read())
    catalog["products"][0]["stock"] = 0
    catalog["version"] = "sold-out"
    write_catalog(shop, catalog)
    [second] = v1.run_schedules()
    sandbox.fault("error500", path_prefix="/payments/cancel", count=1)
    _, answer, _ = v1.webhook(shop, second)
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
    [third] = v1.run_schedules()
    assert third["merchant_uid"] == f"{old_prefix}S{sub_id}-3"
    status, answer, log = v1.webhook(shop, third)
    assert status == 0 and answer["status"] == "paid" and answer["amount"] == AMOUNT, log
    live = [s["merchant_uid"] for s in v1.schedules(sub_id) if s["status"] == "scheduled"]
    assert live == [f"{old_prefix}S{sub_id}-4"]

    # The fourth's webhook is lost: reconcile records it once and charges nothing again.
    [fourth] = v1.run_schedules()
    for _ in range(2):
        result = run(gage, "orders", "reconcile", env=shop)
        assert result.returncode == 0, result.stderr
    orders = ledger_rows(shop, "SELECT merchant_uid, status FROM orders WHERE subscription_id = ? ORDER BY created_at",
                         sub_id)
    assert [(o["merchant_uid"][-2:], o["status"]) for o in orders] == [("-1", "paid"), ("-2", "rejected"), ("-3", "paid"),
                                                                              ("-4", "paid")]
    assert len(sandbox.calls("/subscribe/payments/again")) == 1
    assert not [s for s in sandbox.control("GET", "/schedules") if s["merchant_uid"].startswith("renamed-")]
    row = subscription_row(shop, sub_id)
    assert (row["status"], row["charge_sequence"]) == ("active", 5)

    # The buyer's manage link still shows and ends it.
    status, answer, _ = verify(gage_verify, shop, {"action": "subscription", "manage_token": token})
    assert status == 0 and answer["subscription"]["id"] == sub_id and len(answer["subscription"]["charges"]) >= 3
    status, answer, _ = verify(gage_verify, shop, {"action": "subscription", "manage_token": token, "cancel": True})
    assert status == 0 and answer["status"] == "cancelled"


def test_after_a_rename_a_page_built_before_it_is_still_judged_and_another_shop_is_not(gage_verify, shop, sandbox):
    """A buyer whose page carries the old prefix and shop id pays after the rename: judged, not ignored (no order, no
    refund). A payment under the old prefix that names another shop, or no shop, is still not this shop's."""
    old_prefix = SUBSCRIPTION_PREFIX
    tea = {"items": [{"sku": "TEA", "quantity": 1}], "shop": SHOP, "catalog": "test"}
    first = sandbox.create(merchant_uid=old_prefix + "a" * 12, amount=15000, pg="html5_inicis.INIpayTest", custom_data=tea)
    assert verify(gage_verify, shop, ref(first))[1]["status"] == "paid"      # the ledger learns the shop's name
    rename(shop, "renamed-", "shop-renamed", "https://www.shop.example.kr/", "renamed")
    late = sandbox.create(merchant_uid=old_prefix + "b" * 12, amount=15000, pg="html5_inicis.INIpayTest", custom_data=tea)
    _, answer, log = verify(gage_verify, shop, ref(late))
    assert answer["status"] == "paid", log
    tampered = sandbox.create(merchant_uid=old_prefix + "c" * 12, amount=100, pg="html5_inicis.INIpayTest", custom_data=tea)
    _, answer, _ = verify(gage_verify, shop, ref(tampered))
    assert (answer["status"], answer["reason"], answer["refunded"]) == ("rejected", "amount_mismatch", True)
    for custom in ({**tea, "shop": "othershop-000000"}, None):
        stray = sandbox.create(merchant_uid=old_prefix + "d" * 12, amount=15000, pg="html5_inicis.INIpayTest",
                               custom_data=custom)
        _, answer, _ = verify(gage_verify, shop, ref(stray))
        assert answer["status"] == "ignored"
    forged = sandbox.create(merchant_uid=f"{old_prefix}Sabcdefghij-2", amount=AMOUNT, pg=V1_BILLING_PG,
                            customer_uid="nobody")
    _, answer, _ = verify(gage_verify, shop, ref(forged))
    assert answer["status"] == "ignored"


# ---------------------------------------------------------------- check and hold before the window


LAST = {"sku": "LAST", "title": "마지막 한 병", "price": 18000, "url": "", "stock": 1, "max_quantity": None,
        "options": []}


def cgi(gage_verify, env, path, body=None, client="203.0.113.7", method="POST", query="", **headers):
    """One CGI request to the real binary: (status, headers, reply)."""
    raw = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
    cgi_env = {**env, "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": method, "PATH_INFO": path,
               "QUERY_STRING": query, "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(raw)),
               "REMOTE_ADDR": client}
    for name, value in headers.items():
        cgi_env["HTTP_" + name.upper()] = value
    result = run(gage_verify, input=raw.decode(), env=cgi_env, timeout=30)
    head, _, reply = result.stdout.partition("\n\n")     # text mode turned CRLF into LF
    lines = head.split("\n")
    return int(lines[0].split()[1]), {l.split(":")[0]: l.split(": ", 1)[1] for l in lines[1:] if ": " in l}, \
        json.loads(reply)


@pytest.fixture()
def last_one(ledger_env):
    """A shop with one bottle left of LAST (18,000 + 3,000 shipping)."""
    catalog = json.loads(json.dumps(CATALOG))
    catalog["products"].append(LAST)
    write_catalog(ledger_env, catalog)
    return ledger_env


def expire_holds(env):
    db = LedgerDB(env["GAGE_LEDGER"])
    db.execute("UPDATE holds SET expires_at = ?", (int(time.time()) - 1,))
    if not db.postgres:
        db.connection.commit()


def test_a_buyer_asking_for_more_than_is_left_is_refused_before_any_window(gage_verify, last_one, sandbox):
    """4 in the cart, 1 left: refused naming the product and what is left; nothing registered, nothing held."""
    status, _, reply = cgi(gage_verify, last_one, "/prepare", {"items": [{"sku": "LAST", "quantity": 4}]})
    assert status == 409
    assert (reply["ok"], reply["reason"], reply["sku"], reply["title"], reply["available"], reply["requested"]) == \
        (False, "sold_out", "LAST", "마지막 한 병", 1, 4)
    assert sandbox.calls("/payments/prepare") == []
    assert ledger_rows(last_one, "SELECT * FROM holds") == []
    status, _, reply = cgi(gage_verify, last_one, "/prepare", {"items": [{"sku": "BEAN", "quantity": 6,
                                                                          "options": {"분쇄도": "홀빈"}}]})
    assert (status, reply["reason"], reply["sku"], reply["limit"]) == (409, "quantity_limit", "BEAN", 5)
    status, _, reply = cgi(gage_verify, last_one, "/prepare", {"items": [{"sku": "LAST", "quantity": 0}]})
    assert status == 400


def test_prepare_holds_the_units_until_the_hold_expires(gage_verify, last_one, sandbox):
    status, _, first = cgi(gage_verify, last_one, "/prepare", {"items": [{"sku": "LAST", "quantity": 1}]})
    assert status == 200 and first["amount"] == 21000 and first["name"] == "마지막 한 병"
    assert 14 * 60 <= first["hold_until"] - time.time() <= 15 * 60
    assert sandbox.control("GET", "/prepared/" + first["merchant_uid"])["amount"] == "21000"
    # Another buyer now: none left, and the cart says so.
    status, _, second = cgi(gage_verify, last_one, "/prepare", {"items": [{"sku": "LAST", "quantity": 1}]},
                            client="198.51.100.20")
    assert (status, second["reason"], second["available"]) == (409, "sold_out", 0)
    status, _, stock = cgi(gage_verify, last_one, "/stock", method="GET", query="skus=LAST,BEAN,TEA,NOPE")
    assert status == 200 and stock["stock"] == {"LAST": 0, "BEAN": 10, "TEA": None} and stock["unknown"] == ["NOPE"]
    # The first buyer left without paying: the hold runs out and the bottle is for sale again.
    expire_holds(last_one)
    status, _, third = cgi(gage_verify, last_one, "/prepare", {"items": [{"sku": "LAST", "quantity": 1}]},
                           client="198.51.100.20")
    assert status == 200 and third["merchant_uid"] != first["merchant_uid"]


def test_a_payment_for_a_held_order_is_judged_against_its_own_hold(gage_verify, last_one, sandbox):
    status, _, held = cgi(gage_verify, last_one, "/prepare", {"items": [{"sku": "LAST", "quantity": 1}]})
    assert status == 200
    # A tampered page skipped /prepare and paid for the same bottle first: the hold wins, that payment is refunded.
    skipper = sandbox.create(merchant_uid=order_id(), amount=21000, pg="html5_inicis.INIpayTest",
                             custom_data={"items": [{"sku": "LAST", "quantity": 1}], "shop": SHOP, "catalog": "test"})
    _, reply, _ = verify(gage_verify, last_one, ref(skipper))
    assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", "sold_out", True)
    # The held order's payment is not refused because of its own hold.
    payment = sandbox.create(merchant_uid=held["merchant_uid"], amount=21000, pg="html5_inicis.INIpayTest",
                             custom_data={"items": [{"sku": "LAST", "quantity": 1}], "shop": SHOP, "catalog": "test"})
    code, reply, log = verify(gage_verify, last_one, ref(payment))
    assert code == 0 and reply["status"] == "paid", log
    # Decided: the order holds the bottle now, not the hold; nothing is counted twice.
    assert ledger_rows(last_one, "SELECT * FROM holds") == []
    _, _, stock = cgi(gage_verify, last_one, "/stock", {"skus": ["LAST"]})
    assert stock["stock"] == {"LAST": 0}


def test_of_many_buyers_preparing_the_last_unit_at_once_one_holds_it(gage_verify, last_one, sandbox):
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda n: cgi(gage_verify, last_one, "/prepare",
                                              {"items": [{"sku": "LAST", "quantity": 1}]}, client=f"192.0.2.{n}"),
                                range(12)))
    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [200] + [409] * 11, statuses
    [held] = ledger_rows(last_one, "SELECT * FROM hold_items")
    assert (held["sku"], held["quantity"]) == ("LAST", 1)


def test_one_client_cannot_hold_the_whole_stock(gage_verify, last_one, sandbox):
    answers = [cgi(gage_verify, last_one, "/prepare", {"items": [{"sku": "TEA", "quantity": 1}]}, client="192.0.2.77")
               for _ in range(6)]
    assert [status for status, _, _ in answers] == [200] * 5 + [429]
    assert int(answers[-1][1]["Retry-After"]) > 0
    assert cgi(gage_verify, last_one, "/prepare", {"items": [{"sku": "TEA", "quantity": 1}]},
               client="192.0.2.78")[0] == 200


def test_actions_that_cost_a_provider_call_are_limited_per_client(gage_verify, env, sandbox):
    statuses = [cgi(gage_verify, env, "/identity", {"imp_uid": "imp_000000000001"}, client="192.0.2.5")
                for _ in range(11)]
    assert [status for status, _, _ in statuses[:10]] == [200] * 10
    status, headers, reply = statuses[10]
    assert status == 429 and int(headers["Retry-After"]) > 0 and reply["ok"] is False
    assert cgi(gage_verify, env, "/identity", {"imp_uid": "imp_000000000001"}, client="192.0.2.6")[0] == 200
    # Behind a trusted proxy every buyer has their own count; an untrusted X-Forwarded-For changes nothing.
    proxied = {**env, "GAGE_TRUSTED_PROXIES": "10.0.0.0/8, ::1"}
    assert cgi(gage_verify, proxied, "/identity", {"imp_uid": "imp_000000000001"}, client="10.1.2.3",
               X_FORWARDED_FOR="192.0.2.5")[0] == 429
    assert cgi(gage_verify, proxied, "/identity", {"imp_uid": "imp_000000000001"}, client="10.1.2.3",
               X_FORWARDED_FOR="192.0.2.5, 198.51.100.9")[0] == 200
    assert cgi(gage_verify, env, "/identity", {"imp_uid": "imp_000000000001"}, client="192.0.2.5",
               X_FORWARDED_FOR="198.51.100.10")[0] == 429


def test_forty_concurrent_failed_lookups_get_no_more_answers_than_the_limit(gage_verify, ledger_env, sandbox):
    import concurrent.futures
    payment = sandbox.create(merchant_uid=order_id(), amount=15000, pg="html5_inicis.INIpayTest",
                             custom_data={"items": [{"sku": "TEA", "quantity": 1}], "shop": SHOP, "catalog": "test"},
                             buyer_tel="010-1234-5678")
    verify(gage_verify, ledger_env, ref(payment))
    with concurrent.futures.ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(lambda n: cgi(gage_verify, ledger_env, "/order",
                                              {"order": payment["merchant_uid"], "phone": f"010-0000-{n:04d}"},
                                              client=f"198.51.100.{n}"), range(40)))
    statuses = [status for status, _, _ in answers]
    assert statuses.count(404) == 5 and statuses.count(429) == 35, statuses


# ---------------------------------------------------------------- buyer text on the seller's screens


def test_buyer_text_with_control_characters_is_shown_made_visible(gage, gage_verify, env, sandbox):
    hostile = "홍길동\x1b[2J\x1b]0;pwned\x07\r결제완료\u202e"
    payment = sandbox.create(merchant_uid=order_id(), amount=15000, pg="html5_inicis.INIpayTest", name="녹차\x1b[31m",
                             custom_data={"items": [{"sku": "TEA", "quantity": 1}], "shop": SHOP, "catalog": "test"},
                             buyer_name=hostile, buyer_addr="서울\r\n종로구")
    _, reply, _ = verify(gage_verify, env, ref(payment))
    assert reply["status"] == "paid"
    for command in (["orders", "list"], ["orders", "show", payment["imp_uid"]]):
        result = run(gage, *command, "--ledger", env["GAGE_LEDGER"], env=env)
        assert result.returncode == 0, result.stderr
        shown = result.stdout
        assert "\x1b" not in shown and "\r" not in shown and "\x07" not in shown and "\u202e" not in shown
        assert "\\x1B[2J" in shown or "\\x1B[31m" in shown
    shown = run(gage, "orders", "show", payment["imp_uid"], "--ledger", env["GAGE_LEDGER"], env=env).stdout
    assert "홍길동\\x1B[2J\\x1B]0;pwned\\x07\\x0D결제완료\\u{202E}" in shown


def test_migration_7_remembers_the_names_and_subscriptions_of_a_ledger_in_use(gage_verify, ledger_env, sandbox):
    """A ledger at migration 6 with a subscription and a catalog served: after migration 7 the subscription keeps
    the prefix and shop id of the catalog it was priced with, and the shop's names are remembered."""
    assert verify(gage_verify, ledger_env, {"action": "stock", "skus": ["TEA"]})[0] == 0   # a ledger at 7
    db = LedgerDB(ledger_env["GAGE_LEDGER"])
    # Everything migration 7 and the later ones made goes, so the ledger is as a migration-6 one was: 10's token
    # columns, 9's pricing columns, then the tables of 8 and 7.
    db.execute("ALTER TABLE subscriptions DROP COLUMN mail_token")
    db.execute("ALTER TABLE subscriptions DROP COLUMN surcharge")
    db.execute("ALTER TABLE notifications DROP COLUMN secret")
    db.execute("DROP INDEX orders_by_discount_code")
    for column in ("discount_code", "discount", "surcharge", "tax_free"):
        db.execute(f"ALTER TABLE orders DROP COLUMN {column}")
    for table in ("hold_items", "holds", "client_requests", "shop_names", "refunds", "order_requests", "shipments"):
        db.execute(f"DROP TABLE {table}")
    db.execute("ALTER TABLE subscriptions DROP COLUMN order_prefix")
    db.execute("ALTER TABLE subscriptions DROP COLUMN shop")
    db.execute("DELETE FROM catalog_periods")
    db.execute("DELETE FROM catalog_versions")
    old = dict(json.loads(json.dumps(CATALOG)), version="old", order_prefix="old-", shop="shop-old")
    db.execute("INSERT INTO catalog_versions (version, catalog_json) VALUES (?, ?)", ("old", json.dumps(old)))
    db.execute("INSERT INTO subscriptions (id, customer_uid, manage_token, status, interval_spec, amount, currency, "
               "items_json, catalog_version, anchor_at, charge_sequence, charge_attempt, created_at, updated_at) "
               "VALUES ('abcdefghij', 'old-bk-1', ?, 'active', '4w', 36000, 'KRW', '[]', 'old', 1, 2, 1, 1, 1)",
               ("0" * 64,))
    if db.postgres:
        db.execute("UPDATE gage_schema SET version = 6")
    else:
        db.execute("PRAGMA user_version = 6")
        db.connection.commit()
    db.close()
    code, _, log = verify(gage_verify, ledger_env, {"action": "stock", "skus": ["TEA"]})
    assert code == 0, log   # migrates to 7, and on
    [row] = ledger_rows(ledger_env, "SELECT order_prefix, shop FROM subscriptions")
    assert (row["order_prefix"], row["shop"]) == ("old-", "shop-old")
    names = ledger_rows(ledger_env, "SELECT order_prefix, shop FROM shop_names ORDER BY order_prefix")
    assert [(n["order_prefix"], n["shop"]) for n in names] == [("old-", "shop-old")]
    # Migration 10: the manage token kept in clear is replaced by its SHA-256, and the buyer's link still opens it.
    [row] = ledger_rows(ledger_env, "SELECT manage_token FROM subscriptions")
    assert row["manage_token"] == "sha256:" + hashlib.sha256(b"0" * 64).hexdigest()
    status, reply, _ = verify(gage_verify, ledger_env, {"action": "subscription", "manage_token": "0" * 64})
    assert status == 0 and reply["subscription"]["id"] == "abcdefghij"


def test_virtual_accounts_count_against_their_clients_holds_not_twice_against_stock(gage_verify, last_one, sandbox):
    """An issued account keeps the units for days: the client that prepared it cannot gather more than five such
    holds, and the units are counted once (by the order) however long it waits."""
    client = "192.0.2.200"
    accounts = []
    for _ in range(5):
        status, _, held = cgi(gage_verify, last_one, "/prepare", {"items": [{"sku": "TEA", "quantity": 1}]},
                              client=client)
        assert status == 200
        account = sandbox.create(merchant_uid=held["merchant_uid"], amount=15000, pg="html5_inicis.INIpayTest",
                                 status="ready", pay_method="vbank",
                                 custom_data={"items": [{"sku": "TEA", "quantity": 1}], "shop": SHOP, "catalog": "test"})
        assert verify(gage_verify, last_one, ref(account))[1]["status"] == "awaiting_deposit"
        accounts.append(account)
    status, headers, _ = cgi(gage_verify, last_one, "/prepare", {"items": [{"sku": "TEA", "quantity": 1}]},
                             client=client)
    assert status == 429 and int(headers["Retry-After"]) > 0
    # The last bottle paid by virtual account: sold out for everyone while it waits, counted once.
    status, _, held = cgi(gage_verify, last_one, "/prepare", {"items": [{"sku": "LAST", "quantity": 1}]},
                          client="192.0.2.201")
    account = sandbox.create(merchant_uid=held["merchant_uid"], amount=21000, pg="html5_inicis.INIpayTest",
                             status="ready", pay_method="vbank",
                             custom_data={"items": [{"sku": "LAST", "quantity": 1}], "shop": SHOP, "catalog": "test"})
    assert verify(gage_verify, last_one, ref(account))[1]["status"] == "awaiting_deposit"
    _, _, stock = cgi(gage_verify, last_one, "/stock", {"skus": ["LAST"]}, client="192.0.2.202")
    assert stock["stock"] == {"LAST": 0}
    # Deposited: paid, and the hold's row is gone.
    sandbox.control("POST", f"/payments/{account['imp_uid']}/deposit")
    assert verify(gage_verify, last_one, {**ref(account), "action": "webhook"})[1]["status"] == "paid"
    assert ledger_rows(last_one, "SELECT * FROM holds WHERE merchant_uid = ?", account["merchant_uid"]) == []
    _, _, stock = cgi(gage_verify, last_one, "/stock", {"skus": ["LAST"]}, client="192.0.2.202")
    assert stock["stock"] == {"LAST": 0}


def test_a_subscribers_text_with_control_characters_is_shown_made_visible(gage, gage_verify, shop, v1):
    uid = v1.issue_key()
    body = {"action": "subscribe", "customer_uid": uid, "interval": "4w", "items": ITEMS,
            "buyer": {"name": "구독자\x1b[2J\r", "tel": "010-1234-5678", "addr": "서울\x9b31m"}}
    _, reply, log = verify(gage_verify, shop, body)
    assert reply["status"] == "subscribed", log
    for command in (["subscriptions", "list"], ["subscriptions", "show", reply["subscription"]["id"]]):
        result = run(gage, *command, "--ledger", shop["GAGE_LEDGER"], env=shop)
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout and "\r" not in result.stdout and "\x9b" not in result.stdout
    assert "구독자\\x1B[2J\\x0D" in result.stdout and "서울\\x9B31m" in result.stdout
