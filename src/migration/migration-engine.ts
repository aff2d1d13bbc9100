// Copies an old mailbox (POP3 or IMAP) into an IMAP mailbox, byte for byte, in pipelined batches
// (the next read while one is written), resumable after any interruption with nothing lost or
// duplicated:
// - a message is "done" only after the server's tagged OK, and the journal says so durably (one
//   fsync per batch; until then it is "pending", below);
// - before an APPEND the journal says "pending": after a crash between the two, the target is
//   searched for the message (trace header, or Message-ID + size + header hash) and a copy no other
//   source message has claimed counts as this one's;
// - a message the server refuses is recorded and the rest go on; a dropped connection reconnects
//   with backoff; a refused login stops (the login control's rule: never hammer a bad password);
// - a target folder holding mail no journal accounts for is looked at before copying into it, and
//   flag changes on an IMAP source are carried to the copies on every catch-up.
import { CheckFailure } from '../protocols/check-failure.js';
import { mapFolder, type FolderInfo } from './folder-mapping.js';
import type { ContentIndex, CopyProbe, ImapTarget } from './imap-target.js';
import type { AppendItem } from '../protocols/imap/streaming-append.js';
import { AppendRefused, contentKey } from './imap-target.js';
import type { FolderMark, MigrationJournal } from './journal.js';
import { CARRIED_FLAGS, carried, carriedBits } from './carried-flags.js';
import { PlanFile } from './plan-file.js';
import { deliveryDate, headerHash, messageId } from './message-facts.js';
import { SourceMessageUnavailable, type FailedMessage, type MigrationOptions, type MigrationProgress, type MigrationReport, type SourceMessage } from './migration-types.js';

export interface SourceSession {
  readonly kind: 'pop3' | 'imap';
  /** Every message, handed to `each` as it is listed (a large mailbox is never one array). */
  list(each: (message: SourceMessage) => void): Promise<void>;
  read(message: SourceMessage, prefix: Buffer): Promise<Buffer>;
  /** IMAP: only what is new, changed or unfinished since the journal's folder marks (see
   * ImapSource.listSince); `resumed` folders were not listed whole. */
  listSince?(journal: MigrationJournal, each: (message: SourceMessage) => void): Promise<{ marks: Array<FolderMark & { path: string }>; resumed: Set<string> }>;
  /** Reads these messages ahead in as few commands as it can, for `read` to hand out (the next
   * batch's), keeping what it holds for them already; optional: a source without it reads each
   * message when asked. */
  readAhead?(messages: SourceMessage[]): Promise<void>;
  folderInfo?(path: string): FolderInfo;
  /** Messages identified without a usable UIDL (POP3 servers that repeat or omit them). */
  readonly unstableIdentities?: number;
  close(): Promise<void>;
}

/** What a migration will do, in numbers (the messages themselves are in a PlanFile). */
export interface MigrationPlan {
  messages: number;
  /** Not yet in the target. */
  toCopy: number;
  alreadyDone: number;
  bytesToCopy: number;
}

export interface EngineDeps {
  openSource: () => Promise<SourceSession>;
  /** `appendsExpected`: a real run, which will APPEND (see ImapTarget.open). */
  openTarget: (appendsExpected?: boolean) => Promise<ImapTarget>;
  /** May still be loading (MigrationJournal.open): the source signs in meanwhile. */
  journal: MigrationJournal | Promise<MigrationJournal>;
  options: MigrationOptions;
  onProgress?: (progress: MigrationProgress) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Consulted between messages: true pauses the run (it ends as resumable). */
  shouldStop?: () => boolean;
  /** How often a lost connection is retried before the run ends as failing. */
  maxReconnects?: number;
  /** A full garbage collection, run after every COLLECT_EVERY_BYTES copied, at most every
   * COLLECT_MIN_INTERVAL_MS (see below), and after a long listing. */
  collectGarbage?: () => void;
}

export class MigrationStopped extends Error {
  override readonly name = 'MigrationStopped';
}

const TRACE_HEADER = 'X-UIDL';
/** A batch of APPENDs in flight at once: at most this many messages, this many bytes (a larger
 * message goes alone), so memory stays bounded whatever the mailbox holds. */
const BATCH_MESSAGES = 32;
const BATCH_BYTES = 8 * 1024 * 1024;
/** Each message's Buffers outlive a young-generation collection (they wait for the APPEND), so
 * they die in the old generation, which V8 collects only when it grows — and its external-memory
 * accounting lets dead message bytes pile up by some 50 MB first. A full collection every 2 MB
 * copied (a few ms on a heap this small) keeps them from piling up. Every 4 MB, the pile between
 * two collections (~3 MB of malloc'd socket chunks and message copies) was more than a
 * 1,000-message run ever gathers: 100,000 messages peaked 3.0 MB above 1,000, against 1.3 MB at
 * 2 MB (P6), in the same CPU time within noise. */
const COLLECT_EVERY_BYTES = 2 * 1024 * 1024;
/** ...and not sooner than this after the last one. Each takes ~10 ms (it marks the whole heap),
 * so a fast copy (P8: 2,000 IMAP messages, 86 MB in 2 s, one collection every ~50 ms) spent a
 * fifth of its main thread collecting. At most every 100 ms, P8 took 1.85-1.91 s against
 * 1.96-2.14 s and peaked 3 MB higher (75.5 MB); a copy of small messages, at a few MB a second,
 * never meets this floor. */
const COLLECT_MIN_INTERVAL_MS = 100;
/** A listing this long (see listSource) is followed by a full collection: below it, what the
 * listing kept is small enough to wait. */
const COLLECT_AFTER_LISTING_MESSAGES = 10_000;

/** One listing of the source, on disk: what to copy, and (IMAP) what an earlier run copied, for
 * the flags pass. */
interface Listing {
  plan: MigrationPlan;
  toCopy: PlanFile;
  copiedBefore: PlanFile | undefined;
  marks: Array<FolderMark & { path: string }>;
  resumed: Set<string>;
  /** Folders with messages this journal copied: their target folders' other mail is not ours to match. */
  journaled: Set<string>;
  firstFolder: string | undefined;
}

/** Lists the source into plan files beside the journal, counting as it goes. `collectGarbage`:
 * run after a listing of COLLECT_AFTER_LISTING_MESSAGES or more (a run that will copy). */
async function listSource(source: SourceSession, journal: MigrationJournal, incremental: boolean, generation: number, collectGarbage?: () => void): Promise<Listing> {
  const toCopy = PlanFile.create(journal.path, generation * 2);
  const copiedBefore = source.kind === 'imap' ? PlanFile.create(journal.path, generation * 2 + 1) : undefined;
  const plan: MigrationPlan = { messages: 0, toCopy: 0, alreadyDone: 0, bytesToCopy: 0 };
  const doneListed = new Map<string, number>();
  let firstFolder: string | undefined;
  const each = (message: SourceMessage): void => {
    plan.messages += 1;
    if (journal.isDone(message.key)) {
      plan.alreadyDone += 1;
      doneListed.set(message.folder, (doneListed.get(message.folder) ?? 0) + 1);
      copiedBefore?.add(message);
      return;
    }
    plan.toCopy += 1;
    plan.bytesToCopy += message.size;
    firstFolder ??= message.folder;
    toCopy.add(message);
  };
  try {
    let listed: { marks: Array<FolderMark & { path: string }>; resumed: Set<string> } = { marks: [], resumed: new Set() };
    if (source.listSince && incremental) listed = await source.listSince(journal, each);
    else await source.list(each);
    const { marks, resumed } = listed;
    // Messages of resumed folders done in an earlier run were not listed: still "already there".
    for (const folder of resumed) {
      const mark = journal.folderMark(folder);
      plan.alreadyDone += Math.max(0, (mark ? journal.doneCount(folder, mark.uidValidity) : 0) - (doneListed.get(folder) ?? 0));
    }
    // What the listing kept while it ran (POP3: its tables, 16 bytes a message) is dead now, but
    // has lived long enough to wait for a full collection, which the copy would run only after
    // its first 2 MB, by then on top of what the copy itself holds: at the peak of a
    // 100,000-message run (P6). So too after a reconnect's listing.
    if (collectGarbage && plan.messages >= COLLECT_AFTER_LISTING_MESSAGES) collectGarbage();
    return { plan, toCopy, copiedBefore, marks, resumed, journaled: new Set([...resumed, ...doneListed.keys()]), firstFolder };
  } catch (error) {
    toCopy.remove();
    copiedBefore?.remove();
    throw error;
  }
}

/** The trace header is one line prepended to the unchanged message (RFC 5322 allows any order). */
export function tracePrefix(message: SourceMessage, options: MigrationOptions, sourceKind: 'pop3' | 'imap'): Buffer {
  if (!options.traceHeader || sourceKind !== 'pop3' || !message.uidl) return Buffer.alloc(0);
  return Buffer.from(`${TRACE_HEADER}: ${message.uidl}\r\n`, 'latin1');
}

/** Failures worth a reconnect: the connection went or the server stalled. A refused login, a
 * certificate, a name that does not exist, a missing password or our own bug will not mend by
 * reconnecting. */
function isConnectionLoss(error: unknown): boolean {
  return error instanceof CheckFailure && ['closed-by-server', 'network', 'timeout', 'protocol'].includes(error.reason);
}

export async function runMigration(deps: EngineDeps): Promise<MigrationReport & { plan: MigrationPlan }> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { options } = deps;
  const sourceOpening = deps.openSource();
  sourceOpening.catch(() => undefined); // met below, once the journal is read
  let journal: MigrationJournal;
  try {
    journal = await deps.journal;
  } catch (error) {
    void sourceOpening.then((opened) => opened.close(), () => undefined);
    throw error;
  }
  let source: SourceSession;
  try {
    source = await sourceOpening;
  } catch (error) {
    journal.close(); // the app runs many migrations in one process: no file left open
    throw error;
  }
  let target: ImapTarget | undefined;
  // The target signs in while the source lists its mail (only once the source has accepted our
  // login: a refused one ends the run before the new mailbox is touched; a dry run never touches it).
  let targetOpening = options.dryRun ? undefined : deps.openTarget(true);
  targetOpening?.catch(() => undefined); // met below, or closed in `finally`
  let listing: Listing | undefined;
  let generation = 0;
  const dropListing = (): void => {
    listing?.toCopy.remove();
    listing?.copiedBefore?.remove();
    listing = undefined;
  };
  try {
    // A real run lists incrementally where it can; a dry run lists everything, to say it all.
    listing = await listSource(source, journal, !options.dryRun, generation, options.dryRun ? undefined : deps.collectGarbage);
    const plan = listing.plan;
    if (options.dryRun) {
      return {
        plan, copied: 0, skipped: plan.alreadyDone, alreadyThere: 0, flagsUpdated: 0, failed: 0, failures: [], vanished: 0,
        unstableIdentities: source.unstableIdentities ?? 0, state: 'complete',
      };
    }
    // The first batch is read while the new mailbox signs in (the loop below then finds it read;
    // should this fail, the loop meets the failure again where it is handled).
    const firstWindows = source.readAhead ? windows(listing.toCopy.messages(), new Set()) : undefined;
    const first = firstWindows?.next();
    firstWindows?.return(undefined);
    const readingFirst = first && !first.done ? source.readAhead!(first.value).catch(() => undefined) : undefined;
    target = await targetOpening!;
    targetOpening = undefined;
    await readingFirst;
    const started = now();
    const progress = { done: 0, bytes: 0 };
    let copied = 0;
    let skipped = plan.alreadyDone;
    let vanished = 0;
    const failures: FailedMessage[] = [];
    let reconnects = 0;
    let alreadyThere = 0;
    // Messages settled this run without a "done" record (failed, vanished): not tried again after
    // a reconnect lists the source again. (Done ones are left out of that listing by the journal.)
    const settled = new Set<string>();
    // Any target folder that holds mail no journal accounts for is indexed once, so a lost --state
    // (or mail another tool copied) is recognised instead of copied twice.
    const indexes = new Map<string, Promise<ContentIndex>>();
    const claimedThisRun = new Set<string>();
    // As the run's first listing found them: a folder this run has copied into (or found mail in)
    // since stays looked at after a reconnect lists again, so a lost --state stays recognised.
    const journaled = listing.journaled;
    const unjournaledCopy: UnjournaledLookup = async (message, folder, content, prefix) => {
      if (journaled.has(message.folder) || !target!.has(folder)) return undefined;
      let pending = indexes.get(folder);
      if (!pending) { pending = target!.contentIndex(folder); indexes.set(folder, pending); }
      const index = await pending;
      const candidates = prefix.length > 0 && message.uidl ? index.byTrace.get(message.uidl)
        : index.byContent.get(contentKey(content.length, headerHash(content)));
      if (!candidates) return undefined;
      const uid = candidates.find((candidate) => !journal.isTargetUidClaimed(index.uidValidity, candidate) && !claimedThisRun.has(`${index.uidValidity}:${candidate}`));
      if (uid === undefined) return undefined;
      claimedThisRun.add(`${index.uidValidity}:${uid}`);
      return { uid, uidValidity: index.uidValidity };
    };

    /** Reopens both sides with backoff (the server may take a while to come back) and lists the
     * source again: message numbers may have changed, and what this run finished is left out. */
    const reopen = async (cause: unknown): Promise<void> => {
      let lastError: unknown = cause;
      for (;;) {
        if (reconnects >= (deps.maxReconnects ?? 6)) throw lastError;
        reconnects += 1;
        await sleep(Math.min(1000 * 2 ** (reconnects - 1), 30_000));
        await Promise.allSettled([source.close(), target?.close()]);
        try {
          source = await deps.openSource();
          target = await deps.openTarget(true);
          dropListing();
          generation += 1;
          listing = await listSource(source, journal, true, generation, deps.collectGarbage);
          return;
        } catch (reopenError) {
          if (!isConnectionLoss(reopenError)) throw reopenError;
          lastError = reopenError;
        }
      }
    };

    const report = (folder: string): void => {
      const seconds = Math.max((now() - started) / 1000, 0.001);
      const rate = progress.done / seconds;
      deps.onProgress?.({
        done: progress.done, total: plan.toCopy, bytes: progress.bytes, totalBytes: plan.bytesToCopy,
        rate, etaSeconds: rate > 0 ? Math.max(0, plan.toCopy - progress.done) / rate : null, folder,
      });
    };
    report(listing.firstFolder ?? 'INBOX');

    /** Counts a message's outcome once, and reports progress. */
    const record = (message: SourceMessage, outcome: Outcome): void => {
      if (outcome.kind === 'copied') copied += 1;
      else if (outcome.kind === 'found') skipped += 1;
      else if (outcome.kind === 'already-there') { skipped += 1; alreadyThere += 1; }
      else if (outcome.kind === 'vanished') vanished += 1;
      else if (outcome.kind === 'failed') failures.push({ key: message.key, folder: message.folder, size: message.size, reason: outcome.reason });
      if (outcome.kind === 'vanished' || outcome.kind === 'failed') settled.add(message.key);
      progress.done += 1;
      progress.bytes += message.size;
      report(message.folder);
    };

    /**
     * One batch's APPENDs in flight at once (LITERAL+ on the streaming connection): "pending" for
     * all of them first (one fsync), each "done" as its tagged OK arrives, one fsync at the end. A
     * crash anywhere leaves each message either done or pending, and pending is looked for in the
     * target before it is copied again: nothing lost, nothing twice.
     */
    const flush = async (batch: Queued[]): Promise<void> => {
      journal.markPendingMany(batch.map((queued) => queued.message.key));
      let notNow = false;
      try {
        await target!.appendBatch(batch.map((queued) => queued.item), (position, answer) => {
          const { message, item } = batch[position]!;
          if (answer.ok) {
            journal.markDoneUnsynced(message.key, answer.uid, answer.uidValidity, source.kind === 'imap' ? item.flags : undefined);
            record(message, { kind: 'copied' });
          } else if (answer.transient) {
            notNow = true; // stays pending: tried again after a reconnect
          } else {
            journal.markFailed(message.key, answer.reason);
            record(message, { kind: 'failed', reason: answer.reason });
          }
        });
      } finally {
        journal.sync();
      }
      if (notNow) throw new CheckFailure('closed-by-server', 'the new mailbox cannot take messages now', { afterLogin: true });
    };

    // One batch is written while the next is read: the source's and the target's connections both
    // work, and a batch's outcome is always known before the one after it is sent.
    let inFlight: Promise<void> | undefined;
    const settleInFlight = async (): Promise<void> => {
      const current = inFlight;
      inFlight = undefined;
      await current;
    };
    // A batch the source could not send at once (a literal over its ceiling ends the session): read
    // one message at a time after the reconnect, so the culprit is that message's own outcome.
    const oneAtATime = new Set<string>();
    let collectedAt = 0;
    let collectedAtTime = now();
    for (;;) {
      try {
        for (const window of windows(listing.toCopy.messages(), settled)) {
          if (deps.shouldStop?.()) {
            await settleInFlight();
            throw new MigrationStopped('paused');
          }
          const batch: Queued[] = [];
          if (source.readAhead && !window.some((message) => oneAtATime.has(message.key))) {
            try {
              await source.readAhead(window);
            } catch (error) {
              if (error instanceof CheckFailure && error.reason === 'protocol') for (const message of window) oneAtATime.add(message.key);
              throw error;
            }
          }
          for (const message of window) {
            let prepared: Prepared;
            try {
              prepared = await prepareOne(message, source, target!, journal, options, unjournaledCopy);
            } catch (error) {
              if (!(error instanceof SourceMessageUnavailable)) throw error;
              // This message's own outcome; the others go on.
              const outcome: Outcome = error.kind === 'vanished' ? { kind: 'vanished' } : { kind: 'failed', reason: error.message };
              if (outcome.kind === 'failed') journal.markFailed(message.key, outcome.reason);
              record(message, outcome);
              if (error.sessionLost) throw error;
              continue;
            }
            if (prepared.kind === 'append') batch.push({ message, item: prepared.item });
            else record(message, prepared);
            if (deps.shouldStop?.()) break;
          }
          await settleInFlight();
          const sinceCollected = now() - collectedAtTime;
          // (A clock set back counts as time passed: it must not hold collections off for hours.)
          if (deps.collectGarbage && progress.bytes - collectedAt >= COLLECT_EVERY_BYTES && (sinceCollected >= COLLECT_MIN_INTERVAL_MS || sinceCollected < 0)) {
            collectedAt = progress.bytes;
            collectedAtTime = now();
            deps.collectGarbage();
          }
          if (batch.length > 0) {
            inFlight = flush(batch);
            inFlight.catch(() => undefined); // met by settleInFlight
          }
        }
        await settleInFlight();
        break;
      } catch (error) {
        if (error instanceof MigrationStopped) throw error;
        // Whatever failed, the batch in flight must have ended before anything is retried.
        await inFlight?.catch(() => undefined);
        inFlight = undefined;
        if (!(error instanceof SourceMessageUnavailable) && !isConnectionLoss(error)) throw error;
        // The server went away (or cannot take mail now): reconnect and go on with what is not
        // finished; what finished is known, the rest is pending or untouched.
        await reopen(error);
      }
    }
    const flagsUpdated = listing.copiedBefore ? await carryFlagChanges(listing.copiedBefore.messages(), source, target!, journal) : 0;
    // Every listed message has its record now: the next run starts where this listing ended.
    journal.markFolders(listing.marks);
    return {
      plan, copied, skipped, alreadyThere, flagsUpdated, failed: failures.length, failures, vanished, unstableIdentities: source.unstableIdentities ?? 0,
      state: failures.length === 0 ? 'complete' : 'failing',
    };
  } finally {
    dropListing();
    // A target still signing in when the listing failed is closed once it has.
    const opening = targetOpening?.then((session) => session.close());
    await Promise.allSettled([source.close(), target?.close(), opening]);
    journal.close();
  }
}

/** The plan cut into batches as the loop above takes them: at most BATCH_MESSAGES messages and
 * BATCH_BYTES by their announced sizes (a larger message goes alone); `settled` ones left out. */
function* windows(messages: Iterable<SourceMessage>, settled: Set<string>): Generator<SourceMessage[]> {
  let window: SourceMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    if (settled.has(message.key)) continue;
    if (window.length >= BATCH_MESSAGES || (window.length > 0 && bytes + message.size > BATCH_BYTES)) {
      yield window;
      window = [];
      bytes = 0;
    }
    window.push(message);
    bytes += message.size;
  }
  if (window.length > 0) yield window;
}

type Outcome = { kind: 'copied' } | { kind: 'found' } | { kind: 'already-there' } | { kind: 'vanished' } | { kind: 'failed'; reason: string };

/** A copy of this message already in the target that no journal entry accounts for, if any. */
type UnjournaledLookup = (message: SourceMessage, folder: string, content: Buffer, prefix: Buffer) => Promise<{ uid: number; uidValidity: string } | undefined>;

/** Copies whose flags a catch-up sets in one UID STORE (and records in one journal write). */
const FLAG_GROUP_MESSAGES = 1000;

/**
 * After a catch-up: flags changed on the old mailbox since a message was copied are set on its
 * copy — one UID STORE per folder and change (up to FLAG_GROUP_MESSAGES copies each), one journal
 * write each. A copy whose folder's UIDVALIDITY changed is not ours to touch any more. `messages`
 * are the listed ones an earlier run copied.
 */
async function carryFlagChanges(messages: Iterable<SourceMessage>, source: SourceSession, target: ImapTarget, journal: MigrationJournal): Promise<number> {
  type Group = { folder: string; add: string[]; remove: string[]; uids: number[]; updates: Array<{ key: string; flags: string[] }> };
  const groups = new Map<string, Group>();
  const uidValidities = new Map<string, Promise<string>>();
  let updated = 0;
  const store = async (id: string, group: Group): Promise<void> => {
    groups.delete(id);
    await target.updateFlags(group.folder, group.uids, group.add, group.remove);
    journal.markFlags(group.updates);
    updated += group.uids.length;
  };
  for (const message of messages) {
    // Most copies carry what their source has: told by the index, without reading the record.
    const bits = journal.copyFlagBits(message.key);
    if (bits !== undefined && bits === carriedBits(message.flags ?? [])) continue;
    const entry = journal.get(message.key);
    if (entry?.status !== 'done' || entry.targetUid === undefined || !entry.targetUidValidity) continue;
    const want = carried(message.flags ?? []);
    const had = entry.flags ? carried(entry.flags) : undefined;
    const folder = mapFolder(source.folderInfo?.(message.folder) ?? { path: message.folder, delimiter: '/' }, target.folders, target.delimiter);
    if (!target.has(folder)) continue;
    let uidValidity = uidValidities.get(folder);
    if (!uidValidity) { uidValidity = target.uidValidity(folder); uidValidities.set(folder, uidValidity); }
    if (await uidValidity !== entry.targetUidValidity) continue;
    // Without a record of what the copy carries (an older journal), set the carried flags outright.
    const add = want.filter((flag) => !had?.includes(flag));
    const remove = (had ?? CARRIED_FLAGS).filter((flag) => !want.includes(flag));
    const id = `${folder}\0${add.join(' ')}\0${remove.join(' ')}`;
    const group = groups.get(id) ?? { folder, add, remove, uids: [], updates: [] };
    group.uids.push(entry.targetUid);
    group.updates.push({ key: message.key, flags: message.flags ?? [] });
    groups.set(id, group);
    if (group.uids.length >= FLAG_GROUP_MESSAGES) await store(id, group);
  }
  for (const [id, group] of [...groups]) await store(id, group);
  return updated;
}

/** A message read and checked, ready to be APPENDed in the next batch. */
interface Queued { message: SourceMessage; item: AppendItem }
type Prepared = Outcome | { kind: 'append'; item: AppendItem };

/** Everything before the APPEND: the size limit, the folder, the bytes, and whether the target
 * already holds this message (an earlier run's pending copy, or one no journal knows). */
async function prepareOne(
  message: SourceMessage, source: SourceSession, target: ImapTarget, journal: MigrationJournal, options: MigrationOptions, unjournaledCopy: UnjournaledLookup,
): Promise<Prepared> {
  const folder = mapFolder(source.folderInfo?.(message.folder) ?? { path: message.folder, delimiter: '/' }, target.folders, target.delimiter);
  const prefix = tracePrefix(message, options, source.kind);
  const limit = target.appendLimit;
  if (limit !== undefined && message.size + prefix.length > limit) {
    const reason = `too large for the new mailbox (${message.size} bytes, limit ${limit})`;
    journal.markFailed(message.key, reason);
    return { kind: 'failed', reason };
  }
  try {
    await target.ensureFolder(folder);
  } catch (error) {
    if (!(error instanceof AppendRefused)) throw error;
    journal.markFailed(message.key, error.message);
    return { kind: 'failed', reason: error.message };
  }
  const content = await source.read(message, prefix);
  const flags = source.kind === 'pop3' ? (options.pop3Seen ? ['\\Seen'] : []) : message.flags ?? [];
  const entry = journal.get(message.key);
  if (entry === undefined) {
    const there = await unjournaledCopy(message, folder, content, prefix);
    if (there) {
      journal.markDone(message.key, there.uid, there.uidValidity, source.kind === 'imap' ? flags : undefined);
      return { kind: 'already-there' };
    }
  }
  if (entry?.status === 'pending') {
    // An earlier run may have appended it and died before writing "done": look before copying.
    const probe: CopyProbe = {
      trace: prefix.length > 0 ? { name: TRACE_HEADER, value: message.uidl! } : undefined,
      messageId: messageId(content), size: content.length, headerHash: headerHash(content),
    };
    const uidValidity = await target.uidValidity(folder);
    const unclaimed = (await target.findCopies(folder, probe)).filter((uid) => !journal.isTargetUidClaimed(uidValidity, uid));
    if (unclaimed.length > 0) {
      journal.markDone(message.key, unclaimed[0], uidValidity, source.kind === 'imap' ? flags : undefined);
      return { kind: 'found' };
    }
  }
  return { kind: 'append', item: { path: folder, content, flags, date: message.internalDate ?? deliveryDate(content) } };
}
