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

/** The user in "the system browser" at the test OAuth2 provider (oidc-provider's dev pages): log
 * in, consent, and wait for our loopback redirect's "Signed in" page. */
export async function completeProviderSignIn(browser: Browser, url: string, user: string): Promise<void> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  try {
    await page.goto(url);
    await page.locator('input[name="login"]').fill(user);
    await page.locator('input[name="password"]').fill('the provider\'s own password: the test provider accepts any');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('Signed in. You can close this window').waitFor({ timeout: 20_000 });
  } finally {
    await context.close();
  }
}
