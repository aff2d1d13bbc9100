// Large messages go to the new mailbox over our own streaming APPEND connection: against a real
// Dovecot, on both TLS transports, byte-exact, with flags, date and a non-ASCII folder kept; a
// certificate it was not told to trust is refused before any password is sent; a message the
// server will not take is refused, not retried.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAccountUrl } from '../../src/account/account-url.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import { AppendRefused, ImapTarget, STREAMED_APPEND_BYTES } from '../../src/migration/imap-target.js';
import { CheckFailure } from '../../src/protocols/check-failure.js';
import { StreamingAppendSession } from '../../src/protocols/imap/streaming-append.js';
import { readMailbox, sha256 } from '../support/mailbox-reader.js';
import { PrivateDovecot } from '../support/private-dovecot.js';

const logger = createLogger({ secrets: new SecretRegistry(), minLevel: 'error', write: () => undefined });

/** A message just over the streaming threshold, with 8-bit bytes in its CRLF lines (no NUL, no
 * bare CR or LF: servers store lines, and give bare line ends back as CRLF). */
function largeMessage(seed: number): Buffer {
  const header = Buffer.from(`From: big@example.org\r\nSubject: large ${seed}\r\nMessage-ID: <large-${seed}@example.org>\r\n\r\n`);
  const body = Buffer.alloc(STREAMED_APPEND_BYTES + 123_458);
  for (let i = 0; i < body.length; i += 1) {
    const column = i % 78;
    body[i] = column === 76 ? 0x0d : column === 77 ? 0x0a : 0x20 + ((i * 7 + seed) % 224);
  }
  body[body.length - 2] = 0x0d;
  body[body.length - 1] = 0x0a;
  return Buffer.concat([header, body]);
}

describe('streaming APPEND of large messages into Dovecot', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast', maxMailSize: '3M' });
  let ca: string;

  beforeAll(async () => {
    for (const user of ['tls', 'starttls', 'pinned', 'full']) dovecot.setUser(user, 'pw wïth spaces "and" \\ quotes');
    await dovecot.start();
    ca = readFileSync(dovecot.caFile, 'utf8');
  });
  afterAll(() => dovecot.dispose());

  const open = (url: string, extra: { pinnedFingerprint?: string; password?: string } = {}) => ImapTarget.open({
    endpoint: parseAccountUrl(url), password: extra.password ?? 'pw wïth spaces "and" \\ quotes', ca, deadlineMs: 10_000, logger,
    ...(extra.pinnedFingerprint ? { pinnedFingerprint: extra.pinnedFingerprint } : {}),
  });

  it.each([['imaps', 'tls'], ['imap (STARTTLS)', 'starttls']])('%s: byte-exact, with flags, date, UID and a non-ASCII folder', async (_name, user) => {
    const port = user === 'tls' ? dovecot.ports.imaps : dovecot.ports.imap;
    const target = await open(`${user === 'tls' ? 'imaps' : 'imap'}://${user}@127.0.0.1:${port}`);
    const folder = `Größe${target.delimiter}Архив`;
    await target.ensureFolder(folder);
    const messages = [largeMessage(1), largeMessage(2)];
    const date = new Date('2019-03-04T05:06:07Z');
    const first = await target.append('INBOX', messages[0]!, ['\\Seen', '\\Flagged', '$Label1', '\\Recent'], date);
    const second = await target.append(folder, messages[1]!, [], undefined);
    await target.close();
    expect(first).toMatchObject({ uid: 1, uidValidity: expect.stringMatching(/^\d+$/) });
    expect(second).toMatchObject({ uid: 1 });
    const stored = await readMailbox(dovecot.ports.imaps, user, 'pw wïth spaces "and" \\ quotes', dovecot.caFile);
    expect(stored.map((m) => [m.folder, m.sha256, m.size])).toEqual([
      ['INBOX', sha256(messages[0]!), messages[0]!.length],
      [folder, sha256(messages[1]!), messages[1]!.length],
    ]);
    // \Recent is the server's to set (for the first session that sees a message), never ours.
    expect(stored[0]!.flags.filter((flag) => flag !== '\\Recent')).toEqual(['$Label1', '\\Flagged', '\\Seen']);
    expect(stored[0]!.internalDate).toBe(date.toISOString());
  });

  it('a certificate other than the pinned one is refused before the password is sent', async () => {
    const fingerprint = new X509Certificate(readFileSync(join(dovecot.dir, 'server.crt'))).fingerprint256;
    const other = fingerprint.replace(/^../, fingerprint.startsWith('00') ? '11' : '00');
    const before = dovecot.authFailures('pinned');
    for (const url of [`imaps://pinned@127.0.0.1:${dovecot.ports.imaps}`, `imap://pinned@127.0.0.1:${dovecot.ports.imap}`]) {
      const error = await StreamingAppendSession.open({ endpoint: parseAccountUrl(url), password: 'wrong', pinnedFingerprint: other, deadlineMs: 10_000, logger })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CheckFailure);
      expect(error).toMatchObject({ reason: 'tls' });
    }
    // With the right pin the same connection logs in (here with a wrong password: one failure).
    const refused = await StreamingAppendSession.open({
      endpoint: parseAccountUrl(`imaps://pinned@127.0.0.1:${dovecot.ports.imaps}`), password: 'wrong', pinnedFingerprint: fingerprint, deadlineMs: 10_000, logger,
    }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ reason: 'rejected' });
    expect((refused as Error).message).not.toContain('wrong');
    expect(dovecot.authFailures('pinned') - before).toBe(1);
  });

  it('a message over the mailbox limit is refused as that message, and the connection carries on', async () => {
    const target = await open(`imaps://full@127.0.0.1:${dovecot.ports.imaps}`);
    const tooBig = Buffer.concat([largeMessage(3), Buffer.alloc(2 * 1024 * 1024, 0x41)]);
    const error = await target.append('INBOX', tooBig, [], undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppendRefused);
    const fits = largeMessage(4);
    expect(await target.append('INBOX', fits, [], undefined)).toMatchObject({ uid: 1 });
    await target.close();
    const stored = await readMailbox(dovecot.ports.imaps, 'full', 'pw wïth spaces "and" \\ quotes', dovecot.caFile);
    expect(stored.map((m) => m.sha256)).toEqual([sha256(fits)]);
  });
});
