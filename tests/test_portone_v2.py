"""PortOne V2: gage-verify judges V2 payments with the V1 decision table through its V2 adapter, takes only webhooks
whose Standard Webhooks signature verifies, answers PortOne's confirm request, and the V2 stand-in is checked against
PortOne's own OpenAPI schema and Python server SDK (an independent client and the reference signature verifier)."""
import base64
import hashlib
import hmac
import json
import os
import pathlib
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import jsonschema
import pytest
from portone_server_sdk import PortOneClient, webhook

from conftest import ROOT, built, run
from portone_v2_kit import BUYER, CARD_CHANNEL, OPENAPI, STORE, V2_SECRET, VBANK_CHANNEL
from verify_helpers import BEANS, CATALOG, SHOP, TEA


def v2_catalog():
    catalog = json.loads(json.dumps(CATALOG))
    catalog["payment"] = {"provider": "portone", "store_id": STORE, "pay_methods": ["CARD", "VIRTUAL_ACCOUNT"],
                          "channel_keys": {"CARD": CARD_CHANNEL, "VIRTUAL_ACCOUNT": VBANK_CHANNEL}}
    return catalog


@pytest.fixture()
def v2_env(tmp_path, v2_server):
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(v2_catalog(), ensure_ascii=False))
    return {"PATH": os.environ["PATH"], "PORTONE_API_SECRET": V2_SECRET, "PORTONE_API_URL": v2_server.url,
            "PORTONE_WEBHOOK_SECRET": v2_server.webhook_secret, "GAGE_CATALOG": str(catalog),
            "GAGE_LEDGER": str(tmp_path / "orders.sqlite"), "IAMPORT_TIMEOUT": "3", "GAGE_CACHE_DIR": "off"}


def verify(env, body):
    result = run(built("gage-verify"), input=json.dumps(body), env=env, timeout=30)
    return result.returncode, json.loads(result.stdout), result.stderr


def cgi(env, path, body, headers=None):
    """One CGI request to the real binary: (status, reply)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    cgi_env = {**env, "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "POST", "PATH_INFO": path,
               "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(raw)), "REMOTE_ADDR": "127.0.0.1"}
    for name, value in (headers or {}).items():
        cgi_env["HTTP_" + name.upper().replace("-", "_")] = value
    result = subprocess.run([str(built("gage-verify"))], input=raw, env=cgi_env, capture_output=True, timeout=30)
    head, _, payload = result.stdout.partition(b"\r\n\r\n")
    status = int(head.split(b"\r\n")[0].split()[1])
    return status, json.loads(payload), result.stderr.decode()


def deliver(env, delivery):
    return cgi(env, "/webhook", delivery["body"].encode(), delivery["headers"])


def ledger_count(env):
    import sqlite3
    path = env["GAGE_LEDGER"]
    if not os.path.exists(path):
        return 0
    with sqlite3.connect(path) as db:
        return db.execute("SELECT COUNT(*) FROM orders").fetchone()[0]


# --------------------------------------------------------------------------- the decision table through V2

def test_paid_card_payment_is_paid(v2_server, v2_env):
    payment = v2_server.pay(40000)
    code, reply, log = verify(v2_env, {"payment_id": payment["id"]})
    assert code == 0 and reply["status"] == "paid" and reply["amount"] == 40000
    assert reply["merchant_uid"] == payment["id"] and reply["items"][0]["sku"] == "BEAN"
    assert V2_SECRET not in log and BUYER["name"] not in json.dumps(reply)
    call = [c for c in v2_server.calls() if c["path"] == "/payments/" + payment["id"]][-1]
    assert call["authorization"] == "PortOne " + V2_SECRET


def test_tampered_amount_is_refunded_with_the_cancellable_amount_as_checksum(v2_server, v2_env):
    payment = v2_server.pay(1000)
    code, reply, _ = verify(v2_env, {"payment_id": payment["id"]})
    assert reply["status"] == "rejected" and reply["reason"] == "amount_mismatch" and reply["refunded"] is True
    assert reply["expected_amount"] == 40000
    assert v2_server.payment(payment["id"])["status"] == "CANCELLED"
    cancel = [c for c in v2_server.calls() if c["path"].endswith("/cancel")][-1]
    assert json.loads(cancel["body"])["currentCancellableAmount"] == 1000
    # A later look answers from the ledger: still rejected, refunded once.
    _, again, _ = verify(v2_env, {"payment_id": payment["id"]})
    assert again["status"] == "rejected" and again["refunded"] is True
    assert len([c for c in v2_server.calls() if c["path"] == "/payments/" + payment["id"] + "/cancel"]) == 1


@pytest.mark.parametrize("items, amount, reason", [
    ([{"sku": "NOPE", "quantity": 1}], 15000, "unknown_item"),
    ([{"sku": "GONE", "quantity": 1}], 12000, "sold_out"),
])
def test_unpriceable_orders_are_rejected_and_refunded(v2_server, v2_env, items, amount, reason):
    payment = v2_server.pay(amount, items=items)
    _, reply, _ = verify(v2_env, {"payment_id": payment["id"]})
    assert reply["status"] == "rejected" and reply["reason"] == reason and reply["refunded"] is True
    assert v2_server.payment(payment["id"])["status"] == "CANCELLED"


def test_a_channel_the_shop_does_not_use_is_refused(v2_server, v2_env):
    payment = v2_server.pay(40000, channel="channel-key-someone-else")
    _, reply, _ = verify(v2_env, {"payment_id": payment["id"]})
    assert reply["status"] == "rejected" and reply["reason"] == "channel_mismatch" and reply["refunded"] is True


def test_a_card_payment_through_the_virtual_account_channel_is_refused(v2_server, v2_env):
    payment = v2_server.pay(40000, channel=VBANK_CHANNEL)
    _, reply, _ = verify(v2_env, {"payment_id": payment["id"]})
    assert reply["status"] == "rejected" and reply["reason"] == "channel_mismatch"


def test_another_shops_or_stores_payment_is_ignored_and_not_recorded(v2_server, v2_env):
    other_prefix = v2_server.pay(40000, payment_id="other-" + uuid.uuid4().hex[:8])
    other_shop = v2_server.pay(40000, shop="someone-else")
    other_store = v2_server.pay(40000, store_id="store-11111111-1111-4111-8111-111111111111")
    for payment in (other_prefix, other_shop, other_store):
        _, reply, _ = verify(v2_env, {"payment_id": payment["id"]})
        assert reply["status"] == "ignored"
        assert v2_server.payment(payment["id"])["status"] == "PAID"
    assert ledger_count(v2_env) == 0


def test_virtual_account_waits_then_the_deposit_webhook_makes_it_paid(v2_server, v2_env):
    payment = v2_server.pay(40000, status="VIRTUAL_ACCOUNT_ISSUED", method="VIRTUAL_ACCOUNT", channel=VBANK_CHANNEL,
                            vbank_due=int(time.time()) + 86400)
    _, reply, _ = verify(v2_env, {"payment_id": payment["id"]})
    assert reply["status"] == "awaiting_deposit" and reply["vbank"]["number"].startswith("56211")
    v2_server.control("POST", f"/payments/{payment['id']}/deposit")
    status, after, _ = deliver(v2_env, v2_server.delivery(payment["id"], "Transaction.Paid"))
    assert status == 200 and after["status"] == "paid" and after["amount"] == 40000


def test_an_expired_virtual_account_is_closed_with_portone(v2_server, v2_env):
    issued = int(time.time()) - 80 * 3600
    payment = v2_server.pay(40000, status="VIRTUAL_ACCOUNT_ISSUED", method="VIRTUAL_ACCOUNT", channel=VBANK_CHANNEL,
                            requested_at=issued, vbank_due=issued + 3600)
    _, reply, _ = verify(v2_env, {"payment_id": payment["id"]})
    assert reply["status"] == "expired"
    assert v2_server.payment(payment["id"])["status"] == "CANCELLED"
    assert any(c["path"].endswith("/virtual-account/close") for c in v2_server.calls())


def test_a_partial_cancel_keeps_the_order_paid_with_the_cancelled_amount(v2_server, v2_env):
    payment = v2_server.pay(40000)
    assert verify(v2_env, {"payment_id": payment["id"]})[1]["status"] == "paid"
    v2_server.control("POST", f"/payments/{payment['id']}/cancel", {"amount": 18500, "reason": "한 봉 품절"})
    status, reply, _ = deliver(v2_env, v2_server.delivery(payment["id"], "Transaction.PartialCancelled"))
    assert status == 200 and reply["status"] == "paid" and reply["cancelled_amount"] == 18500
    v2_server.control("POST", f"/payments/{payment['id']}/cancel", {"reason": "나머지 취소"})
    _, reply, _ = deliver(v2_env, v2_server.delivery(payment["id"], "Transaction.Cancelled"))
    assert reply["status"] == "cancelled"


def test_an_open_or_failed_window_is_not_paid(v2_server, v2_env):
    ready = v2_server.pay(40000, status="READY")
    assert verify(v2_env, {"payment_id": ready["id"]})[1]["status"] == "unpaid"
    failed = v2_server.pay(40000, status="FAILED")
    assert verify(v2_env, {"payment_id": failed["id"]})[1]["status"] == "failed"


def test_the_redirect_query_is_accepted_and_unknown_payments_are_404(v2_server, v2_env):
    payment = v2_server.pay(15000, items=TEA)
    query = f"paymentId={payment['id']}&code=&message="
    result = subprocess.run([str(built("gage-verify"))], env={**v2_env, "GATEWAY_INTERFACE": "CGI/1.1",
                            "REQUEST_METHOD": "GET", "PATH_INFO": "", "QUERY_STRING": query},
                            capture_output=True, timeout=30)
    assert b"Status: 200" in result.stdout and b'"status":"paid"' in result.stdout
    code, reply, _ = verify(v2_env, {"payment_id": "shop-doesnotexist"})
    assert code == 2 and reply == {"ok": False, "error": "PortOne knows no payment with this payment_id"}
    code, reply, _ = verify(v2_env, {"payment_id": "../../etc/passwd"})
    assert code == 2 and reply["ok"] is False


def test_prepare_pre_registers_the_amount_so_portone_refuses_another(v2_server, v2_env):
    code, reply, _ = verify(v2_env, {"action": "prepare", "items": BEANS})
    assert code == 0 and reply["amount"] == 40000 and reply["merchant_uid"].startswith("shop-")
    registered = [c for c in v2_server.calls() if c["path"].endswith("/pre-register")][-1]
    assert json.loads(registered["body"])["totalAmount"] == 40000
    tampered = v2_server.pay(1000, payment_id=reply["merchant_uid"])
    assert tampered["status"] == "FAILED"


def test_a_v2_shop_without_its_secret_is_a_configuration_error(v2_env):
    env = {k: v for k, v in v2_env.items() if not k.startswith("PORTONE_")}
    code, reply, log = verify(env, {"payment_id": "shop-x"})
    assert code == 3 and reply["ok"] is False
    assert "PORTONE_API_SECRET" in log and "not set" in log


def test_a_v2_shop_given_only_v1_keys_names_the_v2_secret(v2_env):
    env = {k: v for k, v in v2_env.items() if not k.startswith("PORTONE_")}
    env.update({"IAMPORT_API_KEY": "key", "IAMPORT_API_SECRET": "secret"})
    code, reply, log = verify(env, {"payment_id": "shop-x"})
    assert code == 3 and reply["ok"] is False
    assert "PORTONE_API_SECRET is not set" in log


# --------------------------------------------------------------------------- signatures

def signed(secret, body, msg_id="msg_1", timestamp=None):
    key = base64.b64decode(secret.removeprefix("whsec_"))
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return {"webhook-id": msg_id, "webhook-timestamp": timestamp,
            "webhook-signature": "v1," + base64.b64encode(mac).decode()}


WRONG_SECRET = "whsec_" + base64.b64encode(b"not the shop's webhook key......").decode()


def signature_cases(v2_server, body):
    """(name, headers, body, accepted): the table both gage-verify and the official SDK are run through."""
    good = signed(v2_server.webhook_secret, body, msg_id="msg_" + uuid.uuid4().hex)
    other = signed(v2_server.webhook_secret, body, msg_id="msg_" + uuid.uuid4().hex)
    return [
        ("valid", good, body, True),
        ("several signatures, one valid", {**other, "webhook-signature": "v1,AAAA v2,xyz " + other["webhook-signature"]},
         body, True),
        ("wrong secret", signed(WRONG_SECRET, body), body, False),
        ("body changed by one byte", signed(v2_server.webhook_secret, body), body[:-2] + b" }", False),
        ("six minutes old", signed(v2_server.webhook_secret, body, timestamp=int(time.time()) - 360), body, False),
        ("six minutes ahead", signed(v2_server.webhook_secret, body, timestamp=int(time.time()) + 360), body, False),
        ("no signature header", {k: v for k, v in good.items() if k != "webhook-signature"}, body, False),
        ("no id header", {k: v for k, v in good.items() if k != "webhook-id"}, body, False),
        ("only a v2 entry", {**good, "webhook-signature": good["webhook-signature"].replace("v1,", "v2,")}, body, False),
    ]


def test_webhook_signatures_are_checked_before_anything_is_fetched(v2_server, v2_env):
    payment = v2_server.pay(40000)
    body = json.dumps({"type": "Transaction.Paid", "timestamp": "2026-11-24T00:00:00Z",
                       "data": {"storeId": STORE, "paymentId": payment["id"], "transactionId": "tx"}}).encode()
    for name, headers, raw, accepted in signature_cases(v2_server, body):
        before = len(v2_server.calls())
        status, reply, _ = cgi(v2_env, "/webhook", raw, headers)
        fetched = len(v2_server.calls()) > before
        if accepted:
            assert status == 200 and reply["status"] == "paid", name
        else:
            assert status == 401 and reply == {"ok": False, "error": "the webhook signature does not verify"}, name
            assert not fetched, name


def test_the_official_sdk_agrees_with_the_signature_table(v2_server):
    body = json.dumps({"type": "Transaction.Paid", "timestamp": "2026-11-24T00:00:00Z",
                       "data": {"storeId": STORE, "paymentId": "shop-x", "transactionId": "tx"}}).encode()
    for name, headers, raw, accepted in signature_cases(v2_server, body):
        try:
            webhook.verify(v2_server.webhook_secret, raw.decode(), headers)
            verified = True
        except webhook.WebhookVerificationError:
            verified = False
        assert verified == accepted, name


def test_the_official_sdk_verifies_the_stand_ins_deliveries(v2_server):
    payment = v2_server.pay(40000)
    delivery = v2_server.delivery(payment["id"], "Transaction.Paid")
    event = webhook.verify(v2_server.webhook_secret, delivery["body"], delivery["headers"])
    assert type(event).__name__ == "WebhookTransactionPaid" and event.data.payment_id == payment["id"]


def test_a_replayed_delivery_is_refused(v2_server, v2_env):
    payment = v2_server.pay(40000)
    delivery = v2_server.delivery(payment["id"], "Transaction.Paid")
    assert deliver(v2_env, delivery)[0] == 200
    status, reply, log = deliver(v2_env, delivery)
    assert status == 401 and "replay" in log
    # PortOne's own retry signs anew (new timestamp): taken, and answered from the ledger.
    retry = v2_server.delivery(payment["id"], "Transaction.Paid", webhook_id=delivery["headers"]["webhook-id"],
                               timestamp=int(delivery["headers"]["webhook-timestamp"]) + 1)
    status, reply, _ = deliver(v2_env, retry)
    assert status == 200 and reply["status"] == "paid"


def test_unknown_event_types_are_acknowledged_and_ignored(v2_server, v2_env):
    payment = v2_server.pay(40000)
    status, reply, _ = deliver(v2_env, v2_server.delivery(payment["id"], "BillingKey.Issued"))
    assert status == 200 and reply == {"ok": True, "status": "ignored"}
    assert ledger_count(v2_env) == 0


def test_stdin_mode_takes_a_signed_webhook_from_the_watchdogs_headers(v2_server, v2_env):
    payment = v2_server.pay(40000)
    delivery = v2_server.delivery(payment["id"], "Transaction.Paid")
    env = {**v2_env, **{"Http_" + k.title().replace("-", "_"): v for k, v in delivery["headers"].items()}}
    result = run(built("gage-verify"), input=delivery["body"], env=env, timeout=30)
    assert result.returncode == 0 and json.loads(result.stdout)["status"] == "paid"
    env["Http_Webhook_Signature"] = "v1," + base64.b64encode(b"x" * 32).decode()
    result = run(built("gage-verify"), input=delivery["body"], env=env, timeout=30)
    assert result.returncode == 2 and json.loads(result.stdout)["ok"] is False


# --------------------------------------------------------------------------- confirm

def test_confirm_approves_only_an_order_that_checks_out(v2_server, v2_env):
    good = v2_server.pay(40000, status="PAY_PENDING", channel=CARD_CHANNEL, method="CARD")
    status, reply, _ = cgi(v2_env, "/confirm", **_delivery_args(v2_server.delivery(good["id"], "Transaction.Confirm")))
    assert status == 200 and reply["status"] == "confirmed" and reply["amount"] == 40000
    tampered = v2_server.pay(1000, status="PAY_PENDING")
    status, reply, _ = cgi(v2_env, "/confirm", **_delivery_args(v2_server.delivery(tampered["id"], "Transaction.Confirm")))
    assert status == 409 and reply["reason"] == "amount_mismatch" and reply["errorMessage"]
    sold_out = v2_server.pay(12000, items=[{"sku": "GONE", "quantity": 1}], status="PAY_PENDING")
    status, reply, _ = cgi(v2_env, "/confirm", **_delivery_args(v2_server.delivery(sold_out["id"], "Transaction.Confirm")))
    assert status == 409 and reply["reason"] == "sold_out"
    # Nothing is recorded at confirm; the approved payment is judged when it is paid.
    assert ledger_count(v2_env) == 0
    unsigned = v2_server.delivery(good["id"], "Transaction.Confirm")
    status, _, _ = cgi(v2_env, "/confirm", unsigned["body"].encode(), {})
    assert status == 401


def test_of_two_buyers_confirming_the_last_unit_one_is_approved_and_the_other_refused(v2_server, v2_env):
    """SPEC §9: an approved order holds its units until its payment is decided, so nothing charged needs refunding."""
    import concurrent.futures
    catalog = v2_catalog()
    catalog["products"].append({"sku": "LAST", "title": "마지막 한 병", "price": 18000, "url": "", "stock": 1,
                                "max_quantity": None, "options": []})
    pathlib.Path(v2_env["GAGE_CATALOG"]).write_text(json.dumps(catalog, ensure_ascii=False))
    last = [{"sku": "LAST", "quantity": 1}]
    buyers = [v2_server.pay(21000, items=last, status="PAY_PENDING") for _ in range(2)]
    deliveries = [_delivery_args(v2_server.delivery(b["id"], "Transaction.Confirm")) for b in buyers]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda d: cgi(v2_env, "/confirm", **d), deliveries))
    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [200, 409], answers
    approved = buyers[[status for status, _, _ in answers].index(200)]
    refused = answers[[status for status, _, _ in answers].index(409)][1]
    assert refused["reason"] == "sold_out" and refused["errorMessage"]
    # PortOne asking again for the approved one is approved again: its own hold does not count against it.
    status, _, _ = cgi(v2_env, "/confirm", **_delivery_args(v2_server.delivery(approved["id"], "Transaction.Confirm")))
    assert status == 200
    import sqlite3
    with sqlite3.connect(v2_env["GAGE_LEDGER"]) as db:
        assert db.execute("SELECT merchant_uid, door FROM holds").fetchall() == [(approved["id"], "confirm")]
    # PortOne approves it; its webhook is judged paid, and the order holds the unit instead of the hold.
    v2_server.control("POST", f"/payments/{approved['id']}/pay")
    status, reply, log = deliver(v2_env, v2_server.delivery(approved["id"]))
    assert status == 200 and reply["status"] == "paid", log
    with sqlite3.connect(v2_env["GAGE_LEDGER"]) as db:
        assert db.execute("SELECT COUNT(*) FROM holds").fetchone()[0] == 0


def _delivery_args(delivery):
    return {"body": delivery["body"].encode(), "headers": delivery["headers"]}


# --------------------------------------------------------------------------- the stand-in against PortOne's own material

@pytest.fixture(scope="module")
def openapi():
    """The official V2 OpenAPI document, its discriminators made JSON Schema: OpenAPI's `discriminator` picks a
    `oneOf` variant by a property's value, which plain JSON Schema does not know, so each mapped variant is pinned
    to its value (otherwise a card matches every method variant that only requires `type`)."""
    assert OPENAPI.exists(), f"{OPENAPI} is missing: run scripts/setup (it unpacks portone-mcp-server there)"
    document = json.loads(OPENAPI.read_text())
    schemas = document["components"]["schemas"]
    for schema in list(schemas.values()):
        discriminator = schema.get("discriminator")
        if not discriminator or "mapping" not in discriminator:
            continue
        name = discriminator["propertyName"]
        for value, ref in discriminator["mapping"].items():
            variant = schemas[ref.split("/")[-1]]
            variant.setdefault("properties", {})[name] = {"enum": [value]}
    return document


@pytest.mark.parametrize("status, variant, extra", [
    ("PAID", "PaidPayment", {}),
    ("READY", "ReadyPayment", {}),
    ("FAILED", "FailedPayment", {}),
    ("VIRTUAL_ACCOUNT_ISSUED", "VirtualAccountIssuedPayment", {"method": "VIRTUAL_ACCOUNT", "channel": VBANK_CHANNEL}),
    ("PARTIAL_CANCELLED", "PartialCancelledPayment", {}),
    ("CANCELLED", "CancelledPayment", {}),
])
def test_stand_in_payments_match_the_official_v2_schema(v2_server, openapi, status, variant, extra):
    created = v2_server.pay(40000, status="PAID" if "CANCELLED" in status else status, **extra)
    if status == "PARTIAL_CANCELLED":
        v2_server.control("POST", f"/payments/{created['id']}/cancel", {"amount": 1000})
    if status == "CANCELLED":
        v2_server.control("POST", f"/payments/{created['id']}/cancel", {})
    payment = v2_server.payment(created["id"])
    assert payment["status"] == status
    validator = jsonschema.Draft7Validator({**openapi, "$ref": f"#/components/schemas/{variant}"})
    errors = sorted(validator.iter_errors(payment), key=str)
    assert not errors, errors[0]


def test_stand_in_errors_and_cancels_match_the_official_v2_schema(v2_server, openapi):
    def check(value, name):
        errors = list(jsonschema.Draft7Validator({**openapi, "$ref": f"#/components/schemas/{name}"}).iter_errors(value))
        assert not errors, (name, errors[0])
    try:
        v2_server.payment("shop-missing")
    except urllib.error.HTTPError as error:
        assert error.code == 404
        check(json.loads(error.read()), "PaymentNotFoundError")
    created = v2_server.pay(40000)
    answer = v2_server.api("POST", f"/payments/{created['id']}/cancel",
                           {"reason": "test", "currentCancellableAmount": 40000})
    check(answer, "CancelPaymentResponse")


def test_the_official_sdk_reads_the_stand_in(v2_server):
    client = PortOneClient(secret=V2_SECRET, base_url=v2_server.url)
    paid = v2_server.pay(40000)
    payment = client.payment.get_payment(payment_id=paid["id"])
    assert type(payment).__name__ == "PaidPayment"
    assert payment.amount.total == 40000 and payment.channel.key == CARD_CHANNEL
    account = v2_server.pay(40000, status="VIRTUAL_ACCOUNT_ISSUED", method="VIRTUAL_ACCOUNT", channel=VBANK_CHANNEL)
    issued = client.payment.get_payment(payment_id=account["id"])
    assert type(issued).__name__ == "VirtualAccountIssuedPayment" and issued.method.account_number
    with pytest.raises(Exception) as missing:
        client.payment.get_payment(payment_id="shop-missing")
    assert "NotFound" in type(missing.value).__name__


def _schema_errors(openapi, name, value):
    return sorted(jsonschema.Draft7Validator({**openapi, "$ref": f"#/components/schemas/{name}"}).iter_errors(value), key=str)


def test_stand_in_billing_keys_schedules_and_verifications_match_the_official_v2_schema(v2_server, openapi):
    key = v2_server.control("POST", "/billing-keys", {"customer_id": "buyer-1"})["billingKey"]
    checked = [("IssuedBillingKeyInfo", v2_server.api("GET", f"/billing-keys/{key}"))]
    payment_id = "shop-" + uuid.uuid4().hex[:12]
    charge = {"billingKey": key, "orderName": "[정기배송] 원두", "amount": {"total": 36000}, "currency": "KRW",
              "customData": "{}"}
    checked.append(("PayWithBillingKeyResponse", v2_server.api("POST", f"/payments/{payment_id}/billing-key", charge)))
    paid = v2_server.payment(payment_id)
    checked.append(("PaidPayment", paid))
    assert paid["billingKey"] == key and paid["channel"]["key"] == "channel-key-sandbox-billing"
    next_id = "shop-" + uuid.uuid4().hex[:12]
    created = v2_server.api("POST", f"/payments/{next_id}/schedule",
                            {"payment": charge, "timeToPay": "2030-01-01T00:00:00Z"})
    checked.append(("CreatePaymentScheduleResponse", created))
    listing = v2_server.api("GET", "/payment-schedules?requestBody=" + urllib.parse.quote(
        json.dumps({"filter": {"billingKey": key}})))
    checked.append(("GetPaymentSchedulesResponse", listing))
    checked.append(("ScheduledPaymentSchedule", listing["items"][0]))
    revoked = v2_server.api("DELETE", "/payment-schedules?requestBody=" + urllib.parse.quote(json.dumps({"billingKey": key})))
    checked.append(("RevokePaymentSchedulesResponse", revoked))
    assert revoked["revokedScheduleIds"] == [created["schedule"]["id"]]
    checked.append(("RevokedPaymentSchedule", v2_server.api("GET", f"/payment-schedules/{created['schedule']['id']}")))
    checked.append(("DeleteBillingKeyResponse", v2_server.api("DELETE", f"/billing-keys/{key}")))
    checked.append(("DeletedBillingKeyInfo", v2_server.api("GET", f"/billing-keys/{key}")))
    for status, variant in (("VERIFIED", "VerifiedIdentityVerification"), ("FAILED", "FailedIdentityVerification")):
        identity_id = "shop-" + uuid.uuid4().hex[:12] + "-iv"
        v2_server.control("POST", "/identity-verifications", {"id": identity_id, "status": status})
        checked.append((variant, v2_server.api("GET", f"/identity-verifications/{identity_id}")))
    for name, value in checked:
        errors = _schema_errors(openapi, name, value)
        assert not errors, (name, errors[0])
    for path, name, code in ((f"/billing-keys/billing-key-missing", "BillingKeyNotFoundError", 404),
                             ("/identity-verifications/shop-missing-iv", "IdentityVerificationNotFoundError", 404)):
        with pytest.raises(urllib.error.HTTPError) as failed:
            v2_server.api("GET", path)
        assert failed.value.code == code
        assert not _schema_errors(openapi, name, json.loads(failed.value.read()))


def test_a_declined_billing_key_charge_is_a_pg_provider_error_and_a_failed_payment(v2_server, openapi):
    key = v2_server.control("POST", "/billing-keys", {})["billingKey"]
    v2_server.control("POST", "/declines", {"billing_key": key, "message": "[2116]개인 월 한도금액 초과"})
    payment_id = "shop-" + uuid.uuid4().hex[:12]
    with pytest.raises(urllib.error.HTTPError) as declined:
        v2_server.api("POST", f"/payments/{payment_id}/billing-key",
                      {"billingKey": key, "orderName": "원두", "amount": {"total": 1000}, "currency": "KRW"})
    body = json.loads(declined.value.read())
    assert declined.value.code == 502 and body["type"] == "PG_PROVIDER" and "한도" in body["pgMessage"]
    assert not _schema_errors(openapi, "PgProviderError", body)
    failed = v2_server.payment(payment_id)
    assert failed["status"] == "FAILED" and failed["billingKey"] == key
    assert not _schema_errors(openapi, "FailedPayment", failed)


def test_the_official_sdk_drives_billing_keys_schedules_and_verifications(v2_server):
    from portone_server_sdk.common import PaymentAmountInput
    from portone_server_sdk.payment.payment_schedule import BillingKeyPaymentScheduleInput, PaymentScheduleFilterInput
    client = PortOneClient(secret=V2_SECRET, base_url=v2_server.url, store_id=STORE)
    key = v2_server.control("POST", "/billing-keys", {})["billingKey"]
    info = client.payment.billing_key.get_billing_key_info(billing_key=key)
    assert type(info).__name__ == "IssuedBillingKeyInfo" and info.channels[0].key == "channel-key-sandbox-billing"
    payment_id = "shop-" + uuid.uuid4().hex[:12]
    paid = client.payment.pay_with_billing_key(payment_id=payment_id, billing_key=key, order_name="원두",
                                               amount=PaymentAmountInput(total=5000), currency="KRW")
    assert paid.payment.pg_tx_id and client.payment.get_payment(payment_id=payment_id).amount.total == 5000
    next_id = "shop-" + uuid.uuid4().hex[:12]
    created = client.payment.payment_schedule.create_payment_schedule(
        payment_id=next_id, time_to_pay="2030-01-01T00:00:00Z",
        payment=BillingKeyPaymentScheduleInput(billing_key=key, order_name="원두", amount=PaymentAmountInput(total=5000),
                                               currency="KRW"))
    listed = client.payment.payment_schedule.get_payment_schedules(filter=PaymentScheduleFilterInput(billing_key=key))
    assert [(s.id, s.payment_id, type(s).__name__) for s in listed.items] == [
        (created.schedule.id, next_id, "ScheduledPaymentSchedule")]
    with pytest.raises(Exception) as twice:                      # one schedule per paymentId
        client.payment.payment_schedule.create_payment_schedule(
            payment_id=next_id, time_to_pay="2030-01-01T00:00:00Z",
            payment=BillingKeyPaymentScheduleInput(billing_key=key, order_name="원두",
                                                   amount=PaymentAmountInput(total=5000), currency="KRW"))
    assert "AlreadyExists" in type(twice.value).__name__
    with pytest.raises(Exception) as refused:                     # a key with a schedule on it is not deleted
        client.payment.billing_key.delete_billing_key(billing_key=key)
    assert "AlreadyExists" in type(refused.value).__name__
    revoked = client.payment.payment_schedule.revoke_payment_schedules(billing_key=key)
    assert revoked.revoked_schedule_ids == [created.schedule.id]
    assert client.payment.billing_key.delete_billing_key(billing_key=key).deleted_at
    assert type(client.payment.billing_key.get_billing_key_info(billing_key=key)).__name__ == "DeletedBillingKeyInfo"
    identity_id = "shop-" + uuid.uuid4().hex[:12] + "-iv"
    v2_server.control("POST", "/identity-verifications", {"id": identity_id, "birth_date": "1990-05-05"})
    verified = client.identity_verification.get_identity_verification(identity_verification_id=identity_id)
    assert type(verified).__name__ == "VerifiedIdentityVerification" and verified.verified_customer.birth_date == "1990-05-05"
    with pytest.raises(Exception) as missing:
        client.identity_verification.get_identity_verification(identity_verification_id="shop-none-iv")
    assert "NotFound" in type(missing.value).__name__


def test_confirm_approves_an_adult_only_order_only_with_its_verification(v2_server, v2_env):
    catalog = json.loads(open(v2_env["GAGE_CATALOG"]).read())
    catalog["identity"] = {"channel_key": "channel-key-sandbox-identity"}
    catalog["products"].append({"sku": "SUL", "title": "막걸리", "price": 6000, "url": "", "stock": None,
                                "max_quantity": None, "options": [], "adult_only": True})
    open(v2_env["GAGE_CATALOG"], "w").write(json.dumps(catalog, ensure_ascii=False))
    sul = [{"sku": "SUL", "quantity": 1}]
    unverified = v2_server.pay(9000, items=sul, status="PAY_PENDING")
    status, reply, _ = cgi(v2_env, "/confirm", **_delivery_args(v2_server.delivery(unverified["id"], "Transaction.Confirm")))
    assert status == 409 and reply["reason"] == "identity_required"
    payment_id = "shop-" + uuid.uuid4().hex[:12]
    v2_server.control("POST", "/identity-verifications", {"id": payment_id + "-iv", "birth_date": "1990-05-05"})
    verified = v2_server.pay(9000, items=sul, status="PAY_PENDING", payment_id=payment_id,
                             custom_data={"items": sul, "shop": SHOP, "catalog": "test", "certification": payment_id + "-iv"})
    status, reply, _ = cgi(v2_env, "/confirm", **_delivery_args(v2_server.delivery(verified["id"], "Transaction.Confirm")))
    assert status == 200 and reply["status"] == "confirmed", reply


# --------------------------------------------------------------------------- the V2 example shop

def test_the_v2_example_shop_builds_for_the_v2_browser_sdk(gage, tmp_path):
    root = pathlib.Path(__file__).resolve().parent.parent
    result = run(gage, "build", "--source", root / "examples/portone-v2", "--output", tmp_path / "public")
    assert result.returncode == 0, result.stderr
    catalog = json.loads((tmp_path / "public/catalog.json").read_text())
    assert catalog["payment"]["provider"] == "portone"
    assert catalog["payment"]["store_id"].startswith("store-")
    assert set(catalog["payment"]["channel_keys"]) == {"CARD", "TRANSFER", "VIRTUAL_ACCOUNT", "EASY_PAY"}
    assert catalog["payment"]["easy_pay_providers"] == ["KAKAOPAY", "NAVERPAY", "TOSSPAY"]   # the 간편결제 buttons
    cart = (tmp_path / "public/cart/index.html").read_text()
    assert 'src="https://cdn.portone.io/v2/browser-sdk.js"' in cart and "iamport.js" not in cart
    assert '"provider":"portone"' in cart and '"store_id":"store-' in cart
    assert 'value="VIRTUAL_ACCOUNT"' in cart and "가상계좌(무통장입금)" in cart
    # 정기배송 and 성인인증 on V2: the billing and identity channels reach the catalog, and nothing is warned about.
    assert catalog["payment"]["billing_channel_key"].startswith("channel-key-")
    assert catalog["identity"] == {"channel_key": "channel-key-9f8e7d6c-idvf-4000-8000-000000000005"}
    products = {p["sku"]: p for p in catalog["products"]}
    assert products["BLD-HOUSE"]["subscription"] == {"intervals": ["2w", "4w"], "price": 12600}
    assert products["SUL-MAKGEOLLI-750"]["adult_only"] is True
    assert "warning" not in result.stderr and "error" not in result.stderr


def _v2_example_copy(tmp_path):
    import shutil
    root = pathlib.Path(__file__).resolve().parent.parent
    shop = tmp_path / "shop"
    shutil.copytree(root / "examples/portone-v2", shop)
    return shop


def test_a_v2_shop_needs_a_billing_channel_for_subscriptions(gage, tmp_path):
    shop = _v2_example_copy(tmp_path)
    settings = shop / "shop.yml"
    settings.write_text("\n".join(line for line in settings.read_text().splitlines() if "billing_channel_key" not in line))
    result = run(gage, "check", "--source", shop)
    assert result.returncode == 1
    assert ("subscription: needs a channel that issues billing keys, but shop.yml's portone: has no billing_channel_key"
            in result.stderr) and "add billing_channel_key: channel-key-" in result.stderr


def test_a_v2_shop_verifies_identity_through_its_identity_channel(gage, tmp_path):
    shop = _v2_example_copy(tmp_path)
    settings = shop / "shop.yml"
    text = settings.read_text()
    settings.write_text(text.replace("  channel_key: channel-key-9f8e7d6c-idvf-4000-8000-000000000005", "  pg: danal"))
    result = run(gage, "check", "--source", shop)
    assert result.returncode == 1 and "identity.channel_key" in result.stderr
    settings.write_text("\n".join(line for line in text.splitlines()
                                  if not line.startswith("identity:") and "idvf" not in line))
    result = run(gage, "check", "--source", shop)
    assert "adult_only products need identity verification, but shop.yml has no identity:" in result.stderr
    assert "identity: { channel_key: channel-key-… }" in result.stderr


# --------------------------------------------------------------------------- bank names

def official_banks():
    schema = json.loads(OPENAPI.read_text())["components"]["schemas"]["Bank"]
    assert sorted(schema["enum"]) == sorted(schema["x-portone-enum"]), "every value has its Korean title"
    return {code: entry["title"] for code, entry in schema["x-portone-enum"].items()}


def test_the_bank_table_holds_every_value_of_the_official_openapis_bank_enum_by_its_korean_title():
    table = dict(re.findall(r'portone: "([A-Z0-9_]+)", name: "([^"]+)"',
                            (ROOT / "Sources/GageCore/Bank.swift").read_text()))
    official = official_banks()
    assert set(official) <= set(table)
    # The refunds' table says 농협은행 where the OpenAPI's title says NH농협은행: both name the same bank.
    assert {code: name for code, name in table.items() if official.get(code) != name} == {"NONGHYUP": "농협은행"}


@pytest.mark.parametrize("code", ["SHINHAN", "KOOKMIN", "NONGHYUP", "KAKAO", "SHINHAN_SECURITIES", "A_BANK_ADDED_LATER"])
def test_a_v2_virtual_accounts_bank_is_shown_by_its_korean_name(v2_server, v2_env, gage, code):
    """The reply (the result page shows it) and the ledger (gage orders, the mails) name the bank in Korean,
    신한은행 rather than SHINHAN; a code newer than the table is shown as it came."""
    korean = {**official_banks(), "NONGHYUP": "농협은행"}.get(code, code)
    payment = v2_server.pay(15000, items=TEA, status="VIRTUAL_ACCOUNT_ISSUED", method="VIRTUAL_ACCOUNT",
                            channel=VBANK_CHANNEL, vbank_due=int(time.time()) + 86400, vbank_bank=code)
    _, reply, _ = verify(v2_env, {"payment_id": payment["id"]})
    assert (reply["status"], reply["vbank"]["bank"]) == ("awaiting_deposit", korean)
    shown = run(gage, "orders", "show", payment["id"], "--ledger", v2_env["GAGE_LEDGER"], timeout=30).stdout
    assert f"{korean} 56211" in shown, shown
