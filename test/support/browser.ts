// Debian's Chromium for the end-to-end tests, launched the way this machine allows (no sandbox as
// root, no background networking: the machine's network is closed), and the window's own API.
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

type Api = import('../../src/ipc/api.js').MailbeaconApi;
type AccountInput = Parameters<Api['addAccount']>[0];

/** Adds an account through the page's own API (what the form would send). */
export async function addAccountFromPage(page: Page, input: AccountInput): Promise<void> {
  await page.evaluate(async (account) => {
    await (globalThis as unknown as { mailbeacon: Api }).mailbeacon.addAccount(account);
  }, input);
}
