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
import { deliveryDate, headerHash, messageId } from './message-facts.js';
import { SourceMessageUnavailable, type FailedMessage, type MigrationOptions, type MigrationProgress, type MigrationReport, type SourceMessage } from './migration-types.js';

export interface SourceSession {
  readonly kind: 'pop3' | 'imap';
  list(): Promise<SourceMessage[]>;
  read(message: SourceMessage, prefix: Buffer): Promise<Buffer>;
  /** IMAP: only what is new, changed or unfinished since the journal's folder marks (see
   * ImapSource.listSince); `resumed` folders were not listed whole. */
  listSince?(journal: MigrationJournal): Promise<{ messages: SourceMessage[]; marks: Array<FolderMark & { path: string }>; resumed: Set<string> }>;
  /** Reads these messages ahead in as few commands as it can, for `read` to hand out (the next
   * batch's); optional: a source without it reads each message when asked. */
  readAhead?(messages: SourceMessage[]): Promise<void>;
  folderInfo?(path: string): FolderInfo;
  /** Messages identified without a usable UIDL (POP3 servers that repeat or omit them). */
  readonly unstableIdentities?: number;
  close(): Promise<void>;
}

export interface MigrationPlan {
  messages: SourceMessage[];
  /** Not yet in the target. */
  toCopy: SourceMessage[];
  alreadyDone: number;
  bytesToCopy: number;
}

export interface EngineDeps {
  openSource: () => Promise<SourceSession>;
  /** `appendsExpected`: a real run, which will APPEND (see ImapTarget.open). */
  openTarget: (appendsExpected?: boolean) => Promise<ImapTarget>;
  journal: MigrationJournal;
  options: MigrationOptions;
  onProgress?: (progress: MigrationProgress) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Consulted between messages: true pauses the run (it ends as resumable). */
  shouldStop?: () => boolean;
  /** How often a lost connection is retried before the run ends as failing. */
  maxReconnects?: number;
}

export class MigrationStopped extends Error {
  override readonly name = 'MigrationStopped';
}

const TRACE_HEADER = 'X-UIDL';
/** A batch of APPENDs in flight at once: at most this many messages, this many bytes (a larger
 * message goes alone), so memory stays bounded whatever the mailbox holds. */
const BATCH_MESSAGES = 32;
const BATCH_BYTES = 8 * 1024 * 1024;

export function planMigration(messages: SourceMessage[], journal: MigrationJournal): MigrationPlan {
  const toCopy = messages.filter((message) => !journal.isDone(message.key));
  return {
    messages, toCopy, alreadyDone: messages.length - toCopy.length,
    bytesToCopy: toCopy.reduce((sum, message) => sum + message.size, 0),
  };
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
  const { journal, options } = deps;
  let source = await deps.openSource();
  let target: ImapTarget | undefined;
  // The target signs in while the source lists its mail (only once the source has accepted our
  // login: a refused one ends the run before the new mailbox is touched; a dry run never touches it).
  let targetOpening = options.dryRun ? undefined : deps.openTarget(true);
  targetOpening?.catch(() => undefined); // met below, or closed in `finally`
  try {
    // A real run lists incrementally where it can; a dry run lists everything, to say it all.
    const listing = source.listSince && !options.dryRun
      ? await source.listSince(journal)
      : { messages: await source.list(), marks: [], resumed: new Set<string>() };
    let plan = planMigration(listing.messages, journal);
    // Messages of resumed folders done in an earlier run were not listed: still "already there".
    const unlisted = [...listing.resumed].reduce((sum, folder) => {
      const mark = journal.folderMark(folder);
      return sum + (mark ? journal.doneCount(folder, mark.uidValidity) : 0);
    }, 0) - plan.messages.filter((message) => listing.resumed.has(message.folder) && journal.isDone(message.key)).length;
    plan = { ...plan, alreadyDone: plan.alreadyDone + Math.max(0, unlisted) };
    if (options.dryRun) {
      return {
        plan, copied: 0, skipped: plan.alreadyDone, alreadyThere: 0, flagsUpdated: 0, failed: 0, failures: [], vanished: 0,
        unstableIdentities: source.unstableIdentities ?? 0, state: 'complete',
      };
    }
    target = await targetOpening!;
    targetOpening = undefined;
    const started = now();
    const progress = { done: 0, bytes: 0 };
    let copied = 0;
    let skipped = plan.alreadyDone;
    let vanished = 0;
    const failures: FailedMessage[] = [];
    let reconnects = 0;
    let alreadyThere = 0;
    // Source folders this journal has copied from: their target folders' other messages are not
    // ours to match. Any other target folder that holds mail is indexed once, so a lost --state (or
    // mail another tool copied) is recognised instead of copied twice.
    const journaled = new Set([...listing.resumed, ...plan.messages.filter((message) => journal.isDone(message.key)).map((message) => message.folder)]);
    const indexes = new Map<string, Promise<ContentIndex>>();
    const claimedThisRun = new Set<string>();
    const unjournaledCopy: UnjournaledLookup = async (message, folder, content, prefix) => {
      if (journaled.has(message.folder) || !target!.has(folder)) return undefined;
      let pending = indexes.get(folder);
      if (!pending) { pending = target!.contentIndex(folder); indexes.set(folder, pending); }
      const index = await pending;
      const candidates = prefix.length > 0 && message.uidl ? index.byTrace.get(message.uidl)
        : index.byContent.get(contentKey(content.length, headerHash(content)));
      if (!candidates) return undefined;
      const claimed = journal.claimedTargetUids(index.uidValidity);
      const uid = candidates.find((candidate) => !claimed.has(candidate) && !claimedThisRun.has(`${index.uidValidity}:${candidate}`));
      if (uid === undefined) return undefined;
      claimedThisRun.add(`${index.uidValidity}:${uid}`);
      return { uid, uidValidity: index.uidValidity };
    };

    /** Reopens both sides with backoff (the server may take a while to come back) and refreshes
     * the plan's message numbers; keys do not change, a message gone since stays as it was and
     * is found missing when read. */
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
          const fresh = new Map((await source.list()).map((item) => [item.key, item]));
          plan = { ...plan, toCopy: plan.toCopy.map((item) => fresh.get(item.key) ?? item) };
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
        done: progress.done, total: plan.toCopy.length, bytes: progress.bytes, totalBytes: plan.bytesToCopy,
        rate, etaSeconds: rate > 0 ? (plan.toCopy.length - progress.done) / rate : null, folder,
      });
    };
    report(plan.toCopy[0]?.folder ?? 'INBOX');

    /** Counts a message's outcome once, and reports progress. */
    const finished = new Set<string>();
    const record = (message: SourceMessage, outcome: Outcome): void => {
      if (outcome.kind === 'copied') copied += 1;
      else if (outcome.kind === 'found') skipped += 1;
      else if (outcome.kind === 'already-there') { skipped += 1; alreadyThere += 1; }
      else if (outcome.kind === 'vanished') vanished += 1;
      else if (outcome.kind === 'failed') failures.push({ key: message.key, folder: message.folder, size: message.size, reason: outcome.reason });
      finished.add(message.key);
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
    let inFlight: { done: Promise<void>; start: number } | undefined;
    let noReadAheadAt = -1;
    const settleInFlight = async (): Promise<void> => {
      const current = inFlight;
      if (!current) return;
      await current.done;
      inFlight = undefined;
    };
    for (let index = 0; index < plan.toCopy.length || inFlight;) {
      const batchStart = index;
      try {
        if (deps.shouldStop?.()) {
          await settleInFlight();
          throw new MigrationStopped('paused');
        }
        const batch: Queued[] = [];
        let batchBytes = 0;
        if (source.readAhead && index !== noReadAheadAt) {
          try {
            await source.readAhead(batchWindow(plan.toCopy, index, finished));
          } catch (error) {
            // A batch the source could not send (a literal over its ceiling ends the session): this
            // batch is read one message at a time after the reconnect, so the culprit is that
            // message's own outcome and not the whole run's.
            if (error instanceof CheckFailure && error.reason === 'protocol') noReadAheadAt = index;
            throw error;
          }
        }
        while (index < plan.toCopy.length && batch.length < BATCH_MESSAGES) {
          const message = plan.toCopy[index]!;
          if (finished.has(message.key)) { index += 1; continue; }
          if (batch.length > 0 && batchBytes + message.size > BATCH_BYTES) break;
          let prepared: Prepared;
          try {
            prepared = await prepareOne(message, source, target!, journal, options, unjournaledCopy);
          } catch (error) {
            if (!(error instanceof SourceMessageUnavailable)) throw error;
            // This message's own outcome; the others go on.
            const outcome: Outcome = error.kind === 'vanished' ? { kind: 'vanished' } : { kind: 'failed', reason: error.message };
            if (outcome.kind === 'failed') journal.markFailed(message.key, outcome.reason);
            record(message, outcome);
            index += 1;
            if (error.sessionLost) throw error;
            continue;
          }
          if (prepared.kind === 'append') {
            batch.push({ message, item: prepared.item });
            batchBytes += prepared.item.content.length;
          } else {
            record(message, prepared);
          }
          index += 1;
          if (deps.shouldStop?.()) break;
        }
        await settleInFlight();
        if (batch.length > 0) {
          const done = flush(batch);
          done.catch(() => undefined); // met by settleInFlight
          inFlight = { done, start: batchStart };
        }
      } catch (error) {
        if (error instanceof MigrationStopped) throw error;
        // Whatever failed, the batch in flight must have ended before anything is retried.
        const retryFrom = inFlight ? Math.min(inFlight.start, batchStart) : batchStart;
        await inFlight?.done.catch(() => undefined);
        inFlight = undefined;
        if (!(error instanceof SourceMessageUnavailable) && !isConnectionLoss(error)) throw error;
        // The server went away (or cannot take mail now): reconnect and carry on from the first
        // batch not finished; what finished is known, the rest is pending or untouched.
        await reopen(error);
        index = retryFrom;
      }
    }
    const flagsUpdated = source.kind === 'imap' ? await carryFlagChanges(plan.messages, source, target, journal) : 0;
    // Every listed message has its record now: the next run starts where this listing ended.
    journal.markFolders(listing.marks);
    return {
      plan, copied, skipped, alreadyThere, flagsUpdated, failed: failures.length, failures, vanished, unstableIdentities: source.unstableIdentities ?? 0,
      state: failures.length === 0 ? 'complete' : 'failing',
    };
  } finally {
    // A target still signing in when the listing failed is closed once it has.
    const opening = targetOpening?.then((session) => session.close());
    await Promise.allSettled([source.close(), target?.close(), opening]);
    journal.close();
  }
}

/** The messages the next batch will take, as the batch loop below counts them (by their announced
 * sizes): what a source reads ahead. */
function batchWindow(toCopy: SourceMessage[], from: number, finished: Set<string>): SourceMessage[] {
  const window: SourceMessage[] = [];
  let bytes = 0;
  for (let index = from; index < toCopy.length && window.length < BATCH_MESSAGES; index += 1) {
    const message = toCopy[index]!;
    if (finished.has(message.key)) continue;
    if (window.length > 0 && bytes + message.size > BATCH_BYTES) break;
    window.push(message);
    bytes += message.size;
  }
  return window;
}

type Outcome = { kind: 'copied' } | { kind: 'found' } | { kind: 'already-there' } | { kind: 'vanished' } | { kind: 'failed'; reason: string };

/** A copy of this message already in the target that no journal entry accounts for, if any. */
type UnjournaledLookup = (message: SourceMessage, folder: string, content: Buffer, prefix: Buffer) => Promise<{ uid: number; uidValidity: string } | undefined>;

/** The flags a catch-up carries from the old mailbox: the system flags every IMAP server keeps.
 * (Keywords are left alone: not every server keeps them, and \Deleted would hide the copy.) */
const CARRIED_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Draft'];

function carried(flags: string[]): string[] {
  return CARRIED_FLAGS.filter((flag) => flags.some((other) => other.toLowerCase() === flag.toLowerCase()));
}

/**
 * After a catch-up: flags changed on the old mailbox since a message was copied are set on its
 * copy — one UID STORE per folder and change, one journal write for all. A copy whose folder's
 * UIDVALIDITY changed is not ours to touch any more.
 */
async function carryFlagChanges(messages: SourceMessage[], source: SourceSession, target: ImapTarget, journal: MigrationJournal): Promise<number> {
  const groups = new Map<string, { folder: string; add: string[]; remove: string[]; uids: number[]; updates: Array<{ key: string; flags: string[] }> }>();
  const uidValidities = new Map<string, Promise<string>>();
  for (const message of messages) {
    const entry = journal.get(message.key);
    if (entry?.status !== 'done' || entry.targetUid === undefined || !entry.targetUidValidity) continue;
    const want = carried(message.flags ?? []);
    const had = entry.flags ? carried(entry.flags) : undefined;
    if (had && had.join(' ') === want.join(' ')) continue;
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
  }
  let updated = 0;
  for (const group of groups.values()) {
    await target.updateFlags(group.folder, group.uids, group.add, group.remove);
    journal.markFlags(group.updates);
    updated += group.uids.length;
  }
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
  if (journal.get(message.key) === undefined) {
    const there = await unjournaledCopy(message, folder, content, prefix);
    if (there) {
      journal.markDone(message.key, there.uid, there.uidValidity, source.kind === 'imap' ? flags : undefined);
      return { kind: 'already-there' };
    }
  }
  if (journal.get(message.key)?.status === 'pending') {
    // An earlier run may have appended it and died before writing "done": look before copying.
    const probe: CopyProbe = {
      trace: prefix.length > 0 ? { name: TRACE_HEADER, value: message.uidl! } : undefined,
      messageId: messageId(content), size: content.length, headerHash: headerHash(content),
    };
    const uidValidity = await target.uidValidity(folder);
    const claimed = journal.claimedTargetUids(uidValidity);
    const unclaimed = (await target.findCopies(folder, probe)).filter((uid) => !claimed.has(uid));
    if (unclaimed.length > 0) {
      journal.markDone(message.key, unclaimed[0], uidValidity, source.kind === 'imap' ? flags : undefined);
      return { kind: 'found' };
    }
  }
  return { kind: 'append', item: { path: folder, content, flags, date: message.internalDate ?? deliveryDate(content) } };
}
