// Which source messages are in the target, persisted so a migration resumes after any crash with
// nothing lost or duplicated. An append-only file of JSON lines, fsync'd per record or batch:
//   {"k":key,"s":"pending"}              written before an APPEND (its outcome is then unknown)
//   {"k":key,"s":"done","u":uid,"v":uv,"f":[flags]}  written after the server's tagged OK (APPENDUID
//                                        when given; the flags the target copy carries, IMAP sources)
//   {"k":key,"s":"failed","r":reason}    the server refused this message; the rest went on
//   {"fo":folder,"v":uv,"n":uidnext,"m":modseq}  an IMAP source folder fully processed up to UIDNEXT
//                                        (and its flags up to MODSEQ): the next run lists only
//                                        what is newer (see imap-source.ts)
// The last record of a key wins. A torn last line (killed mid-write) is ignored, and cut off before
// the next record is appended (else the two would read as one unreadable line).
//
// Memory stays flat in the number of messages: the records stay on disk; what is kept per key is
// a KeyIndex entry (8 bytes: a 32-bit digest of the key and its latest record's offset). Every
// answer about a key comes from that record, read back, and is checked against the key written
// in it; a key whose digest another key already holds (about one pair in 100,000 keys) is kept
// apart with its own offset, so neither passes for the other and neither is forgotten.
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { carriedBits } from './carried-flags.js';
import { KeyIndex, shortKeyDigest } from './key-index.js';

export type JournalEntry =
  | { status: 'pending' }
  | { status: 'done'; targetUid?: number | undefined; targetUidValidity?: string | undefined; flags?: string[] | undefined }
  | { status: 'failed'; reason: string };

/** How far a source folder was processed: every message below `uidNext` (of this UIDVALIDITY) has
 * its record, and flag changes up to `modseq` (RFC 7162 CONDSTORE, when the server has it) were carried. */
export interface FolderMark { uidValidity: string; uidNext: number; modseq?: string | undefined }

interface RawRecord { k?: unknown; s?: unknown; u?: unknown; v?: unknown; r?: unknown; f?: unknown; fo?: unknown; n?: unknown; m?: unknown }

// A record's state as one number: status in bits 0–1, "flags recorded" in bit 2, the carried
// flags (carried-flags.ts) in bits 3–6.
const PENDING = 1;
const DONE = 2;
const FAILED = 3;
const FLAGS_KNOWN = 4;

/** Bytes read at a time while loading or scanning the file. */
const READ_CHUNK = 1024 * 1024;
/** Records read between two pauses of an asynchronous load (about a millisecond's work). */
const LINES_PER_SLICE = 500;
/** Offsets are kept in 32 bits (see KeyIndex): a journal this large is refused in words. */
const MAX_JOURNAL_BYTES = 0xffff_ffff;

export class MigrationJournal {
  private readonly index = new KeyIndex();
  /** Keys whose digest the index holds for another key, with their latest record's offset. */
  private readonly sharedDigests = new Map<string, number>();
  private readonly marks = new Map<string, FolderMark>();
  /** Per IMAP folder and UIDVALIDITY (`imap:<folder>:<uv>`): how many are done, and the UIDs of
   * those with a record that is not "done" (few: failed, or pending after a crash). */
  private readonly doneByFolder = new Map<string, number>();
  private readonly unfinishedByFolder = new Map<string, Set<number>>();
  /** Target UIDs claimed by done messages, per target UIDVALIDITY: built when first asked. */
  private readonly claimed = new Map<string, { sorted: Uint32Array; added: Set<number> }>();
  private fd: number | undefined;
  private size = 0;

  /** `digest`: how keys are digested (tests give one that collides to show it never misleads or
   * forgets).
   * Loads the whole file now; `open` loads it while the event loop goes on. */
  constructor(readonly path: string, private readonly digest: (key: string) => number = shortKeyDigest, load = true) {
    if (load) finish(this.loading());
  }

  /**
   * The journal at `path`, read a slice of records at a time with the event loop let through
   * between slices: a catch-up's connections sign in while a journal of thousands of records is
   * read (reading it first put ~30 ms before the first connection).
   */
  static async open(path: string, digest: (key: string) => number = shortKeyDigest): Promise<MigrationJournal> {
    const journal = new MigrationJournal(path, digest, false);
    // A turn of the event loop before each slice, the first too: what the caller starts right after
    // this call (the old mailbox's connection) sends its first packets before the reading begins.
    const slices = journal.loading();
    do await new Promise((resolve) => setImmediate(resolve)); while (!slices.next().done);
    return journal;
  }

  /** Reads the file into the index, pausing (yielding) after every slice of records. */
  private *loading(): Generator<void, void> {
    if (!existsSync(this.path)) return;
    this.fd = openSync(this.path, 'a+', 0o600);
    const end = fstatSync(this.fd).size;
    const complete = yield* this.scan(end, (line, offset) => this.load(line, offset));
    // A torn last line is cut off, so the next record starts a line of its own.
    if (complete < end) ftruncateSync(this.fd, complete);
    this.size = complete;
  }

  /** The latest record of this key, read from disk; undefined when the journal has none. */
  get(key: string): JournalEntry | undefined {
    const found = this.lookup(key);
    return found && entryOf(found.record);
  }

  isDone(key: string): boolean { return this.stateOf(key) === DONE; }

  /** The carried flags the key's copy has as bits (carried-flags.ts), or undefined when the
   * journal does not know them (not done, a POP3 source, or an older journal). */
  copyFlagBits(key: string): number | undefined {
    const found = this.lookup(key);
    if (!found || (found.state & 3) !== DONE || !(found.state & FLAGS_KNOWN)) return undefined;
    return found.state >> 3;
  }

  /** Whether a done message's record names this target UID (of this target UIDVALIDITY). */
  isTargetUidClaimed(uidValidity: string, uid: number): boolean {
    let claimed = this.claimed.get(uidValidity);
    if (!claimed) {
      claimed = { sorted: this.claimedUids(uidValidity), added: new Set() };
      this.claimed.set(uidValidity, claimed);
    }
    return claimed.added.has(uid) || binarySearch(claimed.sorted, uid);
  }

  markPending(key: string): void { this.markPendingMany([key]); }

  /** "pending" for a batch about to be sent: one write and one fsync for the lot. */
  markPendingMany(keys: string[]): void {
    this.append(keys.map((key) => ({ key, record: { k: key, s: 'pending' } })));
  }

  /** "done" without its own fsync, for answers arriving in a batch; `sync()` ends the batch. Until
   * then a crash leaves the message "pending", which the next run looks for before copying. */
  markDoneUnsynced(key: string, targetUid?: number, targetUidValidity?: string, flags?: string[]): void {
    this.append([{ key, record: { k: key, s: 'done', u: targetUid, v: targetUidValidity, f: flags } }], false);
  }

  sync(): void {
    if (this.fd !== undefined) fsyncSync(this.fd);
  }

  markDone(key: string, targetUid?: number, targetUidValidity?: string, flags?: string[]): void {
    this.append([{ key, record: { k: key, s: 'done', u: targetUid, v: targetUidValidity, f: flags } }]);
  }

  markFailed(key: string, reason: string): void { this.append([{ key, record: { k: key, s: 'failed', r: reason } }]); }

  /** The flags now on many done messages' copies: one write and one fsync for the lot. */
  markFlags(updates: Array<{ key: string; flags: string[] }>): void {
    const records: Array<{ key: string; record: RawRecord }> = [];
    for (const { key, flags } of updates) {
      const entry = this.get(key);
      if (entry?.status !== 'done') continue;
      records.push({ key, record: { k: key, s: 'done', u: entry.targetUid, v: entry.targetUidValidity, f: flags } });
    }
    this.append(records);
  }

  folderMark(path: string): FolderMark | undefined { return this.marks.get(path); }

  /** Source folders processed through the marks given: one write and one fsync for all. */
  markFolders(marks: Array<FolderMark & { path: string }>): void {
    this.append(marks.map(({ path, uidValidity, uidNext, modseq }) => ({ record: { fo: path, v: uidValidity, n: uidNext, m: modseq } })));
  }

  /** UIDs of an IMAP folder's messages with a record that is not "done" (failed, or pending after
   * a crash): listed again whatever the folder's mark says, so they are retried. */
  unfinishedUids(path: string, uidValidity: string): number[] {
    return [...this.unfinishedByFolder.get(`imap:${path}:${uidValidity}`) ?? []];
  }

  /** How many messages of an IMAP folder (of this UIDVALIDITY) are done. */
  doneCount(path: string, uidValidity: string): number {
    return this.doneByFolder.get(`imap:${path}:${uidValidity}`) ?? 0;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private stateOf(key: string): number | undefined {
    const found = this.lookup(key);
    return found && found.state & 3;
  }

  /** This key's latest record and its state, read back from disk. */
  private lookup(key: string): { state: number; record: RawRecord } | undefined {
    const offset = this.offsetOf(key);
    if (offset === undefined) return undefined;
    const record = this.recordAt(offset);
    // The index's entry for this digest may be another key's: then this key has no record.
    return record?.k === key ? { state: stateOf(record) ?? 0, record } : undefined;
  }

  /** Where this key's latest record is, or another key's that shares its digest. */
  private offsetOf(key: string): number | undefined {
    return this.sharedDigests.get(key) ?? this.index.get(this.digest(key));
  }

  /** One record line read back from the file. */
  private recordAt(offset: number): RawRecord | undefined {
    if (this.fd === undefined) return undefined;
    let length = 512;
    for (;;) {
      const buffer = Buffer.allocUnsafe(length);
      const read = readSync(this.fd, buffer, 0, length, offset);
      const newline = buffer.subarray(0, read).indexOf(0x0a);
      if (newline === -1 && read === length) { length *= 4; continue; }
      return parse(buffer.toString('utf8', 0, newline === -1 ? read : newline));
    }
  }

  /** Calls `each` for every complete line below `end` with its offset, pausing after every
   * LINES_PER_SLICE lines; returns where the last complete line ends. */
  private *scan(end: number, each: (line: string, offset: number) => void): Generator<void, number> {
    const chunk = Buffer.allocUnsafe(READ_CHUNK);
    let carry = Buffer.alloc(0);
    let position = 0;
    let lineStart = 0;
    let lines = 0;
    while (position < end) {
      const read = readSync(this.fd!, chunk, 0, Math.min(READ_CHUNK, end - position), position);
      if (read === 0) break;
      position += read;
      const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let from = 0;
      for (let newline = data.indexOf(0x0a); newline !== -1; newline = data.indexOf(0x0a, from)) {
        if (newline > from) each(data.toString('utf8', from, newline), lineStart);
        lineStart += newline + 1 - from;
        from = newline + 1;
        if ((lines += 1) % LINES_PER_SLICE === 0) yield;
      }
      carry = Buffer.from(data.subarray(from));
    }
    return lineStart;
  }

  private load(line: string, offset: number): void {
    const record = parse(line);
    if (!record) return;
    if (typeof record.fo === 'string') {
      if (typeof record.v === 'string' && Number.isSafeInteger(record.n)) {
        this.marks.set(record.fo, { uidValidity: record.v, uidNext: record.n as number, ...(typeof record.m === 'string' && /^\d{1,20}$/.test(record.m) ? { modseq: record.m } : {}) });
      }
      return;
    }
    if (typeof record.k === 'string' && record.k) this.remember(record.k, record, offset);
  }

  /** The index (and the per-folder counts) told that `record` at `offset` is the key's latest. */
  private remember(key: string, record: RawRecord, offset: number): void {
    const state = stateOf(record);
    if (state === undefined) return;
    // Its previous record (one read from disk when the index holds its digest).
    const before = this.lookup(key);
    if (this.sharedDigests.has(key)) this.sharedDigests.set(key, offset);
    else {
      const digest = this.digest(key);
      // The digest is free or this key's own; else another key holds it, and keeps it.
      if (before || this.index.get(digest) === undefined) this.index.set(digest, offset);
      else this.sharedDigests.set(key, offset);
    }
    if (!key.startsWith('imap:')) return;
    const cut = key.lastIndexOf(':');
    const folder = key.slice(0, cut);
    const uid = Number(key.slice(cut + 1));
    const wasDone = before !== undefined && (before.state & 3) === DONE;
    const isDone = (state & 3) === DONE;
    if (wasDone !== isDone) this.doneByFolder.set(folder, (this.doneByFolder.get(folder) ?? 0) + (isDone ? 1 : -1));
    let unfinished = this.unfinishedByFolder.get(folder);
    if (isDone) {
      unfinished?.delete(uid);
      if (unfinished?.size === 0) this.unfinishedByFolder.delete(folder);
    } else if (Number.isSafeInteger(uid) && uid > 0) {
      if (!unfinished) { unfinished = new Set(); this.unfinishedByFolder.set(folder, unfinished); }
      unfinished.add(uid);
    }
    if (isDone && typeof record.v === 'string' && Number.isSafeInteger(record.u)) this.claimed.get(record.v)?.added.add(record.u as number);
  }

  /** The target UIDs of this UIDVALIDITY that done records name (each key's latest record only),
   * from one pass over the file. */
  private claimedUids(uidValidity: string): Uint32Array {
    if (this.fd === undefined) return new Uint32Array(0);
    const uids: number[] = [];
    finish(this.scan(this.size, (line, offset) => {
      const record = parse(line);
      if (record?.s !== 'done' || record.v !== uidValidity || !Number.isSafeInteger(record.u) || typeof record.k !== 'string') return;
      if (this.offsetOf(record.k) === offset) uids.push(record.u as number);
    }));
    return Uint32Array.from(uids).sort();
  }

  /** Appends records (one fsync unless `sync` is false) and tells the index where each went. */
  private append(records: Array<{ key?: string; record: RawRecord }>, sync = true): void {
    if (records.length === 0) return;
    if (this.fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a+', 0o600);
      this.size = fstatSync(this.fd).size;
    }
    const lines = records.map(({ record }) => Buffer.from(`${JSON.stringify(record)}\n`));
    const text = Buffer.concat(lines);
    if (this.size + text.length > MAX_JOURNAL_BYTES) throw new Error(`the migration journal ${this.path} has grown past 4 GB`);
    writeSync(this.fd, text);
    if (sync) fsyncSync(this.fd);
    records.forEach(({ key, record }, position) => {
      if (key !== undefined) this.remember(key, record, this.size);
      else if (typeof record.fo === 'string') this.marks.set(record.fo, { uidValidity: record.v as string, uidNext: record.n as number, ...(typeof record.m === 'string' ? { modseq: record.m } : {}) });
      this.size += lines[position]!.length;
    });
  }
}

function parse(line: string): RawRecord | undefined {
  try {
    const record = JSON.parse(line) as unknown;
    return record !== null && typeof record === 'object' ? record as RawRecord : undefined;
  } catch {
    return undefined;
  }
}

function stateOf(record: RawRecord): number | undefined {
  if (record.s === 'pending') return PENDING;
  if (record.s === 'failed') return FAILED;
  if (record.s !== 'done') return undefined;
  const flags = stringArray(record.f);
  return flags ? DONE | FLAGS_KNOWN | (carriedBits(flags) << 3) : DONE;
}

function entryOf(record: RawRecord): JournalEntry | undefined {
  if (record.s === 'pending') return { status: 'pending' };
  if (record.s === 'failed') return { status: 'failed', reason: typeof record.r === 'string' ? record.r : '' };
  if (record.s !== 'done') return undefined;
  return {
    status: 'done',
    targetUid: Number.isSafeInteger(record.u) ? record.u as number : undefined,
    targetUidValidity: typeof record.v === 'string' ? record.v : undefined,
    flags: stringArray(record.f),
  };
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value as string[] : undefined;
}

function binarySearch(sorted: Uint32Array, value: number): boolean {
  let from = 0;
  let to = sorted.length - 1;
  while (from <= to) {
    const middle = (from + to) >>> 1;
    if (sorted[middle] === value) return true;
    if (sorted[middle]! < value) from = middle + 1;
    else to = middle - 1;
  }
  return false;
}

/** Runs a paused-and-resumed piece of work (see `scan`) to its end at once. */
function finish<T>(work: Generator<void, T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}
