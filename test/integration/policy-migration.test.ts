// The organisation policy end to end in the app core: the domain's migration is on; each account's
// first successful login migrates its old POP mailbox by itself; when every account of the domain
// on this machine is complete, the domain's migration is switched off locally.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore } from '../../src/app/app-core.js';
import type { MigrationView } from '../../src/ipc/contract.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import { parsePolicy, policySourceFor } from '../../src/migration/policy.js';
import { KeytarSecretStore } from '../../src/secrets/keytar-secret-store.js';
import { ConfSettingsStore } from '../../src/settings/conf-settings-store.js';
import { readMailbox } from '../support/mailbox-reader.js';
import { eventually } from '../support/eventually.js';
import { PrivateDovecot } from '../support/private-dovecot.js';

const fingerprintOf = (dovecot: PrivateDovecot) => new X509Certificate(readFileSync(join(dovecot.dir, 'server.crt'))).fingerprint256;

describe('organisation migration policy', () => {
  const oldServer = new PrivateDovecot({ authPenalty: 'fast' });
  const newServer = new PrivateDovecot({ authPenalty: 'fast' });
  const stateDir = mkdtempSync(join(tmpdir(), 'mailbeacon-policy-'));
  let core: AppCore;
  const changes: Array<MigrationView & { domainsOffNow: string[] }> = [];
  let progressEvents = 0;

  beforeAll(async () => {
    for (const server of [oldServer, newServer]) {
      server.setUser('ann@corp.example', 'ann-pw');
      server.setUser('bob@corp.example', 'bob-pw');
    }
    for (let i = 0; i < 3; i += 1) oldServer.deliver('ann@corp.example', `From: x${i}@old.example\r\nSubject: ann ${i}\r\n\r\nold mail ${i}\r\n`);
    oldServer.deliver('bob@corp.example', 'From: y@old.example\r\nSubject: bob\r\n\r\nold mail\r\n');
    await Promise.all([oldServer.start(), newServer.start()]);
    writeFileSync(join(stateDir, 'policy.json'), JSON.stringify({
      version: 1, domains: { 'corp.example': { migration: 'on', source: `pop3s://127.0.0.1:${oldServer.ports.pop3s}` } },
    }));
    const store = new ConfSettingsStore(stateDir);
    // The user trusted both servers' (test-CA) certificates earlier.
    store.trustFingerprint(`127.0.0.1:${oldServer.ports.pop3s}`, fingerprintOf(oldServer));
    store.trustFingerprint(`127.0.0.1:${newServer.ports.imaps}`, fingerprintOf(newServer));
    // Both accounts of the domain are set up on this machine; the app then starts (users log in).
    const keychain = new KeytarSecretStore('Mailbeacon-test');
    for (const [user, password] of [['ann@corp.example', 'ann-pw'], ['bob@corp.example', 'bob-pw']] as const) {
      const url = `imaps://${encodeURIComponent(user)}@127.0.0.1:${newServer.ports.imaps}`;
      await keychain.setPassword(url, password);
      store.saveAccount({ url, intervalSeconds: 600 });
    }
    const secrets = new SecretRegistry();
    core = new AppCore({
      store, secrets: new KeytarSecretStore('Mailbeacon-test'),
      logger: createLogger({ secrets, minLevel: 'error', write: (line) => process.stderr.write(`${line}\n`) }),
      registerSecret: (secret) => secrets.add(secret), notify: () => undefined, onTray: () => undefined,
      push: (channel, payload) => {
        if (channel === 'migration-changed') changes.push({ ...(payload as MigrationView), domainsOffNow: store.domainsMigrated() });
        if (channel === 'migration-progress') progressEvents += 1;
      },
      now: Date.now, random: Math.random,
      timers: { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    });
  }, 60_000);
  afterAll(async () => {
    await core?.stop();
    await Promise.all([oldServer.dispose(), newServer.dispose()]);
  });

  it('the policy file is validated, and names each account\'s own old mailbox', () => {
    const policy = parsePolicy(readFileSync(join(stateDir, 'policy.json'), 'utf8'), 'policy.json');
    expect(policySourceFor(policy, 'ann@corp.example')).toMatchObject({ protocol: 'pop3', security: 'tls', user: 'ann@corp.example' });
    expect(policySourceFor(policy, 'someone@other.example')).toBeUndefined();
    expect(() => parsePolicy('{"version":1,"domains":{"x.example":{"migration":"on","source":"pop3s://u:pw@h"}}}', 'p.json')).toThrow(/no user name or password/);
    expect(() => parsePolicy('{', 'p.json')).toThrow(/not valid JSON/);
  });

  it('domain on → first login migrates each account → all complete → domain off', async () => {
    const annUrl = `imaps://ann%40corp.example@127.0.0.1:${newServer.ports.imaps}`;
    const bobUrl = `imaps://bob%40corp.example@127.0.0.1:${newServer.ports.imaps}`;
    expect(new ConfSettingsStore(stateDir).accountState(annUrl).migration).toBeUndefined();
    core.start();
    expect(core.migration(annUrl)).toMatchObject({ status: 'not-started', policySource: `pop3s://ann%40corp.example@127.0.0.1:${oldServer.ports.pop3s}` });
    await eventually(() => core.migration(annUrl).status === 'complete' && core.migration(bobUrl).status === 'complete', 30_000);
    await core.migrations.settle();
    expect(core.migration(annUrl)).toMatchObject({ status: 'complete', copied: 3, failed: 0, active: false });
    expect(core.migration(bobUrl)).toMatchObject({ status: 'complete', copied: 1, failed: 0, active: false });
    expect(progressEvents).toBeGreaterThan(0);
    // Switched off only when the last of the domain's accounts completed, not at the first.
    const finished = changes.filter((view) => !view.active && view.status === 'complete');
    expect(finished[0]!.domainsOffNow).toEqual([]);
    expect(finished.at(-1)!.domainsOffNow).toEqual(['corp.example']);
    expect(new ConfSettingsStore(stateDir).domainsMigrated()).toEqual(['corp.example']);
    expect(core.migration(annUrl).policySource).toBeNull();
    expect(await readMailbox(newServer.ports.imaps, 'ann@corp.example', 'ann-pw', newServer.caFile)).toHaveLength(3);
    expect(await readMailbox(newServer.ports.imaps, 'bob@corp.example', 'bob-pw', newServer.caFile)).toHaveLength(1);

    // Later checks re-sync mail still sent to the old address, until the old mailbox is retired.
    oldServer.deliver('ann@corp.example', 'From: late@old.example\r\nSubject: late\r\n\r\nstill arriving\r\n');
    core.checkNow(annUrl);
    await eventually(() => core.migration(annUrl).copied === 1 && core.migration(annUrl).skipped === 3 && !core.migration(annUrl).active, 30_000);
    expect(await readMailbox(newServer.ports.imaps, 'ann@corp.example', 'ann-pw', newServer.caFile)).toHaveLength(4);
    expect(core.retireMigration(annUrl).retired).toBe(true);
  }, 90_000);
});
