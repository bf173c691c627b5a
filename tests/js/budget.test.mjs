// What each page downloads of the theme's script: its entry module and everything that imports, each file
// gzipped as a server sends it. A product page stays within 12 KB; a list page loads no more than it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const modules = join(dirname(fileURLToPath(import.meta.url)), '../../templates/assets/js');

/**
 * The files an entry loads with the page: its static imports, and its dynamic ones (both payment providers, a
 * product's sale clock: the worst case). With `searching`, also what the first search fetches (a dynamic import
 * marked `/* on first search *\/`), which a page nobody searches on never loads.
 */
export function moduleGraph(entry, { searching = false } = {}) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const pattern = /^import\s[^;]*?from\s+'([^']+)'|\bimport\('([^']+)'\)(\s*\/\*\s*on first search\s*\*\/)?/gm;
    for (const match of source.matchAll(pattern)) {
      if (match[3] && !searching) continue;
      visit(join(dirname(file), match[1] || match[2]));
    }
  };
  visit(join(modules, 'pages', entry + '.js'));
  return [...seen];
}

export function gzipBytes(files) {
  return files.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
}

const entries = ['browse', 'product', 'cart', 'complete', 'lookup', 'subscription'];
const sizes = Object.fromEntries(entries.map((entry) => [entry, gzipBytes(moduleGraph(entry))]));

test('a product page loads at most 12 KB of gzipped script', () => {
  assert.ok(sizes.product <= 12 * 1024, `${sizes.product} bytes`);
});

// The sharded index's matcher and fetcher (about 6 KB) come with the first search, which then fetches at most
// 150 KB of index at 10,000 products instead of 1 MB (bench/README.md, "Search"): the page itself stays at 12 KB.
test('the first search fetches the matcher, within 18 KB with the page', () => {
  const searching = gzipBytes(moduleGraph('product', { searching: true }));
  assert.ok(searching > sizes.product, 'the matcher is loaded on the first search');
  assert.ok(searching <= 18 * 1024, `${searching} bytes with the first search`);
});

test('a list page loads no more script than a product page', () => {
  assert.ok(sizes.browse <= sizes.product, `${sizes.browse} > ${sizes.product}`);
});

test('pages that take no payment load no payment code', () => {
  for (const entry of ['browse', 'product', 'lookup', 'subscription']) {
    const files = moduleGraph(entry).map((file) => relative(modules, file));
    assert.deepEqual(files.filter((file) => /pay|checkout|cart-page|subscribe|identity/.test(file)), [], entry);
  }
});

test('every module imports only files that exist, in the theme', () => {
  for (const entry of entries) {
    for (const file of moduleGraph(entry)) assert.ok(!relative(modules, file).startsWith('..'), file);
  }
});

if (process.env.GAGE_MODULE_SIZES) {
  for (const entry of entries) {
    const files = moduleGraph(entry);
    console.log(`${entry}: ${files.length} files, ${gzipBytes(files)} bytes gzip`);
  }
}
