"""gage-verify, the real binary, in stdin-JSON mode against the Iamport stand-in: every row of the decision
table, refunds, hostile input, Iamport failures, tokens, concurrency. Prices here are added up by hand."""
import concurrent.futures
import json
import os
import time

import pytest

from conftest import SECRET, free_port
from verify_helpers import BEANS, BUYER, assert_no_private_data, order_id, pay, ref, verify


# ---------------------------------------------------------------------------------------- decisions

def test_paid_order_at_the_right_amount_is_confirmed(gage_verify, env, sandbox):
    payment = pay(sandbox, 40000)
    code, reply, log = verify(gage_verify, env, {"imp_uid": payment["imp_uid"], "merchant_uid": payment["merchant_uid"]})
    assert code == 0
    assert reply["ok"] is True and reply["status"] == "paid"
    assert reply["amount"] == 40000 and reply["currency"] == "KRW"
    assert reply["merchant_uid"] == payment["merchant_uid"]
    assert reply["items"] == [{"sku": "BEAN", "title": "원두", "quantity": 2, "options": {"분쇄도": "에스프레소용"},
                               "price": 18500}]
    assert sandbox.calls("/payments/cancel") == []
    assert_no_private_data(json.dumps(reply, ensure_ascii=False), log)


def test_free_shipping_from_free_over(gage_verify, env, sandbox):
    items = [{"sku": "BEAN", "quantity": 2, "options": {"분쇄도": "에스프레소용"}}, {"sku": "TEA", "quantity": 2}]
    payment = pay(sandbox, 61000, items)  # 37,000 + 24,000 ≥ 50,000: no fee
    assert verify(gage_verify, env, ref(payment))[1]["status"] == "paid"


def test_tampered_amount_is_refunded(gage_verify, env, sandbox):
    payment = pay(sandbox, 100)
    code, reply, _ = verify(gage_verify, env, {"imp_uid": payment["imp_uid"], "merchant_uid": payment["merchant_uid"]})
    assert code == 0
    assert reply["status"] == "rejected" and reply["reason"] == "amount_mismatch"
    assert reply["refunded"] is True and reply["expected_amount"] == 40000
    cancels = sandbox.calls("/payments/cancel")
    assert len(cancels) == 1
    sent = json.loads(cancels[0]["body"])
    assert sent["imp_uid"] == payment["imp_uid"] and sent["checksum"] == 100
    assert sandbox.payment(payment["imp_uid"])["status"] == "cancelled"
    # Asked again, the same story, and no second refund.
    again = verify(gage_verify, env, ref(payment))[1]
    assert (again["status"], again["reason"], again["refunded"]) == ("rejected", "amount_mismatch", True)
    assert len(sandbox.calls("/payments/cancel")) == 1


@pytest.mark.parametrize("items, custom_data, reason", [
    ([{"sku": "NOPE", "quantity": 1}], None, "unknown_item"),
    ([{"sku": "BEAN", "quantity": 1, "options": {"분쇄도": "가루"}}], None, "unknown_item"),
    ([{"sku": "GONE", "quantity": 1}], None, "sold_out"),
    ([{"sku": "BEAN", "quantity": 11, "options": {"분쇄도": "홀빈"}}], None, "sold_out"),
    ([{"sku": "BEAN", "quantity": 6, "options": {"분쇄도": "홀빈"}}], None, "quantity_limit"),
    ([{"sku": "TEA", "quantity": 0}], None, "bad_custom_data"),
    (None, "not json at all", "bad_custom_data"),
    (None, {"things": []}, "bad_custom_data"),
])
def test_unsellable_orders_are_rejected_and_refunded(gage_verify, env, sandbox, items, custom_data, reason):
    data = custom_data if custom_data is not None else {"items": items}
    payment = sandbox.create(merchant_uid=order_id(), amount=15000, custom_data=data)
    code, reply, _ = verify(gage_verify, env, ref(payment))
    assert code == 0
    assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", reason, True)
    assert sandbox.payment(payment["imp_uid"])["status"] == "cancelled"


def test_missing_custom_data_is_rejected_and_refunded(gage_verify, env, sandbox):
    payment = sandbox.create(merchant_uid=order_id(), amount=15000)
    reply = verify(gage_verify, env, ref(payment))[1]
    assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", "bad_custom_data", True)


def test_wrong_currency_is_rejected_and_refunded(gage_verify, env, sandbox):
    payment = pay(sandbox, 40000, currency="USD")
    reply = verify(gage_verify, env, ref(payment))[1]
    assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", "currency_mismatch", True)


def test_virtual_account_then_deposit_webhook(gage_verify, env, sandbox):
    payment = pay(sandbox, 40000, status="ready", pay_method="vbank")
    reply = verify(gage_verify, env, {"imp_uid": payment["imp_uid"], "merchant_uid": payment["merchant_uid"]})[1]
    assert reply["status"] == "awaiting_deposit"
    assert reply["vbank"]["number"] == payment["vbank_num"] and reply["vbank"]["bank"] == payment["vbank_name"]
    assert reply["vbank"]["due"] == payment["vbank_date"]
    sandbox.control("POST", f"/payments/{payment['imp_uid']}/deposit")
    code, reply, _ = verify(gage_verify, env, {"action": "webhook", "imp_uid": payment["imp_uid"],
                                               "merchant_uid": payment["merchant_uid"], "status": "paid"})
    assert code == 0 and reply["status"] == "paid" and reply["amount"] == 40000


def test_virtual_account_for_a_wrong_amount_is_rejected_without_refund(gage_verify, env, sandbox):
    payment = pay(sandbox, 1000, status="ready", pay_method="vbank")
    reply = verify(gage_verify, env, ref(payment))[1]
    assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", "amount_mismatch", False)
    assert sandbox.calls("/payments/cancel") == []


def test_a_webhook_that_lies_changes_nothing(gage_verify, env, sandbox):
    opened = pay(sandbox, 40000, status="ready")          # the window was opened and left
    reply = verify(gage_verify, env, {"action": "webhook", "imp_uid": opened["imp_uid"],
                                      "merchant_uid": opened["merchant_uid"], "status": "paid"})[1]
    assert reply["status"] == "unpaid"
    stranger = pay(sandbox, 100)                          # someone else's tampered payment
    code, reply, _ = verify(gage_verify, env, {"action": "webhook", "imp_uid": stranger["imp_uid"],
                                               "merchant_uid": opened["merchant_uid"], "status": "paid"})
    assert code == 2 and reply["ok"] is False
    assert sandbox.calls("/payments/cancel") == []
    assert sandbox.payment(stranger["imp_uid"])["status"] == "paid"


def test_foreign_merchant_uid_is_ignored_never_refunded(gage_verify, env, sandbox):
    payment = sandbox.create(merchant_uid="other-shop-1", amount=5, custom_data={"items": []})
    reply = verify(gage_verify, env, ref(payment))[1]
    assert reply["status"] == "ignored"
    assert sandbox.calls("/payments/cancel") == []


@pytest.mark.parametrize("status, expected", [("failed", "failed"), ("ready", "unpaid")])
def test_unpaid_states_are_reported_as_iamport_says(gage_verify, env, sandbox, status, expected):
    payment = pay(sandbox, 40000, status=status)
    assert verify(gage_verify, env, ref(payment))[1]["status"] == expected


def test_a_payment_cancelled_by_the_seller_is_cancelled(gage_verify, env, sandbox):
    payment = pay(sandbox, 40000)
    # The seller refunds it in the console (not Gage's marker in the reason).
    sandbox_token = sandbox.control  # noqa: F841 (the control API has no cancel; use the REST API)
    import urllib.request
    token_request = urllib.request.Request(sandbox.url + "/users/getToken", method="POST",
                                           data=json.dumps({"imp_key": "sandbox_key", "imp_secret": SECRET}).encode(),
                                           headers={"Content-Type": "application/json"})
    token = json.loads(urllib.request.urlopen(token_request).read())["response"]["access_token"]
    cancel = urllib.request.Request(sandbox.url + "/payments/cancel", method="POST",
                                    data=json.dumps({"imp_uid": payment["imp_uid"], "reason": "고객 요청"}).encode(),
                                    headers={"Content-Type": "application/json", "Authorization": token})
    assert json.loads(urllib.request.urlopen(cancel).read())["code"] == 0
    assert verify(gage_verify, env, ref(payment))[1]["status"] == "cancelled"


def test_unknown_imp_uid_is_an_input_error(gage_verify, env, sandbox):
    code, reply, _ = verify(gage_verify, env, {"imp_uid": "imp_000000000000", "merchant_uid": "shop-unknown"})
    assert code == 2 and reply == {"ok": False, "error": "Iamport knows no payment with this imp_uid"}


# ---------------------------------------------------------------------------------------- concurrency

def test_twenty_concurrent_invocations_tell_one_story_and_refund_once(gage_verify, env, sandbox):
    payment = pay(sandbox, 100)
    body = {"imp_uid": payment["imp_uid"], "merchant_uid": payment["merchant_uid"]}
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda _: verify(gage_verify, env, body), range(20)))
    for code, reply, _ in results:
        assert code == 0
        assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", "amount_mismatch", True)
    record = sandbox.payment(payment["imp_uid"])
    assert record["cancel_amount"] == 100 and len(record["cancel_history"]) == 1


def test_twenty_concurrent_invocations_on_a_paid_order_all_confirm(gage_verify, env, sandbox):
    payment = pay(sandbox, 40000)
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda _: verify(gage_verify, env, ref(payment)), range(20)))
    assert {(code, reply["status"]) for code, reply, _ in results} == {(0, "paid")}


# ---------------------------------------------------------------------------------------- Iamport failing

@pytest.mark.parametrize("kind", ["error500", "garbage", "close"])
def test_iamport_failure_decides_nothing(gage_verify, env, sandbox, kind):
    payment = pay(sandbox, 100)
    sandbox.fault(kind, path_prefix="/payments/imp_", count=5)
    code, reply, log = verify(gage_verify, env, ref(payment))
    assert code == 4
    assert reply["ok"] is False and "status" not in reply
    assert "Iamport" in reply["error"]
    assert sandbox.payment(payment["imp_uid"])["status"] == "paid"  # nothing refunded either
    assert_no_private_data(log)


def test_slow_iamport_is_given_up_within_the_time_budget(gage_verify, env, sandbox):
    payment = pay(sandbox, 40000)
    sandbox.fault("slow", seconds=8, path_prefix="/payments/imp_")
    started = time.monotonic()
    code, reply, _ = verify(gage_verify, env, ref(payment))  # IAMPORT_TIMEOUT=3
    elapsed = time.monotonic() - started
    assert code == 4 and reply["ok"] is False
    assert elapsed < 5


def test_iamport_unreachable_is_exit_4(gage_verify, env, sandbox):
    env = {**env, "IAMPORT_API_URL": f"http://127.0.0.1:{free_port()}"}
    code, reply, _ = verify(gage_verify, env, {"imp_uid": "imp_123456789012", "merchant_uid": "shop-x"})
    assert code == 4 and reply["ok"] is False


# ---------------------------------------------------------------------------------------- tokens

def test_token_is_cached_between_invocations(gage_verify, env, sandbox):
    first, second = pay(sandbox, 40000), pay(sandbox, 40000)
    verify(gage_verify, env, ref(first))
    verify(gage_verify, env, ref(second))
    assert len(sandbox.calls("/users/getToken")) == 1
    cache = [p for p in os.listdir(env["GAGE_CACHE_DIR"])]
    assert len(cache) == 1
    assert os.stat(os.path.join(env["GAGE_CACHE_DIR"], cache[0])).st_mode & 0o077 == 0


def test_expired_token_is_refreshed_once(gage_verify, env, sandbox):
    payment = pay(sandbox, 40000)
    verify(gage_verify, env, ref(payment))
    sandbox.control("POST", "/tokens/expire")
    sandbox.control("DELETE", "/calls")
    code, reply, _ = verify(gage_verify, env, ref(payment))
    assert code == 0 and reply["status"] == "paid"
    paths = [c["path"] for c in sandbox.calls()]
    assert paths == [f"/payments/{payment['imp_uid']}", "/users/getToken", f"/payments/{payment['imp_uid']}"]


def test_wrong_api_secret_is_a_configuration_error(gage_verify, env, sandbox):
    code, reply, log = verify(gage_verify, {**env, "IAMPORT_API_SECRET": "wrong", "GAGE_CACHE_DIR": "off"},
                              {"imp_uid": "imp_123456789012", "merchant_uid": "shop-x"})
    assert code == 3 and reply["ok"] is False
    assert "wrong" not in reply["error"] and "wrong" not in log


# ---------------------------------------------------------------------------------------- hostile input

@pytest.mark.parametrize("stdin", [
    "not json", "[]", "{}", '{"imp_uid": 12}', '{"imp_uid": "imp_1/../../users/getToken"}',
    '{"imp_uid": "imp_123?x=1"}', '{"imp_uid": "IMP_123"}', '{"imp_uid": "imp_' + "1" * 40 + '"}',
    '{"imp_uid": "imp_1", "merchant_uid": "' + "a" * 41 + '"}', '{"imp_uid": "imp_1", "merchant_uid": "a/b"}',
    '{"action": "refund", "imp_uid": "imp_1"}', '{"imp_uid": "imp_1"' , "\u0000\u0001",
])
def test_malformed_requests_are_refused_before_iamport_is_asked(gage_verify, env, sandbox, stdin):
    code, reply, _ = verify(gage_verify, env, None, stdin=stdin)
    assert code == 2
    assert reply["ok"] is False and isinstance(reply["error"], str)
    assert sandbox.calls() == []


def test_oversized_body_is_refused(gage_verify, env, sandbox):
    body = json.dumps({"imp_uid": "imp_1", "padding": "x" * (64 * 1024)})
    code, reply, _ = verify(gage_verify, env, None, stdin=body)
    assert code == 2 and "64 KiB" in reply["error"]


def test_missing_configuration_is_reported_before_any_call(gage_verify, env, sandbox):
    # GAGE_LEDGER too: a function without memory cannot keep its decisions final.
    for name in ("IAMPORT_API_KEY", "IAMPORT_API_SECRET", "GAGE_CATALOG", "GAGE_LEDGER"):
        partial = {k: v for k, v in env.items() if k != name}
        code, reply, log = verify(gage_verify, partial, {"imp_uid": "imp_123456789012", "merchant_uid": "shop-x"})
        assert code == 3 and name in log
        assert reply == {"ok": False, "error": "the verify function is misconfigured; its log says how"}
    code, reply, log = verify(gage_verify, {**env, "GAGE_CATALOG": "/nonexistent/catalog.json"},
                              {"imp_uid": "imp_1", "merchant_uid": "shop-x"})
    assert code == 3 and "/nonexistent/catalog.json" in log
    assert "/nonexistent" not in json.dumps(reply)   # no path in the body
    assert sandbox.calls() == []


def test_config_file_must_not_be_world_readable(gage_verify, env, sandbox, tmp_path):
    config = tmp_path / "verify.env"
    config.write_text(f"IAMPORT_API_KEY=sandbox_key\nIAMPORT_API_SECRET=\"{SECRET}\"\n")
    base = {k: v for k, v in env.items() if k not in ("IAMPORT_API_KEY", "IAMPORT_API_SECRET")}
    payment = pay(sandbox, 40000)
    config.chmod(0o644)
    code, reply, log = verify(gage_verify, {**base, "GAGE_VERIFY_CONFIG": str(config)}, ref(payment))
    assert code == 3 and "chmod 600" in log and str(config) not in reply["error"]
    config.chmod(0o600)
    code, reply, _ = verify(gage_verify, {**base, "GAGE_VERIFY_CONFIG": str(config)}, ref(payment))
    assert code == 0 and reply["status"] == "paid"


# ---------------------------------------------------------------------------------------- prepare

def test_prepare_registers_the_server_computed_amount(gage_verify, env, sandbox):
    code, reply, _ = verify(gage_verify, env, {"action": "prepare", "items": BEANS})
    assert code == 0
    assert reply["amount"] == 40000 and reply["merchant_uid"].startswith("shop-")
    assert len(reply["merchant_uid"]) <= 40
    assert reply["name"] == "원두"
    registered = sandbox.control("GET", "/prepared/" + reply["merchant_uid"])
    assert registered["amount"] == "40000"


def test_prepare_refuses_an_order_it_cannot_price(gage_verify, env, sandbox):
    code, reply, _ = verify(gage_verify, env, {"action": "prepare", "items": [{"sku": "GONE", "quantity": 1}]})
    assert code == 2 and reply["reason"] == "sold_out"
    assert sandbox.calls("/payments/prepare") == []
