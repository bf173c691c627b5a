// Product search (templates/assets/js/search.js) over search.json's rows: [title, url, price, summary, tags, description].
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initials, normalizeText, searchEntries, searchProducts } from '../../templates/assets/js/search.js';

const entries = searchEntries({
  products: [
    ['에티오피아 예가체프 원두 200g', 'products/yirgacheffe/', '18,000원', '꽃향기 나는 커피', '원두 싱글오리진', '워시드 가공'],
    ['핸드드립 세트', 'products/drip-set/', '45,000원', '', '도구', '드리퍼와 서버'],
    ['드립백 10개입', 'products/drip-bag/', '12,000원', '간편한 커피', '드립백', ''],
    ['Kenya AA', 'products/kenya/', '21,000원', '', 'coffee', 'bright acidity'],
    ['머그컵', 'products/mug/', '9,000원', '예가체프에 어울리는 컵', '', '']
  ]
});
const titles = (query) => searchProducts(entries, query).map((entry) => entry.title);

test('a Korean word is found inside words', () => {
  assert.deepEqual(titles('드립'), ['드립백 10개입', '핸드드립 세트']);
  assert.deepEqual(titles('가체'), ['에티오피아 예가체프 원두 200g', '머그컵']);
});

test('spaces inside a query word do not matter', () => {
  assert.deepEqual(titles('드립 백'), ['드립백 10개입']);
  assert.deepEqual(titles('드립백'), ['드립백 10개입']);
});

test('every word must be found (AND), in any field', () => {
  assert.deepEqual(titles('예가체프 원두'), ['에티오피아 예가체프 원두 200g']);
  assert.deepEqual(titles('예가체프 세트'), []);
  assert.deepEqual(titles('커피 간편'), ['드립백 10개입']);
});

test('초성 match titles by their initial consonants', () => {
  assert.deepEqual(titles('ㅇㄱㅊㅍ'), ['에티오피아 예가체프 원두 200g']);
  assert.deepEqual(titles('ㅁㄱㅋ'), ['머그컵']);
  // Initials are matched against titles only: the mug's summary says 예가체프 too.
  assert.ok(!titles('ㅇㄱㅊㅍ').includes('머그컵'));
});

test('a syllable still being typed matches any syllable it starts', () => {
  assert.deepEqual(titles('예가ㅊ'), ['에티오피아 예가체프 원두 200g', '머그컵']);
  assert.deepEqual(titles('핸ㄷ'), ['핸드드립 세트']);
  assert.deepEqual(titles('드ㄹ'), ['핸드드립 세트', '드립백 10개입']);
});

test('a title match ranks above a tag, a tag above the summary, the summary above the description', () => {
  const ranked = searchEntries({ products: [
    ['컵 받침', 'a/', '', '', '', '머그에 맞는 크기'], ['도자기 접시', 'b/', '', '머그와 한 벌', '', ''],
    ['유리잔', 'c/', '', '', '머그', ''], ['큰 머그컵', 'd/', '', '', '', '']
  ] });
  assert.deepEqual(searchProducts(ranked, '머그').map((entry) => entry.title), ['큰 머그컵', '유리잔', '도자기 접시', '컵 받침']);
});

test('a title that starts with the word ranks first, then the shop\'s own order', () => {
  assert.deepEqual(titles('드'), ['드립백 10개입', '핸드드립 세트', '에티오피아 예가체프 원두 200g']);   // 워시드, in its description
  assert.deepEqual(titles('커피'), ['에티오피아 예가체프 원두 200g', '드립백 10개입']);
});

test('Latin text is matched case-insensitively and decomposed 한글 as composed', () => {
  assert.deepEqual(titles('KENYA'), ['Kenya AA']);
  assert.deepEqual(titles('acidity'), ['Kenya AA']);
  assert.deepEqual(titles('드립'.normalize('NFD')), ['드립백 10개입', '핸드드립 세트']);
});

test('an empty query finds nothing, and regular-expression characters are only text', () => {
  assert.deepEqual(titles('   '), []);
  assert.deepEqual(titles('.*ㅇ'), []);
});

test('normalizeText and initials', () => {
  assert.equal(normalizeText('  Hello\n  World '), 'hello world');
  assert.equal(initials('예가체프 200g'), 'ㅇㄱㅊㅍ 200g');
});

test('a category title and English words in a product address find it, ranked below every other kind of match', () => {
  const filed = searchEntries({ products: [
    ['콜롬비아 수프리모', 'products/colombia-supremo/', '', '견과류와 초콜릿', '원두', '', '커피 원두 coffee colombia supremo'],
    ['에티오피아 예가체프', 'products/ethiopia/', '', '', '', '커피 향', '커피 원두 coffee ethiopia yirgacheffe'],
    ['드립 커피 세트', 'products/set/', '', '', '', '', '도구 goods drip set'],
    ['얼그레이', 'products/earl-grey/', '', '', '홍차', '', '차 tea earl grey']
  ] });
  const found = (query) => searchProducts(filed, query).map((entry) => entry.title);
  // The title match first, then the description match, then the one filed under 커피 원두 only.
  assert.deepEqual(found('커피'), ['드립 커피 세트', '에티오피아 예가체프', '콜롬비아 수프리모']);
  assert.deepEqual(found('coffee'), ['콜롬비아 수프리모', '에티오피아 예가체프']);
  assert.deepEqual(found('Earl Grey'), ['얼그레이']);
  assert.deepEqual(found('yirga'), ['에티오피아 예가체프']);
});

test('an index without the keywords column still searches', () => {
  assert.deepEqual(searchProducts(searchEntries({ products: [['머그컵', 'a/', '', '', '', '']] }), '머그').length, 1);
});
