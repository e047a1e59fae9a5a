// The inbox used as a chat app is used, in a real browser against the real
// server: every place has a URL (reload, Back, Forward, a link in a new
// tab), a chat clicked says at once whose it is while its profile and
// thread load together, a long thread opens at its newest message and
// follows new ones without yanking a reader who scrolled up, the queue is
// fair, the bot is quiet while a customer waits, one search finds
// customers anywhere, and the CSV export downloads whole (browsers ask for
// gzip).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { call, createAgent, login } from './support/api.mjs';
import { screenshot, signIn, VIEWPORT, watchConsole } from './support/browser.mjs';
import { MANAGER } from './support/server.mjs';
import { serverAndBrowser } from './support/suite.mjs';
import { changedMessage, customerWrites, deliver, manyMessages, textWithId } from './support/whatsapp.mjs';

const DEEPA = '919845012345';
const LINES = Array.from({ length: 70 }, (_, n) => `Line ${n + 1} of my long story about the wedding order`);

/** The thread's scroll box: where it is and how far from the bottom. */
function scrollOf(page) {
  return page.locator('.thread-scroll').evaluate((el) => ({
    top: el.scrollTop,
    fromBottom: el.scrollHeight - el.scrollTop - el.clientHeight,
    height: el.scrollHeight,
  }));
}

async function waitAtBottom(page) {
  await page.waitForFunction(() => {
    const el = document.querySelector('.thread-scroll');
    return el && el.scrollHeight > el.clientHeight && el.scrollHeight - el.scrollTop - el.clientHeight <= 4;
  });
}

/** Whether a bubble's box lies inside the thread's visible box. */
async function inView(page, text) {
  const bubble = await page.locator('.bubble', { hasText: text }).last().boundingBox();
  const box = await page.locator('.thread-scroll').boundingBox();
  return bubble !== null && bubble.y >= box.y - 1 && bubble.y + bubble.height <= box.y + box.height + 1;
}

describe('the inbox as a chat app', () => {
  const suite = serverAndBrowser();

  test('every place has a URL: reload, Back, Forward and a pasted link keep it', async () => {
    const { url } = suite.server;
    await customerWrites(url, '919811111111', 'Kavya Nair', 'agent please', 120);
    await customerWrites(url, '919822222222', 'Rohan Das', 'Hello there', 60);
    const context = await suite.browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const errors = watchConsole(page);
    // Opening the app signed out logs no error (no 401 in the console).
    await page.goto(`${url}/chats/919811111111`);
    await page.getByLabel('E-mail').waitFor();
    await page.getByLabel('E-mail').fill(MANAGER.email);
    await page.getByLabel('Password').fill(MANAGER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signed in at a chat's link: that chat opens, in its section.
    await page.locator('.chat-title h2', { hasText: 'Kavya Nair' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/chats/919811111111');
    await page.getByRole('tab', { name: /Requesting/, selected: true }).waitFor();

    await page.getByRole('tab', { name: /Active/ }).click();
    await page.waitForURL(`${url}/sections/active`);
    await page.locator('.chat-row', { hasText: 'Rohan Das' }).click();
    await page.waitForURL(`${url}/chats/919822222222`);
    await page.locator('.chat-title h2', { hasText: 'Rohan Das' }).waitFor();

    await page.reload();
    await page.locator('.chat-title h2', { hasText: 'Rohan Das' }).waitFor();
    await page.getByRole('tab', { name: /Active/, selected: true }).waitFor();

    await page.goBack();
    await page.waitForURL(`${url}/sections/active`);
    await page.locator('.chat-empty', { hasText: 'Select a chat' }).waitFor();
    await page.goBack();
    await page.waitForURL(`${url}/chats/919811111111`);
    await page.locator('.chat-title h2', { hasText: 'Kavya Nair' }).waitFor();
    await page.goForward();
    await page.waitForURL(`${url}/sections/active`);

    // A managers' screen has its URL too, and Back returns from it.
    await page.getByRole('button', { name: 'Manage' }).click();
    await page.getByRole('menuitem', { name: 'Team' }).click();
    await page.waitForURL(`${url}/manage/team`);
    await page.getByRole('heading', { name: 'Team', exact: true }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Team', exact: true }).waitFor();
    assert.equal(await page.locator('.section-tabs').getByRole('tab', { selected: true }).count(), 0, 'no section tab is on show');
    await page.goBack();
    await page.waitForURL(`${url}/sections/active`);
    await page.locator('.chat-row', { hasText: 'Rohan Das' }).waitFor();

    // A colleague pastes the link in another tab (same browser, signed in).
    const colleague = await context.newPage();
    await colleague.goto(`${url}/chats/919822222222`);
    await colleague.locator('.chat-title h2', { hasText: 'Rohan Das' }).waitFor();
    await colleague.locator('.profile-card .profile-name', { hasText: 'Rohan Das' }).waitFor();

    // Unknown chats and screens are said plainly, inside the app.
    await colleague.goto(`${url}/chats/911234567890`);
    await colleague.getByText('No such customer').waitFor();
    await colleague.goto(`${url}/manage/nowhere`);
    await colleague.getByRole('heading', { name: 'Nothing here' }).waitFor();
    await colleague.locator('.top-bar').waitFor();
    await screenshot(colleague, 'not-found');
    await colleague.getByRole('link', { name: 'Go to the customers waiting' }).click();
    await colleague.waitForURL(`${url}/sections/requesting`);

    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a long thread opens at its newest message and follows new ones without yanking a reader', async () => {
    const { url } = suite.server;
    const manager = await login(url, MANAGER);
    await customerWrites(url, DEEPA, 'Deepa Menon', 'I need a person please', 200);
    assert.equal((await call(url, manager, 'POST', `/api/users/${DEEPA}/intervene`)).status, 200);
    await deliver(url, manyMessages(DEEPA, 'Deepa Menon', LINES, 100));

    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(page, `${url}/chats/${DEEPA}`, MANAGER);
    await page.locator('.bubble', { hasText: 'Line 70 of' }).waitFor();
    await waitAtBottom(page);
    assert.ok(await inView(page, 'Line 70 of'), 'the newest message is in view');
    assert.ok(!(await inView(page, 'Line 30 of')), 'older ones are above');
    await screenshot(page, 'long-thread');

    // At the bottom, a new message from the customer comes into view.
    await customerWrites(url, DEEPA, 'Deepa Menon', 'Are you still there?');
    await page.locator('.bubble', { hasText: 'Are you still there?' }).waitFor();
    await waitAtBottom(page);
    assert.ok(await inView(page, 'Are you still there?'));

    // So does the agent's own reply.
    await page.getByLabel('Message', { exact: true }).fill('Yes, reading your messages now.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.locator('.bubble', { hasText: 'Yes, reading your messages now.' }).waitFor();
    await waitAtBottom(page);

    // Scrolled up to read: new messages do not move the view; a pill counts them.
    await page.locator('.thread-scroll').evaluate((el) => { el.scrollTop = el.scrollHeight / 3; });
    await page.waitForTimeout(100);
    const reading = await scrollOf(page);
    await customerWrites(url, DEEPA, 'Deepa Menon', 'One more thing');
    await customerWrites(url, DEEPA, 'Deepa Menon', 'And another');
    const pill = page.locator('.new-messages');
    await pill.filter({ hasText: '2 new messages' }).waitFor();
    assert.equal((await scrollOf(page)).top, reading.top, 'the view stayed where the agent reads');
    await screenshot(page, 'new-messages-pill');
    await pill.click();
    await waitAtBottom(page);
    assert.ok(await inView(page, 'And another'));
    await pill.waitFor({ state: 'detached' });

    // Near the top, older messages load above without moving what is on screen.
    const before = await page.locator('.thread-scroll').evaluate((el) => {
      el.scrollTop = 10;
      const anchor = [...el.querySelectorAll('.bubble')].find((b) => b.textContent.includes('Line 30 of'));
      return anchor.getBoundingClientRect().top;
    });
    await page.locator('.bubble', { hasText: 'I need a person please' }).waitFor();
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    const after = await page.locator('.bubble', { hasText: 'Line 30 of' }).evaluate((el) => el.getBoundingClientRect().top);
    assert.ok(Math.abs(after - before) < 2, `the reading position is kept (${before} → ${after})`);
    await page.close();
  });

  test('the queue serves the longest-waiting first, with their wait, and the bot holds back', async () => {
    const { url } = suite.server;
    const names = [['919800000001', 'Anil Kapoor', 300], ['919800000002', 'Bela Shah', 200], ['919800000003', 'Chitra Rao', 100]];
    for (const [waId, name, secondsAgo] of names) {
      await customerWrites(url, waId, name, 'Hi', secondsAgo + 5);
    }
    // They ask for an agent one after the other: Anil first.
    for (const [waId, name] of names) await customerWrites(url, waId, name, 'talk to an agent');

    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(page, `${url}/sections/requesting`, MANAGER);
    const queued = () => page.locator('.chat-row .chat-name').allTextContents();
    await page.locator('.chat-row', { hasText: 'Chitra Rao' }).waitFor();
    const expected = ['Kavya Nair', 'Anil Kapoor', 'Bela Shah', 'Chitra Rao'];
    assert.deepEqual((await queued()).filter((name) => expected.includes(name)), expected);
    assert.match(await page.locator('.chat-row', { hasText: 'Kavya Nair' }).locator('.waited').textContent(), /^Waiting (<1m|\d+m)$/);
    assert.match(await page.title(), /^\(\d+\) customers waiting · Handover$/);

    // Anil writes twice more while waiting: one holding message, his place kept,
    // and the list shows what he wrote.
    await customerWrites(url, '919800000001', 'Anil Kapoor', 'hello?? is anyone there');
    await customerWrites(url, '919800000001', 'Anil Kapoor', 'still here');
    await page.locator('.chat-row', { hasText: 'Anil Kapoor' }).locator('.chat-preview', { hasText: 'still here' }).waitFor();
    assert.deepEqual((await queued()).filter((name) => expected.includes(name)), expected);
    await page.locator('.chat-row', { hasText: 'Anil Kapoor' }).click();
    await page.locator('.bubble', { hasText: 'still here' }).waitFor();
    const botLines = await page.locator('.bubble[data-author=bot] .bubble-text').allTextContents();
    const holding = botLines.filter((text) => text.includes('in the queue'));
    assert.deepEqual(holding, ['Thanks for waiting: you are number 2 in the queue, and an agent will be with you shortly.']);
    assert.ok(!botLines.some((text) => text.includes("I'm not sure I can help")), 'no fallback while waiting');
    await screenshot(page, 'queue');

    // Meera takes Anil; a colleague takes Bela. In Intervened, "Mine" keeps Meera's own.
    const manager = await login(url, MANAGER);
    const ravi = await createAgent(url, manager, 'Ravi');
    assert.equal((await call(url, await login(url, ravi), 'POST', '/api/users/919800000002/intervene')).status, 200);
    await page.getByRole('button', { name: 'Intervene' }).click();
    await page.locator('[data-parameter=status] dd', { hasText: 'Intervened' }).waitFor();
    await page.getByRole('tab', { name: /Intervened/ }).click();
    const live = () => page.locator('.chat-row .chat-name').allTextContents();
    await page.locator('.chat-row', { hasText: 'Bela Shah' }).waitFor();
    assert.deepEqual((await live()).sort(), ['Anil Kapoor', 'Bela Shah', 'Deepa Menon']);
    await page.getByRole('button', { name: 'Mine' }).click();
    await page.waitForFunction(() => {
      const names = [...document.querySelectorAll('.chat-row .chat-name')].map((el) => el.textContent);
      return names.length === 2 && !names.includes('Bela Shah');
    });
    assert.deepEqual((await live()).sort(), ['Anil Kapoor', 'Deepa Menon']);
    await page.close();
  });

  test('one search finds customers in any section by digits or by what they wrote, and opens the chat at the message', async () => {
    const { url } = suite.server;
    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(page, `${url}/sections/active`, MANAGER);
    const search = page.getByLabel('Search customers by name, number or message');

    await search.fill('98450 12345');
    const result = page.locator('.search-result', { hasText: 'Deepa Menon' });
    await result.waitFor();
    assert.match(await result.textContent(), /Intervened/);
    assert.match(await result.textContent(), /Number/);

    await search.fill('line 12 of my');
    const found = page.locator('.search-result', { hasText: 'Deepa Menon' });
    await found.locator('.snippet mark', { hasText: '12' }).waitFor();
    await screenshot(page, 'search-results');
    await found.click();
    await page.waitForURL(/\/chats\/919845012345\?message=\d+$/);
    const target = page.locator('.bubble', { hasText: 'Line 12 of my long story' });
    await target.waitFor();
    await page.waitForFunction(() => document.querySelector('.bubble.found') !== null);
    assert.ok(await inView(page, 'Line 12 of my long story'), 'the found message is in view');
    assert.equal(await page.locator('.bubble', { hasText: 'And another' }).count(), 0, 'the newest are further down, not loaded yet');
    // Reading down reaches the newest message.
    await page.locator('.new-messages', { hasText: 'Jump to the newest messages' }).click();
    await page.locator('.bubble', { hasText: 'And another' }).waitFor();
    await waitAtBottom(page);
    assert.ok(await inView(page, 'And another'));

    await search.fill('nobody writes this');
    await page.getByText('Nobody matches “nobody writes this”.').waitFor();
    await search.press('Escape');
    await page.locator('.chat-row').first().waitFor();
    await page.close();
  });

  test('a customer who edits or deletes a message changes the open thread at once, and no counter moves', async () => {
    const { url } = suite.server;
    const anjali = '919833333333';
    await deliver(url, textWithId(anjali, 'Anjali Rao', 'wamid.e2e.anjali.1', 'Deliver to Flat 4B'));
    await deliver(url, textWithId(anjali, 'Anjali Rao', 'wamid.e2e.anjali.2', 'My card number is 4111 1111'));
    const manager = await login(url, MANAGER);
    const { body: before } = await call(url, manager, 'GET', `/api/users/${anjali}`);

    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(page, `${url}/chats/${anjali}`, MANAGER);
    await page.locator('.bubble', { hasText: 'My card number' }).waitFor();
    const edit = changedMessage(anjali, 'wamid.e2e.anjali.1', 'Deliver to Flat 4C, not 4B');
    const deletion = changedMessage(anjali, 'wamid.e2e.anjali.2');
    await deliver(url, edit);
    await deliver(url, deletion);
    const edited = page.locator('.bubble', { hasText: 'Deliver to Flat 4C, not 4B' });
    await edited.locator('.edited', { hasText: 'edited' }).waitFor();
    await page.locator('.bubble.deleted', { hasText: 'This message was deleted' }).waitFor();
    assert.equal(await page.locator('.bubble', { hasText: 'My card number' }).count(), 0, 'the deleted words are gone');
    assert.equal(await page.locator('.bubble', { hasText: 'Flat 4B' }).count(), 0, 'only the edited words show');
    await screenshot(page, 'edited-and-deleted');

    // The same notices again (WhatsApp retries) change nothing; none counts as a message.
    await deliver(url, edit);
    await deliver(url, deletion);
    const { body: after } = await call(url, manager, 'GET', `/api/users/${anjali}`);
    assert.equal(after.session_messages, before.session_messages);
    assert.equal(after.last_active_at, before.last_active_at);
    await page.reload();
    await page.locator('.bubble.deleted').waitFor();
    assert.equal(await page.locator('.bubble', { hasText: 'My card number' }).count(), 0);
    await page.close();
  });

  test('the users export downloads whole in the browser, every row counted', async () => {
    const { url } = suite.server;
    const page = await suite.browser.newPage({ viewport: VIEWPORT, acceptDownloads: true });
    await signIn(page, `${url}/manage/users`, MANAGER);
    await page.locator('.user-row').first().waitFor();
    const shown = await page.locator('.user-row').count();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    assert.equal(await download.failure(), null, 'the download completed');
    let text = '';
    for await (const chunk of await download.createReadStream()) text += chunk;
    const rows = text.trim().split('\r\n');
    assert.equal(rows[0].split(',')[0], 'phone');
    assert.equal(rows.length - 1, shown, 'one row per customer in the table');
    assert.ok(rows.some((row) => row.startsWith('919845012345,Deepa Menon,intervened')));
    await page.close();
  });

  test('a chat clicked in the list says at once whose it is, and asks for its profile and thread together', async () => {
    const { url } = suite.server;
    const farah = '919877700001';
    await customerWrites(url, farah, 'Farah Khan', 'agent please');
    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    const errors = watchConsole(page);
    await signIn(page, `${url}/sections/requesting`, MANAGER);
    const row = page.locator('.chat-row', { hasText: 'Farah Khan' });
    await row.waitFor();
    // The server is slow to answer: each of the chat's requests is held for
    // a second and a half, and when it arrived is noted.
    const asked = [];
    await page.route(new RegExp(`/api/users/${farah}(/messages.*)?$`), async (route) => {
      asked.push({ path: new URL(route.request().url()).pathname, at: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    const clicked = Date.now();
    await row.click();
    await page.locator('.chat-title h2', { hasText: 'Farah Khan' }).waitFor({ timeout: 1000 });
    assert.ok(Date.now() - clicked < 1000, 'the name heads the chat before the server answers');
    assert.equal(await page.locator('.chat-title .status-badge').textContent(), 'Requesting');
    await page.getByText('Loading the chat…').waitFor();
    await page.getByText('Loading the profile…').waitFor();

    await page.locator('.bubble', { hasText: 'agent please' }).waitFor();
    await page.locator('[data-parameter=status] dd', { hasText: 'Requesting' }).waitFor();
    await page.getByRole('button', { name: 'Intervene' }).waitFor();
    const profile = asked.find((request) => request.path === `/api/users/${farah}`);
    const thread = asked.find((request) => request.path === `/api/users/${farah}/messages`);
    assert.ok(profile && thread, `both were asked for: ${JSON.stringify(asked)}`);
    assert.ok(Math.abs(profile.at - thread.at) < 500, 'the thread was not waiting for the profile');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
