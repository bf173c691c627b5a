"""The Iamport stand-in speaks the real wire format: the official Python client (iamport-rest-client 0.9.0,
written against api.iamport.kr) works against it unchanged, errors and all."""
import json
import urllib.request

import pytest

from conftest import SECRET

iamport = pytest.importorskip("iamport", reason="installed by scripts/setup (pip --no-deps iamport-rest-client)")


@pytest.fixture()
def client(sandbox):
    return iamport.Iamport(imp_key="sandbox_key", imp_secret=SECRET, imp_url=sandbox.url + "/")


def test_find_by_imp_uid_and_by_merchant_uid(client, sandbox):
    payment = sandbox.create(merchant_uid="fidelity-1", amount=12000, name="녹차")
    found = client.find(imp_uid=payment["imp_uid"])
    assert found["merchant_uid"] == "fidelity-1" and found["amount"] == 12000 and found["status"] == "paid"
    assert client.find(merchant_uid="fidelity-1")["imp_uid"] == payment["imp_uid"]
    assert client.find_by_merchant_uid("fidelity-1")["imp_uid"] == payment["imp_uid"]


def test_find_unknown_payment_raises_http_error(client, sandbox):
    with pytest.raises(iamport.Iamport.HttpError) as error:
        client.find(imp_uid="imp_000000000000")
    assert error.value.code == 404


def test_is_paid_compares_status_and_amount(client, sandbox):
    paid = sandbox.create(merchant_uid="fidelity-2", amount=5000)
    assert client.is_paid(5000, imp_uid=paid["imp_uid"]) is True
    assert client.is_paid(5001, imp_uid=paid["imp_uid"]) is False
    ready = sandbox.create(merchant_uid="fidelity-3", amount=5000, status="ready")
    assert client.is_paid(5000, imp_uid=ready["imp_uid"]) is False


def test_prepare_and_prepare_validate(client, sandbox):
    result = client.prepare(merchant_uid="fidelity-prep-1", amount=12000)
    assert result["merchant_uid"] == "fidelity-prep-1" and result["amount"] == 12000
    assert client.prepare_validate(merchant_uid="fidelity-prep-1", amount=12000) is True
    assert client.prepare_validate(merchant_uid="fidelity-prep-1", amount=1) is False
    with pytest.raises(iamport.Iamport.ResponseError) as error:
        client.prepare(merchant_uid="fidelity-prep-1", amount=12000)
    assert error.value.code == 1


def test_cancel_refunds_and_then_reports_already_cancelled(client, sandbox):
    payment = sandbox.create(merchant_uid="fidelity-4", amount=9000)
    cancelled = client.cancel("테스트 환불", imp_uid=payment["imp_uid"])
    assert cancelled["status"] == "cancelled" and cancelled["cancel_amount"] == 9000
    assert cancelled["cancel_history"][0]["reason"] == "테스트 환불"
    with pytest.raises(iamport.Iamport.ResponseError) as error:
        client.cancel("again", imp_uid=payment["imp_uid"])
    assert error.value.code == 1 and error.value.message == "이미 전액취소된 주문입니다."


def test_cancel_prefers_imp_uid_and_checks_the_checksum(client, sandbox):
    first = sandbox.create(merchant_uid="fidelity-5", amount=7000)
    other = sandbox.create(merchant_uid="fidelity-6", amount=3000)
    with pytest.raises(iamport.Iamport.ResponseError):
        client.cancel("wrong checksum", imp_uid=first["imp_uid"], checksum=1)
    partial = client.cancel("partial", imp_uid=first["imp_uid"], merchant_uid="fidelity-6", amount=2000, checksum=7000)
    assert partial["imp_uid"] == first["imp_uid"] and partial["cancel_amount"] == 2000
    assert partial["status"] == "cancelled"  # a partial cancel reads "cancelled" too, as on the real API
    assert sandbox.payment(other["imp_uid"])["status"] == "paid"


def test_cancel_unknown_payment_is_response_error_code_1(client, sandbox):
    with pytest.raises(iamport.Iamport.ResponseError) as error:
        client.cancel("없는 결제", imp_uid="imp_000000000000")
    assert error.value.code == 1 and error.value.message == "취소할 결제건이 존재하지 않습니다."


def test_certification_lookup_of_nothing_is_http_error(client, sandbox):
    with pytest.raises(iamport.Iamport.HttpError):
        client.find_certification("imp_000000000000")


def test_wrong_secret_is_http_401(sandbox):
    client = iamport.Iamport(imp_key="sandbox_key", imp_secret="wrong", imp_url=sandbox.url + "/")
    with pytest.raises(iamport.Iamport.HttpError) as error:
        client.find(imp_uid="imp_000000000000")
    assert error.value.code == 401


def post(url, body, headers):
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_token_forms_and_reuse_rules(sandbox):
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    # The session's stand-in may hold a token issued minutes ago by a long test: start from a fresh one.
    sandbox.control("POST", "/tokens/expire")
    status, first = post(sandbox.url + "/users/getToken",
                         f"imp_key=sandbox_key&imp_secret={SECRET}".encode(), form)
    assert status == 200 and first["code"] == 0
    token = first["response"]["access_token"]
    # 30 minutes from issue.
    assert 1700 < first["response"]["expired_at"] - first["response"]["now"] <= 1800
    status, again = post(sandbox.url + "/users/getToken",
                         json.dumps({"imp_key": "sandbox_key", "imp_secret": SECRET}).encode(),
                         {"Content-Type": "application/json"})
    assert again["response"]["access_token"] == token  # before expiry: the same token
    payment = sandbox.create(merchant_uid="fidelity-7", amount=1000)
    for header in ({"Authorization": token}, {"Authorization": "Bearer " + token}, {"X-ImpTokenHeader": token}):
        request = urllib.request.Request(sandbox.url + "/payments/" + payment["imp_uid"], headers=header)
        assert json.loads(urllib.request.urlopen(request).read())["response"]["imp_uid"] == payment["imp_uid"]
    sandbox.control("POST", "/tokens/expire")
    status, fresh = post(sandbox.url + "/users/getToken",
                         json.dumps({"imp_key": "sandbox_key", "imp_secret": SECRET}).encode(),
                         {"Content-Type": "application/json"})
    assert fresh["response"]["access_token"] != token  # after expiry: a new one
    request = urllib.request.Request(sandbox.url + "/payments/" + payment["imp_uid"], headers={"Authorization": token})
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request)
    assert error.value.code == 401 and json.loads(error.value.read())["code"] == -1
