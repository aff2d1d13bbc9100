// An account's history in the window (Chromium, the real core behind the bridge, a private Dovecot,
// a real keychain), in both languages: a good check, then the password changed on the server — the
// refused login with the server's words and the guard's wait said as a time, and the question asked.
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resources } from '../../src/i18n/resources.js';
import { ConfSettingsStore } from '../../src/settings/conf-settings-store.js';
import { addAccountFromPage, launchChromium } from '../support/browser.js';
import { PrivateDovecot } from '../support/private-dovecot.js';
import { bridgeClientScript, TestBridge } from '../support/test-bridge.js';

const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');
const fill = (template: string, values: Record<string, string | number>): string =>
  Object.entries(values).reduce((text, [key, value]) => text.replace(`{{${key}}}`, String(value)), template);

describe('an account\'s history in the window', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  let browser: Browser;
  let bridgeScript: string;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const user of ['hedda-en', 'hedda-zh-cn']) dovecot.setUser(user, 'first-password');
    await dovecot.start();
    bridgeScript = await bridgeClientScript();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await dovecot.dispose();
  });

  it.each(['en', 'zh-CN'] as const)('%s: a check, then a refused login with the server\'s words and the next try as a time', async (language) => {
    const T = resources[language].translation;
    const user = `hedda-${language.toLowerCase()}`;
    const bridge = new TestBridge();
    new ConfSettingsStore(bridge.stateDir).trustFingerprint(`127.0.0.1:${dovecot.ports.imaps}`,
      new X509Certificate(readFileSync(join(dovecot.dir, 'server.crt'))).fingerprint256);
    await bridge.start();
    const context = await browser.newContext({ locale: language, bypassCSP: true, viewport: { width: 1000, height: 900 } });
    await context.addInitScript({ content: bridgeScript });
    const page = await context.newPage();
    try {
      await page.goto(bridge.url);
      await addAccountFromPage(page, {
        user, password: 'first-password', protocol: 'imap', host: '127.0.0.1', port: dovecot.ports.imaps, security: 'tls',
        plaintextRiskAccepted: false, intervalMinutes: 10, webmailUrl: '',
      });
      await page.getByTestId('account-state').getByText(T.state.ok, { exact: true }).waitFor();

      await dovecot.stop();
      dovecot.setUser(user, 'second-password');
      await dovecot.start();
      await page.getByRole('button', { name: T.accounts.checkNow }).click();
      await page.getByRole('dialog').waitFor();
      await page.getByRole('button', { name: T.credentials.cancel }).click();
      await page.getByTestId('account-state').getByText(T.state['needs-password'], { exact: true }).waitFor();

      await page.getByTestId('toggle-history').click();
      const history = page.getByTestId('account-history');
      await history.waitFor();
      const items = history.locator('li');
      // Newest first: the question, the refused login, the good check (at least one).
      await expect(items.nth(0).textContent()).resolves.toContain(T.history.askedForPassword);
      const refused = (await items.nth(1).textContent()) ?? '';
      expect(refused).toContain(T.reason.rejected);
      expect(refused).toContain(fill(T.history.serverSaid, { text: '' }));
      expect(refused).toMatch(/Authentication failed/);
      const [before, after] = T.history.counted_one.split('{{time}}') as [string, string];
      expect(refused).toContain(fill(before, { count: 1 }));
      expect(refused).toContain(after);
      // The time is a clock time, 20 minutes or more ahead (the guard's first wait, with jitter).
      expect(refused).toMatch(/\d{1,2}:\d\d/);
      const lastText = (await items.last().textContent()) ?? '';
      expect(lastText).toContain(fill(T.history.checked_other, { count: 0, unseen: 0, fresh: 0 }));
      // Nothing in English leaks into the Chinese view but the server's own words.
      expect(refused).not.toContain('the server refused the login');
      if (language === 'zh-CN') expect(refused.replace('Authentication failed.', '')).not.toMatch(/[A-Za-z]{4,}/);
      await page.screenshot({ path: join(SCREENSHOTS, `${language}-account-history.png`) });

      // Closing it says so on the button, in the language.
      await page.getByTestId('toggle-history').click();
      await history.waitFor({ state: 'detached' });
      await expect(page.getByTestId('toggle-history').textContent()).resolves.toBe(T.history.show);

      // "Save diagnostics…" in the settings: main's save dialog chooses the file (here the bridge's
      // answer); the page shows where it went. A cancelled dialog writes nothing and says nothing.
      await page.getByRole('button', { name: T.settings.heading }).click();
      bridge.savePath = undefined;
      await page.getByRole('button', { name: T.diagnostics.save }).click();
      await expect.poll(() => bridge.suggestedNames.length).toBe(1);
      expect(bridge.suggestedNames[0]).toMatch(/^mailbeacon-diagnostics-\d{4}-\d\d-\d\d\.json$/);
      // The cancelled save is over once the button is back.
      await expect.poll(() => page.getByRole('button', { name: T.diagnostics.save }).isEnabled()).toBe(true);
      expect(await page.locator('.diagnostics').getByRole('status').count()).toBe(0);
      const savePath = join(bridge.stateDir, 'support.json');
      bridge.savePath = savePath;
      await page.getByRole('button', { name: T.diagnostics.save }).click();
      await page.locator('.diagnostics').getByRole('status').getByText(fill(T.diagnostics.saved, { path: savePath })).waitFor();
      const diagnostics = readFileSync(savePath, 'utf8');
      const report = JSON.parse(diagnostics) as { shell: string; accounts: Array<{ url: string; history: Array<{ outcome: string }> }>; logTail: string[] };
      expect(report.shell).toBe('app');
      expect(report.accounts.map((account) => account.url)).toEqual([bridge.core.listAccounts()[0]!.url]);
      expect(report.accounts[0]!.history.map((entry) => entry.outcome)).toContain('login-failed');
      expect(Array.isArray(report.logTail)).toBe(true);
      for (const secret of ['first-password', 'second-password']) expect(diagnostics).not.toContain(secret);
      await page.screenshot({ path: join(SCREENSHOTS, `${language}-diagnostics-saved.png`) });
      await page.getByRole('button', { name: T.accounts.heading }).click();

      // Removing the account forgets its history too.
      const { url } = bridge.core.listAccounts()[0]!;
      expect(readdirSync(join(bridge.stateDir, 'history'))).toHaveLength(1);
      await page.evaluate(async (target) => { await (globalThis as unknown as { mailbeacon: { removeAccount: (r: { url: string }) => Promise<void> } }).mailbeacon.removeAccount({ url: target }); }, url);
      expect(readdirSync(join(bridge.stateDir, 'history'))).toEqual([]);
    } finally {
      await context.close();
      await bridge.stop();
    }
  }, 120_000);
});
