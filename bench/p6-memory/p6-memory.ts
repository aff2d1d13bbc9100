// P6 memory: peak resident memory of `mailbeacon migrate` as the old mailbox grows in the number
// of messages, and when it holds one very large message among small ones: what each costs.
import { PrivateDovecot } from '../../test/support/private-dovecot.js';
import { pick, type BenchContext } from '../support/bench-context.js';
import { benchMessage, mixedSizes } from '../support/corpus.js';
import { countMessages, fillMailbox } from '../support/mailbox-filler.js';
import { timedMigrate } from '../support/migrate-run.js';
import { megabytes } from '../support/process-sampler.js';
import { verdict, type BenchSection } from '../support/report.js';

const PASSWORD = 'bench-password';
/** imapsync's documented peak: about twice the biggest message (shared/PRODUCT.md). */
const IMAPSYNC_FACTOR = 2;
/** Peak RSS of the same run differs by up to ~2 MB from one run to the next here: less is flat. */
const NOISE_BYTES = 2 * 2 ** 20;

export async function migrationMemoryBench(context: BenchContext): Promise<BenchSection> {
  const few = pick(context, 100, 20);
  const many = pick(context, 1000, 100);
  const most = pick(context, 10_000, 300);
  const largest = pick(context, 100_000, 600);
  const bigBytes = pick(context, 50, 5) * 2 ** 20;
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  for (const user of ['few', 'many', 'most', 'largest', 'withbig', 'fewcopy', 'manycopy', 'mostcopy', 'largestcopy', 'withbigcopy', 'withbigimap', 'manyimapcopy', 'manylive', 'mostlive']) dovecot.setUser(user, PASSWORD);
  await dovecot.start();
  try {
    const sizes = mixedSizes(largest, 2_000, 5_000, 6);
    const small = (index: number): Buffer => benchMessage(index, sizes[index]!);
    fillMailbox(dovecot, 'few', few, small);
    fillMailbox(dovecot, 'many', many, small);
    fillMailbox(dovecot, 'most', most, small);
    fillMailbox(dovecot, 'largest', largest, small);
    // The big message sits in the middle, so memory must come back down after it for the rest.
    const middle = Math.floor(many / 2);
    fillMailbox(dovecot, 'withbig', many + 1, (index) => (index === middle ? benchMessage(index, bigBytes) : small(index > middle ? index - 1 : index)));
    context.progress(`P6: migrating ${few}, ${many}, ${most}, then ${largest} small messages`);
    const fewRun = await timedMigrate(dovecot, { user: 'few', password: PASSWORD }, { user: 'fewcopy', password: PASSWORD });
    const manyRun = await timedMigrate(dovecot, { user: 'many', password: PASSWORD }, { user: 'manycopy', password: PASSWORD });
    const mostRun = await timedMigrate(dovecot, { user: 'most', password: PASSWORD }, { user: 'mostcopy', password: PASSWORD });
    const largestRun = await timedMigrate(dovecot, { user: 'largest', password: PASSWORD }, { user: 'largestcopy', password: PASSWORD });
    // The same two copies again, with the heap measured after forced collections: what is kept.
    context.progress(`P6: ${many} and ${most} again, measuring the live heap`);
    const manyLive = await timedMigrate(dovecot, { user: 'many', password: PASSWORD }, { user: 'manylive', password: PASSWORD }, { probeLiveHeap: true });
    const mostLive = await timedMigrate(dovecot, { user: 'most', password: PASSWORD }, { user: 'mostlive', password: PASSWORD }, { probeLiveHeap: true });
    const kept = (mostLive.liveHeapBytes ?? 0) - (manyLive.liveHeapBytes ?? 0);
    const keptPerMessage = `${Math.round(kept / (most - many))} bytes`;
    context.progress(`P6: migrating ${many} small messages and one of ${megabytes(bigBytes)}`);
    const bigRun = await timedMigrate(dovecot, { user: 'withbig', password: PASSWORD }, { user: 'withbigcopy', password: PASSWORD });
    const arrived = countMessages(dovecot, 'withbigcopy');
    // From IMAP the baseline is an IMAP run of the same small messages (imapflow and the batched
    // read-ahead cost more than POP3's client), so the difference is the large message's alone.
    context.progress('P6: the same from IMAP, with and without the large message');
    const manyImapRun = await timedMigrate(dovecot, { user: 'many', password: PASSWORD }, { user: 'manyimapcopy', password: PASSWORD }, { source: 'imaps' });
    const bigImapRun = await timedMigrate(dovecot, { user: 'withbig', password: PASSWORD }, { user: 'withbigimap', password: PASSWORD }, { source: 'imaps' });
    const arrivedImap = countMessages(dovecot, 'withbigimap');
    const extraImap = bigImapRun.peakRssBytes - manyImapRun.peakRssBytes;
    const factorImap = extraImap / bigBytes;
    const flatGrowth = largestRun.peakRssBytes - manyRun.peakRssBytes;
    const lastStep = largestRun.peakRssBytes - mostRun.peakRssBytes;
    // Bounded means the last step up costs (next to) nothing: start-up warm-up shows in the first.
    const growth = mostRun.peakRssBytes - manyRun.peakRssBytes;
    const extra = bigRun.peakRssBytes - manyRun.peakRssBytes;
    const factor = extra / bigBytes;
    return {
      id: 'P6',
      title: 'memory while migrating',
      method: `\`mailbeacon migrate\` POP3 (TLS) → IMAP (TLS) of ${few}, ${many}, ${most.toLocaleString('en')} and ${largest.toLocaleString('en')} messages of 2–5 kB, and of the ${many} with one ${megabytes(bigBytes)} message among them (from POP3, and again from IMAP, measured against an IMAP run of the ${many} alone); `
        + 'peak resident memory (VmHWM from /proc, sampled every 25 ms) of the whole process, each run in its own process.',
      rows: [
        {
          measure: `peak RSS, ${few} → ${many} → ${most.toLocaleString('en')} small messages`,
          mailbeacon: `${megabytes(fewRun.peakRssBytes)} → ${megabytes(manyRun.peakRssBytes)} → ${megabytes(mostRun.peakRssBytes)}`,
          others: `live heap (after forced collections): ${megabytes(manyLive.liveHeapBytes ?? 0)} → ${megabytes(mostLive.liveHeapBytes ?? 0)} (${many} → ${most.toLocaleString('en')})`,
          goal: 'bounded whatever the mailbox size', verdict: verdict(growth < NOISE_BYTES && mostRun.failed === 0),
          meaning: growth < NOISE_BYTES
            ? `${growth >= 0 ? '+' : ''}${megabytes(growth)} for the last step (${many} → ${most.toLocaleString('en')}, ${most / many}× the messages), within this machine's run-to-run noise: one message is held at a time and the journal is appended to disk; the first step is the process warming up.`
            : `Missed: +${megabytes(growth)} for the last step (${many} → ${most.toLocaleString('en')}). Little of it is kept: the heap after forced collections grows by ${megabytes(kept)} (${keptPerMessage} per message; the plan is a file and the journal's index takes 13 bytes a key). The rest is memory outside V8's heap that grows over a run's first seconds — malloc arenas (the main thread's and the one V8 worker thread's, --v8-pool-size=1 in the launcher, which took 6 MB off this row's 10,000-message peak and 20 MB off an IMAP source's; each keeps what it touched) and dead message Buffers between two collections (every 4 MB copied) — which a ${many}-message run (under 2 s) ends before reaching. Garbage per message was cut on 2026-11-23 (the POP3 unstuffer made a Buffer object per line, the header facts a string per header line: 287 → 208 MB allocated in the heap for 10,000 messages, sampled), which took 2–3 MB off this row's peaks.`,
        },
        {
          measure: `peak RSS, ${many.toLocaleString('en')} → ${largest.toLocaleString('en')} small messages`,
          mailbeacon: `${megabytes(manyRun.peakRssBytes)} → ${megabytes(largestRun.peakRssBytes)} (${flatGrowth >= 0 ? '+' : ''}${megabytes(flatGrowth)})`,
          others: '', goal: '≤ +2 MB', verdict: verdict(flatGrowth <= NOISE_BYTES && largestRun.failed === 0),
          meaning: flatGrowth <= NOISE_BYTES
            ? `Flat: ${largest / many}× the messages cost ${megabytes(flatGrowth)} more at peak.`
            : `Missed by ${megabytes(flatGrowth - NOISE_BYTES)}. The mailbox is no longer in memory: the plan is written to a file as the source lists it and read back a batch at a time, the journal's records stay on disk behind a 13-byte-a-key index (1.3 MB at ${largest.toLocaleString('en')}), the POP3 listings are streamed line by line. From ${most.toLocaleString('en')} to ${largest.toLocaleString('en')} messages the peak moves ${lastStep >= 0 ? '+' : ''}${megabytes(lastStep)} (${(lastStep / (largest - most)).toFixed(0)} bytes a message, the index and the allocator's slow creep); the rest of the gap is the warm-up the row above describes, which a ${many}-message run does not reach. (Before: +136.3 MB, 1,444 bytes a message, with the plan and the journal as objects in the heap; then +13.2 MB in the report of 2026-11-23 before this fix: the 100,000-message listing left several MB of dead strings in V8's old generation (3.9 MB promoted in a listing measured on its own) — every key was looked up in the journal's index under a string made of two numbers, and V8's number-to-string cache, itself in the old generation, kept each such string alive past young-generation collections; the index is now keyed by the numbers, and the POP3 listing is decoded a line at a time.) Loading less at start (2026-11-23, see P8) lowered every peak here (at 1,000 messages from 81.8 to 74.0 MB, at 100,000 from 88.8 to 83.1 MB, full runs), but the growth from 1,000 widened from +7.0 to +9.1 MB; the 10,000 → 100,000 step moved +4.1 MB against +2.7 MB before, a difference this report does not explain.`,
        },
        {
          measure: `peak RSS with one ${megabytes(bigBytes)} message`, mailbeacon: `${megabytes(bigRun.peakRssBytes)} (+${megabytes(extra)}, ${factor.toFixed(1)} × the message)`,
          others: `imapsync: ≈ ${IMAPSYNC_FACTOR} × the biggest message (documented, not measured here)`,
          goal: `≤ ${IMAPSYNC_FACTOR} × the largest message (imapsync)`,
          verdict: verdict(factor <= IMAPSYNC_FACTOR && arrived === many + 1),
          meaning: factor <= 1.2
            ? `The large message is held once: read from POP3 into an up-front reserve of 16 MB, then into one buffer of its LIST size (the reserve it leaves behind is collected at once: left to V8, it lived on to the end of the message in one run of 2026-11-23, which peaked at 1.4 × the message), then sent by our streaming APPEND in 256 kB pieces, each waiting for the socket to drain. imapflow's APPEND, used before, built the whole command as one buffer and copied it again to add CRLF: 4.2 × the message.`
            : factor <= IMAPSYNC_FACTOR
              ? `Within imapsync's 2×, but not the 1× we aim for: the bytes are held once (read from POP3 into one buffer of its LIST size, sent by our streaming APPEND in 256 kB pieces that each wait for the socket to drain), and the batches of small messages around it add up to 16 MB. Part of the surplus was the read buffer growing 16 → 32 → 64 MB past its up-front reserve (fixed: it now grows to the LIST size in one step); a lone ${megabytes(bigBytes)} message still peaks at ~1.35× here (checked by hand), so the pipeline is not the rest either, and where it comes from is not found yet. (P6 of 2026-11-22 measured 1.1×.)`
              : `Missed by ${(factor - IMAPSYNC_FACTOR).toFixed(1)} × the message: the bytes are held once (one buffer of the LIST size, streamed out in 256 kB pieces), so the rest is memory not yet returned; not found yet.`,
        },
        {
          measure: `the same ${megabytes(bigBytes)} message from an IMAP source`,
          mailbeacon: `${megabytes(bigImapRun.peakRssBytes)} (+${megabytes(extraImap)} over ${megabytes(manyImapRun.peakRssBytes)} for the same run from IMAP without it, ${factorImap.toFixed(1)} × the message)`,
          others: '', goal: '≤ 1 × the message (held once)',
          verdict: verdict(factorImap <= 1.2 && arrivedImap === many + 1),
          meaning: factorImap <= 1.2
            ? `Held once: a message over 1 MB is read by our own UID FETCH (BODY.PEEK[]) on a connection of its own, its literal copied from the socket's chunks straight into one buffer of the literal's size, then streamed out by the same APPEND. The previous report's 1.5 × (read through imapflow in 4 MB partial FETCHes) was measured against the POP3 run of the small messages (${megabytes(manyRun.peakRssBytes)} here); an IMAP run of them peaks ${megabytes(manyImapRun.peakRssBytes - manyRun.peakRssBytes)} higher (imapflow and the batched read-ahead), so most of that 1.5 × was the baseline, not the message: the whole run's peak moved little (159.6 MB then).`
            : `Missed: ${factorImap.toFixed(1)} × the message. The bytes are read once, by our own UID FETCH (BODY.PEEK[]) straight from the socket into one buffer of the literal's size, and streamed out in 256 kB pieces; what is left above 1 × is memory outside the message (socket and TLS buffers, the batches of small messages read ahead around it), not found in detail.`,
        },
        {
          measure: 'copied', mailbeacon: `${arrived} of ${many + 1} (POP3) · ${arrivedImap} of ${many + 1} (IMAP)`, others: '', goal: `${many + 1}`, verdict: verdict(arrived === many + 1 && bigRun.failed === 0 && arrivedImap === many + 1 && bigImapRun.failed === 0),
          meaning: 'The large message arrives like the others; nothing is skipped to save memory.',
        },
      ],
    };
  } finally {
    await dovecot.dispose();
  }
}
