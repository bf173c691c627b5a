"""The verify function's catalog index (issue 15): the real gage-verify decodes a large catalog.json once per state
of the file, keeps it as an index in GAGE_CACHE_DIR and looks up only the SKUs an order names afterwards — and never
prices an order from an index of another state of the file."""
import copy
import glob
import json
import os
import sqlite3
import time

from verify_helpers import CATALOG, TEA, pay, ref, verify

TEA_AFTER_REPRICE = 13000     # same number of digits as 12,000: the rewritten file keeps its size


def large_catalog(products=3000, tea_price=12000):
    catalog = copy.deepcopy(CATALOG)
    catalog["products"][1]["price"] = tea_price
    catalog["products"] += [{"sku": f"BULK-{n:05d}", "title": f"상품 {n}", "price": 1000 + n, "url": "",
                             "stock": None, "max_quantity": None, "options": []} for n in range(products)]
    return catalog


def write(env, catalog):
    with open(env["GAGE_CATALOG"], "w") as file:
        json.dump(catalog, file, ensure_ascii=False)


def settle():
    """A catalog.json changed in the last two seconds is not indexed (file times move in clock ticks)."""
    time.sleep(2.1)


def index_files(env):
    return glob.glob(os.path.join(env["GAGE_CACHE_DIR"], "catalog-*.sqlite"))


def paid(gage_verify, env, sandbox, amount, items=TEA):
    return verify(gage_verify, env, ref(pay(sandbox, amount, items)))[1]


def test_a_large_catalog_is_indexed_once_and_then_prices_orders_from_the_index(gage_verify, env, sandbox):
    write(env, large_catalog())
    settle()
    assert paid(gage_verify, env, sandbox, 15000)["status"] == "paid"
    [index] = index_files(env)
    made = os.stat(index)
    assert os.stat(index).st_mode & 0o077 == 0
    with sqlite3.connect(index) as connection:
        assert connection.execute("SELECT count(*) FROM products").fetchone()[0] == 3003
    bulk = [{"sku": "BULK-02999", "quantity": 2}]                        # 2 × 3,999 + 3,000 = 10,998
    assert paid(gage_verify, env, sandbox, 10998, bulk)["status"] == "paid"
    assert paid(gage_verify, env, sandbox, 10997, bulk)["status"] == "rejected"
    unknown = paid(gage_verify, env, sandbox, 4000, [{"sku": "BULK-99999", "quantity": 1}])
    assert unknown["status"] == "rejected" and unknown["reason"] == "unknown_item"
    again = os.stat(index)
    assert (again.st_ino, again.st_mtime_ns) == (made.st_ino, made.st_mtime_ns)   # read, not made again


def test_a_rewrite_that_keeps_size_and_modification_time_is_not_priced_from_the_old_index(gage_verify, env, sandbox):
    write(env, large_catalog())
    settle()
    assert paid(gage_verify, env, sandbox, 15000)["status"] == "paid"          # indexed at 12,000
    before = os.stat(env["GAGE_CATALOG"])
    # The kind of copy `cp -p` or rsync makes: other prices, the same size and modification time.
    write(env, large_catalog(tea_price=TEA_AFTER_REPRICE))
    os.utime(env["GAGE_CATALOG"], ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(env["GAGE_CATALOG"]).st_size == before.st_size
    assert paid(gage_verify, env, sandbox, 16000)["status"] == "paid"
    assert paid(gage_verify, env, sandbox, 15000)["status"] == "rejected"


def test_a_catalog_put_in_place_by_rename_is_read_anew(gage_verify, env, sandbox):
    write(env, large_catalog())
    settle()
    assert paid(gage_verify, env, sandbox, 15000)["status"] == "paid"
    fresh = env["GAGE_CATALOG"] + ".new"
    with open(fresh, "w") as file:
        json.dump(large_catalog(tea_price=TEA_AFTER_REPRICE), file, ensure_ascii=False)
    os.rename(fresh, env["GAGE_CATALOG"])
    assert paid(gage_verify, env, sandbox, 16000)["status"] == "paid"
    settle()
    assert paid(gage_verify, env, sandbox, 16000)["status"] == "paid"          # and the new state is indexed
    with sqlite3.connect(index_files(env)[0]) as connection:
        tea = json.loads(connection.execute("SELECT json FROM products WHERE sku = 'TEA'").fetchone()[0])
    assert tea["price"] == TEA_AFTER_REPRICE


def test_a_damaged_index_costs_time_not_orders(gage_verify, env, sandbox):
    write(env, large_catalog())
    settle()
    assert paid(gage_verify, env, sandbox, 15000)["status"] == "paid"
    [index] = index_files(env)
    with open(index, "r+b") as file:
        file.truncate(4096)
    assert paid(gage_verify, env, sandbox, 15000)["status"] == "paid"
    with open(index, "wb") as file:
        file.write(b"not an index")
    assert paid(gage_verify, env, sandbox, 15000)["status"] == "paid"
    with open(index, "rb") as file:
        assert file.read(16) == b"SQLite format 3\0"                           # made again


def test_the_ledger_keeps_the_catalog_text_when_the_version_is_first_seen_through_the_index(
        gage_verify, env, sandbox, tmp_path):
    write(env, large_catalog())
    settle()
    assert paid(gage_verify, env, sandbox, 15000)["status"] == "paid"          # index made, ledger A
    second = {**env, "GAGE_LEDGER": str(tmp_path / "second.sqlite")}
    assert paid(gage_verify, second, sandbox, 15000)["status"] == "paid"       # ledger B learns the version
    with sqlite3.connect(second["GAGE_LEDGER"]) as connection:
        [(version, text)] = connection.execute("SELECT version, catalog_json FROM catalog_versions").fetchall()
    with open(env["GAGE_CATALOG"], encoding="utf-8") as file:
        assert (version, text) == ("test", file.read())


def test_without_a_cache_folder_every_verification_decodes_the_file(gage_verify, env, sandbox):
    write(env, large_catalog())
    settle()
    uncached = {**env, "GAGE_CACHE_DIR": "off"}
    for _ in range(2):
        assert paid(gage_verify, uncached, sandbox, 15000)["status"] == "paid"
    assert not os.path.exists(env["GAGE_CACHE_DIR"])
