"""`gage doctor` against a real deployment: the example shop built and served by lighttpd from its recipe, the
function behind /verify asking the Iamport stand-in, a real SMTP server (aiosmtpd), a chat webhook receiver —
then the same deployment broken one way at a time. Each break is named with what to do, and exits 1 when it
blocks taking money."""
import http.server
import json
import os
import re
import shutil
import threading

import pytest

from conftest import ROOT, SECRET, free_port, run
from portone_v2_kit import STORE, V2_SECRET   # the V2 stand-in (v2_server) is a conftest fixture
from test_notifications import MailServer
from test_verify_cgi import serving


class ChatHook(http.server.BaseHTTPRequestHandler):
    """A Slack-like incoming webhook: GET is refused as Slack does (the hook exists), POSTs are kept."""
    posts = []
    gone = False

    def do_GET(self):
        self.send_response(404 if ChatHook.gone else 400)
        self.end_headers()
        self.wfile.write(b"no_service" if ChatHook.gone else b"invalid_payload")

    def do_POST(self):
        ChatHook.posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture()
def deployment(request, gage, gage_verify, sandbox_server, example_shop, tmp_path):
    """The example shop as a seller deploys it: built for its address, public/ and the function on lighttpd.
    Parametrised (indirectly) with the host the shop's base_url names, and the base_url of the catalog the
    function is given, to put the function on another origin than the pages."""
    host, function_base = getattr(request, "param", ("127.0.0.1", None))
    port = free_port()
    settings = example_shop / "shop.yml"
    settings.write_text(settings.read_text().replace("https://onggi-roastery.example.kr/", f"http://{host}:{port}/"))
    built = run(gage, "build", "--source", example_shop, "--output", example_shop / "public", timeout=300)
    assert built.returncode == 0, built.stderr
    catalog = json.loads((example_shop / "public" / "catalog.json").read_text())
    if function_base:
        catalog["base_url"] = function_base
    mail = MailServer(tmp_path / "mail").start()
    ChatHook.posts, ChatHook.gone = [], False
    chat = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ChatHook)
    threading.Thread(target=chat.serve_forever, daemon=True).start()
    try:
        with serving("lighttpd", gage_verify, sandbox_server, catalog=catalog, site=example_shop / "public",
                     port=port) as site:
            env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "IAMPORT_API_KEY": "sandbox_key",
                   "IAMPORT_API_SECRET": SECRET, "IAMPORT_API_URL": sandbox_server.url,
                   "GAGE_CATALOG": str(example_shop / "public" / "catalog.json"),
                   "GAGE_LEDGER": str(tmp_path / "orders.sqlite"), "GAGE_CACHE_DIR": "off",
                   "GAGE_SMTP_URL": f"smtp://127.0.0.1:{mail.port}", "GAGE_MAIL_FROM": "온기 <shop@onggi.example>",
                   "GAGE_SELLER_EMAIL": "seller@onggi.example",
                   "GAGE_NOTIFY_WEBHOOK": f"http://127.0.0.1:{chat.server_address[1]}/services/T0/B0/X"}
            (tmp_path / "orders.sqlite").touch()
            yield {"shop": example_shop, "site": site + "/", "env": env, "mail": mail}
    finally:
        chat.shutdown()
        mail.stop()


@pytest.fixture()
def doctor(gage, deployment):
    def run_doctor(*extra, env=None):
        return run(gage, "doctor", "--source", deployment["shop"], "--site", deployment["site"], *extra,
                   env={**deployment["env"], **(env or {})}, timeout=120)
    return run_doctor


def lines(result, mark):
    return [line for line in result.stdout.splitlines() if line.startswith(mark)]


def test_a_ready_deployment_is_all_ticks_and_sends_nothing(doctor, deployment):
    result = doctor()
    assert result.returncode == 0, result.stdout + result.stderr
    assert lines(result, "✗") == [] and lines(result, "!") == [], result.stdout
    ticks = "\n".join(lines(result, "✓"))
    for checked in ("사업자 정보", "지금 소스로 빌드한 것과 같습니다", "함수가 http://127.0.0.1", "API 키가 통합니다",
                    "주문 원장이 열리고", "메일 서버에 접속했습니다 (EHLO)", "채팅 웹훅 주소에 닿습니다"):
        assert checked in ticks, result.stdout
    assert "결제를 받을 준비가 되었습니다" in result.stdout
    assert deployment["mail"].messages() == [] and ChatHook.posts == [], "nothing is sent without --send-test"


def test_send_test_sends_one_mail_and_one_chat_line(doctor, deployment):
    result = doctor("--send-test")
    assert result.returncode == 0, result.stdout
    sent, = deployment["mail"].messages()
    assert sent.envelope["to"] == ["seller@onggi.example"] and "시험 메일" in sent["Subject"]
    assert len(ChatHook.posts) == 1 and "gage doctor" in ChatHook.posts[0]["text"]


@pytest.mark.parametrize("break_it, expected", [
    ({"IAMPORT_API_SECRET": "wrong"}, "✗ Iamport API 키를 확인하지 못했습니다\n    → PortOne이 API 키를 받아들이지 않았습니다"),
    ({"IAMPORT_API_KEY": ""}, "✗ 함수 설정이 빠졌거나 틀렸습니다"),
    ({"GAGE_LEDGER": "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"}, "✗ 주문 원장을 열 수 없습니다"),
], ids=["wrong secret", "missing key", "unreachable ledger"])
def test_a_broken_function_setting_blocks_with_what_to_do(doctor, deployment, break_it, expected):
    result = doctor(env=break_it)
    assert result.returncode == 1 and expected in result.stdout, result.stdout
    assert "결제를 막는 문제" in result.stdout


def test_an_unreachable_mail_server_or_a_deleted_chat_hook_is_a_warning_not_a_block(doctor, deployment):
    deployment["mail"].stop()
    ChatHook.gone = True
    result = doctor()
    assert result.returncode == 0, result.stdout
    assert "! 메일 서버에 닿지 못했습니다" in result.stdout and "GAGE_SMTP_URL" in result.stdout
    assert "! 채팅 웹훅이 없다고 답합니다 (HTTP 404)" in result.stdout


def test_a_source_changed_since_the_deploy_and_placeholders_block(doctor, deployment):
    shop = deployment["shop"]
    product = shop / "content" / "products" / "kenya-aa.md"
    product.write_text(product.read_text().replace("price: 19500", "price: 21000"))
    settings = shop / "shop.yml"
    settings.write_text(settings.read_text().replace("name: 온기 로스터리", "name: 상호"))
    result = doctor()
    assert result.returncode == 1
    assert "catalog.json 이(가) 지금 소스와 다릅니다" in result.stdout and "gage build 후 public/ 를 다시 올리고" in result.stdout
    assert "✗ shop.yml:" in result.stdout and "business.name 값이 아직 gage init 의 자리표시 '상호'" in result.stdout


def test_a_function_that_is_not_there_or_misconfigured_blocks(doctor, deployment, tmp_path):
    settings = deployment["shop"] / "shop.yml"
    settings.write_text(settings.read_text().replace("verify_url: /verify", "verify_url: /broken"))
    result = doctor()
    assert result.returncode == 1 and "✗ 함수가 설정 오류라고 답합니다" in result.stdout, result.stdout
    settings.write_text(settings.read_text().replace("verify_url: /broken", "verify_url: /nothing-here"))
    result = doctor()
    assert result.returncode == 1 and "이(가) 함수처럼 답하지 않습니다 (HTTP 404)" in result.stdout, result.stdout


@pytest.mark.parametrize("deployment, allowed", [
    (("localhost", None), True),
    (("localhost", "https://another-shop.example/"), False),
], indirect=["deployment"], ids=["its own catalog", "another shop's catalog"])
def test_a_function_on_another_origin_must_allow_the_shops_origin(doctor, deployment, allowed):
    """The pages at http://localhost:PORT call the function at http://127.0.0.1:PORT/verify: another origin, so
    the function must answer the preflight and the POST for the shop's origin — which it does only for the
    base_url of the catalog it was given."""
    result = doctor()
    if allowed:
        assert result.returncode == 0, result.stdout
        assert "✓ 함수가 가게의 출처 http://localhost:" in result.stdout
    else:
        assert result.returncode == 1
        assert "✗ 함수가 가게의 출처 http://localhost:" in result.stdout and "CORS 를 허용하지 않습니다" in result.stdout


def test_v2_keys_are_tried_with_a_lookup_portone_answers_not_found(gage, v2_server, tmp_path):
    """No deployment here (those lines are ✗): only the V2 provider lines are looked at."""
    shop = tmp_path / "v2-shop"
    shutil.copytree(ROOT / "examples" / "portone-v2", shop)
    settings = shop / "shop.yml"
    settings.write_text(re.sub(r"store_id: store-[0-9a-f-]+", "store_id: " + STORE, settings.read_text()))
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PORTONE_API_SECRET": V2_SECRET,
           "PORTONE_API_URL": v2_server.url, "GAGE_CATALOG": str(tmp_path / "catalog.json"),
           "GAGE_LEDGER": str(tmp_path / "orders.sqlite"), "GAGE_CACHE_DIR": "off"}
    result = run(gage, "doctor", "--source", shop, "--output", tmp_path / "nothing", env=env, timeout=120)
    assert "✓ PortOne API 키가 통합니다" in result.stdout, result.stdout
    assert "✗ PORTONE_WEBHOOK_SECRET 이 없습니다" in result.stdout
    lookups = [call for call in v2_server.calls() if call["path"].startswith("/payments/gage-doctor-")]
    assert lookups, "the keys were tried on PortOne's payment lookup"
    wrong = run(gage, "doctor", "--source", shop, "--output", tmp_path / "nothing", timeout=120,
                env={**env, "PORTONE_API_SECRET": "not-the-secret", "PORTONE_WEBHOOK_SECRET": v2_server.webhook_secret})
    assert wrong.returncode == 1 and "✗ PortOne API 키를 확인하지 못했습니다" in wrong.stdout


def test_the_functions_own_catalog_and_emails_must_be_this_builds(doctor, deployment, tmp_path):
    """The function prices by the catalog.json it was given and names the escrow sender from emails.json beside
    it: an old copy of either, left on the function's side after a rebuild, is named."""
    public = deployment["shop"] / "public"
    assert "✓ 함수의 catalog.json 이 지금 소스와 같습니다" in doctor().stdout
    stale = tmp_path / "function"
    stale.mkdir()
    catalog = json.loads((public / "catalog.json").read_text())
    catalog["version"] = "0000000000000000"
    (stale / "catalog.json").write_text(json.dumps(catalog, ensure_ascii=False))
    emails = json.loads((public / "emails.json").read_text())
    emails["shop"].pop("postcode")
    emails["shop"]["address"] = "서울특별시 마포구 성미산로 12, 1층"
    (stale / "emails.json").write_text(json.dumps(emails, ensure_ascii=False))
    result = doctor(env={"GAGE_CATALOG": str(stale / "catalog.json")})
    assert result.returncode == 1
    assert "✗ 함수의 catalog.json (" in result.stdout and "함수 쪽에도 다시 두세요" in result.stdout
    assert "✗ 함수의 emails.json 에 사업장 우편번호가 없습니다" in result.stdout
