// Headless Debian Chromium driven by playwright-core (which never downloads
// a browser of its own), plus helpers for console errors and screenshots.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const VIEWPORT = { width: 1280, height: 800 };

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Collects console errors and uncaught exceptions of a page. */
export function watchConsole(page) {
  const errors = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(String(error)));
  return errors;
}

/** Saves a screenshot under target/e2e/screenshots for people to look at. */
export async function screenshot(page, name) {
  const folder = join(process.env.HANDOVER_E2E_OUT ?? 'target/e2e', 'screenshots');
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Signs in through the login form and waits for the dashboard. */
export async function signIn(page, url, { email, password }) {
  await page.goto(url);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.top-bar').waitFor();
}

/** Opens a screen of the managers' menu ("Bot", "First-message tags", …). */
export async function openManaged(page, name) {
  await page.getByRole('button', { name: 'Manage' }).click();
  await page.getByRole('menuitem', { name }).click();
}
