// When a migration runs a full garbage collection besides every 2 MB copied: once after a long
// listing, before the first message is read (what the listing held is dead by then; P6 found a
// 100,000-message run peaking as its copy began, with the listing's tables still resident). The
// source is scripted (only its listing's length matters); the journal and the new mailbox are real.
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
import { readMailbox } from '../support/mailbox-reader.js';
import { PrivateDovecot } from '../support/private-dovecot.js';

const bytesOf = (number: number): Buffer => Buffer.from(`From: a@old.example\r\nSubject: ${number}\r\nMessage-ID: <${number}@old.example>\r\n\r\nbody ${number}\r\n`);

describe('full collections around a migration\'s listing', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  beforeAll(async () => { await dovecot.start(); }, 60_000);
  afterAll(() => dovecot.dispose());

  /** Lists `count` messages of which all but the last are already done; copies that last one. */
  async function run(target: string, count: number, dryRun = false): Promise<string[]> {
    await dovecot.changeUser(target, 'pw');
    const events: string[] = [];
    const journal = new MigrationJournal(join(mkdtempSync(join(tmpdir(), 'mailbeacon-collect-')), 'journal.jsonl'));
    const keys = Array.from({ length: count }, (_, index) => `pop3:uidl-${index + 1}`);
    journal.markPendingMany(keys.slice(0, -1));
    for (const [index, key] of keys.slice(0, -1).entries()) journal.markDoneUnsynced(key, index + 1, '1');
    journal.sync();
    const source: SourceSession = {
      kind: 'pop3',
      list: async (each) => {
        for (const [index, key] of keys.entries()) each({ key, folder: 'INBOX', number: index + 1, size: bytesOf(index + 1).length, uidl: key.slice(5) } satisfies SourceMessage);
        events.push('listed');
      },
      read: async (message, prefix) => { events.push(`read ${message.number}`); return Buffer.concat([prefix, bytesOf(message.number!)]); },
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
      collectGarbage: () => { events.push('collected'); },
    });
    expect(report).toMatchObject({ copied: dryRun ? 0 : 1, skipped: count - 1, failed: 0, state: 'complete' });
    journal.close();
    return events;
  }

  it('after a listing of 10,000 messages: one collection, before the first message is read', async () => {
    expect(await run('long-listing', 10_000)).toEqual(['listed', 'collected', 'read 10000']);
    const stored = await readMailbox(dovecot.ports.imaps, 'long-listing', 'pw', dovecot.caFile);
    expect(stored).toHaveLength(1);
  });

  it('after a shorter listing, or a dry run of a long one: none', async () => {
    expect(await run('short-listing', 9_999)).toEqual(['listed', 'read 9999']);
    expect(await run('dry-listing', 10_000, true)).toEqual(['listed']);
  });
});
