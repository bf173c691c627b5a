/*
 * For a shop whose own templates/base.mustache predates the checkout modules (it loads {{site.js_url}}, this
 * file, as a classic script): starts the page's entry module, picked by what the page holds, from the modules'
 * folder assets/js/<v>/ (v: the fingerprint in this script's address). The built-in base.mustache names the
 * entry itself (<script type="module" src="{{script_url}}">) and never loads this file.
 */
(function () {
  'use strict';
  var entries = [['[data-buy-form]', 'product'], ['[data-cart]', 'cart'], ['[data-complete]', 'complete'],
    ['[data-order-lookup]', 'lookup'], ['[data-subscription-manage]', 'subscription']];
  var script = document.currentScript;
  if (!script) return;
  var here = new URL(script.src);
  var folder = 'js/' + here.searchParams.get('v') + '/pages/';
  function start() {
    var entry = 'browse';
    for (var i = 0; i < entries.length; i++) {
      if (document.querySelector(entries[i][0])) { entry = entries[i][1]; break; }
    }
    import(new URL(folder + entry + '.js', here).href);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
