// Reports in a real browser: a manager opens Manage → Reports after a
// morning of chats and reads the figures, the day-by-day chart and its
// table, the agents' table; changes the range; downloads the CSV and counts
// its rows; reloads the screen by its URL. An agent is told it is theirs
// to ask for.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { call, createAgent, login } from './support/api.mjs';
import { openManaged, screenshot, signIn, VIEWPORT, watchConsole } from './support/browser.mjs';
import { MANAGER } from './support/server.mjs';
import { serverAndBrowser } from './support/suite.mjs';
import { customerMessage, customerWrites, deliver } from './support/whatsapp.mjs';

describe('reports', () => {
  const suite = serverAndBrowser();

  /** The satisfaction question last sent to `waId`, as the sandbox recorded it. */
  async function surveySentTo(url, cookie, waId) {
    for (let tries = 0; tries < 100; tries += 1) {
      const outbox = await call(url, cookie, 'GET', '/api/sandbox/outbox');
      const question = outbox.body.find((sent) => sent.payload.to === waId && sent.payload.type === 'interactive');
      if (question) return question.payload.interactive;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no survey reached ${waId}`);
  }

  /** The value of the headline figure named `label`. */
  const figure = (page, label) => page.locator('.report-figure', { has: page.locator('dt', { hasText: label }) }).locator('dd').first();

  test('a manager reads the day in figures, a chart with its table, and each agent', async () => {
    const { url } = suite.server;
    const managerCookie = await login(url, MANAGER);
    const asha = await createAgent(url, managerCookie, 'Asha');
    const ashaCookie = await login(url, asha);
    const survey = { enabled: true, scale: 'thumbs', question: 'Did we help?', thanks: 'Thank you!' };
    assert.equal((await call(url, managerCookie, 'PUT', '/api/csat', survey)).status, 200);

    // A customer the bot handles alone; two who ask for a person; Asha
    // takes one, answers and resolves it.
    await customerWrites(url, '919822200001', 'Kiran Rao', 'Hello, what are your opening hours?');
    await customerWrites(url, '919822200002', 'Leela Iyer', 'agent');
    await customerWrites(url, '919822200003', 'Manoj Pillai', 'human please');
    assert.equal((await call(url, ashaCookie, 'POST', '/api/users/919822200002/intervene')).status, 200);
    assert.equal((await call(url, ashaCookie, 'POST', '/api/users/919822200002/messages', { text: 'Hi Leela, how can I help?' })).status, 201);
    assert.equal((await call(url, ashaCookie, 'POST', '/api/users/919822200002/resolve')).status, 200);
    // Leela taps 👍 on the survey that followed.
    const question = await surveySentTo(url, managerCookie, '919822200002');
    const up = question.action.buttons[0].reply;
    assert.equal(up.title, '👍 Yes');
    await deliver(url, customerMessage('919822200002', 'Leela Iyer', {
      type: 'interactive', interactive: { type: 'button_reply', button_reply: up },
    }));

    const page = await suite.browser.newPage({ viewport: VIEWPORT, acceptDownloads: true });
    const errors = watchConsole(page);
    await signIn(page, url, MANAGER);
    await openManaged(page, 'Reports');
    await page.waitForURL(/\/manage\/reports$/);
    await page.locator('.report-figure').first().waitFor();
    // The date fields say the 7 days on show, and follow another choice.
    const dayOf = (back) => page.evaluate((back) => {
      const day = new Date();
      day.setDate(day.getDate() - back);
      return `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
    }, back);
    assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), await dayOf(6));
    assert.equal(await page.getByLabel('To', { exact: true }).inputValue(), await dayOf(0));
    await page.getByRole('button', { name: '30 days' }).click();
    assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), await dayOf(29));
    await page.getByRole('button', { name: '7 days' }).click();

    assert.equal(await figure(page, 'Customers').textContent(), '3');
    assert.equal(await figure(page, 'Handled by the bot').textContent(), '33.3%');
    assert.equal(await figure(page, 'Escalations').textContent(), '2');
    assert.equal(await figure(page, 'Resolved').textContent(), '1');
    assert.equal(await figure(page, 'Missed requests').textContent(), '0');
    assert.equal(await figure(page, 'Satisfied').textContent(), '100%');
    assert.match(await page.locator('.report-figure', { hasText: 'Satisfied' }).textContent(), /of 1 answer \(1 asked\)/);
    await page.getByRole('img', { name: /per day/ }).waitFor();
    // The waits, containment by tag and the heatmap, each with its title.
    await page.getByRole('img', { name: 'How long 1 chats waited for an agent' }).waitFor();
    await page.getByRole('img', { name: /by first-message tag/ }).waitFor();
    await page.getByRole('img', { name: 'Requests for an agent by weekday and hour, 2 in all' }).waitFor();
    assert.equal(await page.locator('.heatmap rect.cell:not(.empty)').count() >= 1, true);
    await screenshot(page, 'reports');

    // The chart says what it shows, and its table has the same numbers.
    const chart = page.getByRole('img', { name: /Customers and escalations per day, 7 days, 3 customers in all/ });
    await chart.waitFor();
    assert.equal(await page.locator('.daily-chart g.day').count(), 7);
    await page.locator('.daily-chart').getByText('Show as a table').click();
    const today = page.locator('.daily-chart .chart-table tbody tr').last();
    assert.deepEqual(
      (await today.locator('td').allTextContents()).slice(1),
      ['3', '2', '0', '1'],
    );

    const ashaRow = page.locator('.agents-report tr', { hasText: 'Asha' });
    assert.deepEqual(
      (await ashaRow.locator('td').allTextContents()).map((cell) => cell.trim()),
      ['Asha', '1', '1', (await ashaRow.locator('td').nth(3).textContent()).trim(), '1', '100%'],
    );
    assert.match(await ashaRow.locator('td').nth(3).textContent(), /^\d+ s$|^\d+ min/);

    // The CSV of the 7 days: a header and a line per day, today's last.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download days (CSV)' }).click(),
    ]);
    assert.equal(await download.failure(), null, 'the download completed');
    let text = '';
    for await (const chunk of await download.createReadStream()) text += chunk;
    const rows = text.trim().split('\r\n');
    assert.equal(rows[0], 'day,customers,escalations,missed_requests,resolved');
    assert.equal(rows.length, 8);
    assert.match(rows[7], /^\d{4}-\d{2}-\d{2},3,2,0,1$/);

    // Broken down by why chats escalated: both asked for a person; and as a file.
    await page.getByRole('combobox', { name: 'Break down by' }).selectOption({ label: 'Why it escalated' });
    const asked = page.locator('.breakdown-table[data-by="intent"] tr', { hasText: 'Asked for a person' });
    await asked.waitFor();
    assert.equal((await asked.locator('td').nth(1).textContent()).trim(), '2');
    const [byIntent] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download breakdown (CSV)' }).click(),
    ]);
    assert.equal(byIntent.suggestedFilename(), 'handover-by-intent.csv');
    let intents = '';
    for await (const chunk of await byIntent.createReadStream()) intents += chunk;
    assert.deepEqual(intents.trim().split('\r\n').map((line) => line.split(',').slice(0, 2).join(',')), [
      'intent,escalations',
      'Asked for a person,2',
    ]);
    // By hour of the day in the viewer's zone: every hour a row, the three
    // customers and both requests in the hour they wrote in (summed, should
    // the hour have turned meanwhile); waits are not taken by the hour.
    await page.getByRole('combobox', { name: 'Break down by' }).selectOption({ label: 'Hour of day' });
    const hours = page.locator('.breakdown-table[data-by="hour"]');
    await hours.waitFor();
    assert.deepEqual(await hours.locator('th').allTextContents(), [
      'Hour of day', 'Customers', 'Handled by the bot', 'Escalations', 'Missed',
    ]);
    const cells = await hours.locator('tbody tr').evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent.trim())));
    assert.equal(cells.length, 24);
    const total = (column) => cells.reduce((sum, row) => sum + Number(row[column]), 0);
    assert.deepEqual([total(1), total(3), total(4)], [3, 2, 0]);
    await screenshot(page, 'reports-by-hour');

    // Today alone: one day, the same figures.
    await page.getByRole('button', { name: 'Today' }).click();
    await page.getByRole('img', { name: /1 days, 3 customers/ }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Today' }).getAttribute('aria-pressed'), 'true');
    assert.equal(await figure(page, 'Customers').textContent(), '3');

    // The screen opens again by its URL, and at a narrower width.
    await page.setViewportSize({ width: 1024, height: 800 });
    await page.reload();
    await page.locator('.report-figure').first().waitFor();
    assert.equal(await figure(page, 'Escalations').textContent(), '2');
    await screenshot(page, 'reports-1024');
    assert.deepEqual(errors, []);
    await page.close();

    // An agent is told the screen is the managers'.
    const agentPage = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(agentPage, `${url}/manage/reports`, asha);
    await agentPage.getByText('Only managers can open this screen').waitFor();
    await agentPage.close();
  });

  test('a manager sets the survey, reads who did what in the audit log, and sees the rating on the profile', async () => {
    const { url } = suite.server;
    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    const errors = watchConsole(page);
    await signIn(page, url, MANAGER);

    // The survey as the first test left it: on, 👍/👎; switched to 1 to 5.
    await openManaged(page, 'Satisfaction survey');
    await page.waitForURL(/\/manage\/satisfaction$/);
    const form = page.getByRole('form', { name: 'Satisfaction survey' });
    await form.getByRole('textbox', { name: 'Question', exact: true }).waitFor();
    await page.waitForFunction(() => document.querySelector('.csat-form textarea')?.value === 'Did we help?');
    assert.equal(await form.getByLabel('Ask customers after every Resolve').isChecked(), true);
    assert.equal(await form.getByLabel(/👍 or 👎/).isChecked(), true);
    await form.getByLabel(/1 to 5/).check();
    await form.getByRole('textbox', { name: 'Question', exact: true }).fill('How did we do today?');
    await screenshot(page, 'satisfaction');
    await form.getByRole('button', { name: 'Save survey' }).click();
    await page.getByRole('status').filter({ hasText: 'customers are asked after every Resolve' }).waitFor();
    const managerCookie = await login(url, MANAGER);
    const saved = await call(url, managerCookie, 'GET', '/api/csat');
    assert.equal(saved.body.scale, 'one_to_five');
    assert.equal(saved.body.question, 'How did we do today?');

    // The audit log: newest first; the survey saved twice, Asha's resolve.
    await openManaged(page, 'Audit log');
    await page.waitForURL(/\/manage\/audit$/);
    const rows = page.locator('.audit-table tbody tr');
    await rows.first().waitFor();
    assert.match(await rows.first().textContent(), /Settings.*Satisfaction survey.*1 to 5/);
    const resolved = rows.filter({ hasText: 'Resolved' });
    assert.match(await resolved.first().textContent(), /Asha.*Leela Iyer \+919822200002/);
    await screenshot(page, 'audit');
    await page.getByRole('combobox', { name: 'What' }).selectOption({ label: 'Settings' });
    // The list empties while the filtered page loads: wait for its rows.
    await page.waitForFunction(() => {
      const shown = [...document.querySelectorAll('.audit-table tbody tr')];
      return shown.length === 2 && shown.every((row) => row.textContent.includes('Settings'));
    });
    await page.getByRole('combobox', { name: 'What' }).selectOption({ label: 'Everything' });
    await page.getByRole('combobox', { name: 'Who' }).selectOption({ label: 'Asha' });
    await page.waitForFunction(() => {
      const shown = [...document.querySelectorAll('.audit-table tbody tr')];
      return shown.length === 2 && shown.every((row) => row.textContent.includes('Asha'));
    });
    assert.deepEqual(await rows.locator('.audit-kind').allTextContents(), ['Resolved', 'Intervened']);

    // The chat named in the log opens, and its profile shows Leela's rating.
    await resolved.first().getByRole('link', { name: 'Leela Iyer' }).click();
    await page.waitForURL(/\/chats\/919822200002$/);
    const rating = page.locator('.parameter[data-parameter="satisfaction"] dd');
    await rating.filter({ hasText: '👍' }).waitFor();
    assert.match(await rating.textContent(), /^👍 · Asha, \d{2}-\d{2}-\d{4}$/);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
