"""A real SMTP server for the tests (aiosmtpd), run as its own process on 127.0.0.1.

Every message it accepts is written to OUT/<n>.eml (the bytes as received) with OUT/<n>.json (the envelope).
Options: --delay SECONDS waits before accepting DATA (to kill a sender mid-send); --reject-rcpt answers 550 to
every recipient (a permanent refusal)."""
import argparse
import asyncio
import itertools
import json
import pathlib
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out: pathlib.Path, delay: float, reject: bool):
        self.out, self.delay, self.reject = out, delay, reject
        self.counter = itertools.count(len(list(out.glob("*.eml"))) + 1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        n = next(self.counter)
        (self.out / f"{n:04d}.eml").write_bytes(envelope.original_content)
        (self.out / f"{n:04d}.json").write_text(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos}))
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--delay", type=float, default=0)
    parser.add_argument("--reject-rcpt", action="store_true")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    controller = Controller(Sink(out, args.delay, args.reject_rcpt), hostname="127.0.0.1", port=args.port)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
