"""gage-verify as a CGI program under a real lighttpd, configured from functions/verify/deploy/lighttpd.conf."""
import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from conftest import ROOT, SECRET, free_port
from test_verify import BEANS, CATALOG, order_id, pay

pytestmark = pytest.mark.skipif(shutil.which("lighttpd") is None, reason="lighttpd is installed by scripts/setup")


@pytest.fixture(scope="module")
def lighttpd(gage_verify, sandbox_server, tmp_path_factory):
    root = tmp_path_factory.mktemp("lighttpd")
    (root / "www").mkdir()
    (root / "catalog.json").write_text(json.dumps(CATALOG, ensure_ascii=False))
    secrets = root / "verify.env"
    secrets.write_text(f"IAMPORT_API_KEY=sandbox_key\nIAMPORT_API_SECRET={SECRET}\n"
                       f"IAMPORT_API_URL={sandbox_server.url}\nIAMPORT_TIMEOUT=3\n")
    secrets.chmod(0o600)
    recipe = (ROOT / "functions/verify/deploy/lighttpd.conf").read_text()
    for placeholder, path in {"/usr/local/lib/gage/gage-verify": gage_verify, "/etc/gage/verify.env": secrets,
                              "/var/www/shop/catalog.json": root / "catalog.json",
                              "/var/cache/gage": root / "cache"}.items():
        assert placeholder in recipe
        recipe = recipe.replace(placeholder, str(path))
    (root / "recipe.conf").write_text(recipe)
    port = free_port()
    (root / "lighttpd.conf").write_text(f"""
server.document-root = "{root / 'www'}"
server.bind = "127.0.0.1"
server.port = {port}
server.errorlog = "{root / 'error.log'}"
include "{root / 'recipe.conf'}"
# A second mount with no secrets at all, to see the misconfiguration answer.
alias.url += ("/broken" => "{gage_verify}")
$HTTP["url"] =~ "^/broken" {{
    cgi.assign = ("" => "")
    setenv.add-environment = ("GAGE_CATALOG" => "{root / 'catalog.json'}")
}}
""")
    server = subprocess.Popen(["lighttpd", "-D", "-f", str(root / "lighttpd.conf")])
    base = f"http://127.0.0.1:{port}"
    for _ in range(50):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.1)
    yield base
    server.terminate()
    server.wait(timeout=10)


def request(url, method="GET", body=None, headers=None):
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=15) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def post_json(url, body, headers=None):
    return request(url, "POST", json.dumps(body), {"Content-Type": "application/json", **(headers or {})})


def test_callback_post_confirms_a_paid_order(lighttpd, sandbox):
    payment = pay(sandbox, 40000)
    status, headers, body = post_json(lighttpd + "/verify", {"imp_uid": payment["imp_uid"],
                                                             "merchant_uid": payment["merchant_uid"]})
    assert status == 200
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    assert json.loads(body)["status"] == "paid"


def test_mobile_redirect_get_with_query_string(lighttpd, sandbox):
    payment = pay(sandbox, 40000)
    status, _, body = request(f"{lighttpd}/verify?imp_uid={payment['imp_uid']}&merchant_uid={payment['merchant_uid']}"
                              "&imp_success=true")
    assert status == 200 and json.loads(body)["status"] == "paid"


def test_form_encoded_verify_and_webhook(lighttpd, sandbox):
    payment = pay(sandbox, 40000)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for path in ("/verify", "/verify/webhook"):
        status, _, body = request(lighttpd + path, "POST",
                                  f"imp_uid={payment['imp_uid']}&merchant_uid={payment['merchant_uid']}&status=paid", form)
        assert status == 200 and json.loads(body)["status"] == "paid"


def test_tampered_payment_is_refunded_through_cgi(lighttpd, sandbox):
    payment = pay(sandbox, 1000)
    status, _, body = post_json(lighttpd + "/verify/webhook", {"imp_uid": payment["imp_uid"],
                                                               "merchant_uid": payment["merchant_uid"], "status": "paid"})
    reply = json.loads(body)
    assert status == 200 and (reply["status"], reply["refunded"]) == ("rejected", True)
    assert sandbox.payment(payment["imp_uid"])["status"] == "cancelled"


def test_prepare_through_cgi(lighttpd, sandbox):
    status, _, body = post_json(lighttpd + "/verify/prepare", {"items": BEANS})
    assert status == 200 and json.loads(body)["amount"] == 40000


@pytest.mark.parametrize("method, path, body, expected", [
    ("PUT", "/verify", "{}", 405),
    ("GET", "/verify/webhook", None, 405),
    ("GET", "/verify/refund", None, 404),
    ("POST", "/verify", "{not json", 400),
    ("POST", "/verify", '{"imp_uid": "imp_1/../x"}', 400),
    ("GET", "/verify?imp_uid=imp_000000000001", None, 404),
    ("GET", "/broken?imp_uid=imp_000000000001", None, 500),
])
def test_errors_have_their_status_and_a_json_body(lighttpd, sandbox, method, path, body, expected):
    status, headers, raw = request(lighttpd + path, method, body, {"Content-Type": "application/json"})
    assert status == expected
    reply = json.loads(raw)
    assert reply["ok"] is False and isinstance(reply["error"], str)
    if expected == 405:
        assert "POST" in headers["Allow"]


def test_body_over_64_kib_is_413(lighttpd, sandbox):
    status, _, raw = post_json(lighttpd + "/verify", {"imp_uid": "imp_1", "pad": "x" * 70000})
    assert status == 413 and json.loads(raw)["ok"] is False
    assert sandbox.calls() == []


def test_iamport_down_is_502_and_nothing_is_paid(lighttpd, sandbox):
    payment = pay(sandbox, 40000)
    sandbox.fault("error500", count=5)
    status, _, raw = post_json(lighttpd + "/verify", {"imp_uid": payment["imp_uid"]})
    assert status == 502 and json.loads(raw)["ok"] is False


def test_cors_only_for_the_shops_own_origin(lighttpd, sandbox):
    payment = pay(sandbox, 40000)
    _, headers, _ = post_json(lighttpd + "/verify", {"imp_uid": payment["imp_uid"]},
                              {"Origin": "https://shop.example.kr"})
    assert headers.get("Access-Control-Allow-Origin") == "https://shop.example.kr"
    _, headers, _ = post_json(lighttpd + "/verify", {"imp_uid": payment["imp_uid"]}, {"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in headers
    status, headers, _ = request(lighttpd + "/verify", "OPTIONS", None,
                                 {"Origin": "https://shop.example.kr", "Access-Control-Request-Method": "POST"})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "https://shop.example.kr"
    assert "POST" in headers["Access-Control-Allow-Methods"]


def test_cgi_environment_directly_without_a_server(gage_verify, sandbox, tmp_path):
    """The same binary given a CGI environment by hand: misconfiguration is a 500 with a JSON body."""
    result = subprocess.run([str(gage_verify)], input=b"", capture_output=True,
                            env={"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET",
                                 "QUERY_STRING": "imp_uid=imp_1", "PATH": os.environ["PATH"]})
    head, _, body = result.stdout.decode().partition("\r\n\r\n")
    assert head.startswith("Status: 500 ")
    assert "Content-Type: application/json; charset=utf-8" in head
    assert json.loads(body) == {"ok": False, "error": "misconfigured: IAMPORT_API_KEY is not set"}
    assert result.returncode == 0
