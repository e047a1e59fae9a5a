// The Bot page in a real browser: edit the configuration, try the unsaved
// draft as a customer, see problems listed by field, save and roll back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { call, login } from './support/api.mjs';
import { launchBrowser, openManaged, screenshot, signIn, VIEWPORT, watchConsole } from './support/browser.mjs';
import { MANAGER, startServer } from './support/server.mjs';

describe('bot page', () => {
  let server;
  let browser;
  let defaults;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    defaults = (await call(server.url, await login(server.url, MANAGER), 'GET', '/api/bot')).body.config;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a manager tries an unsaved draft, fixes what it lists by field, saves and rolls back', async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, server.url, MANAGER);
    const errors = watchConsole(page);
    await openManaged(page, 'Bot');
    await page.locator('.bot-version', { hasText: 'Built-in default' }).waitFor();

    const draft = {
      ...defaults,
      intents: [
        { id: 'refund', keywords: ['refund'], always_escalate: true, reply: { type: 'text', text: 'Sorry to hear that.' } },
        { id: 'hours', examples: ['What are your opening hours?'], reply: { type: 'text', text: 'We are open 9 to 6.' } },
      ],
    };
    await page.getByRole('button', { name: 'JSON' }).click();
    const editor = page.getByLabel('Bot configuration (JSON)');
    await editor.fill(JSON.stringify(draft, null, 2));

    // Try the draft before saving it.
    const say = async (text) => {
      await page.getByLabel('Message as a customer').fill(text);
      await page.getByLabel('Message as a customer').press('Enter');
    };
    await say('hello');
    await page.locator('.simulation .bubble[data-author=bot]', { hasText: defaults.welcome }).waitFor();
    await say('what are your openin hours');
    await page.locator('.simulation-facts', { hasText: /Intent hours · confidence \d+%/ }).waitFor();
    await say('I want a refund');
    await page.locator('.simulation-facts', { hasText: 'Intent refund · confidence 100% · Escalates: Intent refund always goes to an agent' }).waitFor();
    await screenshot(page, 'bot-simulator');
    assert.equal((await call(server.url, await login(server.url, MANAGER), 'GET', '/api/bot')).body.version, 0, 'nothing saved yet');

    // An invalid draft: the problems are listed by field and nothing is saved.
    const invalid = structuredClone(draft);
    invalid.intents[1].reply = { type: 'buttons', text: 'Pick', buttons: ['a', 'b', 'c', 'd'].map((id) => ({ id, title: id })) };
    await editor.fill(JSON.stringify(invalid, null, 2));
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert', { name: 'Problems' }).locator('code', { hasText: 'intents[1].reply.buttons' }).waitFor();
    assert.ok(await page.locator('.bot-notice.error').isVisible(), 'a refused save looks like one');
    await screenshot(page, 'bot-problems');

    await editor.fill(JSON.stringify(draft, null, 2));
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.bot-notice', { hasText: 'Saved as version 1.' }).waitFor();
    await page.locator('.versions li', { hasText: 'Version 1 by Meera' }).waitFor();
    assert.equal(await page.getByRole('alert', { name: 'Problems' }).count(), 0);

    await page.locator('.versions li', { hasText: 'Version 1 by Meera' }).getByRole('button', { name: 'Roll back' }).click();
    await page.locator('.bot-notice', { hasText: 'Saved as version 2.' }).waitFor();
    await page.locator('.versions li', { hasText: 'Rolled back to version 1' }).waitFor();

    // Back to the inbox with a tab.
    await page.getByRole('tab', { name: /Requesting/ }).click();
    await page.locator('.sidebar').waitFor();
    // The browser logs the deliberate 422 of the invalid save; nothing else.
    assert.deepEqual(errors.filter((error) => !error.includes('status of 422')), []);
    await page.close();
  });

  test('a manager adds an intent with buttons in the form, tries it, switches a rule off and saves', async () => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await signIn(page, server.url, MANAGER);
    const errors = watchConsole(page);
    await openManaged(page, 'Bot');
    await page.getByRole('region', { name: 'refund' }).waitFor();
    await screenshot(page, 'bot-form-top');

    // A new intent, filled in field by field.
    await page.getByRole('button', { name: 'Add intent' }).click();
    const intent = page.getByRole('region', { name: 'intent_1' });
    await intent.getByLabel('Id').fill('gift_wrap');
    const wrap = page.getByRole('region', { name: 'gift_wrap' });
    await wrap.getByLabel('Example phrases (one per line)').fill('do you gift wrap\ncan you wrap it as a gift\n');
    await wrap.getByLabel('Keywords (one per line)').fill('gift wrap');
    await wrap.getByLabel('Reply type').selectOption('buttons');
    await wrap.getByLabel('Reply text').fill('Yes, every order can be gift wrapped for free.');
    await wrap.getByRole('button', { name: 'Add button' }).click();
    await wrap.getByLabel('Title').fill('Opening hours');
    await wrap.getByLabel('Leads to intent (id)').fill('hours');

    await wrap.scrollIntoViewIfNeeded();
    await screenshot(page, 'bot-form-intent');

    // Business hours: on, without Saturdays.
    await page.getByLabel('Agents work set hours (otherwise: always)').check();
    await page.getByRole('group', { name: 'Open days' }).getByLabel('Sat').uncheck();
    await page.getByLabel('Opens').fill('10:00');

    // The escalation after fallbacks is switched off.
    await page.getByLabel('After this many answers in a row the bot could not give:').uncheck();
    assert.equal(await page.getByLabel('Fallbacks in a row').isDisabled(), true);

    // The unsaved form answers in Try the bot.
    await page.getByLabel('Message as a customer').fill('Could you gift wrap my order?');
    await page.getByLabel('Message as a customer').press('Enter');
    const wrapped = page.locator('.simulation .bubble[data-author=bot]', { hasText: 'gift wrapped for free' });
    await wrapped.waitFor();
    // Its button shows under it, as the customer would see it.
    assert.deepEqual(await wrapped.locator('.offered-option').allTextContents(), ['Opening hours']);
    await page.locator('.simulation-facts', { hasText: 'Intent gift_wrap · confidence 100%' }).waitFor();
    // A message no intent answers names the nearest one and how close it came.
    await page.getByLabel('Message as a customer').fill('do you do wrapping');
    await page.getByLabel('Message as a customer').press('Enter');
    await page.locator('.simulation-facts', { hasText: /No intent matched · nearest: gift_wrap at \d+%/ }).waitFor();
    await screenshot(page, 'bot-form');

    // The JSON view shows the same draft.
    await page.getByRole('button', { name: 'JSON' }).click();
    const json = JSON.parse(await page.getByLabel('Bot configuration (JSON)').inputValue());
    assert.equal(json.escalation.after_fallbacks, null);
    assert.deepEqual(json.business_hours, { utc_offset_minutes: 330, days: [1, 2, 3, 4, 5], opens: '10:00', closes: '18:00' });
    await page.getByRole('button', { name: 'Form' }).click();

    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.bot-notice', { hasText: 'Saved as version 3.' }).waitFor();
    const saved = (await call(server.url, await login(server.url, MANAGER), 'GET', '/api/bot')).body.config;
    const added = saved.intents.find((each) => each.id === 'gift_wrap');
    assert.deepEqual(added, {
      id: 'gift_wrap',
      examples: ['do you gift wrap', 'can you wrap it as a gift'],
      keywords: ['gift wrap'],
      reply: { type: 'buttons', text: 'Yes, every order can be gift wrapped for free.', buttons: [{ id: 'hours', title: 'Opening hours' }] },
      always_escalate: false,
    }, 'saved without the blank line the form kept while typing');
    assert.equal(saved.escalation.after_fallbacks, null);
    assert.deepEqual(saved.business_hours.days, [1, 2, 3, 4, 5]);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
