/* Entry of the result page (checkout/complete/). */
import { startCommon } from '../common.js';
import { setUpCompletePage } from '../complete-page.js';
import { whenReady } from '../page.js';

whenReady(() => { startCommon(); setUpCompletePage(); });
