// One message's bytes gathered into one buffer as they arrive (a POP3 RETR, an IMAP message read in
// windows), sized from what the server announced so a large message is held once. An announced
// size is not trusted with memory before bytes back it: at most PREALLOCATE_AT_MOST is reserved up
// front; once the bytes pass that, the buffer grows to the announced size in one step (growing by
// doubling instead held a 50 MB message as 16 + 32 + 64 MB copies). More than announced — servers
// that count bare LF line ends announce half — doubles, never past the caller's ceiling.

const PREALLOCATE_AT_MOST = 16 * 1024 * 1024;

export class MessageBuffer {
  private buffer: Buffer;
  private length: number;
  private readonly start: number;
  private readonly announced: number;

  /** `prefix` goes first (a trace header) and does not count against `ceiling`. `outgrown` hears
   * the size of a buffer this one has just moved out of (dead now, but held until V8 collects it). */
  constructor(announced: number, private readonly ceiling: number, prefix: Buffer = Buffer.alloc(0), private readonly outgrown?: (bytes: number) => void) {
    this.announced = Number.isSafeInteger(announced) && announced > 0 ? Math.min(announced, ceiling) : 0;
    this.start = prefix.length;
    // Not zero-filled: only what was written is ever handed out.
    this.buffer = Buffer.allocUnsafe(this.start + Math.min(this.announced, PREALLOCATE_AT_MOST));
    prefix.copy(this.buffer, 0);
    this.length = this.start;
  }

  /** Bytes received so far, the prefix not counted. */
  get received(): number { return this.length - this.start; }

  /** Appends `chunk`; false (and nothing appended) when it would take the message past the ceiling. */
  append(chunk: Buffer): boolean {
    const needed = this.length + chunk.length;
    if (needed - this.start > this.ceiling) return false;
    if (needed > this.buffer.length) {
      const announcedEnd = this.start + this.announced;
      const size = needed <= announcedEnd ? announcedEnd : Math.min(this.start + this.ceiling, Math.max(needed, this.buffer.length * 2));
      const grown = Buffer.allocUnsafe(size);
      this.buffer.copy(grown, 0, 0, this.length);
      const left = this.buffer.length;
      this.buffer = grown;
      this.outgrown?.(left);
    }
    chunk.copy(this.buffer, this.length);
    this.length = needed;
    return true;
  }

  /** The message (with its prefix), without copying. */
  get bytes(): Buffer {
    return this.length === this.buffer.length ? this.buffer : this.buffer.subarray(0, this.length);
  }
}
