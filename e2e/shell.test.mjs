// The dashboard shell against the real server and the real built app.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, screenshot, signIn, VIEWPORT, watchConsole } from './support/browser.mjs';
import { insertUsers } from './support/seed.mjs';
import { MANAGER, startServer } from './support/server.mjs';

const SECTIONS = ['Active', 'Requesting', 'Intervened', 'Closed'];

/** [[label, count], …] of the four tabs as shown. */
async function tabsOf(page) {
  return page.locator('[role=tab]').evaluateAll((tabs) =>
    tabs.map((tab) => [tab.querySelector('.tab-label').textContent, tab.querySelector('.tab-count').textContent]));
}

describe('dashboard shell', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('sign-in refuses a wrong password plainly and opens the dashboard with the right one', async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(server.url);
    await page.getByLabel('E-mail').fill(MANAGER.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const error = page.getByRole('alert');
    await error.waitFor();
    assert.equal(await error.textContent(), 'Wrong e-mail or password.');
    await screenshot(page, 'login-error');

    await page.getByLabel('Password').fill(MANAGER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.me-name').waitFor();
    assert.equal(await page.locator('.me-role').textContent(), 'Manager');

    await page.reload();
    await page.locator('.me-name').waitFor();
    assert.equal(await page.getByLabel('Password').count(), 0, 'the session survives a reload');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Password').waitFor();
    await page.reload();
    await page.getByLabel('Password').waitFor();
    await page.close();
  });

  test('a fresh server shows the four section tabs with zero counts and no console errors', async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    // Before sign-in, /api/me answers 401 by design; watch from then on.
    await signIn(page, server.url, MANAGER);
    const errors = watchConsole(page);
    await page.locator('.tab-count', { hasText: '0' }).first().waitFor();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.tab-count')].every((el) => el.textContent === '0'));

    assert.deepEqual(await tabsOf(page), SECTIONS.map((label) => [label, '0']));
    assert.equal(await page.locator('.brand-name').textContent(), 'Handover');
    assert.equal(await page.locator('.overview-headline').textContent(), 'No chats in Active right now');
    await screenshot(page, 'shell-empty');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('counts come from the database and a tab opens its section', async () => {
    insertUsers(server.databasePath, [
      { wa_id: '919800000001', status: 'active', window: 'open' },
      { wa_id: '919800000002', status: 'active', window: 'open' },
      { wa_id: '919800000003', status: 'requesting', window: 'open' },
      { wa_id: '919800000004', status: 'closed', window: 'open' },
      { wa_id: '919800000005', status: 'closed', window: 'open' },
      { wa_id: '919800000006', status: 'closed', window: 'open' },
      { wa_id: '919800000007', status: 'requesting', window: 'expired' },
      { wa_id: '919800000008', status: 'active', window: 'never' },
    ]);
    const page = await browser.newPage({ viewport: VIEWPORT });
    // Before sign-in, /api/me answers 401 by design; watch from then on.
    await signIn(page, server.url, MANAGER);
    const errors = watchConsole(page);
    await page.locator('[data-status=active] .tab-count', { hasText: '2' }).waitFor();

    assert.deepEqual(await tabsOf(page), [['Active', '2'], ['Requesting', '1'], ['Intervened', '0'], ['Closed', '3']]);
    assert.equal(await page.locator('.overview-headline').textContent(), '2 chats');
    assert.equal(await page.locator('.history-count').textContent(), '2');

    await page.getByRole('tab', { name: /Requesting/ }).click();
    assert.equal(await page.locator('.overview-title').textContent(), 'Requesting');
    assert.equal(await page.locator('.overview-headline').textContent(), '1 chat');
    assert.equal(await page.getByRole('tab', { name: /Requesting/ }).getAttribute('aria-selected'), 'true');
    await screenshot(page, 'shell-requesting');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('when the API fails the page says so plainly and Retry recovers', async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, server.url, MANAGER);
    await page.route('**/api/sections', (route) => route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'database_unavailable', message: 'The database did not answer.' } }),
    }));

    await page.reload();
    const banner = page.getByRole('alert');
    await banner.waitFor();
    assert.match(await banner.textContent(), /The database did not answer\. \(HTTP 503\)/);
    assert.equal(await page.locator('[data-status=active] .tab-count').textContent(), '–');
    assert.equal(await page.locator('.overview-headline').textContent(), 'Counts unavailable');
    await screenshot(page, 'shell-error');

    await page.unroute('**/api/sections');
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.locator('[data-status=closed] .tab-count', { hasText: '3' }).waitFor();
    assert.equal(await banner.count(), 0);
    await page.close();
  });

  test('the app is served with the right content types and caching', async () => {
    const index = await fetch(server.url);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type'), /^text\/html/);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    const html = await index.text();

    const wasmPath = /href="\/?([^"]+_bg\.wasm)"/.exec(html)?.[1];
    assert.ok(wasmPath, 'index.html links the wasm module');
    const wasm = await fetch(`${server.url}/${wasmPath}`);
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    assert.equal(wasm.headers.get('cache-control'), 'public, max-age=31536000, immutable');

    const etag = index.headers.get('etag');
    const revalidated = await fetch(server.url, { headers: { 'if-none-match': etag } });
    assert.equal(revalidated.status, 304);

    const clientRoute = await fetch(`${server.url}/chats/919800000001`);
    assert.equal(clientRoute.status, 200);
    assert.equal(await clientRoute.text(), html);

    assert.equal((await fetch(`${server.url}/missing-file.js`)).status, 404);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });
});
