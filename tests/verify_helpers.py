"""What the gage-verify tests share: a catalog whose prices are added up by hand, and how to call the function."""
import json
import uuid

from conftest import SECRET, run

SHOP = "shop-a1b2c3"
CATALOG = {
    "version": "test", "shop": SHOP, "base_url": "https://shop.example.kr/", "currency": "KRW",
    "order_prefix": "shop-", "shipping": {"fee": 3000, "free_over": 50000},
    "payment": {"pg": "html5_inicis.INIpayTest", "pay_methods": ["card", "trans", "vbank", "phone"]},
    "price_grace": 60, "vbank_hours": 72,
    "products": [
        {"sku": "BEAN", "title": "원두", "price": 18000, "url": "https://shop.example.kr/products/bean/",
         "stock": 10, "max_quantity": 5,
         "options": [{"name": "분쇄도", "values": [{"label": "홀빈", "price": 0}, {"label": "에스프레소용", "price": 500}]}]},
        {"sku": "TEA", "title": "녹차", "price": 12000, "url": "", "stock": None, "max_quantity": None, "options": []},
        {"sku": "GONE", "title": "품절", "price": 9000, "url": "", "stock": 0, "max_quantity": None, "options": []},
    ],
}
BEANS = [{"sku": "BEAN", "quantity": 2, "options": {"분쇄도": "에스프레소용"}}]      # 2 × 18,500 + 3,000 = 40,000
BUYER = {"buyer_name": "홍길동", "buyer_tel": "010-1234-5678", "buyer_email": "gildong@example.kr",
         "buyer_addr": "서울특별시 종로구 세종대로 1", "buyer_postcode": "03154"}


def order_id() -> str:
    return "shop-" + uuid.uuid4().hex[:12]


def verify(binary, env, body, stdin=None):
    text = stdin if stdin is not None else json.dumps(body, ensure_ascii=False)
    result = run(binary, input=text, env=env, timeout=30)
    reply = json.loads(result.stdout)
    return result.returncode, reply, result.stderr


def pay(sandbox, amount, items=BEANS, catalog="test", **extra):
    """A payment as the shop's page makes it: through the shop's PG and MID, with its shop id and catalog version."""
    fields = {"merchant_uid": order_id(), "amount": amount, "pg": "html5_inicis.INIpayTest",
              "custom_data": {"items": items, "shop": SHOP, "catalog": catalog}, "name": "원두 외 1건",
              **BUYER, **extra}
    return sandbox.create(**fields)


def ref(payment) -> dict:
    """What the page sends the function: the payment's imp_uid and merchant_uid."""
    return {"imp_uid": payment["imp_uid"], "merchant_uid": payment["merchant_uid"]}


def assert_no_private_data(*texts):
    for text in texts:
        for private in (SECRET, BUYER["buyer_name"], BUYER["buyer_tel"], BUYER["buyer_email"], BUYER["buyer_addr"]):
            assert private not in text

TEA = [{"sku": "TEA", "quantity": 1}]                                   # 12,000 + 3,000 = 15,000; no stock limit
