// The organisation's policy published by its domain (https://<domain>/.well-known/mailbeacon/
// policy.json), found through a real DNS server and fetched from a real HTTPS server, starts the
// migration at the account's first login in the app core; cached with its ETag; the last good copy
// kept when the domain's server is gone.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore } from '../../src/app/app-core.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import { nameResolver } from '../../src/protocols/net/name-resolver.js';
import { fetchBounded } from '../../src/protocols/net/bounded-fetch.js';
import { POLICY_MAX_BYTES, PublishedPolicies } from '../../src/migration/published-policies.js';
import { KeytarSecretStore } from '../../src/secrets/keytar-secret-store.js';
import { ConfSettingsStore } from '../../src/settings/conf-settings-store.js';
import { eventually } from '../support/eventually.js';
import { PrivateDovecot } from '../support/private-dovecot.js';
import { issueCertificate, randomLoopbackAddress, TestDns, TestWebServer } from '../support/test-network.js';

const fingerprintOf = (dovecot: PrivateDovecot) => new X509Certificate(readFileSync(join(dovecot.dir, 'server.crt'))).fingerprint256;
const DAY = 24 * 3600_000;

describe('the policy a domain publishes', () => {
  const oldServer = new PrivateDovecot({ authPenalty: 'fast' });
  const newServer = new PrivateDovecot({ authPenalty: 'fast' });
  const dns = new TestDns();
  const address = randomLoopbackAddress();
  let web: TestWebServer;
  const stateDir = mkdtempSync(join(tmpdir(), 'mailbeacon-published-'));
  const accountUrl = () => `imaps://ann%40corp.test@127.0.0.1:${newServer.ports.imaps}`;
  const cores: AppCore[] = [];

  const makeCore = (now: () => number) => {
    const secrets = new SecretRegistry();
    const core = new AppCore({
      store: new ConfSettingsStore(stateDir), secrets: new KeytarSecretStore('Mailbeacon-test'),
      logger: createLogger({ secrets, minLevel: 'error', write: (line) => process.stderr.write(`${line}\n`) }),
      registerSecret: (secret) => secrets.add(secret), notify: () => undefined, onTray: () => undefined, push: () => undefined,
      now, random: Math.random,
      timers: { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
      network: { resolver: nameResolver({ servers: [dns.servers] }), ca: readFileSync(oldServer.caFile, 'utf8') },
    });
    cores.push(core);
    return core;
  };

  beforeAll(async () => {
    oldServer.setUser('ann@corp.test', 'ann-pw');
    newServer.setUser('ann@corp.test', 'ann-pw');
    for (let i = 0; i < 2; i += 1) oldServer.deliver('ann@corp.test', `From: x${i}@old.test\r\nSubject: old ${i}\r\n\r\nold mail ${i}\r\n`);
    await Promise.all([oldServer.start(), newServer.start()]);
    web = await new TestWebServer(address, issueCertificate(oldServer.caFile, oldServer.caKeyFile, ['corp.test', 'autoconfig.corp.test'])).start();
    web.answer('https://corp.test/.well-known/mailbeacon/policy.json', {
      contentType: 'application/json', etag: '"policy-1"',
      body: JSON.stringify({ version: 1, domains: { 'corp.test': { migration: 'on', source: `pop3s://127.0.0.1:${oldServer.ports.pop3s}` } } }),
    });
    await dns.start({ a: { 'corp.test': address, 'autoconfig.corp.test': address } });
    const store = new ConfSettingsStore(stateDir);
    store.trustFingerprint(`127.0.0.1:${oldServer.ports.pop3s}`, fingerprintOf(oldServer));
    store.trustFingerprint(`127.0.0.1:${newServer.ports.imaps}`, fingerprintOf(newServer));
    await new KeytarSecretStore('Mailbeacon-test').setPassword(accountUrl(), 'ann-pw');
    store.saveAccount({ url: accountUrl(), intervalSeconds: 600 });
  }, 60_000);

  afterAll(async () => {
    for (const core of cores) await core.stop();
    await web?.stop();
    await dns.stop();
    await Promise.all([oldServer.dispose(), newServer.dispose()]);
  });

  it('starts the migration at the first login, with no policy file anywhere', async () => {
    const core = makeCore(Date.now);
    expect(core.migrations.policy()).toBeUndefined();
    core.start();
    await eventually(() => core.migration(accountUrl()).status === 'complete', 30_000);
    await core.migrations.settle();
    expect(core.migration(accountUrl())).toMatchObject({ status: 'complete', copied: 2, failed: 0, source: `pop3s://ann%40corp.test@127.0.0.1:${oldServer.ports.pop3s}` });
    // Every account of the domain here is complete: switched off locally, as with a policy file.
    expect(new ConfSettingsStore(stateDir).domainsMigrated()).toEqual(['corp.test']);
    const asked = web.requests.filter((request) => request.url.endsWith('/.well-known/mailbeacon/policy.json'));
    expect(asked.map((request) => request.url)).toEqual(['https://corp.test/.well-known/mailbeacon/policy.json']);
    const cache = readFileSync(join(stateDir, 'published-policies.json'), 'utf8');
    expect(JSON.parse(cache).entries['domain:corp.test'].etag).toBe('"policy-1"');
    expect(cache).not.toContain('ann-pw');
    await core.stop();
  }, 60_000);

  it('a day later: asked again with its ETag (304 over HTTPS); with the domain\'s server gone, the last good copy stays', async () => {
    let now = Date.now();
    const resolver = nameResolver({ servers: [dns.servers] });
    const ca = readFileSync(oldServer.caFile, 'utf8');
    const directory = mkdtempSync(join(tmpdir(), 'mailbeacon-published-cache-'));
    const make = () => new PublishedPolicies({
      directory, now: () => now, log: () => undefined,
      fetch: (url, headers) => fetchBounded(url, { lookup: resolver.lookup, ca, deadlineMs: 5_000, maxBytes: POLICY_MAX_BYTES, headers }),
    });
    await make().refreshDomain('corp.test');
    const before = web.requests.length;
    now += DAY + 1;
    const dayLater = make();
    await dayLater.refreshDomain('corp.test');
    expect(web.requests.slice(before).map((request) => request.headers['if-none-match'])).toEqual(['"policy-1"']);
    expect(dayLater.policy()?.domains['corp.test']).toMatchObject({ migration: 'on' });
    await web.stop();
    now += DAY + 1;
    const serverGone = make();
    await serverGone.refreshDomain('corp.test');
    expect(serverGone.policy()?.domains['corp.test']).toMatchObject({ migration: 'on' });
    expect(JSON.parse(readFileSync(join(directory, 'published-policies.json'), 'utf8')).entries['domain:corp.test'].failedAt).toBe(now);
  }, 30_000);
});
