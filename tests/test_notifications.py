"""Notifications (SPEC §8): the outbox written with each decision, e-mail over real SMTP (an aiosmtpd server
process on loopback), the chat webhook, shipping, and the guest order lookup — all through the real binaries."""
import concurrent.futures
import email
import email.policy
import http.server
import json
import os
import pathlib
import signal
import subprocess
import sys
import threading
import time

import pytest

from conftest import free_port, run
from verify_helpers import BUYER, TEA, assert_no_private_data, pay, ref, verify

HERE = pathlib.Path(__file__).parent
SELLER = "seller@onggi.example"
LOOKUP = "https://shop.example.kr/orders/lookup/?order="


class MailServer:
    """aiosmtpd in its own process; every message it accepted, parsed with Python's email package."""

    def __init__(self, folder: pathlib.Path):
        self.folder, self.port, self.process = folder, free_port(), None

    def start(self, *options):
        self.process = subprocess.Popen([sys.executable, str(HERE / "smtp_sink.py"), "--port", str(self.port),
                                         "--out", str(self.folder), *options], stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "ready"
        return self

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def messages(self):
        found = []
        for path in sorted(self.folder.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            message.envelope = json.loads(path.with_suffix(".json").read_text())
            message.raw = path.read_bytes()
            found.append(message)
        return found

    def to(self, address):
        return [m for m in self.messages() if m.envelope["to"] == [address]]


@pytest.fixture()
def mail(tmp_path):
    server = MailServer(tmp_path / "mail").start()
    yield server
    server.stop()


@pytest.fixture()
def notify_env(env, mail):
    return {**env, "GAGE_SMTP_URL": f"smtp://127.0.0.1:{mail.port}",
            "GAGE_MAIL_FROM": "온기 로스터리 <shop@onggi.example>", "GAGE_SELLER_EMAIL": SELLER}


def text_of(message):
    return message.get_body(("plain",)).get_content()


def html_of(message):
    return message.get_body(("html",)).get_content()


def gage_orders(gage, env, *args):
    return run(gage, "orders", *args, "--ledger", env["GAGE_LEDGER"], env=env, timeout=60)


def paid_order(gage_verify, env, sandbox, amount=40000, **extra):
    payment = pay(sandbox, amount, **extra)
    code, reply, _ = verify(gage_verify, env, ref(payment))
    assert code == 0 and reply["status"] == "paid", reply
    return payment


# ----------------------------------------------------------------------------------------------- e-mail

def test_a_paid_order_mails_the_buyer_a_confirmation_and_the_seller_the_address(gage_verify, notify_env, sandbox, mail):
    payment = paid_order(gage_verify, notify_env, sandbox)
    buyer, = mail.to(BUYER["buyer_email"])
    assert buyer["Subject"] == f"[온기 로스터리] 주문이 완료되었습니다 ({payment['merchant_uid']})"
    assert b"=?UTF-8?B?" in buyer.raw.split(b"\r\n\r\n")[0], "Korean headers travel RFC 2047-encoded"
    assert buyer["From"].addresses[0].display_name == "온기 로스터리"
    assert buyer["From"].addresses[0].addr_spec == "shop@onggi.example"
    assert buyer["Reply-To"].addresses[0].addr_spec == SELLER
    assert buyer["Message-ID"] and buyer["Date"].datetime.timestamp() == pytest.approx(time.time(), abs=120)
    assert {part.get_content_type() for part in buyer.walk()} >= {"multipart/alternative", "text/plain", "text/html"}
    text, html = text_of(buyer), html_of(buyer)
    for body in (text, html):
        assert payment["merchant_uid"] in body
        assert "원두" in body and "에스프레소용" in body and "37,000원" in body
        assert "3,000원" in body and "40,000원" in body
        assert LOOKUP + payment["merchant_uid"] in body
    assert "× 2" in text
    assert time.strftime("%Y년", time.gmtime(time.time() + 9 * 3600)) in text, "the order time is in Korean time"

    seller, = mail.to(SELLER)
    assert seller["Subject"] == "[온기 로스터리] 새 주문 40,000원 — 원두 외 1건"
    for detail in (BUYER["buyer_addr"], BUYER["buyer_tel"], BUYER["buyer_postcode"], payment["imp_uid"]):
        assert detail in text_of(seller) and detail in html_of(seller)


def test_every_later_look_at_a_paid_order_sends_nothing_more(gage_verify, notify_env, sandbox, mail):
    payment = paid_order(gage_verify, notify_env, sandbox)
    for action in ("verify", "webhook", "verify"):
        verify(gage_verify, notify_env, {**ref(payment), "action": action})
    assert len(mail.messages()) == 2


def test_twenty_webhooks_at_once_send_each_mail_once(gage_verify, notify_env, sandbox, mail):
    payment = pay(sandbox, 40000)
    body = {**ref(payment), "status": "paid", "action": "webhook"}
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        replies = list(pool.map(lambda _: verify(gage_verify, notify_env, body), range(20)))
    assert {reply["status"] for _, reply, _ in replies} == {"paid"}
    assert sorted(m.envelope["to"][0] for m in mail.messages()) == sorted([BUYER["buyer_email"], SELLER])


def test_a_virtual_account_mails_the_account_then_the_deposit(gage_verify, notify_env, sandbox, mail):
    account = pay(sandbox, 40000, status="ready", pay_method="vbank")
    code, reply, _ = verify(gage_verify, notify_env, ref(account))
    assert reply["status"] == "awaiting_deposit"
    notice, = mail.messages()
    assert notice.envelope["to"] == [BUYER["buyer_email"]] and "입금 안내" in notice["Subject"]
    record = sandbox.payment(account["imp_uid"])
    for detail in (record["vbank_name"], record["vbank_num"], record["vbank_holder"], "40,000원"):
        assert detail in text_of(notice) and detail in html_of(notice)
    sandbox.control("POST", f"/payments/{account['imp_uid']}/deposit")
    verify(gage_verify, notify_env, {**ref(account), "action": "webhook"})
    subjects = [m["Subject"] for m in mail.messages()]
    assert len(subjects) == 3
    assert any("입금이 확인되었습니다" in s for s in subjects) and any("새 주문" in s for s in subjects)


def test_a_virtual_account_mail_carries_nothing_the_buyer_typed(gage_verify, notify_env, sandbox, mail):
    """Issuing an account costs nothing and its mail goes to any address: before a deposit it says only what the
    shop wrote (SPEC §9), so the shop's mail server cannot be made to carry someone's text to a stranger."""
    typed = "무료 쿠폰 받기 https://evil.example/claim"
    account = pay(sandbox, 40000, status="ready", pay_method="vbank", buyer_name=typed, name=typed)
    assert verify(gage_verify, notify_env, ref(account))[1]["status"] == "awaiting_deposit"
    notice, = mail.messages()
    for body in (text_of(notice), html_of(notice), notice["Subject"]):
        assert "evil.example" not in body and "쿠폰" not in body
    assert sandbox.payment(account["imp_uid"])["vbank_num"] in text_of(notice)


def test_a_tampered_amount_is_refunded_and_the_buyer_told(gage_verify, notify_env, sandbox, mail):
    payment = pay(sandbox, 1000)
    code, reply, _ = verify(gage_verify, notify_env, ref(payment))
    assert reply["status"] == "rejected" and reply["refunded"] is True
    notice, = mail.messages()
    assert notice.envelope["to"] == [BUYER["buyer_email"]] and "환불 안내" in notice["Subject"]
    assert "결제 금액이 주문 금액과 달라" in text_of(notice) and "1,000원" in text_of(notice)


def test_a_refund_that_fails_tells_the_seller_once_and_the_buyer_when_it_is_made(gage_verify, notify_env, sandbox, mail):
    payment = pay(sandbox, 1000)
    sandbox.fault("error500", path_prefix="/payments/cancel", count=2)
    verify(gage_verify, notify_env, ref(payment))
    verify(gage_verify, notify_env, {**ref(payment), "action": "webhook"})
    pending, = mail.messages()
    assert pending.envelope["to"] == [SELLER] and "환불 대기" in pending["Subject"]
    verify(gage_verify, notify_env, {**ref(payment), "action": "webhook"})
    assert [m.envelope["to"][0] for m in mail.messages()] == [SELLER, BUYER["buyer_email"]]


# ----------------------------------------------------------------------------------------------- the outbox

def test_a_mail_server_that_is_down_changes_no_decision_and_notify_delivers_later_once(
        gage, gage_verify, notify_env, sandbox, mail):
    mail.stop()
    payment = paid_order(gage_verify, notify_env, sandbox)
    listing = gage_orders(gage, notify_env, "list")
    assert "보내지 못한 알림 2건" in listing.stdout
    early = gage_orders(gage, notify_env, "notify")
    assert early.returncode == 0 and "보냄 0건" in early.stdout and "나중에 다시 보낼 알림 2건" in early.stdout
    mail.start()
    later = gage_orders(gage, notify_env, "notify", "--retry-now")
    assert later.returncode == 0 and "보냄 2건" in later.stdout, later.stdout + later.stderr
    again = gage_orders(gage, notify_env, "notify", "--retry-now")
    assert "보냄 0건" in again.stdout
    assert len(mail.messages()) == 2
    shown = gage_orders(gage, notify_env, "show", payment["imp_uid"]).stdout
    assert "주문 확인" in shown and "새 주문" in shown and "보냄" in shown
    assert "보내지 못한 알림" not in gage_orders(gage, notify_env, "list").stdout


def test_a_sender_killed_mid_send_leaves_its_mail_to_be_sent_once_more_at_most(gage, gage_verify, notify_env, sandbox,
                                                                               mail, tmp_path):
    mail.stop()
    mail.start("--delay", "3")
    payment = pay(sandbox, 40000)
    process = subprocess.Popen([str(gage_verify)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=notify_env,
                               text=True, stderr=subprocess.DEVNULL)
    process.stdin.write(json.dumps(ref(payment)))
    process.stdin.close()
    reply = json.loads(process.stdout.read())  # stdout is closed before delivery starts
    assert reply["status"] == "paid"
    time.sleep(1.5)  # now inside the first message's DATA
    process.send_signal(signal.SIGKILL)
    process.wait()
    mail.stop()
    mail.start()
    # One notification is claimed at a time: the one being sent stays claimed (its lease is fresh), the other
    # was never touched and goes now.
    assert "보냄 1건" in gage_orders(gage, notify_env, "notify").stdout
    resumed = gage_orders(gage, notify_env, "notify", "--reclaim-after", "0")
    assert resumed.returncode == 0 and "보냄 1건" in resumed.stdout, resumed.stdout + resumed.stderr
    counts = {}
    for message in mail.messages():
        counts[message.envelope["to"][0]] = counts.get(message.envelope["to"][0], 0) + 1
    assert set(counts) == {BUYER["buyer_email"], SELLER}
    assert all(1 <= n <= 2 for n in counts.values()), counts
    assert sum(counts.values()) <= 3, "only the message being sent when killed may arrive twice"


def test_a_recipient_the_server_refuses_for_good_is_given_up_and_shown(gage, gage_verify, notify_env, sandbox, mail):
    mail.stop()
    mail.start("--reject-rcpt")
    payment = paid_order(gage_verify, notify_env, sandbox)
    listing = gage_orders(gage, notify_env, "list").stdout
    assert "포기한 알림 2건" in listing and payment["imp_uid"] in listing
    assert "포기" in gage_orders(gage, notify_env, "show", payment["imp_uid"]).stdout
    assert gage_orders(gage, notify_env, "notify", "--retry-now").stdout.startswith("보냄 0건")


def test_without_mail_settings_nothing_is_written_or_sent(gage_verify, env, sandbox, mail):
    paid_order(gage_verify, env, sandbox)
    assert mail.messages() == []


def test_the_answer_says_a_mail_went_to_the_buyer_only_when_one_did(gage_verify, env, notify_env, sandbox, mail):
    """The order page says "a confirmation mail went to …" from `mailed`: true only when the function mails and the
    buyer gave an address; absent for a shop without mail settings and for a buyer without an address."""
    reply = verify(gage_verify, notify_env, ref(pay(sandbox, 40000)))[1]
    assert (reply["status"], reply.get("mailed")) == ("paid", True)
    assert len(mail.to(BUYER["buyer_email"])) == 1
    reply = verify(gage_verify, notify_env, ref(pay(sandbox, 40000, buyer_email="")))[1]
    assert reply["status"] == "paid" and "mailed" not in reply
    reply = verify(gage_verify, env, ref(pay(sandbox, 40000)))[1]
    assert reply["status"] == "paid" and "mailed" not in reply
    assert len(mail.to(BUYER["buyer_email"])) == 1


# ----------------------------------------------------------------------------------------------- chat

class ChatReceiver(http.server.BaseHTTPRequestHandler):
    posts = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        ChatReceiver.posts.append((self.headers["Content-Type"], json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture()
def chat():
    ChatReceiver.posts = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ChatReceiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks/T000/B000/XXXX"
    server.shutdown()


def test_the_chat_webhook_gets_one_line_per_paid_order(gage_verify, env, sandbox, chat):
    chat_env = {**env, "GAGE_NOTIFY_WEBHOOK": chat}
    payment = paid_order(gage_verify, chat_env, sandbox)
    verify(gage_verify, chat_env, {**ref(payment), "action": "webhook"})
    account = pay(sandbox, 15000, TEA, status="ready", pay_method="vbank")
    verify(gage_verify, chat_env, ref(account))
    assert len(ChatReceiver.posts) == 1, "a virtual account waiting for its deposit is not an order yet"
    content_type, body = ChatReceiver.posts[0]
    assert content_type == "application/json"
    assert body["text"] == body["content"], "Slack reads text, Discord content"
    assert "40,000원" in body["text"] and payment["merchant_uid"] in body["text"]
    assert "\n" not in body["text"]
    assert_no_private_data(json.dumps(body, ensure_ascii=False))
    sandbox.control("POST", f"/payments/{account['imp_uid']}/deposit")
    verify(gage_verify, chat_env, {**ref(account), "action": "webhook"})
    assert len(ChatReceiver.posts) == 2 and "15,000원" in ChatReceiver.posts[1][1]["text"]


def test_an_order_name_reaches_the_chat_as_text(gage_verify, env, sandbox, chat):
    """SPEC §9: no mention, no disguised link, no markup from what a buyer typed."""
    chat_env = {**env, "GAGE_NOTIFY_WEBHOOK": chat}
    hostile = "<!channel> @everyone <https://evil.example|쿠폰> [쿠폰](https://evil.example) <@123>"
    paid_order(gage_verify, chat_env, sandbox, name=hostile)
    [(_, body)] = ChatReceiver.posts
    assert "<!channel>" not in body["text"] and "<https://" not in body["text"] and "&lt;!channel&gt;" in body["text"]
    assert "@everyone" not in body["content"] and "\\[쿠폰\\]\\(https://evil.example\\)" in body["content"]
    assert "<@123>" not in body["content"]
    assert body["allowed_mentions"] == {"parse": []}


# ----------------------------------------------------------------------------------------------- shipping

def test_shipping_mails_the_tracking_link_and_leaves_the_to_ship_list(gage, gage_verify, notify_env, sandbox, mail):
    payment = paid_order(gage_verify, notify_env, sandbox)
    assert payment["merchant_uid"] in gage_orders(gage, notify_env, "list", "--to-ship").stdout
    shipped = gage_orders(gage, notify_env, "ship", payment["imp_uid"], "--carrier", "cj", "--tracking", "6543-2109-8765")
    assert shipped.returncode == 0, shipped.stderr
    assert "구매자에게 발송 안내를 보냈습니다" in shipped.stdout
    notice = mail.messages()[-1]
    assert "상품이 발송되었습니다" in notice["Subject"] and notice.envelope["to"] == [BUYER["buyer_email"]]
    link = "https://trace.cjlogistics.com/next/tracking.html?wblNo=6543-2109-8765"
    assert link in text_of(notice) and link in html_of(notice) and "CJ대한통운" in text_of(notice)
    assert sandbox.calls("/escrows") == [], "a card payment has no escrow to register"
    assert payment["merchant_uid"] not in gage_orders(gage, notify_env, "list", "--to-ship").stdout
    assert "CJ대한통운" in gage_orders(gage, notify_env, "show", payment["imp_uid"]).stdout


def test_an_unknown_carrier_is_refused_with_the_known_ones(gage, gage_verify, notify_env, sandbox, mail):
    payment = paid_order(gage_verify, notify_env, sandbox)
    refused = gage_orders(gage, notify_env, "ship", payment["imp_uid"], "--carrier", "fedx", "--tracking", "1")
    assert refused.returncode != 0 and "cj" in refused.stderr and "hanjin" in refused.stderr


def write_emails_json(env, business=True):
    shop = {"title": "온기 로스터리", "base_url": "https://shop.example.kr/", "business": [],
            "email": SELLER, "phone": "02-1234-5678"}
    if business:
        shop.update(business_name="온기 로스터리", address="(03154) 서울특별시 종로구 세종대로 2")
    pathlib.Path(env["GAGE_CATALOG"]).with_name("emails.json").write_text(
        json.dumps({"shop": shop, "templates": {}}, ensure_ascii=False))


def test_an_escrow_payment_registers_its_delivery_with_the_provider_before_it_is_marked(
        gage, gage_verify, notify_env, sandbox, mail):
    payment = paid_order(gage_verify, notify_env, sandbox, pay_method="trans", escrow=True)
    missing = gage_orders(gage, notify_env, "ship", payment["imp_uid"])
    assert missing.returncode != 0 and "에스크로" in missing.stderr and "--carrier" in missing.stderr
    write_emails_json(notify_env, business=False)
    # The shop's address has no postcode: the seller is told what to fix, before the PG is asked anything.
    refused = gage_orders(gage, notify_env, "ship", payment["merchant_uid"], "--carrier", "hanjin", "--tracking", "111")
    assert refused.returncode != 0 and "business:" in refused.stderr and "postcode" in refused.stderr
    assert "아무것도 발송 처리하지 않았습니다" in refused.stderr and "HTTP 400" not in refused.stderr
    assert sandbox.calls("/escrows/logis/") == []
    assert "미발송" in gage_orders(gage, notify_env, "show", payment["imp_uid"]).stdout
    write_emails_json(notify_env)
    shipped = gage_orders(gage, notify_env, "ship", payment["imp_uid"], "--carrier", "hanjin", "--tracking", "2222")
    assert shipped.returncode == 0, shipped.stderr
    posts = [c for c in sandbox.calls("/escrows/logis/") if c["method"] == "POST"]
    assert [c["path"] for c in posts] == ["/escrows/logis/" + payment["imp_uid"]]
    sent = json.loads(posts[-1]["body"])
    assert sent["logis"]["company"] == "HANJIN" and sent["logis"]["invoice"] == "2222"
    assert sent["receiver"]["postcode"] == BUYER["buyer_postcode"] and sent["sender"]["postcode"] == "03154"
    # The official V1 client reads the registration back, independently of gage.
    from iamport import Iamport
    client = Iamport(imp_key="sandbox_key", imp_secret=notify_env["IAMPORT_API_SECRET"], imp_url=sandbox.url + "/")
    registered = client._get(sandbox.url + "/escrows/logis/" + payment["imp_uid"])
    assert registered["company"] == "HANJIN" and registered["invoice"] == "2222"
    assert "상품이 발송되었습니다" in mail.messages()[-1]["Subject"]


# ----------------------------------------------------------------------------------------------- lookup

def lookup(gage_verify, env, order, phone):
    return verify(gage_verify, env, {"action": "order", "order": order, "phone": phone})


def cgi_lookup(gage_verify, env, order, phone, client="203.0.113.7"):
    body = json.dumps({"order": order, "phone": phone})
    result = run(gage_verify, input=body, timeout=30, env={
        **env, "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "POST", "PATH_INFO": "/order",
        "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body.encode())), "REMOTE_ADDR": client})
    head, _, reply = result.stdout.partition("\n\n")  # text mode turned CRLF into LF
    return int(head.split()[1]), json.loads(reply)


def test_a_guest_sees_the_order_by_its_number_and_phone_and_nothing_about_the_buyer(gage, gage_verify, env, sandbox):
    payment = paid_order(gage_verify, env, sandbox)
    run(gage, "orders", "ship", payment["imp_uid"], "--carrier", "epost", "--tracking", "1234567890123",
        "--ledger", env["GAGE_LEDGER"], env=env)
    for phone in ("010-1234-5678", "01012345678", "010 1234 5678", "+82 10-1234-5678"):
        code, reply, log = lookup(gage_verify, env, payment["merchant_uid"], phone)
        assert code == 0 and reply["ok"] is True, reply
        order = reply["order"]
        assert order["number"] == payment["merchant_uid"] and order["status"] == "paid" and order["amount"] == 40000
        assert order["items"][0]["sku"] == "BEAN" and order["items"][0]["quantity"] == 2
        assert order["shipment"]["carrier_name"] == "우체국택배" and order["shipment"]["tracking"] == "1234567890123"
        assert order["shipment"]["tracking_url"].startswith("https://service.epost.go.kr/")
        assert_no_private_data(json.dumps(reply, ensure_ascii=False), log)


def test_a_waiting_virtual_account_is_shown_to_its_buyer(gage_verify, env, sandbox):
    account = pay(sandbox, 40000, status="ready", pay_method="vbank")
    verify(gage_verify, env, ref(account))
    code, reply, _ = lookup(gage_verify, env, account["merchant_uid"], BUYER["buyer_tel"])
    assert reply["order"]["status"] == "awaiting_deposit"
    assert reply["order"]["vbank"]["number"] == sandbox.payment(account["imp_uid"])["vbank_num"]


def test_a_wrong_phone_and_an_unknown_number_get_the_same_answer(gage_verify, env, sandbox):
    payment = paid_order(gage_verify, env, sandbox)
    status_wrong, wrong = cgi_lookup(gage_verify, env, payment["merchant_uid"], "010-9999-9999")
    status_unknown, unknown = cgi_lookup(gage_verify, env, "shop-doesnotexist", BUYER["buyer_tel"])
    assert status_wrong == status_unknown == 404 and wrong == unknown
    status, malformed = cgi_lookup(gage_verify, env, payment["merchant_uid"], "not a phone")
    assert status == 400


def test_failed_lookups_are_limited_per_order_and_per_client(gage_verify, env, sandbox):
    payment = paid_order(gage_verify, env, sandbox)
    for _ in range(5):
        assert cgi_lookup(gage_verify, env, payment["merchant_uid"], "010-0000-0000", client="198.51.100.1")[0] == 404
    status, reply = cgi_lookup(gage_verify, env, payment["merchant_uid"], BUYER["buyer_tel"], client="198.51.100.2")
    assert status == 429 and "order" not in reply, "the right phone no longer helps once the number is under attack"

    other = paid_order(gage_verify, env, sandbox, 15000, items=TEA)
    for n in range(20):  # one client guessing many numbers
        assert cgi_lookup(gage_verify, env, f"shop-guess{n:04d}", BUYER["buyer_tel"], client="192.0.2.9")[0] == 404
    assert cgi_lookup(gage_verify, env, other["merchant_uid"], BUYER["buyer_tel"], client="192.0.2.9")[0] == 429
    assert cgi_lookup(gage_verify, env, other["merchant_uid"], BUYER["buyer_tel"], client="192.0.2.10")[0] == 200


def test_the_lookup_takes_post_only(gage_verify, env):
    result = run(gage_verify, input="", timeout=30, env={
        **env, "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET", "PATH_INFO": "/order",
        "QUERY_STRING": "order=x&phone=01012345678"})
    assert result.stdout.startswith("Status: 405")


def test_a_provider_refusal_of_an_escrow_delivery_is_explained_as_what_to_fix(gage, gage_verify, notify_env, sandbox,
                                                                            mail):
    """The buyer's order has no postcode: the PG refuses with its own words (HTTP 400, "postcode 는 필수입니다."),
    and the seller reads which setting or order to look at instead of "HTTP 400"."""
    payment = paid_order(gage_verify, notify_env, sandbox, pay_method="trans", escrow=True, buyer_postcode="")
    write_emails_json(notify_env)
    refused = gage_orders(gage, notify_env, "ship", payment["merchant_uid"], "--carrier", "cj", "--tracking", "3")
    assert refused.returncode == 1
    assert "postcode 는 필수입니다" in refused.stderr and "business.postcode" in refused.stderr
    assert "gage orders show" in refused.stderr and "the provider's API failed" not in refused.stderr
    assert "미발송" in gage_orders(gage, notify_env, "show", payment["merchant_uid"]).stdout
