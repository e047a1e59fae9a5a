// Campaigns and API tokens in a real browser: a manager creates a token
// (shown once), a system starts a campaign with it, the funnel fills in
// live, and a revoked token is refused.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { call, login } from './support/api.mjs';
import { openManaged, screenshot, signIn, VIEWPORT, watchConsole } from './support/browser.mjs';
import { MANAGER } from './support/server.mjs';
import { serverAndBrowser } from './support/suite.mjs';

async function startCampaign(serverUrl, token, body) {
  const response = await fetch(`${serverUrl}/api/v1/campaigns`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe('campaigns page', () => {
  const suite = serverAndBrowser();

  before(async () => {
    const { url } = suite.server;
    const cookie = await login(url, MANAGER);
    const created = await call(url, cookie, 'POST', '/api/templates', {
      name: 'diwali_offer', language: 'en', category: 'marketing', body: 'Hi {{1}}, hampers are 15% off until {{2}}.',
    });
    assert.equal(created.status, 201);
    const approved = await call(url, cookie, 'PUT', `/api/templates/${created.body.id}/status`, { status: 'approved' });
    assert.equal(approved.status, 200);
  });

  test('a token is created once, a campaign started with it shows its funnel, and a revoked token is refused', async () => {
    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(page, suite.server.url, MANAGER);
    const errors = watchConsole(page);
    await openManaged(page, 'Campaigns and API');
    await page.getByText('No campaigns yet.').waitFor();

    const tokens = page.getByRole('region', { name: 'API tokens' });
    await tokens.getByLabel('Token name').fill('Shop orders');
    await tokens.getByRole('button', { name: 'Create token' }).click();
    const secret = await tokens.getByLabel('New API token').inputValue();
    assert.match(secret, /^hov_[0-9a-f]{64}$/);
    await tokens.locator('tr', { hasText: 'Shop orders' }).locator('.review', { hasText: 'Active' }).waitFor();

    const recipients = Array.from({ length: 40 }, (_, n) => ({
      phone: `+9198${String(n).padStart(8, '0')}`, name: `Customer ${n}`, params: [`Customer ${n}`, 'Sunday'],
    }));
    recipients.push({ phone: '12345', params: ['Nobody', 'Sunday'] });
    const started = await startCampaign(suite.server.url, secret, {
      idempotency_key: 'diwali-2026', name: 'Diwali hampers', template: 'diwali_offer', language: 'en', recipients,
    });
    assert.equal(started.status, 201);
    assert.equal(started.body.funnel.queued, 40);

    // The funnel fills in without a reload.
    const card = page.getByRole('listitem', { name: 'Campaign Diwali hampers' });
    await card.waitFor();
    await card.locator('.funnel-step[data-step="sent"] dd', { hasText: /^40$/ }).waitFor();
    assert.equal(await card.locator('.funnel-step[data-step="queued"] dd').textContent(), '40');
    assert.equal(await card.locator('.funnel-step[data-step="failed"] dd').textContent(), '0');
    await card.getByText('1 recipient(s) refused by the request').click();
    await card.getByText(/#40 12345 — /).waitFor();
    // The token's last use shows without a reload.
    await tokens.locator('tr', { hasText: 'Shop orders' }).filter({ hasNotText: 'Never' }).waitFor();
    await screenshot(page, 'campaigns');

    // Revoked: the next call is refused.
    await tokens.getByRole('button', { name: 'Revoke Shop orders' }).click();
    await tokens.locator('tr', { hasText: 'Shop orders' }).locator('.review', { hasText: 'Revoked' }).waitFor();
    const refused = await startCampaign(suite.server.url, secret, {
      idempotency_key: 'after-revoke', template: 'diwali_offer', language: 'en', recipients: recipients.slice(0, 1),
    });
    assert.equal(refused.status, 401);

    assert.deepEqual(errors, []);
    await page.close();
  });
});
