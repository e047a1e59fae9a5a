import { startServer, MANAGER } from './support/server.mjs';
import { launchBrowser, signIn } from './support/browser.mjs';
import { customerWrites } from './support/whatsapp.mjs';
import { login, createAgent } from './support/api.mjs';
const server = await startServer();
const manager = await login(server.url, MANAGER);
const asha = await createAgent(server.url, manager, 'Asha');
const ravi = await createAgent(server.url, manager, 'Ravi');
await customerWrites(server.url, '14155550123', 'Jordan Lee', 'agent please');
const browser = await launchBrowser();
const pages = [];
for (const agent of [asha, ravi]) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on('console', m => console.log(agent.email, 'console:', m.type(), m.text()));
  await signIn(page, server.url, agent);
  await page.locator('.chat-row', { hasText: 'Jordan' }).click();
  await page.locator('.chat-title h2', { hasText: 'Jordan' }).waitFor();
  await page.waitForTimeout(500);
  console.log(agent.email, await page.locator('[data-action=intervene]').evaluate(b => b.outerHTML));
  pages.push(page);
}
await pages[0].locator('[data-action=intervene]').click();
await pages[0].locator('.composer-input').fill('hello there');
await pages[0].locator('.composer-input').press('Enter');
await pages[0].waitForTimeout(1500);
console.log(await pages[0].locator('.bubble[data-author=agent]').evaluateAll(bs => bs.map(b => b.outerHTML)));
await browser.close(); await server.stop();
