#!/usr/bin/env python3
"""Gage's benchmark, side by side with its peers on the same input and the same machine.

    python3 bench/run.py [--sizes 1000,10000] [--runs 5]

1. `gage build` against Hugo on generated catalogs (bench/generate.py), runs alternating, output on tmpfs
   (/dev/shm) so the VM's disk does not drown the difference: wall time min/median, products/s, peak RSS, ratio.
2. Determinism: the 10k build on one core and on all cores gives the same bytes.
3. `gage serve`: from saving a one-product edit to the served page showing it, on the example shop and on the
   largest generated catalog.
4. `gage-verify`: one invocation against the Iamport stand-in on loopback (token cached), next to a C program
   that does nothing and the same verification in Python with iamport-rest-client; and gage-verify again with the
   largest generated catalog.json.
5. Photos: a shop whose products each have a 4032×3024 phone photo, built with an empty photo cache and again
   with the photos unchanged (the `photos` phase `gage build` reports, per photo)."""
import argparse
import hashlib
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORK = pathlib.Path("/dev/shm/gage-bench") if os.path.isdir("/dev/shm") else pathlib.Path(tempfile.gettempdir()) / "gage-bench"


def sh(*args, **kwargs):
    return subprocess.run([str(a) for a in args], check=True, **kwargs)


def ensure_tools():
    missing = [name for name in ("hugo", "gcc") if shutil.which(name) is None]
    if missing:
        prefix = [] if os.geteuid() == 0 else ["sudo"]
        sh(*prefix, "apt-get", "update", "-qq")
        sh(*prefix, "apt-get", "install", "-y", "-qq", *missing, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    sh("swift", "build", "-c", "release", "--product", "gage", cwd=ROOT, stdout=subprocess.DEVNULL)
    sh(ROOT / "scripts" / "build-verify", cwd=ROOT, stdout=subprocess.DEVNULL)
    bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.strip()
    return pathlib.Path(bin_dir) / "gage"


def timed(command, cwd=None, stdin=None, env=None):
    """Wall seconds and peak RSS (MB) of one run of `command`."""
    started = time.perf_counter()
    process = subprocess.Popen([str(c) for c in command], cwd=cwd, stdin=stdin, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(map(str, command))}")
    return elapsed, usage.ru_maxrss / 1024


def tree_digest(folder):
    digest = hashlib.sha256()
    for path in sorted(p for p in pathlib.Path(folder).rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_table(gage, sizes, runs):
    rows = []
    for size in sizes:
        source = WORK / f"catalog-{size}"
        sh(sys.executable, ROOT / "bench" / "generate.py", size, source, stdout=subprocess.DEVNULL)
        results = {"gage": [], "hugo": []}
        pages = {}
        for run in range(runs + 1):             # the first round warms the page cache and is not counted
            for tool in ("gage", "hugo"):       # alternating, so drift hits both alike
                out = WORK / f"out-{tool}-{size}"
                shutil.rmtree(out, ignore_errors=True)
                if tool == "gage":
                    command = [gage, "build", "--source", source / "gage", "--output", out]
                else:
                    command = ["hugo", "--quiet", "--source", source / "hugo", "--destination", out]
                elapsed, rss = timed(command)
                if run:
                    results[tool].append((elapsed, rss))
                pages[tool] = sum(1 for _ in out.rglob("*.html"))
        medians = {tool: statistics.median(t for t, _ in values) for tool, values in results.items()}
        for tool in ("gage", "hugo"):
            times = [t for t, _ in results[tool]]
            rows.append([f"{size:,}", tool, f"{pages[tool]:,}", f"{min(times):.2f}", f"{medians[tool]:.2f}",
                         f"{size / medians[tool]:,.0f}", f"{max(r for _, r in results[tool]):.0f}",
                         f"{medians['gage'] / medians['hugo']:.2f}" if tool == "gage" else ""])
    return rows


def determinism(gage, size):
    source = WORK / f"catalog-{size}" / "gage"
    digests = []
    for cores in (["taskset", "-c", "0"], []):
        out = WORK / f"det-{len(cores)}"
        shutil.rmtree(out, ignore_errors=True)
        sh(*cores, gage, "build", "--source", source, "--output", out, stdout=subprocess.DEVNULL)
        digests.append(tree_digest(out))
    return digests[0] == digests[1], digests[0][:16]


def serve_edit(gage, source, slug, old, edits=10):
    """Seconds from saving a one-product edit (the title `old` replaced) to `gage serve` serving it."""
    port = 18000 + os.getpid() % 1000
    server = subprocess.Popen([str(gage), "serve", "--port", str(port), "--source", str(source)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        while True:
            line = server.stdout.readline()
            if not line:
                raise SystemExit("gage serve did not start")
            if line.startswith("Serving"):
                break
        # Nobody reads the log from here on: drain it so the server never blocks on a full pipe.
        threading.Thread(target=server.stdout.read, daemon=True).start()
        product = source / "content" / "products" / f"{slug}.md"
        original = product.read_text()
        url = f"http://127.0.0.1:{port}/products/{slug}/"
        samples = []
        for n in range(edits):
            marker = f"편집 {n}"
            started = time.perf_counter()
            product.write_text(original.replace(f"title: {old}", f"title: {marker}"))
            deadline = started + 10
            while marker not in urllib.request.urlopen(url).read().decode():
                if time.perf_counter() > deadline:
                    raise SystemExit("gage serve never showed the edit")
                time.sleep(0.002)
            samples.append(time.perf_counter() - started)
            time.sleep(0.3)  # an author does not save twice in one breath
        product.write_text(original)
        return statistics.median(samples), min(samples)
    finally:
        server.terminate()
        server.wait()


def serve_report(gage, size):
    big = WORK / f"catalog-{size}" / "gage"
    if not big.exists():
        sh(sys.executable, ROOT / "bench" / "generate.py", size, big.parent, stdout=subprocess.DEVNULL)
    for name, source, slug, title in [("example shop", example_copy(), "chamomile", "저먼 캐모마일 30g"),
                                      (f"{size:,} products", big, "p00001", "콜롬비아 상품 1호")]:
        median, fastest = serve_edit(gage, source, slug, title)
        print(f"gage serve, {name}: a one-product edit is served after {median * 1000:.0f} ms "
              f"(median of 10; fastest {fastest * 1000:.0f} ms)")


def example_copy():
    shop = WORK / "serve-shop"
    shutil.rmtree(shop, ignore_errors=True)
    shop.mkdir(parents=True)
    shutil.copy(ROOT / "shop.yml", shop / "shop.yml")
    for folder in ("content", "templates", "static"):
        shutil.copytree(ROOT / folder, shop / folder)
    return shop


def stand_in_payment(api, catalog_path, merchant_uid, items):
    """A paid payment at the stand-in for `items`, at the amount `catalog_path` says they cost."""
    sys.path.insert(0, str(ROOT / "bench"))
    from verify_peer import price
    amount = price(json.loads(catalog_path.read_text()), items)
    body = json.dumps({"merchant_uid": merchant_uid, "amount": amount, "custom_data": {"items": items}}).encode()
    request = urllib.request.Request(api + "/__sandbox/payments", data=body, method="POST")
    return json.loads(urllib.request.urlopen(request).read())["imp_uid"]


def verify_cost(gage, largest_catalog, invocations=60):
    """One verification of a paid payment, per peer; also gage-verify reading the largest benchmark catalog."""
    folder = WORK / "verify"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    sh(gage, "build", "--source", ROOT, "--output", folder / "site", stdout=subprocess.DEVNULL)
    example_catalog = folder / "site" / "catalog.json"
    sandbox = subprocess.Popen([str(gage), "sandbox", "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        api = sandbox.stdout.readline().split("listening on ")[1].split()[0]
        environment = dict(os.environ, IAMPORT_API_KEY="sandbox_key", IAMPORT_API_SECRET="sandbox_secret",
                           IAMPORT_API_URL=api, GAGE_CACHE_DIR=str(folder / "cache"),
                           GAGE_LEDGER=str(folder / "orders.sqlite"), GAGE_VERIFY_QUIET="1")
        print(f"gage-verify timings: token cache in {folder / 'cache'} (GAGE_CACHE_DIR), ledger {folder / 'orders.sqlite'}")
        example = dict(environment, GAGE_CATALOG=str(example_catalog))
        (folder / "example.json").write_text(json.dumps({"merchant_uid": "onggi-bench-1", "imp_uid": stand_in_payment(
            api, example_catalog, "onggi-bench-1", [{"sku": "ETH-YIRG-200", "quantity": 2,
                                                     "options": {"분쇄도": "에스프레소용"}}])}))
        large = json.loads(largest_catalog.read_text())
        (folder / "large.json").write_text(json.dumps({"merchant_uid": large["order_prefix"] + "bench-1",
                                                       "imp_uid": stand_in_payment(
            api, largest_catalog, large["order_prefix"] + "bench-1", [{"sku": large["products"][0]["sku"],
                                                                       "quantity": 1, "options": {}}])}))
        noop = folder / "noop"
        (folder / "noop.c").write_text("int main(void) { return 0; }\n")
        sh("gcc", "-O2", "-o", noop, folder / "noop.c")
        floor = folder / "verify-floor"
        sh("gcc", "-O2", "-o", floor, ROOT / "bench" / "verify_floor.c", "-lcurl")
        token_request = urllib.request.Request(api + "/users/getToken", method="POST", data=json.dumps(
            {"imp_key": "sandbox_key", "imp_secret": "sandbox_secret"}).encode(), headers={"Content-Type": "application/json"})
        floor_env = dict(example, FLOOR_TOKEN=json.loads(urllib.request.urlopen(token_request).read())["response"]["access_token"])
        verify = ROOT / "dist" / "gage-verify"
        sys.path.insert(0, str(ROOT / "tests"))
        from pg_server import PostgresServer
        postgres = PostgresServer(parent=folder).start()   # on the same tmpfs as the SQLite ledger
        on_postgres = dict(example, GAGE_LEDGER=postgres.create_database())
        peers = [("C program that does nothing", [noop], example, "example.json"),
                 ("C + libcurl: the same GET /payments/{imp_uid}, nothing else (the floor)", [floor], floor_env,
                  "example.json"),
                 ("gage-verify (static, token cached), ledger in SQLite", [verify], example, "example.json"),
                 ("gage-verify (static, token cached), ledger on PostgreSQL (loopback TCP)", [verify], on_postgres,
                  "example.json"),
                 (f"gage-verify, catalog.json of {len(large['products']):,} products", [verify], dict(
                     environment, GAGE_CATALOG=str(largest_catalog)), "large.json"),
                 ("Python + iamport-rest-client", [sys.executable, ROOT / "bench" / "verify_peer.py"], example,
                  "example.json")]
        rows, medians = [], {}
        for name, command, env, request in peers:
            if command[0] == floor:
                answer = json.loads(subprocess.run([str(floor)], stdin=open(folder / request), env=env, check=True,
                                                   capture_output=True, text=True).stdout)
                if answer["response"]["status"] != "paid":
                    raise SystemExit(f"{name}: the stand-in did not answer the payment: {answer}")
            elif command[0] != noop:            # a figure for a verification that did not end in "paid" is no figure
                with open(folder / request) as stdin:
                    reply = json.loads(subprocess.run([str(c) for c in command], stdin=stdin, env=env, check=True,
                                                      capture_output=True, text=True).stdout)
                if reply["status"] != "paid":
                    raise SystemExit(f"{name}: expected paid, got {reply}")
            samples = []
            for n in range(invocations + 3):
                with open(folder / request) as stdin:
                    elapsed, _ = timed(command, stdin=stdin, env=env)
                if n >= 3:
                    samples.append(elapsed * 1000)
            rows.append([name, f"{min(samples):.1f}", f"{statistics.median(samples):.1f}"])
            medians[command[0] if command[0] != verify else env["GAGE_CATALOG"] + env["GAGE_LEDGER"]] = \
                statistics.median(samples)
        example_median = medians[example["GAGE_CATALOG"] + example["GAGE_LEDGER"]]
        large_median = medians[str(largest_catalog) + environment["GAGE_LEDGER"]]
        rows.append(["gage-verify ÷ the C + libcurl floor (example shop, medians)", "",
                     f"{example_median / medians[floor]:.2f}×"])
        rows.append([f"gage-verify with {len(large['products']):,} products ÷ with the example shop (medians)", "",
                     f"{large_median / example_median:.2f}×"])
        return rows
    finally:
        sandbox.terminate()
        sandbox.wait()
        if "postgres" in locals():
            postgres.remove()


def photo_cost(gage, count=40, runs=5):
    """Milliseconds per photo: made from nothing, and found unchanged on the next builds."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_photos import phone_photo  # the tests' phone photo: detail at every scale, ~3 MB
    shop = WORK / "photo-shop"
    shutil.rmtree(shop, ignore_errors=True)
    shop.mkdir(parents=True)
    shutil.copy(ROOT / "shop.yml", shop / "shop.yml")
    (shop / "content" / "products").mkdir(parents=True)
    photo = phone_photo(WORK / "phone.jpg").read_bytes()
    for n in range(count):
        bundle = shop / "content" / "products" / f"photo-{n}"
        bundle.mkdir()
        (bundle / "index.md").write_text(f"---\ntitle: 사진 {n}\nprice: 1000\nimages: [photo.jpg]\n---\n")
        # A different comment segment after the start marker: another file's bytes, the same picture.
        comment = f"gage bench {n}".encode()
        (bundle / "photo.jpg").write_bytes(photo[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
                                          + photo[2:])
        os.utime(bundle / "photo.jpg", (1_700_000_000, 1_700_000_000))
    env = {**os.environ, "GAGE_CACHE_DIR": str(WORK / "photo-cache")}

    def photos_phase():
        shutil.rmtree(WORK / "photo-out", ignore_errors=True)
        out = subprocess.run([str(gage), "build", "--source", str(shop), "--output", str(WORK / "photo-out")],
                             env=env, check=True, capture_output=True, text=True).stdout
        return float(out.split("photos ", 1)[1].split(" ms", 1)[0])

    shutil.rmtree(WORK / "photo-cache", ignore_errors=True)
    cold = photos_phase()
    warm = statistics.median(photos_phase() for _ in range(runs))
    sizes = sorted((p.name.split(".")[0].split("-")[1] + "." + p.suffix[1:], p.stat().st_size)
                   for p in (WORK / "photo-out" / "products" / "photo-0").iterdir() if p.suffix != ".html")
    return cold / count, warm / count, len(photo), sizes


def markdown(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=["verify", "photos", "serve"],
                        help="run only this part (verify, serve: the largest catalog is generated)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    WORK.mkdir(parents=True, exist_ok=True)
    gage = ensure_tools()
    hugo = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1]
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"Machine: {os.cpu_count()} cores ({cpu}), output on {WORK}; hugo {hugo}; {args.runs} runs each, alternating.\n")
    if args.only in (None, "photos"):
        cold, warm, original, sizes = photo_cost(gage)
        print(f"Photos: a {original / 1e6:.1f} MB 4032×3024 JPEG becomes "
              + ", ".join(f"{name} {size / 1000:.0f} KB" for name, size in sizes)
              + f"; {cold:.0f} ms per photo made, {warm:.2f} ms per photo unchanged (40 photos, 2 cores).\n")
        if args.only:
            return
    if args.only == "serve":
        serve_report(gage, max(sizes))
        return
    if args.only == "verify":
        largest = WORK / f"out-gage-{max(sizes)}"
        if not (largest / "catalog.json").exists():
            source = WORK / f"catalog-{max(sizes)}"
            sh(sys.executable, ROOT / "bench" / "generate.py", max(sizes), source, stdout=subprocess.DEVNULL)
            sh(gage, "build", "--source", source / "gage", "--output", largest, stdout=subprocess.DEVNULL)
        print(markdown(["one verification (stdin, stand-in on loopback)", "min ms", "median ms"],
                       verify_cost(gage, largest / "catalog.json")))
        return
    print(markdown(["products", "tool", "pages", "min s", "median s", "products/s", "peak RSS MB", "gage / hugo"],
                   build_table(gage, sizes, args.runs)))
    same, digest = determinism(gage, max(sizes))
    print(f"\nDeterminism: {max(sizes):,} products built on 1 core and on {os.cpu_count()} cores → "
          f"{'identical bytes' if same else 'DIFFERENT OUTPUT'} ({digest}…)")
    print()
    serve_report(gage, max(sizes))
    print("\n" + markdown(["one verification (stdin, stand-in on loopback)", "min ms", "median ms"], verify_cost(
        gage, WORK / f"out-gage-{max(sizes)}" / "catalog.json")))
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
