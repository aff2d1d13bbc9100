// Nested folders and crashes: a run killed after it created `Work/Archive` on the new server but
// before `Work` leaves the target listing `Work` as \Noselect. The next run must still create `Work`
// and copy every one of its messages; also a real SIGKILL mid-copy of a nested mailbox, and a
// message that vanishes from the source between the plan and its copy, and connections lost while
// copying and again while the source is listed anew.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAccountUrl } from '../../src/account/account-url.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import { ImapSource } from '../../src/migration/imap-source.js';
import { ImapTarget } from '../../src/migration/imap-target.js';
import { MigrationJournal } from '../../src/migration/journal.js';
import { runMigration } from '../../src/migration/migration-engine.js';
import { DEFAULT_MIGRATION_OPTIONS } from '../../src/migration/migration-types.js';
import { CheckFailure } from '../../src/protocols/check-failure.js';
import { CLI, runCli } from '../support/cli-process.js';
import { readMailbox, sha256 } from '../support/mailbox-reader.js';
import { PrivateDovecot } from '../support/private-dovecot.js';

const message = (folder: string, i: number): Buffer => Buffer.from(
  `From: a@old.example\r\nSubject: ${folder} ${i}\r\nMessage-ID: <${folder.replace(/\W/g, '')}${i}@old.example>\r\n\r\nbody of ${folder} ${i}\r\n${'line\r\n'.repeat(i % 50)}`);

describe('migration with nested folders', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  const ca = (): string => readFileSync(dovecot.caFile, 'utf8');
  const WORK = 60;
  const ARCHIVE = 40;

  async function client(user: string): Promise<ImapFlow> {
    const imap = new ImapFlow({ host: '127.0.0.1', port: dovecot.ports.imaps, secure: true, auth: { user, pass: 'pw' }, logger: false, tls: { ca: ca() } });
    imap.on('error', () => undefined);
    await imap.connect();
    return imap;
  }

  /** A source with INBOX, Work and Work<sep>Archive, filled over IMAP. */
  async function fillSource(user: string): Promise<{ all: Buffer[]; separator: string }> {
    await dovecot.changeUser(user, 'pw');
    const imap = await client(user);
    const separator = (await imap.list()).find((f) => f.delimiter)?.delimiter ?? '.';
    const all: Buffer[] = [];
    await imap.mailboxCreate('Work');
    await imap.mailboxCreate(`Work${separator}Archive`);
    for (let i = 0; i < WORK; i += 1) { const m = message('Work', i); all.push(m); await imap.append('Work', m); }
    for (let i = 0; i < ARCHIVE; i += 1) { const m = message('Archive', i); all.push(m); await imap.append(`Work${separator}Archive`, m); }
    const inbox = message('INBOX', 1);
    all.push(inbox);
    await imap.append('INBOX', inbox);
    await imap.logout();
    return { all, separator };
  }

  beforeAll(async () => { await dovecot.start(); }, 60_000);
  afterAll(() => dovecot.dispose());

  const args = (from: string, to: string, state: string): string[] => ['migrate', '--from', `imaps://${from}@127.0.0.1:${dovecot.ports.imaps}`,
    '--to', `imaps://${to}@127.0.0.1:${dovecot.ports.imaps}`, '--ca', dovecot.caFile, '--state', state, '--json', '--from-password-env', 'P', '--to-password-env', 'P'];

  it('a child created before its parent (the state a kill leaves) still gets the parent created and filled', async () => {
    const { all, separator } = await fillSource('nest-old');
    await dovecot.changeUser('nest-new', 'pw');
    // The state a run killed between creating the child and creating its parent leaves behind.
    const target = await client('nest-new');
    await target.mailboxCreate(`Work${separator}Archive`);
    const listed = await target.list();
    await target.logout();
    expect(listed.map((f) => f.path)).toContain(`Work${separator}Archive`);

    const result = await runCli(args('nest-old', 'nest-new', mkdtempSync(join(tmpdir(), 'mailbeacon-nest-'))), { env: { P: 'pw' }, timeoutMs: 90_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.events.at(-1)).toMatchObject({ event: 'migrated', failed: 0, state: 'complete' });
    const stored = await readMailbox(dovecot.ports.imaps, 'nest-new', 'pw', dovecot.caFile);
    expect(stored.filter((m) => m.folder === 'Work')).toHaveLength(WORK);
    expect(stored.map((m) => m.sha256).sort()).toEqual(all.map(sha256).sort());
  });

  it('killed with SIGKILL again and again while copying a nested mailbox: nothing lost, nothing duplicated', async () => {
    const { all } = await fillSource('kill-old');
    await dovecot.changeUser('kill-new', 'pw');
    const state = mkdtempSync(join(tmpdir(), 'mailbeacon-nest-'));
    let kills = 0;
    for (let run = 0; run < 30 && kills < 6; run += 1) {
      const child = spawn(process.execPath, [CLI, ...args('kill-old', 'kill-new', state)], { env: { ...process.env, P: 'pw' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let copying = false;
      child.stdout.on('data', (data: Buffer) => { if (data.toString().includes('"event":"progress"')) copying = true; });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      for (let waited = 0; !copying && child.exitCode === null && waited < 10_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
      // Kills land at different points of a batch's APPENDs. The delays stay short: the copy of
      // these 101 messages is short, and delays growing by 40 ms a run (as before) let the third
      // run finish first (2 kills: the test failed when run on its own, at 3c9f30a too).
      await new Promise((r) => setTimeout(r, [10, 35, 20, 50, 15, 30][run % 6]!));
      if (child.exitCode === null) { child.kill('SIGKILL'); kills += 1; }
      await exited;
    }
    expect(kills).toBeGreaterThanOrEqual(3);
    const last = await runCli(args('kill-old', 'kill-new', state), { env: { P: 'pw' }, timeoutMs: 90_000 });
    expect(last.status, last.stderr).toBe(0);
    const stored = await readMailbox(dovecot.ports.imaps, 'kill-new', 'pw', dovecot.caFile);
    expect(stored.map((m) => m.sha256).sort()).toEqual(all.map(sha256).sort());
  }, 180_000);

  it('a message that vanishes from the source between the plan and its copy is that message\'s outcome, not the run\'s', async () => {
    await dovecot.changeUser('gone-old', 'pw');
    await dovecot.changeUser('gone-new', 'pw');
    const kept = [message('INBOX', 1), message('INBOX', 3)];
    dovecot.deliver('gone-old', kept[0]!);
    const doomed = basename(dovecot.deliver('gone-old', message('INBOX', 2)));
    dovecot.deliver('gone-old', kept[1]!);
    const logger = createLogger({ secrets: new SecretRegistry(), minLevel: 'error', write: () => undefined });
    const side = (user: string) => ({ endpoint: parseAccountUrl(`imaps://${user}@127.0.0.1:${dovecot.ports.imaps}`), password: 'pw', ca: ca(), deadlineMs: 10_000, logger });
    const state = mkdtempSync(join(tmpdir(), 'mailbeacon-gone-'));
    const report = await runMigration({
      openSource: async () => {
        const source = await ImapSource.open(side('gone-old'));
        const listSince = source.listSince.bind(source);
        // Planned, then deleted on the server (another client expunged it) before it is read.
        source.listSince = async (journal, each) => {
          const planned = await listSince(journal, each);
          for (const sub of ['cur', 'new']) {
            for (const name of readdirSync(join(dovecot.mailDir('gone-old'), sub))) if (name.startsWith(doomed)) rmSync(join(dovecot.mailDir('gone-old'), sub, name));
          }
          return planned;
        };
        return source;
      },
      openTarget: () => ImapTarget.open(side('gone-new')),
      journal: new MigrationJournal(join(state, 'journal.jsonl')),
      options: DEFAULT_MIGRATION_OPTIONS,
      sleep: async () => undefined,
    });
    expect(report).toMatchObject({ copied: 2, vanished: 1, failed: 0, state: 'complete' });
    const stored = await readMailbox(dovecot.ports.imaps, 'gone-new', 'pw', dovecot.caFile);
    expect(stored.map((m) => m.sha256).sort()).toEqual(kept.map(sha256).sort());
  });
  it('a source that refuses the login ends the run with the journal file closed (the app runs many migrations in one process)', async () => {
    await dovecot.changeUser('closed-old', 'pw');
    const logger = createLogger({ secrets: new SecretRegistry(), minLevel: 'error', write: () => undefined });
    const path = join(mkdtempSync(join(tmpdir(), 'mailbeacon-closed-')), 'journal.jsonl');
    const earlier = new MigrationJournal(path);
    earlier.markDone('imap:INBOX:1:1', 1, '1');
    earlier.close();
    const openOnJournal = (): number => readdirSync('/proc/self/fd').filter((fd) => {
      try { return readlinkSync(join('/proc/self/fd', fd)) === path; } catch { return false; }
    }).length;
    const error = await runMigration({
      openSource: () => ImapSource.open({ endpoint: parseAccountUrl(`imaps://closed-old@127.0.0.1:${dovecot.ports.imaps}`), password: 'wrong', ca: ca(), deadlineMs: 10_000, logger }),
      openTarget: () => { throw new Error('the target must not be opened'); },
      journal: MigrationJournal.open(path),
      options: DEFAULT_MIGRATION_OPTIONS,
      sleep: async () => undefined,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'rejected' });
    expect(openOnJournal()).toBe(0);
  });

  it('a connection lost mid-copy, and lost again while the source is listed anew, ends with every message once', async () => {
    await dovecot.changeUser('relist-old', 'pw');
    await dovecot.changeUser('relist-new', 'pw');
    const all = Array.from({ length: 90 }, (_, i) => message('INBOX', i + 1));
    for (const bytes of all) dovecot.deliver('relist-old', bytes);
    const logger = createLogger({ secrets: new SecretRegistry(), minLevel: 'error', write: () => undefined });
    const side = (user: string) => ({ endpoint: parseAccountUrl(`imaps://${user}@127.0.0.1:${dovecot.ports.imaps}`), password: 'pw', ca: ca(), deadlineMs: 10_000, logger });
    const state = mkdtempSync(join(tmpdir(), 'mailbeacon-relist-'));
    let opened = 0;
    let reads = 0;
    const report = await runMigration({
      openSource: async () => {
        const source = await ImapSource.open(side('relist-old'));
        opened += 1;
        const session = opened;
        const read = source.read.bind(source);
        // The first session is lost in the middle of the second batch; the second while it lists.
        source.read = async (planned, prefix) => {
          reads += 1;
          if (session === 1 && reads === 40) throw new CheckFailure('network', 'connection reset (test)');
          return read(planned, prefix);
        };
        const listSince = source.listSince.bind(source);
        source.listSince = async (journal, each) => {
          if (session === 2) throw new CheckFailure('network', 'connection reset while listing (test)');
          return listSince(journal, each);
        };
        return source;
      },
      openTarget: () => ImapTarget.open(side('relist-new'), true),
      journal: new MigrationJournal(join(state, 'journal.jsonl')),
      options: DEFAULT_MIGRATION_OPTIONS,
      sleep: async () => undefined,
    });
    expect(opened).toBe(3);
    expect(report).toMatchObject({ failed: 0, state: 'complete' });
    expect(report.copied + report.skipped).toBe(90);
    const stored = await readMailbox(dovecot.ports.imaps, 'relist-new', 'pw', dovecot.caFile);
    expect(stored.map((m) => m.sha256).sort()).toEqual(all.map(sha256).sort());
    // The plan files of the run are gone with it.
    expect(readdirSync(state).filter((name) => name.includes('.plan-'))).toEqual([]);
  });
});
