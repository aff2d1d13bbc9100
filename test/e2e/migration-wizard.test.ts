/// <reference lib="dom" />
// The migration wizard in Chromium, from the first field to the final report, against the real core
// (over the test bridge), a private Dovecot and a real keychain: the old server's certificate is
// shown and trusted, the dry-run summary, Start, progress with pause and resume, the report — in
// English and in Chinese, each with its screenshots.
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resources } from '../../src/i18n/resources.js';
import { ConfSettingsStore } from '../../src/settings/conf-settings-store.js';
import { readMailbox } from '../support/mailbox-reader.js';
import { PrivateDovecot } from '../support/private-dovecot.js';
import { addAccountFromPage, launchChromium } from '../support/browser.js';
import { bridgeClientScript, TestBridge } from '../support/test-bridge.js';

const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');
const COUNT = 1500;

/** A translated sentence as a pattern: its {{placeholders}} become named number (or size) groups. */
function sentence(template: string): RegExp {
  const escaped = template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\\\{\\\{(\w+)\\\}\\\}/g, (_, name: string) => name === 'size' ? '(?<size>[\\d.]+ (?:kB|MB))' : `(?<${name}>\\d+)`)}$`);
}

describe('the migration wizard in Chromium', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    dovecot.setUser('dora-old', 'dora-pw');
    for (const language of ['en', 'zh-cn']) dovecot.setUser(`dora-${language}`, 'dora-pw');
    const filler = 'x'.repeat(70);
    for (let i = 0; i < COUNT; i += 1) {
      const body = Array.from({ length: 100 }, (_, line) => `${i}.${line} ${filler}`).join('\r\n');
      dovecot.deliver('dora-old', `From: old${i % 9}@old.example\r\nSubject: old message ${i}\r\nMessage-ID: <o${i}@old.example>\r\n\r\n${body}\r\n`);
    }
    await dovecot.start();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await dovecot.dispose();
  });

  it.each(['en', 'zh-CN'] as const)('%s: plans, copies with progress, pauses, resumes and reports', async (language) => {
    const T = resources[language].translation;
    const user = `dora-${language.toLowerCase()}`;
    const bridge = new TestBridge();
    // The new server's certificate was trusted when the account was set up.
    new ConfSettingsStore(bridge.stateDir).trustFingerprint(`127.0.0.1:${dovecot.ports.imaps}`,
      new X509Certificate(readFileSync(join(dovecot.dir, 'server.crt'))).fingerprint256);
    await bridge.start();
    const context = await browser.newContext({ locale: language, bypassCSP: true, viewport: { width: 1000, height: 760 } });
    await context.addInitScript({ content: await bridgeClientScript() });
    const page = await context.newPage();
    const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${language}-${name}.png`) });
    try {
      await page.goto(bridge.url);
      await addAccountFromPage(page, {
        user, password: 'dora-pw', protocol: 'imap', host: '127.0.0.1', port: dovecot.ports.imaps, security: 'tls',
        plaintextRiskAccepted: false, intervalMinutes: 10, webmailUrl: '',
      });
      await page.getByTestId('account-state').getByText(T.state.ok, { exact: true }).waitFor();

      await page.getByRole('button', { name: T.migration.open }).click();
      // The well-known port follows the protocol (995 is POP3's, not IMAP's), and comes back.
      await expect(page.locator('#source-port').inputValue()).resolves.toBe('995');
      await page.locator('#source-protocol').selectOption('imap');
      await expect(page.locator('#source-port').inputValue()).resolves.toBe('993');
      await page.locator('#source-protocol').selectOption('pop3');
      await expect(page.locator('#source-port').inputValue()).resolves.toBe('995');
      await page.locator('#source-host').fill('127.0.0.1');
      await page.locator('#source-port').fill(String(dovecot.ports.pop3s));
      await page.locator('#source-user').fill('dora-old');
      // Typed: the account's saved password goes only to its own server or the policy's old server.
      await page.locator('#source-password').fill('dora-pw');
      await shot('migration-source');
      await page.getByRole('button', { name: T.migration.plan }).click();

      // The old server's certificate is not trusted yet: shown, then trusted, then the plan runs.
      await page.getByRole('dialog').getByText(`127.0.0.1:${dovecot.ports.pop3s}`).waitFor();
      await page.getByRole('button', { name: T.certificate.trust }).click();
      const summary = page.getByTestId('migration-summary');
      await summary.waitFor();
      const planned = sentence(T.migration.summary).exec((await summary.textContent()) ?? '')?.groups;
      expect(planned).toMatchObject({ toCopy: String(COUNT), messages: String(COUNT), done: '0' });
      expect(planned!.size).not.toBe('0.0 MB');
      await shot('migration-plan');
      expect(await readMailbox(dovecot.ports.imaps, user, 'dora-pw', dovecot.caFile)).toHaveLength(0); // the dry run wrote nothing

      await page.getByRole('button', { name: T.migration.start }).click();
      const bar = page.getByRole('progressbar', { name: T.migration.progressLabel });
      await page.waitForFunction(() => Number(document.querySelector('progress')?.getAttribute('value') ?? 0) >= 50);
      await page.getByRole('button', { name: T.migration.pause }).click();
      await page.getByText(T.migration.paused).waitFor();
      // Paused: no rate, no "about … left".
      await expect(page.getByTestId('migration-progress').textContent()).resolves.not.toMatch(/messages\/s|left|每秒|约剩/);
      const pausedAt = Number(await bar.getAttribute('value'));
      expect(pausedAt).toBeGreaterThan(0);
      expect(pausedAt).toBeLessThan(COUNT);
      await shot('migration-progress');

      await page.getByRole('button', { name: T.migration.resume }).click();
      const report = page.getByTestId('migration-report');
      await report.waitFor({ timeout: 60_000 });
      // The report is of the latest pass: the resumed one, or — if the new mail's arrival already
      // triggered it — the catch-up re-sync after it, which finds everything there.
      const finished = sentence(T.migration.report).exec((await report.textContent()) ?? '')?.groups;
      expect(finished?.failed).toBe('0');
      expect([[COUNT - pausedAt, pausedAt], [0, COUNT]]).toContainEqual([Number(finished?.copied), Number(finished?.skipped)]);
      await shot('migration-report');
      expect(await readMailbox(dovecot.ports.imaps, user, 'dora-pw', dovecot.caFile)).toHaveLength(COUNT);

      await page.getByRole('button', { name: T.migration.retire }).click();
      await page.getByText(T.migration.retired).waitFor();
    } finally {
      await context.close();
      await bridge.stop();
    }
  }, 120_000);
});
