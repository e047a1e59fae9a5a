// An agent's hands, as a busy agent uses them in a real browser: keys
// never act by accident (typing after a click into the thread goes to the
// reply box, Resolve by key asks first, after Intervene the cursor is in
// the reply box), drafts survive switching chats, reloads and a restart
// of the browser, reactions sit on the message they react to, days are
// told apart, and every width from a phone to a desktop fits.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { call, createAgent, login } from './support/api.mjs';
import { screenshot, signIn, VIEWPORT, watchConsole } from './support/browser.mjs';
import { MANAGER } from './support/server.mjs';
import { serverAndBrowser } from './support/suite.mjs';
import { customerMessage, customerWrites, deliver, failedStatus, textWithId } from './support/whatsapp.mjs';

const KAVYA = '919811100001';
const ROHAN = '919811100002';
const DEEPA = '919811100003';

function status(page) {
  return page.locator('[data-parameter=status] dd');
}

async function openByUrl(page, url, waId, name) {
  await page.goto(`${url}/chats/${waId}`);
  await page.locator('.chat-title h2', { hasText: name }).waitFor();
  await page.locator('.profile-name', { hasText: name }).waitFor();
}

describe("an agent's hands", () => {
  const suite = serverAndBrowser();

  test('keys never act by accident: typing in the thread writes, r asks before resolving, i puts the cursor in the reply box', async () => {
    const { url } = suite.server;
    await customerWrites(url, KAVYA, 'Kavya', 'agent please', 60);
    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    const errors = watchConsole(page);
    await signIn(page, url, MANAGER);
    await openByUrl(page, url, KAVYA, 'Kavya');
    await status(page).filter({ hasText: 'Requesting' }).waitFor();

    // i, then the reply typed at once: every letter lands in the box.
    await page.keyboard.press('i');
    await page.keyboard.type('Sure, checking');
    await status(page).filter({ hasText: 'Intervened' }).waitFor();
    const reply = page.getByLabel('Message', { exact: true });
    assert.equal(await reply.inputValue(), 'Sure, checking');
    assert.equal(await page.evaluate(() => document.activeElement.classList.contains('composer-input')), true);
    await reply.fill('');

    // A click into the conversation, then typing: the words go to the
    // reply box; nothing is resolved and no question is asked.
    await page.locator('.bubble', { hasText: 'agent please' }).click();
    await page.keyboard.type('Sure');
    assert.equal(await reply.inputValue(), 'Sure');
    assert.equal(await page.getByRole('dialog', { name: 'Resolve this chat?' }).count(), 0);
    await status(page).filter({ hasText: 'Intervened' }).waitFor();
    await reply.fill('');

    // r asks first; a letter or a space typed on by mistake does nothing,
    // Escape closes the question, Enter answers it.
    await page.keyboard.press('Escape');
    await page.keyboard.press('r');
    const question = page.getByRole('dialog', { name: 'Resolve this chat?' });
    await question.waitFor();
    await page.keyboard.type('s j');
    assert.equal(await question.count(), 1);
    assert.equal(new URL(page.url()).pathname, `/chats/${KAVYA}`, 'j did not move to another chat');
    await page.keyboard.press('Escape');
    await question.waitFor({ state: 'detached' });
    assert.equal(await status(page).textContent(), 'Intervened');
    await page.keyboard.press('r');
    await question.waitFor();
    await screenshot(page, 'resolve-question');
    await page.keyboard.press('Enter');
    await status(page).filter({ hasText: 'Closed' }).waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('drafts are kept per chat, reply and note apart, across switching chats, reloads and a browser restart', async () => {
    const { url } = suite.server;
    await customerWrites(url, ROHAN, 'Rohan', 'I want a human', 50);
    await customerWrites(url, DEEPA, 'Deepa', 'Hello there', 40);
    const context = await suite.browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await signIn(page, url, MANAGER);
    await openByUrl(page, url, ROHAN, 'Rohan');
    await page.getByRole('button', { name: 'Intervene' }).click();
    const reply = page.getByLabel('Message', { exact: true });
    await reply.waitFor();
    // By click as by key, the cursor is in the reply box after Intervene.
    await page.waitForFunction(() => document.activeElement?.classList.contains('composer-input') && !document.activeElement.disabled);
    await reply.fill('Half-written answer about the refund');
    await page.getByRole('tab', { name: 'Private note' }).click();
    await page.getByLabel('Note', { exact: true }).fill('Check the courier first');

    // To another chat and back, inside the app.
    await page.getByRole('tab', { name: /Active/ }).click();
    await page.locator('.chat-row', { hasText: 'Deepa' }).click();
    await page.locator('.chat-title h2', { hasText: 'Deepa' }).waitFor();
    assert.equal(await page.locator('.composer-input').inputValue(), '', "Deepa's chat has no draft");
    await page.goBack();
    await page.goBack();
    await page.locator('.chat-title h2', { hasText: 'Rohan' }).waitFor();
    await page.locator('.profile-name', { hasText: 'Rohan' }).waitFor();
    assert.equal(await page.getByLabel('Message', { exact: true }).inputValue(), 'Half-written answer about the refund');
    await page.getByRole('tab', { name: 'Private note' }).click();
    assert.equal(await page.getByLabel('Note', { exact: true }).inputValue(), 'Check the courier first');

    // A reload, then a browser restarted with what it had stored.
    await page.reload();
    await page.locator('.profile-name', { hasText: 'Rohan' }).waitFor();
    assert.equal(await page.getByLabel('Message', { exact: true }).inputValue(), 'Half-written answer about the refund');
    const stored = await context.storageState();
    await context.close();
    const restarted = await suite.browser.newContext({ viewport: VIEWPORT, storageState: stored });
    const again = await restarted.newPage();
    await openByUrl(again, url, ROHAN, 'Rohan');
    const replyAgain = again.getByLabel('Message', { exact: true });
    assert.equal(await replyAgain.inputValue(), 'Half-written answer about the refund');

    // Sent: the draft is gone, also after a reload; the note's stays.
    await replyAgain.press('Enter');
    await again.locator('.bubble[data-author=agent]', { hasText: 'Half-written answer about the refund' }).waitFor();
    await again.reload();
    await again.locator('.profile-name', { hasText: 'Rohan' }).waitFor();
    assert.equal(await again.getByLabel('Message', { exact: true }).inputValue(), '');
    await again.getByRole('tab', { name: 'Private note' }).click();
    assert.equal(await again.getByLabel('Note', { exact: true }).inputValue(), 'Check the courier first');
    await restarted.close();
  });

  test('a reaction sits on the message it reacts to, live, and is never a message or counted', async () => {
    const { url } = suite.server;
    const waId = '919811100004';
    await deliver(url, textWithId(waId, 'Fatima', 'wamid.e2e.cake', 'Is the cake ready?'));
    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(page, url, MANAGER);
    await openByUrl(page, url, waId, 'Fatima');
    await page.locator('.live-indicator:not(.down)').waitFor();
    const counted = await page.locator('[data-parameter=session_messages] dd').textContent();
    const bubbles = await page.locator('.bubble').count();

    await deliver(url, customerMessage(waId, 'Fatima', { type: 'reaction', reaction: { message_id: 'wamid.e2e.cake', emoji: '👍' } }));
    const cake = page.locator('.bubble', { hasText: 'Is the cake ready?' });
    await cake.locator('.reaction', { hasText: '👍' }).waitFor();
    assert.equal(await cake.locator('.reaction').getAttribute('title'), 'The customer reacted 👍');
    // A new reaction replaces it; an empty one takes it back.
    await deliver(url, customerMessage(waId, 'Fatima', { type: 'reaction', reaction: { message_id: 'wamid.e2e.cake', emoji: '❤️' } }));
    await cake.locator('.reaction', { hasText: '❤️' }).waitFor();
    assert.equal(await cake.locator('.reaction').count(), 1);
    await screenshot(page, 'reaction');
    await page.reload();
    await cake.locator('.reaction', { hasText: '❤️' }).waitFor();
    assert.equal(await page.locator('.bubble').count(), bubbles, 'no bubble of its own');
    assert.equal(await page.locator('.bubble', { hasText: 'Reacted' }).count(), 0);
    assert.equal(await page.locator('[data-parameter=session_messages] dd').textContent(), counted);
    await deliver(url, customerMessage(waId, 'Fatima', { type: 'reaction', reaction: { message_id: 'wamid.e2e.cake', emoji: '' } }));
    await cake.locator('.reaction').waitFor({ state: 'detached' });

    // The agent holding the chat reacts back; WhatsApp gets `type: reaction`.
    await page.getByRole('button', { name: 'Intervene' }).click();
    await page.locator('[data-parameter=status] dd', { hasText: 'Intervened' }).waitFor();
    await cake.hover();
    await cake.getByRole('button', { name: 'React to this message' }).click();
    await cake.getByRole('button', { name: 'React 🙏' }).click();
    await cake.locator('.reaction[data-author=agent]', { hasText: '🙏' }).waitFor();
    assert.equal(await cake.locator('.reaction').getAttribute('title'), 'Meera reacted 🙏');
    const manager = await login(url, MANAGER);
    let sent;
    for (let tries = 0; tries < 100 && !sent; tries += 1) {
      const outbox = await call(url, manager, 'GET', '/api/sandbox/outbox');
      sent = outbox.body.find((item) => item.payload.type === 'reaction');
      if (!sent) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(sent?.payload.reaction, { message_id: 'wamid.e2e.cake', emoji: '🙏' });
    await page.close();
  });

  test('quoted replies both ways: the customer\'s quote shows what it answers, the agent answers a message by quoting it', async () => {
    const { url } = suite.server;
    const waId = '919811100007';
    await deliver(url, textWithId(waId, 'Irfan', 'wamid.e2e.q1', 'Do you deliver to Whitefield?'));
    await deliver(url, customerMessage(waId, 'Irfan', { type: 'text', text: { body: 'agent please, about this' }, context: { from: '15550783881', id: 'wamid.e2e.q1' } }));
    await deliver(url, customerMessage(waId, 'Irfan', { type: 'text', text: { body: 'and this one?' }, context: { from: '15550783881', id: 'wamid.e2e.never-seen' } }));
    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    const errors = watchConsole(page);
    await signIn(page, url, MANAGER);
    await openByUrl(page, url, waId, 'Irfan');

    const quoting = page.locator('.bubble', { hasText: 'agent please, about this' });
    const quote = quoting.locator('.quote');
    assert.equal(await quote.locator('.quote-author').textContent(), 'Customer');
    assert.equal(await quote.locator('.quote-text').textContent(), 'Do you deliver to Whitefield?');
    await quote.click();
    await page.locator('.bubble.found', { hasText: 'Do you deliver to Whitefield?' }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/chats/${waId}`, 'the original was on screen: no navigation');
    await page.locator('.bubble', { hasText: 'and this one?' }).locator('.quote.missing', { hasText: 'not stored here' }).waitFor();

    // The agent answers the first message, quoting it.
    await page.getByRole('button', { name: 'Intervene' }).click();
    await page.locator('[data-parameter=status] dd', { hasText: 'Intervened' }).waitFor();
    const original = page.locator('.bubble', { hasText: 'Do you deliver to Whitefield?' }).first();
    await original.hover();
    await original.getByRole('button', { name: 'Reply to this message' }).click();
    await page.locator('.replying-to', { hasText: 'Do you deliver to Whitefield?' }).waitFor();
    await page.keyboard.type('Yes, every day before 6 pm');
    // While the holder types, WhatsApp shows the customer "typing…".
    const managerCookie = await login(url, MANAGER);
    let typing;
    for (let tries = 0; tries < 100 && !typing; tries += 1) {
      const outbox = await call(url, managerCookie, 'GET', '/api/sandbox/outbox');
      typing = outbox.body.find((sent) => sent.payload.typing_indicator);
      if (!typing) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(typing?.payload.typing_indicator, { type: 'text' });
    await page.keyboard.press('Enter');
    const answer = page.locator('.bubble[data-author=agent]', { hasText: 'Yes, every day before 6 pm' });
    await answer.locator('.quote', { hasText: 'Do you deliver to Whitefield?' }).waitFor();
    assert.equal(await page.locator('.replying-to').count(), 0, 'the quote is cleared once sent');
    const manager = await login(url, MANAGER);
    const outbox = await call(url, manager, 'GET', '/api/sandbox/outbox');
    const sent = outbox.body.find((item) => item.payload?.text?.body === 'Yes, every day before 6 pm');
    assert.deepEqual(sent?.payload.context, { message_id: 'wamid.e2e.q1' });
    await screenshot(page, 'quoted-replies');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a template shows as the customer read it: header, filled body, footer and buttons', async () => {
    const { url } = suite.server;
    const waId = '919811100008';
    await customerWrites(url, waId, 'Fatima', 'Where is my refund?');
    const manager = await login(url, MANAGER);
    const created = await call(url, manager, 'POST', '/api/templates', {
      name: 'refund_processed', language: 'en', category: 'utility', header: 'Refund update',
      body: 'Hi {{1}}, your refund of {{2}} for order {{3}} is on its way.', footer: 'Bloom & Petal',
      buttons: [{ type: 'quick_reply', text: 'Thanks' }],
    });
    assert.equal(created.status, 201);
    assert.equal((await call(url, manager, 'PUT', `/api/templates/${created.body.id}/status`, { status: 'approved' })).status, 200);
    const sent = await call(url, manager, 'POST', `/api/users/${waId}/messages`, {
      template: { name: 'refund_processed', language: 'en', params: ['Fatima', '599', '#4480'] },
    });
    assert.equal(sent.status, 201);
    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(page, url, MANAGER);
    await openByUrl(page, url, waId, 'Fatima');
    const bubble = page.locator('.bubble.template');
    await bubble.waitFor();
    await bubble.locator('.template-header-text', { hasText: 'Refund update' }).waitFor();
    assert.equal(await bubble.locator('.template-text .bubble-text').textContent(), 'Hi Fatima, your refund of 599 for order #4480 is on its way.');
    assert.equal(await bubble.locator('.template-footer').textContent(), 'Bloom & Petal');
    assert.deepEqual(await bubble.locator('.template-button').allTextContents(), ['Thanks']);
    assert.equal(await bubble.getByText('refund_processed (Fatima').count(), 0, 'not the name and its parameters');
    await page.close();
  });

  test('a failure says what to do, and Retry sends again where that can succeed', async () => {
    const { url } = suite.server;
    const waId = '919811100009';
    await customerWrites(url, waId, 'Nikhil', 'agent please');
    const manager = await login(url, MANAGER);
    assert.equal((await call(url, manager, 'POST', `/api/users/${waId}/intervene`)).status, 200);
    for (const text of ['Your parcel left the shop', 'It arrives tomorrow']) {
      assert.equal((await call(url, manager, 'POST', `/api/users/${waId}/messages`, { text })).status, 201);
    }
    // The sandbox records each send with its WhatsApp id.
    const wamidOf = async (text) => {
      for (;;) {
        const outbox = await call(url, manager, 'GET', '/api/sandbox/outbox');
        const sent = outbox.body.find((item) => item.payload?.text?.body === text);
        if (sent) return sent.wamid;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await deliver(url, failedStatus(await wamidOf('Your parcel left the shop'), waId, 130429, 'Rate limit hit'));
    await deliver(url, failedStatus(await wamidOf('It arrives tomorrow'), waId, 131047, 'Re-engagement message'));

    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(page, url, MANAGER);
    await openByUrl(page, url, waId, 'Nikhil');
    const limited = page.locator('.bubble', { hasText: 'Your parcel left the shop' }).first();
    await limited.locator('.failure', { hasText: 'sending limit' }).waitFor();
    const closed = page.locator('.bubble', { hasText: 'It arrives tomorrow' });
    await closed.locator('.failure', { hasText: 'send a template instead' }).waitFor();
    assert.equal(await closed.getByRole('button', { name: 'Retry' }).count(), 0, 'a retry would fail the same way');
    await screenshot(page, 'failures-in-words');

    await limited.getByRole('button', { name: 'Retry' }).click();
    await limited.locator('.resent', { hasText: 'Sent again below' }).waitFor();
    const again = page.locator('.bubble', { hasText: 'Your parcel left the shop' }).last();
    await again.locator('.tick[data-delivery=sent]').waitFor();
    assert.equal(await page.locator('.bubble', { hasText: 'Your parcel left the shop' }).count(), 2);
    await page.close();
  });

  test('each chat shows its unread messages; opening it reads them and the customer sees blue ticks', async () => {
    const { url } = suite.server;
    const waId = '919811100010';
    for (const [n, body] of ['Hi', 'Do you deliver cakes?', 'Hello?'].entries()) {
      await deliver(url, textWithId(waId, 'Ananya', `wamid.e2e.unread.${n}`, body));
    }
    const manager = await login(url, MANAGER);
    const profile = await call(url, manager, 'GET', `/api/users/${waId}`);
    assert.equal(profile.body.unread, 3);
    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(page, url, MANAGER);
    await page.goto(`${url}/sections/${profile.body.status}`);
    const row = page.locator('.chat-row', { hasText: 'Ananya' });
    assert.equal(await row.locator('.unread-count').textContent(), '3');
    await row.click();
    await page.locator('.profile-name', { hasText: 'Ananya' }).waitFor();
    await row.locator('.unread-count').waitFor({ state: 'detached' });
    // WhatsApp (the sandbox here) was told: blue ticks up to the newest.
    let receipt;
    for (let tries = 0; tries < 100 && !receipt; tries += 1) {
      const outbox = await call(url, manager, 'GET', '/api/sandbox/outbox');
      receipt = outbox.body.find((sent) => sent.payload.status === 'read' && sent.payload.message_id === 'wamid.e2e.unread.2');
      if (!receipt) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(receipt, 'a read receipt for the newest message');
    await page.close();
  });

  test('@ offers teammates, a mention waits for whoever was away, and a chat passed on alerts its new holder', async () => {
    const { url } = suite.server;
    const waId = '919811100011';
    await customerWrites(url, waId, 'Tara', 'agent please');
    const managerCookie = await login(url, MANAGER);
    const ravi = await createAgent(url, managerCookie, 'Ravi');
    assert.equal((await call(url, managerCookie, 'POST', `/api/users/${waId}/intervene`)).status, 200);

    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(page, url, MANAGER);
    await openByUrl(page, url, waId, 'Tara');
    await page.getByRole('tab', { name: 'Private note' }).click();
    const note = page.getByLabel('Note', { exact: true });
    await note.click();
    await page.keyboard.type('@ra');
    const picker = page.getByRole('listbox', { name: 'Mention a teammate' });
    await picker.getByRole('option', { name: /Ravi/ }).waitFor();
    await page.keyboard.press('Enter');
    assert.equal(await note.inputValue(), '@ravi ');
    await page.keyboard.type('please call her back');
    await page.keyboard.press('Enter');
    const sent = page.locator('.bubble.note', { hasText: 'please call her back' });
    assert.equal(await sent.locator('.mention').textContent(), '@ravi');

    // Ravi was away; when he signs in, the mention is there.
    const ravisPage = await (await suite.browser.newContext({ viewport: VIEWPORT })).newPage();
    await signIn(ravisPage, url, ravi);
    const mentions = ravisPage.getByRole('button', { name: 'Mentions, 1 unread' });
    await mentions.waitFor();
    await mentions.click();
    const item = ravisPage.locator('.mention-item', { hasText: 'please call her back' });
    await item.waitFor();
    assert.match(await item.textContent(), /Meera in the chat with Tara/);
    await ravisPage.getByRole('button', { name: 'Mentions', exact: true }).waitFor();
    await item.click();
    await ravisPage.waitForURL(new RegExp(`/chats/${waId}`));
    await ravisPage.locator('.bubble.note', { hasText: 'please call her back' }).waitFor();

    // The chat passed to Ravi: he is told at once.
    await ravisPage.locator('.live-indicator:not(.down)').waitFor();
    assert.equal((await call(url, managerCookie, 'POST', `/api/users/${waId}/transfer`, { agent_id: (await call(url, await login(url, ravi), 'GET', '/api/me')).body.id })).status, 200);
    const toast = ravisPage.locator('.handover-toast');
    await toast.waitFor();
    assert.match(await toast.textContent(), /Meera passed you the chat with Tara/);
    await screenshot(ravisPage, 'handover-alert');
    await ravisPage.context().close();
    await page.close();
  });

  test('days are told apart: Today, a weekday within the week, and the full date on every time', async () => {
    const { url } = suite.server;
    const waId = '919811100005';
    await customerWrites(url, waId, 'Meghna', 'Ordered the roses', 2 * 24 * 3600 + 600);
    await customerWrites(url, waId, 'Meghna', 'Where are my roses?');
    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(page, url, MANAGER);
    await openByUrl(page, url, waId, 'Meghna');
    await page.locator('.bubble', { hasText: 'Where are my roses?' }).waitFor();
    const expected = await page.evaluate(() => [
      new Date(Date.now() - (2 * 24 * 3600 + 600) * 1000).toLocaleDateString('en-GB', { weekday: 'long' }),
      'Today',
    ]);
    assert.deepEqual(await page.locator('.day-separator').allTextContents(), expected);
    const title = await page.locator('.bubble', { hasText: 'Ordered the roses' }).locator('time').getAttribute('title');
    assert.match(title, /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} (AM|PM)$/);
    await page.close();
  });

  test('every width fits: one pane at a time on a phone, nothing overflows at 768, 1024 and 1280', async () => {
    const { url } = suite.server;
    await customerWrites(url, '919811100006', 'Sanjana Krishnamurthy-Iyer', 'agent please, my order is late', 30);
    const phone = await suite.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await signIn(phone, url, MANAGER);
    await phone.locator('.chat-row').first().waitFor();
    const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(await overflow(phone) <= 0, `the list fits at 390 (overflow ${await overflow(phone)}px)`);
    assert.equal(await phone.locator('.chat-pane').isVisible(), false, 'the list alone');
    await screenshot(phone, 'phone-list');

    await phone.locator('.chat-row', { hasText: 'Sanjana' }).click();
    await phone.locator('.profile-name', { hasText: 'Sanjana' }).waitFor({ state: 'attached' });
    await phone.locator('.chat-title h2', { hasText: 'Sanjana' }).waitFor();
    assert.equal(await phone.locator('.sidebar').isVisible(), false, 'the chat alone');
    assert.equal(await phone.locator('.profile-pane').isVisible(), false);
    assert.ok(await overflow(phone) <= 0, `the chat fits at 390 (overflow ${await overflow(phone)}px)`);
    const box = await phone.locator('.composer-input').boundingBox();
    assert.ok(box.width >= 330, `the reply box is full width (${box.width}px)`);
    for (const name of ['Intervene', 'Resolve']) {
      const button = await phone.getByRole('button', { name, exact: true }).boundingBox();
      assert.ok(button.x >= 0 && button.x + button.width <= 390, `${name} is on screen`);
    }
    await screenshot(phone, 'phone-chat');
    await phone.getByRole('button', { name: 'Profile', exact: true }).click();
    await phone.locator('.profile-pane').waitFor({ state: 'visible' });
    const sheet = await phone.locator('.profile-pane').boundingBox();
    assert.ok(sheet.x >= 0 && sheet.width <= 390, 'the profile is a sheet within the screen');
    await screenshot(phone, 'phone-profile');
    await phone.locator('.profile-pane').getByRole('button', { name: 'Close' }).click();
    await phone.locator('.profile-pane').waitFor({ state: 'hidden' });
    await phone.locator('.phone-back').click();
    await phone.locator('.chat-row').first().waitFor();
    assert.equal(await phone.locator('.chat-pane').isVisible(), false);
    await phone.close();

    for (const width of [768, 1024, 1280]) {
      const page = await suite.browser.newPage({ viewport: { width, height: 800 } });
      await signIn(page, url, MANAGER);
      await page.locator('.chat-row', { hasText: 'Sanjana' }).click();
      await page.locator('.profile-name', { hasText: 'Sanjana' }).waitFor({ state: 'attached' });
      assert.ok(await overflow(page) <= 0, `nothing overflows at ${width} (overflow ${await overflow(page)}px)`);
      for (const name of ['Sign out', 'Manage', 'Intervene']) {
        const button = await page.getByRole('button', { name, exact: true }).boundingBox();
        assert.ok(button && button.x >= 0 && button.x + button.width <= width, `${name} is on screen at ${width}`);
      }
      await screenshot(page, `width-${width}`);
      if (width >= 1024) {
        // Every column of the users table is on screen, Labels and Window too.
        await page.goto(`${url}/manage/users`);
        const last = page.locator('.users-table thead th').last();
        await last.waitFor();
        const box = await last.boundingBox();
        assert.ok(box.x + box.width <= width, `the users table fits at ${width}`);
      }
      await page.close();
    }
  });

  test('the users table\'s filters and the Mine filter survive a reload', async () => {
    const { url } = suite.server;
    await customerWrites(url, '919811100012', 'Gauri', 'agent please');
    await customerWrites(url, '919811100013', 'Harsh', 'Hello');
    const managerCookie = await login(url, MANAGER);
    assert.equal((await call(url, managerCookie, 'POST', '/api/users/919811100012/intervene')).status, 200);
    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(page, url, MANAGER);
    await page.goto(`${url}/manage/users`);
    await page.locator('.user-row').first().waitFor();
    await page.getByRole('combobox', { name: 'Status' }).selectOption('intervened');
    await page.waitForURL(/\/manage\/users\?status=intervened$/);
    const shown = async () => (await page.locator('.user-row .status-badge').allTextContents()).map((s) => s.trim());
    await page.waitForFunction(() => [...document.querySelectorAll('.user-row .status-badge')].every((b) => b.textContent.trim() === 'Intervened'));
    const before = await shown();
    assert.ok(before.length > 0);
    await page.reload();
    await page.locator('.user-row').first().waitFor();
    assert.equal(await page.getByRole('combobox', { name: 'Status' }).inputValue(), 'intervened');
    assert.deepEqual(await shown(), before);

    await page.goto(`${url}/sections/intervened`);
    await page.getByRole('button', { name: 'Mine' }).click();
    await page.waitForURL(/\/sections\/intervened\?mine=1$/);
    await page.reload();
    await page.getByRole('button', { name: 'Mine', pressed: true }).waitFor();
    await page.getByRole('button', { name: 'All' }).click();
    await page.waitForURL(/\/sections\/intervened$/);
    await page.close();
  });

  test('a canned reply a manager adds reaches an agent who is signed in, and labels keep their case in the users table', async () => {
    const { url } = suite.server;
    const waId = '919811100014';
    await customerWrites(url, waId, 'Isha', 'agent please');
    const managerCookie = await login(url, MANAGER);
    const asha = await createAgent(url, managerCookie, 'Asha');
    const ashaCookie = await login(url, asha);
    const page = await (await suite.browser.newContext({ viewport: VIEWPORT })).newPage();
    await signIn(page, url, asha);
    await openByUrl(page, url, waId, 'Isha');
    // Waiting for an agent, the composer says so.
    assert.match(await page.locator('.composer-reason').textContent(), /waiting for an agent: Intervene/);
    assert.equal((await call(url, ashaCookie, 'POST', `/api/users/${waId}/intervene`)).status, 200);
    await page.waitForFunction(() => !document.querySelector('.composer-input').disabled);
    const reply = page.getByLabel('Message', { exact: true });
    await reply.fill('/hou');
    await page.locator('.canned-picker', { hasText: 'No canned reply matches' }).waitFor();
    const created = await call(url, managerCookie, 'POST', '/api/canned-replies', { shortcut: '/hours', text: 'We are open 9 to 6, {{name}}.' });
    assert.equal(created.status, 201);
    // No reload: the open picker offers it within a second.
    await page.locator('.canned-option', { hasText: '/hours' }).waitFor({ timeout: 1500 });
    await page.keyboard.press('Enter');
    assert.equal(await reply.inputValue(), 'We are open 9 to 6, Isha.');

    await page.getByLabel('Add a label').fill('VIP customer');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('.labels-editor .label-chip', { hasText: /^VIP customer/ }).waitFor();
    const manager = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(manager, url, MANAGER);
    await manager.goto(`${url}/manage/users?label=VIP%20customer`);
    const row = manager.locator('.user-row', { hasText: 'Isha' });
    await row.waitFor();
    assert.equal(await row.locator('.labels-cell').textContent(), 'VIP customer');
    const headers = await manager.locator('.users-table thead th').allTextContents();
    assert.equal(headers.indexOf('Labels'), headers.indexOf('First Message') + 1);
    await manager.close();
    await page.context().close();
  });

  test('Escape closes the Manage menu', async () => {
    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(page, suite.server.url, MANAGER);
    await page.getByRole('button', { name: 'Manage' }).click();
    const menu = page.getByRole('menu', { name: 'Manage' });
    await menu.waitFor();
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    // The focus is back on the menu's button.
    await page.waitForFunction(() => document.activeElement?.classList.contains('manage-button'));
    await page.close();
  });
});
