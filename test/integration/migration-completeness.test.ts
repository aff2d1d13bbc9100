// What a catch-up must carry and what a lost journal must not cause, against the private Dovecot
// through the built CLI: flag changes made on the old mailbox after the first pass arrive on the
// next run; a run with a fresh --state into a target that already holds the mail copies nothing
// twice (IMAP by size + header hash, POP3 by the X-UIDL trace), twins included; a catch-up of a large
// IMAP mailbox reads what changed since (UIDNEXT, CONDSTORE), not the whole listing again.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';
import { readMailbox } from '../support/mailbox-reader.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { PrivateDovecot } from '../support/private-dovecot.js';

const env = { FROM_PW: 'old-secret', TO_PW: 'new-secret' };
const state = (): string => mkdtempSync(join(tmpdir(), 'mailbeacon-completeness-'));
const message = (n: number, extra = '') => `From: s${n}@old.test\r\nSubject: message ${n}\r\nMessage-ID: <m${n}@old.test>\r\n${extra}\r\nbody ${n}\r\n`;
const twin = 'From: twin@old.test\r\nSubject: twin\r\nMessage-ID: <twin@old.test>\r\n\r\nsame bytes\r\n';

describe('migration completeness', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });

  beforeAll(async () => {
    for (const user of ['old-imap', 'old-pop']) dovecot.setUser(user, 'old-secret');
    for (const user of ['new-imap', 'new-pop', 'new-big']) dovecot.setUser(user, 'new-secret');
    dovecot.setUser('old-big', 'old-secret');
    for (let n = 1; n <= 3_000; n += 1) dovecot.deliver('old-big', message(1000 + n), { seen: true });
    for (let n = 1; n <= 6; n += 1) dovecot.deliver('old-imap', message(n), { seen: n % 2 === 0 });
    dovecot.deliver('old-imap', twin);
    dovecot.deliver('old-imap', twin);
    for (let n = 1; n <= 4; n += 1) dovecot.deliver('old-pop', message(100 + n));
    dovecot.deliver('old-pop', twin);
    dovecot.deliver('old-pop', twin);
    await dovecot.start();
  }, 60_000);
  afterAll(() => dovecot.dispose());

  const migrate = (from: string, to: string, stateDir: string) => runCli([
    'migrate', '--from', from, '--to', to, '--from-password-env', 'FROM_PW', '--to-password-env', 'TO_PW', '--ca', dovecot.caFile,
    '--state', stateDir, '--json',
  ], { env });
  const imapFrom = () => `imaps://old-imap@127.0.0.1:${dovecot.ports.imaps}`;
  const imapTo = () => `imaps://new-imap@127.0.0.1:${dovecot.ports.imaps}`;

  async function withMailbox<T>(user: string, password: string, work: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.ports.imaps, secure: true, auth: { user, pass: password }, logger: false, tls: { ca: readFileSync(dovecot.caFile, 'utf8') } });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.mailboxOpen('INBOX');
      return await work(client);
    } finally {
      await client.logout();
    }
  }

  const flagsBySubject = async (user: string, password: string): Promise<Record<string, string[]>> => withMailbox(user, password, async (client) => {
    const out: Record<string, string[]> = {};
    for await (const fetched of client.fetch('1:*', { envelope: true, flags: true })) {
      out[`${fetched.envelope?.subject}#${fetched.seq}`] = [...(fetched.flags ?? [])].filter((flag) => flag !== '\\Recent').sort();
    }
    return out;
  });

  it('flag changes on the old mailbox after the first pass arrive on the next catch-up, and only those', async () => {
    const stateDir = state();
    const first = await migrate(imapFrom(), imapTo(), stateDir);
    expect(first.status, first.stderr).toBe(0);
    expect(first.events.at(-1)).toMatchObject({ copied: 8, flagsUpdated: 0 });
    // Now the user works in the old mailbox: flags one message, marks another unread.
    await withMailbox('old-imap', 'old-secret', async (client) => {
      await client.messageFlagsAdd({ header: { subject: 'message 1' } }, ['\\Flagged']);
      await client.messageFlagsRemove({ header: { subject: 'message 2' } }, ['\\Seen']);
    });
    // And in the new one: a flag of the user's own there must stay.
    await withMailbox('new-imap', 'new-secret', async (client) => { await client.messageFlagsAdd({ header: { subject: 'message 3' } }, ['\\Answered']); });
    const catchUp = await migrate(imapFrom(), imapTo(), stateDir);
    expect(catchUp.status, catchUp.stderr).toBe(0);
    expect(catchUp.events.at(-1)).toMatchObject({ copied: 0, flagsUpdated: 2 });
    const target = await flagsBySubject('new-imap', 'new-secret');
    const bySubject = (subject: string) => Object.entries(target).find(([key]) => key.startsWith(`${subject}#`))![1];
    expect(bySubject('message 1')).toEqual(['\\Flagged']);
    expect(bySubject('message 2')).toEqual([]);
    expect(bySubject('message 3')).toEqual(['\\Answered']);
    expect(bySubject('message 4')).toEqual(['\\Seen']);
    // Nothing changed since: nothing to store.
    const again = await migrate(imapFrom(), imapTo(), stateDir);
    expect(again.events.at(-1)).toMatchObject({ copied: 0, flagsUpdated: 0 });
  }, 60_000);

  it('a catch-up of 3,000 messages reads what is new or changed, not the listing again', async () => {
    const proxy = await new FaultProxy(dovecot.ports.imap).start();
    try {
      const from = `imap://old-big@127.0.0.1:${proxy.port}?plaintext=1`;
      const stateDir = state();
      const first = await migrate(from, `imaps://new-big@127.0.0.1:${dovecot.ports.imaps}`, stateDir);
      expect(first.status, first.stderr).toBe(0);
      expect(first.events.at(-1)).toMatchObject({ copied: 3_000, failed: 0 });
      // What a listing of the whole folder costs to read (a dry run lists everything).
      proxy.bytesFromServer = 0;
      const dry = await migrate(from, `imaps://new-big@127.0.0.1:${dovecot.ports.imaps}`, stateDir + '-dry');
      expect(dry.status, dry.stderr).toBe(0);
      const fullListing = proxy.bytesFromServer;
      expect(fullListing).toBeGreaterThan(150_000);

      // Meanwhile on the old server: two new messages, one flagged.
      dovecot.deliver('old-big', message(9001));
      dovecot.deliver('old-big', message(9002));
      await withMailbox('old-big', 'old-secret', async (client) => { await client.messageFlagsAdd({ header: { subject: 'message 1500' } }, ['\\Flagged']); });
      proxy.bytesFromServer = 0;
      const catchUp = await migrate(from, `imaps://new-big@127.0.0.1:${dovecot.ports.imaps}`, stateDir);
      expect(catchUp.status, catchUp.stderr).toBe(0);
      expect(catchUp.events.at(-1)).toMatchObject({ copied: 2, skipped: 3_000, flagsUpdated: 1, failed: 0 });
      // The two new messages and one changed flag, not 3,000 listing lines: a twentieth at most.
      expect(proxy.bytesFromServer).toBeLessThan(fullListing / 20);
      const copies = await readMailbox(dovecot.ports.imaps, 'new-big', 'new-secret', dovecot.caFile);
      expect(copies).toHaveLength(3_002);
      expect(copies.filter((copy) => copy.flags.includes('\\Flagged'))).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  }, 120_000);

  it('a fresh --state into a target that already holds the mail copies nothing twice (twins stay two)', async () => {
    const before = await readMailbox(dovecot.ports.imaps, 'new-imap', 'new-secret', dovecot.caFile);
    const fresh = await migrate(imapFrom(), imapTo(), state());
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(fresh.events.at(-1)).toMatchObject({ copied: 0, alreadyThere: 8, skipped: 8 });
    const after = await readMailbox(dovecot.ports.imaps, 'new-imap', 'new-secret', dovecot.caFile);
    expect(after.length).toBe(before.length);
    // A message that arrived meanwhile is still copied.
    dovecot.deliver('old-imap', message(7));
    const withNew = await migrate(imapFrom(), imapTo(), state());
    expect(withNew.events.at(-1)).toMatchObject({ copied: 1, alreadyThere: 8 });
    expect((await readMailbox(dovecot.ports.imaps, 'new-imap', 'new-secret', dovecot.caFile)).length).toBe(before.length + 1);
  }, 60_000);

  it('POP3: a fresh --state recognises the copies by their X-UIDL trace', async () => {
    const from = `pop3s://old-pop@127.0.0.1:${dovecot.ports.pop3s}`;
    const to = `imaps://new-pop@127.0.0.1:${dovecot.ports.imaps}`;
    const first = await migrate(from, to, state());
    expect(first.events.at(-1)).toMatchObject({ copied: 6 });
    const fresh = await migrate(from, to, state());
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(fresh.events.at(-1)).toMatchObject({ copied: 0, alreadyThere: 6 });
    expect((await readMailbox(dovecot.ports.imaps, 'new-pop', 'new-secret', dovecot.caFile)).length).toBe(6);
  }, 60_000);
});
