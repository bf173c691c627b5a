#!/usr/bin/env python3
"""What a search costs a buyer, with the whole index (search.json) and with the sharded one (search-index/), in
headless Chromium.

    python3 bench/search.py [--sizes 1000,10000] [--rounds 3]

For each size: the generated catalog (bench/generate.py) is built with the release `gage build` and served by
Python's http.server on loopback, JSON and scripts gzipped as a static host sends them. Each query of QUERIES is run on a fresh page with the browser's cache off:

- unsharded: what the search box did before the index was sharded — fetch search.json while importing search.js,
  prepare the entries and match (searchEntries, searchProducts);
- sharded: what it does now — fetch the manifest while importing its modules, then the query's shards, then the
  blocks of the top 8 hits (openSearchIndex(...).search, .entries).

"KB" is every file the query fetched (index files and the modules it imports, not the page), each counted as
gzip -6 of the file, as a static host sends it. "first ms" is that cold query, from the start to the top 8 in
hand, measured inside the page (performance.now); "next ms" is each later query on the same page (the sharded
index fetches the shards it has not fetched yet). "phone ms" is the cold query again with Chromium's network
emulation at Lighthouse's mobile profile (1.6 Mbit/s down, 150 ms round trip)."""
import argparse
import functools
import gzip
import http.server
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import threading
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from run import WORK, markdown, sh  # noqa: E402

QUERIES = ["에티오피아", "커피", "드립", "ㄱㅇ", "상품 1", "선물용", "블렌드 향", "99호", "부드러운 초콜릿", "에티오피아 상품 9999호"]
PHONE = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}

UNSHARDED = """
const [query, modules, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
const started = performance.now();
window.benchSearch = window.benchSearch || Promise.all([fetch('/search.json', { cache: 'no-cache' }).then((r) => r.json()),
  import(modules + 'search.js'), import(modules + 'search-words.js')])
  .then(([index, search]) => ({ entries: search.searchEntries(index), search }));
window.benchSearch.then(({ entries, search }) => {
  const hits = search.searchProducts(entries, query);
  done([performance.now() - started, hits.length, hits.slice(0, 8).map((entry) => entry.title)]);
});
"""

SHARDED = """
const [query, modules, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
const started = performance.now();
window.benchSearch = window.benchSearch || Promise.all([import(modules + 'search-index.js'),
  import(modules + 'search-shards.js'), import(modules + 'search-words.js')])
  .then(([module]) => module.openSearchIndex('/search-index/manifest.json',
    fetch('/search-index/manifest.json', { cache: 'no-cache' }).then((r) => r.json())));
window.benchSearch.then((index) => index.search(query).then((hits) => index.entries(hits.slice(0, 8))
  .then((entries) => done([performance.now() - started, hits.length, entries.map((entry) => entry.title)]))));
"""


def release_gage():
    sh("swift", "build", "-c", "release", "--product", "gage", cwd=ROOT, stdout=subprocess.DEVNULL)
    folder = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    return pathlib.Path(folder) / "gage"


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Sends JSON and scripts gzipped (-6), as a static host does; the rest as Python's server does."""
    compressed = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = pathlib.Path(self.translate_path(self.path))
        if path.suffix not in (".json", ".js") or "gzip" not in self.headers.get("Accept-Encoding", "") \
                or not path.is_file():
            return super().do_GET()
        if path not in self.compressed:
            self.compressed[path] = gzip.compress(path.read_bytes(), 6)
        body = self.compressed[path]
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if path.suffix == ".json" else "text/javascript")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(folder):
    GzipHandler.compressed = {}
    handler = functools.partial(GzipHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=390,844"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.set_script_timeout(120)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    return driver


class Sizes:
    """gzip -6 of each served file, by URL path."""
    def __init__(self, folder):
        self.folder, self.known = folder, {}

    def __call__(self, url):
        path = urllib.parse.unquote(urllib.parse.urlparse(url).path).lstrip("/")
        if path not in self.known:
            self.known[path] = len(gzip.compress((self.folder / path).read_bytes(), 6))
        return self.known[path]


def cold(driver, url, script, query, modules, sizes):
    """One query on a fresh page: (ms, hit count, top titles, KB fetched)."""
    driver.get(url + "/?fresh")
    driver.execute_script("performance.clearResourceTimings()")
    ms, count, top = driver.execute_async_script(script, query, modules)
    fetched = driver.execute_script("return performance.getEntriesByType('resource').map((entry) => entry.name)")
    searching = [name for name in fetched if re.search(r"/(search\.json|search-index/|assets/js/)", name)]
    return ms, count, top, sum(sizes(name) for name in searching) / 1024


def measure(driver, url, script, modules, sizes, rounds):
    rows = {}
    for query in QUERIES:
        runs = [cold(driver, url, script, query, modules, sizes) for _ in range(rounds)]
        rows[query] = {"first": statistics.median(run[0] for run in runs), "count": runs[0][1], "top": runs[0][2],
                       "kb": runs[0][3]}
    later = []
    for _ in range(rounds):
        driver.get(url + "/?fresh")
        driver.execute_async_script(script, QUERIES[0], modules)
        later += [driver.execute_async_script(script, query, modules)[0] for query in QUERIES[1:]]
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", PHONE)
    try:
        for query in QUERIES:
            rows[query]["phone"] = cold(driver, url, script, query, modules, sizes)[0]
    finally:
        driver.execute_cdp_cmd("Network.emulateNetworkConditions",
                               {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    return rows, later


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    gage = release_gage()
    driver = browser()
    tables = []
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            source, out = WORK / f"catalog-{size}", WORK / f"out-search-{size}"
            if not (source / "gage").exists():
                sh(sys.executable, ROOT / "bench" / "generate.py", size, source, stdout=subprocess.DEVNULL)
            sh(gage, "build", "--source", source / "gage", "--output", out, stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL)
            modules = "/" + next(p for p in (out / "assets" / "js").iterdir() if re.fullmatch(r"[0-9a-f]{12}", p.name)) \
                .relative_to(out).as_posix() + "/"
            index = sorted((out / "search-index").glob("s*.json"))
            total = sum(len(gzip.compress(p.read_bytes(), 6)) for p in index) / 1024
            manifest = len(gzip.compress((out / "search-index" / "manifest.json").read_bytes(), 6)) / 1024
            print(f"{size:,} products: search.json {len(gzip.compress((out / 'search.json').read_bytes(), 6)) / 1024:,.0f} KB gzip; "
                  f"sharded: {len(index)} shards, {total:,.0f} KB gzip in all, "
                  f"largest {max(len(gzip.compress(p.read_bytes(), 6)) for p in index) / 1024:,.1f} KB, "
                  f"manifest {manifest:,.1f} KB", flush=True)
            server = serve(out)
            try:
                url = f"http://127.0.0.1:{server.server_address[1]}"
                sizes = Sizes(out)
                whole, whole_later = measure(driver, url, UNSHARDED, modules, sizes, args.rounds)
                shard, shard_later = measure(driver, url, SHARDED, modules, sizes, args.rounds)
            finally:
                server.shutdown()
            rows = []
            for query in QUERIES:
                a, b = whole[query], shard[query]
                assert (a["count"], a["top"]) == (b["count"], b["top"]), f"{query}: {a} != {b}"
                rows.append([query, f"{a['count']:,}", f"{a['kb']:,.0f}", f"**{b['kb']:,.1f}**", f"{a['first']:.0f}",
                             f"{b['first']:.0f}", f"{a['phone']:,.0f}", f"{b['phone']:,.0f}"])
            rows.append(["next queries (median / slowest)", "", "", "",
                         f"{statistics.median(whole_later):.1f} / {max(whole_later):.1f}",
                         f"{statistics.median(shard_later):.1f} / {max(shard_later):.1f}", "", ""])
            tables.append(f"{size:,} products\n\n" + markdown(
                ["query", "hits", "unsharded KB", "sharded KB", "unsharded first ms", "sharded first ms",
                 "unsharded phone ms", "sharded phone ms"], rows))
            print(tables[-1] + "\n", flush=True)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
