/* Entry of the order lookup page (orders/lookup/). */
import { startCommon } from '../common.js';
import { setUpOrderLookup } from '../order-lookup.js';
import { whenReady } from '../page.js';

whenReady(() => { startCommon(); setUpOrderLookup(); });
