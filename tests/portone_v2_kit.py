"""The PortOne V2 stand-in as the tests drive it (`gage sandbox --portone`): its control API, the shop's V2 secret,
store and channels, and where PortOne's own reference material is."""
import json
import os
import pathlib
import urllib.request
import uuid

from verify_helpers import BEANS, SHOP

V2_SECRET = "v2_api_secret_never_printed"
STORE = "store-00000000-0000-4000-8000-000000000000"
CARD_CHANNEL = "channel-key-card-0001"
VBANK_CHANNEL = "channel-key-vbank-0002"
REFERENCE = pathlib.Path(os.environ.get("GAGE_PORTONE_REFERENCE", pathlib.Path.home() / ".cache/gage/portone-reference"))
OPENAPI = REFERENCE / "mcp/portone_mcp_server/resources/docs/schema/v2.openapi.json"
BUYER = {"name": "홍길동", "email": "gildong@example.kr", "phone": "01012345678", "address": "서울특별시 종로구 세종대로 1",
         "zipcode": "03154"}


class V2Sandbox:
    """The PortOne V2 stand-in (`gage sandbox --portone`), driven through its control API."""

    def __init__(self, url, webhook_secret):
        self.url = url
        self.webhook_secret = webhook_secret

    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url + "/__sandbox" + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def pay(self, amount, items=BEANS, status="PAID", method="CARD", channel=CARD_CHANNEL, payment_id=None,
            shop=SHOP, **extra):
        """A payment as the shop's V2 page makes it: its paymentId, items, shop id and catalog version."""
        return self.control("POST", "/payments", {
            "id": payment_id or "shop-" + uuid.uuid4().hex[:12], "amount": amount, "status": status, "method": method,
            "channel_key": channel, "order_name": "원두 외 1건", "customer": BUYER,
            "custom_data": {"items": items, "shop": shop, "catalog": "test"}, **extra})

    def payment(self, payment_id):
        return self.api("GET", "/payments/" + payment_id)

    def api(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Authorization": "PortOne " + V2_SECRET,
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def delivery(self, payment_id, kind="Transaction.Paid", **query):
        query = "&".join(f"{k}={v}" for k, v in {"type": kind, **query}.items())
        path = ("/confirm/" + payment_id + "?" + query) if kind == "Transaction.Confirm" \
            else "/webhooks/" + payment_id + "?" + query
        return self.control("GET", path)

    def calls(self):
        return self.control("GET", "/calls")


