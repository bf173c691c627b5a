/*
 * The rules both matchers share — search.js's over the whole search.json and search-shards.js's over the sharded
 * index: how text and queries are normalised, what kind of word a query word is, how much each field counts.
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

// How much a word found in each field counts: a title beats a tag beats the summary beats the description,
// and the words a product is only filed under (its category's title, its English address) count least, so what
// matched before ranks as it did.
export const FIELD_WEIGHTS = [100, 30, 20, 10, 5];
/** What a word found at the start of a title adds. */
export const TITLE_START_BONUS = 50;
