"""A model-based test of the money path: seeded random sequences of what buyers, PortOne, the seller and time do
to a few payments and a small stock — callbacks, redirects, webhooks, duplicate and concurrent deliveries,
reconciles, price changes with rebuilds, deposits, partial and full cancels in the console, virtual accounts
running out, provider faults, and (SPEC §9) orders checked and held by /prepare, holds running out, renames of
the shop (order prefix, shop id, base_url) and SKUs spelled with Unicode look-alikes — run against the real
gage-verify and `gage orders reconcile`, with the invariants of SPEC §3, §4 and §9 checked after every step:

1. nothing is `paid` that the provider does not hold at the amount its catalog version says, through the
   shop's channel;
2. a paid order is never refunded by Gage;
3. every rejected payment whose money moved ends refunded, or is visibly owed in the ledger;
4. stock is never oversold;
5. every arrival of one payment tells one story: once paid (or rejected), always paid (or rejected, same reason),
   and the reply is what the ledger holds;
6. (SPEC §10) the seller's refunds — partial, full, by line, two at once, a run killed with SIGKILL mid-call, a
   cancel whose answer is lost or that never lands — are each made at most once at the provider, Σ refunded never
   exceeds what was paid, the ledger never claims more cancelled than the provider has (and, after reconcile and a
   last look, exactly what it has), and stock held is what paid orders hold less the units refunds returned.
7. units taken — paid, awaiting a deposit within its hold, and live holds — never exceed the stock, and /prepare
   refuses only when they leave too few, saying truly how many are left;
8. an honest buyer whose order was held is never refused for stock while the hold lasts;
9. nothing spelled with a look-alike SKU is ever paid, and the ledger holds only the catalog's spelling;
10. a payment the ledger holds, or made under a name the shop had, is never ignored after a rename; another
   shop's always is.

GAGE_MODEL_SEQUENCES sets how many sequences run with the ledger in SQLite (CI: 120), GAGE_MODEL_SEQUENCES_POSTGRES
how many with it in PostgreSQL (CI: 20); GAGE_MODEL_SEED the first seed. 300 + 50 take ~27 minutes on the 2-core
CI machine, more than CI can give them; run them (or more) before changing the money path."""
import concurrent.futures
import copy
import json
import os
import random
import signal
import subprocess
import time

import pytest

from conftest import SECRET, run
from ledger_db import LedgerDB
from verify_helpers import CATALOG, order_id, verify

SEQUENCES = {"sqlite": int(os.environ.get("GAGE_MODEL_SEQUENCES", "120")),
             "postgres": int(os.environ.get("GAGE_MODEL_SEQUENCES_POSTGRES", "20"))}
FIRST_SEED = int(os.environ.get("GAGE_MODEL_SEED", "1"))
STEPS = 12
STOCK = 3


LOOK_ALIKES = ["\uff2cAST", "L\uff21ST", "LA\uff33T", "LAS\uff34", "\u216cAST", "\U0001d40bAST", "LAS\u1d40"]


def model_catalog(seed, version, price, name=0):
    """One sequence's shop: its own id and prefix (renamed `name` times), so no sequence judges another's payments."""
    catalog = copy.deepcopy(CATALOG)
    catalog["version"] = version
    catalog["shop"] = f"model-{seed}" + (f"-r{name}" if name else "")
    catalog["order_prefix"] = f"m{seed}-" + (f"r{name}-" if name else "")
    catalog["base_url"] = "https://shop.example.kr/" if name % 2 == 0 else "https://www.shop.example.kr/"
    catalog["shipping"] = {"fee": 0, "free_over": None}
    catalog["products"] = [
        {"sku": "LAST", "title": "한정판", "price": price, "url": "", "stock": STOCK, "max_quantity": None, "options": []},
    ]
    return catalog


class Sequence:
    """One generated history: its catalog versions, its payments, what each answer said."""

    def __init__(self, seed, gage, gage_verify, sandbox, folder, ledger):
        self.rng = random.Random(seed)
        self.seed = seed
        self.shop, self.prefix = f"model-{seed}", f"m{seed}-"
        self.name = 0                        # renames so far
        self.noted = set()                   # names the function has judged or prepared under (the ledger knows them)
        self.meta = {}                       # imp_uid → what the model knows: kind, quantity, name, held
        self.gage, self.gage_verify, self.sandbox = gage, gage_verify, sandbox
        self.env = {
            "PATH": os.environ["PATH"], "IAMPORT_API_KEY": "sandbox_key", "IAMPORT_API_SECRET": SECRET,
            "IAMPORT_API_URL": sandbox.url, "GAGE_CATALOG": str(folder / "catalog.json"),
            "GAGE_CACHE_DIR": str(folder / "cache"), "GAGE_LEDGER": ledger,
            "IAMPORT_TIMEOUT": "3", "GAGE_VERIFY_QUIET": "1",
        }
        self.prices = {"v0": 10000}          # every version ever built, and its unit price
        self.current = "v0"
        self.rebuild("v0", 10000, age=86_400)
        self.payments = []                   # sandbox records as created
        self.story = {}                      # imp_uid → the first settled status and reason
        self.log = []

    # ------------------------------------------------------------------ the world's moves

    def rebuild(self, version, price, age=0):
        self.prices[version] = price
        self.current = version
        with open(self.env["GAGE_CATALOG"], "w") as file:
            json.dump(model_catalog(self.seed, version, price, self.name), file, ensure_ascii=False)
        moment = time.time() - age
        os.utime(self.env["GAGE_CATALOG"], (moment, moment))

    def new_payment(self, kind=None, merchant_uid=None, quantity=None):
        kind = kind or self.rng.choice(["card", "card", "card", "tampered", "vbank", "stale_page", "other_channel",
                                        "foreign", "look_alike"])
        quantity = quantity or self.rng.randint(1, 2)
        version = self.current if kind != "stale_page" else self.rng.choice(sorted(self.prices))
        amount = self.prices[version] * quantity
        sku = self.rng.choice(LOOK_ALIKES) if kind == "look_alike" else "LAST"
        fields = {"merchant_uid": merchant_uid or order_id().replace("shop-", self.prefix),
                  "amount": amount if kind != "tampered" else 100,
                  "pg": "html5_inicis.INIpayTest", "pay_method": "card",
                  "custom_data": {"items": [{"sku": sku, "quantity": quantity}], "shop": self.shop,
                                  "catalog": version},
                  "buyer_name": "구매자"}
        if kind == "vbank":
            fields.update(status="ready", pay_method="vbank")
        elif kind == "other_channel":
            fields["pg"] = "kcp.OTHERMID"
        elif kind == "foreign":
            fields["custom_data"]["shop"] = "othershop-000000"
        record = self.sandbox.create(**fields)
        self.payments.append(record)
        self.meta[record["imp_uid"]] = {"kind": kind, "quantity": quantity, "name": self.name,
                                        "held": kind == "held", "hold_live": kind == "held"}
        self.log.append(f"new {kind} ×{quantity} v={version} {record['merchant_uid']}")

    def prepare(self):
        """A buyer's page checks the order first (SPEC §9); when it is held, the buyer pays for it at once."""
        quantity = self.rng.randint(1, 2)
        taken_before = self.units_taken()
        code, reply, stderr = verify(self.gage_verify, self.env,
                                     {"action": "prepare", "items": [{"sku": "LAST", "quantity": quantity}]})
        self.log.append(f"prepare ×{quantity} → {code} {reply.get('merchant_uid') or reply.get('reason')}")
        assert code in (0, 2, 4), (code, reply, stderr)
        if code in (0, 2):
            self.noted.add(self.name)
        if code == 2:
            # 6: refused only when too few are left, and it says how many truly are.
            assert reply["reason"] == "sold_out" and reply["sku"] == "LAST", reply
            assert reply["available"] == max(0, STOCK - taken_before) < quantity, (reply, taken_before)
        elif code == 0:
            assert quantity <= STOCK - taken_before, (quantity, taken_before)
            self.new_payment("held", merchant_uid=reply["merchant_uid"], quantity=quantity)

    def rename(self):
        """The seller moves the shop: a new order prefix, shop id and base_url (http→https, www and back)."""
        self.name += 1
        self.shop, self.prefix = f"model-{self.seed}-r{self.name}", f"m{self.seed}-r{self.name}-"
        version = f"v{len(self.prices)}"
        self.rebuild(version, self.prices[self.current], age=self.rng.choice([0, 7200]))
        self.log.append(f"rename → {self.prefix} {version}")

    def expire_holds(self):
        ledger = self.ledger()
        if ledger is None or "holds" not in ledger.tables():
            return
        with ledger:
            ledger.execute("UPDATE holds SET expires_at = ?", (int(time.time()) - 1,))
            if not ledger.postgres:
                ledger.connection.commit()
        for meta in self.meta.values():
            meta["hold_live"] = False
        self.log.append("holds expire")

    def units_taken(self):
        """Units paid, awaiting a deposit within its hold, and held by live holds, as the ledger says now."""
        ledger = self.ledger()
        if ledger is None:
            return 0
        now = int(time.time())
        with ledger:
            orders = ledger.execute(
                "SELECT COALESCE(SUM(i.quantity), 0) FROM order_items i JOIN orders o ON o.imp_uid = i.imp_uid "
                "WHERE o.status = 'paid' OR (o.status = 'awaiting_deposit' AND o.hold_until > ?)", (now,)).fetchone()[0]
            holds = ledger.execute(
                "SELECT COALESCE(SUM(i.quantity), 0) FROM hold_items i JOIN holds h ON h.merchant_uid = i.merchant_uid "
                "WHERE h.expires_at > ? AND h.door != 'vbank'", (now,)).fetchone()[0] if "holds" in ledger.tables() else 0
            # Refunds: units restocked from a paid order are free again; units kept out of a cancelled order are gone.
            adjustment = 0
            if "refunds" in ledger.tables():
                for refund in ledger.execute(
                        "SELECT r.lines_json, r.restock, o.status FROM refunds r JOIN orders o ON o.imp_uid = r.imp_uid "
                        "WHERE r.state = 'done'").fetchall():
                    units = sum(line["quantity"] for line in json.loads(refund[0]))
                    if refund[2] == "paid" and refund[1] == 1:
                        adjustment -= units
                    elif refund[2] == "cancelled" and refund[1] == 0:
                        adjustment += units
        return int(orders) + int(holds) + adjustment

    def look(self, payment, action=None):
        action = action or self.rng.choice(["verify", "webhook"])
        known = self.ledger_row(payment["imp_uid"]) is not None
        code, reply, stderr = verify(self.gage_verify, self.env, {"action": action, "imp_uid": payment["imp_uid"],
                                                                  "merchant_uid": payment["merchant_uid"]})
        self.log.append(f"{action} {payment['imp_uid']} → {code} {reply.get('status')} {reply.get('reason') or ''}")
        self.check_reply(payment, code, reply, stderr, known)

    def step(self):
        moves = ["new", "look", "look", "look", "twice", "concurrent", "deposit", "cancel", "age", "rebuild",
                 "reconcile", "fault", "refund", "refund", "refund_race", "refund_crash",
                 "prepare", "prepare", "expire_holds", "rename"]
        move = self.rng.choice(moves) if self.payments else self.rng.choice(["new", "prepare"])
        if move == "new":
            self.new_payment()
        elif move == "prepare":
            self.prepare()
        elif move == "expire_holds":
            self.expire_holds()
        elif move == "rename":
            self.rename()
        elif move == "look":
            self.look(self.rng.choice(self.payments))
        elif move == "twice":                                   # a duplicate delivery
            payment = self.rng.choice(self.payments)
            self.look(payment, "webhook")
            self.look(payment, "webhook")
        elif move == "concurrent":                              # callback and webhook racing, or two buyers
            chosen = [self.rng.choice(self.payments) for _ in range(3)]
            with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
                list(pool.map(self.look, chosen))
        elif move == "deposit":
            waiting = [p for p in self.payments if p["pay_method"] == "vbank"]
            if waiting:
                payment = self.rng.choice(waiting)
                try:
                    self.sandbox.control("POST", f"/payments/{payment['imp_uid']}/deposit")
                    self.log.append(f"deposit {payment['imp_uid']}")
                except Exception:
                    pass                                        # not an issued account any more
        elif move == "cancel":                                  # the seller, in the PortOne console
            payment = self.rng.choice(self.payments)
            amount = self.rng.choice([None, 1000])
            try:
                self.sandbox.control("POST", f"/payments/{payment['imp_uid']}/cancel",
                                     {"amount": amount} if amount else {})
                self.log.append(f"console cancel {payment['imp_uid']} {amount or 'all'}")
            except Exception:
                pass
        elif move == "age":
            payment = self.rng.choice(self.payments)
            hours = self.rng.choice([1, 30, 80])
            self.sandbox.control("POST", f"/payments/{payment['imp_uid']}/age", {"seconds": hours * 3600})
            self.log.append(f"age {payment['imp_uid']} {hours}h")
        elif move == "rebuild":
            version = f"v{len(self.prices)}"
            self.rebuild(version, self.rng.choice([8000, 10000, 12000]), age=self.rng.choice([0, 7200]))
            self.log.append(f"rebuild {version} {self.prices[version]}")
        elif move == "reconcile":
            result = run(self.gage, "orders", "reconcile", env=self.env, timeout=60)
            self.log.append(f"reconcile → {result.returncode}")
            assert result.returncode in (0, 1), result.stderr
        elif move in ("refund", "refund_race", "refund_crash"):
            self.refund_move(move)
        elif move == "fault":
            kind = self.rng.choice(["error500", "garbage"])
            prefix = self.rng.choice(["/payments/cancel", "/payments/imp_", "/vbanks/"])
            self.sandbox.fault(kind, path_prefix=prefix, count=1)
            self.log.append(f"fault {kind} {prefix}")
        self.check_ledger()

    def refund_args(self):
        """A seller's refund as `gage orders refund` takes it: all that is left, an amount or a line."""
        self.refund_count = getattr(self, "refund_count", 0) + 1
        shape = self.rng.choice(["all", "amount", "line", "line_keep"])
        args = {"all": [], "amount": ["--amount", str(self.rng.choice([1000, 5000, 15000]))],
                "line": ["--item", "LAST:1"], "line_keep": ["--item", "LAST:1", "--keep-stock"]}[shape]
        return args + ["--reason", f"model-refund-{self.refund_count}", "--yes", "--json"]

    def refund_command(self, imp_uid, args):
        return [str(self.gage), "orders", "refund", imp_uid, *args]

    def refund_ended_clearly(self, imp_uid, code):
        """0 refunded, 1 nothing refunded, 3 outcome left for the next look; 64 (a usage error) only for a payment
        the ledger never recorded, which the seller cannot name."""
        return code in (0, 1, 3) or (code == 64 and self.ledger_row(imp_uid) is None)

    def refund_move(self, move):
        # Mostly a paid order (the seller refunds what was sold), sometimes any payment (which is refused clearly).
        rows = [self.ledger_row(p["imp_uid"]) for p in self.payments]
        paid = [p for p, row in zip(self.payments, rows) if row is not None and row["status"] == "paid"]
        if not paid and self.rng.random() < 0.7:                # a buyer pays first, so there is something to refund
            self.new_payment("card")
            self.look(self.payments[-1], "verify")
            row = self.ledger_row(self.payments[-1]["imp_uid"])
            if row is not None and row["status"] == "paid":
                paid = [self.payments[-1]]
        payment = self.rng.choice(paid if paid and self.rng.random() < 0.85 else self.payments)
        imp_uid = payment["imp_uid"]
        if move == "refund":
            args = self.refund_args()
            result = run(*self.refund_command(imp_uid, args), env=self.env, timeout=60, stdin=subprocess.DEVNULL)
            self.log.append(f"refund {imp_uid} {' '.join(args[:-4])} → {result.returncode}")
            assert self.refund_ended_clearly(imp_uid, result.returncode), result.stderr
        elif move == "refund_race":                              # two sellers at once
            commands = [self.refund_command(imp_uid, self.refund_args()) for _ in range(2)]
            with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
                codes = list(pool.map(lambda c: run(*c, env=self.env, timeout=60, stdin=subprocess.DEVNULL).returncode,
                                      commands))
            self.log.append(f"refund race {imp_uid} → {codes}")
            assert all(self.refund_ended_clearly(imp_uid, code) for code in codes), codes
        else:                                                     # the run dies, or the provider misbehaves, mid-call
            how = self.rng.choice(["kill", "lost", "error500"])
            args = self.refund_args()
            if how == "kill":
                self.sandbox.fault("slow", seconds=1.5, path_prefix="/payments/cancel", count=1)
                process = subprocess.Popen(self.refund_command(imp_uid, args), env=self.env, stdin=subprocess.DEVNULL,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(self.rng.choice([0.05, 0.3, 0.8]))
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
                time.sleep(1.6)                                   # the slow answer is spent, whoever waited for it
                self.log.append(f"refund {imp_uid} killed with SIGKILL")
            else:
                self.sandbox.fault(how, path_prefix="/payments/cancel", count=1)
                result = run(*self.refund_command(imp_uid, args), env=self.env, timeout=60, stdin=subprocess.DEVNULL)
                self.log.append(f"refund {imp_uid} with {how} → {result.returncode}")
                assert self.refund_ended_clearly(imp_uid, result.returncode), result.stderr

    # ------------------------------------------------------------------ the invariants

    def provider(self, imp_uid):
        return self.sandbox.payment(imp_uid)

    def check_reply(self, payment, code, reply, stderr, known):
        assert code in (0, 4), (code, reply, stderr)   # a decision, or the provider failed (nothing decided)
        if code == 4:
            return
        status = reply["status"]
        imp_uid = payment["imp_uid"]
        meta = self.meta[imp_uid]
        if meta["kind"] == "foreign":
            assert status == "ignored"
            return
        # 9: the shop's own payments are never ignored, whatever it has been renamed to since — unless made under
        # an earlier name the ledger never heard of (nothing was judged or prepared under it) and not held.
        if status == "ignored":
            assert not known and meta["name"] != self.name and meta["name"] not in self.noted, \
                f"{imp_uid} made under name {meta['name']} ignored (known: {known}, noted: {self.noted})"
            return
        self.noted.add(self.name)
        if meta["kind"] == "look_alike":                 # 8
            assert status != "paid" and (status != "rejected" or reply["reason"] == "unknown_item"), reply
        if meta["held"] and meta["hold_live"] and imp_uid not in self.story and status == "rejected":
            # 7: within its hold an honest order is not refused for stock (a stale price is another matter).
            assert reply["reason"] not in ("sold_out", "quantity_limit"), (reply, self.log[-3:])
        if status in ("paid", "rejected"):
            first = self.story.setdefault(imp_uid, (status, reply.get("reason")))
            assert (status, reply.get("reason")) == first, f"one story: {first} then {status}"
        held = self.ledger_row(imp_uid)
        assert held is not None and held["status"] == status, "the reply is what the ledger holds"

    def ledger(self):
        """The ledger as an auditor reads it, or None before the function has created its tables."""
        location = self.env["GAGE_LEDGER"]
        if not location.startswith("postgres") and not os.path.exists(location):
            return None
        ledger = LedgerDB(location)
        if "orders" not in ledger.tables():
            ledger.close()
            return None
        return ledger

    def ledger_row(self, imp_uid):
        ledger = self.ledger()
        if ledger is None:
            return None
        with ledger:
            return ledger.execute("SELECT * FROM orders WHERE imp_uid = ?", (imp_uid,)).fetchone()

    def check_ledger(self, final=False):
        ledger = self.ledger()
        if ledger is None:
            return
        with ledger:
            rows = ledger.execute("SELECT * FROM orders").fetchall()
            refunds = (ledger.execute("SELECT * FROM refunds").fetchall() if "refunds" in ledger.tables() else [])
        sold = 0
        by_order = {}
        for refund in refunds:
            by_order.setdefault(refund["imp_uid"], []).append(refund)
        for row in rows:
            record = self.provider(row["imp_uid"])
            custom = json.loads(record["custom_data"] or "{}")
            gage_refunds = [c for c in record["cancel_history"] if c["reason"].startswith("[gage]")]
            # 6: each refund made at most once at the provider; never more refunded than paid; the ledger's
            # cancelled amount never more than the provider's, and the provider's own once nothing is in flight.
            seller_cancels = [c for c in record["cancel_history"] if c["reason"].startswith("model-refund-")]
            reasons = [c["reason"] for c in seller_cancels]
            assert len(reasons) == len(set(reasons)), f"a refund made twice: {reasons}"
            mine = by_order.get(row["imp_uid"], [])
            for refund in mine:
                made = [c for c in seller_cancels if c["reason"] == refund["reason"]]
                if refund["state"] == "done":
                    assert len(made) == 1 and made[0]["amount"] == refund["amount"], (dict(refund), made)
                elif refund["state"] == "failed":
                    assert made == [], (dict(refund), made)
            assert sum(r["amount"] for r in mine if r["state"] == "done") <= record["amount"]
            assert record["cancel_amount"] <= record["amount"]
            assert row["cancelled_amount"] <= record["cancel_amount"], (row["cancelled_amount"], record["cancel_amount"])
            if final and row["status"] in ("paid", "cancelled") and not any(r["state"] == "intended" for r in mine):
                assert row["cancelled_amount"] == record["cancel_amount"], (row["imp_uid"], row["cancelled_amount"],
                                                                           record["cancel_amount"])
            if final:
                assert not any(r["state"] == "intended" for r in mine), "a refund left in flight after reconcile"
            def units(refund):
                return sum(line["quantity"] for line in json.loads(refund["lines_json"]))
            returned = sum(units(r) for r in mine if r["state"] == "done" and r["restock"] == 1)
            kept_out = sum(units(r) for r in mine if r["state"] == "done" and r["restock"] == 0)
            if row["status"] == "cancelled":
                sold += kept_out
            items = json.loads(row["items_json"])
            assert all(item["sku"] == "LAST" for item in items), items       # 9: the catalog's spelling only
            if row["status"] == "paid":
                sold -= returned
                # 1: the provider took the money through the shop's channel, at a price some built version had.
                assert record["paid_at"] > 0 and record["pg_provider"] == "html5_inicis" and record["pg_id"] == "INIpayTest"
                quantity = custom["items"][0]["quantity"]
                assert record["amount"] in {price * quantity for price in self.prices.values()}
                assert record["amount"] == json.loads(row["items_json"])[0]["price"] * quantity
                # 2: never refunded by Gage on its own (the seller's refunds are theirs to make).
                assert gage_refunds == [], f"paid order {row['imp_uid']} refunded by Gage"
                sold += quantity
            if row["status"] == "rejected":
                # Money that moved after the last look (a deposit into an account rejected for its amount) is
                # owed from the next look on; the final pass looks at everything first.
                moved = record["paid_at"] > 0 and (final or row["updated_at"] > record["paid_at"])
                if moved:
                    # 3: refunded, or visibly owed.
                    assert row["refund_state"] in ("done", "pending", "manual"), row["imp_uid"]
                    if row["refund_state"] == "done":
                        assert record["amount"] - record["cancel_amount"] == 0
            if row["refund_state"] == "done" or gage_refunds:
                assert row["status"] == "rejected"
        # 4: never oversold.
        assert sold <= STOCK, f"{sold} sold of {STOCK}"
        # 6: what is taken, holds included, never exceeds the stock.
        assert self.units_taken() <= STOCK, f"{self.units_taken()} taken of {STOCK}"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_random_histories_keep_every_invariant(backend, request, gage, gage_verify, sandbox_server, tmp_path):
    ran = 0
    refunds = {"done": 0, "failed": 0, "moves": 0}
    for seed in range(FIRST_SEED, FIRST_SEED + SEQUENCES[backend]):
        sandbox_server.control("POST", "/reset", {"payments": True})   # each history starts with no payments
        folder = tmp_path / f"s{seed}"
        folder.mkdir()
        ledger = (str(folder / "orders.sqlite") if backend == "sqlite"
                  else request.getfixturevalue("postgres").create_database())
        sequence = Sequence(seed, gage, gage_verify, sandbox_server, folder, ledger)
        try:
            for _ in range(STEPS):
                sequence.step()
            sandbox_server.control("DELETE", "/faults")   # the provider behaves again: what was left in flight completes
            run(gage, "orders", "reconcile", env=sequence.env, timeout=60)
            for payment in sequence.payments:             # a last look at everything, then the checks once more
                sequence.look(payment, "verify")
            sequence.check_ledger(final=True)
        except AssertionError as error:
            raise AssertionError(f"seed {seed}: {error}\n  " + "\n  ".join(sequence.log)) from None
        ran += 1
        refunds["moves"] += getattr(sequence, "refund_count", 0)
        ledger = sequence.ledger()
        if ledger is not None and "refunds" in ledger.tables():
            with ledger:
                for row in ledger.execute("SELECT state FROM refunds").fetchall():
                    refunds[row["state"]] = refunds.get(row["state"], 0) + 1
    assert ran == SEQUENCES[backend]
    print(f"{ran} sequences of {STEPS} steps on {backend}; seller refunds asked {refunds['moves']}, "
          f"made {refunds['done']}, refused {refunds['failed']}")
    with open(os.environ.get("GAGE_MODEL_REPORT", os.devnull), "a") as report:
        report.write(f"{backend}: {ran} sequences of {STEPS} steps; refunds asked {refunds['moves']}, "
                     f"made {refunds['done']}, refused {refunds['failed']}\n")
