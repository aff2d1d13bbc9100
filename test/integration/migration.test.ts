// `mailbeacon migrate` against two private Dovecot users (old and new): every byte kept, dates and
// flags kept, twins and messages without Message-ID migrated, a 20 MB message, resumable and
// idempotent, catch-up after completion, dry run, refused login.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';
import { readMailbox, sha256 } from '../support/mailbox-reader.js';
import { PrivateDovecot } from '../support/private-dovecot.js';

/** The awkward mailbox of the issue: 8-bit, dot-leading lines, no Message-ID, twins, 20 MB. */
function awkwardMessages(): Buffer[] {
  const received = (day: number) => `Received: from mx.old.example by old.example; Mon, ${day} Nov 2026 08:00:00 +0000`;
  const twin = Buffer.from(`${received(2)}\r\nFrom: twin@example.com\r\nSubject: twin\r\nMessage-ID: <twin@example.com>\r\nDate: Sun, 1 Nov 2026 10:00:00 +0000\r\n\r\nsame bytes\r\n`);
  const big = Buffer.alloc(20 * 1024 * 1024);
  for (let line = 0; line * 78 < big.length; line += 1) {
    const start = line * 78;
    big.fill(65 + (line % 26), start, Math.min(start + 76, big.length));
    if (start + 78 <= big.length) big.write('\r\n', start + 76, 'latin1');
  }
  return [
    Buffer.concat([Buffer.from(`${received(3)}\r\nFrom: =?UTF-8?B?5byg5LiJ?= <z@example.cn>\r\nSubject: 8-bit\r\nMessage-ID: <8bit@example.cn>\r\nContent-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`),
      Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0x0d, 0x0a]), Buffer.from('caf\xe9\r\n', 'latin1')]),
    Buffer.from(`${received(4)}\r\nFrom: dots@example.com\r\nSubject: dots\r\nMessage-ID: <dots@example.com>\r\n\r\n.\r\n..\r\n.leading\r\n`),
    Buffer.from(`${received(5)}\r\nFrom: anonymous@example.com\r\nSubject: no message id\r\n\r\nThis message has no Message-ID.\r\n`),
    twin,
    Buffer.from(twin),
    Buffer.concat([Buffer.from(`${received(6)}\r\nFrom: big@example.com\r\nSubject: 20 MB\r\nMessage-ID: <big@example.com>\r\n\r\n`), big.subarray(0, big.length - 2), Buffer.from('\r\n')]),
  ];
}

describe('mailbeacon migrate', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  const stateDir = mkdtempSync(join(tmpdir(), 'mailbeacon-migrate-'));
  const messages = awkwardMessages();
  const env = { FROM_PW: 'old-secret', TO_PW: 'new-secret' };

  beforeAll(async () => {
    dovecot.setUser('old-pop', 'old-secret');
    dovecot.setUser('new-pop', 'new-secret');
    dovecot.setUser('old-imap', 'old-secret');
    dovecot.setUser('new-imap', 'new-secret');
    for (const message of messages) dovecot.deliver('old-pop', message);
    await dovecot.start();
  }, 60_000);
  afterAll(() => dovecot.dispose());

  const migrate = (from: string, to: string, extra: string[] = []) => runCli([
    'migrate', '--from', from, '--to', to, '--ca', dovecot.caFile, '--state', stateDir, '--json',
    '--from-password-env', 'FROM_PW', '--to-password-env', 'TO_PW', ...extra,
  ], { env, timeoutMs: 120_000 });

  it('POP3 → IMAP: dry run first writes nothing, then every message arrives byte for byte with its date', async () => {
    const from = `pop3s://old-pop@127.0.0.1:${dovecot.ports.pop3s}`;
    const to = `imaps://new-pop@127.0.0.1:${dovecot.ports.imaps}`;
    const dry = await migrate(from, to, ['--dry-run']);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.events).toEqual([{ event: 'plan', messages: 6, toCopy: 6, alreadyDone: 0, bytes: messages.reduce((n, m) => n + m.length, 0) }]);
    expect(await readMailbox(dovecot.ports.imaps, 'new-pop', 'new-secret', dovecot.caFile)).toEqual([]);

    const result = await migrate(from, to);
    expect(result.status, result.stderr).toBe(0);
    expect(result.events.at(-1)).toEqual({ event: 'migrated', copied: 6, skipped: 0, alreadyThere: 0, flagsUpdated: 0, failed: 0, vanished: 0, unstableIdentities: 0, state: 'complete' });
    const progress = result.events.filter((e) => e.event === 'progress');
    expect(progress.at(-1)).toMatchObject({ done: 6, total: 6, bytes: messages.reduce((n, m) => n + m.length, 0) });

    const stored = await readMailbox(dovecot.ports.imaps, 'new-pop', 'new-secret', dovecot.caFile, { withSource: true });
    expect(stored.map((m) => m.sha256).sort()).toEqual(messages.map(sha256).sort());
    // The trace header keeps the old UIDL for Dovecot's pop3_reuse_xuidl.
    expect(stored.every((m) => /^X-UIDL: \S+\r\n/.test(m.source.toString('latin1', 0, 100)))).toBe(true);
    // INTERNALDATE from the newest Received: header; POP3 mail arrives as read.
    expect(stored.map((m) => m.internalDate).sort()).toEqual(['2026-11-02T08:00:00.000Z', '2026-11-02T08:00:00.000Z', '2026-11-03T08:00:00.000Z',
      '2026-11-04T08:00:00.000Z', '2026-11-05T08:00:00.000Z', '2026-11-06T08:00:00.000Z']);
    expect(stored.every((m) => m.flags.includes('\\Seen'))).toBe(true);

    // Again: nothing copied twice. Then new mail in the old box: only it is copied (catch-up).
    const again = await migrate(from, to);
    expect(again.events.at(-1)).toEqual({ event: 'migrated', copied: 0, skipped: 6, alreadyThere: 0, flagsUpdated: 0, failed: 0, vanished: 0, unstableIdentities: 0, state: 'complete' });
    dovecot.deliver('old-pop', 'From: late@example.com\r\nSubject: still sent to the old address\r\n\r\nhello\r\n');
    const catchUp = await migrate(from, to);
    expect(catchUp.events.at(-1)).toEqual({ event: 'migrated', copied: 1, skipped: 6, alreadyThere: 0, flagsUpdated: 0, failed: 0, vanished: 0, unstableIdentities: 0, state: 'complete' });
    expect(await readMailbox(dovecot.ports.imaps, 'new-pop', 'new-secret', dovecot.caFile)).toHaveLength(7);
  });

  it('IMAP → IMAP: all folders (hierarchy mapped), flags and INTERNALDATE kept, a 20 MB message byte for byte', async () => {
    const old = new ImapFlow({ host: '127.0.0.1', port: dovecot.ports.imaps, secure: true, auth: { user: 'old-imap', pass: 'old-secret' }, logger: false, tls: { ca: readFileSync(dovecot.caFile, 'utf8') } });
    await old.connect();
    await old.mailboxCreate(['Work', 'Projects']);
    await old.mailboxCreate('Sent');
    const delimiter = (await old.list()).find((folder) => folder.path !== 'INBOX')?.delimiter ?? '.';
    await old.append('INBOX', messages[0]!, ['\\Seen', '\\Flagged'], new Date('2020-01-02T03:04:05Z'));
    await old.append('INBOX', messages[2]!, [], new Date('2020-02-02T03:04:05Z'));
    await old.append(`Work${delimiter}Projects`, messages[3]!, ['\\Answered'], new Date('2021-03-03T03:03:03Z'));
    await old.append(`Work${delimiter}Projects`, messages[4]!, ['\\Answered'], new Date('2021-03-03T03:03:03Z'));
    await old.append('Sent', messages[1]!, ['\\Seen'], new Date('2022-04-04T04:04:04Z'));
    // 20 MB: read from the old server by our own FETCH straight into one buffer, sent by the streaming APPEND.
    await old.append('Sent', messages[5]!, [], new Date('2022-05-05T05:05:05Z'));
    await old.logout();
    const before = await readMailbox(dovecot.ports.imaps, 'old-imap', 'old-secret', dovecot.caFile);

    const result = await migrate(`imaps://old-imap@127.0.0.1:${dovecot.ports.imaps}`, `imap://new-imap@127.0.0.1:${dovecot.ports.imap}`);
    expect(result.status, result.stderr).toBe(0);
    expect(result.events.at(-1)).toEqual({ event: 'migrated', copied: 6, skipped: 0, alreadyThere: 0, flagsUpdated: 0, failed: 0, vanished: 0, unstableIdentities: 0, state: 'complete' });
    const after = await readMailbox(dovecot.ports.imaps, 'new-imap', 'new-secret', dovecot.caFile);
    const view = (list: typeof after) => list.map((m) => `${m.folder}|${m.sha256}|${m.flags.join(',')}|${m.internalDate}`).sort();
    expect(view(after)).toEqual(view(before));
  });

  it('a refused login on either side stops with exit 3 and the state says why', async () => {
    const result = await runCli(['migrate', '--from', `pop3s://old-pop@127.0.0.1:${dovecot.ports.pop3s}`, '--to', `imaps://new-pop@127.0.0.1:${dovecot.ports.imaps}`,
      '--ca', dovecot.caFile, '--state', stateDir, '--json'], { env: { MAILBEACON_PASSWORD: 'wrong' } });
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/refused the login/);
    expect(result.stderr).not.toContain('wrong');
  });
});
