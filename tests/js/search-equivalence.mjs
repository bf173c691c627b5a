// Compares the sharded index of a built shop (search-index/, searched by search-shards.js) with the reference
// matcher over the same build's whole search.json (search.js): the same products, in the same order, for every
// query, and the same display rows for them.
//
//   node tests/js/search-equivalence.mjs OUTPUT_DIR [QUERY…]
//
// Besides the queries given, it asks what a buyer types, taken from the shop's own text: every word of the
// titles, tags and summaries and each of its prefixes (typing), its 초성, the word with its last syllable still
// being typed (`예가ㅊ`), single characters, two words together, upper case and decomposed (NFD) forms.
// Prints {"queries": n, "shards": n, "hits": n, "mismatches": [...]} as JSON.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initials, searchEntries, searchProducts } from '../../templates/assets/js/search.js';
import { collectLists, planQuery, rankHits } from '../../templates/assets/js/search-shards.js';

const [output, ...given] = process.argv.slice(2);
const read = (path) => JSON.parse(readFileSync(join(output, path), 'utf8'));
const index = read('search.json');
const entries = searchEntries(index);
const manifest = read('search-index/manifest.json');
const shardCount = manifest.shards.length;

const INITIALS = 'ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ';
function typing(word) {   // the last syllable still being typed: its initial consonant
  const code = word.charCodeAt(word.length - 1);
  if (word.length < 2 || code < 0xAC00 || code > 0xD7A3) return null;
  return word.slice(0, -1) + INITIALS[Math.floor((code - 0xAC00) / 588)];
}

function queries() {
  const found = new Set(given);
  const words = new Set();
  for (const row of index.products) {
    for (const field of [row[0], row[3], row[4], row[6] || '']) for (const word of field.split(/\s+/)) if (word) words.add(word);
  }
  const list = [...words].sort();
  for (const word of list) {
    for (let end = 1; end <= word.length; end++) found.add(word.slice(0, end));
    found.add(initials(word));
    const typed = typing(word);
    if (typed) found.add(typed);
    found.add(word.toUpperCase());
    found.add(word.normalize('NFD'));
    for (const character of word) found.add(character);
  }
  for (let i = 0; i + 1 < list.length; i += 7) found.add(list[i] + ' ' + list[(i * 13 + 5) % list.length]);
  for (let i = 0; i + 2 < list.length; i += 11) found.add(list[i].slice(-2) + list[i + 1].slice(0, 2));   // across words
  return [...found];
}

const shards = new Map();
function shard(number) {
  if (!shards.has(number)) shards.set(number, read('search-index/s' + number + '.' + manifest.shards[number] + '.json'));
  return shards.get(number);
}
const blocks = new Map();
function display(product) {
  const number = Math.floor(product / manifest.block);
  if (!blocks.has(number)) blocks.set(number, read('search-index/r' + number + '.' + manifest.blocks[number] + '.json'));
  return blocks.get(number)[product % manifest.block];
}

const mismatches = [];
let hits = 0;
const all = queries();
for (const query of all) {
  const expected = searchProducts(entries, query).map((entry) => entry.position);
  const plan = planQuery(query);
  const actual = rankHits(plan, collectLists(plan, shardCount, shard), manifest.products);
  hits += actual.length;
  if (JSON.stringify(expected) !== JSON.stringify(actual)) {
    mismatches.push({ query, expected: expected.slice(0, 10), actual: actual.slice(0, 10),
      counts: [expected.length, actual.length] });
    continue;
  }
  for (const product of actual.slice(0, 8)) {
    const row = index.products[product];
    if (JSON.stringify(display(product)) !== JSON.stringify(row.slice(0, 4))) mismatches.push({ query, product, row: display(product) });
  }
}
console.log(JSON.stringify({ queries: all.length, shards: shardCount, products: manifest.products, hits,
  mismatches: mismatches.slice(0, 20), mismatchCount: mismatches.length }));
