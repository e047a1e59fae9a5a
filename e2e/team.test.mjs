// The Team screen in a real browser: a manager adds an agent, sees who is
// online, renames, changes a role, disables, re-enables and resets a
// password; the agent sees the team, read-only, and changes her own
// password by giving the current one, which signs out her other sessions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { login } from './support/api.mjs';
import { screenshot, signIn, VIEWPORT, watchConsole } from './support/browser.mjs';
import { MANAGER } from './support/server.mjs';
import { serverAndBrowser } from './support/suite.mjs';

const ASHA = { email: 'asha.rao@example.com', password: 'first-password' };

describe('team', () => {
  const suite = serverAndBrowser();

  test('a manager runs the team and an agent sees who is online', async () => {
    const { url } = suite.server;
    const page = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(page, `${url}/manage/team`, MANAGER);
    const errors = watchConsole(page);
    const row = (text) => page.locator('.member-row', { hasText: text });
    await row('Meera').locator('.presence', { hasText: 'Online' }).waitFor();

    // Add Asha as an agent.
    const form = page.getByRole('region', { name: 'Add someone to the team' });
    await form.getByLabel('Name').fill('Asha Rao');
    await form.getByLabel('E-mail').fill(ASHA.email);
    await form.getByLabel('First password').fill(ASHA.password);
    await form.getByRole('button', { name: 'Add to the team' }).click();
    await page.getByText('Asha Rao was added and can sign in now.').waitFor();
    await row('Asha Rao').locator('.presence', { hasText: 'Offline' }).waitFor();

    // Asha signs in: she is online, and sees the team without its controls.
    const agent = await suite.browser.newPage({ viewport: VIEWPORT });
    await signIn(agent, url, ASHA);
    await agent.locator('.live-indicator:not(.down)').waitFor();
    await agent.getByRole('button', { name: 'Manage' }).click();
    assert.deepEqual(await agent.getByRole('menuitem').allTextContents(), ['Team']);
    await agent.getByRole('menuitem', { name: 'Team' }).click();
    await agent.locator('.member-row', { hasText: 'Meera' }).locator('.presence', { hasText: 'Online' }).waitFor();
    assert.equal(await agent.getByRole('button', { name: 'Disable' }).count(), 0);
    assert.equal(await agent.getByRole('region', { name: 'Add someone to the team' }).count(), 0);
    await agent.goto(`${url}/manage/bot`);
    await agent.getByText('Only managers can open this screen.').waitFor();

    await page.reload();
    await row('Asha Rao').locator('.presence', { hasText: 'Online' }).waitFor();
    await screenshot(page, 'team');

    // Rename, promote and demote.
    // (While renaming, the row is found by the e-mail: the name is in a field.)
    await row('Asha Rao').getByRole('button', { name: 'Rename' }).click();
    await row(ASHA.email).getByLabel('New name').fill('Asha R.');
    await row(ASHA.email).getByRole('button', { name: 'Save' }).click();
    await page.getByText('Asha R. was renamed.').waitFor();
    await row('Asha R.').getByLabel('Role of Asha R.').selectOption('manager');
    await page.getByText('Asha R. has a new role.').waitFor();
    const asAsha = await login(url, ASHA);
    const me = await fetch(`${url}/api/me`, { headers: { cookie: asAsha } }).then((r) => r.json());
    assert.equal(me.role, 'manager');
    await row('Asha R.').getByLabel('Role of Asha R.').selectOption('agent');
    await page.getByText('Asha R. has a new role.').waitFor();

    // Disable: her sessions end and she cannot sign in; enable: she can.
    await row('Asha R.').getByRole('button', { name: 'Disable' }).click();
    await row('Asha R.').locator('.presence', { hasText: 'Disabled' }).waitFor();
    assert.equal((await fetch(`${url}/api/me`, { headers: { cookie: asAsha } })).status, 401);
    await assert.rejects(login(url, ASHA), /403/);
    await row('Asha R.').getByRole('button', { name: 'Enable' }).click();
    await row('Asha R.').getByRole('button', { name: 'Disable' }).waitFor();

    // A new password: the old one stops working.
    await row('Asha R.').getByRole('button', { name: 'Reset password' }).click();
    await row('Asha R.').getByLabel('New password').fill('second-password');
    await row('Asha R.').getByRole('button', { name: 'Set password', exact: true }).click();
    await page.getByText('Asha R. has a new password').waitFor();
    await assert.rejects(login(url, ASHA), /401/);
    await login(url, { email: ASHA.email, password: 'second-password' });

    // A manager cannot lock themselves out.
    assert.equal(await row('Meera').getByRole('button', { name: 'Disable' }).count(), 0);
    assert.deepEqual(errors, []);
    await agent.close();
    await page.close();
  });

  test('an agent changes her own password: the current one is asked for, her other sessions end', async () => {
    const { url } = suite.server;
    const current = { email: ASHA.email, password: 'second-password' };
    const here = await suite.browser.newContext({ viewport: VIEWPORT });
    const elsewhere = await suite.browser.newContext({ viewport: VIEWPORT });
    const page = await here.newPage();
    const other = await elsewhere.newPage();
    await signIn(other, url, current);
    await other.locator('.live-indicator:not(.down)').waitFor();
    await signIn(page, `${url}/manage/team`, current);
    const mine = page.locator('.member-row', { hasText: ASHA.email });
    assert.equal(await page.getByRole('button', { name: 'Reset password' }).count(), 0, 'agents reset no one');

    await mine.getByRole('button', { name: 'Change password' }).click();
    await mine.getByLabel('Current password').fill('a wrong guess');
    await mine.getByLabel('New password').fill('third-password');
    await mine.getByRole('button', { name: 'Change', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'not your current password' }).waitFor();

    await mine.getByRole('button', { name: 'Change password' }).click();
    await mine.getByLabel('Current password').fill(current.password);
    await mine.getByLabel('New password').fill('third-password');
    await mine.getByRole('button', { name: 'Change', exact: true }).click();
    await page.getByText('Your password was changed; your other sessions were signed out.').waitFor();
    await screenshot(page, 'team-own-password');
    // The other browser is signed out at once; this one stays.
    await other.getByLabel('E-mail').waitFor({ timeout: 10_000 });
    await page.reload();
    await page.locator('.member-row', { hasText: ASHA.email }).waitFor();
    await assert.rejects(login(url, current), /401/);
    await login(url, { email: ASHA.email, password: 'third-password' });
    await here.close();
    await elsewhere.close();
  });
});
