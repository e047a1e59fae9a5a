// The server restarts while agents have the dashboard open, as it does at
// every upgrade: it stops promptly (open live streams do not hold it up),
// the dashboard says it is reconnecting, and when the server is back the
// same page carries on live, still signed in, with nothing missed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, screenshot, signIn, VIEWPORT } from './support/browser.mjs';
import { freePort, MANAGER, startServer } from './support/server.mjs';
import { customerWrites } from './support/whatsapp.mjs';

const KAVYA = '919811111111';

describe('a server restart with dashboards open', () => {
  let server;
  let browser;
  before(async () => {
    server = await startServer({ port: await freePort() });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the server stops at once, the dashboard reconnects by itself and misses nothing', async () => {
    const { url, folder } = server;
    await customerWrites(url, KAVYA, 'Kavya Nair', 'Is my order shipped?');
    const context = await browser.newContext({ viewport: VIEWPORT });
    const pages = [];
    // Two agents' tabs, one in the chat, one on the list.
    for (const path of [`/chats/${KAVYA}`, '/sections/active']) {
      const page = await context.newPage();
      if (pages.length === 0) {
        await signIn(page, url, MANAGER);
      }
      await page.goto(`${url}${path}`);
      await page.locator('.live-indicator:not(.down)').waitFor();
      pages.push(page);
    }
    const [chat, list] = pages;
    await list.setViewportSize({ width: 1024, height: 768 });
    await chat.locator('.bubble', { hasText: 'Is my order shipped?' }).waitFor();

    const stopping = Date.now();
    assert.equal(await server.stop(), 0, 'a stop asked for with SIGTERM is a clean exit');
    const stopMs = Date.now() - stopping;
    assert.ok(stopMs < 5000, `the server took ${stopMs} ms to stop with two live dashboards open`);
    for (const page of pages) {
      await page.locator('.live-indicator.down', { hasText: 'Reconnecting' }).waitFor();
      await page.locator('.reconnecting', { hasText: 'Reconnecting to the server' }).waitFor();
    }
    // Said plainly once the server has been away a moment.
    await chat.waitForFunction(() => getComputedStyle(document.querySelector('.reconnecting')).opacity === '1');
    await screenshot(chat, 'restart-reconnecting');
    await screenshot(list, 'restart-reconnecting-1024');

    // Back on the same address with the same database.
    server = await startServer({ folder, port: new URL(url).port });
    for (const page of pages) {
      await page.locator('.live-indicator:not(.down)', { hasText: 'Live' }).waitFor({ timeout: 15_000 });
      await page.locator('.reconnecting').waitFor({ state: 'detached' });
    }
    await customerWrites(url, KAVYA, 'Kavya Nair', 'Hello? Anyone there after the upgrade?');
    // The open chat shows the new message without a reload, once.
    const latest = chat.locator('.bubble', { hasText: 'Anyone there after the upgrade' });
    await latest.waitFor();
    assert.equal(await latest.count(), 1);
    await list.locator('.chat-row', { hasText: 'Anyone there after the upgrade' }).waitFor();
    // Still signed in: the session outlived the restart.
    assert.equal(await chat.getByLabel('E-mail').count(), 0);
    assert.equal(await chat.locator('.bubble', { hasText: 'Is my order shipped?' }).count(), 1);
    await screenshot(chat, 'restart-back-live');
    await context.close();
  });
});
