// End to end in Debian's Chromium: the built window, talking through the real contract to the real
// core (the same handlers main/ registers, over the test bridge instead of Electron IPC), against a
// private Dovecot and a real keychain. Screens are saved in both languages under
// test-results/screenshots/.
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resources } from '../../src/i18n/resources.js';
import { eventually } from '../support/eventually.js';
import { PrivateDovecot } from '../support/private-dovecot.js';
import { message } from '../support/messages.js';
import { launchChromium } from '../support/browser.js';
import { bridgeClientScript, TestBridge } from '../support/test-bridge.js';
import { ConfSettingsStore } from '../../src/settings/conf-settings-store.js';

const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

describe('the Mailbeacon window in Chromium', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  let browser: Browser;
  let bridgeScript: string;
  let fingerprint: string;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await dovecot.start();
    fingerprint = new X509Certificate(readFileSync(join(dovecot.dir, 'server.crt'))).fingerprint256;
    bridgeScript = await bridgeClientScript();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await dovecot.dispose();
  });

  it.each((process.env.E2E_LANGUAGES?.split(',') ?? ['en', 'zh-CN']) as Array<'en' | 'zh-CN'>)('%s: add, trust the certificate, get mail, re-enter a changed password', async (language) => {
    const T = resources[language].translation;
    const user = `alice-${language.toLowerCase()}`; // Dovecot lower-cases user names by default
    await dovecot.changeUser(user, 'first-password');
    const bridge = await new TestBridge().start();
    // The OS locale decides the language by default.
    const context = await browser.newContext({ locale: language, bypassCSP: true, viewport: { width: 1000, height: 760 } });
    await context.addInitScript({ content: bridgeScript });
    const page: Page = await context.newPage();
    const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${language}-${name}.png`) });
    try {
      await page.goto(bridge.url);
      await page.getByText(T.accounts.empty).waitFor();
      await shot('accounts-empty');

      // Add an account through the form.
      await page.getByRole('button', { name: T.accounts.add }).click();
      // Not a mail address: straight to the full form.
      await page.getByRole('button', { name: T.discover.manual }).click();
      await page.locator('#field-user').fill(user);
      await page.locator('#field-password').fill('first-password');
      await page.locator('#field-host').fill('127.0.0.1');
      await page.locator('#field-port').fill(String(dovecot.ports.imaps));
      // "Test connection" tries the form as it stands, and says why it failed in plain words.
      await page.getByRole('button', { name: T.form.test }).click();
      await page.getByRole('alert').getByText(T.form.tlsUntrusted).waitFor();
      // In words, never the TLS library's code.
      expect(await page.getByRole('alert').textContent()).not.toMatch(/UNABLE_TO_VERIFY|TLS failure|[A-Z]{3,}_[A-Z_]{3,}/);
      await shot('add-account');
      await page.getByRole('button', { name: T.form.save }).click();

      // The test CA is not trusted by the app: the certificate dialog comes up.
      const certificateDialog = page.getByRole('dialog', { name: T.certificate.title.replace('{{host}}', '127.0.0.1').replace('{{port}}', String(dovecot.ports.imaps)) });
      await certificateDialog.waitFor();
      await expect(page.getByTestId('fingerprint').textContent()).resolves.toBe(fingerprint);
      // One box per byte (it wraps between bytes), and the subject in the usual words (使用者).
      await expect(page.getByTestId('fingerprint').locator('.byte').count()).resolves.toBe(32);
      await expect(page.getByRole('dialog').getByText(T.certificate.subject, { exact: true }).count()).resolves.toBe(1);
      await shot('certificate');
      await page.getByRole('button', { name: T.certificate.trust }).click();
      await page.getByTestId('account-state').getByText(T.state.ok, { exact: true }).waitFor();
      await shot('accounts');

      // A new message: exactly one notification record, with the decoded sender and subject.
      dovecot.deliver(user, message({ from: '=?UTF-8?B?5byg5LiJ?= <zhang@example.cn>', subject: `=?UTF-8?B?${Buffer.from(`报告 report ${language}`).toString('base64')}?=` }));
      await eventually(() => bridge.notifications.some((n) => n.kind === 'message'));
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(bridge.notifications.filter((n) => n.kind === 'message')).toEqual([
        expect.objectContaining({ kind: 'message', from: '张三 <zhang@example.cn>', subject: `报告 report ${language}` }),
      ]);

      // The password is changed on the server (which ends the IDLE session); the next check is refused.
      await dovecot.stop();
      dovecot.setUser(user, 'second-password');
      await dovecot.start();
      await page.getByRole('button', { name: T.accounts.checkNow }).click();
      const credentialsDialog = page.getByRole('dialog', { name: T.credentials.title.replace('{{user}}', user) });
      await credentialsDialog.waitFor();
      await shot('credentials');
      // The question says it in one language: the reason translated, the server's own words apart;
      // the field asks for the current password, as the text above it does.
      await expect(credentialsDialog.getByLabel(T.credentials.newPassword).count()).resolves.toBe(1);
      await expect(credentialsDialog.locator('.reason').evaluate((node) => node.firstChild?.textContent?.trim())).resolves.toBe(T.reason.rejected);
      await expect(credentialsDialog.locator('.reason').textContent()).resolves.toBe(`${T.reason.rejected} ${T.credentials.serverSaid}Authentication failed.`);
      // Asked once: one dialog, one notification, however long it waits.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await expect(page.getByRole('dialog').count()).resolves.toBe(1);
      expect(bridge.notifications.filter((n) => n.kind === 'credentials-needed')).toHaveLength(1);
      const failing = bridge.core.listAccounts()[0]!;
      expect(failing).toMatchObject({ state: 'needs-password', consecutiveFailures: 1, lastFailure: { reason: 'rejected' } });
      expect(failing.nextCheckAt! - Date.now()).toBeGreaterThan(19 * 60_000); // the interval grew (2 × 10 min)

      await page.locator('#new-password').fill('second-password');
      await page.getByRole('button', { name: T.credentials.submit }).click();
      await page.getByText(T.credentials.success).waitFor();
      await shot('credentials-success');
      // Success is said as success: its own title, no "no longer accepts", the button in the language.
      await page.getByRole('dialog', { name: T.credentials.successTitle.replace('{{user}}', user) }).waitFor();
      await expect(page.getByText(T.credentials.explain).count()).resolves.toBe(0);
      await page.getByRole('button', { name: T.credentials.ok, exact: true }).click();
      await page.getByTestId('account-failures').getByText('0', { exact: true }).waitFor();
      const recovered = bridge.core.listAccounts()[0]!;
      expect(recovered).toMatchObject({ state: 'ok', consecutiveFailures: 0, lastFailure: null });
      const nextInMs = recovered.nextCheckAt! - Date.now();
      expect(nextInMs).toBeGreaterThan(9 * 60_000);
      expect(nextInMs).toBeLessThanOrEqual(11 * 60_000);

      await page.getByRole('button', { name: T.settings.heading }).click();
      await page.getByLabel(T.settings.defaultInterval).waitFor();
      await shot('settings');
      // Settings the window does not show survive a save from it.
      const store = new ConfSettingsStore(bridge.stateDir);
      store.saveAppSettings({ ...store.appSettings(), ispdbUrl: 'https://ispdb.example/v1.1/' });
      // Bad input is said in words (never a field's internal name), and nothing is saved.
      await page.getByLabel(T.settings.defaultInterval).fill('abc');
      await page.getByRole('button', { name: T.settings.save }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toBe(T.settings.errorInterval);
      await page.getByLabel(T.settings.defaultInterval).fill('15');
      await page.getByLabel(T.settings.quietEnabled).check();
      await page.locator('#settings-quiet-start').fill('09:00');
      await page.locator('#settings-quiet-end').fill('09:00');
      await page.getByRole('button', { name: T.settings.save }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toBe(T.settings.errorQuietSame);
      expect(store.appSettings().quietHours).toBeNull();
      await page.locator('#settings-quiet-end').fill('10:00');
      await page.getByRole('button', { name: T.settings.save }).click();
      await page.getByRole('status').getByText(T.settings.saved).waitFor();
      expect(store.appSettings()).toMatchObject({ defaultIntervalMinutes: 15, quietHours: { start: '09:00', end: '10:00' }, ispdbUrl: 'https://ispdb.example/v1.1/' });

      // The add form says which fields are wrong and why.
      await page.getByRole('button', { name: T.accounts.heading }).click();
      await page.getByRole('button', { name: T.accounts.add }).click();
      await page.getByRole('button', { name: T.discover.manual }).click();
      await page.locator('#field-port').fill('x');
      await page.getByRole('button', { name: T.form.save }).click();
      const formAlert = await page.getByRole('alert').textContent();
      for (const field of ['user', 'password', 'host', 'port'] as const) expect(formAlert).toContain(T.form.errors[field]);
      expect(formAlert).not.toContain(T.form.invalid);
    } finally {
      await context.close();
      await bridge.stop();
    }
  }, 120_000);
});
