// Which source messages are in the target, persisted so a migration resumes after any crash with
// nothing lost or duplicated. An append-only file of JSON lines, fsync'd per record:
//   {"k":key,"s":"pending"}              written before an APPEND (its outcome is then unknown)
//   {"k":key,"s":"done","u":uid,"v":uv,"f":[flags]}  written after the server's tagged OK (APPENDUID
//                                        when given; the flags the target copy carries, IMAP sources)
//   {"k":key,"s":"failed","r":reason}    the server refused this message; the rest went on
//   {"fo":folder,"v":uv,"n":uidnext,"m":modseq}  an IMAP source folder fully processed up to UIDNEXT
//                                        (and its flags up to MODSEQ): the next run lists only
//                                        what is newer (see imap-source.ts)
// The last record of a key wins. A torn last line (killed mid-write) is ignored.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export type JournalEntry =
  | { status: 'pending' }
  | { status: 'done'; targetUid?: number | undefined; targetUidValidity?: string | undefined; flags?: string[] | undefined }
  | { status: 'failed'; reason: string };

/** How far a source folder was processed: every message below `uidNext` (of this UIDVALIDITY) has
 * its record, and flag changes up to `modseq` (RFC 7162 CONDSTORE, when the server has it) were carried. */
export interface FolderMark { uidValidity: string; uidNext: number; modseq?: string | undefined }

export class MigrationJournal {
  private readonly entries = new Map<string, JournalEntry>();
  private readonly marks = new Map<string, FolderMark>();
  private fd: number | undefined;

  constructor(readonly path: string) {
    if (existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (!line) continue;
        let record: { k?: string; s?: string; u?: number; v?: string; r?: string; f?: unknown; fo?: unknown; n?: unknown; m?: unknown };
        try { record = JSON.parse(line) as typeof record; } catch { continue; }
        if (typeof record.fo === 'string') {
          if (typeof record.v === 'string' && Number.isSafeInteger(record.n)) {
            this.marks.set(record.fo, { uidValidity: record.v, uidNext: record.n as number, ...(typeof record.m === 'string' && /^\d{1,20}$/.test(record.m) ? { modseq: record.m } : {}) });
          }
          continue;
        }
        if (!record.k) continue;
        if (record.s === 'pending') this.entries.set(record.k, { status: 'pending' });
        else if (record.s === 'done') {
          const flags = Array.isArray(record.f) && record.f.every((flag) => typeof flag === 'string') ? record.f as string[] : undefined;
          this.entries.set(record.k, { status: 'done', targetUid: record.u, targetUidValidity: record.v, flags });
        }
        else if (record.s === 'failed') this.entries.set(record.k, { status: 'failed', reason: record.r ?? '' });
      }
    }
  }

  get(key: string): JournalEntry | undefined { return this.entries.get(key); }

  isDone(key: string): boolean { return this.entries.get(key)?.status === 'done'; }

  /** Target UIDs already accounted for by a done source message, per target UIDVALIDITY. */
  claimedTargetUids(uidValidity: string): Set<number> {
    const claimed = new Set<number>();
    for (const entry of this.entries.values()) {
      if (entry.status === 'done' && entry.targetUid !== undefined && entry.targetUidValidity === uidValidity) claimed.add(entry.targetUid);
    }
    return claimed;
  }

  markPending(key: string): void { this.write(key, { status: 'pending' }, { k: key, s: 'pending' }); }

  /** "pending" for a batch about to be sent: one write and one fsync for the lot. */
  markPendingMany(keys: string[]): void {
    if (keys.length === 0) return;
    this.append(keys.map((key) => JSON.stringify({ k: key, s: 'pending' })).join('\n') + '\n');
    for (const key of keys) this.entries.set(key, { status: 'pending' });
  }

  /** "done" without its own fsync, for answers arriving in a batch; `sync()` ends the batch. Until
   * then a crash leaves the message "pending", which the next run looks for before copying. */
  markDoneUnsynced(key: string, targetUid?: number, targetUidValidity?: string, flags?: string[]): void {
    this.append(`${JSON.stringify({ k: key, s: 'done', u: targetUid, v: targetUidValidity, f: flags })}\n`, false);
    this.entries.set(key, { status: 'done', targetUid, targetUidValidity, flags });
  }

  sync(): void {
    if (this.fd !== undefined) fsyncSync(this.fd);
  }

  markDone(key: string, targetUid?: number, targetUidValidity?: string, flags?: string[]): void {
    this.write(key, { status: 'done', targetUid, targetUidValidity, flags }, { k: key, s: 'done', u: targetUid, v: targetUidValidity, f: flags });
  }

  /** The flags now on many done messages' copies: one write and one fsync for the lot. */
  markFlags(updates: Array<{ key: string; flags: string[] }>): void {
    const lines: string[] = [];
    for (const { key, flags } of updates) {
      const entry = this.entries.get(key);
      if (entry?.status !== 'done') continue;
      lines.push(JSON.stringify({ k: key, s: 'done', u: entry.targetUid, v: entry.targetUidValidity, f: flags }));
    }
    if (lines.length === 0) return;
    this.append(`${lines.join('\n')}\n`);
    for (const { key, flags } of updates) {
      const entry = this.entries.get(key);
      if (entry?.status === 'done') this.entries.set(key, { ...entry, flags });
    }
  }

  folderMark(path: string): FolderMark | undefined { return this.marks.get(path); }

  /** Source folders processed through the marks given: one write and one fsync for all. */
  markFolders(marks: Array<FolderMark & { path: string }>): void {
    if (marks.length === 0) return;
    this.append(`${marks.map(({ path, uidValidity, uidNext, modseq }) => JSON.stringify({ fo: path, v: uidValidity, n: uidNext, m: modseq })).join('\n')}\n`);
    for (const { path, ...mark } of marks) this.marks.set(path, mark);
  }

  /** Keys of an IMAP folder's messages with a record that is not "done" (failed, or pending after
   * a crash): listed again whatever the folder's mark says, so they are retried. */
  unfinishedUids(path: string, uidValidity: string): number[] {
    const prefix = `imap:${path}:${uidValidity}:`;
    const uids: number[] = [];
    for (const [key, entry] of this.entries) {
      if (entry.status !== 'done' && key.startsWith(prefix)) {
        const uid = Number(key.slice(prefix.length));
        if (Number.isSafeInteger(uid) && uid > 0) uids.push(uid);
      }
    }
    return uids;
  }

  /** How many messages of an IMAP folder (of this UIDVALIDITY) are done. */
  doneCount(path: string, uidValidity: string): number {
    const prefix = `imap:${path}:${uidValidity}:`;
    let count = 0;
    for (const [key, entry] of this.entries) if (entry.status === 'done' && key.startsWith(prefix)) count += 1;
    return count;
  }

  markFailed(key: string, reason: string): void { this.write(key, { status: 'failed', reason }, { k: key, s: 'failed', r: reason }); }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private write(key: string, entry: JournalEntry, record: object): void {
    this.append(`${JSON.stringify(record)}\n`);
    this.entries.set(key, entry);
  }

  private append(text: string, sync = true): void {
    if (this.fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a', 0o600);
    }
    writeSync(this.fd, text);
    if (sync) fsyncSync(this.fd);
  }
}
