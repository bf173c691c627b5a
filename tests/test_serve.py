"""`gage serve` as a process: it prints where it serves, serves the build, and stops cleanly on Ctrl-C."""
import glob
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request

from conftest import free_port


def start(gage, shop, *extra):
    port = free_port()
    process = subprocess.Popen([str(gage), "serve", "--port", str(port), "--source", str(shop), *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    while True:
        line = process.stdout.readline()
        lines.append(line)
        if line.startswith("Serving") or not line:
            break
    return process, f"http://127.0.0.1:{port}", lines


def test_serve_prints_timings_serves_and_stops_on_ctrl_c(gage, example_shop):
    before = set(glob.glob("/tmp/gage-serve-*"))
    process, url, lines = start(gage, example_shop)
    assert "first build: built 51 pages in" in lines[0] and "render" in lines[0] and "write" in lines[0]
    assert lines[1].startswith(f"Serving {example_shop} at {url}/")
    with urllib.request.urlopen(url + "/products/kenya-aa/") as response:
        html = response.read().decode()
    assert "/__gage/live.js" in html and f'href="{url}/products/kenya-aa/"' in html  # base_url is the local address
    try:
        urllib.request.urlopen(url + "/verify")
        raise AssertionError("without --sandbox, /verify is not served")
    except urllib.error.HTTPError as error:
        assert error.code == 404
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "Stopped." in output
    assert set(glob.glob("/tmp/gage-serve-*")) <= before  # its temporary build folder is gone


def test_serve_with_sandbox_needs_gage_verify(gage, example_shop):
    result = subprocess.run([str(gage), "serve", "--sandbox", "--verify", "/nonexistent/gage-verify",
                             "--source", str(example_shop)], capture_output=True, text=True, timeout=20)
    assert result.returncode != 0
    assert "is not an executable" in result.stderr


def test_an_edit_saved_during_the_first_build_is_not_missed(gage, example_shop):
    port = free_port()
    product = example_shop / "content" / "products" / "hojicha.md"
    process = subprocess.Popen([str(gage), "serve", "--port", str(port), "--source", str(example_shop)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        # Saved while the server is still starting and building.
        product.write_text(product.read_text().replace("title: 교토 호지차 80g", "title: 방금 고친 호지차"))
        while not process.stdout.readline().startswith("Serving"):
            pass
        deadline = time.monotonic() + 5
        while "방금 고친 호지차" not in urllib.request.urlopen(f"http://127.0.0.1:{port}/products/hojicha/").read().decode():
            assert time.monotonic() < deadline, "the edit was never picked up"
            time.sleep(0.05)
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_a_replaced_photo_is_served_under_new_addresses_after_the_edit(gage, example_shop, tmp_path):
    from test_photos import PRODUCT, phone_photo, use_images
    photo = phone_photo(example_shop / PRODUCT / "원두 사진.jpg", 1200, 900)
    use_images(example_shop, ["원두 사진.jpg"])
    process, url, _ = start(gage, example_shop)
    page_url = url + "/products/ethiopia-yirgacheffe/"
    try:
        def variant_urls():
            html = urllib.request.urlopen(page_url).read().decode()
            return sorted(set(re.findall(r'/products/ethiopia-yirgacheffe/[^"\s]+-960w\.[0-9a-f]{16}\.(?:webp|jpg)', html)))
        before = variant_urls()
        assert len(before) == 2, before
        for address in before:  # the Korean file name is percent-encoded and served
            assert urllib.request.urlopen(url + address).status == 200
        phone_photo(photo, 1000, 800)  # the same name, new bytes
        deadline = time.monotonic() + 10
        while (after := variant_urls()) == before:
            assert time.monotonic() < deadline, "the page never showed the new photo"
            time.sleep(0.05)
        assert len(after) == 2 and not set(after) & set(before)
        assert 'width="960" height="768"' in urllib.request.urlopen(page_url).read().decode()
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)


def test_a_port_already_in_use_is_named_with_the_flag_to_choose_another(gage, example_shop):
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for command in (["serve", "--source", str(example_shop)], ["sandbox"], ["sandbox", "--portone"]):
            started = time.monotonic()
            result = subprocess.run([str(gage), *command, "--port", str(port)], capture_output=True, text=True,
                                    timeout=30, cwd=example_shop)
            assert result.returncode != 0 and time.monotonic() - started < 10, command
            assert f"포트 {port}" in result.stderr and f"--port {port + 1}" in result.stderr, result.stderr
            assert "time" not in result.stderr.lower()


def test_serve_answers_only_requests_for_its_own_address(gage, example_shop):
    """DNS rebinding: a page of evil.example whose name now points at 127.0.0.1 gets nothing from the sandbox."""
    process, url, _ = start(gage, example_shop, "--sandbox")
    port = url.rsplit(":", 1)[1]
    try:
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
            request = urllib.request.Request(url + "/__sandbox/", headers={"Host": host})
            with urllib.request.urlopen(request) as response:
                assert response.status == 200, host
        for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}", f"127.0.0.1:{port}0"):
            request = urllib.request.Request(url + "/__sandbox/mail.json", headers={"Host": host})
            try:
                urllib.request.urlopen(request)
                raise AssertionError(f"{host} was answered")
            except urllib.error.HTTPError as error:
                assert error.code == 421 and b"mail" not in error.read()
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
