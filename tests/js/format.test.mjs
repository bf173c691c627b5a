// Money, dates, intervals and text patterns (templates/assets/js/format.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillTemplate, formatDate, formatDateTime, formatMoney, intervalLabel } from '../../templates/assets/js/format.js';

test('money in won, Korean and English', () => {
  assert.equal(formatMoney(18000, 'ko'), '18,000원');
  assert.equal(formatMoney(1234567, 'ko'), '1,234,567원');
  assert.equal(formatMoney(500, 'ko'), '500원');
  assert.equal(formatMoney(0, 'ko'), '0원');
  assert.equal(formatMoney(-3000, 'ko'), '-3,000원');
  assert.equal(formatMoney(18000, 'en'), '₩18,000');
  assert.equal(formatMoney(-1000, 'en'), '-₩1,000');
});

test('a date is the Korean calendar day, whatever the clock of the buyer', () => {
  // 2026-03-01 16:00 UTC is already 3월 2일 (Monday) in Seoul.
  const moment = Date.UTC(2026, 2, 1, 16, 0) / 1000;
  // (ICU versions differ on the weekday's brackets: Chromium writes "(월)", Node 20 "월".)
  assert.match(formatDate(moment, 'ko'), /^2026년 3월 2일 \(?월\)?$/);
  assert.equal(formatDate(moment, 'en'), 'Mon, March 2, 2026');
});

test('a moment keeps its date and time', () => {
  const moment = Date.UTC(2026, 2, 1, 16, 5) / 1000;
  const shown = formatDateTime(moment, 'ko');
  const local = new Date(moment * 1000);
  assert.ok(shown.includes(String(local.getFullYear())) && shown.includes(String(local.getMinutes()).padStart(2, '0')), shown);
});

test('interval labels from the interface text, or the value itself', () => {
  const text = { interval_weeks: '{n}주마다', interval_months: '{n}개월마다' };
  assert.equal(intervalLabel('2w', text), '2주마다');
  assert.equal(intervalLabel('1m', text), '1개월마다');
  assert.equal(intervalLabel('12m', text), '12개월마다');
  assert.equal(intervalLabel('3w', {}), '3w');
  assert.equal(intervalLabel('weekly', text), 'weekly');
  assert.equal(intervalLabel(undefined, text), '');
});

test('fillTemplate replaces every {key}', () => {
  assert.equal(fillTemplate('{amount}, {interval} ({amount})', { amount: '16,200원', interval: '2주마다' }),
    '16,200원, 2주마다 (16,200원)');
  assert.equal(fillTemplate(undefined, { amount: 1 }), '');
});
