// P6 memory: peak resident memory of `mailbeacon migrate` as the old mailbox grows in the number
// of messages, and when it holds one very large message among small ones: what each costs.
import { PrivateDovecot } from '../../test/support/private-dovecot.js';
import { pick, type BenchContext } from '../support/bench-context.js';
import { benchMessage, mixedSizes } from '../support/corpus.js';
import { countMessages, fillMailbox } from '../support/mailbox-filler.js';
import { timedMigrate, type MigrateFigures } from '../support/migrate-run.js';
import { percentile } from '../support/percentile.js';
import { megabytes } from '../support/process-sampler.js';
import { verdict, type BenchSection } from '../support/report.js';

const PASSWORD = 'bench-password';
/** imapsync's documented peak: about twice the biggest message (shared/PRODUCT.md). */
const IMAPSYNC_FACTOR = 2;
/** Peak RSS of the same run differs by up to ~2 MB from one run to the next here: less is flat. */
const NOISE_BYTES = 2 * 2 ** 20;
/** Runs of each short size (its peak is the median): a run of a second or less peaks wherever its
 * few collections happen to fall (a 1,000-message run's single peaks spread over 65.2–68.5 MB on
 * 2026-11-24), which one run cannot tell from growth. The 100,000-message run, minutes long and
 * past many collections, runs once. */
const SHORT_RUNS = 3;

export async function migrationMemoryBench(context: BenchContext): Promise<BenchSection> {
  const few = pick(context, 100, 20);
  const many = pick(context, 1000, 100);
  const most = pick(context, 10_000, 300);
  const largest = pick(context, 100_000, 600);
  const bigBytes = pick(context, 50, 5) * 2 ** 20;
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  const shortCopies = ['few', 'many', 'most'].flatMap((user) => Array.from({ length: SHORT_RUNS }, (_, run) => `${user}copy${run}`));
  for (const user of ['few', 'many', 'most', 'largest', 'withbig', ...shortCopies, 'largestcopy', 'withbigcopy', 'withbigimap', 'manyimapcopy', 'manylive', 'mostlive']) dovecot.setUser(user, PASSWORD);
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
    context.progress(`P6: migrating ${few}, ${many} and ${most} small messages ${SHORT_RUNS} times each, then ${largest}`);
    const shortRuns = new Map<string, MigrateFigures[]>();
    for (let run = 0; run < SHORT_RUNS; run += 1) {
      for (const user of ['few', 'many', 'most']) {
        const figures = await timedMigrate(dovecot, { user, password: PASSWORD }, { user: `${user}copy${run}`, password: PASSWORD });
        shortRuns.set(user, [...shortRuns.get(user) ?? [], figures]);
      }
    }
    const fewRun = medianRun(shortRuns.get('few')!);
    const manyRun = medianRun(shortRuns.get('many')!);
    const mostRun = medianRun(shortRuns.get('most')!);
    const spread = (user: string): string => {
      const peaks = shortRuns.get(user)!.map((figures) => figures.peakRssBytes);
      return `${megabytes(Math.min(...peaks)).replace(' MB', '')}–${megabytes(Math.max(...peaks))}`;
    };
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
        + `peak resident memory (VmHWM from /proc, sampled every 25 ms) of the whole process, each run in its own process; the ${few}, ${many} and ${most.toLocaleString('en')} runs ${SHORT_RUNS} times each, taking the median.`,
      rows: [
        {
          measure: `peak RSS, ${few} → ${many} → ${most.toLocaleString('en')} small messages`,
          mailbeacon: `${megabytes(fewRun.peakRssBytes)} → ${megabytes(manyRun.peakRssBytes)} → ${megabytes(mostRun.peakRssBytes)}`,
          others: `single runs (${few} · ${many} · ${most.toLocaleString('en')}): ${spread('few')} · ${spread('many')} · ${spread('most')}; live heap (after forced collections): ${megabytes(manyLive.liveHeapBytes ?? 0)} → ${megabytes(mostLive.liveHeapBytes ?? 0)} (${many} → ${most.toLocaleString('en')})`,
          goal: 'bounded whatever the mailbox size', verdict: verdict(growth < NOISE_BYTES && mostRun.failed === 0),
          meaning: growth < NOISE_BYTES
            ? `${growth >= 0 ? '+' : ''}${megabytes(growth)} for the last step (${many} → ${most.toLocaleString('en')}, ${most / many}× the messages), within this machine's run-to-run noise: messages are held a batch at a time, the plan is a file and the journal is appended to disk; the first step is the process warming up.`
            : `Missed: +${megabytes(growth)} for the last step (${many} → ${most.toLocaleString('en')}). Little of it is kept: the heap after forced collections grows by ${megabytes(kept)} (${keptPerMessage} per message; the plan is a file and the journal's index takes 8 bytes a key). The rest is memory outside V8's heap between two collections (every 2 MB copied) or not given back by the C library, which a ${many}-message run (under 2 s) ends before reaching; see the next row for what keeps both down.`,
        },
        {
          measure: `peak RSS, ${many.toLocaleString('en')} → ${largest.toLocaleString('en')} small messages`,
          mailbeacon: `${megabytes(manyRun.peakRssBytes)} → ${megabytes(largestRun.peakRssBytes)} (${flatGrowth >= 0 ? '+' : ''}${megabytes(flatGrowth)})`,
          others: '', goal: '≤ +2 MB', verdict: verdict(flatGrowth <= NOISE_BYTES && largestRun.failed === 0),
          meaning: `${flatGrowth <= NOISE_BYTES
            ? `Flat: ${largest / many}× the messages cost ${megabytes(flatGrowth)} more at peak (${lastStep >= 0 ? '+' : ''}${megabytes(lastStep)} from ${most.toLocaleString('en')} to ${largest.toLocaleString('en')}).`
            : `Missed by ${megabytes(flatGrowth - NOISE_BYTES)}. From ${most.toLocaleString('en')} to ${largest.toLocaleString('en')} the peak moves ${lastStep >= 0 ? '+' : ''}${megabytes(lastStep)}, with the journal's index (8 bytes a key, which the goal allows for); the rest is the step from ${many} to ${most.toLocaleString('en')} (the row above).`} `
            + `The mailbox is not in memory: the plan is written to a file as the source lists it and read back a line at a time, the journal's records stay on disk behind an index of 8 bytes a key (a 32-bit digest and the record's offset; what the record says is read back from disk) in 16 kB chunks (0.8 MB at ${largest.toLocaleString('en')}), the POP3 listings are streamed line by line. `
            + `What made the peak grow with the run was measured per mapping in /proc/<pid>/smaps and fixed on 2026-11-24 (full report before: +9.1 MB): `
            + `(1) glibc raises its mmap threshold to the largest block it has freed, and its trim threshold to twice that; Node frees a 6 MB block as it starts (the compile cache converts the bundle's source to UTF-8), after which hardly any freed memory went back (a 100,000-message run's malloc heap stood at 8.0 MB after its first second, against 3.3 MB now): the launcher's first line pins the threshold at glibc's default (MALLOC_MMAP_THRESHOLD_=131072); `
            + `(2) V8's optimizing compiler: its code in the node binary (~6 MB paged in) and the malloc arena of the thread it compiles on, which rose by up to 3 MB at moments late in a long run; a migration now runs without it, from POP3 in the same CPU time (from IMAP in less, see P8); `
            + `(3) dead message Buffers between two full collections: ~3 MB when collected every 4 MB copied, more than a 1,000-message run ever gathers; now every 2 MB; `
            + `(4) the journal's index grew by copying into arrays a quarter larger (old and new both resident until the next collection, ~2.5 MB for a moment), and the plan was read 256 kB at a time as one string that its lines kept alive into the old generation; `
            + `(5) the POP3 listing's tables (16 bytes a message in arrays grown by doubling: 3 MB and more at ${largest.toLocaleString('en')}, with the old arrays besides) outlived the listing until the copy's first collection, which is when a ${largest.toLocaleString('en')}-message run peaked (+1.7 MB over a ${many}-message run's peak in smaps, 1.2 MB of it those arrays): they are now sized once from LIST's count (a listing of 1, 2, 3… keeps sizes only), the journal's index went from 13 to 8 bytes a key, and a listing of 10,000 messages or more is followed by one full collection (peak at ${largest.toLocaleString('en')}: 67.9 → 67.2–67.5 MB in runs by hand).`,
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

/** The run whose peak is the median of these runs' peaks. */
function medianRun(runs: MigrateFigures[]): MigrateFigures {
  const peak = percentile(runs.map((figures) => figures.peakRssBytes), 50);
  return runs.find((figures) => figures.peakRssBytes === peak)!;
}
