// Demo mode in a real browser: the seeded shop fills every section, and a
// person writes as a customer (an existing one, then a new one) through the
// webhook pipeline, seeing the bot answer and the counters move live.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, screenshot, signIn, VIEWPORT, watchConsole } from './support/browser.mjs';
import { MANAGER, startServer } from './support/server.mjs';

const tabCount = (page, status) => page.locator(`[data-status=${status}] .tab-count`);

describe('demo mode', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({ args: ['--demo'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the start-up line tells a newcomer what was seeded and how the demo agent signs in', () => {
    const printed = server.output.join('\n');
    assert.match(printed, /Demo mode: seeded the Bloom & Petal flower shop with its bot and 8 customers\./);
    assert.match(printed, /asha@demo\.handover\.local with password handover-agent/);
  });

  test('a person writes as a waiting customer and as a new one, and the bot answers live', async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, server.url, MANAGER);
    const errors = watchConsole(page);

    // Every section has chats, with exact counts.
    const expected = { active: '3', requesting: '2', intervened: '1', closed: '1', history: '1' };
    for (const [status, count] of Object.entries(expected)) {
      await tabCount(page, status).filter({ hasText: new RegExp(`^${count}$`) }).waitFor();
    }
    await page.locator('.chat-row', { hasText: 'Karan Mehta' }).waitFor();
    await page.locator('.chat-row', { hasText: 'Ananya Iyer' }).click();
    await page.locator('.bubble[data-author=user]', { hasText: 'I want a refund for order #4471' }).waitFor();
    await screenshot(page, 'demo-requesting');

    // Write as Karan, who waits for an agent: the bot tells him his place in
    // the queue once, and keeps quiet after that.
    await page.locator('.chat-row', { hasText: 'Karan Mehta' }).click();
    await page.locator('.chat-title h2', { hasText: 'Karan Mehta' }).waitFor();
    const asCustomer = page.getByRole('textbox', { name: 'Write as the customer' });
    assert.match(await asCustomer.getAttribute('placeholder'), /Write as Karan Mehta/);
    await asCustomer.fill('What are your opening hours?');
    await page.getByRole('button', { name: 'Send as customer' }).click();
    await page.locator('.bubble[data-author=user]', { hasText: 'What are your opening hours?' }).waitFor();
    await page.locator('.bubble[data-author=bot]', { hasText: "You're number 2 in line" }).waitFor();
    assert.equal(await asCustomer.inputValue(), '', 'the field empties once the message is in');
    await asCustomer.fill('Hello? Anyone?');
    await page.getByRole('button', { name: 'Send as customer' }).click();
    await page.locator('.chat-row', { hasText: 'Karan Mehta' }).locator('.chat-preview', { hasText: 'Hello? Anyone?' }).waitFor();
    assert.equal(await page.locator('.bubble[data-author=bot]', { hasText: 'in line' }).count(), 1, 'one holding message');
    await tabCount(page, 'requesting').filter({ hasText: /^2$/ }).waitFor();
    await screenshot(page, 'demo-write-as-customer');

    // A new customer with a bad number: the problem is shown by the field.
    await page.getByRole('button', { name: 'New customer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Write as a new customer' });
    await dialog.getByLabel('Name').fill('Nikhil Rao');
    await dialog.getByLabel('WhatsApp number').fill('12');
    await dialog.getByLabel('First message').fill('Can I talk to an agent about a wedding order?');
    await dialog.getByRole('button', { name: 'Send as customer' }).click();
    await dialog.locator('.field-error', { hasText: 'country code' }).waitFor();
    await screenshot(page, 'demo-new-customer-refused');

    // Fixed: the chat opens in its section, Requesting, with the bot's hand-over notice.
    await dialog.getByLabel('WhatsApp number').fill('919811122233');
    await dialog.getByRole('button', { name: 'Send as customer' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.chat-title h2', { hasText: 'Nikhil Rao' }).waitFor();
    await page.locator('.bubble[data-author=bot]', { hasText: 'connecting you with a member of our team' }).waitFor();
    await page.locator('.chat-row.selected', { hasText: 'Nikhil Rao' }).waitFor();
    assert.equal(await page.locator('.section-tab.selected').getAttribute('data-status'), 'requesting');
    await tabCount(page, 'requesting').filter({ hasText: /^3$/ }).waitFor();
    await page.locator('.profile-card', { hasText: 'Organic' }).waitFor();
    await screenshot(page, 'demo-new-customer');

    // Only the deliberate refusal (422) reached the console.
    assert.deepEqual(errors.filter((error) => !error.includes('422')), []);
    await page.close();
  });
});
