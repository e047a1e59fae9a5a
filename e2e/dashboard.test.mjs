// Working all day in the dashboard: keyboard shortcuts, the help overlay,
// alerts when a customer starts waiting, and the layout at 1024 wide.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, screenshot, signIn, VIEWPORT } from './support/browser.mjs';
import { MANAGER, startServer } from './support/server.mjs';
import { customerWrites } from './support/whatsapp.mjs';

describe('dashboard ergonomics', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await customerWrites(server.url, '919811111111', 'Kavya', 'agent please', 120);
    await customerWrites(server.url, '919822222222', 'Rohan', 'I want a human', 60);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('j and k move through the list, i intervenes, / searches, ? shows help and Esc closes it', async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, server.url, MANAGER);
    await page.locator('.chat-row').nth(1).waitFor();
    const order = await page.locator('.chat-row .chat-name').allTextContents();

    await page.keyboard.press('j');
    await page.locator('.chat-title h2', { hasText: order[0] }).waitFor();
    await page.keyboard.press('j');
    await page.locator('.chat-title h2', { hasText: order[1] }).waitFor();
    await page.keyboard.press('k');
    await page.locator('.chat-title h2', { hasText: order[0] }).waitFor();

    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Search customers by name, number or message');
    await page.keyboard.type('Rohan');
    await page.locator('.search-result', { hasText: 'Rohan' }).waitFor();
    assert.deepEqual(await page.locator('.search-result .chat-name').allTextContents(), ['Rohan']);
    // Escape clears the search and gives the keys back to the list.
    await page.keyboard.press('Escape');
    await page.locator('.chat-row', { hasText: 'Kavya' }).waitFor();
    assert.equal(await page.locator('.search-result').count(), 0);
    await page.keyboard.press('j');
    await page.locator('.chat-title h2', { hasText: order[1] }).waitFor();
    // The title shows at once from the list; i acts once the profile is in.
    await page.locator('.profile-name', { hasText: order[1] }).waitFor();

    await page.keyboard.press('i');
    await page.locator('[data-parameter=status] dd', { hasText: 'Intervened' }).waitFor();
    assert.match(page.url(), new RegExp(`/chats/\\d+$`), 'the open chat is in the address bar');
    // The cursor is in the reply box: a ? there is a question mark; Escape
    // leaves the box and gives the keys back.
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Message');
    await page.keyboard.press('Escape');

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    assert.equal(await help.locator('.shortcut').count(), 7);
    await screenshot(page, 'shortcuts-help');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    await page.close();
  });

  test('a customer who starts waiting is announced, with a notification and sound the agent can switch off', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    await context.grantPermissions(['notifications'], { origin: server.url });
    // Record what the page asks the real Notification API to show.
    await context.addInitScript(() => {
      const Real = window.Notification;
      window.shownNotifications = [];
      window.Notification = class extends Real {
        constructor(title, options) {
          super(title, options);
          window.shownNotifications.push({ title, body: options?.body });
        }
      };
    });
    const page = await context.newPage();
    await signIn(page, server.url, MANAGER);
    await page.locator('.live-indicator:not(.down)').waitFor();
    // What is announced is a rise in the waiting count, so the count must
    // be known first (on a busy machine the stream can open before it is).
    await page.locator('.section-tab[data-status=requesting] .tab-count').filter({ hasText: /^\d+$/ }).waitFor();

    const bell = page.getByRole('button', { name: /Notifications (on|off)/ });
    assert.equal(await bell.getAttribute('aria-pressed'), 'false', 'notifications start off');
    await bell.click();
    await page.getByRole('button', { name: 'Notifications on' }).waitFor();

    await customerWrites(server.url, '919833333333', 'Meghna', 'Talk to an agent');
    await page.locator('.sr-only[role=status]', { hasText: 'Meghna is waiting for an agent.' }).waitFor();
    const shown = await page.evaluate(() => window.shownNotifications);
    assert.deepEqual(shown, [{ title: 'Handover: a customer is waiting', body: 'Meghna is waiting for an agent.' }]);

    const sound = page.getByRole('button', { name: /Sound (on|off)/ });
    assert.equal(await sound.getAttribute('aria-pressed'), 'true', 'sound starts on');
    await sound.click();
    await page.reload();
    await page.getByRole('button', { name: 'Sound off' }).waitFor();
    await page.getByRole('button', { name: 'Notifications on' }).waitFor();
    await context.close();
  });

  test('everything fits at 1280 and still at 1024 pixels wide', async () => {
    for (const width of [1280, 1024]) {
      const page = await browser.newPage({ viewport: { width, height: 768 } });
      await signIn(page, server.url, MANAGER);
      await page.locator('.chat-row').first().click();
      await page.locator('.profile-card').waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no horizontal scrolling at ${width} (overflow ${overflow}px)`);
      const parts = {
        ...Object.fromEntries(['.chat-actions', '.composer', '.profile-card', '.section-tabs', '.me'].map((selector) => [selector, page.locator(selector)])),
        'the Manage menu': page.getByRole('button', { name: 'Manage' }),
        'Sign out': page.getByRole('button', { name: 'Sign out' }),
      };
      for (const [name, part] of Object.entries(parts)) {
        const box = await part.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= width, `${name} fits on screen at ${width}`);
      }
      assert.ok(await page.locator('.manage-text').isVisible(), `the Manage menu says so at ${width}`);
      await screenshot(page, `dashboard-${width}`);
      await page.close();
    }
  });
});
