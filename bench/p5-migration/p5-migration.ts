// P5 migration throughput: one POP3 mailbox of mixed sizes copied into IMAP on the same private
// Dovecot, by Mailbeacon and by what an administrator would otherwise run, each into its own user:
// fetchmail delivering through dovecot-lda (the classic "fetch from the old server" setup), and the
// raw limits: a bare loop of IMAP APPENDs, dovecot-lda once per file, and `doveadm import`.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { PrivateDovecot } from '../../test/support/private-dovecot.js';
import { pick, type BenchContext } from '../support/bench-context.js';
import { benchMessage, mixedSizes } from '../support/corpus.js';
import { fetchmailInstalled, runFetchmail } from '../support/fetchmail.js';
import { countMessages, fillMailbox } from '../support/mailbox-filler.js';
import { timedMigrate } from '../support/migrate-run.js';
import { verdict, type BenchRow, type BenchSection } from '../support/report.js';

const PASSWORD = 'bench-password';
const LDA = '/usr/lib/dovecot/dovecot-lda';
const TARGETS = ['mailbeacon', 'fetchmail', 'append', 'lda', 'import'] as const;

interface Run { name: string; seconds: number; messages: number }

async function timed(name: string, run: () => Promise<unknown> | unknown, count: () => number): Promise<Run> {
  const started = process.hrtime.bigint();
  await run();
  return { name, seconds: Number(process.hrtime.bigint() - started) / 1e9, messages: count() };
}

function sourceFiles(dovecot: PrivateDovecot): string[] {
  const cur = join(dovecot.mailDir('source'), 'cur');
  return readdirSync(cur).sort().map((name) => join(cur, name));
}

async function appendLoop(dovecot: PrivateDovecot, files: string[]): Promise<void> {
  const client = new ImapFlow({
    host: '127.0.0.1', port: dovecot.ports.imaps, secure: true, tls: { ca: readFileSync(dovecot.caFile) },
    auth: { user: 'append', pass: PASSWORD }, logger: false,
  });
  await client.connect();
  for (const file of files) await client.append('INBOX', readFileSync(file));
  await client.logout();
}

function ldaLoop(dovecot: PrivateDovecot, files: string[]): void {
  for (const file of files) {
    const result = spawnSync(LDA, ['-c', dovecot.configFile, '-d', 'lda'], { input: readFileSync(file) });
    if (result.status !== 0) throw new Error(`dovecot-lda failed: ${result.stderr.toString()}`);
  }
}

function doveadmImport(dovecot: PrivateDovecot): void {
  const result = spawnSync('doveadm', ['-c', dovecot.configFile, 'import', '-u', 'import', `maildir:${dovecot.mailDir('source')}`, '', 'all'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`doveadm import failed: ${result.stderr}`);
}

async function fetchmailToLda(dovecot: PrivateDovecot): Promise<void> {
  const { code, output } = await runFetchmail({
    protocol: 'pop3', port: dovecot.ports.pop3s, user: 'source', password: PASSWORD, caFile: dovecot.caFile,
    mda: `${LDA} -c ${dovecot.configFile} -d fetchmail`,
  });
  if (code !== 0) throw new Error(`fetchmail exited ${code}: ${output.slice(-2000)}`);
}

const rate = (run: Run): number => run.messages / run.seconds;

export async function migrationThroughputBench(context: BenchContext): Promise<BenchSection> {
  const count = pick(context, 2000, 100);
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  for (const user of ['source', ...TARGETS]) dovecot.setUser(user, PASSWORD);
  await dovecot.start();
  try {
    const sizes = mixedSizes(count, 2_000, 200_000);
    const bytes = fillMailbox(dovecot, 'source', count, (index) => benchMessage(index, sizes[index]!));
    const files = sourceFiles(dovecot);
    context.progress(`P5: ${count} messages, ${(bytes / 1e6).toFixed(1)} MB in the old POP3 mailbox`);
    const runs: Run[] = [];
    const counted = (user: string) => () => countMessages(dovecot, user);
    context.progress('P5: mailbeacon migrate');
    let failed = 0;
    runs.push(await timed('Mailbeacon', async () => {
      failed = (await timedMigrate(dovecot, { user: 'source', password: PASSWORD }, { user: 'mailbeacon', password: PASSWORD })).failed;
    }, counted('mailbeacon')));
    if (fetchmailInstalled()) {
      context.progress('P5: fetchmail → dovecot-lda');
      runs.push(await timed('fetchmail → dovecot-lda', () => fetchmailToLda(dovecot), counted('fetchmail')));
    }
    context.progress('P5: raw APPEND loop');
    runs.push(await timed('APPEND loop (one connection)', () => appendLoop(dovecot, files), counted('append')));
    context.progress('P5: dovecot-lda per file');
    runs.push(await timed('dovecot-lda per file', () => ldaLoop(dovecot, files), counted('lda')));
    context.progress('P5: doveadm import');
    runs.push(await timed('doveadm import', () => doveadmImport(dovecot), counted('import')));

    const ours = runs[0]!;
    const fetchmail = runs.find((run) => run.name.startsWith('fetchmail'));
    const append = runs.find((run) => run.name.startsWith('APPEND'))!;
    const mb = bytes / 1e6;
    const describe = (run: Run): string => `${run.name}: ${run.seconds.toFixed(1)} s, ${rate(run).toFixed(0)} msg/s${run.messages !== count ? ` (${run.messages} of ${count} arrived)` : ''}`;
    const rows: BenchRow[] = [
      {
        measure: `${count} messages, ${mb.toFixed(0)} MB, POP3 (TLS) → IMAP (TLS)`,
        mailbeacon: `${ours.seconds.toFixed(1)} s · ${rate(ours).toFixed(0)} msg/s · ${(mb / ours.seconds).toFixed(1)} MB/s`,
        others: fetchmail ? describe(fetchmail) : 'fetchmail not installed',
        goal: 'faster than fetchmail → dovecot-lda',
        verdict: fetchmail ? verdict(ours.seconds < fetchmail.seconds && ours.messages === count) : 'info',
        meaning: fetchmail
          ? `Mailbeacon is ${(fetchmail.seconds / ours.seconds).toFixed(1)}× fetchmail's speed, while also journalling every message so a crash loses or duplicates nothing (fetchmail forks one LDA per message; we send batches as one MULTIAPPEND each).`
          : 'fetchmail was not installed: no comparison.',
      },
      {
        measure: 'nothing lost, nothing duplicated',
        mailbeacon: `${ours.messages} of ${count} in the new mailbox, ${failed} failed`,
        others: runs.slice(1).map((run) => `${run.name.split(' ')[0]} ${run.messages}`).join(' · '),
        goal: `exactly ${count}`,
        verdict: verdict(ours.messages === count && failed === 0),
        meaning: 'Counted as files in each target maildir after the run.',
      },
      {
        measure: 'against the raw limits (same files, same server)',
        mailbeacon: `${(rate(ours) / rate(append) * 100).toFixed(0)} % of a bare APPEND loop's speed`,
        others: runs.slice(2).map(describe).join(' · '),
        goal: '',
        verdict: 'info',
        meaning: 'The bare loop reads files from disk and APPENDs them one by one on one connection (imapflow), as a simple copier would. '
          + (rate(ours) > rate(append)
            ? 'Mailbeacon is faster although it first reads each message over POP3 and journals every batch with fsync: it sends a batch of up to 32 messages as one MULTIAPPEND, which Dovecot stores in one transaction, and reads the next batch while one is stored. '
            : 'What we do on top: each message is first read over POP3 (RETR), and every batch is journalled with fsync before and after its APPEND. ')
          + 'dovecot-lda per file is what fetchmail pays per message; `doveadm import` from maildir to maildir on one filesystem hard-links the files, so it copies nothing and is no fair ceiling.',
      },
    ];
    return {
      id: 'P5',
      title: 'migration throughput',
      method: `${count} messages, sizes spread on a log scale from 2 kB to 200 kB (${mb.toFixed(0)} MB in all), in an old POP3 mailbox of a private Dovecot; each tool copies them into its own user of the same Dovecot, one after the other, in one run. `
        + 'Mailbeacon is `mailbeacon migrate --from pop3s://… --to imaps://…` (TLS both ways). fetchmail 6.4 polls POP3 over TLS with `keep fetchall` and delivers through `dovecot-lda`. Wall-clock time of each whole command.',
      rows,
    };
  } finally {
    await dovecot.dispose();
  }
}
