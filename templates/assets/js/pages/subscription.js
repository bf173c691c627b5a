/* Entry of the 정기배송 manage page (subscription/). */
import { startCommon } from '../common.js';
import { whenReady } from '../page.js';
import { setUpSubscriptionPage } from '../subscription-manage.js';

whenReady(() => { startCommon(); setUpSubscriptionPage(); });
