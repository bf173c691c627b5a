"""gage-verify as a CGI program under real web servers (lighttpd, Apache httpd, nginx through fcgiwrap), each
configured from its recipe in functions/verify/deploy/ with only the paths substituted."""
import contextlib
import copy
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid

import pytest
import yaml

from conftest import ROOT, SECRET, built, free_port
from openfaas_watchdog import Watchdog, image_environment
from test_portone_v2 import v2_env  # noqa: F401 (fixture; v2_server is a conftest fixture)
from verify_helpers import BEANS, BUYER, CATALOG, TEA, order_id, pay, ref

SERVERS = ["lighttpd", "apache2", "nginx"]
# The hand-priced catalog, with 정기배송 (BEAN every 4 weeks at 16,000) and 성인인증 switched on, so that every
# action has something real to do.
EVERY_ACTION_CATALOG = copy.deepcopy(CATALOG)
EVERY_ACTION_CATALOG["payment"]["billing_pg"] = "html5_inicis.INIBillTst"
EVERY_ACTION_CATALOG["products"][0]["subscription"] = {"intervals": ["2w", "4w", "1m"], "price": 16000}
EVERY_ACTION_CATALOG["identity"] = {"pg": "danal"}


def recipe(name: str, paths: dict) -> str:
    text = (ROOT / "functions/verify/deploy" / name).read_text()
    for placeholder, path in paths.items():
        assert placeholder in text, f"{name} no longer mentions {placeholder}"
        text = text.replace(placeholder, str(path))
    return text


def lighttpd_config(root, port, binary, paths):
    (root / "recipe.conf").write_text(recipe("lighttpd.conf", paths))
    return [["lighttpd", "-D", "-f", str(root / "server.conf")]], f"""
server.document-root = "{root / 'www'}"
server.bind = "127.0.0.1"
server.port = {port}
server.errorlog = "{root / 'error.log'}"
include "{root / 'recipe.conf'}"
# A second mount with no secrets at all, to see the misconfiguration answer.
alias.url += ("/broken" => "{binary}")
$HTTP["url"] =~ "^/broken" {{
    cgi.assign = ("" => "")
    setenv.add-environment = ("GAGE_CATALOG" => "{root / 'catalog.json'}")
}}
"""


def apache_config(root, port, binary, paths):
    (root / "recipe.conf").write_text(recipe("apache.conf", paths))
    modules = "/usr/lib/apache2/modules"
    loads = "\n".join(f"LoadModule {name}_module {modules}/mod_{name}.so"
                      for name in ("mpm_event", "authz_core", "alias", "cgid", "env"))
    return [["apache2", "-DFOREGROUND", "-f", str(root / "server.conf")]], f"""
ServerRoot "{root}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {root / 'httpd.pid'}
ErrorLog {root / 'error.log'}
Mutex file:{root}
User www-data
Group www-data
{loads}
ScriptSock {root / 'cgisock'}
DocumentRoot {root / 'www'}
Include {root / 'recipe.conf'}
ScriptAlias /broken {binary}
<Location "/broken">
    SetEnv GAGE_CATALOG {root / 'catalog.json'}
</Location>
"""


def nginx_config(root, port, binary, paths):
    # fcgiwrap runs the program as www-data when we are root, as Apache does; nginx's workers, also www-data,
    # must be able to write to its socket.
    socket = root / "run" / "fcgiwrap.socket"
    socket.parent.mkdir()
    (root / "recipe.conf").write_text(recipe("nginx.conf", {**paths, "/run/fcgiwrap.socket": socket}))
    shutil.copy("/etc/nginx/fastcgi_params", root / "fastcgi_params")
    (root / "tmp").mkdir()
    as_www_data = ["runuser", "-u", "www-data", "--"] if os.geteuid() == 0 else []
    if as_www_data:
        shutil.chown(socket.parent, "www-data")
    temp_paths = "\n".join(f"    {kind}_temp_path {root / 'tmp' / kind};"
                           for kind in ("client_body", "fastcgi", "proxy", "uwsgi", "scgi"))
    return [as_www_data + ["fcgiwrap", "-s", f"unix:{socket}"],
            ["nginx", "-p", f"{root}/", "-c", str(root / "server.conf")]], f"""
daemon off;
pid {root / 'nginx.pid'};
error_log {root / 'error.log'};
{"user www-data;" if as_www_data else ""}
events {{}}
http {{
    access_log off;
{temp_paths}
    server {{
        listen 127.0.0.1:{port};
        root {root / 'www'};
        include {root / 'recipe.conf'};
        # A second mount with no secrets at all, to see the misconfiguration answer.
        location /broken {{
            include fastcgi_params;
            fastcgi_param SCRIPT_FILENAME {binary};
            fastcgi_param GAGE_CATALOG {root / 'catalog.json'};
            fastcgi_pass unix:{socket};
        }}
    }}
}}
"""


CONFIGURERS = {"lighttpd": lighttpd_config, "apache2": apache_config, "nginx": nginx_config}


@pytest.fixture(scope="module", params=SERVERS)
def cgi_server(request, gage_verify, sandbox_server):
    with serving(request.param, gage_verify, sandbox_server) as base:
        yield base


@contextlib.contextmanager
def serving(server_name, gage_verify, sandbox_server, catalog=None, site=None, port=None):
    """One web server configured from its recipe, running gage-verify for a V1 shop whose catalog takes every
    action (subscriptions and identity verification too) against the stand-in; yields its base URL. Given a
    built shop (`site`, its public/ folder), it serves that too, with the function on its catalog.json."""
    needed = [server_name] + (["fcgiwrap"] if server_name == "nginx" else [])
    if not all(shutil.which(program) for program in needed):
        pytest.skip(f"{' and '.join(needed)} are installed by scripts/setup")
    # Apache runs CGI programs as www-data: a world-traversable folder, secrets owned by that user.
    root = pathlib.Path(tempfile.mkdtemp(prefix=f"gage-{server_name}-", dir="/tmp"))
    root.chmod(0o755)
    (root / "www").mkdir()
    (root / "cache").mkdir()
    (root / "ledger").mkdir(mode=0o700)
    if site is not None:
        shutil.copytree(site, root / "www", dirs_exist_ok=True)
        shutil.copy(site / "emails.json", root / "emails.json")
    (root / "catalog.json").write_text(json.dumps(catalog or EVERY_ACTION_CATALOG, ensure_ascii=False))
    secrets = root / "verify.env"
    secrets.write_text(f"IAMPORT_API_KEY=sandbox_key\nIAMPORT_API_SECRET={SECRET}\n"
                       f"IAMPORT_API_URL={sandbox_server.url}\nIAMPORT_TIMEOUT=3\n")
    secrets.chmod(0o600)
    if os.geteuid() == 0:
        shutil.chown(secrets, "www-data")
        shutil.chown(root / "cache", "www-data")
        shutil.chown(root / "ledger", "www-data")
    paths = {"/usr/local/lib/gage/gage-verify": gage_verify, "/etc/gage/verify.env": secrets,
             "/var/www/shop/catalog.json": root / "catalog.json", "/var/cache/gage": root / "cache",
             "/var/lib/gage": root / "ledger"}
    port = port or free_port()
    commands, config = CONFIGURERS[server_name](root, port, gage_verify, paths)
    (root / "server.conf").write_text(config)
    base = f"http://127.0.0.1:{port}"
    processes = []
    try:
        processes.extend(subprocess.Popen(command) for command in commands)
        wait_until_serving(server_name, root, processes, base)
        yield base
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def wait_until_serving(server_name, root, processes, base):
    for _ in range(100):
        if any(process.poll() is not None for process in processes):
            log = root / "error.log"
            pytest.fail(f"{server_name} did not start" + (f": {log.read_text(errors='replace')[-2000:]}"
                                                          if log.exists() else ""))
        try:
            if server_name == "nginx" and not (root / "run" / "fcgiwrap.socket").exists():
                raise OSError("fcgiwrap is not listening yet")
            urllib.request.urlopen(base + "/", timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"{server_name} did not answer on {base} within 10 s")


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


def test_callback_post_confirms_a_paid_order(cgi_server, sandbox):
    payment = pay(sandbox, 40000)
    status, headers, body = post_json(cgi_server + "/verify", {"imp_uid": payment["imp_uid"],
                                                             "merchant_uid": payment["merchant_uid"]})
    assert status == 200
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    assert json.loads(body)["status"] == "paid"


def test_mobile_redirect_get_with_query_string(cgi_server, sandbox):
    payment = pay(sandbox, 40000)
    status, _, body = request(f"{cgi_server}/verify?imp_uid={payment['imp_uid']}&merchant_uid={payment['merchant_uid']}"
                              "&imp_success=true")
    assert status == 200 and json.loads(body)["status"] == "paid"


def test_form_encoded_verify_and_webhook(cgi_server, sandbox):
    payment = pay(sandbox, 40000)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for path in ("/verify", "/verify/webhook"):
        status, _, body = request(cgi_server + path, "POST",
                                  f"imp_uid={payment['imp_uid']}&merchant_uid={payment['merchant_uid']}&status=paid", form)
        assert status == 200 and json.loads(body)["status"] == "paid"


def test_tampered_payment_is_refunded_through_cgi(cgi_server, sandbox):
    payment = pay(sandbox, 1000)
    status, _, body = post_json(cgi_server + "/verify/webhook", {"imp_uid": payment["imp_uid"],
                                                               "merchant_uid": payment["merchant_uid"], "status": "paid"})
    reply = json.loads(body)
    assert status == 200 and (reply["status"], reply["refunded"]) == ("rejected", True)
    assert sandbox.payment(payment["imp_uid"])["status"] == "cancelled"


def test_prepare_through_cgi(cgi_server, sandbox):
    status, _, body = post_json(cgi_server + "/verify/prepare", {"items": BEANS})
    assert status == 200 and json.loads(body)["amount"] == 40000


@pytest.mark.parametrize("method, path, body, expected", [
    ("PUT", "/verify", "{}", 405),
    ("GET", "/verify/webhook", None, 405),
    ("GET", "/verify/refund", None, 404),
    ("POST", "/verify", "{not json", 400),
    ("POST", "/verify", '{"imp_uid": "imp_1/../x"}', 400),
    ("GET", "/verify?imp_uid=imp_000000000001&merchant_uid=shop-x", None, 404),
    ("GET", "/verify?imp_uid=imp_000000000001", None, 400),  # merchant_uid is required
    ("GET", "/broken?imp_uid=imp_000000000001", None, 500),
])
def test_errors_have_their_status_and_a_json_body(cgi_server, sandbox, method, path, body, expected):
    status, headers, raw = request(cgi_server + path, method, body, {"Content-Type": "application/json"})
    assert status == expected
    reply = json.loads(raw)
    assert reply["ok"] is False and isinstance(reply["error"], str)
    if expected == 405:
        assert "POST" in headers["Allow"]


def test_body_over_64_kib_is_413(cgi_server, sandbox):
    status, _, raw = post_json(cgi_server + "/verify", {"imp_uid": "imp_1", "pad": "x" * 70000})
    assert status == 413 and json.loads(raw)["ok"] is False
    assert sandbox.calls() == []


def test_iamport_down_is_502_and_nothing_is_paid(cgi_server, sandbox):
    payment = pay(sandbox, 40000)
    sandbox.fault("error500", count=5)
    status, _, raw = post_json(cgi_server + "/verify", ref(payment))
    assert status == 502 and json.loads(raw)["ok"] is False


def test_cors_only_for_the_shops_own_origin(cgi_server, sandbox):
    payment = pay(sandbox, 40000)
    _, headers, _ = post_json(cgi_server + "/verify", ref(payment),
                              {"Origin": "https://shop.example.kr"})
    assert headers.get("Access-Control-Allow-Origin") == "https://shop.example.kr"
    _, headers, _ = post_json(cgi_server + "/verify", ref(payment), {"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in headers
    status, headers, _ = request(cgi_server + "/verify", "OPTIONS", None,
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
    assert json.loads(body) == {"ok": False, "error": "the verify function is misconfigured; its log says how"}
    assert "IAMPORT_API_KEY and IAMPORT_API_SECRET (PortOne V1) or PORTONE_API_SECRET (V2) is not set" in result.stderr.decode()
    assert result.returncode == 0


# --------------------------------------------------------------------------- every action through every door

class Door:
    """One way in: a web server's CGI recipe (the function mounted at /verify), or the OpenFaaS classic watchdog
    running the container image's entrypoint (the gateway hands it the path after /function/gage-verify)."""
    # The stdin exit status of each HTTP status the function gives under CGI (SPEC §3; 409 is a refused confirm).
    EXIT = {400: 2, 401: 2, 404: 2, 405: 2, 409: 6, 500: 3, 502: 4, 503: 5}

    def __init__(self, name, url):
        self.name, self.url = name, url

    def status(self, cgi_status):
        """What this door answers where CGI answers `cgi_status`: the watchdog gives 200 for a decision (exit 0)
        and 500 for anything else, its body "exit status N" and then the function's own JSON."""
        if self.name != "watchdog" or cgi_status == 200:
            return cgi_status
        return f"500, exit status {self.EXIT[cgi_status]}"

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body, ensure_ascii=False)
        headers = {"Content-Type": "application/json"} if data is not None else {}
        status, _, raw = request(self.url + path, method, data, headers)
        if self.name == "watchdog" and status != 200:
            first, _, raw = raw.partition(b"\n")
            status = f"{status}, {first.decode()}"
        return status, json.loads(raw)


@contextlib.contextmanager
def watchdog_running(gage_verify, sandbox_server):
    """The container image as it runs: the environment its Dockerfile and the stack file give the watchdog (with
    the image's paths moved to a scratch folder), the secrets from the stack's environment_file, run as the
    image's user (nobody) when we are root."""
    root = pathlib.Path(tempfile.mkdtemp(prefix="gage-openfaas-", dir="/tmp"))
    root.chmod(0o755)
    (root / "catalog.json").write_text(json.dumps(EVERY_ACTION_CATALOG, ensure_ascii=False))
    (root / "ledger").mkdir(mode=0o700)
    user = None
    if os.geteuid() == 0:
        user = "nobody"
        shutil.chown(root / "ledger", "nobody")
    deploy = ROOT / "functions/verify/deploy"
    dockerfile = (deploy / "Dockerfile.openfaas").read_text()
    assert "CMD [\"fwatchdog\"]" in dockerfile and "USER nobody" in dockerfile
    env = image_environment(dockerfile, yaml.safe_load((deploy / "openfaas-stack.yml").read_text()), "gage-verify")
    moved = {"/usr/local/bin/gage-verify": str(gage_verify), "/srv/catalog.json": str(root / "catalog.json"),
             "/tmp/gage": str(root / "cache")}
    env = {name: moved.get(value, value) for name, value in env.items()}
    assert env["fprocess"] == str(gage_verify) and env["GAGE_CATALOG"] == str(root / "catalog.json")
    secrets = {"IAMPORT_API_KEY": "sandbox_key", "IAMPORT_API_SECRET": SECRET, "IAMPORT_API_URL": sandbox_server.url,
               "IAMPORT_TIMEOUT": "3", "GAGE_LEDGER": str(root / "ledger" / "orders.sqlite")}
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", **env, **secrets}
    try:
        with Watchdog(env, user=user) as watchdog:
            yield watchdog
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module", params=SERVERS + ["watchdog"])
def door(request, gage_verify, sandbox_server):
    if request.param == "watchdog":
        with watchdog_running(gage_verify, sandbox_server) as watchdog:
            yield Door("watchdog", watchdog.url)
    else:
        with serving(request.param, gage_verify, sandbox_server) as base:
            yield Door(request.param, base + "/verify")


def check_verify(door, sandbox):
    status, reply = door.call("POST", "", ref(pay(sandbox, 40000)))
    assert (status, reply["status"], reply["amount"]) == (200, "paid", 40000)


def check_redirect(door, sandbox):
    payment = pay(sandbox, 40000)
    status, reply = door.call("GET", f"/verify?imp_uid={payment['imp_uid']}&merchant_uid={payment['merchant_uid']}"
                                     "&imp_success=true")
    assert (status, reply["status"]) == (200, "paid")


def check_webhook(door, sandbox):
    tampered = pay(sandbox, 1000)
    status, reply = door.call("POST", "/webhook", {**ref(tampered), "status": "paid"})
    assert (status, reply["status"], reply["refunded"]) == (200, "rejected", True)
    assert door.call("GET", "/webhook")[0] == door.status(405)


def check_prepare(door, sandbox):
    # Tea, whose stock is not counted: the units /prepare holds for 15 minutes would otherwise be missing from the
    # other checks' orders on this door's ledger.
    status, reply = door.call("POST", "/prepare", {"items": TEA})
    assert (status, reply["amount"]) == (200, 15000) and reply["merchant_uid"].startswith("shop-")


def check_confirm(door, sandbox):
    # A V1 shop has no confirm URL: the answer names the action, so the path was routed (V2: see below).
    status, reply = door.call("POST", "/confirm", {"imp_uid": "imp_000000000001"})
    assert status == door.status(404) and "confirm (a PortOne V2 confirm URL" in reply["error"]


def subscribed(door, sandbox):
    customer_uid = "shop-bk-" + uuid.uuid4().hex
    sandbox.control("POST", "/customers", {"customer_uid": customer_uid, "pg": "html5_inicis.INIBillTst"})
    return door.call("POST", "/subscribe", {
        "customer_uid": customer_uid, "interval": "4w", "items": BEANS,
        "buyer": {"name": BUYER["buyer_name"], "tel": BUYER["buyer_tel"], "email": BUYER["buyer_email"],
                  "addr": BUYER["buyer_addr"], "postcode": BUYER["buyer_postcode"]}})


def check_subscribe(door, sandbox):
    status, reply = subscribed(door, sandbox)
    assert (status, reply["status"], reply["amount"]) == (200, "subscribed", 2 * 16500 + 3000)


def check_subscription(door, sandbox):
    token = subscribed(door, sandbox)[1]["manage_token"]
    status, reply = door.call("GET", f"/subscription?manage_token={token}")
    assert status == 200 and reply["subscription"]["interval"] == "4w"
    assert door.call("GET", "/subscription?manage_token=" + "0" * 64)[0] == door.status(404)


def check_identity(door, sandbox):
    certification = sandbox.control("POST", "/certifications", {"merchant_uid": order_id(), "birthday": "1990-05-05"})
    status, reply = door.call("POST", "/identity", {"imp_uid": certification["imp_uid"]})
    assert (status, reply) == (200, {"ok": True, "adult": True})


def check_order(door, sandbox):
    payment = pay(sandbox, 40000)
    assert door.call("POST", "", ref(payment))[0] == 200
    status, reply = door.call("POST", "/order", {"order": payment["merchant_uid"], "phone": BUYER["buyer_tel"]})
    assert status == 200 and reply["order"]["status"] == "paid"
    status, reply = door.call("POST", "/order", {"order": payment["merchant_uid"], "phone": "010-0000-0000"})
    assert status == door.status(404) and reply["error"] == "no order matches this order number and phone number"


@pytest.mark.parametrize("check", [check_verify, check_redirect, check_webhook, check_prepare, check_confirm,
                                   check_subscribe, check_subscription, check_identity, check_order],
                         ids=lambda check: check.__name__.removeprefix("check_"))
def test_every_action_passes_through_every_door(door, sandbox, check):
    check(door, sandbox)


def test_v2_webhook_and_confirm_behind_the_watchdog_are_checked_on_their_raw_signed_bodies(v2_server, v2_env):
    """The watchdog hands PortOne's signature headers over as Http_Webhook_*; the body reaches the function byte
    for byte. A confirm PortOne must refuse is not a 200 there either (the watchdog's only other answer is 500)."""
    env = {**v2_env, "combine_output": "false", "fprocess": str(built("gage-verify"))}
    with Watchdog(env) as watchdog:
        def deliver(path, delivery):
            headers = {"Content-Type": "application/json", **delivery["headers"]}
            return request(watchdog.url + path, "POST", delivery["body"].encode(), headers)

        paid = v2_server.pay(40000)
        status, _, raw = deliver("/webhook", v2_server.delivery(paid["id"], "Transaction.Paid"))
        assert status == 200 and json.loads(raw)["status"] == "paid"
        forged = v2_server.delivery(paid["id"], "Transaction.Paid")
        forged["body"] = forged["body"].replace("Transaction.Paid", "Transaction.Cancelled")
        status, _, raw = deliver("/webhook", forged)
        assert status == 500 and raw.startswith(b"exit status 2\n") and b"does not verify" in raw

        good = v2_server.pay(40000, status="PAY_PENDING")
        status, _, raw = deliver("/confirm", v2_server.delivery(good["id"], "Transaction.Confirm"))
        assert status == 200 and json.loads(raw)["status"] == "confirmed"
        tampered = v2_server.pay(1000, status="PAY_PENDING")
        status, _, raw = deliver("/confirm", v2_server.delivery(tampered["id"], "Transaction.Confirm"))
        assert status == 500 and raw.startswith(b"exit status 6\n")
        assert json.loads(raw.partition(b"\n")[2])["reason"] == "amount_mismatch"
