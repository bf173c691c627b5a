#!/usr/bin/env python3
"""The peer for `gage-verify` in the benchmark: the same verification in Python with the official client,
iamport-rest-client: fetch the payment, price its custom_data items from catalog.json, compare the amount.
Reads {"imp_uid": ...} on stdin, prints a JSON decision. Environment as gage-verify's."""
import json
import os
import sys

from iamport import Iamport


def price(catalog, items):
    products = {p["sku"]: p for p in catalog["products"]}
    subtotal = 0
    for item in items:
        product = products[item["sku"]]
        unit = product["price"]
        for option in product["options"]:
            chosen = item.get("options", {})[option["name"]]
            unit += next(v["price"] for v in option["values"] if v["label"] == chosen)
        subtotal += unit * item["quantity"]
    shipping = catalog["shipping"]
    free_over = shipping.get("free_over")
    return subtotal + (0 if free_over is not None and subtotal >= free_over else shipping["fee"])


def main():
    request = json.load(sys.stdin)
    client = Iamport(imp_key=os.environ["IAMPORT_API_KEY"], imp_secret=os.environ["IAMPORT_API_SECRET"],
                     imp_url=os.environ["IAMPORT_API_URL"].rstrip("/") + "/")
    with open(os.environ["GAGE_CATALOG"]) as handle:
        catalog = json.load(handle)
    payment = client.find(imp_uid=request["imp_uid"])
    items = json.loads(payment["custom_data"])["items"]
    paid = client.is_paid(price(catalog, items), response=payment)
    print(json.dumps({"ok": True, "status": "paid" if paid else "rejected", "imp_uid": payment["imp_uid"]}))


if __name__ == "__main__":
    main()
