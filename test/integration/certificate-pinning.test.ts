// "Trust this certificate": the probe shows what the server presents; a pinned fingerprint lets the
// connection through on all four transports; a different certificate is refused before LOGIN.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAccountUrl } from '../../src/account/account-url.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import type { DetectionState } from '../../src/protocols/mail-session.js';
import { CheckRunner } from '../../src/watch/check-runner.js';
import { PrivateDovecot } from '../support/private-dovecot.js';

const logger = createLogger({ secrets: new SecretRegistry(), minLevel: 'error', write: () => undefined });

describe('certificate probe and pinning against Dovecot', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  let fingerprint: string;
  let urls: string[];

  beforeAll(async () => {
    dovecot.setUser('pinned', 'pw');
    dovecot.setUser('never-sent', 'pw');
    await dovecot.start();
    fingerprint = new X509Certificate(readFileSync(join(dovecot.dir, 'server.crt'))).fingerprint256;
    const p = dovecot.ports;
    urls = [`imaps://pinned@127.0.0.1:${p.imaps}`, `imap://pinned@127.0.0.1:${p.imap}`,
      `pop3s://pinned@127.0.0.1:${p.pop3s}`, `pop3://pinned@127.0.0.1:${p.pop3}`];
  });
  afterAll(() => dovecot.dispose());

  const runner = (url: string, pin?: string) => {
    let state: DetectionState | undefined;
    return new CheckRunner({
      endpoint: parseAccountUrl(url), logger, getPassword: async () => 'pw',
      getPinnedFingerprint: () => pin, loadState: () => state, saveState: (s) => { state = s; },
    });
  };

  it('an untrusted certificate fails as tls and comes with what the server presented', async () => {
    for (const url of urls) {
      const result = await runner(url).attempt();
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.failure.reason).toBe('tls');
      expect(result.failure.certificate).toMatchObject({
        subject: 'CN=localhost', issuer: 'CN=Mailbeacon Test CA', fingerprint256: fingerprint, host: '127.0.0.1',
      });
    }
  });

  it('a pinned fingerprint lets each transport through', async () => {
    for (const url of urls) {
      const result = await runner(url, fingerprint).attempt();
      expect(result.ok, url).toBe(true);
    }
  });

  it('a different certificate is refused before any credentials are sent', async () => {
    const other = fingerprint.replace(/^../, fingerprint.startsWith('00') ? '11' : '00');
    const p = dovecot.ports;
    for (const url of [`imaps://never-sent@127.0.0.1:${p.imaps}`, `imap://never-sent@127.0.0.1:${p.imap}`,
      `pop3s://never-sent@127.0.0.1:${p.pop3s}`, `pop3://never-sent@127.0.0.1:${p.pop3}`]) {
      const result = await runner(url, other).attempt();
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.failure.reason).toBe('tls');
        expect(result.failure.certificate?.fingerprint256).toBe(fingerprint);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(readFileSync(dovecot.logFile, 'utf8')).not.toContain('user=<never-sent>');
  });
});
