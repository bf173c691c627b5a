"""성인인증 (SPEC §6, §12) on the real binary, through PortOne V1 (Iamport certifications) and PortOne V2 (identity
verifications whose id the page makes for the order) alike: an order holding an adult-only product is paid only
when the verification is verified, made for this order, recent, and an adult's by the year rule — and nothing of
the person (name, birth date, phone, CI/DI) reaches a reply, a log, the ledger or an export."""
import json
import sqlite3
import subprocess
import time
import uuid

import pytest

from conftest import run
from providers import V1, V2
from verify_helpers import BUYER, CATALOG, SHOP, TEA, pay, ref, verify

SUL = {"sku": "SUL", "title": "막걸리", "price": 6000, "url": "", "stock": None, "max_quantity": None, "options": [],
       "adult_only": True}
ADULT_CATALOG = dict(CATALOG, products=CATALOG["products"] + [SUL])
ONE_SUL = [{"sku": "SUL", "quantity": 1}]            # 6,000 + 3,000 shipping = 9,000
PREFIX = "shop-"


@pytest.fixture(params=["v1", "v2"])
def provider(request):
    """Each test runs through both providers, under an order prefix of its own (the V2 stand-in is shared)."""
    global PREFIX
    PREFIX = "a" + uuid.uuid4().hex[:6] + "-"
    if request.param == "v1":
        return V1(request.getfixturevalue("sandbox"), PREFIX)
    return V2(request.getfixturevalue("v2_server"), PREFIX)


@pytest.fixture()
def adult_env(env, tmp_path, provider):
    catalog = dict(provider.catalog(ADULT_CATALOG), order_prefix=PREFIX)
    (tmp_path / "adult.json").write_text(json.dumps(catalog, ensure_ascii=False))
    return provider.env({**env, "GAGE_CATALOG": str(tmp_path / "adult.json")})


def order_id():
    return PREFIX + uuid.uuid4().hex[:12]


def sul_order(provider, certification=None, merchant_uid=None):
    return provider.adult_order(merchant_uid or order_id(), 9000, ONE_SUL, SHOP, certification, buyer=BUYER)


def order_key(order):
    """The id the ledger keeps the order under: V1 imp_uid, V2 paymentId."""
    return order.get("imp_uid") or order["payment_id"]


def ledger_texts(env, gage):
    connection = sqlite3.connect(env["GAGE_LEDGER"])
    dump = "\n".join(connection.iterdump())
    connection.close()
    listing = run(gage, "orders", "list", "--json", env=env).stdout
    export = run(gage, "orders", "export", "--csv", env=env).stdout
    assert export.count("\n") >= 2                              # a header and the order
    return [dump, listing, export]


def assert_nothing_personal(provider, *texts):
    for text in texts:
        for private in provider.personal():
            assert private not in text, private


def test_an_adult_verified_for_this_order_is_paid_and_only_the_fact_is_kept(gage, gage_verify, adult_env, provider):
    merchant_uid = order_id()
    certification = provider.verify_person(merchant_uid)
    order = sul_order(provider, certification, merchant_uid)
    code, reply, log = provider.verify_order(adult_env, order)
    assert code == 0 and reply["status"] == "paid", reply
    row = sqlite3.connect(adult_env["GAGE_LEDGER"]).execute(
        "SELECT identity_certification, identity_provider, identity_certified_at FROM orders").fetchone()
    assert row[0] == certification and row[1].lower() == "danal" and abs(row[2] - time.time()) < 120
    shown = run(gage, "orders", "show", order_key(order), env=adult_env).stdout
    assert "성인인증" in shown and certification in shown
    assert_nothing_personal(provider, json.dumps(reply, ensure_ascii=False), log, shown, *ledger_texts(adult_env, gage))
    assert "1990-05-05" not in json.dumps(reply) + log + shown + "".join(ledger_texts(adult_env, gage))


@pytest.mark.parametrize("case", ["missing", "unknown", "other_order", "not_certified", "minor", "stale"])
def test_an_order_without_a_qualifying_verification_is_rejected_and_refunded(gage, gage_verify, adult_env, provider, case):
    merchant_uid = order_id()
    certification = {
        "missing": lambda: None,
        "unknown": lambda: provider.unknown_verification(merchant_uid),
        "other_order": lambda: provider.verify_person(PREFIX + "someone-else"),
        "not_certified": lambda: provider.verify_person(merchant_uid, verified=False),
        "minor": lambda: provider.verify_person(merchant_uid, birth_date="2015-03-01"),
        "stale": lambda: provider.verify_person(merchant_uid, age=2 * 3600),
    }[case]()
    order = sul_order(provider, certification, merchant_uid)
    code, reply, log = provider.verify_order(adult_env, order)
    assert code == 0
    assert (reply["status"], reply["reason"], reply["refunded"]) == ("rejected", "identity_required", True)
    assert provider.payment_status(order) == "cancelled"
    assert_nothing_personal(provider, json.dumps(reply, ensure_ascii=False), log, *ledger_texts(adult_env, gage))
    # Final: a later look tells the same story and refunds nothing twice.
    assert provider.webhook(adult_env, {**order, "status": "paid"})[1]["reason"] == "identity_required"
    assert provider.refunds() == 1


def test_one_verification_cannot_vouch_for_a_second_order(gage_verify, adult_env, provider):
    first_uid = order_id()
    certification = provider.verify_person(first_uid)
    first = sul_order(provider, certification, first_uid)
    second = sul_order(provider, certification)                      # a friend's page, the same verification
    assert provider.verify_order(adult_env, first)[1]["status"] == "paid"
    reply = provider.verify_order(adult_env, second)[1]
    assert (reply["status"], reply["reason"]) == ("rejected", "identity_required")


def test_a_paid_adult_order_stays_paid_without_asking_for_its_verification_again(gage_verify, adult_env, provider):
    merchant_uid = order_id()
    order = sul_order(provider, provider.verify_person(merchant_uid), merchant_uid)
    assert provider.verify_order(adult_env, order)[1]["status"] == "paid"
    asked = len(provider.identity_calls())
    provider.identity_lookups_fail()                                  # would be a 502 if it were asked
    code, reply, _ = provider.webhook(adult_env, {**order, "status": "paid"})
    assert (code, reply["status"]) == (0, "paid")
    assert len(provider.identity_calls()) == asked and provider.refunds() == 0


def test_the_provider_failing_on_the_verification_decides_nothing(gage_verify, adult_env, provider):
    merchant_uid = order_id()
    order = sul_order(provider, provider.verify_person(merchant_uid), merchant_uid)
    provider.identity_lookups_fail()
    code, reply, _ = provider.verify_order(adult_env, order)
    assert code == 4 and reply["ok"] is False and "status" not in reply
    assert provider.refunds() == 0
    connection = sqlite3.connect(adult_env["GAGE_LEDGER"])
    tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "orders" not in tables or connection.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 0
    provider.identity_lookups_work()                                  # the provider is back: the retry is judged
    assert provider.verify_order(adult_env, order)[1]["status"] == "paid"


def test_an_order_of_ordinary_products_never_asks_for_a_verification(gage_verify, adult_env, provider):
    order = provider.adult_order(order_id(), 15000, TEA, SHOP, buyer=BUYER)
    assert provider.verify_order(adult_env, order)[1]["status"] == "paid"
    assert provider.identity_calls() == []


def test_a_shop_without_adult_products_ignores_a_certification_field(gage_verify, env, sandbox):
    payment = pay(sandbox, 15000, TEA)
    assert verify(gage_verify, env, ref(payment))[1]["status"] == "paid"


@pytest.mark.parametrize("birth_date, verified, adult", [("1990-05-05", True, True), ("2015-03-01", True, False),
                                                         ("1990-05-05", False, False)])
def test_identity_answers_only_whether_the_buyer_is_an_adult(gage_verify, adult_env, provider, birth_date, verified,
                                                             adult):
    certification = provider.verify_person(order_id(), birth_date=birth_date, verified=verified)
    code, reply, log = verify(gage_verify, adult_env, {"action": "identity", provider.identity_field: certification})
    assert code == 0 and reply == {"ok": True, "adult": adult}
    assert_nothing_personal(provider, log)


def test_identity_answers_nothing_about_another_sales_certification(gage_verify, adult_env, provider):
    """SPEC §9: the account's other verifications (another prefix, or none) are not this door's to tell about. V1
    certifications carry their merchant_uid; a V2 id names its order, so another sale's is refused unread."""
    if provider.identity_field == "imp_uid":
        for merchant_uid in ("othershop-x", None):
            certification = provider.verify_person(merchant_uid, birth_date="1990-05-05")
            code, reply, _ = verify(gage_verify, adult_env, {"action": "identity", "imp_uid": certification})
            assert code == 0 and reply == {"ok": True, "adult": False}
    else:
        provider.verify_person("othershop-x", birth_date="1990-05-05")
        code, reply, _ = verify(gage_verify, adult_env, {"action": "identity",
                                                         "identity_verification_id": "othershop-x-iv"})
        assert code == 2 and reply["ok"] is False
        assert provider.identity_calls() == []


def test_identity_of_an_unknown_verification_is_not_an_adult(gage_verify, adult_env, provider):
    body = {"action": "identity", provider.identity_field: provider.unknown_verification(order_id())}
    assert verify(gage_verify, adult_env, body)[1] == {"ok": True, "adult": False}


@pytest.mark.parametrize("value", [None, "../payments/imp_1", 12, "other-shop-123-iv", "imp_1-iv"])
def test_identity_refuses_malformed_requests_before_any_call(gage_verify, adult_env, provider, value):
    body = {"action": "identity"} if value is None else {"action": "identity", provider.identity_field: value}
    code, reply, _ = verify(gage_verify, adult_env, body)
    assert code == 2 and reply["ok"] is False
    assert provider.identity_calls() == []


def test_identity_with_the_provider_down_is_a_502(gage_verify, adult_env, provider):
    certification = provider.verify_person(order_id())
    provider.identity_lookups_fail()
    code, reply, _ = verify(gage_verify, adult_env, {"action": "identity", provider.identity_field: certification})
    assert code == 4 and reply["ok"] is False


def test_identity_through_cgi(gage_verify, adult_env, provider):
    certification = provider.verify_person(order_id())
    body = json.dumps({provider.identity_field: certification}).encode()
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
