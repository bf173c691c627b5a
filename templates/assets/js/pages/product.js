/* Entry of a product page. */
import { setUpBuyBar } from '../buy-bar.js';
import { startCommon } from '../common.js';
import { whenReady } from '../page.js';
import { setUpProductPage } from '../product-page.js';

whenReady(() => { startCommon(); setUpProductPage(); setUpBuyBar(); });
