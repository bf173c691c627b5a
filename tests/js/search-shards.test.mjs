// The sharded index's matcher (templates/assets/js/search-shards.js) over shards written out by hand. That it
// gives the reference matcher's results on whole built catalogs is tests/test_search_shards.py.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectLists, planQuery, planShards, rankHits, shardOf } from '../../templates/assets/js/search-shards.js';

// Two products, as Gage writes them: 0 핸드드립 세트 (핸드드립세트, tags 도구), 1 드립백 (summary 간편한 드립).
// A pair's field: product gap, positions as gaps with the last as -(gap + 1).
const shard = {
  '2핸드': [[0, -1]],
  '2드드': [[0, -2]],
  '2드립': [[0, -3, 1, -1], [], [1, -5]],   // 핸드드립: at 2; 드립백: at 0; 간편한드립 (summary): at 3
  '2립세': [[0, -4]],
  '2립백': [[1, -2]],
  '2세트': [[0, -5]],
  '2간편': [[], [], [1, -1]],
  '1드': [[0, 1], [], [1], [], [], [], [1]],   // 드립백 starts with 드
  '1도': [[], [0]],
  '2ㄷㄹ': [[], [], [], [], [], [0, -3, 1, -1]],   // 초성: ㅎㄷㄷㄹㅅㅌ, ㄷㄹㅂ
  '2ㅎㄷ': [[], [], [], [], [], [0, -1]],
};
const found = (query) => { const plan = planQuery(query); return rankHits(plan, collectLists(plan, 1, () => shard), 2); };

test('a key\'s shard is what the build computes (the same numbers as SearchShardsTests.swift)', () => {
  assert.equal(shardOf('2예가', 512), 157);
  assert.equal(shardOf('1커', 512), 314);
  assert.equal(shardOf('2ab', 64), 25);
  assert.equal(shardOf('2드립', 512), 37);
  // A half-typed pair is looked for in the shard of its consonant: every 드 + ㄹ-syllable pair is there.
  assert.equal(shardOf('3드ㄹ', 512), 37);
});

test('a word is looked up as pairs at every other offset, the last pair overlapping when the length is odd', () => {
  const chain = planQuery('에티오피아').words[0].chain;
  assert.deepEqual(chain.map((link) => [link.key, link.offset]), [['2에티', 0], ['2오피', 2], ['2피아', 3]]);
  assert.deepEqual(planQuery('에티오피').words[0].chain.map((link) => link.offset), [0, 2]);
  assert.deepEqual(planQuery('향').words[0], { fields: [0, 1, 2, 3, 4], key: '1향', bonus: true });
  assert.deepEqual(planQuery('예가ㅊ').keys, ['2예가', '3가ㅊ']);
  assert.deepEqual(planQuery('ㅇㄱㅊ').words[0].fields, [5]);
  assert.deepEqual(planQuery('  ').keys, []);
  assert.deepEqual(planShards(planQuery('드립 드ㄹ'), 512), [37]);
});

test('a title starting with the word ranks first, then the shop\'s order', () => {
  assert.deepEqual(found('드립'), [1, 0]);
  assert.deepEqual(found('드'), [1, 0]);
});

test('pairs must follow one another: 핸드립 is not in 핸드드립', () => {
  assert.deepEqual(found('드립백'), [1]);
  assert.deepEqual(found('핸드드립세트'), [0]);
  assert.deepEqual(found('핸드립'), []);
});

test('a half-typed syllable matches every pair it can become, without the title bonus', () => {
  assert.deepEqual(found('드ㄹ'), [0, 1]);
  assert.deepEqual(found('핸ㄷ'), [0]);
  assert.deepEqual(found('드ㅂ'), []);
});

test('초성 are matched in titles, every word must be found, and a word found nowhere finds nothing', () => {
  assert.deepEqual(found('ㄷㄹ'), [0, 1]);
  assert.deepEqual(found('ㅎㄷㄷㄹ'), [0]);   // ㅎㄷ at 0 and ㄷㄹ at 2 of ㅎㄷㄷㄹㅅㅌ
  assert.deepEqual(found('ㅎㄷㄹ'), []);
});

test('a tag counts less than a title, a summary less than a tag', () => {
  assert.deepEqual(found('도'), [0]);
  assert.deepEqual(found('간편 드립'), [1]);
  assert.deepEqual(found('도 드립'), [0]);
  assert.deepEqual(found('없는말'), []);
});
