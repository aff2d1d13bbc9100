// When a migration runs a full garbage collection: once after a long listing, before the first
// message is read (what the listing held is dead by then; P6 found a 100,000-message run peaking
// as its copy began, with the listing's tables still resident), and every 2 MB copied, but not
// within 100 ms of the last one (each takes ~10 ms: a fast copy spent a fifth of its time in
// them). The source is scripted; the journal and the new mailbox are real.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAccountUrl } from '../../src/account/account-url.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import { ImapTarget } from '../../src/migration/imap-target.js';
import { MigrationJournal } from '../../src/migration/journal.js';
import { runMigration, type SourceSession } from '../../src/migration/migration-engine.js';
import { DEFAULT_MIGRATION_OPTIONS, type SourceMessage } from '../../src/migration/migration-types.js';
import { CheckFailure } from '../../src/protocols/check-failure.js';
import { readMailbox } from '../support/mailbox-reader.js';
import { PrivateDovecot } from '../support/private-dovecot.js';

/** Message `number`; past `large`, of 100 kB. */
const bytesOf = (number: number, large = Infinity): Buffer => Buffer.from(`From: a@old.example\r\nSubject: ${number}\r\nMessage-ID: <${number}@old.example>\r\n\r\nbody ${number}\r\n${number > large ? 'x'.repeat(78).concat('\r\n').repeat(1_280) : ''}`);

describe('full collections around a migration\'s listing', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  beforeAll(async () => { await dovecot.start(); }, 60_000);
  afterAll(() => dovecot.dispose());

  /** Lists `count` messages of which all but the last are already done; copies that last one.
   * `large`: that many more messages of 100 kB to copy after it, and `msPerRead`: how far the clock
   * moves on for each message read. `loseOnce`: the first read fails as a lost connection (the
   * run reconnects and lists again). */
  async function run(target: string, count: number, dryRun = false, large = 0, msPerRead = 0, loseOnce = false): Promise<string[]> {
    await dovecot.changeUser(target, 'pw');
    const events: string[] = [];
    let clock = 0;
    const journal = new MigrationJournal(join(mkdtempSync(join(tmpdir(), 'mailbeacon-collect-')), 'journal.jsonl'));
    const done = Array.from({ length: count - 1 }, (_, index) => `pop3:uidl-${index + 1}`);
    const keys = [...done, ...Array.from({ length: 1 + large }, (_, index) => `pop3:uidl-${count + index}`)];
    journal.markPendingMany(done);
    for (const [index, key] of done.entries()) journal.markDoneUnsynced(key, index + 1, '1');
    journal.sync();
    const source: SourceSession = {
      kind: 'pop3',
      list: async (each) => {
        for (const [index, key] of keys.entries()) each({ key, folder: 'INBOX', number: index + 1, size: bytesOf(index + 1, count).length, uidl: key.slice(5) } satisfies SourceMessage);
        events.push('listed');
      },
      read: async (message, prefix) => {
        clock += msPerRead;
        events.push(`read ${message.number}`);
        if (loseOnce) {
          loseOnce = false;
          throw new CheckFailure('network', 'connection reset (test)');
        }
        return Buffer.concat([prefix, bytesOf(message.number!, count)]);
      },
      close: async () => undefined,
    };
    const side = { endpoint: parseAccountUrl(`imaps://${target}@127.0.0.1:${dovecot.ports.imaps}`), password: 'pw', ca: readFileSync(dovecot.caFile, 'utf8'), deadlineMs: 10_000,
      logger: createLogger({ secrets: new SecretRegistry(), minLevel: 'error', write: () => undefined }) };
    const report = await runMigration({
      openSource: async () => source,
      openTarget: () => ImapTarget.open(side, true),
      journal,
      options: { ...DEFAULT_MIGRATION_OPTIONS, dryRun },
      sleep: async () => undefined,
      now: () => clock,
      collectGarbage: () => { events.push('collected'); },
    });
    expect(report).toMatchObject({ copied: dryRun ? 0 : 1 + large, skipped: count - 1, failed: 0, state: 'complete' });
    journal.close();
    return events;
  }

  it('after a listing of 10,000 messages: one collection, before the first message is read', async () => {
    expect(await run('long-listing', 10_000)).toEqual(['listed', 'collected', 'read 10000']);
    const stored = await readMailbox(dovecot.ports.imaps, 'long-listing', 'pw', dovecot.caFile);
    expect(stored).toHaveLength(1);
  });

  it('after the listing a reconnect makes, too', async () => {
    expect(await run('relisting', 10_000, false, 0, 0, true)).toEqual(['listed', 'collected', 'read 10000', 'listed', 'collected', 'read 10000']);
  });

  it('after a shorter listing, or a dry run of a long one: none', async () => {
    expect(await run('short-listing', 9_999)).toEqual(['listed', 'read 9999']);
    expect(await run('dry-listing', 10_000, true)).toEqual(['listed']);
  });

  it('every 2 MB copied, but not within 100 ms of the last collection', async () => {
    // 192 messages of 100 kB, in batches of 32 (3.2 MB): the check comes after each batch. Read
    // 10 ms apart by the clock, a batch takes 320 ms: a collection after each. Read 2 ms apart,
    // 64 ms: after every second batch only.
    const slow = await run('clock-slow', 1, false, 192, 10);
    // A clock that goes back (set by hand, or by NTP) holds nothing off.
    const back = await run('clock-back', 1, false, 192, -10);
    const fast = await run('clock-fast', 1, false, 192, 2);
    const collections = (events: string[]): number[] => events.flatMap((event, position) => (event === 'collected' ? [position] : []));
    expect(collections(slow).length).toBeGreaterThanOrEqual(5);
    expect(collections(back).length).toBeGreaterThanOrEqual(collections(slow).length);
    expect(collections(fast).length).toBeGreaterThanOrEqual(2);
    expect(collections(fast).length).toBeLessThanOrEqual(Math.ceil(collections(slow).length / 2));
    // Never two within 100 ms of the clock: at least 50 reads (of 2 ms) between two collections.
    const at = collections(fast);
    for (let index = 1; index < at.length; index += 1) {
      expect(fast.slice(at[index - 1], at[index]).filter((event) => event.startsWith('read')).length).toBeGreaterThanOrEqual(50);
    }
  });
});
