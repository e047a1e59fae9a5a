// `cargo xtask bench burst [EVENTS_PER_SECOND] [SECONDS]`: the dashboard
// during a burst of live events. Starts the release server, opens the inbox
// in headless Chromium, drives signed deliveries until the page receives
// about EVENTS_PER_SECOND events a second, and meanwhile clicks one chat
// after another in the list, timing in the browser each click until the
// customer's name heads the chat and until the thread and its actions are
// on screen. Prints the events the page received per second, the
// frames drawn, the click times and the longest main-thread task.
import { startServer, MANAGER } from '../support/server.mjs';
import { launchBrowser, signIn, VIEWPORT } from '../support/browser.mjs';
import { deliver, textMessage } from '../support/whatsapp.mjs';

const targetEvents = Number(process.argv[2] ?? 1000);
const seconds = Number(process.argv[3] ?? 10);
/** Events one delivery of a waiting customer makes (message, profile, counts). */
const EVENTS_PER_DELIVERY = 3;
const CUSTOMERS = 300;

/** Delivers a customer's text; whether the webhook answered 200. */
const delivered = (url, waId, name, body) => deliver(url, textMessage(waId, name, body)).then(() => true, () => false);

const customer = (n) => ({ waId: `9198${String(n).padStart(8, '0')}`, name: `Customer ${n}` });

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

const server = await startServer();
const browser = await launchBrowser();
try {
  // Customers waiting for an agent: the queue is the list clicked, and
  // what they write during the burst keeps them in it.
  let sent = 0;
  for (let start = 0; start < CUSTOMERS; start += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, k) => {
      const { waId, name } = customer(start + k);
      return delivered(server.url, waId, name, 'agent please');
    }));
  }
  const page = await browser.newPage({ viewport: VIEWPORT });
  await signIn(page, server.url, MANAGER);
  await page.goto(`${server.url}/sections/requesting`);
  await page.locator('.chat-row').first().waitFor();
  // The page counts the events it receives on its own stream and the
  // main thread's long tasks.
  await page.evaluate(() => {
    window.burst = { events: 0, longest: 0, frames: 0 };
    const frame = () => { window.burst.frames += 1; requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
    const source = new EventSource('/api/events');
    for (const name of ['sections', 'user', 'message']) {
      source.addEventListener(name, () => { window.burst.events += 1; });
    }
    new PerformanceObserver((list) => {
      for (const task of list.getEntries()) window.burst.longest = Math.max(window.burst.longest, task.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  await page.waitForTimeout(1000);

  // The burst: known customers write again, paced to the target rate.
  const perSecond = Math.ceil(targetEvents / EVENTS_PER_DELIVERY);
  let driving = true;
  let accepted = 0;
  let refused = 0;
  const driver = (async () => {
    const started = Date.now();
    while (driving) {
      const due = Math.floor(((Date.now() - started) / 1000) * perSecond) - accepted - refused;
      const batch = Array.from({ length: Math.min(due, 200) }, () => {
        sent += 1;
        const { waId, name } = customer(sent % CUSTOMERS);
        return delivered(server.url, waId, name, `Update ${sent}`);
      });
      const answers = await Promise.all(batch);
      accepted += answers.filter((ok) => ok).length;
      refused += answers.filter((ok) => !ok).length;
      if (batch.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();

  const start = await page.evaluate(() => ({ ...window.burst }));
  const burstStarted = Date.now();
  // Each click timed twice: until the customer's name heads the chat, and
  // until their chat is there to work in (the thread's messages and the
  // actions on screen).
  const heads = [];
  const chats = [];
  while (Date.now() - burstStarted < seconds * 1000) {
    const took = await page.evaluate(() => new Promise((resolve) => {
      const rows = [...document.querySelectorAll('.chat-row:not([aria-current])')];
      const row = rows[Math.floor(Math.random() * Math.min(rows.length, 20))];
      if (!row) { resolve(null); return; }
      const name = row.querySelector('.chat-name')?.textContent?.trim();
      const started = performance.now();
      let head = null;
      row.click();
      const check = () => {
        const now = performance.now() - started;
        const title = document.querySelector('.chat-title h2')?.textContent?.trim();
        if (title === name && head === null) head = now;
        const ready = title === name
          && document.querySelector('.chat-pane .thread .bubble')
          && document.querySelector('.chat-pane .chat-actions button');
        if (ready) resolve({ head, chat: now });
        else if (now > 5000) resolve({ head: head ?? 5000, chat: 5000 });
        else requestAnimationFrame(check);
      };
      check();
    }));
    if (took !== null) {
      heads.push(took.head);
      chats.push(took.chat);
    }
    await page.waitForTimeout(200);
  }
  const burstSeconds = (Date.now() - burstStarted) / 1000;
  const { events, longest, frames } = await page.evaluate(() => window.burst);
  driving = false;
  await driver;

  heads.sort((a, b) => a - b);
  chats.sort((a, b) => a - b);
  const ms = (value) => `${value.toFixed(0)} ms`;
  console.log(`\ndashboard during a burst (${burstSeconds.toFixed(0)} s, ${perSecond} deliveries/s asked)`);
  console.log(`deliveries answered 200           ${accepted} (${refused} refused)`);
  console.log(`events the page received          ${((events - start.events) / burstSeconds).toFixed(0)}/s`);
  console.log(`frames drawn                      ${((frames - start.frames) / burstSeconds).toFixed(0)}/s`);
  const spread = (sorted) => `p50 ${ms(percentile(sorted, 0.5))}, p95 ${ms(percentile(sorted, 0.95))}, max ${ms(sorted[sorted.length - 1])}`;
  console.log(`click → name heads the chat       ${spread(heads)} (${heads.length} clicks)`);
  console.log(`click → thread and actions shown  ${spread(chats)}`);
  console.log(`longest main-thread task          ${ms(longest)}`);
} finally {
  await browser.close();
  await server.stop();
}
process.exit(0);
