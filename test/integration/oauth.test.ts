// OAuth2 accounts end to end with real parts: oidc-provider over HTTPS (test CA) as the
// authorization server, Dovecot's oauth2 passdb validating every token by introspection against it
// (a revoked token is refused by the mail server itself), the sign-in page driven in Chromium by
// Playwright standing in for the system browser, and the built `mailbeacon` CLI.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../src/secrets/keytar-secret-store.js';
import { OAuthTokens, refreshTokenKey } from '../../src/oauth/oauth-tokens.js';
import { signIn } from '../../src/oauth/sign-in.js';
import { parseAccountUrl } from '../../src/account/account-url.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import { realTimers } from '../../src/protocols/deadline.js';
import { ConfSettingsStore } from '../../src/settings/conf-settings-store.js';
import { AccountRuntime } from '../../src/watch/account-runtime.js';
import { openSession } from '../../src/protocols/open-session.js';
import { StreamingAppendSession } from '../../src/protocols/imap/streaming-append.js';
import type { WatchEvent } from '../../src/watch/watch-events.js';
import { completeProviderSignIn, launchChromium } from '../support/browser.js';
import { CLI, runCli, WatchProcess } from '../support/cli-process.js';
import { filesUnder } from '../support/files.js';
import { MAILBEACON_CLIENT_ID, OidcTestProvider } from '../support/oidc-test-provider.js';
import { PrivateDovecot } from '../support/private-dovecot.js';
import { issueCertificate, randomLoopbackAddress, TestDns, TestWebServer } from '../support/test-network.js';

const oauthXml = (issuer: string, server: { type: 'imap' | 'pop3'; port: number }) => `<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="oauth.test">
  <incomingServer type="${server.type}"><hostname>localhost</hostname><port>${server.port}</port><socketType>SSL</socketType>
    <username>%EMAILADDRESS%</username><authentication>OAuth2</authentication></incomingServer>
</emailProvider>
<oAuth2><issuer>${issuer}</issuer><scope>mail offline_access</scope><authURL>${issuer}/auth</authURL><tokenURL>${issuer}/token</tokenURL></oAuth2>
</clientConfig>`;

describe('OAuth2 accounts', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  const dns = new TestDns();
  const webAddress = randomLoopbackAddress();
  let provider: OidcTestProvider;
  let web: TestWebServer;
  let browser: Browser;
  let env: NodeJS.ProcessEnv;
  const keychain = new KeytarSecretStore();

  const completeSignInPage = (url: string, user: string): Promise<void> => completeProviderSignIn(browser, url, user);

  /** The address the sign-in page is at, from the CLI's stderr; then the user's part, in Chromium. */
  async function signInWithBrowser(args: string[], user: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => { stdout += data.toString(); });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no sign-in address printed: ${stderr}`)), 20_000);
      child.stderr.on('data', (data: Buffer) => {
        stderr += data.toString();
        const match = /in your browser: (\S+)/.exec(stderr);
        if (match) { clearTimeout(timer); resolve(match[1]!); }
      });
      child.on('exit', () => { clearTimeout(timer); reject(new Error(`exited before signing in: ${stderr}`)); });
    });
    await completeSignInPage(url, user);
    const status = await new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.on('exit', (code) => resolve(code));
    });
    return { status, stdout, stderr };
  }

  /** Dovecot's own record of OAuth2 tokens it refused for this user. */
  const refusedOAuthLogins = (user: string): number =>
    readFileSync(dovecot.logFile, 'utf8').split('\n').filter((line) => line.includes(`oauth2(${user}`) && /fail|invalid|inactive/i.test(line)).length;

  const oauthLoginsAtDovecot = (user: string): number =>
    readFileSync(dovecot.logFile, 'utf8').split('\n').filter((line) => line.includes(`user=<${user}>`) && /method=(XOAUTH2|OAUTHBEARER)/i.test(line)).length;

  beforeAll(async () => {
    provider = await new OidcTestProvider(issueCertificate(dovecot.caFile, dovecot.caKeyFile, ['localhost']), { accessTokenSeconds: 3 }).start();
    dovecot.acceptOAuth2(provider.introspectionUrl);
    await dovecot.start();
    web = await new TestWebServer(webAddress, issueCertificate(dovecot.caFile, dovecot.caKeyFile, ['autoconfig.oauth.test', 'autoconfig.oauthpop.test'])).start();
    web.answer('https://autoconfig.oauth.test/mail/config-v1.1.xml', { body: oauthXml(provider.issuer, { type: 'imap', port: dovecot.ports.imaps }) });
    web.answer('https://autoconfig.oauthpop.test/mail/config-v1.1.xml', { body: oauthXml(provider.issuer, { type: 'pop3', port: dovecot.ports.pop3s }) });
    await dns.start({ a: { 'autoconfig.oauth.test': webAddress, 'autoconfig.oauthpop.test': webAddress } });
    env = {
      MAILBEACON_DNS_SERVERS: dns.servers, MAILBEACON_ISPDB_URL: 'https://ispdb.invalid/', MAILBEACON_NO_BROWSER: '1',
      MAILBEACON_OAUTH_CLIENT_ID: MAILBEACON_CLIENT_ID, NODE_EXTRA_CA_CERTS: dovecot.caFile,
    };
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await dns.stop();
    await provider?.stop();
    await dovecot.dispose();
  });

  it.each([['imap', 'olga@oauth.test'], ['pop3', 'pavel@oauthpop.test']] as const)('%s: first sign-in, then checks with the saved grant; no token in settings, output or log', async (protocol, user) => {
    const state = mkdtempSync(join(tmpdir(), 'mailbeacon-oauth-'));
    await dovecot.changeUser(user, 'never-used: this account signs in with OAuth2'); // creates its maildir
    dovecot.deliver(user, 'From: a@b.test\r\nSubject: hello\r\n\r\nbody\r\n');
    const added = await signInWithBrowser(['accounts', 'add', user, '--oauth', '--ca', dovecot.caFile, '--state', state, '--json'], user);
    expect(added.stderr).toMatch(/sign in at https:\/\/localhost:\d+ in your browser/);
    expect(added.status, added.stderr).toBe(0);
    const url = `${protocol === 'imap' ? 'imaps' : 'pop3s'}://${encodeURIComponent(user)}@localhost:${protocol === 'imap' ? dovecot.ports.imaps : dovecot.ports.pop3s}`;
    expect(JSON.parse(added.stdout.trim())).toEqual({ event: 'saved', account: url, verified: true, auth: 'oauth2' });
    const refreshToken = await keychain.getPassword(refreshTokenKey(url));
    expect(refreshToken).toBeTruthy();
    expect(await keychain.getPassword(url)).toBeUndefined();

    const checked = await runCli(['check', url, '--state', state, '--json'], { env: { ...env, MAILBEACON_LOG: 'debug' } });
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.events.find((event) => event.event === 'checked')).toMatchObject({ messages: 1 });
    expect(oauthLoginsAtDovecot(user)).toBeGreaterThanOrEqual(2);
    // Rotation: the refresh token in the keychain was replaced by the one the check received.
    const rotated = (await keychain.getPassword(refreshTokenKey(url)))!;
    expect(rotated).not.toBe(refreshToken);
    for (const secret of [refreshToken!, rotated]) {
      for (const file of filesUnder(state)) expect(readFileSync(file, 'utf8'), file).not.toContain(secret);
      for (const text of [added.stdout, added.stderr, checked.stdout, checked.stderr]) expect(text).not.toContain(secret);
    }
    expect(checked.stderr).not.toMatch(/"(access|refresh)_?token"\s*:\s*"[^"[]/i);
  }, 90_000);

  it('an expired access token is refreshed before the check: no failed login, no question', async () => {
    const user = 'olga@oauth.test';
    const state = mkdtempSync(join(tmpdir(), 'mailbeacon-oauth-expiry-'));
    const added = await signInWithBrowser(['accounts', 'add', user, '--oauth', '--ca', dovecot.caFile, '--state', state], user);
    expect(added.status, added.stderr).toBe(0);
    const url = `imaps://${encodeURIComponent(user)}@localhost:${dovecot.ports.imaps}`;
    const refreshesBefore = provider.tokenRequests.filter((grant) => grant === 'refresh_token').length;
    // The access tokens live 3 s; checks 4 s apart each find theirs expired. IDLE would keep one
    // session logged in, so the POP3-like path is forced by checking one-shot, in one process each.
    for (let round = 0; round < 2; round += 1) {
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      const checked = await runCli(['check', url, '--state', state, '--json'], { env });
      expect(checked.status, checked.stderr).toBe(0);
      expect(checked.events.filter((event) => event.event === 'login-failed')).toEqual([]);
      expect(checked.events.find((event) => event.event === 'checked')).toMatchObject({ consecutiveFailures: 0 });
    }
    expect(provider.tokenRequests.filter((grant) => grant === 'refresh_token').length - refreshesBefore).toBe(2);
  }, 60_000);

  it('an access token the mail server refuses is renewed once in the same attempt, and that is not a failed login', async () => {
    const user = 'olga@oauth.test';
    const url = `imaps://${encodeURIComponent(user)}@localhost:${dovecot.ports.imaps}`;
    const ca = readFileSync(dovecot.caFile, 'utf8');
    const server = {
      issuer: provider.issuer, authorizationEndpoint: `${provider.issuer}/auth`, tokenEndpoint: `${provider.issuer}/token`,
      scope: 'mail offline_access', clientId: MAILBEACON_CLIENT_ID,
    };
    const secrets = new KeytarSecretStore('Mailbeacon-test');
    const tokens = new OAuthTokens({ accountUrl: url, server, secrets, network: { ca }, now: Date.now, registerSecret: () => undefined });
    // In process, so the test holds the access token the account will use first.
    let page: Promise<void> = Promise.resolve();
    const grant = await signIn({ server, network: { ca }, now: Date.now, openUrl: async (address) => { page = completeSignInPage(address, user); } });
    await page;
    // The provider lets the token lapse sooner than it said (a clock skew, a shortened lifetime):
    // we still hold it as fresh when the mail server, asking the provider, refuses it.
    await tokens.signedIn({ ...grant, expiresAt: Date.now() + 3600_000 });
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const refusedBefore = refusedOAuthLogins(user);
    const events: WatchEvent[] = [];
    const runtime = new AccountRuntime({
      url, endpoint: parseAccountUrl(url), ca, store: new ConfSettingsStore(mkdtempSync(join(tmpdir(), 'mailbeacon-oauth-refused-'))),
      readPassword: async () => { throw new Error('an OAuth2 account never reads a password'); }, readAccessToken: (renew) => tokens.accessToken(renew),
      logger: createLogger({ secrets: new SecretRegistry(), minLevel: 'error', write: () => undefined }),
      intervalMs: 600_000, now: Date.now, random: Math.random, timers: realTimers, idle: false, onEvent: (event) => events.push(event),
    });
    await runtime.runOnce();
    await runtime.stop();
    // The mail server really refused the first token; the renewed one worked; nothing counted.
    expect(refusedOAuthLogins(user) - refusedBefore, readFileSync(dovecot.logFile, 'utf8').slice(-2000)).toBe(1);
    expect(events).toEqual([expect.objectContaining({ event: 'checked', consecutiveFailures: 0 })]);
    expect(runtime.memory.consecutiveFailures).toBe(0);
  }, 60_000);

  it('a revoked grant: exactly one request to sign in again, no login attempts until then, then success', async () => {
    const user = 'olga@oauth.test';
    const state = mkdtempSync(join(tmpdir(), 'mailbeacon-oauth-revoked-'));
    const added = await signInWithBrowser(['accounts', 'add', user, '--oauth', '--ca', dovecot.caFile, '--state', state], user);
    expect(added.status, added.stderr).toBe(0);
    const url = `imaps://${encodeURIComponent(user)}@localhost:${dovecot.ports.imaps}`;
    await provider.revoke((await keychain.getPassword(refreshTokenKey(url)))!, readFileSync(dovecot.caFile, 'utf8'));
    const loginsBefore = oauthLoginsAtDovecot(user);
    const tokenRequestsBefore = provider.tokenRequests.length;
    const watch = new WatchProcess([url, '--state', state, '--json', '--interval', '1'], env);
    try {
      const asked = await watch.waitFor((event) => event.event === 'credentials-needed');
      expect(asked.message).toMatch(/expired or was revoked: sign in again/);
      expect(watch.events.find((event) => event.event === 'login-failed')).toMatchObject({ reason: 'credentials-missing', consecutiveFailures: 0 });
      // Five more seconds of attempts at a 1-second interval: nothing reaches either server.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      expect(provider.tokenRequests.length - tokenRequestsBefore).toBe(1);
      expect(oauthLoginsAtDovecot(user)).toBe(loginsBefore);
      const reauth = await signInWithBrowser(['reauth', url, '--state', state, '--json'], user);
      expect(reauth.status, reauth.stderr).toBe(0);
      expect(JSON.parse(reauth.stdout.trim())).toEqual({ event: 'reauthorized', account: url });
      const from = watch.events.length;
      await watch.waitFor((event) => event.event === 'checked', from, 20_000);
      expect(watch.events.filter((event) => event.event === 'credentials-needed')).toHaveLength(1);
    } finally {
      await watch.stop();
    }
  }, 90_000);

  it('migrate into an OAuth2 account uses its saved grant (imapflow and the streaming APPEND sign in with the token)', async () => {
    const user = 'olga@oauth.test';
    const state = mkdtempSync(join(tmpdir(), 'mailbeacon-oauth-migrate-'));
    const added = await signInWithBrowser(['accounts', 'add', user, '--oauth', '--ca', dovecot.caFile, '--state', state], user);
    expect(added.status, added.stderr).toBe(0);
    await dovecot.changeUser('old-box', 'old-password');
    dovecot.deliver('old-box', 'From: a@old.test\r\nSubject: small\r\n\r\nsmall\r\n');
    // Over 1 MB: copied by the streaming APPEND's own connection, which must sign in with the token too.
    dovecot.deliver('old-box', `From: a@old.test\r\nSubject: large\r\n\r\n${'x'.repeat(76)}\r\n`.repeat(1) + `${'y'.repeat(998)}\r\n`.repeat(1_500));
    const to = `imaps://${encodeURIComponent(user)}@localhost:${dovecot.ports.imaps}`;
    const result = await runCli(['migrate', '--from', `pop3s://old-box@127.0.0.1:${dovecot.ports.pop3s}`, '--to', to, '--ca', dovecot.caFile, '--state', state, '--json'],
      { env: { ...env, MAILBEACON_PASSWORD: 'old-password' } });
    expect(result.status, result.stderr).toBe(0);
    expect(result.events.at(-1)).toMatchObject({ copied: 2, failed: 0 });
    expect(result.stderr).not.toContain((await keychain.getPassword(refreshTokenKey(to)))!);
  }, 90_000);

  it('a server offering only XOAUTH2: IMAP, POP3 and the streaming APPEND sign in with it', async () => {
    const xoauthOnly = new PrivateDovecot({ authPenalty: 'fast' });
    xoauthOnly.acceptOAuth2(provider.introspectionUrl, ['xoauth2']);
    xoauthOnly.setUser('olga@oauth.test', 'unused');
    xoauthOnly.deliver('olga@oauth.test', 'From: a@b.test\r\nSubject: x\r\n\r\nx\r\n');
    await xoauthOnly.start();
    try {
      const ca = readFileSync(dovecot.caFile, 'utf8') + readFileSync(xoauthOnly.caFile, 'utf8');
      const server = {
        issuer: provider.issuer, authorizationEndpoint: `${provider.issuer}/auth`, tokenEndpoint: `${provider.issuer}/token`,
        scope: 'mail offline_access', clientId: MAILBEACON_CLIENT_ID,
      };
      let page: Promise<void> = Promise.resolve();
      const grant = await signIn({ server, network: { ca }, now: Date.now, openUrl: async (address) => { page = completeSignInPage(address, 'olga@oauth.test'); } });
      await page;
      const logger = createLogger({ secrets: new SecretRegistry(), minLevel: 'error', write: () => undefined });
      for (const [protocol, port] of [['imap', xoauthOnly.ports.imaps], ['pop3', xoauthOnly.ports.pop3s]] as const) {
        const session = await openSession({
          endpoint: { protocol, security: 'tls', host: '127.0.0.1', port, user: 'olga@oauth.test' }, password: '', accessToken: grant.accessToken,
          ca, deadlineMs: 10_000, logger,
        });
        expect((await session.check(undefined)).messages).toBe(1);
        await session.close();
      }
      const streaming = await StreamingAppendSession.open({
        endpoint: { protocol: 'imap', security: 'tls', host: '127.0.0.1', port: xoauthOnly.ports.imaps, user: 'olga@oauth.test' }, password: '',
        accessToken: grant.accessToken, ca, deadlineMs: 10_000, logger,
      });
      expect(await streaming.append('INBOX', Buffer.from('Subject: y\r\n\r\ny\r\n'), [], undefined)).toHaveProperty('uid');
      await streaming.close();
      const log = readFileSync(xoauthOnly.logFile, 'utf8');
      expect(log).toMatch(/method=XOAUTH2/);
      expect(log).not.toMatch(/method=OAUTHBEARER/);
    } finally {
      await xoauthOnly.dispose();
    }
  }, 60_000);

  it('nonsense gets our words: --oauth with a URL, reauth of a password account', async () => {
    const withUrl = await runCli(['accounts', 'add', 'imaps://a@localhost:993', '--oauth'], { env });
    expect(withUrl.status).toBe(2);
    expect(withUrl.stderr).toContain('--oauth takes an address');
    const notOauth = await runCli(['reauth', 'imaps://a@localhost:993', '--state', mkdtempSync(join(tmpdir(), 'mailbeacon-oauth-x-'))], { env });
    expect(notOauth.status).toBe(2);
    expect(notOauth.stderr).toContain('is not a saved OAuth2 account');
    expect(readdirSync(tmpdir()).length).toBeGreaterThan(0);
  });
});
