"""Two or more gage-verify executables against each other and the C + libcurl floor, invocation by invocation.

    python3 bench/verify_ab.py OLD NEW [...] [--rounds 100]

What each change to the function bought (bench/README.md) was measured this way: one verification of the same
paid payment per executable per round, rounds repeated, medians compared. On this VM two runs of the same
binary minutes apart differ by up to 15 %; executables measured in the same rounds do not drift apart.
Needs the release `gage` (for the stand-in and the example shop's catalog): `swift build -c release --product gage`.
"""
import argparse
import json
import pathlib
import statistics
import subprocess

from run import ROOT, WORK, example_verification, interleaved_samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("executables", nargs="+", type=pathlib.Path)
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    folder = WORK / "verify-ab"
    with example_verification(ROOT / ".build" / "release" / "gage", folder) as (_, example, floor, floor_env):
        for executable in args.executables:
            with open(folder / "example.json") as stdin:
                reply = json.loads(subprocess.run([str(executable)], stdin=stdin, env=example, check=True,
                                                  capture_output=True, text=True).stdout)
            if reply.get("status") != "paid":
                raise SystemExit(f"{executable}: expected paid, got {reply}")
        peers = [("C + libcurl floor", [floor], floor_env, "example.json")] + [
            (str(executable), [executable], example, "example.json") for executable in args.executables]
        samples = interleaved_samples(peers, folder, args.rounds)
    floor_median = statistics.median(samples[peers[0][0]])
    print("| executable | min ms | median ms | ÷ floor |\n|---|---|---|---|")
    for name, values in samples.items():
        print(f"| {name} | {min(values):.2f} | {statistics.median(values):.2f} | "
              f"{statistics.median(values) / floor_median:.2f}× |")


if __name__ == "__main__":
    main()
