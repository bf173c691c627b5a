/* The search box on every page, and the search page (the sharded index in search-index/, see search-index.js). */
import { config, element, fetchShopJSON, text } from './page.js';

// The matcher comes with the index, on the first search: a page nobody searches on never fetches either.
let searchIndexPromise = null;
function loadSearchIndex() {
  if (!searchIndexPromise) {
    // Its modules and manifest fetched side by side rather than one after another (a round trip each on a phone).
    const manifest = fetchShopJSON(config.search_index_url);
    manifest.catch(() => {});
    searchIndexPromise = Promise.all([import('./search-index.js') /* on first search */,
      import('./search-shards.js') /* on first search */, import('./search-words.js') /* on first search */])
      .then(([module]) => module.openSearchIndex(config.search_index_url, manifest))
      .catch((error) => { searchIndexPromise = null; throw error; });
  }
  return searchIndexPromise;
}
// The search page shows this many hits, and as many more with each press of its 더 보기 button.
const PAGE_SIZE = 40;

function productURL(entry) { return (config.base_path || '/') + entry.url; }

function hitElement(entry) {
  return element('li', { class: 'search-hit' }, [
    element('a', { href: productURL(entry) }, [
      element('span', { class: 'search-hit-title', text: entry.title }),
      element('span', { class: 'search-hit-price', text: entry.price }),
      entry.summary ? element('span', { class: 'search-hit-summary', text: entry.summary }) : null
    ])
  ]);
}

function setUpSearch(form) {
  const input = form.querySelector('[data-search-input]');
  const panel = form.querySelector('[data-search-results]');
  const status = form.querySelector('[data-search-status]');
  const isPage = form.hasAttribute('data-search-page');
  // A search page from an older theme (no data-next for its button) shows every hit at once, as it did.
  const limit = isPage ? (form.hasAttribute('data-next') ? PAGE_SIZE : Infinity) : 8;
  let shown = '';

  function close() { if (!isPage) panel.hidden = true; }

  // The next hits on the search page, fetched when its 더 보기 button is pressed.
  function nextButton(index, hits, list, from) {
    const button = element('button', { type: 'button', class: 'button search-next', text: form.getAttribute('data-next') });
    button.addEventListener('click', () => {
      button.disabled = true;
      index.entries(hits.slice(from, from + limit)).then((entries) => {
        entries.forEach((entry) => list.appendChild(hitElement(entry)));
        button.remove();
        if (hits.length > from + limit) panel.appendChild(nextButton(index, hits, list, from + limit));
        list.children[from].querySelector('a').focus();
      }, () => { button.disabled = false; });
    });
    return button;
  }

  function render(index, hits, entries, query) {
    shown = query;
    panel.textContent = '';
    if (!query.trim()) { close(); status.textContent = ''; return; }
    const count = String(form.getAttribute('data-count') || '{n}').replace('{n}', hits.length);
    status.textContent = hits.length ? count : form.getAttribute('data-none');
    if (hits.length === 0) {
      // Said once: by the status line where it shows (the search page), else in the list under the box.
      if (isPage) { close(); return; }
      panel.appendChild(element('p', { class: 'search-empty', text: form.getAttribute('data-none') }));
    } else {
      const list = panel.appendChild(element('ul', {}, entries.map(hitElement)));
      if (hits.length > limit && isPage) {
        panel.appendChild(nextButton(index, hits, list, limit));
      } else if (hits.length > limit && form.getAttribute('data-more')) {
        const more = new URL(form.getAttribute('action'), window.location.href);
        more.searchParams.set('q', query);
        panel.appendChild(element('a', { class: 'search-more', href: more.pathname + more.search,
          text: form.getAttribute('data-more') + ' (' + count + ')' }));
      }
    }
    panel.hidden = false;
  }

  function update() {
    const query = input.value;
    if (query === shown) return;
    loadSearchIndex().then((index) => index.search(query).then((hits) => index.entries(hits.slice(0, limit))
      .then((entries) => { if (input.value === query) render(index, hits, entries, query); })))
      .catch(() => { status.textContent = text.status_error || ''; });
  }

  input.addEventListener('input', update);
  input.addEventListener('focus', () => { loadSearchIndex().then((index) => index.prepare()).catch(() => {}); });
  // Arrow keys move between the input and the results; Escape closes the list.
  form.addEventListener('keydown', (event) => {
    const links = Array.from(panel.querySelectorAll('a'));
    const at = links.indexOf(document.activeElement);
    if (event.key === 'ArrowDown' && links.length) {
      event.preventDefault();
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (event.key === 'ArrowUp' && at >= 0) {
      event.preventDefault();
      if (at === 0) input.focus(); else links[at - 1].focus();
    } else if (event.key === 'Escape' && !isPage) {
      close();
      input.focus();
    }
  });
  if (!isPage) {
    document.addEventListener('click', (event) => { if (!form.contains(event.target)) close(); });
  } else {
    const query = new URLSearchParams(window.location.search).get('q') || '';
    input.value = query;
    if (query) update();
  }
}

export function setUpSearchForms() {
  document.querySelectorAll('[data-search]').forEach(setUpSearch);
}
