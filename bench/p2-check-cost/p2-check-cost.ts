// P2 check cost: bytes on the wire for a "no new mail" check as mailboxes grow, Mailbeacon's
// check (the CLI, black box) against the full listing other clients fetch each poll. Counted by a
// loopback proxy: on the plaintext ports for protocol bytes, and on the TLS ports for what users
// really pay (a handshake on top, the same whatever the mailbox holds).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { Pop3Client } from '../../src/protocols/pop3/pop3-client.js';
import { runCli } from '../../test/support/cli-process.js';
import { PrivateDovecot } from '../../test/support/private-dovecot.js';
import { pick, type BenchContext } from '../support/bench-context.js';
import { benchMessage } from '../support/corpus.js';
import { CountingProxy, type ByteCount } from '../support/counting-proxy.js';
import { fillMailbox } from '../support/mailbox-filler.js';
import { verdict, type BenchSection } from '../support/report.js';

const PASSWORD = 'bench-password';

interface SizeFigures { size: number; pop3Check: number; pop3Uidl: number; imapCheck: number; imapFetchAll: number; pop3TlsCheck: number; imapTlsCheck: number }

interface Proxies { pop3: CountingProxy; imap: CountingProxy; pop3s: CountingProxy; imaps: CountingProxy }

const total = (count: ByteCount): number => count.clientToServer + count.serverToClient;

async function cliCheck(url: string, state: string, caFile?: string): Promise<Record<string, unknown>> {
  const result = await runCli(['check', url, '--state', state, '--json', ...(caFile ? ['--ca', caFile] : [])], { env: { MAILBEACON_PASSWORD: PASSWORD }, timeoutMs: 600_000 });
  const checked = result.events.find((event) => event.event === 'checked');
  if (result.status !== 0 || !checked) throw new Error(`check ${url} failed (${result.status}): ${result.stdout}${result.stderr}`);
  return checked;
}

async function measureSize(dovecot: PrivateDovecot, { pop3, imap, pop3s, imaps }: Proxies, size: number, context: BenchContext): Promise<SizeFigures> {
  const user = `box${size}`;
  context.progress(`P2: filling a mailbox of ${size} messages`);
  fillMailbox(dovecot, user, size, (index) => benchMessage(index, 600));
  const state = mkdtempSync(join(tmpdir(), 'mailbeacon-bench-state-'));
  const pop3Url = `pop3://${user}@127.0.0.1:${pop3.port}?plaintext=1`;
  const imapUrl = `imap://${user}@127.0.0.1:${imap.port}?plaintext=1`;
  const pop3sUrl = `pop3s://${user}@127.0.0.1:${pop3s.port}`;
  const imapsUrl = `imaps://${user}@127.0.0.1:${imaps.port}`;
  // The first checks set the baseline (and let Dovecot build its indexes); the second ones are the
  // "no new mail" checks every later poll makes.
  context.progress(`P2: first checks (baseline) of ${size} messages`);
  await cliCheck(pop3Url, state);
  await cliCheck(imapUrl, state);
  await cliCheck(pop3sUrl, state, dovecot.caFile);
  await cliCheck(imapsUrl, state, dovecot.caFile);
  for (const proxy of [pop3, imap, pop3s, imaps]) await proxy.take();

  const pop3Checked = await cliCheck(pop3Url, state);
  const pop3Check = total(await pop3.take());
  const imapChecked = await cliCheck(imapUrl, state);
  const imapCheck = total(await imap.take());
  await cliCheck(pop3sUrl, state, dovecot.caFile);
  const pop3TlsCheck = total(await pop3s.take());
  await cliCheck(imapsUrl, state, dovecot.caFile);
  const imapTlsCheck = total(await imaps.take());
  for (const checked of [pop3Checked, imapChecked]) {
    if (checked.messages !== size || (checked.new as unknown[]).length !== 0) throw new Error(`unexpected check result ${JSON.stringify(checked)}`);
  }

  const client = await Pop3Client.connect({ host: '127.0.0.1', port: pop3.port, security: 'plaintext', deadlineMs: 600_000 });
  await client.login(user, PASSWORD);
  const listing = await client.uidlAll();
  await client.quit();
  const pop3Uidl = total(await pop3.take());

  const imapClient = new ImapFlow({ host: '127.0.0.1', port: imap.port, secure: false, doSTARTTLS: false, auth: { user, pass: PASSWORD }, logger: false });
  await imapClient.connect();
  await imapClient.mailboxOpen('INBOX', { readOnly: true });
  let fetched = 0;
  for await (const message of imapClient.fetch('1:*', { uid: true, flags: true })) fetched += message.uid > 0 ? 1 : 0;
  await imapClient.logout();
  const imapFetchAll = total(await imap.take());
  if (listing.length !== size || fetched !== size) throw new Error(`listings saw ${listing.length} and ${fetched} of ${size} messages`);
  return { size, pop3Check, pop3Uidl, imapCheck, imapFetchAll, pop3TlsCheck, imapTlsCheck };
}

const bytes = (n: number): string => (n < 10_000 ? `${n} B` : n < 10_000_000 ? `${(n / 1000).toFixed(1)} kB` : `${(n / 1e6).toFixed(1)} MB`);

export async function checkCostBench(context: BenchContext): Promise<BenchSection> {
  const sizes = pick(context, [100, 10_000, 100_000], [100, 1_000]);
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  // Users before the start: Dovecot looks at its passwd-file at most once a second.
  for (const size of sizes) dovecot.setUser(`box${size}`, PASSWORD);
  await dovecot.start();
  const proxies: Proxies = {
    pop3: await new CountingProxy(dovecot.ports.pop3).start(),
    imap: await new CountingProxy(dovecot.ports.imap).start(),
    pop3s: await new CountingProxy(dovecot.ports.pop3s).start(),
    imaps: await new CountingProxy(dovecot.ports.imaps).start(),
  };
  const figures: SizeFigures[] = [];
  try {
    for (const size of sizes) figures.push(await measureSize(dovecot, proxies, size, context));
  } finally {
    for (const proxy of Object.values(proxies)) await proxy.close();
    await dovecot.dispose();
  }
  const smallest = figures[0]!;
  const largest = figures[figures.length - 1]!;
  // Constant size: only the digits of the message count may differ.
  const flat = (bytesOf: (f: SizeFigures) => number, f: SizeFigures = largest): boolean => bytesOf(f) <= bytesOf(smallest) + 64;
  return {
    id: 'P2',
    title: 'cost of a "no new mail" check',
    method: 'Bytes sent + received for the whole connection (greeting, login, check, logout), counted by a loopback proxy on Dovecot\'s plaintext ports (and on its TLS ports for the TLS row). '
      + 'Mailbeacon\'s figures are the second run of `mailbeacon check` (the first sets the baseline); the others are what a client that re-lists the mailbox each poll sends: '
      + 'POP3 `UIDL` of every message (fetchmail with `keep`, Thunderbird\'s "leave on server"), and IMAP `UID FETCH 1:* (FLAGS)` after `SELECT` (a full flag resync). Messages are 600 bytes.',
    rows: [
      ...figures.map((f) => ({
        measure: `POP3 check, ${f.size.toLocaleString('en')} messages`,
        mailbeacon: bytes(f.pop3Check),
        others: `full UIDL ${bytes(f.pop3Uidl)} (${(f.pop3Uidl / f.pop3Check).toFixed(0)}×)`,
        goal: 'O(1) in mailbox size',
        verdict: verdict(flat((g) => g.pop3Check, f)),
        meaning: `STAT + \`UIDL ${f.size}\`: the same few lines whatever the mailbox holds; a full listing grows by ~${Math.round((largest.pop3Uidl - smallest.pop3Uidl) / (largest.size - smallest.size))} bytes a message.`,
      })),
      ...figures.map((f) => ({
        measure: `IMAP check, ${f.size.toLocaleString('en')} messages`,
        mailbeacon: bytes(f.imapCheck),
        others: `SELECT + UID FETCH 1:* (FLAGS) ${bytes(f.imapFetchAll)} (${(f.imapFetchAll / f.imapCheck).toFixed(0)}×)`,
        goal: '',
        verdict: 'info' as const,
        meaning: 'One `STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN)`: constant size; the flag resync grows with the mailbox.',
      })),
      {
        measure: 'the same checks over TLS (what users run)',
        mailbeacon: figures.map((f) => `${f.size.toLocaleString('en')}: POP3 ${bytes(f.pop3TlsCheck)} · IMAP ${bytes(f.imapTlsCheck)}`).join('; '),
        others: '',
        goal: '',
        verdict: 'info' as const,
        meaning: 'pop3s/imaps with certificate verification: the handshake (certificate chain, key exchange) is most of it and is the same whatever the mailbox holds.',
      },
      {
        measure: `growth from ${smallest.size.toLocaleString('en')} to ${largest.size.toLocaleString('en')} messages`,
        mailbeacon: `POP3 ${largest.pop3Check - smallest.pop3Check >= 0 ? '+' : ''}${largest.pop3Check - smallest.pop3Check} B · IMAP ${largest.imapCheck - smallest.imapCheck >= 0 ? '+' : ''}${largest.imapCheck - smallest.imapCheck} B`,
        others: `UIDL +${bytes(largest.pop3Uidl - smallest.pop3Uidl)} · FETCH +${bytes(largest.imapFetchAll - smallest.imapFetchAll)}`,
        goal: 'O(1)',
        verdict: verdict(flat((f) => f.pop3Check) && flat((f) => f.imapCheck)),
        meaning: 'The only growth in our checks is the digits of the message count; a poll of a 100,000-message mailbox costs what a poll of an empty one does.',
      },
    ],
  };
}
