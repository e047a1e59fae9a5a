// First-message tags in a real browser: a manager adds rules (an invalid
// pattern is refused by field), customers' first messages are tagged, and
// the counts and the profile card show it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { openManaged, screenshot, signIn, VIEWPORT, watchConsole } from './support/browser.mjs';
import { MANAGER } from './support/server.mjs';
import { serverAndBrowser } from './support/suite.mjs';
import { customerWrites } from './support/whatsapp.mjs';

describe('first-message tags', () => {
  const suite = serverAndBrowser();

  test('a manager adds rules, a first message is tagged once, and the count shows it', async () => {
    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(page, suite.server.url, MANAGER);
    const errors = watchConsole(page);
    await openManaged(page, 'First-message tags');
    await page.getByText('No rules yet.').waitFor();

    const form = page.getByRole('form', { name: 'Tag rule' });
    const addRule = async (match, pattern, tag) => {
      await form.getByLabel('Match', { exact: true }).selectOption({ label: match });
      await form.getByLabel('Pattern', { exact: true }).fill(pattern);
      await form.getByLabel('Tag', { exact: true }).fill(tag);
      await form.getByRole('button', { name: 'Add rule' }).click();
    };

    // An invalid regular expression is refused next to its field.
    await addRule('Text matches the pattern', '(?i)order (#', 'Order number');
    await form.locator('.field-error', { hasText: 'not a valid regular expression' }).waitFor();
    await form.getByLabel('Pattern', { exact: true }).fill('(?i)order\\s*#?\\d{4}');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await page.locator('.data-table tr', { hasText: 'Order number' }).waitFor();

    await addRule('Text starts with', 'Hi! I want the Diwali hamper', 'Diwali hamper');
    await page.locator('.data-table tr', { hasText: 'Diwali hamper' }).waitFor();
    assert.deepEqual(
      await page.locator('.data-table tbody tr td:first-child').allTextContents(),
      ['10', '20'],
      'each new rule goes after the others',
    );

    // Customers write; only first messages count.
    await customerWrites(suite.server.url, '919811100001', 'Rohan Das', 'hi!  i want the DIWALI hamper please');
    await customerWrites(suite.server.url, '919811100002', 'Zoya Ali', 'Hello');
    await customerWrites(suite.server.url, '919811100002', 'Zoya Ali', 'Where is order #4471?');

    await openManaged(page, 'First-message tags');
    const diwali = page.locator('.data-table tr', { hasText: 'Diwali hamper' });
    await page.reload();
    await page.locator('.top-bar').waitFor();
    await openManaged(page, 'First-message tags');
    assert.equal((await diwali.locator('.number-cell').textContent()).trim(), '1');
    const orders = page.locator('.data-table tr', { hasText: 'Order number' });
    assert.equal((await orders.locator('.number-cell').textContent()).trim(), '0', 'a second message tags nobody');
    await screenshot(page, 'tags');

    // The profile card shows the tag as First Message.
    await page.getByRole('tab', { name: /Active/ }).click();
    await page.locator('.chat-row', { hasText: 'Rohan Das' }).click();
    await page.locator('.profile-card .parameter', { hasText: 'First Message' }).filter({ hasText: 'Diwali hamper' }).waitFor();

    // The deliberate 422 of the invalid pattern; nothing else.
    assert.deepEqual(errors.filter((error) => !error.includes('422')), []);
    await page.close();
  });
});
