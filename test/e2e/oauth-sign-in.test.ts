// OAuth2 in the window, in Chromium, in both languages: "Sign in with …" from an address (main
// discovers where; the provider's pages open in "the system browser", here a second Chromium
// context driven like a user), then a revoked grant: the question says "Sign in again", nothing is
// sent until the user does, and signing in again brings the account back.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resources } from '../../src/i18n/resources.js';
import { refreshTokenKey } from '../../src/oauth/oauth-tokens.js';
import { nameResolver } from '../../src/protocols/net/name-resolver.js';
import { KeytarSecretStore } from '../../src/secrets/keytar-secret-store.js';
import { completeProviderSignIn, launchChromium } from '../support/browser.js';
import { MAILBEACON_CLIENT_ID, OidcTestProvider } from '../support/oidc-test-provider.js';
import { PrivateDovecot } from '../support/private-dovecot.js';
import { bridgeClientScript, TestBridge } from '../support/test-bridge.js';
import { issueCertificate, randomLoopbackAddress, TestDns, TestWebServer } from '../support/test-network.js';

const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

describe('OAuth2 sign-in in the window', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  const dns = new TestDns();
  const webAddress = randomLoopbackAddress();
  let provider: OidcTestProvider;
  let web: TestWebServer;
  let browser: Browser;
  let bridgeScript: string;
  let ca: string;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    provider = await new OidcTestProvider(issueCertificate(dovecot.caFile, dovecot.caKeyFile, ['localhost'])).start();
    dovecot.acceptOAuth2(provider.introspectionUrl);
    await dovecot.start();
    ca = readFileSync(dovecot.caFile, 'utf8');
    web = await new TestWebServer(webAddress, issueCertificate(dovecot.caFile, dovecot.caKeyFile, ['autoconfig.signin.test'])).start();
    web.answer('https://autoconfig.signin.test/mail/config-v1.1.xml', {
      body: `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="signin.test">
<incomingServer type="pop3"><hostname>localhost</hostname><port>${dovecot.ports.pop3s}</port><socketType>SSL</socketType>
<username>%EMAILADDRESS%</username><authentication>OAuth2</authentication></incomingServer></emailProvider>
<oAuth2><issuer>${provider.issuer}</issuer><scope>mail offline_access</scope><authURL>${provider.issuer}/auth</authURL><tokenURL>${provider.issuer}/token</tokenURL></oAuth2>
</clientConfig>`,
    });
    await dns.start({ a: { 'autoconfig.signin.test': webAddress } });
    bridgeScript = await bridgeClientScript();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await dns.stop();
    await provider?.stop();
    await dovecot.dispose();
  });

  it.each(['en', 'zh-CN'] as const)('%s: sign in with the provider, then "Sign in again" after the grant is revoked', async (language) => {
    const T = resources[language].translation;
    const user = `sam-${language.toLowerCase()}@signin.test`;
    await dovecot.changeUser(user, 'unused: OAuth2 only');
    const signInPages: Array<Promise<void>> = [];
    const bridge = await new TestBridge({
      network: { resolver: nameResolver({ servers: [dns.servers] }), ca },
      openSignInPage: async (url) => { signInPages.push(completeProviderSignIn(browser, url, user)); },
      env: { MAILBEACON_OAUTH_CLIENT_ID: MAILBEACON_CLIENT_ID },
    }).start();
    const context = await browser.newContext({ locale: language, bypassCSP: true, viewport: { width: 1000, height: 760 } });
    await context.addInitScript({ content: bridgeScript });
    const page: Page = await context.newPage();
    const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${language}-${name}.png`) });
    try {
      await page.goto(bridge.url);
      await page.getByRole('button', { name: T.accounts.add }).click();
      await page.locator('#field-address').fill(user);
      await page.getByRole('button', { name: T.discover.continue }).click();
      const signInButton = page.getByRole('button', { name: T.discover.signIn.replace('{{provider}}', 'signin.test') });
      await signInButton.waitFor();
      await shot('oauth-sign-in');
      await signInButton.click();
      // The account is saved once the browser part is done; the test CA then needs the user's trust.
      await page.getByRole('button', { name: T.certificate.trust }).click({ timeout: 30_000 });
      await page.getByTestId('account-state').getByText(T.state.ok, { exact: true }).waitFor({ timeout: 20_000 });
      await Promise.all(signInPages);
      const url = `pop3s://${encodeURIComponent(user)}@localhost:${dovecot.ports.pop3s}`;
      expect(bridge.core.listAccounts()).toEqual([expect.objectContaining({ url, auth: 'oauth2', state: 'ok' })]);

      // The user removes Mailbeacon's access at the provider.
      const keychain = new KeytarSecretStore('Mailbeacon-e2e');
      await provider.revoke((await keychain.getPassword(refreshTokenKey(url)))!, ca);
      const tokenRequests = provider.tokenRequests.length;
      await page.getByRole('button', { name: T.accounts.checkNow }).click();
      const dialog = page.getByRole('dialog', { name: T.credentials.signInTitle.replace('{{user}}', user) });
      await dialog.waitFor({ timeout: 20_000 });
      await shot('oauth-sign-in-again');
      // Asked, and nothing more is sent: "Check now" brings the question back without a request.
      expect(provider.tokenRequests.length - tokenRequests).toBe(1);
      await page.getByRole('button', { name: T.credentials.cancel }).click();
      await page.getByTestId('enter-password').getByText(T.accounts.signInAgain).click();
      await dialog.waitFor();
      expect(provider.tokenRequests.length - tokenRequests).toBe(1);
      await dialog.getByRole('button', { name: T.accounts.signInAgain }).click();
      await page.getByText(T.credentials.success).waitFor({ timeout: 30_000 });
      await Promise.all(signInPages);
      expect(bridge.core.listAccounts()[0]).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
    } finally {
      await context.close();
      await bridge.stop();
    }
  }, 120_000);
});
