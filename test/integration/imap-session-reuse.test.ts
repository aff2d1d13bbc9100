// A session kept open for IDLE is checked again minutes later (scheduled checks and pushes reuse
// it): the attempt deadline that bounded its login and first check must not cut those short.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAccountUrl } from '../../src/account/account-url.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import { ImapSession } from '../../src/protocols/imap/imap-session.js';
import { PrivateDovecot } from '../support/private-dovecot.js';

describe('an IMAP session checked again after its attempt deadline', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  beforeAll(async () => {
    dovecot.setUser('reuse', 'pw');
    dovecot.deliver('reuse', 'Subject: one\r\n\r\nbody\r\n');
    await dovecot.start();
  });
  afterAll(() => dovecot.dispose());

  it('gets a deadline of its own for each later check', async () => {
    const session = await ImapSession.open({
      endpoint: parseAccountUrl(`imaps://reuse@127.0.0.1:${dovecot.ports.imaps}`), password: 'pw', ca: readFileSync(dovecot.caFile, 'utf8'),
      deadlineMs: 1_000, logger: createLogger({ secrets: new SecretRegistry(), minLevel: 'error', write: () => undefined }),
    });
    try {
      const first = await session.check(undefined);
      expect(first.messages).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // past the first attempt's deadline
      const later = await session.check(first.state);
      expect(later).toMatchObject({ messages: 1, newMessages: [] });
    } finally {
      await session.close();
    }
  });
});
