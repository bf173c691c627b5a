/* Entry of the cart page (cart, checkout, 정기배송, 성인인증). */
import { setUpCartPage } from '../cart-page.js';
import { startCommon } from '../common.js';
import { whenReady } from '../page.js';

whenReady(() => { startCommon(); setUpCartPage(); });
