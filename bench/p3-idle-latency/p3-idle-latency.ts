// P3 latency: from the moment another client starts an APPEND to the moment `mailbeacon watch`
// prints the `checked` event naming the new message (IMAP IDLE push, then a fetch of its envelope).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { WatchProcess } from '../../test/support/cli-process.js';
import { PrivateDovecot } from '../../test/support/private-dovecot.js';
import { seeded } from '../../test/support/seeded-random.js';
import { pick, sleep, type BenchContext } from '../support/bench-context.js';
import { benchMessage } from '../support/corpus.js';
import { percentile } from '../support/percentile.js';
import { verdict, type BenchSection } from '../support/report.js';

const PASSWORD = 'bench-password';

function mentions(event: Record<string, unknown>, subject: string): boolean {
  return event.event === 'checked' && Array.isArray(event.new) && event.new.some((message: { subject?: string }) => message.subject === subject);
}

export async function idleLatencyBench(context: BenchContext): Promise<BenchSection> {
  const count = pick(context, 50, 5);
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  dovecot.setUser('idle', PASSWORD);
  await dovecot.start();
  const state = mkdtempSync(join(tmpdir(), 'mailbeacon-bench-state-'));
  const watch = new WatchProcess([`imaps://idle@127.0.0.1:${dovecot.ports.imaps}`, '--ca', dovecot.caFile, '--json', '--state', state], { MAILBEACON_PASSWORD: PASSWORD });
  const client = (): ImapFlow => new ImapFlow({
    host: '127.0.0.1', port: dovecot.ports.imaps, secure: true, tls: { ca: readFileSync(dovecot.caFile) },
    auth: { user: 'idle', pass: PASSWORD }, logger: false,
  });
  const sender = client();
  // The floor: a bare IDLE client that only notes when the server's EXISTS arrives.
  const bare = client();
  const existsAt: number[] = [];
  const latencies: number[] = [];
  const floor: number[] = [];
  try {
    await watch.waitFor((event) => event.event === 'checked');
    await sender.connect();
    await bare.connect();
    await bare.mailboxOpen('INBOX', { readOnly: true });
    bare.on('exists', () => { existsAt.push(Date.now()); });
    void bare.idle().catch(() => undefined);
    // Give the watcher time to enter IDLE after its first check.
    await sleep(1000);
    const random = seeded(3);
    context.progress(`P3: ${count} messages appended one by one`);
    for (let i = 0; i < count; i += 1) {
      const subject = `Benchmark message ${10_000 + i}`;
      const from = watch.events.length;
      const startedAt = Date.now();
      await sender.append('INBOX', benchMessage(10_000 + i, 3000));
      const event = await watch.waitFor((e) => mentions(e, subject), from, 30_000);
      latencies.push(event.receivedAt - startedAt);
      const exists = existsAt.find((at) => at >= startedAt);
      if (exists !== undefined) floor.push(exists - startedAt);
      // A human-ish gap between arrivals, so each push is a push and not a batch.
      await sleep(300 + Math.round(random() * 500));
    }
  } finally {
    await sender.logout().catch(() => undefined);
    await bare.logout().catch(() => undefined);
    await watch.stop();
    await dovecot.dispose();
  }
  const p50 = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  const floor50 = floor.length ? percentile(floor, 50) : NaN;
  const floor95 = floor.length ? percentile(floor, 95) : NaN;
  return {
    id: 'P3',
    title: 'new mail to notification over IMAP IDLE',
    method: `${count} messages of 3 kB APPENDed by a second client, one at a time with a 0.3–0.8 s gap; each time measured from the start of the APPEND to the moment \`mailbeacon watch --json\` has printed the \`checked\` event naming that message (read on its stdout). Implicit TLS, private Dovecot.`,
    rows: [
      {
        measure: 'latency p50', mailbeacon: `${p50} ms`, others: `bare IDLE client (EXISTS seen) ${floor50} ms`, goal: '< 1 s', verdict: verdict(p50 < 1000),
        meaning: `Almost all of it is Dovecot's own wait before it announces new mail (${floor50} ms even for a client that does nothing else); Mailbeacon adds ${p50 - floor50} ms to fetch the envelope and print.`,
      },
      {
        measure: 'latency p95', mailbeacon: `${p95} ms`, others: `bare IDLE client ${floor95} ms`, goal: '< 1 s', verdict: verdict(p95 < 1000),
        meaning: 'Even the slow cases stay under a second: the push path has no polling delay in it.',
      },
      {
        measure: 'latency max', mailbeacon: `${Math.max(...latencies)} ms`, others: '', goal: '', verdict: 'info',
        meaning: `Worst of ${count}; without IDLE, a poller at Thunderbird's 10-min default would average 5 minutes.`,
      },
    ],
  };
}
