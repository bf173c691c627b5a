"""One shop, two providers: the subscription and identity suites run through PortOne V1 (the Iamport stand-in) and
PortOne V2 (the V2 stand-in) alike. Each driver says, in its provider's own wire format, how the buyer's window
issues a billing key or verifies a person, how the provider runs a schedule and tells the shop, and what the
provider now holds; the tests read the same behaviour through either."""
import copy
import datetime
import json
import subprocess
import urllib.request
import uuid

from conftest import SECRET, built, run
from portone_v2_kit import STORE, V2_SECRET

V1_BILLING_PG = "html5_inicis.INIBillTst"
V2_CARD_CHANNEL = "channel-key-card-0001"
V2_BILLING_CHANNEL = "channel-key-sandbox-billing"
V2_IDENTITY_CHANNEL = "channel-key-sandbox-identity"


def _seconds(rfc3339):
    return int(datetime.datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp())


def _verify(env, body):
    result = run(built("gage-verify"), input=json.dumps(body, ensure_ascii=False), env=env, timeout=30)
    return result.returncode, json.loads(result.stdout), result.stderr


class V1:
    """PortOne V1: `customer_uid` aliases made by the page, `/subscribe/payments/*`, unsigned webhooks that name the
    imp_uid, certifications under `imp_…`."""
    name = "v1"
    key_field = "customer_uid"
    identity_field = "imp_uid"

    def __init__(self, sandbox, prefix):
        self.sandbox = sandbox
        self.prefix = prefix

    # The shop
    def catalog(self, base):
        catalog = copy.deepcopy(base)
        catalog["payment"]["billing_pg"] = V1_BILLING_PG
        catalog["identity"] = {"pg": "danal"}
        return catalog

    def env(self, env):
        return env

    # Billing keys
    def issue_key(self, foreign=False, wrong_channel=False):
        uid = ("other-shop-" if foreign else self.prefix + "bk-") + uuid.uuid4().hex
        self.sandbox.control("POST", "/customers", {"customer_uid": uid,
                                                    "pg": "kcp_billing" if wrong_channel else V1_BILLING_PG})
        return uid

    def unissued_key(self):
        return self.prefix + "bk-" + uuid.uuid4().hex

    def reissue(self, key):
        """The buyer registers a card again under the same alias (PortOne replaces the card)."""
        self.sandbox.control("POST", "/customers", {"customer_uid": key, "pg": V1_BILLING_PG})

    def live_keys(self):
        return {c["customer_uid"] for c in self.sandbox.control("GET", "/customers")}

    def first_charges(self):
        return [json.loads(c["body"])["amount"] for c in self.sandbox.calls("/subscribe/payments/again")]

    def first_charge_tax_free(self):
        """The tax-free part each first charge was asked with (`tax_free`; 0 when not sent)."""
        return [json.loads(c["body"]).get("tax_free", 0) for c in self.sandbox.calls("/subscribe/payments/again")]

    def decline(self, key, count=1, message="[2116]개인 월 한도금액 초과", shape="status"):
        self.sandbox.control("POST", "/declines", {"shape": shape, "customer_uid": key, "count": count,
                                                   "message": message})

    # Schedules: [{merchant_uid, status: scheduled|revoked|executed, amount, at}]
    def schedules(self, subscription_id):
        found = self.sandbox.control("GET", "/schedules")
        return [{"merchant_uid": s["merchant_uid"], "status": s["schedule_status"], "amount": s["amount"],
                 "at": s["schedule_at"]}
                for s in found if ("S" + subscription_id + "-") in s["merchant_uid"]]

    def run_schedules(self):
        """Time passes: every scheduled charge runs. [{merchant_uid, status: paid|failed, …}]"""
        return self.sandbox.control("POST", "/schedules/run", {})

    def revoke_behind_the_shops_back(self, key):
        request = urllib.request.Request(self.sandbox.url + "/users/getToken", method="POST",
                                         data=json.dumps({"imp_key": "sandbox_key", "imp_secret": SECRET}).encode(),
                                         headers={"Content-Type": "application/json"})
        token = json.loads(urllib.request.urlopen(request).read())["response"]["access_token"]
        request = urllib.request.Request(self.sandbox.url + "/subscribe/payments/unschedule", method="POST",
                                         data=json.dumps({"customer_uid": key}).encode(),
                                         headers={"Content-Type": "application/json", "Authorization": token})
        urllib.request.urlopen(request).read()

    # Payments
    def billing_payment(self, merchant_uid, amount, key=None, custom_data=None):
        """A payment through the shop's billing channel that the shop did not make."""
        fields = {"merchant_uid": merchant_uid, "amount": amount, "pg": V1_BILLING_PG, "name": "[정기배송] 원두"}
        if key:
            fields["customer_uid"] = key
        if custom_data:
            fields["custom_data"] = custom_data
        return {**self.sandbox.create(**fields), "status": "paid"}

    def webhook(self, env, charge):
        """The provider tells the shop about a charge, as its webhook does."""
        return _verify(env, {"action": "webhook", "imp_uid": charge["imp_uid"], "merchant_uid": charge["merchant_uid"],
                             "status": charge["status"]})

    def payment_status(self, charge):
        return self.sandbox.payment(charge["imp_uid"])["status"]

    def refunds(self):
        return len(self.sandbox.calls("/payments/cancel"))

    # Identity
    def verification_id(self, merchant_uid):
        return None   # V1 certifications are named by Iamport (imp_…)

    def verify_person(self, merchant_uid, birth_date="1990-05-05", verified=True, age=0):
        """The buyer's identity window, made for `merchant_uid`: the id the page puts in custom_data."""
        return self.sandbox.control("POST", "/certifications", {"merchant_uid": merchant_uid, "birthday": birth_date,
                                                                "certified": verified, "age": age})["imp_uid"]

    def unknown_verification(self, merchant_uid):
        return "imp_999999999999"

    def adult_order(self, merchant_uid, amount, items, shop, certification=None, buyer=None):
        custom = {"items": items, "shop": shop, "catalog": "test"}
        if certification:
            custom["certification"] = certification
        payment = self.sandbox.create(merchant_uid=merchant_uid, amount=amount, pg="html5_inicis.INIpayTest",
                                      custom_data=custom, name="막걸리", **(buyer or {}))
        return {"imp_uid": payment["imp_uid"], "merchant_uid": payment["merchant_uid"]}

    def verify_order(self, env, order):
        return _verify(env, order)

    def identity_calls(self):
        return self.sandbox.calls("/certifications")

    def identity_lookups_fail(self):
        self.sandbox.fault("error500", path_prefix="/certifications", count=3)

    def identity_lookups_work(self):
        self.sandbox.control("POST", "/reset")

    def personal(self):
        return ["테스트인증자", "01099998888", "CI-SANDBOX", "DI-SANDBOX", "female"]


class V2:
    """PortOne V2: billing keys PortOne issues, `/payments/{id}/billing-key` and `/payment-schedules`, signed
    Transaction.* webhooks, identity verifications under an id the page makes for the order."""
    name = "v2"
    key_field = "billing_key"
    identity_field = "identity_verification_id"

    def __init__(self, server, prefix):
        self.server = server
        self.prefix = prefix

    def catalog(self, base):
        catalog = copy.deepcopy(base)
        catalog["payment"] = {"provider": "portone", "store_id": STORE, "pay_methods": ["CARD"],
                              "channel_key": V2_CARD_CHANNEL, "billing_channel_key": V2_BILLING_CHANNEL}
        catalog["identity"] = {"channel_key": V2_IDENTITY_CHANNEL}
        return catalog

    def env(self, env):
        env = {k: v for k, v in env.items() if not k.startswith("IAMPORT_API")}
        return {**env, "PORTONE_API_SECRET": V2_SECRET, "PORTONE_API_URL": self.server.url,
                "PORTONE_WEBHOOK_SECRET": self.server.webhook_secret, "GAGE_CACHE_DIR": "off"}

    def issue_key(self, foreign=False, wrong_channel=False):
        body = {"customer_id": self.prefix + uuid.uuid4().hex[:8]}
        if foreign:
            body["store_id"] = "store-11111111-1111-4111-8111-111111111111"
        if wrong_channel:
            body["channel_key"] = V2_CARD_CHANNEL
        return self.server.control("POST", "/billing-keys", body)["billingKey"]

    def unissued_key(self):
        return "billing-key-" + uuid.uuid4().hex

    def reissue(self, key):
        pass   # V2 keys are PortOne's own: the page cannot have the same one issued again

    def live_keys(self):
        return {k["billingKey"] for k in self.server.control("GET", "/billing-keys") if k["status"] == "ISSUED"}

    def _calls(self, method, suffix):
        return [c for c in self.server.calls() if c["method"] == method and c["path"].endswith(suffix)
                and c["path"].startswith("/payments/" + self.prefix)]

    def first_charges(self):
        return [json.loads(c["body"])["amount"]["total"] for c in self._calls("POST", "/billing-key")]

    def first_charge_tax_free(self):
        return [json.loads(c["body"])["amount"].get("taxFree", 0) for c in self._calls("POST", "/billing-key")]

    def decline(self, key, count=1, message="[2116]개인 월 한도금액 초과", shape="status"):
        self.server.control("POST", "/declines", {"billing_key": key, "count": count, "message": message})

    STATUS = {"SCHEDULED": "scheduled", "REVOKED": "revoked", "SUCCEEDED": "executed", "FAILED": "executed"}

    def schedules(self, subscription_id):
        return [{"merchant_uid": s["paymentId"], "status": self.STATUS[s["status"]], "amount": s["totalAmount"],
                 "at": _seconds(s["timeToPay"])}
                for s in self.server.control("GET", "/schedules") if ("S" + subscription_id + "-") in s["paymentId"]]

    def run_schedules(self):
        ran = self.server.control("POST", "/schedules/run", {"prefix": self.prefix})
        return [{"merchant_uid": r["payment_id"], "status": r["status"].lower(), "payment_id": r["payment_id"],
                 "webhook": r["webhook"]} for r in ran]

    def revoke_behind_the_shops_back(self, key):
        self.server.api("DELETE", "/payment-schedules", {"billingKey": key})

    def billing_payment(self, merchant_uid, amount, key=None, custom_data=None):
        body = {"id": merchant_uid, "amount": amount, "channel_key": V2_BILLING_CHANNEL, "order_name": "[정기배송] 원두"}
        if key:
            body["billing_key"] = key
        if custom_data:
            body["custom_data"] = custom_data
        self.server.control("POST", "/payments", body)
        return {"merchant_uid": merchant_uid, "payment_id": merchant_uid, "status": "paid"}

    def webhook(self, env, charge):
        """A fresh signed delivery about the charge (each with its own webhook-id, as separate events are), through
        the CGI door, answered as the stdin door would: (0 for a decision, the reply, the log)."""
        kind = "Transaction.Paid" if charge["status"] == "paid" else "Transaction.Failed"
        delivery = self.server.delivery(charge["payment_id"], kind)
        raw = delivery["body"].encode()
        cgi_env = {**env, "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "POST", "PATH_INFO": "/webhook",
                   "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(raw)), "REMOTE_ADDR": "127.0.0.1"}
        for name, value in delivery["headers"].items():
            cgi_env["HTTP_" + name.upper().replace("-", "_")] = value
        result = subprocess.run([str(built("gage-verify"))], input=raw, env=cgi_env, capture_output=True, timeout=30)
        head, _, payload = result.stdout.partition(b"\r\n\r\n")
        status = int(head.split(b"\r\n")[0].split()[1])
        return (0 if status == 200 else status), json.loads(payload), result.stderr.decode()

    def payment_status(self, charge):
        return self.server.payment(charge["payment_id"])["status"].lower()

    def refunds(self):
        return len([c for c in self.server.calls() if c["method"] == "POST" and c["path"].endswith("/cancel")
                    and c["path"].startswith("/payments/" + self.prefix)])

    def verification_id(self, merchant_uid):
        return merchant_uid + "-iv"

    def verify_person(self, merchant_uid, birth_date="1990-05-05", verified=True, age=0):
        identity_id = self.verification_id(merchant_uid)
        self.server.control("POST", "/identity-verifications", {"id": identity_id, "birth_date": birth_date,
                                                                "status": "VERIFIED" if verified else "FAILED",
                                                                "age": age})
        return identity_id

    def unknown_verification(self, merchant_uid):
        return self.verification_id(merchant_uid)   # the right id, but the window was never completed

    def adult_order(self, merchant_uid, amount, items, shop, certification=None, buyer=None):
        custom = {"items": items, "shop": shop, "catalog": "test"}
        if certification:
            custom["certification"] = certification
        self.server.control("POST", "/payments", {"id": merchant_uid, "amount": amount, "channel_key": V2_CARD_CHANNEL,
                                                  "order_name": "막걸리", "custom_data": custom,
                                                  "customer": {"name": "홍길동", "email": "gildong@example.kr"}})
        return {"payment_id": merchant_uid}

    def verify_order(self, env, order):
        return _verify(env, order)

    def identity_calls(self):
        return [c for c in self.server.calls() if c["path"].startswith("/identity-verifications/" + self.prefix)]

    def identity_lookups_fail(self):
        """Lookups of this test's verifications fail (scoped by its prefix: the stand-in is shared)."""
        self.server.control("POST", "/faults", {"kind": "error500", "count": 1,
                                                "path_prefix": "/identity-verifications/" + self.prefix})

    def identity_lookups_work(self):
        pass   # the one armed failure was taken

    def personal(self):
        return ["테스트인증자", "01099998888", "CI-SANDBOX-V2", "DI-SANDBOX-V2", "FEMALE"]
