/*
 * Product search over search.json, Korean-aware: words matched inside words, spaces ignored, 초성 (initial
 * consonants) and a syllable still being typed. Pure: no DOM; Node imports it for the tests. The search box
 * uses the sharded index (search-shards.js), which gives the same results from the same rules (wordMatcher,
 * FIELD_WEIGHTS); this matcher over the whole search.json stays for themes, and is the tests' reference.
 */

const HANGUL_FIRST = 0xAC00, HANGUL_LAST = 0xD7A3, SYLLABLES_PER_INITIAL = 588;
export const INITIALS = 'ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ';

/** Lower case, NFC (a Mac writes 한글 decomposed), single spaces. */
export function normalizeText(value) {
  return String(value || '').normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Each syllable's initial consonant (초성): '예가체프' → 'ㅇㄱㅊㅍ'; other characters are kept. */
export function initials(value) {
  let result = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    result += code >= HANGUL_FIRST && code <= HANGUL_LAST
      ? INITIALS[Math.floor((code - HANGUL_FIRST) / SYLLABLES_PER_INITIAL)] : value[i];
  }
  return result;
}

function escapeRegExp(value) { return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

/**
 * A matcher for one query word. Korean is matched inside words (`드립` finds 핸드드립), spaces ignored
 * (`드립 백` finds 드립백); a word of initials only (`ㅇㄱㅊ`) matches titles by their 초성; and a trailing
 * lone consonant, as the keyboard shows it while a syllable is being typed (`예가ㅊ`), matches any syllable
 * starting with it.
 */
export function wordMatcher(word) {
  const compact = word.replace(/ /g, '');
  if (/^[ㄱ-ㅎ]+$/.test(compact)) return { initialsOnly: compact };
  const last = compact.charAt(compact.length - 1);
  const index = INITIALS.indexOf(last);
  if (compact.length > 1 && index >= 0) {
    const first = HANGUL_FIRST + index * SYLLABLES_PER_INITIAL;
    const range = '[' + String.fromCharCode(first) + '-' + String.fromCharCode(first + SYLLABLES_PER_INITIAL - 1) + last + ']';
    return { pattern: new RegExp(escapeRegExp(compact.slice(0, -1)) + range), prefix: compact.slice(0, -1), consonant: last };
  }
  return { text: compact };
}

/** The words of a query, each as wordMatcher makes it. */
export function queryMatchers(query) {
  return normalizeText(query).split(' ').filter(Boolean).map(wordMatcher);
}

function fieldMatches(matcher, field) {
  if (matcher.initialsOnly) return field.initials.indexOf(matcher.initialsOnly) >= 0;
  if (matcher.pattern) return matcher.pattern.test(field.compact);
  return field.compact.indexOf(matcher.text) >= 0;
}

function searchField(value) {
  const compact = normalizeText(value).replace(/ /g, '');
  return { compact, initials: initials(compact) };
}

// How much a word found in each field counts: a title beats a tag beats the summary beats the description,
// and the words a product is only filed under (its category's title, its English address) count least, so what
// matched before ranks as it did.
export const FIELD_WEIGHTS = [100, 30, 20, 10, 5];
/** What a word found at the start of a title adds. */
export const TITLE_START_BONUS = 50;

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
