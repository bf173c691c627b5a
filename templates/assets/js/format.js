/*
 * Money, dates, intervals and interface-text patterns as the buyer reads them. Pure: no DOM; Node imports it
 * for the tests.
 */

/** 18000 → "18,000원" (Korean) or "₩18,000" (English). */
export function formatMoney(amount, language) {
  const digits = String(Math.abs(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = amount < 0 ? '-' : '';
  return language === 'en' ? sign + '₩' + digits : sign + digits + '원';
}

function locale(language) { return language === 'en' ? 'en-US' : 'ko-KR'; }

/** A day as the buyer reads it, in Korean time (charges are scheduled by the Korean calendar). */
export function formatDate(unixSeconds, language) {
  return new Date(unixSeconds * 1000).toLocaleDateString(locale(language),
    { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short', timeZone: 'Asia/Seoul' });
}

/** A moment (an order placed, a deposit due) in the buyer's own clock. */
export function formatDateTime(unixSeconds, language) {
  return new Date(unixSeconds * 1000).toLocaleString(locale(language));
}

/** "2w" → "2주마다" (the interface text's interval_weeks / interval_months), or the value itself. */
export function intervalLabel(interval, text) {
  const match = /^(\d+)([wm])$/.exec(interval || '');
  if (!match) return String(interval || '');
  const pattern = text[match[2] === 'w' ? 'interval_weeks' : 'interval_months'] || '{n}' + match[2];
  return pattern.replace('{n}', match[1]);
}

/** "{amount} every {interval}" with each {key} replaced by values[key], every time it appears. */
export function fillTemplate(pattern, values) {
  return Object.keys(values).reduce((result, key) => result.split('{' + key + '}').join(values[key]),
    String(pattern || ''));
}
