/*
 * The sharded search index as the search box fetches it: the manifest (search-index/manifest.json, revalidated:
 * it names each file by its content's hash), then only the shards holding a query's keys and the blocks holding
 * the hits shown. A file's name changes with its content, so files are cached as they are; each is fetched once
 * per page.
 */
import { collectLists, planQuery, planShards, rankHits } from './search-shards.js';

/** `fetching`: the manifest, when its fetch was started already. */
export function openSearchIndex(manifestURL, fetching) {
  let manifest = null;
  const files = new Map();

  function fetchJSON(url, options) {
    return fetch(url, options).then((response) => {
      if (!response.ok) throw new Error(url + ' ' + response.status);
      return response.json();
    });
  }

  function loadManifest() {
    if (!manifest) {
      manifest = (fetching || fetchJSON(manifestURL, { cache: 'no-cache' })).then((found) => ({
        ...found, folder: new URL('./', new URL(manifestURL, window.location.href)).href
      }));
      fetching = null;
      manifest.catch(() => { manifest = null; });
    }
    return manifest;
  }

  function file(index, name) {
    const url = index.folder + name;
    if (!files.has(url)) {
      files.set(url, fetchJSON(url));
      files.get(url).catch(() => files.delete(url));
    }
    return files.get(url);
  }

  /** Runs `work` against the manifest; once more with a fresh one if a file of its build is gone (the shop was
   * published again while the page was open). */
  function withIndex(work) {
    return loadManifest().then(work).catch(() => {
      manifest = null;
      return loadManifest().then(work);
    });
  }

  return {
    /** Starts fetching the manifest (on focus, before the first key). */
    prepare() { return loadManifest(); },

    /** The numbers of the products `query` finds, best first. */
    search(query) {
      const plan = planQuery(query);
      if (plan.words.length === 0) return Promise.resolve([]);
      return withIndex((index) => {
        const shards = planShards(plan, index.shards.length);
        return Promise.all(shards.map((shard) => file(index, 's' + shard + '.' + index.shards[shard] + '.json'))).then((loaded) => {
          const lists = collectLists(plan, index.shards.length, (shard) => loaded[shards.indexOf(shard)]);
          return rankHits(plan, lists, index.products);
        });
      });
    },

    /** What the hits show: { title, url, price, summary } for each product number. */
    entries(hits) {
      return withIndex((index) => {
        const blocks = [...new Set(hits.map((hit) => Math.floor(hit / index.block)))];
        return Promise.all(blocks.map((block) => file(index, 'r' + block + '.' + index.blocks[block] + '.json'))).then((loaded) => hits.map((hit) => {
          const row = loaded[blocks.indexOf(Math.floor(hit / index.block))][hit % index.block];
          return { title: row[0], url: row[1], price: row[2], summary: row[3] };
        }));
      });
    }
  };
}
