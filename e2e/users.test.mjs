// The managers' Users page in a real browser: a CSV import checked first
// (dry run), then imported with its progress and report, the table's
// filters and search, the export link, and a row opening the customer.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { openManaged, screenshot, signIn, VIEWPORT, watchConsole } from './support/browser.mjs';
import { MANAGER } from './support/server.mjs';
import { serverAndBrowser } from './support/suite.mjs';
import { customerWrites } from './support/whatsapp.mjs';

/** A file as exported from a spreadsheet: BOM, CRLF, quotes, a repeated
 *  and a bad number, plus a thousand more rows so there is work to show. */
function contactsFile() {
  const lines = [
    '\uFEFFFull Name,Mobile No,City',
    'Kavya Menon,098200 11111,Kochi',
    '"Iyer, Arjun",+91 98200 22222,"Chennai, TN"',
    'Kavya again,9820011111,Kochi',
    'Wrong Number,12345,Pune',
  ];
  for (let n = 0; n < 1000; n += 1) lines.push(`Fair visitor ${n},98${String(n).padStart(8, '0')},Pune`);
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

describe('users and imports', () => {
  const suite = serverAndBrowser();

  test('a manager checks and imports a CSV file, then finds and opens an imported customer', async () => {
    await customerWrites(suite.server.url, '919811100001', 'Rohan Das', 'Hello, are you open today?');
    const page = await suite.browser.newPage({ viewport: VIEWPORT, acceptDownloads: true });
    await signIn(page, suite.server.url, MANAGER);
    const errors = watchConsole(page);
    await openManaged(page, 'Users');
    await page.locator('.user-row', { hasText: 'Rohan Das' }).waitFor();

    await page.getByRole('button', { name: 'Import CSV' }).click();
    const panel = page.getByRole('region', { name: 'Import contacts' });
    await panel.locator('input[type="file"]').setInputFiles({ name: 'fair-contacts.csv', mimeType: 'text/csv', buffer: contactsFile() });
    await panel.getByLabel('Source for new customers').fill('Kochi fair 2026');

    // The dry run says what would happen and writes nothing.
    await panel.getByRole('button', { name: 'Check first (dry run)' }).click();
    await panel.getByText('Dry run of fair-contacts.csv: nothing was written').waitFor();
    const count = (label) => panel.locator('.import-count', { hasText: label }).locator('dd');
    assert.equal(await count('Would be created').textContent(), '1,002');
    assert.equal(await count('Would be skipped').textContent(), '2');
    assert.equal(await page.locator('.user-row').count(), 1, 'nothing was imported');

    // The import runs with a progress bar and ends with the report.
    await panel.getByRole('button', { name: 'Import', exact: true }).click();
    await panel.locator('progress[aria-label="Import progress"]').waitFor();
    await panel.getByText('Imported fair-contacts.csv').waitFor();
    assert.equal(await panel.locator('progress').getAttribute('value'), '100');
    assert.match(await panel.locator('.progress-text').textContent(), /100% · 1,004 rows read/);
    assert.equal(await count('Created').first().textContent(), '1,002');
    assert.equal(await count('Skipped').textContent(), '2');
    const skipped = panel.locator('.skipped-rows tbody tr');
    assert.deepEqual(await skipped.locator('td:first-child').allTextContents(), ['4', '5']);
    assert.match(await skipped.nth(0).textContent(), /the same number as line 2/);
    assert.match(await skipped.nth(1).textContent(), /not a valid number/);
    await screenshot(page, 'import-report');

    // The skipped rows download as CSV.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('link', { name: 'Download skipped rows (CSV)' }).click(),
    ]);
    const report = await download.createReadStream();
    let text = '';
    for await (const chunk of report) text += chunk;
    assert.equal(text.split('\r\n')[0], 'line,phone,reason');
    assert.match(text, /^4,9820011111,the same number as line 2$/m);

    // The table now holds the imported customers; filters narrow it.
    await panel.getByRole('button', { name: 'Close' }).click();
    await page.getByLabel('Source', { exact: true }).selectOption('Kochi fair 2026');
    await page.locator('.user-row', { hasText: 'Rohan Das' }).waitFor({ state: 'detached' });
    await page.locator('.user-row', { hasText: 'Fair visitor' }).first().waitFor();
    assert.match(await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href'), /source=Kochi%20fair%202026/);
    await page.getByLabel('Search users by name or number').fill('Iyer');
    await page.locator('.user-row', { hasText: 'Iyer, Arjun' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('.user-row').length === 1);
    await screenshot(page, 'users');

    // A row opens the customer in the inbox (History: they never wrote).
    await page.locator('.user-row', { hasText: 'Iyer, Arjun' }).click();
    const card = page.locator('.profile-card');
    await card.locator('.profile-name', { hasText: 'Iyer, Arjun' }).waitFor();
    await card.locator('.parameter', { hasText: 'Source' }).filter({ hasText: 'Kochi fair 2026' }).waitFor();
    await card.locator('.parameter', { hasText: 'City' }).filter({ hasText: 'Chennai, TN' }).waitFor();
    assert.equal(await page.locator('.section-tabs').getByRole('tab', { selected: true }).textContent().then((t) => t.includes('History')), true);

    assert.deepEqual(errors, []);
    await page.close();
  });
});
