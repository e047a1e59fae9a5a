// The Templates page in a real browser: a manager writes a template with a
// live preview filled with sample values, fixes what is refused by field,
// approves it (sandbox review), and copies the approved one to change it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import { call, login } from './support/api.mjs';
import { openManaged, screenshot, signIn, VIEWPORT, watchConsole } from './support/browser.mjs';
import { MANAGER } from './support/server.mjs';
import { serverAndBrowser } from './support/suite.mjs';
import { customerWrites } from './support/whatsapp.mjs';

const PHOTO = readFileSync(new URL('../crates/server/src/app/demo/crushed-box.png', import.meta.url));
const ROHAN = '919811122233';

/** Waits until the image matched by `selector` has real pixels. */
async function imageLoaded(page, selector) {
  await page.waitForFunction((css) => {
    const img = document.querySelector(css);
    return img && img.complete && img.naturalWidth > 0;
  }, selector);
}

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
    await form.getByLabel('Header type').selectOption({ label: 'Text' });
    await form.getByLabel('Header', { exact: true }).fill('Your order is on its way');
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

  test('a template with a photo header is written, previewed, approved and sent with its photo', async () => {
    const { url } = suite.server;
    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(page, url, MANAGER);
    const errors = watchConsole(page);
    await openManaged(page, 'Templates');
    const form = page.getByRole('form', { name: 'Template' });
    await form.getByLabel('Name', { exact: true }).fill('diwali_hampers');
    await form.getByLabel('Category').selectOption('marketing');
    await form.getByLabel('Header type').selectOption({ label: 'Photo' });
    // Only photos WhatsApp takes are offered; the chosen one is uploaded at once.
    assert.equal(await form.getByLabel('Header file').getAttribute('accept'), 'image/jpeg,image/png');
    await form.getByLabel('Header file').setInputFiles({ name: 'hampers.png', mimeType: 'image/png', buffer: PHOTO });
    await form.getByText(/hampers\.png · \d+ KB/).waitFor();
    await form.getByLabel(/^Body/).fill('Hi {{1}}, our Diwali hampers are here.');
    const preview = page.getByLabel('Preview');
    await preview.getByLabel('Sample value 1').fill('Rohan');
    await imageLoaded(page, '.template-preview-panel .wa-header-media .media-image');
    await screenshot(page, 'template-photo-header');
    await form.getByRole('button', { name: 'Save' }).click();
    const row = page.locator('.data-table tr', { hasText: 'diwali_hampers' });
    await row.getByText('photo header').waitFor();
    await page.getByRole('button', { name: 'Approve diwali_hampers' }).click();
    await row.locator('.review[data-status="approved"]').waitFor();

    // An agent sends it from a chat: the preview and the thread show the photo.
    await customerWrites(url, ROHAN, 'Rohan Mehta', 'Any Diwali offers?');
    await page.goto(`${url}/chats/${ROHAN}`);
    await page.locator('.chat-title h2', { hasText: 'Rohan Mehta' }).waitFor();
    await page.getByRole('button', { name: 'Template' }).click();
    await page.getByLabel('Template', { exact: true }).selectOption('diwali_hampers:en');
    await page.getByLabel('Parameter 1').fill('Rohan');
    await imageLoaded(page, '.template-preview .media-image');
    await page.getByRole('button', { name: 'Send template' }).click();
    const bubble = page.locator('.bubble.template', { has: page.locator('.media-image') });
    await bubble.waitFor();
    // As the customer read it: the photo, then the body filled in.
    await bubble.locator('.bubble-text', { hasText: 'Hi Rohan, our Diwali hampers are here.' }).waitFor();
    await imageLoaded(page, '.bubble.template .media-image');
    // The photo made the thread taller; it still shows the newest message whole.
    await page.waitForFunction(() => {
      const thread = document.querySelector('.thread-scroll');
      return thread.scrollHeight - thread.scrollTop - thread.clientHeight < 4;
    });
    await bubble.locator('.tick[data-delivery=sent]').waitFor();
    await screenshot(page, 'template-photo-sent');

    // What went to WhatsApp (the sandbox here) carried the photo in the header.
    const cookie = await login(url, MANAGER);
    const outbox = await call(url, cookie, 'GET', '/api/sandbox/outbox');
    const sent = outbox.body.find((m) => m.payload.to === ROHAN && m.payload.type === 'template');
    assert.equal(sent.payload.template.name, 'diwali_hampers');
    assert.equal(sent.payload.template.components[0].type, 'header');
    assert.match(sent.payload.template.components[0].parameters[0].image.id, /^media\.sandbox\./);
    assert.deepEqual(sent.payload.template.components[1].parameters, [{ type: 'text', text: 'Rohan' }]);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
