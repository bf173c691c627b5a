"""Two or more gage-verify executables against each other and the C + libcurl floor, invocation by invocation.

    python3 bench/verify_ab.py OLD NEW [...] [--rounds 100]

What each change to the function bought (bench/README.md) was measured this way: one verification of the same
paid payment per executable per round, rounds repeated, medians compared. On this VM two runs of the same
binary minutes apart differ by up to 15 %; executables measured in the same rounds do not drift apart.
Needs the release `gage` (for the stand-in and the example shop's catalog): `swift build -c release --product gage`.
"""
import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import urllib.request

from run import ROOT, WORK, sh, stand_in_payment, timed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("executables", nargs="+", type=pathlib.Path)
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    gage = ROOT / ".build" / "release" / "gage"
    folder = WORK / "verify-ab"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    sh(gage, "build", "--source", ROOT, "--output", folder / "site", stdout=subprocess.DEVNULL)
    catalog = folder / "site" / "catalog.json"
    sandbox = subprocess.Popen([str(gage), "sandbox", "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        api = sandbox.stdout.readline().split("listening on ")[1].split()[0]
        env = dict(os.environ, IAMPORT_API_KEY="sandbox_key", IAMPORT_API_SECRET="sandbox_secret",
                   IAMPORT_API_URL=api, GAGE_CACHE_DIR=str(folder / "cache"), GAGE_LEDGER=str(folder / "orders.sqlite"),
                   GAGE_VERIFY_QUIET="1", GAGE_CATALOG=str(catalog))
        request = folder / "request.json"
        request.write_text(json.dumps({"merchant_uid": "onggi-ab-1", "imp_uid": stand_in_payment(
            api, catalog, "onggi-ab-1", [{"sku": "ETH-YIRG-200", "quantity": 2, "options": {"분쇄도": "에스프레소용"}}])}))
        floor = folder / "verify-floor"
        sh("gcc", "-O2", "-o", floor, ROOT / "bench" / "verify_floor.c", "-lcurl")
        token = urllib.request.Request(api + "/users/getToken", method="POST", data=json.dumps(
            {"imp_key": "sandbox_key", "imp_secret": "sandbox_secret"}).encode(),
            headers={"Content-Type": "application/json"})
        floor_env = dict(env, FLOOR_TOKEN=json.loads(urllib.request.urlopen(token).read())["response"]["access_token"])
        for executable in args.executables:
            with open(request) as stdin:
                reply = json.loads(subprocess.run([str(executable)], stdin=stdin, env=env, check=True,
                                                  capture_output=True, text=True).stdout)
            if reply.get("status") != "paid":
                raise SystemExit(f"{executable}: expected paid, got {reply}")
        peers = [("C + libcurl floor", floor, floor_env)] + [(str(e), e, env) for e in args.executables]
        samples = {name: [] for name, *_ in peers}
        for round_number in range(args.rounds + 3):
            for name, executable, environment in peers:
                with open(request) as stdin:
                    elapsed, _ = timed([executable], stdin=stdin, env=environment)
                if round_number >= 3:
                    samples[name].append(elapsed * 1000)
        floor_median = statistics.median(samples[peers[0][0]])
        print(f"| executable | min ms | median ms | ÷ floor |\n|---|---|---|---|")
        for name, values in samples.items():
            print(f"| {name} | {min(values):.2f} | {statistics.median(values):.2f} | "
                  f"{statistics.median(values) / floor_median:.2f}× |")
    finally:
        sandbox.terminate()
        sandbox.wait()


if __name__ == "__main__":
    main()
