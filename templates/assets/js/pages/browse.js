/* Entry of the pages without checkout code: home, categories, tags, content pages, search, 404. */
import { startCommon } from '../common.js';
import { whenReady } from '../page.js';

whenReady(startCommon);
