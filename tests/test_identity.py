"""성인인증 (SPEC §6) on the real binary: an order holding an adult-only product is paid only when Iamport's
certification is certified, made for this order, recent, and an adult's by the year rule — and nothing of the
person (name, birthday, phone, CI) reaches a reply, a log, the ledger or an export."""
import json
import sqlite3
import subprocess
import uuid

import pytest

from conftest import run
from verify_helpers import BUYER, CATALOG, SHOP, TEA, pay, ref, verify

SUL = {"sku": "SUL", "title": "막걸리", "price": 6000, "url": "", "stock": None, "max_quantity": None, "options": [],
       "adult_only": True}
ADULT_CATALOG = dict(CATALOG, identity={"pg": "danal"}, products=CATALOG["products"] + [SUL])
ONE_SUL = [{"sku": "SUL", "quantity": 1}]            # 6,000 + 3,000 shipping = 9,000
# What the stand-in's certifications carry about the person: none of it may appear anywhere.
PERSONAL = ["테스트인증자", "01099998888", "CI-SANDBOX", "DI-SANDBOX", "female"]


@pytest.fixture()
def adult_env(env, tmp_path):
    (tmp_path / "adult.json").write_text(json.dumps(ADULT_CATALOG, ensure_ascii=False))
    return {**env, "GAGE_CATALOG": str(tmp_path / "adult.json")}


def certify(sandbox, merchant_uid, birthday="1990-05-05", **extra):
    return sandbox.control("POST", "/certifications", {"merchant_uid": merchant_uid, "birthday": birthday, **extra})


def sul_order(sandbox, certification=None, merchant_uid=None, **extra):
    merchant_uid = merchant_uid or "shop-" + uuid.uuid4().hex[:12]
    custom = {"items": ONE_SUL, "shop": SHOP, "catalog": "test"}
    if certification:
        custom["certification"] = certification
    return sandbox.create(merchant_uid=merchant_uid, amount=9000, pg="html5_inicis.INIpayTest", custom_data=custom,
                          name="막걸리", **BUYER, **extra)


def ledger_texts(env, gage):
    connection = sqlite3.connect(env["GAGE_LEDGER"])
    dump = "\n".join(connection.iterdump())
    connection.close()
    listing = run(gage, "orders", "list", "--json", env=env).stdout
    export = run(gage, "orders", "export", "--csv", env=env).stdout
    assert export.count("\n") >= 2                              # a header and the order
    return [dump, listing, export]


def assert_nothing_personal(*texts):
    for text in texts:
        for private in PERSONAL:
            assert private not in text, private


def test_an_adult_certified_for_this_order_is_paid_and_only_the_fact_is_kept(gage, gage_verify, adult_env, sandbox):
    merchant_uid = "shop-" + uuid.uuid4().hex[:12]
    certification = certify(sandbox, merchant_uid)
    payment = sul_order(sandbox, certification["imp_uid"], merchant_uid)
    code, reply, log = verify(gage_verify, adult_env, ref(payment))
    assert code == 0 and reply["status"] == "paid", reply
    row = sqlite3.connect(adult_env["GAGE_LEDGER"]).execute(
        "SELECT identity_certification, identity_provider, identity_certified_at FROM orders").fetchone()
    assert row == (certification["imp_uid"], "danal", certification["certified_at"])
    shown = run(gage, "orders", "show", payment["imp_uid"], env=adult_env).stdout
    assert "성인인증" in shown and certification["imp_uid"] in shown
    assert_nothing_personal(json.dumps(reply, ensure_ascii=False), log, shown, *ledger_texts(adult_env, gage))
    assert "1990-05-05" not in json.dumps(reply) + log + shown + "".join(ledger_texts(adult_env, gage))


@pytest.mark.parametrize("case", ["missing", "unknown", "other_order", "not_certified", "minor", "stale"])
def test_an_order_without_a_qualifying_certification_is_rejected_and_refunded(gage, gage_verify, adult_env, sandbox, case):
    merchant_uid = "shop-" + uuid.uuid4().hex[:12]
    certification = {
        "missing": lambda: None,
        "unknown": lambda: "imp_999999999999",
        "other_order": lambda: certify(sandbox, "shop-someone-else")["imp_uid"],
        "not_certified": lambda: certify(sandbox, merchant_uid, certified=False)["imp_uid"],
        "minor": lambda: certify(sandbox, merchant_uid, birthday="2015-03-01")["imp_uid"],
        "stale": lambda: certify(sandbox, merchant_uid, age=2 * 3600)["imp_uid"],
    }[case]()
    payment = sul_order(sandbox, certification, merchant_uid)
    code, reply, log = verify(gage_verify, adult_env, ref(payment))
    assert code == 0
    assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", "identity_required", True)
    assert sandbox.payment(payment["imp_uid"])["status"] == "cancelled"
    assert_nothing_personal(json.dumps(reply, ensure_ascii=False), log, *ledger_texts(adult_env, gage))
    # Final: a later look tells the same story and refunds nothing twice.
    assert verify(gage_verify, adult_env, {"action": "webhook", **ref(payment)})[1]["reason"] == "identity_required"
    assert len(sandbox.calls("/payments/cancel")) == 1


def test_one_certification_cannot_vouch_for_a_second_order(gage_verify, adult_env, sandbox):
    first_uid = "shop-" + uuid.uuid4().hex[:12]
    certification = certify(sandbox, first_uid)["imp_uid"]
    first = sul_order(sandbox, certification, first_uid)
    second = sul_order(sandbox, certification)                      # a friend's page, the same certification
    assert verify(gage_verify, adult_env, ref(first))[1]["status"] == "paid"
    reply = verify(gage_verify, adult_env, ref(second))[1]
    assert (reply["status"], reply["reason"]) == ("rejected", "identity_required")


def test_a_paid_adult_order_stays_paid_without_asking_for_its_certification_again(gage_verify, adult_env, sandbox):
    merchant_uid = "shop-" + uuid.uuid4().hex[:12]
    payment = sul_order(sandbox, certify(sandbox, merchant_uid)["imp_uid"], merchant_uid)
    assert verify(gage_verify, adult_env, ref(payment))[1]["status"] == "paid"
    sandbox.control("DELETE", "/calls")
    sandbox.fault("error500", path_prefix="/certifications", count=3)     # would be a 502 if it were asked
    code, reply, _ = verify(gage_verify, adult_env, {"action": "webhook", **ref(payment)})
    assert (code, reply["status"]) == (0, "paid")
    assert sandbox.calls("/certifications") == [] and sandbox.calls("/payments/cancel") == []


def test_iamport_failing_on_the_certification_decides_nothing(gage_verify, adult_env, sandbox):
    merchant_uid = "shop-" + uuid.uuid4().hex[:12]
    payment = sul_order(sandbox, certify(sandbox, merchant_uid)["imp_uid"], merchant_uid)
    sandbox.fault("error500", path_prefix="/certifications", count=3)
    code, reply, _ = verify(gage_verify, adult_env, ref(payment))
    assert code == 4 and reply["ok"] is False and "status" not in reply
    assert sandbox.calls("/payments/cancel") == []
    connection = sqlite3.connect(adult_env["GAGE_LEDGER"])
    tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "orders" not in tables or connection.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 0
    sandbox.control("POST", "/reset")                               # Iamport is back: the retry is judged
    assert verify(gage_verify, adult_env, ref(payment))[1]["status"] == "paid"


def test_an_order_of_ordinary_products_never_asks_for_a_certification(gage_verify, adult_env, sandbox):
    assert verify(gage_verify, adult_env, ref(pay(sandbox, 15000, TEA)))[1]["status"] == "paid"
    assert sandbox.calls("/certifications") == []


def test_a_shop_without_adult_products_ignores_a_certification_field(gage_verify, env, sandbox):
    payment = pay(sandbox, 15000, TEA)
    assert verify(gage_verify, env, ref(payment))[1]["status"] == "paid"


@pytest.mark.parametrize("birthday, certified, adult", [("1990-05-05", True, True), ("2015-03-01", True, False),
                                                        ("1990-05-05", False, False)])
def test_identity_answers_only_whether_the_buyer_is_an_adult(gage_verify, adult_env, sandbox, birthday, certified, adult):
    certification = certify(sandbox, "shop-x", birthday=birthday, certified=certified)
    code, reply, log = verify(gage_verify, adult_env, {"action": "identity", "imp_uid": certification["imp_uid"]})
    assert code == 0 and reply == {"ok": True, "adult": adult}
    assert_nothing_personal(log)


def test_identity_answers_nothing_about_another_sales_certification(gage_verify, adult_env, sandbox):
    """SPEC §9: the account's other certifications (another prefix, or none) are not this door's to tell about."""
    for merchant_uid in ("othershop-x", None):
        certification = certify(sandbox, merchant_uid, birthday="1990-05-05")
        code, reply, _ = verify(gage_verify, adult_env, {"action": "identity", "imp_uid": certification["imp_uid"]})
        assert code == 0 and reply == {"ok": True, "adult": False}


def test_identity_of_an_unknown_certification_is_not_an_adult(gage_verify, adult_env, sandbox):
    assert verify(gage_verify, adult_env, {"action": "identity", "imp_uid": "imp_424242424242"})[1] == {"ok": True, "adult": False}


@pytest.mark.parametrize("body", [{"action": "identity"}, {"action": "identity", "imp_uid": "../payments/imp_1"},
                                  {"action": "identity", "imp_uid": 12}])
def test_identity_refuses_malformed_requests_before_any_call(gage_verify, adult_env, sandbox, body):
    code, reply, _ = verify(gage_verify, adult_env, body)
    assert code == 2 and reply["ok"] is False
    assert sandbox.calls("/certifications") == []


def test_identity_with_iamport_down_is_a_502(gage_verify, adult_env, sandbox):
    certification = certify(sandbox, "shop-x")
    sandbox.fault("error500", path_prefix="/certifications", count=3)
    code, reply, _ = verify(gage_verify, adult_env, {"action": "identity", "imp_uid": certification["imp_uid"]})
    assert code == 4 and reply["ok"] is False


def test_identity_through_cgi(gage_verify, adult_env, sandbox):
    certification = certify(sandbox, "shop-x")
    body = json.dumps({"imp_uid": certification["imp_uid"]}).encode()
    result = subprocess.run([str(gage_verify)], input=body, capture_output=True, timeout=30,
                            env={**adult_env, "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "POST",
                                 "PATH_INFO": "/identity", "CONTENT_TYPE": "application/json",
                                 "CONTENT_LENGTH": str(len(body))})
    head, _, text = result.stdout.decode().partition("\r\n\r\n")
    assert head.startswith("Status: 200") and json.loads(text) == {"ok": True, "adult": True}


# ------------------------------------------------------------------------------------------ the shop's pages

def test_check_warns_when_adult_only_products_have_no_identity_channel(gage, example_shop):
    settings = example_shop / "shop.yml"
    settings.write_text(settings.read_text().replace("identity:\n  pg: danal", "# no identity"))
    result = run(gage, "check", "--source", example_shop)
    assert result.returncode == 0, result.stderr
    assert ("warning: content/products/andong-soju.md:9: adult_only products need identity verification, "
            "but shop.yml has no identity:") in result.stderr


def test_an_unknown_identity_channel_is_an_error_with_a_suggestion(gage, example_shop):
    settings = example_shop / "shop.yml"
    settings.write_text(settings.read_text().replace("pg: danal", "pg: dannal"))
    result = run(gage, "check", "--source", example_shop)
    assert result.returncode == 1
    assert "identity.pg 'dannal' is not an identity verification channel — did you mean 'danal'?" in result.stderr


def test_adult_only_products_are_marked_on_pages_in_json_ld_and_in_the_catalog(gage, example_shop, tmp_path):
    out = tmp_path / "public"
    assert run(gage, "build", "--source", example_shop, "--output", out).returncode == 0
    page = (out / "products" / "yangpyeong-makgeolli" / "index.html").read_text()
    assert "19세 이상 구매 가능" in page and "본인인증" in page
    ld = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert ld["audience"] == {"@type": "PeopleAudience", "suggestedMinAge": 19}
    listing = (out / "categories" / "sul" / "index.html").read_text()
    assert listing.count("badge-adult") == 2
    catalog = json.loads((out / "catalog.json").read_text())
    assert catalog["identity"] == {"pg": "danal"}
    flags = {p["sku"]: p.get("adult_only", False) for p in catalog["products"]}
    assert flags["SUL-MAKGEOLLI-750"] and flags["SUL-SOJU-375"] and not flags["ETH-YIRG-200"]
    coffee = (out / "products" / "ethiopia-yirgacheffe" / "index.html").read_text()
    assert "class=\"adult-only\"" not in coffee and "badge-adult" not in coffee and "suggestedMinAge" not in coffee
