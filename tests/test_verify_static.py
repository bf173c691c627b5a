"""The deployable gage-verify: one executable that needs no Swift runtime where it runs."""
import http.server
import json
import ssl
import subprocess
import threading

import pytest

from conftest import ROOT, SECRET
from verify_helpers import BEANS, CATALOG, pay, ref, verify


@pytest.fixture(scope="module")
def static_binary():
    subprocess.run([str(ROOT / "scripts/build-verify")], cwd=ROOT, check=True, capture_output=True)
    return ROOT / "dist" / "gage-verify"


def test_static_binary_links_no_swift_runtime_and_carries_its_http_tls_and_ledger_libraries(static_binary):
    libraries = subprocess.run(["ldd", str(static_binary)], capture_output=True, text=True, check=True).stdout
    assert "libswift" not in libraries and "libFoundation" not in libraries
    assert "libc.so" in libraries
    # libcurl (with its ~20 libraries), OpenSSL, SQLite and libpq are linked in: loading them was most of a
    # verification's time. Only what Debian ships no static archive for is left to the host.
    for linked_in in ["libcurl", "libssl", "libcrypto", "libsqlite3", "libpq", "libnghttp2", "libgnutls", "libldap",
                      "libstdc++", "libgcc_s"]:
        assert linked_in not in libraries, f"{linked_in} is still loaded at run time:\n{libraries}"
    assert "not found" not in libraries
    assert "RUNPATH" not in subprocess.run(["readelf", "-d", str(static_binary)], capture_output=True, text=True,
                                           check=True).stdout   # no $ORIGIN search before the system's folders


@pytest.fixture()
def untrusted_https_api(tmp_path):
    """An HTTPS server on 127.0.0.1 whose certificate no CA signed."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    answered = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            answered.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"code":0,"response":{"access_token":"t","expired_at":4102444800,"now":0}}')

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_address[1]}", answered
    server.shutdown()


def test_static_binary_speaks_tls_and_refuses_an_untrusted_certificate(static_binary, untrusted_https_api, tmp_path):
    # The linked-in OpenSSL must do the handshake and check the chain (Debian's CA bundle, as the shared libcurl
    # would): a provider with a certificate no CA signed is never asked anything, and nothing is decided.
    url, answered = untrusted_https_api
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(CATALOG))
    env = {"IAMPORT_API_KEY": "sandbox_key", "IAMPORT_API_SECRET": SECRET, "IAMPORT_API_URL": url,
           "GAGE_CATALOG": str(catalog), "GAGE_CACHE_DIR": "off", "GAGE_LEDGER": str(tmp_path / "orders.sqlite"),
           "PATH": "/usr/bin:/bin"}
    result = subprocess.run([str(static_binary)], input=json.dumps({"imp_uid": "imp_1", "merchant_uid": "shop-tls-1"}),
                            env=env, capture_output=True, text=True)
    assert result.returncode == 4, result.stderr
    assert json.loads(result.stdout)["ok"] is False
    assert "SSL certificate problem" in result.stderr and SECRET not in result.stderr
    assert answered == []


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_static_binary_verifies_a_payment(backend, request, static_binary, sandbox, tmp_path):
    ledger = (str(tmp_path / "orders.sqlite") if backend == "sqlite"
              else request.getfixturevalue("postgres").create_database())
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(CATALOG))
    payment = sandbox.create(merchant_uid="shop-static-1", amount=40000, custom_data={"items": BEANS})
    env = {"IAMPORT_API_KEY": "sandbox_key", "IAMPORT_API_SECRET": SECRET, "IAMPORT_API_URL": sandbox.url,
           "GAGE_CATALOG": str(catalog), "GAGE_CACHE_DIR": "off", "GAGE_LEDGER": ledger,
           "PATH": "/usr/bin:/bin"}
    result = subprocess.run([str(static_binary)], input=json.dumps(ref(payment)),
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "paid"


def test_static_binary_refunds_a_tampered_amount_and_mails_a_paid_order(static_binary, env, sandbox, tmp_path):
    # The deployable binary is built with other code generation than the debug one the rest of the suite runs
    # (scripts/build-verify): the money path and the e-mail rendering (swift-mustache) are run on it too.
    from test_notifications import MailServer, text_of, html_of
    server = MailServer(tmp_path / "mail").start()
    try:
        notify_env = {**env, "GAGE_SMTP_URL": f"smtp://127.0.0.1:{server.port}",
                      "GAGE_MAIL_FROM": "온기 로스터리 <shop@onggi.example>"}
        tampered = pay(sandbox, 100)
        code, reply, _ = verify(static_binary, notify_env, ref(tampered))
        assert code == 0 and reply["status"] == "rejected" and reply["reason"] == "amount_mismatch", reply
        assert reply["refunded"] is True
        assert sandbox.payment(tampered["imp_uid"])["status"] == "cancelled"

        paid = pay(sandbox, 40000, buyer_name='홍길동" onmouseover="x')
        code, reply, _ = verify(static_binary, notify_env, ref(paid))
        assert code == 0 and reply["status"] == "paid", reply
        mail, = [m for m in server.messages() if paid["merchant_uid"] in m["Subject"]]
        assert "40,000원" in text_of(mail) and "에스프레소용" in html_of(mail)
        assert 'onmouseover="x' not in html_of(mail) and "홍길동&quot; onmouseover=&quot;x" in html_of(mail)
    finally:
        server.stop()
