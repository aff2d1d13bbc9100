// The POP3 "no new mail" check costs O(1) bytes in the mailbox size: STAT + `UIDL n`, never the full
// listing. Bytes are counted on the socket, on 100- and 10,000-message mailboxes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAccountUrl } from '../../src/account/account-url.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import type { DetectionState } from '../../src/protocols/mail-session.js';
import { Pop3Session } from '../../src/protocols/pop3/pop3-session.js';
import { PrivateDovecot } from '../support/private-dovecot.js';
import { message } from '../support/messages.js';

const logger = createLogger({ secrets: new SecretRegistry(), minLevel: 'error', write: () => undefined });

describe('POP3 no-change check cost', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  const sizes = { small: 100, large: 10_000 };

  beforeAll(async () => {
    for (const [user, count] of Object.entries(sizes)) {
      dovecot.setUser(user, 'pw');
      for (let i = 0; i < count; i += 1) dovecot.deliver(user, message({ subject: `message ${i}` }), { seen: true });
    }
    await dovecot.start();
  }, 120_000);
  afterAll(() => dovecot.dispose());

  /** Bytes one check moves, after connect and login (which cost the same for any mailbox). */
  async function checkBytes(user: string, previous: DetectionState | undefined): Promise<{ bytes: number; state: DetectionState; newCount: number }> {
    const session = await Pop3Session.open({
      endpoint: parseAccountUrl(`pop3://${user}@127.0.0.1:${dovecot.ports.pop3}?plaintext=1`),
      password: 'pw', deadlineMs: 60_000, logger,
    });
    const before = session.bytesOnWire;
    const report = await session.check(previous);
    const after = session.bytesOnWire;
    await session.close();
    return { bytes: after.read - before.read + after.written - before.written, state: report.state, newCount: report.newMessages.length };
  }

  it('costs the same bytes for 10,000 messages as for 100, and far less than a full UIDL listing', async () => {
    const results: Record<string, { full: number; noChange: number }> = {};
    for (const [user, count] of Object.entries(sizes)) {
      const first = await checkBytes(user, undefined);
      expect(first.state).toMatchObject({ protocol: 'pop3', count });
      const second = await checkBytes(user, first.state);
      expect(second.newCount).toBe(0);
      results[user] = { full: first.bytes, noChange: second.bytes };
    }
    console.log('POP3 check bytes', JSON.stringify(results));
    // Only the digits of the counts differ ("+OK 100 …" vs "+OK 10000 …", "UIDL 100" vs "UIDL 10000").
    expect(Math.abs(results.large!.noChange - results.small!.noChange)).toBeLessThanOrEqual(16);
    expect(results.large!.noChange).toBeLessThan(200);
    expect(results.large!.full).toBeGreaterThan(100 * results.large!.noChange);
  });

  it('a new message among 10,000 is found by the fallback diff, and only its header is fetched', async () => {
    const baseline = await checkBytes('large', undefined);
    dovecot.deliver('large', message({ subject: 'the new one' }));
    const session = await Pop3Session.open({
      endpoint: parseAccountUrl(`pop3://large@127.0.0.1:${dovecot.ports.pop3}?plaintext=1`), password: 'pw', deadlineMs: 60_000, logger,
    });
    const report = await session.check(baseline.state);
    await session.close();
    expect(report.messages).toBe(10_001);
    expect(report.newMessages.map((m) => m.subject)).toEqual(['the new one']);
  });
});
