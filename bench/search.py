#!/usr/bin/env python3
"""How big the search index is and how fast the search box answers, in headless Chromium.

    python3 bench/search.py [--sizes 1000,10000]

For each size: the generated catalog (bench/generate.py) is built with `gage build`; search.json's bytes (raw and
gzip -6, as a static host sends it) are reported per 1,000 products; the built shop is served by Python's
http.server on loopback, and Chromium types queries into the header's search box. "first" is the first query of a
page (the index is fetched then); "next" is every later keystroke (the index is in memory). Times are from the
input event to the results being in the page, measured inside the page (performance.now)."""
import argparse
import functools
import gzip
import http.server
import pathlib
import shutil
import statistics
import subprocess
import sys
import threading

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from run import WORK, ensure_tools, markdown, sh  # noqa: E402

QUERIES = ["에티오피아", "커피", "드립", "ㄱㅇ", "상품 1", "선물용", "블렌드 향", "99호"]

MEASURE = """
const [query, done] = [arguments[0], arguments[arguments.length - 1]];
const input = document.getElementById('site-search-query');
const panel = document.getElementById('site-search-results');
const started = performance.now();
const observer = new MutationObserver(() => {
  if (panel.childElementCount && input.value === query) { observer.disconnect(); done(performance.now() - started); }
});
observer.observe(panel, { childList: true, subtree: true });
input.value = query;
input.dispatchEvent(new Event('input', { bubbles: true }));
"""


def serve(folder):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    http.server.SimpleHTTPRequestHandler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.set_script_timeout(30)
    return driver


def measure(driver, url, rounds=5):
    first, later = [], []
    for _ in range(rounds):
        driver.get(url + "?fresh")
        driver.execute_script("performance.clearResourceTimings()")
        first.append(driver.execute_async_script(MEASURE, QUERIES[0]))
        later += [driver.execute_async_script(MEASURE, query) for query in QUERIES[1:]]
    return first, later


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    gage = ensure_tools()
    driver = browser()
    rows = []
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            source, out = WORK / f"catalog-{size}", WORK / f"out-search-{size}"
            if not (source / "gage").exists():
                sh(sys.executable, ROOT / "bench" / "generate.py", size, source, stdout=subprocess.DEVNULL)
            sh(gage, "build", "--source", source / "gage", "--output", out, stdout=subprocess.DEVNULL)
            raw = (out / "search.json").read_bytes()
            compressed = len(gzip.compress(raw, 6))
            server = serve(out)
            try:
                first, later = measure(driver, f"http://127.0.0.1:{server.server_address[1]}/")
            finally:
                server.shutdown()
            rows.append([f"{size:,}", f"{len(raw) / 1024:,.0f}", f"{compressed / 1024:,.0f}",
                         f"{len(raw) / size:,.0f} / {compressed / size:,.0f}",
                         f"{statistics.median(first):.1f}", f"{statistics.median(later):.1f}", f"{max(later):.1f}"])
    finally:
        driver.quit()
    print(markdown(["products", "search.json KB", "gzip KB", "bytes per product (raw / gzip)",
                    "first query ms (median)", "next queries ms (median)", "slowest ms"], rows))


if __name__ == "__main__":
    main()
