// The whole chat lifecycle in real browsers against the real server,
// driven by signed WhatsApp webhooks: live sections and badges, intervene,
// reply, template, resolve, reopen — with the profile card's counters
// checked at each step — plus two agents racing and the window rule.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { call, createAgent, login } from './support/api.mjs';
import { launchBrowser, screenshot, signIn, VIEWPORT, watchConsole } from './support/browser.mjs';
import { MANAGER, startServer } from './support/server.mjs';
import { customerWrites } from './support/whatsapp.mjs';

const PRIYA = '919876543210';

/** The value of one profile-card parameter. */
function parameter(page, name) {
  return page.locator(`[data-parameter=${name}] dd`);
}

async function expectParameters(page, expected) {
  for (const [name, value] of Object.entries(expected)) {
    await parameter(page, name).filter({ hasText: new RegExp(`^${value}$`) }).waitFor({ timeout: 5000 })
      .catch(async () => assert.fail(`${name}: expected ${value}, shown ${await parameter(page, name).textContent()}`));
  }
}

async function openTab(page, label) {
  await page.getByRole('tab', { name: new RegExp(label) }).click();
}

async function openChat(page, name) {
  await page.locator('.chat-row', { hasText: name }).click();
  await page.locator('.chat-title h2', { hasText: name }).waitFor();
}

describe('chat lifecycle', () => {
  let server;
  let browser;
  let asha;
  let ravi;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const manager = await login(server.url, MANAGER);
    asha = await createAgent(server.url, manager, 'Asha');
    ravi = await createAgent(server.url, manager, 'Ravi');
    const template = await call(server.url, manager, 'POST', '/api/templates', {
      name: 'order_update', language: 'en', category: 'utility', body: 'Hi {{1}}, your order {{2}} is on its way.',
    });
    assert.equal(template.status, 201);
    const approved = await call(server.url, manager, 'PUT', `/api/templates/${template.body.id}/status`, { status: 'approved' });
    assert.equal(approved.status, 200);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a customer goes from Active to Requesting, is helped by an agent, resolved, and comes back', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await signIn(page, server.url, asha);
    const errors = watchConsole(page);
    await page.locator('.live-indicator:not(.down)').waitFor();
    await openTab(page, 'Active');

    // A new customer writes: they appear in Active, live.
    await customerWrites(server.url, PRIYA, 'Priya Sharma', 'Hello, I have a question');
    await page.locator('.chat-row', { hasText: 'Priya Sharma' }).waitFor();
    await openChat(page, 'Priya Sharma');
    await expectParameters(page, { status: 'Active', session_messages: '2', unresolved_queries: '0', template_messages: '0', source: 'Organic' });

    // They ask for an agent: Requesting, and the badge goes up without a reload.
    await customerWrites(server.url, PRIYA, 'Priya Sharma', 'Can I talk to an agent?');
    await page.locator('[data-status=requesting] .tab-count.badge', { hasText: '1' }).waitFor();
    await expectParameters(page, { status: 'Requesting', session_messages: '4', unresolved_queries: '1' });
    await page.locator('.system-line', { hasText: 'Requested an agent' }).waitFor();
    assert.equal(await page.locator('.chat-row', { hasText: 'Priya Sharma' }).count(), 0, 'she left the Active list');
    assert.ok(await page.locator('.composer-input').isDisabled(), 'no reply before intervening');
    await screenshot(page, 'chat-requesting');

    // Asha intervenes and replies.
    await page.locator('[data-action=intervene]').click();
    await expectParameters(page, { status: 'Intervened', holder: 'Asha' });
    await page.locator('.composer-input').fill("Hi Priya, I'm Asha. How can I help?");
    await page.locator('.composer-input').press('Enter');
    await page.locator('.bubble[data-author=agent]', { hasText: "I'm Asha" }).waitFor();
    assert.equal(await page.locator('.bubble[data-author=agent] .bubble-author').last().textContent(), 'Asha');
    await expectParameters(page, { session_messages: '5' });

    // The customer answers; the bot stays silent while Asha holds the chat.
    await customerWrites(server.url, PRIYA, 'Priya Sharma', 'My order 4521 is late <b>again</b>');
    await page.locator('.bubble[data-author=user]', { hasText: 'My order 4521 is late' }).waitFor();
    assert.equal(await page.locator('.bubble[data-author=user] b').count(), 0, 'text is shown as text, never HTML');
    await expectParameters(page, { session_messages: '6' });

    // A template, with its parameters filled and previewed.
    await page.getByRole('button', { name: 'Template' }).click();
    await page.getByLabel('Template', { exact: true }).selectOption('order_update:en');
    await page.getByLabel('Parameter 1').fill('Priya');
    await page.getByLabel('Parameter 2').fill('4521');
    assert.equal(await page.locator('.template-preview').textContent(), 'Hi Priya, your order 4521 is on its way.');
    await page.getByRole('button', { name: 'Send template' }).click();
    await page.locator('.bubble.template').waitFor();
    await expectParameters(page, { template_messages: '1', session_messages: '6' });
    await page.locator('.bubble[data-author=agent] .tick[data-delivery=sent]').first().waitFor();
    await screenshot(page, 'chat-intervened');

    // Resolve asks first; once confirmed: Closed, back to the bot; the
    // composer says why it is off.
    await page.locator('[data-action=resolve]').click();
    await page.getByRole('dialog', { name: 'Resolve this chat?' }).getByRole('button', { name: 'Resolve chat' }).click();
    await expectParameters(page, { status: 'Closed', holder: '—' });
    await page.locator('.system-line', { hasText: 'Resolved by Asha' }).waitFor();
    assert.ok(await page.locator('.composer-input').isDisabled());

    // The customer writes again: Active, and the counters are exact.
    await customerWrites(server.url, PRIYA, 'Priya Sharma', 'Thanks!');
    await expectParameters(page, { status: 'Active', session_messages: '8', template_messages: '1', unresolved_queries: '1' });
    await page.locator('.system-line', { hasText: 'Reopened: the customer wrote again' }).waitFor();
    await screenshot(page, 'chat-reopened');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('two agents intervening at once: one wins, the other is told plainly', async () => {
    await customerWrites(server.url, '14155550123', 'Jordan Lee', 'agent please');
    const pages = [];
    for (const agent of [asha, ravi]) {
      const context = await browser.newContext({ viewport: VIEWPORT });
      const page = await context.newPage();
      // Without live events neither page learns of the other's click
      // before its own, so both requests really race at the server.
      await page.route('**/api/events', (route) => route.abort());
      await signIn(page, server.url, agent);
      await openChat(page, 'Jordan Lee');
      pages.push(page);
    }
    await Promise.all(pages.map((page) => page.locator('[data-action=intervene]').click()));

    const refused = [];
    for (const page of pages) {
      await parameter(page, 'status').filter({ hasText: 'Intervened' }).waitFor();
      if (await page.getByRole('alert').count()) refused.push(page);
    }
    assert.equal(refused.length, 1, 'exactly one agent is told someone else was faster');
    assert.equal(await refused[0].getByRole('alert').locator('span').textContent(), 'Another agent is already handling this chat.');
    const winner = pages.find((page) => page !== refused[0]);
    const holder = await parameter(winner, 'holder').textContent();
    await parameter(refused[0], 'holder').filter({ hasText: holder }).waitFor();
    assert.ok(await refused[0].locator('.composer-input').isDisabled(), 'the loser cannot write');
    await screenshot(refused[0], 'race-refused');
    for (const page of pages) await page.context().close();
  });

  test('outside the 24-hour window the composer is refused, with templates still available', async () => {
    await customerWrites(server.url, '447700900123', 'Amelia Clarke', 'Are you open on Sunday?', 25 * 3600);
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await signIn(page, server.url, asha);
    await openTab(page, 'History');
    await openChat(page, 'Amelia Clarke');

    // No free text: the template picker is offered in its place.
    assert.ok(await page.locator('.composer-input').isHidden());
    assert.match(await page.locator('.composer-reason').textContent(), /24-hour window is closed/);
    assert.ok(await page.getByLabel('Template', { exact: true }).isVisible());
    assert.ok(await page.locator('[data-action=intervene]').isDisabled());
    assert.match(await page.locator('[data-action=intervene]').getAttribute('title'), /24-hour window is closed/);
    await expectParameters(page, { window: 'Closed' });
    assert.ok(await page.getByLabel('Template', { exact: true }).isEnabled());
    await screenshot(page, 'history-read-only');
    await context.close();
  });
});
