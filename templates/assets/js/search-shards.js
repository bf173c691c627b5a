/*
 * Product search over the sharded index (search-index/; its format is described in Gage's SearchShards.swift)
 * with the results of search.js's matcher over search.json: the same hits in the same order. A word of two or
 * more characters is a chain of pairs at consecutive positions (`에티오피` is `에티` at p and `오피` at p + 2).
 * Pure: the caller fetches the shards `planShards` names and hands them to `collectLists`.
 */
import { FIELD_WEIGHTS, TITLE_START_BONUS, initials as group, queryMatchers } from './search-words.js';

const TEXT_FIELDS = [0, 1, 2, 3, 4], TITLE_INITIALS = 5, TITLE_START = 6;
// A pair is filed under its second character's group: its initial consonant if it is a syllable (`group`).

/** The shard of a key (`1c`, `2cd`), or of a half-typed pair's (`3cㅊ`), as SearchShards.shard(of:shards:)
 * computes it: FNV-1a over the type, the first character and the second's group, then MurmurHash3's mix. */
export function shardOf(key, shards) {
  const characters = Array.from(key);
  const values = [characters[0] === '3' ? 2 : Number(characters[0]), characters[1].codePointAt(0), characters[2] ? group(characters[2]).codePointAt(0) : 0];
  let hash = 2166136261;
  for (const value of values) hash = Math.imul(hash ^ value, 16777619);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) % shards;
}

/** Pairs covering every character of `characters`, at offsets 0, 2, 4… and the last pair: a word of n
 * characters needs about n / 2 keys. */
function pairs(characters) {
  const chain = [];
  for (let offset = 0; offset + 1 < characters.length; offset += 2) chain.push(offset);
  if (chain[chain.length - 1] !== characters.length - 2) chain.push(characters.length - 2);
  return chain.map((offset) => ({ key: '2' + characters[offset] + characters[offset + 1], offset }));
}

/**
 * What each word of `query` needs: the fields it is looked for in, a character's key or a chain of pairs with
 * their offsets (a half-typed pair as `group`), and whether a title starting with it counts extra.
 * `keys`: every key and group, once.
 */
export function planQuery(query) {
  const words = queryMatchers(query).map((matcher) => {
    if (matcher.initialsOnly) {
      const characters = Array.from(matcher.initialsOnly);
      return characters.length === 1
        ? { fields: [TITLE_INITIALS], key: '1' + characters[0] }
        : { fields: [TITLE_INITIALS], chain: pairs(characters) };
    }
    if (matcher.pattern) {
      // `예가ㅊ`: 예가 as pairs, then 가 followed by a syllable starting with ㅊ (or ㅊ itself).
      const characters = Array.from(matcher.prefix);
      const last = characters.length - 1;
      const chain = characters.length > 1 ? pairs(characters) : [];
      chain.push({ group: '3' + characters[last] + matcher.consonant, offset: last });
      return { fields: TEXT_FIELDS, chain };
    }
    const characters = Array.from(matcher.text);
    return characters.length === 1
      ? { fields: TEXT_FIELDS, key: '1' + characters[0], bonus: true }
      : { fields: TEXT_FIELDS, chain: pairs(characters), bonus: true };
  });
  const keys = new Set();
  for (const word of words) {
    if (word.key) keys.add(word.key);
    for (const link of word.chain || []) keys.add(link.key || link.group);
  }
  return { words, keys: [...keys] };
}

/** The shards a plan needs. */
export function planShards(plan, shards) {
  return [...new Set(plan.keys.map((key) => shardOf(key, shards)))];
}

/** Each of the plan's keys' entries from the shards (`shard(n)`: the parsed file); a half-typed pair's (`3cㅊ`)
 * is the list of the entries of every pair of c and a syllable starting with ㅊ (or ㅊ itself). */
export function collectLists(plan, shards, shard) {
  const lists = {};
  for (const key of plan.keys) {
    const file = shard(shardOf(key, shards));
    if (key[0] !== '3') { lists[key] = file[key]; continue; }
    const [first, consonant] = Array.from(key.slice(1));
    lists[key] = Object.keys(file).filter((name) => {
      const characters = Array.from(name);
      return characters.length === 3 && characters[0] === '2' && characters[1] === first && group(characters[2]) === consonant;
    }).map((name) => file[name]);
  }
  return lists;
}

/** A character's field: its products, in order. */
function products(list) {
  const found = [];
  let product = 0;
  for (let i = 0; list && i < list.length; i++) found.push(product += list[i]);
  return found;
}

/** A pair's field: its products in order, and each one's positions (positions[starts[i]..starts[i + 1]]). */
function positions(list) {
  const found = { products: [], starts: [0], positions: [] };
  let product = 0;
  for (let i = 0; list && i < list.length;) {
    found.products.push(product += list[i++]);
    let position = 0;
    while (list[i] >= 0) found.positions.push(position += list[i++]);
    found.positions.push(position - list[i++] - 1);
    found.starts.push(found.positions.length);
  }
  return found;
}

/** Several pairs' fields as one (a half-typed pair's group): product → every position. */
function union(lists) {
  if (lists.length === 1) return positions(lists[0]);
  const byProduct = new Map();
  for (const list of lists) {
    const decoded = positions(list);
    decoded.products.forEach((product, i) => {
      const at = byProduct.get(product) || [];
      byProduct.set(product, at.concat(decoded.positions.slice(decoded.starts[i], decoded.starts[i + 1])));
    });
  }
  const found = { products: [], starts: [0], positions: [] };
  for (const product of [...byProduct.keys()].sort((a, b) => a - b)) {
    found.products.push(product);
    found.positions.push(...byProduct.get(product));
    found.starts.push(found.positions.length);
  }
  return found;
}

function linkPositions(link, field, lists) {
  if (link.group) return union((lists[link.group] || []).map((entry) => entry[field]).filter(Boolean));
  return positions((lists[link.key] || [])[field]);
}

/** The products where the chain occurs in `field`, and those where it occurs at the start. */
function chainMatches(chain, field, lists) {
  const links = chain.map((link) => ({ offset: link.offset, ...linkPositions(link, field, lists), next: 0 }));
  const driver = links.reduce((fewest, link) => (link.products.length < fewest.products.length ? link : fewest));
  const found = [], atStart = [];
  driver.products.forEach((product, i) => {
    for (const link of links) {   // each link's products are in order: walk them along with the driver's
      while (link.next < link.products.length && link.products[link.next] < product) link.next++;
      if (link.products[link.next] !== product) return;
    }
    let matched = false, first = false;
    for (let p = driver.starts[i]; p < driver.starts[i + 1]; p++) {
      const start = driver.positions[p] - driver.offset;
      const everyLink = links.every((link) => {
        const at = link.next;
        for (let q = link.starts[at]; q < link.starts[at + 1]; q++) if (link.positions[q] === start + link.offset) return true;
        return false;
      });
      if (everyLink) { matched = true; if (start === 0) first = true; }
    }
    if (matched) found.push(product);
    if (first) atStart.push(product);
  });
  return { found, atStart };
}

/** Writes this word's score into `scores`: the weight of the first field it is found in, and the title-start
 * bonus. */
function wordScores(word, lists, scores) {
  let titleStarts = [];
  for (const field of word.fields) {
    const weight = FIELD_WEIGHTS[field] || FIELD_WEIGHTS[0];   // a title's initials count as the title
    let found;
    if (word.key) {
      found = products((lists[word.key] || [])[field]);
    } else {
      const matches = chainMatches(word.chain, field, lists);
      found = matches.found;
      if (field === 0) titleStarts = matches.atStart;
    }
    for (const product of found) if (!scores[product]) scores[product] = weight;
  }
  if (word.bonus) {
    if (word.key) titleStarts = products((lists[word.key] || [])[TITLE_START]);
    for (const product of titleStarts) scores[product] += TITLE_START_BONUS;
  }
}

/**
 * The products (numbers in the shop's order, of `count`) where every word of the plan is found, best first,
 * then in the shop's order. `lists`: from collectLists (a key no shard has is found nowhere).
 */
export function rankHits(plan, lists, count) {
  if (plan.words.length === 0) return [];
  const total = new Int32Array(count), scores = new Int32Array(count);
  plan.words.forEach((word, w) => {
    scores.fill(0);
    wordScores(word, lists, scores);
    for (let product = 0; product < count; product++) {
      total[product] = (w === 0 || total[product]) && scores[product] ? total[product] + scores[product] : 0;
    }
  });
  const hits = [];
  for (let product = 0; product < count; product++) if (total[product]) hits.push(product);
  return hits.sort((a, b) => total[b] - total[a] || a - b);
}
