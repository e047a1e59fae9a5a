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
import { customerWrites } from './support/whatsapp.mjs';

describe('reports', () => {
  const suite = serverAndBrowser();

  /** The value of the headline figure named `label`. */
  const figure = (page, label) => page.locator('.report-figure', { has: page.locator('dt', { hasText: label }) }).locator('dd').first();

  test('a manager reads the day in figures, a chart with its table, and each agent', async () => {
    const { url } = suite.server;
    const managerCookie = await login(url, MANAGER);
    const asha = await createAgent(url, managerCookie, 'Asha');
    const ashaCookie = await login(url, asha);

    // A customer the bot handles alone; two who ask for a person; Asha
    // takes one, answers and resolves it.
    await customerWrites(url, '919822200001', 'Kiran Rao', 'Hello, what are your opening hours?');
    await customerWrites(url, '919822200002', 'Leela Iyer', 'agent');
    await customerWrites(url, '919822200003', 'Manoj Pillai', 'human please');
    assert.equal((await call(url, ashaCookie, 'POST', '/api/users/919822200002/intervene')).status, 200);
    assert.equal((await call(url, ashaCookie, 'POST', '/api/users/919822200002/messages', { text: 'Hi Leela, how can I help?' })).status, 201);
    assert.equal((await call(url, ashaCookie, 'POST', '/api/users/919822200002/resolve')).status, 200);

    const page = await suite.browser.newPage({ viewport: VIEWPORT, acceptDownloads: true });
    const errors = watchConsole(page);
    await signIn(page, url, MANAGER);
    await openManaged(page, 'Reports');
    await page.waitForURL(/\/manage\/reports$/);
    await page.locator('.report-figure').first().waitFor();

    assert.equal(await figure(page, 'Customers').textContent(), '3');
    assert.equal(await figure(page, 'Handled by the bot').textContent(), '33.3%');
    assert.equal(await figure(page, 'Escalations').textContent(), '2');
    assert.equal(await figure(page, 'Resolved').textContent(), '1');
    assert.equal(await figure(page, 'Missed requests').textContent(), '0');
    await page.getByRole('img', { name: /per day/ }).waitFor();
    await screenshot(page, 'reports');

    // The chart says what it shows, and its table has the same numbers.
    const chart = page.getByRole('img', { name: /Customers and escalations per day, 7 days, 3 customers in all/ });
    await chart.waitFor();
    assert.equal(await page.locator('.daily-chart g.day').count(), 7);
    await page.getByText('Show as a table').click();
    const today = page.locator('.chart-table tbody tr').last();
    assert.deepEqual(
      (await today.locator('td').allTextContents()).slice(1),
      ['3', '2', '0', '1'],
    );

    const ashaRow = page.locator('.agents-report tr', { hasText: 'Asha' });
    assert.deepEqual(
      (await ashaRow.locator('td').allTextContents()).map((cell) => cell.trim()),
      ['Asha', '1', '1', (await ashaRow.locator('td').nth(3).textContent()).trim(), '1'],
    );
    assert.match(await ashaRow.locator('td').nth(3).textContent(), /^\d+ s$|^\d+ min/);

    // The CSV of the 7 days: a header and a line per day, today's last.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    assert.equal(await download.failure(), null, 'the download completed');
    let text = '';
    for await (const chunk of await download.createReadStream()) text += chunk;
    const rows = text.trim().split('\r\n');
    assert.equal(rows[0], 'day,customers,escalations,missed_requests,resolved');
    assert.equal(rows.length, 8);
    assert.match(rows[7], /^\d{4}-\d{2}-\d{2},3,2,0,1$/);

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
});
