/*
 * Gage checkout: the cart, the order, the Iamport (PortOne V1) payment and the verified result.
 * Plain JavaScript, no dependencies. The page never decides that an order is paid: it shows what the
 * verify function answers after asking Iamport.
 *
 * The pricing functions mirror GageCore's Pricing (Swift) rule for rule; a test runs both on the same
 * carts and compares. Loaded by node (module.exports) for that test, by browsers as a plain script.
 */
(function (root) {
  'use strict';

  // ---------------------------------------------------------------- pricing (mirrors GageCore.Pricing)

  var ABSOLUTE_MAX_QUANTITY = 9999;

  function PricingError(reason, message) {
    this.name = 'PricingError';
    this.reason = reason;
    this.message = message;
  }
  PricingError.prototype = Object.create(Error.prototype);

  function findProduct(catalog, sku) {
    for (var i = 0; i < catalog.products.length; i++) {
      if (catalog.products[i].sku === sku) return catalog.products[i];
    }
    return null;
  }

  function isPlainObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  }

  /** The product's price plus each chosen option value's price. Every option needs a choice. */
  function unitPrice(product, chosen) {
    chosen = chosen || {};
    var names = Object.keys(chosen);
    for (var n = 0; n < names.length; n++) {
      var known = product.options.some(function (option) { return option.name === names[n]; });
      if (!known) throw new PricingError('unknown_item', product.sku + ' has no option ' + names[n]);
    }
    var price = product.price;
    for (var i = 0; i < product.options.length; i++) {
      var option = product.options[i];
      if (!Object.prototype.hasOwnProperty.call(chosen, option.name)) {
        throw new PricingError('unknown_item', product.sku + ': no value chosen for ' + option.name);
      }
      var label = chosen[option.name];
      var value = null;
      for (var v = 0; v < option.values.length; v++) {
        if (option.values[v].label === label) { value = option.values[v]; break; }
      }
      if (!value) throw new PricingError('unknown_item', product.sku + ': ' + option.name + ' has no value ' + label);
      price += value.price || 0;
    }
    return price;
  }

  /** Whether `product` is sold as a subscription delivered at `interval` ("2w", "1m"). */
  function offersInterval(product, interval) {
    return Boolean(product.subscription && Array.isArray(product.subscription.intervals) &&
      product.subscription.intervals.indexOf(interval) >= 0);
  }

  /**
   * Prices `items` ([{sku, quantity, options}]) against `catalog` (catalog.json).
   * Returns {items: [{sku, title, quantity, options, price}], subtotal, shipping, total}
   * or throws a PricingError whose `reason` is one of SPEC §3's codes.
   * With `interval`, prices one delivery of a subscription: every product must offer that interval, and its
   * subscriber price replaces the product price (options still add theirs).
   */
  function priceOrder(catalog, items, alreadySold, interval) {
    alreadySold = alreadySold || {};
    if (!Array.isArray(items) || items.length === 0) throw new PricingError('bad_custom_data', 'the order has no items');
    var priced = [];
    var quantityBySKU = {};
    var subtotal = 0;
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      if (!isPlainObject(item) || typeof item.sku !== 'string') {
        throw new PricingError('bad_custom_data', 'item ' + i + ' is not {sku, quantity, options}');
      }
      var options = item.options === undefined || item.options === null ? {} : item.options;
      if (!isPlainObject(options) || Object.keys(options).some(function (k) { return typeof options[k] !== 'string'; })) {
        throw new PricingError('bad_custom_data', 'item ' + i + ' has malformed options');
      }
      var quantity = item.quantity;
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > ABSOLUTE_MAX_QUANTITY) {
        throw new PricingError('bad_custom_data', item.sku + ': quantity ' + quantity + ' is not a whole number from 1 up');
      }
      var product = findProduct(catalog, item.sku);
      if (!product) throw new PricingError('unknown_item', 'no product with SKU ' + item.sku);
      if (interval) {
        if (!offersInterval(product, interval)) throw new PricingError('unknown_item', item.sku + ' is not offered every ' + interval);
        product = Object.assign({}, product, { price: product.subscription.price });
      }
      var price = unitPrice(product, options);
      quantityBySKU[item.sku] = (quantityBySKU[item.sku] || 0) + quantity;
      subtotal += price * quantity;
      if (!Number.isSafeInteger(subtotal)) throw new PricingError('bad_custom_data', 'the amount is too large');
      priced.push({ sku: item.sku, title: product.title, quantity: quantity, options: options, price: price });
    }
    var checked = {};
    for (var j = 0; j < items.length; j++) {
      var sku = items[j].sku;
      if (checked[sku]) continue;
      checked[sku] = true;
      var p = findProduct(catalog, sku);
      var requested = quantityBySKU[sku];
      if (p.stock !== null && p.stock !== undefined) {
        var available = Math.max(0, p.stock - (alreadySold[sku] || 0));
        if (requested > available) throw new PricingError('sold_out', sku + ': ' + requested + ' requested, ' + available + ' in stock');
      }
      if (p.max_quantity !== null && p.max_quantity !== undefined && requested > p.max_quantity) {
        throw new PricingError('quantity_limit', sku + ': at most ' + p.max_quantity + ' per order');
      }
    }
    var rule = catalog.shipping || { fee: 0, free_over: null };
    var freeOver = rule.free_over;
    var shipping = (freeOver !== null && freeOver !== undefined && subtotal >= freeOver) ? 0 : (rule.fee || 0);
    return { items: priced, subtotal: subtotal, shipping: shipping, total: subtotal + shipping };
  }

  // ---------------------------------------------------------------- orders

  /** A fresh merchant_uid: the shop's prefix, the time and randomness; at most 40 of [A-Za-z0-9_-]. */
  function newMerchantUID(prefix) {
    var alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    var random = '';
    var bytes = new Uint8Array(10);
    if (root.crypto && root.crypto.getRandomValues) {
      root.crypto.getRandomValues(bytes);
    } else {
      for (var b = 0; b < bytes.length; b++) bytes[b] = Math.floor(Math.random() * 256);
    }
    for (var i = 0; i < bytes.length; i++) random += alphabet[bytes[i] % alphabet.length];
    return (prefix + Date.now().toString(36) + '-' + random).slice(0, 40);
  }

  /** A fresh billing-key alias (customer_uid): the shop's prefix and 24 random characters nobody can guess. */
  function newCustomerUID(prefix) {
    var alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    var bytes = new Uint8Array(24);
    root.crypto.getRandomValues(bytes);   // no fallback: a guessable key alias would let others charge it
    var random = '';
    for (var i = 0; i < bytes.length; i++) random += alphabet[bytes[i] % alphabet.length];
    return prefix + 'c' + random;
  }

  /** "2w" → "2주마다" (the interface text's interval_weeks / interval_months), or the value itself. */
  function intervalLabel(interval, text) {
    var match = /^(\d+)([wm])$/.exec(interval || '');
    if (!match) return String(interval || '');
    var pattern = text[match[2] === 'w' ? 'interval_weeks' : 'interval_months'] || '{n}' + match[2];
    return pattern.replace('{n}', match[1]);
  }

  /** "에티오피아 예가체프 원두 200g 외 2건": the first item's title and how many more lines follow. */
  function orderName(pricedItems, text) {
    var first = pricedItems[0].title;
    if (first.length > 30) first = first.slice(0, 29) + '…';
    var more = pricedItems.length - 1;
    return more > 0 ? first + ' ' + String(text.order_name_more || '+{n}').replace('{n}', more) : first;
  }

  function formatMoney(amount, language) {
    var digits = String(Math.abs(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    var sign = amount < 0 ? '-' : '';
    return language === 'en' ? sign + '₩' + digits : sign + digits + '원';
  }

  // ---------------------------------------------------------------- search (Korean-aware, over search.json)

  var HANGUL_FIRST = 0xAC00, HANGUL_LAST = 0xD7A3, SYLLABLES_PER_INITIAL = 588;
  var INITIALS = 'ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ';

  /** Lower case, NFC (a Mac writes 한글 decomposed), single spaces. */
  function normalizeText(value) {
    return String(value || '').normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
  }

  /** Each syllable's initial consonant (초성): '예가체프' → 'ㅇㄱㅊㅍ'; other characters are kept. */
  function initials(value) {
    var result = '';
    for (var i = 0; i < value.length; i++) {
      var code = value.charCodeAt(i);
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
  function wordMatcher(word) {
    var compact = word.replace(/ /g, '');
    if (/^[ㄱ-ㅎ]+$/.test(compact)) {
      return { initialsOnly: compact };
    }
    var last = compact.charAt(compact.length - 1);
    var index = INITIALS.indexOf(last);
    if (compact.length > 1 && index >= 0) {
      var first = HANGUL_FIRST + index * SYLLABLES_PER_INITIAL;
      var range = '[' + String.fromCharCode(first) + '-' + String.fromCharCode(first + SYLLABLES_PER_INITIAL - 1) + last + ']';
      return { pattern: new RegExp(escapeRegExp(compact.slice(0, -1)) + range) };
    }
    return { text: compact };
  }

  function fieldMatches(matcher, field) {
    if (matcher.initialsOnly) return field.initials.indexOf(matcher.initialsOnly) >= 0;
    if (matcher.pattern) return matcher.pattern.test(field.compact);
    return field.compact.indexOf(matcher.text) >= 0;
  }

  function searchField(value) {
    var compact = normalizeText(value).replace(/ /g, '');
    return { compact: compact, initials: initials(compact) };
  }

  // How much a word found in each field counts: a title beats a tag beats the summary beats the description.
  var FIELD_WEIGHTS = [100, 30, 20, 10];

  /**
   * Prepares search.json's entries ([title, url, price, summary, tags, description]) once, so each keystroke
   * only compares strings.
   */
  function searchEntries(index) {
    return (index.products || []).map(function (entry, position) {
      return {
        title: entry[0], url: entry[1], price: entry[2], summary: entry[3], position: position,
        fields: [searchField(entry[0]), searchField(entry[4]), searchField(entry[3]), searchField(entry[5])]
      };
    });
  }

  /** Entries where every word of `query` is found, best first (then in the shop's own order). */
  function searchProducts(entries, query) {
    var words = normalizeText(query).split(' ').filter(Boolean);
    if (words.length === 0) return [];
    var matchers = words.map(wordMatcher);
    var hits = [];
    entries.forEach(function (entry) {
      var score = 0;
      for (var w = 0; w < matchers.length; w++) {
        var best = 0;
        for (var f = 0; f < entry.fields.length; f++) {
          if (matchers[w].initialsOnly && f > 0) break;   // initials are matched against titles only
          if (fieldMatches(matchers[w], entry.fields[f])) { best = FIELD_WEIGHTS[f]; break; }
        }
        if (!best) return;
        if (matchers[w].text && entry.fields[0].compact.indexOf(matchers[w].text) === 0) best += 50;
        score += best;
      }
      hits.push({ entry: entry, score: score });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.entry.position - b.entry.position; });
    return hits.map(function (hit) { return hit.entry; });
  }

  var exported = {
    PricingError: PricingError,
    unitPrice: unitPrice,
    priceOrder: priceOrder,
    offersInterval: offersInterval,
    newMerchantUID: newMerchantUID,
    newCustomerUID: newCustomerUID,
    intervalLabel: intervalLabel,
    orderName: orderName,
    formatMoney: formatMoney,
    searchEntries: searchEntries,
    searchProducts: searchProducts
  };
  if (typeof module === 'object' && module.exports) module.exports = exported;
  root.Gage = exported;
  if (typeof document === 'undefined') return;

  // ---------------------------------------------------------------- the page

  var config = readJSON('gage-checkout') || {};
  var text = readJSON('gage-text') || {};
  var language = config.language || 'ko';
  var cartKey = 'gage-cart:' + (config.base_path || '/');

  function readJSON(id) {
    var element = document.getElementById(id);
    if (!element) return null;
    try { return JSON.parse(element.textContent); } catch (error) { return null; }
  }

  function money(amount) { return formatMoney(amount, language); }

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === 'text') node.textContent = attributes[name];
      else node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  // ----- the cart, kept in localStorage: [{sku, quantity, options}]

  function loadCart() {
    try {
      var items = JSON.parse(root.localStorage.getItem(cartKey) || '[]');
      if (!Array.isArray(items)) return [];
      return items.filter(function (item) {
        return isPlainObject(item) && typeof item.sku === 'string' && Number.isInteger(item.quantity) &&
          item.quantity > 0 && isPlainObject(item.options || {});
      }).map(function (item) {
        var line = { sku: item.sku, quantity: item.quantity, options: item.options || {} };
        if (typeof item.interval === 'string' && /^\d+[wm]$/.test(item.interval)) line.interval = item.interval;
        return line;
      });
    } catch (error) {
      return [];
    }
  }

  function saveCart(items) {
    try { root.localStorage.setItem(cartKey, JSON.stringify(items)); } catch (error) { /* private mode: cart lives for this page only */ }
    showCartCount(items);
  }

  /** A 정기배송 line: delivered every `interval` until cancelled, checked out apart from one-off lines. */
  function isSubscriptionLine(item) { return Boolean(item.interval); }

  function sameLine(a, b) {
    return a.sku === b.sku && isSubscriptionLine(a) === isSubscriptionLine(b) &&
      JSON.stringify(sortedOptions(a.options)) === JSON.stringify(sortedOptions(b.options));
  }

  /**
   * Gives every subscription line of the cart `interval` where its product offers it: one subscription delivers
   * everything together. Returns whether any line changed.
   */
  function alignIntervals(catalog, items, interval) {
    var changed = false;
    items.forEach(function (item) {
      if (!isSubscriptionLine(item) || item.interval === interval) return;
      var product = catalog ? findProduct(catalog, item.sku) : null;
      if (catalog && !(product && offersInterval(product, interval))) return;
      item.interval = interval;
      changed = true;
    });
    return changed;
  }

  function sortedOptions(options) {
    var sorted = {};
    Object.keys(options || {}).sort().forEach(function (key) { sorted[key] = options[key]; });
    return sorted;
  }

  function showCartCount(items) {
    var count = (items || loadCart()).reduce(function (sum, item) { return sum + item.quantity; }, 0);
    Array.prototype.forEach.call(document.querySelectorAll('[data-cart-count]'), function (badge) {
      badge.textContent = String(count);
    });
  }

  // ----- product page: options, quantity, add to cart / buy now

  function setUpProductPage() {
    var form = document.querySelector('[data-buy-form]');
    var product = readJSON('gage-product');
    if (!form || !product) return;
    var status = form.querySelector('[data-buy-status]');
    var intervalField = form.querySelector('[data-interval-field]');
    var intervalSelect = form.querySelector('[data-interval]');
    var buyButton = form.querySelector('button[value="buy"]');
    var cartButton = form.querySelector('button[value="cart"]');
    var buyLabels = { buy: buyButton && buyButton.textContent, cart: cartButton && cartButton.textContent };
    function subscribing() {
      var chosen = form.querySelector('input[name="purchase"]:checked');
      return Boolean(chosen && chosen.value === 'subscribe' && intervalSelect);
    }
    function showPurchaseType() {
      var on = subscribing();
      if (intervalField) intervalField.hidden = !on;
      if (buyButton) buyButton.textContent = on ? text.subscription_pay : buyLabels.buy;
      if (cartButton) cartButton.textContent = on ? text.add_subscription : buyLabels.cart;
    }
    Array.prototype.forEach.call(form.querySelectorAll('input[name="purchase"]'), function (radio) {
      radio.addEventListener('change', showPurchaseType);
    });
    showPurchaseType();
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var submitter = event.submitter;
      var options = {};
      var missing = null;
      Array.prototype.forEach.call(form.querySelectorAll('[data-option]'), function (select) {
        if (!select.value && !missing) missing = select;
        options[select.getAttribute('data-option')] = select.value;
      });
      if (missing) {
        status.textContent = text.choose + ': ' + missing.getAttribute('data-option');
        missing.focus();
        return;
      }
      var quantityField = form.querySelector('#quantity');
      var quantity = parseInt(quantityField.value, 10);
      var limit = parseInt(quantityField.getAttribute('max'), 10);
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > limit) {
        status.textContent = text.max_per_order + ': ' + limit;
        quantityField.focus();
        return;
      }
      var items = loadCart();
      var line = { sku: product.sku, quantity: quantity, options: options };
      if (subscribing()) line.interval = intervalSelect.value;
      var existing = items.filter(function (item) { return sameLine(item, line); })[0];
      if (existing) existing.quantity = Math.min(existing.quantity + quantity, limit);
      else items.push(line);
      // The cart's subscription lines share one interval: the one just chosen (the cart checks the others offer it).
      var realigned = line.interval ? alignIntervals(null, items, line.interval) : false;
      saveCart(items);
      try { root.sessionStorage.setItem(modeKey, line.interval ? 'subscription' : 'once'); } catch (error) { /* a default applies */ }
      if (submitter && submitter.value === 'buy') {
        root.location.href = config.cart_url;
        return;
      }
      status.textContent = '';
      if (realigned) status.appendChild(document.createTextNode(
        String(text.cart_interval_changed).replace('{interval}', intervalLabel(line.interval, text)) + ' '));
      status.appendChild(document.createTextNode(text.added + ' '));
      status.appendChild(element('a', { href: config.cart_url, text: text.view_cart }));
    });
  }

  // ----- cart page

  /** A JSON file of the built shop, fresh (a rebuild may have changed it since the page was cached). */
  function fetchShopJSON(url) {
    return fetch(url, { cache: 'no-cache' }).then(function (response) {
      if (!response.ok) throw new Error(url + ' ' + response.status);
      return response.json();
    });
  }

  var catalogPromise = null;
  function loadCatalog() {
    if (!catalogPromise) catalogPromise = fetchShopJSON(config.catalog_url);
    return catalogPromise;
  }

  /** How many of a product one order may hold: the smaller of its stock and its per-order limit. */
  function purchaseLimit(product) {
    return Math.min(product.max_quantity == null ? ABSOLUTE_MAX_QUANTITY : product.max_quantity,
      product.stock == null ? ABSOLUTE_MAX_QUANTITY : product.stock);
  }

  /** Drops lines the catalog no longer sells and trims quantities (per SKU, across lines) to what may be bought. */
  function reconcileCart(catalog, items) {
    var changed = false;
    var kept = [];
    var taken = {};
    items.forEach(function (item) {
      var product = findProduct(catalog, item.sku);
      if (!product || product.stock === 0) { changed = true; return; }
      try { unitPrice(product, item.options); } catch (error) { changed = true; return; }
      if (isSubscriptionLine(item) && !offersInterval(product, item.interval)) {
        // No longer offered at this interval: at another if the product still has one, else not as a subscription.
        if (!product.subscription || !product.subscription.intervals.length) { changed = true; return; }
        item.interval = product.subscription.intervals[0];
        changed = true;
      }
      var room = purchaseLimit(product) - (taken[item.sku] || 0);
      if (room <= 0) { changed = true; return; }
      if (item.quantity > room) { item.quantity = room; changed = true; }
      taken[item.sku] = (taken[item.sku] || 0) + item.quantity;
      kept.push(item);
    });
    return { items: kept, changed: changed };
  }

  function setUpCartPage() {
    var cart = document.querySelector('[data-cart]');
    if (!cart) return;
    var notice = cart.querySelector('[data-cart-notice]');
    loadCatalog().then(function (catalog) {
      var reconciled = reconcileCart(catalog, loadCart());
      if (reconciled.changed) {
        saveCart(reconciled.items);
        notice.textContent = text.cart_unavailable;
        notice.hidden = false;
      }
      renderCart(cart, catalog);
      setUpCheckoutForm(cart, catalog);
      if (!resumeSubscription(cart)) resumeCertified(cart, catalog);
    }).catch(function () {
      notice.textContent = text.status_error;
      notice.hidden = false;
    });
  }

  // The cart checks out one kind at a time: its subscription lines (one 정기배송, one interval) or its one-off lines.
  var cartMode = null;

  function lineCounts(items) {
    var subscription = items.filter(isSubscriptionLine).length;
    return { subscription: subscription, once: items.length - subscription };
  }

  var modeKey = 'gage-cart-mode:' + (config.base_path || '/');

  /** The checkout shown: the one the buyer picked, else the kind of line added last, else the subscription. */
  function currentMode(items) {
    var counts = lineCounts(items);
    if (!cartMode) {
      try { cartMode = root.sessionStorage.getItem(modeKey); } catch (error) { cartMode = null; }
    }
    if (!cartMode || !counts[cartMode]) cartMode = counts.subscription > 0 ? 'subscription' : 'once';
    return cartMode;
  }

  function linesOf(items, mode) {
    return items.filter(function (item) { return isSubscriptionLine(item) === (mode === 'subscription'); });
  }

  /**
   * The one interval the cart's subscription lines are delivered at: the first line's. A line whose product does
   * not offer it becomes a one-off line (say so), since one subscription cannot deliver at two rhythms.
   */
  function settleInterval(catalog, items, notice) {
    var subscriptionLines = items.filter(isSubscriptionLine);
    if (!subscriptionLines.length) return null;
    var interval = subscriptionLines[0].interval;
    var moved = [];
    var changed = alignIntervals(catalog, items, interval);
    items.forEach(function (item) {
      if (isSubscriptionLine(item) && item.interval !== interval) {
        delete item.interval;
        moved.push(findProduct(catalog, item.sku).title);
        changed = true;
      }
    });
    if (changed) saveCart(items);
    if (moved.length) {
      notice.textContent = String(text.cart_interval_moved).replace('{items}', moved.join(', '))
        .replace('{interval}', intervalLabel(interval, text));
      notice.hidden = false;
    }
    return interval;
  }

  function fillTemplate(pattern, values) {
    return Object.keys(values).reduce(function (result, key) {
      return result.split('{' + key + '}').join(values[key]);
    }, String(pattern || ''));
  }

  function showCartMode(cart, catalog, all, mode, interval) {
    var counts = lineCounts(all);
    var modes = cart.querySelector('[data-cart-modes]');
    if (modes) {
      modes.hidden = !(counts.subscription > 0 && counts.once > 0);
      Array.prototype.forEach.call(modes.querySelectorAll('[data-cart-mode]'), function (button) {
        var value = button.getAttribute('data-cart-mode');
        button.setAttribute('aria-pressed', value === mode ? 'true' : 'false');
        button.querySelector('[data-mode-count]').textContent = '(' + counts[value] + ')';
        button.onclick = function () { cartMode = value; renderCart(cart, catalog); };
      });
    }
    var subscription = mode === 'subscription';
    var intervalField = cart.querySelector('[data-cart-interval]');
    if (intervalField) {
      intervalField.hidden = !subscription;
      var select = intervalField.querySelector('select');
      select.textContent = '';
      if (subscription) {
        // Only the intervals every subscription product in the cart offers.
        var lines = all.filter(isSubscriptionLine);
        var first = findProduct(catalog, lines[0].sku).subscription.intervals;
        first.filter(function (value) {
          return lines.every(function (line) { return offersInterval(findProduct(catalog, line.sku), value); });
        }).forEach(function (value) {
          var option = element('option', { value: value, text: intervalLabel(value, text) });
          if (value === interval) option.selected = true;
          select.appendChild(option);
        });
        select.onchange = function () {
          var items = loadCart();
          alignIntervals(catalog, items, select.value);
          saveCart(items);
          renderCart(cart, catalog);
        };
      }
    }
    Array.prototype.forEach.call(cart.querySelectorAll('[data-one-time-only]'), function (node) { node.hidden = subscription; });
    Array.prototype.forEach.call(cart.querySelectorAll('[data-subscription-only]'), function (node) { node.hidden = !subscription; });
    var agree = cart.querySelector('[data-agree-text]');
    if (agree) agree.textContent = subscription ? text.subscription_agree : text.agree;
  }

  function renderCart(cart, catalog) {
    var all = loadCart();
    var empty = cart.querySelector('[data-cart-empty]');
    var body = cart.querySelector('[data-cart-body]');
    empty.hidden = all.length > 0;
    body.hidden = all.length === 0;
    if (all.length === 0) return;
    var interval = settleInterval(catalog, all, cart.querySelector('[data-cart-notice]'));
    var mode = currentMode(all);
    if (mode !== 'subscription') interval = null;
    showCartMode(cart, catalog, all, mode, interval);
    var entries = all.map(function (item, index) { return { item: item, index: index }; })
      .filter(function (entry) { return isSubscriptionLine(entry.item) === (mode === 'subscription'); });
    var order = priceOrder(catalog, entries.map(function (entry) { return entry.item; }), {}, interval);
    var list = cart.querySelector('[data-cart-lines]');
    list.textContent = '';
    order.items.forEach(function (line, position) {
      var index = entries[position].index;   // the line's place in the whole stored cart
      var product = findProduct(catalog, line.sku);
      var optionText = Object.keys(line.options).map(function (name) { return name + ': ' + line.options[name]; }).join(', ');
      var limit = purchaseLimit(product);
      var quantityId = 'cart-quantity-' + index;
      var quantity = element('input', { id: quantityId, type: 'number', min: '1', max: String(limit), value: String(line.quantity),
        inputmode: 'numeric', 'aria-label': text.quantity + ': ' + line.title });
      quantity.addEventListener('change', function () {
        var value = parseInt(quantity.value, 10);
        var current = loadCart();
        if (!Number.isInteger(value) || value < 1) value = 1;
        current[index].quantity = Math.min(value, limit);
        saveCart(reconcileCart(catalog, current).items);
        renderCart(cart, catalog);
      });
      var remove = element('button', { type: 'button', class: 'link-button', text: text.remove });
      remove.setAttribute('aria-label', text.remove + ': ' + line.title);
      remove.addEventListener('click', function () {
        var current = loadCart();
        current.splice(index, 1);
        saveCart(current);
        renderCart(cart, catalog);
      });
      list.appendChild(element('li', { class: 'cart-line' }, [
        element('div', { class: 'cart-line-title' }, [
          element('a', { href: product.url.replace(/^https?:\/\/[^/]+/, ''), text: line.title }),
          optionText ? element('span', { class: 'cart-line-options', text: optionText }) : null,
          interval ? element('span', { class: 'cart-line-options cart-line-interval', text: text.subscribe + ' · ' + intervalLabel(interval, text) }) : null
        ]),
        element('span', { class: 'cart-line-unit', text: money(line.price) }),
        element('span', { class: 'cart-line-quantity' }, [quantity]),
        element('strong', { class: 'cart-line-total', text: money(line.price * line.quantity) }),
        remove
      ]));
    });
    cart.querySelector('[data-subtotal]').textContent = money(order.subtotal);
    cart.querySelector('[data-shipping]').textContent = order.shipping === 0 ? text.free : money(order.shipping);
    cart.querySelector('[data-total]').textContent = money(order.total);
    var totalLabel = cart.querySelector('[data-total-label]');
    if (totalLabel) totalLabel.textContent = interval ? text.subscription_amount : text.total;
    var terms = cart.querySelector('[data-subscription-terms]');
    if (terms && interval) terms.textContent = fillTemplate(text.subscription_terms, { amount: money(order.total), interval: intervalLabel(interval, text) });
    var pay = cart.querySelector('[data-pay]');
    if (pay) {
      pay.textContent = interval
        ? text.subscription_pay + ' · ' + money(order.total) + ' / ' + intervalLabel(interval, text)
        : text.pay + ' · ' + money(order.total);
    }
  }

  var fieldChecks = {
    buyer_name: function (value) { return value.trim().length > 0 && value.trim().length <= 40; },
    buyer_tel: function (value) { return /^01[016789]-?\d{3,4}-?\d{4}$/.test(value.trim()); },
    buyer_email: function (value) { return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim()); },
    buyer_postcode: function (value) { return /^\d{5}$/.test(value.trim()); },
    buyer_addr: function (value) { return value.trim().length > 0; }
  };
  var fieldMessages = {
    buyer_name: 'error_name', buyer_tel: 'error_tel', buyer_email: 'error_email',
    buyer_postcode: 'error_postcode', buyer_addr: 'error_addr'
  };

  function validateBuyer(form) {
    var firstInvalid = null;
    Object.keys(fieldChecks).forEach(function (name) {
      var input = form.elements[name];
      var ok = fieldChecks[name](input.value);
      input.setAttribute('aria-invalid', ok ? 'false' : 'true');
      document.getElementById(name + '-error').textContent = ok ? '' : text[fieldMessages[name]];
      if (!ok && !firstInvalid) firstInvalid = input;
    });
    var agree = form.elements.agree;
    document.getElementById('agree-error').textContent = agree.checked ? '' : text.error_agree;
    if (!agree.checked && !firstInvalid) firstInvalid = agree;
    if (firstInvalid) firstInvalid.focus();
    return !firstInvalid;
  }

  // ----- address search (Kakao/Daum 우편번호 서비스): fills 우편번호 and 주소, the buyer types 상세주소

  function fullAddress(form) {
    var detail = form.elements.buyer_addr_detail ? form.elements.buyer_addr_detail.value.trim() : '';
    var address = form.elements.buyer_addr.value.trim();
    return detail ? address + ' ' + detail : address;
  }

  var postcodePromise = null;
  /** Loads the postcode script once, when first needed; rejects if it cannot load within a few seconds. */
  function loadPostcode() {
    if (root.daum && root.daum.Postcode) return Promise.resolve(root.daum);
    if (!postcodePromise) {
      postcodePromise = new Promise(function (resolve, reject) {
        var script = document.createElement('script');
        var timer = setTimeout(function () { reject(new Error('postcode timeout')); }, 8000);
        script.src = config.postcode_url;
        script.async = true;
        script.onload = function () {
          clearTimeout(timer);
          if (root.daum && root.daum.Postcode) resolve(root.daum); else reject(new Error('postcode missing'));
        };
        script.onerror = function () { clearTimeout(timer); reject(new Error('postcode unavailable')); };
        document.head.appendChild(script);
      }).catch(function (error) { postcodePromise = null; throw error; });
    }
    return postcodePromise;
  }

  /** The address as the postcode service's own sample composes it: road address plus (동, 아파트 이름). */
  function addressFrom(data) {
    if (data.userSelectedType === 'J') return data.jibunAddress || data.address;
    var extra = [];
    if (data.bname && /[동로가]$/.test(data.bname)) extra.push(data.bname);
    if (data.buildingName && data.apartment === 'Y') extra.push(data.buildingName);
    var road = data.roadAddress || data.address;
    return extra.length ? road + ' (' + extra.join(', ') + ')' : road;
  }

  function setUpAddressSearch(form) {
    var button = form.querySelector('[data-address-search]');
    var status = form.querySelector('[data-address-status]');
    if (!button) return;
    if (!config.postcode_url) { button.hidden = true; return; }
    button.addEventListener('click', function () {
      status.textContent = '';
      loadPostcode().then(function (daum) {
        new daum.Postcode({
          oncomplete: function (data) {
            form.elements.buyer_postcode.value = data.zonecode || '';
            form.elements.buyer_addr.value = addressFrom(data);
            ['buyer_postcode', 'buyer_addr'].forEach(function (name) {
              form.elements[name].setAttribute('aria-invalid', 'false');
              document.getElementById(name + '-error').textContent = '';
            });
            form.elements.buyer_addr_detail.focus();
          }
        }).open();
      }).catch(function () {
        // No address service (offline, blocked): the fields are ordinary inputs, so the buyer types them.
        status.textContent = text.address_search_failed;
        form.elements.buyer_postcode.focus();
      });
    });
  }

  function setUpCheckoutForm(cart, catalog) {
    var form = cart.querySelector('[data-checkout-form]');
    var status = cart.querySelector('[data-checkout-status]');
    setUpAddressSearch(form);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      status.textContent = '';
      if (!validateBuyer(form)) { status.textContent = text.error_form; return; }
      var all = loadCart();
      var mode = currentMode(all);
      var items = linesOf(all, mode);
      var interval = mode === 'subscription' && items.length ? items[0].interval : undefined;
      var order;
      try { order = priceOrder(catalog, items, {}, interval); } catch (error) {
        status.textContent = text['reason_' + error.reason] || text.error_form;
        return;
      }
      var payButton = form.querySelector('[data-pay]');
      payButton.disabled = true;
      status.textContent = text.paying;
      var checkoutItems = items.map(function (item) { return { sku: item.sku, quantity: item.quantity, options: item.options }; });
      if (interval) {
        startSubscription(form, cart, checkoutItems, order, interval, function () { payButton.disabled = false; });
        return;
      }
      prepareOrder(checkoutItems, order).then(function (prepared) {
        var done = function () { payButton.disabled = false; };
        if (needsAdult(catalog, checkoutItems)) certifyThenPay(form, cart, checkoutItems, prepared, catalog, done);
        else requestPayment(form, cart, checkoutItems, prepared, catalog, done);
      }).catch(function () {
        payButton.disabled = false;
        status.textContent = text.status_error;
      });
    });
  }

  /** The order to pay: made here, or pre-registered with Iamport through the verify function. */
  function prepareOrder(items, order) {
    var name = orderName(order.items, text);
    if (!config.prepare) {
      return Promise.resolve({ merchant_uid: newMerchantUID(config.order_prefix), amount: order.total, name: name });
    }
    return fetch(actionURL('prepare'), {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ items: items })
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok || !body.merchant_uid) throw new Error(body.error || 'prepare failed');
        return { merchant_uid: body.merchant_uid, amount: body.amount, name: body.name || name };
      });
    });
  }

  // ----- 정기배송: issue a billing key in the PG's window, then the function charges and schedules (SPEC §5)

  // A phone may leave for the PG's window and come back to the cart (m_redirect_url): the subscription being
  // started waits in this tab's session storage meanwhile.
  var subscribingKey = 'gage-subscribing:' + (config.base_path || '/');

  /** What this tab left under `key` before leaving for a provider's window, read once (null when nothing). */
  function takeSessionValue(key) {
    try {
      var value = JSON.parse(root.sessionStorage.getItem(key) || 'null');
      root.sessionStorage.removeItem(key);
      return value;
    } catch (error) { return null; }
  }

  function takeSubscribing() { return takeSessionValue(subscribingKey); }

  function startSubscription(form, cart, items, order, interval, done) {
    var IMP = root.IMP;
    var status = cart.querySelector('[data-checkout-status]');
    if (!IMP || !config.billing_pg) { status.textContent = text.status_error; done(); return; }
    IMP.init(config.merchant_code);
    var pending = {
      customer_uid: newCustomerUID(config.order_prefix), merchant_uid: newMerchantUID(config.order_prefix),
      items: items, interval: interval,
      buyer: { name: form.elements.buyer_name.value.trim(), tel: form.elements.buyer_tel.value.trim(),
        email: form.elements.buyer_email.value.trim(), addr: fullAddress(form),
        postcode: form.elements.buyer_postcode.value.trim() }
    };
    try { root.sessionStorage.setItem(subscribingKey, JSON.stringify(pending)); } catch (error) { /* the callback flow still works */ }
    IMP.request_pay({
      pg: config.billing_pg,
      pay_method: 'card',
      merchant_uid: pending.merchant_uid,
      customer_uid: pending.customer_uid,
      name: text.subscribe + ' · ' + orderName(order.items, text),
      // Shown in the PG's window only: no approval happens at issuance; the function charges the first delivery.
      amount: order.total,
      currency: config.currency,
      buyer_name: pending.buyer.name, buyer_tel: pending.buyer.tel, buyer_email: pending.buyer.email,
      buyer_addr: pending.buyer.addr, buyer_postcode: pending.buyer.postcode,
      m_redirect_url: config.certified_url
    }, function (rsp) {
      takeSubscribing();
      finishSubscription(cart, pending, Boolean(rsp && rsp.success), rsp && rsp.error_msg, done);
    });
  }

  /** The key is issued (or not): ask the function to start the subscription and show what it answers. */
  function finishSubscription(cart, pending, issued, pgMessage, done) {
    var result = cart.querySelector('[data-result]');
    var status = cart.querySelector('[data-checkout-status]');
    status.textContent = '';
    if (!issued) {
      showResult(result, { ok: false, status: 'card_not_registered' }, pgMessage);
      done();
      return;
    }
    showResult(result, { ok: true, status: 'subscribing' });
    fetch(actionURL('subscribe'), {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ customer_uid: pending.customer_uid, items: pending.items, interval: pending.interval,
        buyer: pending.buyer })
    }).then(function (response) {
      return response.json().catch(function () { return { ok: false, error: 'HTTP ' + response.status }; });
    }).then(function (answer) {
      done();
      if (answer.status === 'subscribed') {
        saveCart(loadCart().filter(function (item) { return !isSubscriptionLine(item); }));
        cart.querySelector('[data-cart-body]').hidden = true;
      }
      // No retry button: the key can start one subscription only, and a lost answer may have started it.
      showResult(result, answer.status === 'subscribed' || answer.status === 'failed' || answer.status === 'rejected'
        ? answer : { ok: false, status: 'error' }, answer.decline_message);
      if (result.scrollIntoView) result.scrollIntoView({ block: 'start', behavior: 'smooth' });
    }).catch(function () {
      done();
      showResult(result, { ok: false, status: 'network_error' });
    });
  }

  /** Back on the cart from the PG's billing window on a phone: ?merchant_uid=…&imp_success=true|false. */
  function resumeSubscription(cart) {
    var query = new URLSearchParams(root.location.search);
    var success = query.has('imp_success') ? query.get('imp_success') : query.get('success');
    if (success === null || !query.get('merchant_uid')) return false;
    var pending = takeSubscribing();
    if (!pending || pending.merchant_uid !== query.get('merchant_uid')) return false;
    root.history.replaceState(null, '', root.location.pathname);
    var payButton = cart.querySelector('[data-pay]');
    payButton.disabled = true;
    finishSubscription(cart, pending, success === 'true', query.get('error_msg'), function () { payButton.disabled = false; });
    return true;
  }

  // ----- identity verification (성인인증) for adult-only products

  function needsAdult(catalog, items) {
    return items.some(function (item) {
      var product = findProduct(catalog, item.sku);
      return Boolean(product && product.adult_only);
    });
  }

  // A phone leaves the page for the identity provider and comes back to the cart (m_redirect_url): the order
  // being paid waits in this tab's session storage meanwhile.
  var pendingKey = 'gage-certifying:' + (config.base_path || '/');
  var buyerFields = ['buyer_name', 'buyer_tel', 'buyer_email', 'buyer_postcode', 'buyer_addr', 'buyer_addr_detail'];

  function savePending(form, items, prepared) {
    var method = form.querySelector('input[name="pay_method"]:checked');
    var buyer = {};
    buyerFields.forEach(function (name) { buyer[name] = form.elements[name].value; });
    try {
      root.sessionStorage.setItem(pendingKey, JSON.stringify({
        items: items, prepared: prepared, buyer: buyer, pay_method: method ? method.value : null
      }));
    } catch (error) { /* storage full or disabled: the popup flow still works */ }
  }

  function takePending() { return takeSessionValue(pendingKey); }

  function certifyThenPay(form, cart, items, prepared, catalog, done) {
    var IMP = root.IMP;
    var status = cart.querySelector('[data-checkout-status]');
    if (!IMP || !IMP.certification || !config.identity_pg) { status.textContent = text.identity_failed; done(); return; }
    IMP.init(config.merchant_code);
    savePending(form, items, prepared);
    IMP.certification({ pg: config.identity_pg, merchant_uid: prepared.merchant_uid, m_redirect_url: config.certified_url },
      function (rsp) {
        takePending();
        continueCertified(form, cart, items, prepared, catalog, done, Boolean(rsp && rsp.success), rsp && rsp.imp_uid);
      });
  }

  /** Asks the function whether the certification is an adult's, so a minor is stopped before any money moves. */
  function checkIdentity(impUID) {
    return fetch(actionURL('identity'), {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ imp_uid: impUID })
    }).then(function (response) {
      return response.json().then(function (body) { return response.ok && body.ok ? body.adult : null; });
    }).catch(function () { return null; });   // unknown: the function checks again when the payment arrives
  }

  function continueCertified(form, cart, items, prepared, catalog, done, success, certification) {
    var status = cart.querySelector('[data-checkout-status]');
    if (!success || !certification) {
      status.textContent = text.identity_failed;
      if (status.scrollIntoView) status.scrollIntoView({ block: 'nearest' });
      done();
      return;
    }
    status.textContent = text.identity_checking;
    checkIdentity(certification).then(function (adult) {
      if (adult === false) {
        status.textContent = text.identity_minor;
        if (status.scrollIntoView) status.scrollIntoView({ block: 'nearest' });
        done();
        return;
      }
      status.textContent = text.paying;
      requestPayment(form, cart, items, prepared, catalog, done, certification);
    });
  }

  /** Back on the cart from the identity provider on a phone: ?imp_uid=…&merchant_uid=…&success=true|false. */
  function resumeCertified(cart, catalog) {
    var query = new URLSearchParams(root.location.search);
    if (!query.has('success') || !query.get('merchant_uid')) return;
    var pending = takePending();
    if (!pending || !pending.prepared || pending.prepared.merchant_uid !== query.get('merchant_uid')) return;
    root.history.replaceState(null, '', root.location.pathname);
    var form = cart.querySelector('[data-checkout-form]');
    buyerFields.forEach(function (name) { if (pending.buyer && pending.buyer[name]) form.elements[name].value = pending.buyer[name]; });
    var method = pending.pay_method && form.querySelector('input[name="pay_method"][value="' + pending.pay_method + '"]');
    if (method) method.checked = true;
    var payButton = form.querySelector('[data-pay]');
    payButton.disabled = true;
    continueCertified(form, cart, pending.items, pending.prepared, catalog, function () { payButton.disabled = false; },
      query.get('success') === 'true', query.get('imp_uid'));
  }

  /** A virtual account's deadline, `vbank_hours` from now, as Iamport takes it: YYYYMMDDHHmm in Korean time. */
  function vbankDue(hours) {
    var korean = new Date(Date.now() + hours * 3600 * 1000 + 9 * 3600 * 1000);
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return String(korean.getUTCFullYear()) + two(korean.getUTCMonth() + 1) + two(korean.getUTCDate()) +
      two(korean.getUTCHours()) + two(korean.getUTCMinutes());
  }

  /** PortOne V2 (shop.yml portone:): the same order through `PortOne.requestPayment`; its paymentId is the order
   *  number. The promise settles in the window flow; a phone comes back to complete_url with ?paymentId=…. */
  function requestPaymentV2(form, cart, items, prepared, catalog, done) {
    var PortOne = root.PortOne;
    var status = cart.querySelector('[data-checkout-status]');
    var method = form.querySelector('input[name="pay_method"]:checked');
    var payMethod = method ? method.value : 'CARD';
    var channelKey = (config.channel_keys || {})[payMethod];
    if (!PortOne || !channelKey) { status.textContent = text.status_error; done(); return; }
    var request = {
      storeId: config.store_id,
      channelKey: channelKey,
      paymentId: prepared.merchant_uid,
      orderName: prepared.name,
      totalAmount: prepared.amount,
      currency: config.currency,
      payMethod: payMethod,
      customer: {
        fullName: form.elements.buyer_name.value.trim(),
        phoneNumber: form.elements.buyer_tel.value.trim().replace(/-/g, ''),
        email: form.elements.buyer_email.value.trim(),
        zipcode: form.elements.buyer_postcode.value.trim(),
        address: { addressLine1: fullAddress(form), addressLine2: '' }
      },
      customData: { items: items, shop: catalog.shop, catalog: catalog.version },
      redirectUrl: config.complete_url,
      // PortOne asks the function before approving (when the store has the confirm process): a tampered
      // order is never approved.
      confirmUrl: actionURL('confirm')
    };
    if ((config.escrow_methods || []).indexOf(payMethod) >= 0) request.isEscrow = true;
    if (payMethod === 'VIRTUAL_ACCOUNT') {
      request.virtualAccount = { accountExpiry: { validHours: config.vbank_hours || 72 } };
    }
    PortOne.requestPayment(request).then(function (response) {
      done();
      var result = cart.querySelector('[data-result]');
      status.textContent = '';
      if (!response || response.code !== undefined && response.code !== null && !response.paymentId) {
        showResult(result, { ok: false, status: 'window_closed' }, response && response.message);
        return;
      }
      // A code means the window ended without payment; the function still asks PortOne, which tells.
      verifyAndShow(result, { payment_id: response.paymentId || prepared.merchant_uid }, 'POST',
        response.code ? response.message : null);
    }).catch(function () {
      done();
      showResult(cart.querySelector('[data-result]'), { ok: false, status: 'window_closed' });
    });
  }

  function requestPayment(form, cart, items, prepared, catalog, done, certification) {
    if (config.provider === 'portone') { requestPaymentV2(form, cart, items, prepared, catalog, done); return; }
    var IMP = root.IMP;
    var status = cart.querySelector('[data-checkout-status]');
    if (!IMP) { status.textContent = text.status_error; done(); return; }
    IMP.init(config.merchant_code);
    var method = form.querySelector('input[name="pay_method"]:checked');
    var params = {
      pg: config.pg,
      pay_method: method ? method.value : 'card',
      merchant_uid: prepared.merchant_uid,
      name: prepared.name,
      amount: prepared.amount,
      currency: config.currency,
      buyer_name: form.elements.buyer_name.value.trim(),
      buyer_tel: form.elements.buyer_tel.value.trim(),
      buyer_email: form.elements.buyer_email.value.trim(),
      buyer_addr: fullAddress(form),
      buyer_postcode: form.elements.buyer_postcode.value.trim(),
      // The shop and the catalog version priced with: the function honours these prices for a while after
      // the seller changes them, and ignores payments another shop on the same account made.
      custom_data: { items: items, shop: catalog.shop, catalog: catalog.version },
      m_redirect_url: config.complete_url
    };
    if (certification) params.custom_data.certification = certification;
    if (params.pay_method === 'phone') params.digital = false;
    // 구매안전서비스: cash payments go through the PG's escrow when the shop has it (checkout.escrow).
    if ((config.escrow_methods || []).indexOf(params.pay_method) >= 0) params.escrow = true;
    if (params.pay_method === 'vbank') params.vbank_due = vbankDue(config.vbank_hours || 72);
    IMP.request_pay(params, function (rsp) {
      done();
      var result = cart.querySelector('[data-result]');
      status.textContent = '';
      if (!rsp || !rsp.imp_uid) {
        // No payment was created (window closed before paying, or refused up front): nothing to verify.
        showResult(result, { ok: false, status: 'window_closed' }, rsp && rsp.error_msg);
        return;
      }
      verifyAndShow(result, { imp_uid: rsp.imp_uid, merchant_uid: rsp.merchant_uid || prepared.merchant_uid }, 'POST',
        rsp.error_msg);
    });
  }

  // ----- verification and the result

  function actionURL(action, query) {
    var url = new URL(config.verify_url, root.location.href);
    if (action) url.pathname = url.pathname.replace(/\/$/, '') + '/' + action;
    if (query) Object.keys(query).forEach(function (key) { url.searchParams.set(key, query[key]); });
    return url.toString();
  }

  function verify(payment, method) {
    var request = method === 'GET'
      ? fetch(actionURL('', payment), { method: 'GET', headers: { Accept: 'application/json' } })
      : fetch(actionURL(''), {
        method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(payment)
      });
    return request.then(function (response) {
      return response.json().then(function (answer) {
        // 404 with the function's JSON: the provider knows no such payment (SPEC §3).
        if (response.status === 404 && answer && answer.ok === false) answer.unknownPayment = true;
        return answer;
      }, function () { return { ok: false, error: 'HTTP ' + response.status }; });
    });
  }

  function verifyAndShow(result, payment, method, pgMessage) {
    showResult(result, { ok: true, status: 'checking' });
    verify(payment, method).then(function (answer) {
      // The window said it ended without paying and the provider knows no such payment: nothing was paid.
      // (Without the window's word a missing payment stays "could not confirm", to be looked at again.)
      if (answer.unknownPayment && pgMessage) answer = { ok: false, status: 'window_closed' };
      // The one-off lines were paid; the cart's subscription lines (checked out apart) stay.
      if (answer.status === 'paid' || answer.status === 'awaiting_deposit') saveCart(loadCart().filter(isSubscriptionLine));
      showResult(result, answer, pgMessage, function () { verifyAndShow(result, payment, method, pgMessage); });
      if (result.scrollIntoView) result.scrollIntoView({ block: 'start', behavior: 'smooth' });
      var form = document.querySelector('[data-cart-body]');
      if (form && (answer.status === 'paid' || answer.status === 'awaiting_deposit')) form.hidden = true;
    }).catch(function () {
      showResult(result, { ok: false, status: 'network_error' }, null,
        function () { verifyAndShow(result, payment, method, pgMessage); });
    });
  }

  /** A `<dl class="result-details">` of [label, value] rows. */
  function detailList(rows, attributes) {
    var details = element('dl', Object.assign({ class: 'result-details' }, attributes || {}));
    rows.forEach(function (row) {
      details.appendChild(element('dt', { text: row[0] }));
      details.appendChild(element('dd', { text: String(row[1]) }));
    });
    return details;
  }

  /** The 주문 상품 heading and list (title, chosen options, quantity) of an order or subscription, if it has items. */
  function appendItems(parent, items) {
    if (!Array.isArray(items) || !items.length) return;
    parent.appendChild(element('h2', { text: text.items }));
    parent.appendChild(element('ul', { class: 'result-items' }, items.map(function (item) {
      var options = Object.keys(item.options || {}).map(function (k) { return item.options[k]; }).join(', ');
      return element('li', { text: (item.title || item.sku) + (options ? ' (' + options + ')' : '') + ' × ' + item.quantity });
    })));
  }

  function subscriptionInterval(subscription) { return intervalLabel(subscription.interval, text); }

  /** A date as the buyer reads it, in Korean time (charges are scheduled by the Korean calendar). */
  function formatDate(unixSeconds) {
    return new Date(unixSeconds * 1000).toLocaleDateString(language === 'en' ? 'en-US' : 'ko-KR',
      { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short', timeZone: 'Asia/Seoul' });
  }

  function showResult(result, answer, pgMessage, retry) {
    result.hidden = false;
    result.textContent = '';
    var status = answer.status || (answer.ok === false ? 'error' : 'unknown');
    result.className = 'result result-' + status;
    var messages = {
      checking: text.checking, paid: text.status_paid, awaiting_deposit: text.status_awaiting_deposit,
      unpaid: text.status_unpaid, failed: text.status_failed, cancelled: text.status_cancelled,
      rejected: text.status_rejected, ignored: text.status_ignored, window_closed: text.window_closed,
      subscribing: text.subscribing, subscribed: text.status_subscribed, card_not_registered: text.card_not_registered
    };
    var subscription = isPlainObject(answer.subscription) ? answer.subscription : null;
    // A subscription that did not start says so first, whatever its first charge's own state.
    if ((subscription && status !== 'subscribed') || (!subscription && answer.reason === 'card_declined')) {
      messages[status] = text.subscription_not_started;
    }
    result.appendChild(element('p', { class: 'result-message', role: 'status', text: messages[status] || text.status_error }));
    if (status === 'rejected' || answer.reason === 'card_declined') {
      if (answer.reason && text['reason_' + answer.reason]) result.appendChild(element('p', { text: text['reason_' + answer.reason] }));
      if (answer.refunded) result.appendChild(element('p', { class: 'result-refunded', text: text.status_refunded }));
    }
    if ((status === 'failed' || status === 'window_closed' || status === 'unpaid') && pgMessage) {
      result.appendChild(element('p', { class: 'result-pg-message', text: pgMessage }));
    }
    var rows = [];
    if (answer.merchant_uid) rows.push([text.order_number, answer.merchant_uid]);
    if ((status === 'paid' || status === 'awaiting_deposit' || status === 'subscribed') && typeof answer.amount === 'number') {
      rows.push([text.amount_paid, money(answer.amount)]);
    }
    if (status === 'subscribed' && subscription) {
      rows.push([text.subscription_interval, subscriptionInterval(subscription)]);
      rows.push([text.subscription_amount, money(subscription.amount)]);
      if (subscription.next_charge_at) rows.push([text.next_charge, formatDate(subscription.next_charge_at)]);
    }
    if (status === 'awaiting_deposit' && answer.vbank) {
      rows.push([text.vbank_bank, answer.vbank.bank]);
      rows.push([text.vbank_number, answer.vbank.number]);
      if (answer.vbank.holder) rows.push([text.vbank_holder, answer.vbank.holder]);
      if (answer.vbank.due) rows.push([text.vbank_due, new Date(answer.vbank.due * 1000).toLocaleString(language === 'en' ? 'en-US' : 'ko-KR')]);
    }
    if (rows.length) result.appendChild(detailList(rows));
    if (status === 'subscribed' && answer.manage_token) {
      // The token travels in the fragment, which browsers never send to a server.
      result.appendChild(element('p', {}, [element('a', { class: 'button primary', 'data-manage-link': '',
        href: config.subscription_url + '#' + answer.manage_token, text: text.manage_link })]));
      result.appendChild(element('p', { class: 'hint', text: text.manage_link_note }));
    }
    if (status === 'paid' || status === 'awaiting_deposit' || status === 'subscribed') appendItems(result, answer.items);
    if (retry && (status === 'error' || status === 'network_error' || answer.ok === false)) {
      var button = element('button', { type: 'button', class: 'button', text: text.retry });
      button.addEventListener('click', retry);
      result.appendChild(button);
    }
  }

  /** The result page, also Iamport's m_redirect_url: imp_uid, merchant_uid and imp_success/success (or neither). */
  function setUpCompletePage() {
    var result = document.querySelector('[data-complete]');
    if (!result) return;
    var query = new URLSearchParams(root.location.search);
    if (config.provider === 'portone') {
      // V2's redirect: ?paymentId=… (older pages: payment_id), with code and message when the window failed.
      var paymentID = query.get('paymentId') || query.get('payment_id');
      if (!paymentID) { showResult(result, { ok: false, status: 'window_closed' }, query.get('message')); return; }
      verifyAndShow(result, { payment_id: paymentID }, 'GET', query.get('code') ? query.get('message') : null);
      return;
    }
    var impUID = query.get('imp_uid');
    var merchantUID = query.get('merchant_uid');
    var pgMessage = query.get('error_msg');
    if (!impUID) {
      showResult(result, { ok: false, status: 'window_closed', merchant_uid: merchantUID || undefined }, pgMessage);
      return;
    }
    verifyAndShow(result, { imp_uid: impUID, merchant_uid: merchantUID || '' }, 'GET', pgMessage);
  }

  // ----- 비회원 주문조회: an order by its number and the phone it was placed with (the function's /order)

  function lookupState(order) {
    if (order.status === 'paid' && order.shipment) return text.state_shipped;
    if (order.status === 'rejected' && order.refunded) return text.state_refunded;
    return text['state_' + order.status] || order.status;
  }

  function showLookup(result, order) {
    result.textContent = '';
    result.className = 'result lookup-result result-' + order.status;
    var locale = language === 'en' ? 'en-US' : 'ko-KR';
    var rows = [[text.lookup_order_number, order.number], [text.lookup_status, lookupState(order)],
      [text.lookup_ordered_at, new Date(order.ordered_at * 1000).toLocaleString(locale)],
      [text.amount_paid, money(order.amount)]];
    if (order.cancelled_amount) rows.push([text.lookup_cancelled, money(order.cancelled_amount)]);
    if (order.vbank) {
      rows.push([text.vbank_bank, order.vbank.bank], [text.vbank_number, order.vbank.number]);
      if (order.vbank.holder) rows.push([text.vbank_holder, order.vbank.holder]);
      if (order.vbank.due) rows.push([text.vbank_due, new Date(order.vbank.due * 1000).toLocaleString(locale)]);
    }
    if (order.shipment) {
      if (order.shipment.carrier_name) rows.push([text.lookup_carrier, order.shipment.carrier_name]);
      if (order.shipment.tracking) rows.push([text.lookup_tracking, order.shipment.tracking]);
    }
    result.appendChild(detailList(rows));
    if (order.shipment && /^https:\/\//.test(order.shipment.tracking_url || '')) {
      result.appendChild(element('p', {}, [element('a', { class: 'button', href: order.shipment.tracking_url,
        target: '_blank', rel: 'noopener', text: text.lookup_track, 'data-tracking-link': '' })]));
    }
    appendItems(result, order.items);
  }

  function setUpOrderLookup() {
    var form = document.querySelector('[data-order-lookup]');
    var result = document.querySelector('[data-lookup-result]');
    if (!form || !result) return;
    var number = new URLSearchParams(root.location.search).get('order');
    if (number) form.elements.order.value = number;
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var order = form.elements.order.value.trim();
      var phone = form.elements.phone.value.trim();
      if (!order) { form.elements.order.focus(); return; }
      if (!phone) { form.elements.phone.focus(); return; }
      var button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      result.hidden = false;
      result.className = 'result lookup-result';
      result.textContent = text.lookup_checking;
      fetch(actionURL('order'), {
        method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ order: order, phone: phone })
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (response.ok && answer.order) { showLookup(result, answer.order); return; }
          result.className = 'result lookup-result result-error';
          var message = response.status === 429 ? text.lookup_too_many
            : response.status === 404 ? text.lookup_not_found : text.status_error;
          result.textContent = '';
          result.appendChild(element('p', { class: 'result-message', role: 'alert', text: message }));
        });
      }).catch(function () {
        result.className = 'result lookup-result result-error';
        result.textContent = text.status_error;
      }).then(function () { button.disabled = false; });
    });
  }

  // ----- 정기배송 관리: the buyer's subscription by the token in the URL fragment (the function's /subscription)

  function manageSubscription(token, cancel) {
    var body = cancel ? { manage_token: token, cancel: true } : { manage_token: token };
    return fetch(actionURL('subscription'), {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.ok && answer.subscription) return answer.subscription;
        throw new Error(response.status === 404 ? 'not_found' : 'error');
      });
    });
  }

  function showManageError(panel, error) {
    panel.className = 'result subscription-manage result-error';
    panel.textContent = '';
    var message = error === 'no_token' ? text.manage_no_token
      : error && error.message === 'not_found' ? text.manage_not_found : text.status_error;
    panel.appendChild(element('p', { class: 'result-message', role: 'alert', text: message }));
  }

  function showSubscription(panel, token, subscription, message) {
    panel.className = 'result subscription-manage result-' + subscription.status;
    panel.textContent = '';
    if (message) panel.appendChild(element('p', { class: 'result-message', role: 'status', text: message }));
    var rows = [[text.subscription_state, text['sub_state_' + subscription.status] || subscription.status],
      [text.subscription_interval, subscriptionInterval(subscription)],
      [text.subscription_amount, money(subscription.amount)]];
    if (subscription.next_charge_at) rows.push([text.next_charge, formatDate(subscription.next_charge_at)]);
    rows.push([text.subscription_since, formatDate(subscription.created_at)]);
    panel.appendChild(detailList(rows, { 'data-subscription-details': '' }));
    appendItems(panel, subscription.items);
    if (Array.isArray(subscription.charges) && subscription.charges.length) {
      panel.appendChild(element('h2', { text: text.subscription_charges }));
      panel.appendChild(element('ul', { class: 'result-items subscription-charges' }, subscription.charges.map(function (charge) {
        return element('li', { text: formatDate(charge.at) + ' · ' + charge.number + ' · ' + money(charge.amount) + ' · ' +
          (text['state_' + charge.status] || charge.status) });
      })));
    }
    if (subscription.status !== 'active' && subscription.status !== 'pending') return;
    var cancel = element('button', { type: 'button', class: 'button', 'data-cancel-subscription': '', text: text.cancel_subscription });
    var area = element('div', { class: 'subscription-cancel' }, [cancel]);
    panel.appendChild(area);
    cancel.addEventListener('click', function () {
      // Ask once more: cancelling cannot be undone (the billing key is deleted).
      var yes = element('button', { type: 'button', class: 'button primary', 'data-confirm-cancel': '', text: text.cancel_yes });
      var no = element('button', { type: 'button', class: 'button', text: text.cancel_no });
      area.textContent = '';
      area.appendChild(element('p', { role: 'alert', text: text.cancel_confirm }));
      area.appendChild(element('p', { class: 'buy-actions' }, [yes, no]));
      yes.focus();
      no.addEventListener('click', function () { showSubscription(panel, token, subscription); });
      yes.addEventListener('click', function () {
        yes.disabled = no.disabled = true;
        manageSubscription(token, true).then(function (ended) {
          showSubscription(panel, token, ended, ended.status === 'cancelled' ? text.subscription_cancelled : null);
        }).catch(function (error) { showManageError(panel, error); });
      });
    });
  }

  function setUpSubscriptionPage() {
    var panel = document.querySelector('[data-subscription-manage]');
    if (!panel) return;
    function show() {
      var token = root.location.hash.replace(/^#/, '');
      if (!/^[A-Za-z0-9]{64}$/.test(token)) { showManageError(panel, 'no_token'); return; }
      panel.className = 'result subscription-manage';
      panel.textContent = text.manage_checking;
      manageSubscription(token, false).then(function (subscription) { showSubscription(panel, token, subscription); })
        .catch(function (error) { showManageError(panel, error); });
    }
    // A link pasted into this tab changes only the fragment: no new page load.
    root.addEventListener('hashchange', show);
    show();
  }

  // ----- the search box on every page, and the search page

  var searchIndexPromise = null;
  function loadSearchIndex() {
    if (!searchIndexPromise) {
      searchIndexPromise = fetchShopJSON(config.search_url).then(searchEntries)
        .catch(function (error) { searchIndexPromise = null; throw error; });
    }
    return searchIndexPromise;
  }

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
    var input = form.querySelector('[data-search-input]');
    var panel = form.querySelector('[data-search-results]');
    var status = form.querySelector('[data-search-status]');
    var isPage = form.hasAttribute('data-search-page');
    var limit = isPage ? Infinity : 8;
    var shown = '';

    function close() { if (!isPage) panel.hidden = true; }

    function render(entries, query) {
      shown = query;
      panel.textContent = '';
      if (!query.trim()) { close(); status.textContent = ''; return; }
      var hits = searchProducts(entries, query);
      var count = String(form.getAttribute('data-count') || '{n}').replace('{n}', hits.length);
      status.textContent = hits.length ? count : form.getAttribute('data-none');
      if (hits.length === 0) {
        panel.appendChild(element('p', { class: 'search-empty', text: form.getAttribute('data-none') }));
      } else {
        panel.appendChild(element('ul', {}, hits.slice(0, limit).map(hitElement)));
        if (hits.length > limit && form.getAttribute('data-more')) {
          var more = new URL(form.getAttribute('action'), root.location.href);
          more.searchParams.set('q', query);
          panel.appendChild(element('a', { class: 'search-more', href: more.pathname + more.search,
            text: form.getAttribute('data-more') + ' (' + count + ')' }));
        }
      }
      panel.hidden = false;
    }

    function update() {
      var query = input.value;
      if (query === shown) return;
      loadSearchIndex().then(function (entries) { if (input.value === query) render(entries, query); })
        .catch(function () { status.textContent = text.status_error || ''; });
    }

    input.addEventListener('input', update);
    input.addEventListener('focus', function () { loadSearchIndex().catch(function () {}); });
    // Arrow keys move between the input and the results; Escape closes the list.
    form.addEventListener('keydown', function (event) {
      var links = Array.prototype.slice.call(panel.querySelectorAll('a'));
      var at = links.indexOf(document.activeElement);
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
      document.addEventListener('click', function (event) { if (!form.contains(event.target)) close(); });
    } else {
      var query = new URLSearchParams(root.location.search).get('q') || '';
      input.value = query;
      if (query) update();
    }
  }

  function setUpSearchForms() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-search]'), setUpSearch);
  }

  function start() {
    showCartCount();
    setUpSearchForms();
    setUpProductPage();
    setUpCartPage();
    setUpCompletePage();
    setUpOrderLookup();
    setUpSubscriptionPage();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})(typeof window !== 'undefined' ? window : globalThis);
