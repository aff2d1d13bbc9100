// A migration's plan on disk: the source's listing written as it arrives, one JSON line per
// message, and read back a batch at a time. A mailbox of 100,000 messages costs a few megabytes of
// file instead of 100,000 objects in the heap (see MigrationJournal for the other half). The file
// is private to one run (its process id in the name) and removed when the run ends; one a killed
// run left behind is removed by the next.
import { closeSync, mkdirSync, openSync, readdirSync, readSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { SourceMessage } from './migration-types.js';

/** Bytes gathered before a write, and read at a time. Below glibc's 128 kB mmap threshold: a
 * larger buffer is a mapping of its own, and freeing one raises that threshold for the rest of the
 * process (glibc adapts it to the largest mapping freed), after which every allocation up to that
 * size comes from the heap, where freed memory is seldom given back. */
const BUFFER_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

interface PlanLine { k: string; f: string; s: number; u?: string; fl?: string[]; d?: number; i?: number; n?: number }

export class PlanFile {
  private fd: number;
  /** Lines gathered here until it is full: written as bytes at once, so no string of a line
   * outlives its message (strings kept for a while end in V8's old generation as garbage). */
  private readonly pending = Buffer.allocUnsafe(BUFFER_BYTES);
  private pendingBytes = 0;
  count = 0;

  private constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w+', 0o600);
  }

  /** A new, empty plan beside `near` (the journal's path), after removing plans of runs that died
   * (`generation` tells apart the plans of one run: a reconnect lists again). */
  static create(near: string, generation: number): PlanFile {
    const prefix = `${basename(near)}.plan-`;
    try {
      for (const name of readdirSync(dirname(near))) {
        const pid = Number(name.slice(prefix.length).split('-')[0]);
        if (name.startsWith(prefix) && pid !== process.pid && !isAlive(pid)) rmSync(join(dirname(near), name), { force: true });
      }
    } catch {
      // No folder yet: nothing left behind.
    }
    return new PlanFile(`${near}.plan-${process.pid}-${generation}`);
  }

  add(message: SourceMessage): void {
    const line: PlanLine = { k: message.key, f: message.folder, s: message.size };
    if (message.uidl !== undefined) line.u = message.uidl;
    if (message.flags !== undefined) line.fl = message.flags;
    if (message.internalDate !== undefined) line.d = message.internalDate.getTime();
    if (message.uid !== undefined) line.i = message.uid;
    if (message.number !== undefined) line.n = message.number;
    const text = `${JSON.stringify(line)}\n`;
    const bytes = Buffer.byteLength(text);
    if (this.pendingBytes + bytes > BUFFER_BYTES) this.flush();
    if (bytes > BUFFER_BYTES) writeSync(this.fd, text);
    else this.pendingBytes += this.pending.write(text, this.pendingBytes);
    this.count += 1;
  }

  /** Every message from the start, in the order added, read a buffer at a time. Each line is
   * decoded on its own, straight from the bytes: decoding the whole buffer as one string (and
   * splitting it) made a 256 kB string that every line's slice kept alive while its messages were
   * copied, long enough to be promoted, and so garbage in V8's old generation at each refill. */
  *messages(): Generator<SourceMessage> {
    this.flush();
    let buffer = Buffer.allocUnsafe(BUFFER_BYTES);
    let filled = 0;
    let position = 0;
    for (;;) {
      // A line longer than the buffer (written unbuffered by add): a larger buffer for it.
      if (filled === buffer.length) {
        const larger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(larger, 0, 0, filled);
        buffer = larger;
      }
      const read = readSync(this.fd, buffer, filled, buffer.length - filled, position);
      if (read === 0) break;
      position += read;
      filled += read;
      const bytes = buffer.subarray(0, filled);
      let start = 0;
      for (let end = bytes.indexOf(NEWLINE, start); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
        if (end > start) yield messageOf(JSON.parse(bytes.toString('utf8', start, end)) as PlanLine);
        start = end + 1;
      }
      // The unfinished last line moves to the front; the next read completes it.
      buffer.copy(buffer, 0, start, filled);
      filled -= start;
    }
  }

  /** Closes and removes the file. */
  remove(): void {
    try { closeSync(this.fd); } catch { /* already closed */ }
    rmSync(this.path, { force: true });
  }

  private flush(): void {
    let written = 0;
    while (written < this.pendingBytes) written += writeSync(this.fd, this.pending, written, this.pendingBytes - written);
    this.pendingBytes = 0;
  }
}

function messageOf(line: PlanLine): SourceMessage {
  return {
    key: line.k, folder: line.f, size: line.s,
    ...(line.u !== undefined ? { uidl: line.u } : {}),
    ...(line.fl !== undefined ? { flags: line.fl } : {}),
    ...(line.d !== undefined ? { internalDate: new Date(line.d) } : {}),
    ...(line.i !== undefined ? { uid: line.i } : {}),
    ...(line.n !== undefined ? { number: line.n } : {}),
  };
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
