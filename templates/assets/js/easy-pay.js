/*
 * The easy-pay buttons (카카오페이, 네이버페이, 토스페이; shop.yml easy_pay): what each provider's request needs
 * beyond an ordinary payment. Pure: no DOM; Node imports it for the tests.
 */

/** The brand of a button (`kakaopay`) as PortOne V2 names the provider (`KAKAOPAY`). */
export function easyPayProvider(brand) {
  return String(brand).toUpperCase();
}

/**
 * 네이버페이's product list (`naverProducts`, its `productItems`): without it a shop does not pass Naver's review.
 * One entry per cart line, a physical product (`PRODUCT` / `GENERAL`), the SKU as its id; lines of one product
 * with different options are one entry each, under the SKU and the options.
 */
export function naverProducts(items, catalog) {
  return items.map((item) => {
    const product = (catalog.products || []).find((entry) => entry.sku === item.sku) || {};
    const options = Object.keys(item.options || {}).map((name) => item.options[name]);
    return {
      categoryType: 'PRODUCT', categoryId: 'GENERAL',
      uid: item.sku + (options.length ? ':' + options.join('/') : ''),
      name: (product.title || item.sku) + (options.length ? ' (' + options.join(', ') + ')' : ''),
      count: item.quantity
    };
  });
}

/**
 * V1: what `IMP.request_pay` takes for the easy pay `brand` through its own channel `pg`, over `params` (the
 * ordinary request): the channel, `card` as the method (each brand's docs), no escrow (a cash method's option),
 * and for 네이버페이 its product list, the first product as the order name (Naver adds "외 N개" itself) and its
 * popup on a wide screen.
 */
export function iamportEasyPay(params, brand, pg, { items, catalog, popup }) {
  const request = Object.assign({}, params, { pg, pay_method: 'card' });
  delete request.escrow;
  delete request.vbank_due;
  delete request.digital;
  if (brand === 'naverpay') {
    request.naverProducts = naverProducts(items, catalog);
    request.name = request.naverProducts[0] ? request.naverProducts[0].name.slice(0, 40) : request.name;
    request.naverPopupMode = Boolean(popup);
  }
  return request;
}
