/*
 * What every page's script shares: the shop's settings and interface text embedded in the page (JSON in
 * <script id="gage-checkout"> and <script id="gage-text">), element building, and the verify function's URLs.
 */
import { formatDate, formatDateTime, formatMoney, intervalLabel } from './format.js';

/** The JSON inside `<script id=… type="application/json">`, or null. */
export function readJSON(id) {
  const element = document.getElementById(id);
  if (!element) return null;
  try { return JSON.parse(element.textContent); } catch (error) { return null; }
}

/** shop.yml's checkout settings, as SiteContext embeds them. */
export const config = readJSON('gage-checkout') || {};
/** The interface text (only pages that run checkout code carry it). */
export const text = readJSON('gage-text') || {};
export const language = config.language || 'ko';
/** Keys of this shop's entries in the browser's storage (two shops on one host keep theirs apart). */
export const storageScope = config.base_path || '/';

export const money = (amount) => formatMoney(amount, language);
export const date = (unixSeconds) => formatDate(unixSeconds, language);
export const dateTime = (unixSeconds) => formatDateTime(unixSeconds, language);
export const interval = (value) => intervalLabel(value, text);

/** `<tag attributes…>children</tag>`; the attribute `text` sets the text content. */
export function element(tag, attributes, children) {
  const node = document.createElement(tag);
  Object.keys(attributes || {}).forEach((name) => {
    if (name === 'text') node.textContent = attributes[name];
    else node.setAttribute(name, attributes[name]);
  });
  (children || []).forEach((child) => { if (child) node.appendChild(child); });
  return node;
}

/** The verify function's URL for `action` (prepare, identity, order, …), with `query` parameters. */
export function actionURL(action, query) {
  const url = new URL(config.verify_url, window.location.href);
  if (action) url.pathname = url.pathname.replace(/\/$/, '') + '/' + action;
  if (query) Object.keys(query).forEach((key) => { url.searchParams.set(key, query[key]); });
  return url.toString();
}

/** POSTs `body` as JSON to the function's `action`; resolves with the fetch Response. */
export function postJSON(action, body, accept = true) {
  const headers = accept ? { 'Content-Type': 'application/json', Accept: 'application/json' } : { 'Content-Type': 'application/json' };
  return fetch(actionURL(action), { method: 'POST', headers, body: JSON.stringify(body) });
}

/** A JSON file of the built shop, fresh (a rebuild may have changed it since the page was cached). */
export function fetchShopJSON(url) {
  return fetch(url, { cache: 'no-cache' }).then((response) => {
    if (!response.ok) throw new Error(url + ' ' + response.status);
    return response.json();
  });
}

/** What this tab left under `key` before leaving for a provider's window, read once (null when nothing). */
export function takeSessionValue(key) {
  try {
    const value = JSON.parse(window.sessionStorage.getItem(key) || 'null');
    window.sessionStorage.removeItem(key);
    return value;
  } catch (error) { return null; }
}

/** Runs `start` once the document is parsed (module scripts usually run then already). */
export function whenReady(start) {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}
