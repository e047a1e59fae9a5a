// The dashboard shell against the real server and the real built app:
// sign-in, live counts, the error state, and how the app is served.
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, screenshot, signIn, VIEWPORT, watchConsole } from './support/browser.mjs';
import { MANAGER, startServer } from './support/server.mjs';
import { customerWrites } from './support/whatsapp.mjs';

const TABS = ['Active', 'Requesting', 'Intervened', 'Closed', 'History'];

/** [[label, count], …] of the five tabs as shown. */
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

  test('a fresh server shows the five tabs with zero counts and no console errors', async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    // Before sign-in, /api/me answers 401 by design; watch from then on.
    await signIn(page, server.url, MANAGER);
    const errors = watchConsole(page);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.tab-count')].every((el) => el.textContent === '0'));

    assert.deepEqual(await tabsOf(page), TABS.map((label) => [label, '0']));
    assert.equal(await page.locator('.brand-name').textContent(), 'Handover');
    assert.match(await page.locator('.sidebar .empty').textContent(), /No chats in Requesting right now/);
    await page.locator('.live-indicator:not(.down)').waitFor();
    await screenshot(page, 'dashboard-empty');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('counts follow customers live, section by section', async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, server.url, MANAGER);
    const errors = watchConsole(page);
    await page.locator('.live-indicator:not(.down)').waitFor();

    await customerWrites(server.url, '919800000001', 'Anil', 'Hello');
    await customerWrites(server.url, '919800000002', 'Bala', 'Hi there');
    await customerWrites(server.url, '919800000003', 'Chitra', 'I need a human');
    await customerWrites(server.url, '919800000004', 'Dev', 'Old question', 25 * 3600);

    // The events of the four arrive over a few frames: wait for the last
    // (Dev, in History), then every tab must show its count.
    await page.locator('[data-status=active] .tab-count', { hasText: '2' }).waitFor();
    await page.getByRole('tab', { name: /History/ }).locator('.tab-count', { hasText: '1' }).waitFor();
    assert.deepEqual(await tabsOf(page), [['Active', '2'], ['Requesting', '1'], ['Intervened', '0'], ['Closed', '0'], ['History', '1']]);
    assert.equal(await page.locator('.chat-row .chat-name').allTextContents().then((names) => names.join()), 'Chitra');

    await page.getByRole('tab', { name: /History/ }).click();
    await page.locator('.chat-row', { hasText: 'Dev' }).waitFor();
    assert.equal(await page.locator('.chat-row .window-left').first().textContent(), 'Window closed');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('when the API fails the page says so plainly', async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.route('**/api/sections', (route) => route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'database_unavailable', message: 'The database did not answer.' } }),
    }));
    await signIn(page, server.url, MANAGER);
    const banner = page.getByRole('alert');
    await banner.waitFor();
    assert.match(await banner.textContent(), /The database did not answer\. \(HTTP 503\)/);
    await screenshot(page, 'dashboard-error');
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
    // The page may run its own start-up script, and keeps that policy when
    // it is reused from the cache.
    const policy = index.headers.get('content-security-policy');
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/);
    assert.equal(revalidated.headers.get('content-security-policy'), policy);

    const clientRoute = await fetch(`${server.url}/chats/919800000001`);
    assert.equal(clientRoute.status, 200);
    assert.equal(await clientRoute.text(), html);

    assert.equal((await fetch(`${server.url}/missing-file.js`)).status, 404);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);

    // The managers' screens are their own page, loaded only when opened.
    const manage = await fetch(`${server.url}/manage/users`).then((r) => r.text());
    assert.notEqual(manage, html);
    assert.match(manage, /handover-manage-[0-9a-f]+_bg\.wasm/);

    // Precompressed copies are sent as the browser accepts them.
    const raw = (accept) => new Promise((resolve, reject) => {
      get(`${server.url}/${wasmPath}`, { headers: accept ? { 'accept-encoding': accept } : {} }, (response) => {
        let size = 0;
        response.on('data', (chunk) => { size += chunk.length; });
        response.on('end', () => resolve({ encoding: response.headers['content-encoding'], vary: response.headers.vary, size }));
      }).on('error', reject);
    });
    const [plain, gzip, brotli] = await Promise.all([raw(''), raw('gzip, deflate'), raw('gzip, deflate, br, zstd')]);
    assert.equal(plain.encoding, undefined);
    assert.equal(gzip.encoding, 'gzip');
    assert.equal(brotli.encoding, 'br');
    assert.equal(brotli.vary, 'accept-encoding');
    assert.ok(brotli.size < gzip.size && gzip.size < plain.size / 2, `${brotli.size} < ${gzip.size} < ${plain.size}/2`);
  });

  test('a first visit downloads less than 400 KB before the sign-in form shows', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const sizes = [];
    page.on('requestfinished', async (request) => {
      const { responseBodySize, responseHeadersSize } = await request.sizes();
      sizes.push(responseBodySize + responseHeadersSize);
    });
    await page.goto(server.url);
    await page.getByLabel('E-mail').waitFor();
    await page.waitForLoadState('networkidle');
    const total = sizes.reduce((sum, size) => sum + size, 0);
    console.log(`first load: ${sizes.length} requests, ${(total / 1024).toFixed(0)} KB transferred`);
    assert.ok(total < 400 * 1024, `${(total / 1024).toFixed(0)} KB`);
    await context.close();
  });
});
