// An agent's daily tools in a real browser, against the real server
// pointed at a fake WhatsApp Cloud API: a customer's photo shown inline, a
// voice note with a player, a document as a file card, a shared location;
// an attachment sent (uploaded, then sent as an image message); a canned
// reply inserted with "/"; a private note that never leaves; labels.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { call, login } from './support/api.mjs';
import { launchBrowser, screenshot, signIn, VIEWPORT, watchConsole } from './support/browser.mjs';
import { startCloudApi } from './support/cloud_api.mjs';
import { MANAGER, startServer } from './support/server.mjs';
import { customerMessage, customerWrites, deliver } from './support/whatsapp.mjs';

const SNEHA = '919833344455';
const PHOTO = readFileSync(new URL('../crates/server/src/app/demo/crushed-box.png', import.meta.url));
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const VOICE = Buffer.from('OggS fake voice note bytes');

describe("an agent's daily tools", () => {
  let cloudApi;
  let server;
  let browser;

  before(async () => {
    cloudApi = await startCloudApi({
      'photo-1': { bytes: PHOTO, mimeType: 'image/png' },
      'voice-1': { bytes: VOICE, mimeType: 'audio/ogg; codecs=opus' },
      'doc-1': { bytes: PDF, mimeType: 'application/pdf' },
    });
    server = await startServer({ args: cloudApi.serverArgs });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await cloudApi?.close();
  });

  test('what a customer sends is shown as it is: photo, voice note, document, location', async () => {
    const { url } = server;
    await customerWrites(url, SNEHA, 'Sneha Rao', 'agent please');
    await deliver(url, customerMessage(SNEHA, 'Sneha Rao', { type: 'image', image: { id: 'photo-1', mime_type: 'image/png', caption: 'Photo of the crushed box' } }));
    await deliver(url, customerMessage(SNEHA, 'Sneha Rao', { type: 'audio', audio: { id: 'voice-1', mime_type: 'audio/ogg; codecs=opus', voice: true } }));
    await deliver(url, customerMessage(SNEHA, 'Sneha Rao', { type: 'document', document: { id: 'doc-1', mime_type: 'application/pdf', filename: 'invoice-4471.pdf' } }));
    await deliver(url, customerMessage(SNEHA, 'Sneha Rao', { type: 'location', location: { latitude: 12.9716, longitude: 77.5946, name: 'Bloom & Petal', address: 'MG Road, Bengaluru' } }));

    const page = await browser.newPage({ viewport: VIEWPORT });
    const errors = watchConsole(page);
    await signIn(page, url, MANAGER);
    await page.goto(`${url}/chats/${SNEHA}`);
    await page.locator('.chat-title h2', { hasText: 'Sneha Rao' }).waitFor();

    // The photo is in the thread, loaded (the browser decoded real pixels).
    const photo = page.locator('.bubble .media-image');
    await photo.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector('.bubble .media-image');
      return img && img.complete && img.naturalWidth > 0;
    });
    await page.locator('.bubble', { hasText: 'Photo of the crushed box' }).waitFor();
    // It opens full size from our own address.
    const full = await page.locator('.media-link').getAttribute('href');
    assert.match(full, /^\/api\/media\/\d+$/);

    // The voice note has a player (nothing is played) on a file that is served.
    const audio = page.locator('audio.media-audio');
    await audio.waitFor();
    assert.equal(await audio.getAttribute('controls'), '');
    const served = await page.evaluate(async (src) => {
      const response = await fetch(src);
      return { status: response.status, type: response.headers.get('content-type'), size: (await response.arrayBuffer()).byteLength };
    }, await audio.getAttribute('src'));
    assert.deepEqual(served, { status: 200, type: 'audio/ogg', size: VOICE.length });

    // The document is a card with its name and size that downloads.
    const card = page.locator('.file-card');
    await card.waitFor();
    assert.equal(await card.locator('.file-name').textContent(), 'invoice-4471.pdf');
    assert.match(await card.locator('.file-size').textContent(), /bytes|KB/);
    const [download] = await Promise.all([page.waitForEvent('download'), card.click()]);
    const path = await download.path();
    assert.deepEqual(readFileSync(path), PDF);

    // The location is a card with an "open in maps" link.
    const place = page.locator('.place-card');
    await place.waitFor();
    assert.match(await place.textContent(), /Bloom & Petal/);
    const maps = place.getByRole('link');
    assert.equal(await maps.getAttribute('rel'), 'noopener noreferrer');
    assert.match(await maps.getAttribute('href'), /^https:\/\/.*12\.9716.*77\.5946/);

    await screenshot(page, 'agent-tools-media-1280');
    await page.setViewportSize({ width: 1024, height: 768 });
    await screenshot(page, 'agent-tools-media-1024');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the holder sends a photo, a canned reply with "/" and a private note that never leaves', async () => {
    const { url } = server;
    const cookie = await login(url, MANAGER);
    const created = await call(url, cookie, 'POST', '/api/canned-replies', {
      shortcut: 'crushed', text: 'Sorry about the box, {{name}}! I am {{agent}} and a replacement is on its way.',
    });
    assert.equal(created.status, 201);

    const page = await browser.newPage({ viewport: VIEWPORT });
    const errors = watchConsole(page);
    await signIn(page, url, MANAGER);
    await page.goto(`${url}/chats/${SNEHA}`);
    await page.getByRole('button', { name: 'Intervene' }).click();
    const message = page.getByRole('textbox', { name: 'Message', exact: true });
    await message.waitFor();
    await page.waitForFunction(() => !document.querySelector('.composer-input')?.disabled);

    // An attachment with a caption, chosen with the button's file input.
    await page.getByLabel('Choose a file to send').setInputFiles({ name: 'replacement.png', mimeType: 'image/png', buffer: PHOTO });
    await page.locator('.attachment', { hasText: 'replacement.png' }).waitFor();
    await message.fill('The replacement we are sending');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const sent = page.locator('.bubble[data-author=agent]', { hasText: 'The replacement we are sending' });
    await sent.locator('.media-image').waitFor();
    await sent.locator('.tick[data-delivery=sent]').waitFor();
    const upload = cloudApi.calls.find((c) => c.path.endsWith('/media'));
    assert.ok(upload, 'the file was uploaded to WhatsApp');
    assert.ok(upload.body.includes(PHOTO), 'with its bytes');
    const imageMessage = cloudApi.calls.map((c) => (c.path.endsWith('/messages') ? JSON.parse(c.body) : null)).find((b) => b?.type === 'image');
    assert.equal(imageMessage.image.caption, 'The replacement we are sending');
    assert.match(imageMessage.image.id, /^media\.up\./);

    // A canned reply: "/" and a few letters, Enter; filled from the chat.
    await message.fill('');
    await message.pressSequentially('/crus');
    await page.locator('.canned-option', { hasText: '/crushed' }).waitFor();
    await page.keyboard.press('Enter');
    assert.equal(await message.inputValue(), 'Sorry about the box, Sneha Rao! I am Meera and a replacement is on its way.');
    await message.press('End');
    await message.pressSequentially(' 🙏');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.locator('.bubble[data-author=agent]', { hasText: 'a replacement is on its way. 🙏' }).waitFor();

    // A private note, shown apart and never sent.
    await page.getByRole('tab', { name: 'Private note' }).click();
    const note = page.getByRole('textbox', { name: 'Note', exact: true });
    await note.fill('Courier confirmed the damage, refund approved');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.locator('.bubble.note', { hasText: 'Courier confirmed the damage' }).waitFor();
    await page.waitForTimeout(300);
    assert.ok(!cloudApi.calls.some((c) => c.body.toString().includes('Courier confirmed')), 'the note never went to WhatsApp');

    // A label on the profile, shown in the chat list.
    await page.getByLabel('Add a label').fill('Damaged box');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    // Kept as written, not lowercased.
    await page.locator('.labels-editor .label-chip', { hasText: /^Damaged box/ }).waitFor();
    await page.getByRole('tab', { name: /Intervened/ }).click();
    await page.locator('.chat-row', { hasText: 'Sneha Rao' }).locator('.label-chip', { hasText: /^Damaged box$/ }).waitFor();
    await page.locator('.chat-row', { hasText: 'Sneha Rao' }).click();
    await page.locator('.bubble.note', { hasText: 'Courier confirmed the damage' }).waitFor();

    await screenshot(page, 'agent-tools-compose-1280');
    await page.setViewportSize({ width: 1024, height: 768 });
    await screenshot(page, 'agent-tools-compose-1024');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
