// Adding an account with only an address and a password, in Chromium, in both languages: the
// server is discovered through a real DNS server (dnsmasq) and the domain's autoconfig on a real
// HTTPS server, probed, and the account added; a QQ address shows the authorization-code hint; a
// server found only in DNS is shown as unverified and needs the user's explicit yes.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resources } from '../../src/i18n/resources.js';
import { nameResolver } from '../../src/protocols/net/name-resolver.js';
import { launchChromium } from '../support/browser.js';
import { PrivateDovecot } from '../support/private-dovecot.js';
import { bridgeClientScript, TestBridge } from '../support/test-bridge.js';
import { autoconfigXml, issueCertificate, randomLoopbackAddress, TestDns, TestWebServer } from '../support/test-network.js';

const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

describe('add an account from its address, in the window', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  const dns = new TestDns();
  const webAddress = randomLoopbackAddress();
  let web: TestWebServer;
  let browser: Browser;
  let bridgeScript: string;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await dovecot.start();
    web = await new TestWebServer(webAddress, issueCertificate(dovecot.caFile, dovecot.caKeyFile, ['autoconfig.company.test'])).start();
    web.answer('https://autoconfig.company.test/mail/config-v1.1.xml', {
      body: autoconfigXml([{ type: 'imap', host: 'localhost', port: dovecot.ports.imaps, socketType: 'SSL' }]),
    });
    await dns.start({
      a: { 'autoconfig.company.test': webAddress },
      srv: [{ service: '_imaps._tcp.dns-only.test', target: 'localhost', port: dovecot.ports.imaps }],
    });
    bridgeScript = await bridgeClientScript();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await dns.stop();
    await dovecot.dispose();
  });

  it.each(['en', 'zh-CN'] as const)('%s: a QQ hint, then address + password is enough', async (language) => {
    const T = resources[language].translation;
    const user = `dana-${language.toLowerCase()}@company.test`;
    await dovecot.changeUser(user, 'dana-password');
    const bridge = await new TestBridge({
      network: { resolver: nameResolver({ servers: [dns.servers] }), ca: readFileSync(dovecot.caFile, 'utf8') },
    }).start();
    const context = await browser.newContext({ locale: language, bypassCSP: true, viewport: { width: 1000, height: 760 } });
    await context.addInitScript({ content: bridgeScript });
    const page: Page = await context.newPage();
    const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${language}-${name}.png`) });
    try {
      await page.goto(bridge.url);
      await page.getByRole('button', { name: T.accounts.add }).click();

      // Nothing typed: the form says which field and why.
      await page.getByRole('button', { name: T.discover.continue }).click();
      await page.getByRole('alert').getByText(T.discover.needAddress).waitFor();

      // A QQ address: the built-in list knows it, and says to use the authorization code.
      await page.locator('#field-address').fill('12345@qq.com');
      await page.locator('#field-password').fill('not-sent');
      await page.getByRole('button', { name: T.discover.continue }).click();
      const hint = page.getByTestId('discovery-hint');
      await hint.waitFor();
      expect(await hint.textContent()).toMatch(language === 'en' ? /authorization code .*not your QQ password/ : /授权码/);
      expect(await page.getByTestId('discovered-server').textContent()).toContain('imap.qq.com:993');
      await shot('discovered-qq');

      // The company's address: found in its HTTPS autoconfig, probed, added.
      await page.locator('#field-address').fill(user);
      await page.locator('#field-password').fill('dana-password');
      await page.getByRole('button', { name: T.discover.continue }).click();
      await page.getByTestId('discovered-server').waitFor();
      expect(await page.getByTestId('discovered-server').textContent()).toContain(`localhost:${dovecot.ports.imaps}`);
      expect(await page.getByTestId('discovery-untrusted').count()).toBe(0);
      await shot('discovered-autoconfig');
      await page.getByRole('button', { name: T.discover.use, exact: true }).click();
      // The app itself does not trust the test CA: the certificate question, then the account works.
      await page.getByRole('button', { name: T.certificate.trust }).click();
      await page.getByTestId('account-state').getByText(T.state.ok, { exact: true }).waitFor({ timeout: 20_000 });
      expect(bridge.core.listAccounts().map((account) => account.url)).toEqual([`imaps://${encodeURIComponent(user)}@localhost:${dovecot.ports.imaps}`]);
      expect(web.requests.some((request) => request.url.includes(`emailaddress=${encodeURIComponent(user)}`))).toBe(true);
    } finally {
      await context.close();
      await bridge.stop();
    }
  }, 90_000);

  it('a server found only in DNS is shown as unverified; nothing is sent until the user says yes', async () => {
    const T = resources.en.translation;
    const user = 'erin@dns-only.test';
    await dovecot.changeUser(user, 'erin-password');
    const bridge = await new TestBridge({ network: { resolver: nameResolver({ servers: [dns.servers] }), ca: readFileSync(dovecot.caFile, 'utf8') } }).start();
    const context = await browser.newContext({ locale: 'en', bypassCSP: true });
    await context.addInitScript({ content: bridgeScript });
    const page = await context.newPage();
    try {
      await page.goto(bridge.url);
      await page.getByRole('button', { name: T.accounts.add }).click();
      await page.locator('#field-address').fill(user);
      await page.locator('#field-password').fill('erin-password');
      await page.getByRole('button', { name: T.discover.continue }).click();
      await page.getByTestId('discovery-untrusted').waitFor();
      expect(await page.getByRole('button', { name: T.discover.use, exact: true }).count()).toBe(0);
      expect(readFileSync(dovecot.logFile, 'utf8')).not.toContain(`user=<${user}>`);
      await page.screenshot({ path: join(SCREENSHOTS, 'en-discovered-unverified.png') });
      // "Set up manually" carries what was found into the full form.
      await page.getByRole('button', { name: T.discover.manual }).click();
      expect(await page.locator('#field-host').inputValue()).toBe('localhost');
      expect(await page.locator('#field-port').inputValue()).toBe(String(dovecot.ports.imaps));
      expect(await page.locator('#field-user').inputValue()).toBe(user);
    } finally {
      await context.close();
      await bridge.stop();
    }
  }, 60_000);
});
