/*
 * Product search over search.json, Korean-aware: words matched inside words, spaces ignored, 초성 (initial
 * consonants) and a syllable still being typed. Pure: no DOM; Node imports it for the tests. The search box
 * uses the sharded index (search-shards.js), which gives the same results by the same rules (search-words.js);
 * this matcher over the whole search.json stays for themes that read it, and is the tests' reference.
 */
import { FIELD_WEIGHTS, TITLE_START_BONUS, initials, normalizeText, queryMatchers } from './search-words.js';

export { initials, normalizeText };

function fieldMatches(matcher, field) {
  if (matcher.initialsOnly) return field.initials.indexOf(matcher.initialsOnly) >= 0;
  if (matcher.pattern) return matcher.pattern.test(field.compact);
  return field.compact.indexOf(matcher.text) >= 0;
}

function searchField(value) {
  const compact = normalizeText(value).replace(/ /g, '');
  return { compact, initials: initials(compact) };
}

/**
 * Prepares search.json's entries ([title, url, price, summary, tags, description, keywords]) once, so each
 * keystroke only compares strings. `keywords` (the category's title and slug, the product's slug as words) may
 * be missing in an index from before it was added.
 */
export function searchEntries(index) {
  return (index.products || []).map((entry, position) => ({
    title: entry[0], url: entry[1], price: entry[2], summary: entry[3], position,
    fields: [searchField(entry[0]), searchField(entry[4]), searchField(entry[3]), searchField(entry[5]),
      searchField(entry[6])]
  }));
}

/** Entries where every word of `query` is found, best first (then in the shop's own order). */
export function searchProducts(entries, query) {
  const matchers = queryMatchers(query);
  if (matchers.length === 0) return [];
  const hits = [];
  for (const entry of entries) {
    let score = 0;
    let everyWord = true;
    for (const matcher of matchers) {
      let best = 0;
      for (let f = 0; f < entry.fields.length; f++) {
        if (matcher.initialsOnly && f > 0) break;   // initials are matched against titles only
        if (fieldMatches(matcher, entry.fields[f])) { best = FIELD_WEIGHTS[f]; break; }
      }
      if (!best) { everyWord = false; break; }
      if (matcher.text && entry.fields[0].compact.indexOf(matcher.text) === 0) best += TITLE_START_BONUS;
      score += best;
    }
    if (everyWord) hits.push({ entry, score });
  }
  hits.sort((a, b) => b.score - a.score || a.entry.position - b.entry.position);
  return hits.map((hit) => hit.entry);
}
