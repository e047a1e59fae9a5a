// The Templates page in a real browser: a manager writes a template with a
// live preview filled with sample values, fixes what is refused by field,
// approves it (sandbox review), and copies the approved one to change it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { openManaged, screenshot, signIn, VIEWPORT, watchConsole } from './support/browser.mjs';
import { MANAGER } from './support/server.mjs';
import { serverAndBrowser } from './support/suite.mjs';

describe('templates page', () => {
  const suite = serverAndBrowser();

  test('a manager writes, previews, approves and copies a template', async () => {
    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(page, suite.server.url, MANAGER);
    const errors = watchConsole(page);
    await openManaged(page, 'Templates');
    await page.getByText('No templates yet.').waitFor();

    const form = page.getByRole('form', { name: 'Template' });
    // A name as people write it is offered as WhatsApp wants it.
    await form.getByLabel('Name', { exact: true }).fill('Order Shipped');
    assert.equal(await form.getByLabel('Name', { exact: true }).inputValue(), 'order_shipped');
    // The language is chosen from WhatsApp's list.
    await form.getByLabel('Language').selectOption({ label: 'Hindi (hi)' });
    await form.getByLabel(/^Header/).fill('Your order is on its way');
    await form.getByLabel(/^Body/).fill('Hi {{1}}, order {{2}} ships today.');
    await form.getByLabel(/^Footer/).fill('Bloom & Petal');
    await form.getByRole('button', { name: 'Add button' }).click();
    await form.getByLabel('Button 1 text').fill('Track my order');

    // The preview fills the sample values in as they are typed.
    const preview = page.getByLabel('Preview');
    await preview.getByLabel('Sample value 1').fill('Priya');
    await preview.locator('.wa-body', { hasText: 'Hi Priya, order {{2}} ships today.' }).waitFor();
    await preview.getByLabel('Sample value 2').fill('A-17');
    await preview.locator('.wa-body', { hasText: 'Hi Priya, order A-17 ships today.' }).waitFor();
    await preview.locator('.wa-button', { hasText: 'Track my order' }).waitFor();
    await screenshot(page, 'template-editor');

    // What WhatsApp would refuse is shown next to its field.
    await form.getByLabel(/^Footer/).fill('x'.repeat(61));
    await form.getByRole('button', { name: 'Save' }).click();
    await form.locator('.field-error', { hasText: '60' }).waitFor();
    await form.getByLabel(/^Footer/).fill('Bloom & Petal');
    await form.getByRole('button', { name: 'Save' }).click();
    const row = page.locator('.data-table tr', { hasText: 'order_shipped' });
    await row.locator('.review[data-status="pending"]').waitFor();
    await screenshot(page, 'templates');

    // Sandbox review: approve; an approved template is copied, not edited.
    await page.getByRole('button', { name: 'Approve order_shipped' }).click();
    await row.locator('.review[data-status="approved"]').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Edit order_shipped' }).count(), 0);
    await page.getByRole('button', { name: 'Copy order_shipped' }).click();
    const copy = page.locator('.data-table tr', { hasText: 'order_shipped_copy' });
    await copy.locator('.review[data-status="pending"]').waitFor();
    assert.equal(await form.getByLabel('Name', { exact: true }).inputValue(), 'order_shipped_copy');

    // The only console errors are the deliberate 422 of the long footer.
    assert.deepEqual(errors.filter((error) => !error.includes('422')), []);
    await page.close();
  });
});
