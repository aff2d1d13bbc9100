// The question is never lost, in the window (Chromium, the real core behind the bridge, a private
// Dovecot, a real keychain): "Not now", then the way back from the account's card and from "Check
// now", then the new password works. And "Check now" inside the lockout guard's window says when
// the next login is allowed and offers "Try now anyway".
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resources } from '../../src/i18n/resources.js';
import { ConfSettingsStore } from '../../src/settings/conf-settings-store.js';
import { eventually } from '../support/eventually.js';
import { PrivateDovecot } from '../support/private-dovecot.js';
import { startClosesAfterPassServer, type ScriptedServer } from '../support/scripted-server.js';
import { addAccountFromPage, launchChromium } from '../support/browser.js';
import { bridgeClientScript, TestBridge } from '../support/test-bridge.js';

const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');
const T = resources.en.translation;

describe('the password question in the window', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  let browser: Browser;
  let bridgeScript: string;
  let closing: ScriptedServer;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    dovecot.setUser('quinn', 'first-password');
    await dovecot.start();
    closing = await startClosesAfterPassServer();
    bridgeScript = await bridgeClientScript();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await closing?.close();
    await dovecot.dispose();
  });

  async function open(bridge: TestBridge): Promise<{ page: Page; close: () => Promise<void> }> {
    const context = await browser.newContext({ locale: 'en', bypassCSP: true, viewport: { width: 1000, height: 760 } });
    await context.addInitScript({ content: bridgeScript });
    const page = await context.newPage();
    await page.goto(bridge.url);
    return { page, close: () => context.close() };
  }

  it('"Not now", then back from the card and from "Check now", then the new password works', async () => {
    const bridge = new TestBridge();
    new ConfSettingsStore(bridge.stateDir).trustFingerprint(`127.0.0.1:${dovecot.ports.imaps}`,
      new X509Certificate(readFileSync(join(dovecot.dir, 'server.crt'))).fingerprint256);
    await bridge.start();
    const { page, close } = await open(bridge);
    try {
      await addAccountFromPage(page, {
        user: 'quinn', password: 'first-password', protocol: 'imap', host: '127.0.0.1', port: dovecot.ports.imaps, security: 'tls',
        plaintextRiskAccepted: false, intervalMinutes: 10, webmailUrl: '',
      });
      await page.getByTestId('account-state').getByText(T.state.ok, { exact: true }).waitFor();

      await dovecot.stop();
      dovecot.setUser('quinn', 'second-password');
      await dovecot.start();
      await page.getByRole('button', { name: T.accounts.checkNow }).click();
      const dialog = page.getByRole('dialog', { name: T.credentials.title.replace('{{user}}', 'quinn') });
      await dialog.waitFor();

      // "Not now": the dialog goes, the account stays in needs-password with a visible way back.
      await page.getByRole('button', { name: T.credentials.cancel }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByTestId('account-state').getByText(T.state['needs-password'], { exact: true }).waitFor();
      const back = page.getByTestId('enter-password');
      await back.waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, 'en-needs-password-card.png') });

      // The way back from the card.
      await back.click();
      await dialog.waitFor();
      await page.getByRole('button', { name: T.credentials.cancel }).click();
      await dialog.waitFor({ state: 'detached' });

      // The way back from "Check now": the question again, not another login with the refused password.
      const attemptsBefore = bridge.core.listAccounts()[0]!.consecutiveFailures;
      await page.getByRole('button', { name: T.accounts.checkNow }).click();
      await dialog.waitFor();
      expect(bridge.core.listAccounts()[0]!.consecutiveFailures).toBe(attemptsBefore);

      // A reload keeps it too: the pending question is there for the new page.
      await page.reload();
      await dialog.waitFor();

      await page.locator('#new-password').fill('second-password');
      await page.getByRole('button', { name: T.credentials.submit }).click();
      await page.getByText(T.credentials.success).waitFor();
      await page.getByRole('button', { name: T.credentials.ok, exact: true }).click();
      await page.getByTestId('account-state').getByText(T.state.ok, { exact: true }).waitFor();
      await expect(page.getByTestId('enter-password').count()).resolves.toBe(0);
      expect(bridge.core.listAccounts()[0]).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
    } finally {
      await close();
      await bridge.stop();
    }
  }, 120_000);

  it('"Check now" inside the guard\'s window says when it will try, and "Try now anyway" logs in now', async () => {
    const bridge = await new TestBridge().start();
    const { page, close } = await open(bridge);
    try {
      await addAccountFromPage(page, {
        user: 'rita', password: 'pw', protocol: 'pop3', host: '127.0.0.1', port: closing.port, security: 'plaintext',
        plaintextRiskAccepted: true, intervalMinutes: 1, webmailUrl: '',
      });
      // The server hangs up after PASS: a failed login, counted; the guard now holds the next one.
      await page.getByTestId('account-failures').getByText('1', { exact: true }).waitFor();
      const connections = closing.connections;
      await page.getByRole('button', { name: T.accounts.checkNow }).click();
      const note = page.getByTestId('account-deferred');
      await note.waitFor();
      await expect(note.textContent()).resolves.toMatch(/To keep the account from being locked, the next login is at .+ \(1 failed in a row\)\./);
      await page.screenshot({ path: join(SCREENSHOTS, 'en-check-deferred.png') });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(closing.connections).toBe(connections); // nothing was tried

      await page.getByRole('button', { name: T.accounts.tryAnyway }).click();
      await eventually(() => closing.connections > connections);
      await page.getByTestId('account-failures').getByText('2', { exact: true }).waitFor();
    } finally {
      await close();
      await bridge.stop();
    }
  }, 60_000);
});
