// The set-up most browser suites share: a fresh server and a
// headless Chromium for the suite, both closed after it.
import { after, before } from 'node:test';

import { launchBrowser } from './browser.mjs';
import { startServer } from './server.mjs';

/** Returns `{ server, browser }`, filled in before the suite's tests run. */
export function serverAndBrowser(options) {
  const suite = {};
  before(async () => {
    suite.server = await startServer(options);
    suite.browser = await launchBrowser();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
  });
  return suite;
}
