// Decodes a POP3 multi-line response body (RFC 1939 §3) as it streams in: removes the byte-stuffed
// leading "." of each line, finds the "CRLF.CRLF" terminator even when it is split across packets at
// any byte, and passes every other byte through untouched (8-bit, NUL, bare CR). Emits slices of the
// input (one per run of lines between dot-started ones), never a copy of the whole body.
const DOT = 0x2e;
const CR = 0x0d;
const LF = 0x0a;
const LF_DOT = Buffer.from('\n.', 'latin1');
const NOTHING = Buffer.alloc(0);

export interface UnstuffResult {
  /** Decoded body bytes, in order. */
  chunks: Buffer[];
  /** True once the terminating line was seen. */
  done: boolean;
  /** Bytes after the terminator: the start of the next response (pipelining). */
  rest: Buffer;
}

export class DotUnstuffer {
  private atLineStart = true;
  /** Bytes of the current line start that cannot be judged yet: "" , "." or ".\r". */
  private pending = '';

  push(chunk: Buffer): UnstuffResult {
    const chunks: Buffer[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.atLineStart) {
        const byte = chunk[i]!;
        if (this.pending === '') {
          if (byte === DOT) { this.pending = '.'; i += 1; continue; }
          this.atLineStart = false;
          continue;
        }
        if (this.pending === '.') {
          if (byte === CR) { this.pending = '.\r'; i += 1; continue; }
          if (byte === LF) return this.finish(chunks, chunk, i + 1); // lenient: ".\n"
          // A stuffed line: the leading dot is dropped, the rest of the line is data.
          this.pending = '';
          this.atLineStart = false;
          continue;
        }
        // pending === ".\r"
        if (byte === LF) return this.finish(chunks, chunk, i + 1);
        // ".\r" not followed by LF is not the terminator: the dot was stuffing, the CR is data.
        chunks.push(Buffer.from([CR]));
        this.pending = '';
        this.atLineStart = false;
        continue;
      }
      // Only a line that starts with a dot needs a look: everything up to the next one (or to the
      // end of the chunk) passes as one slice, not a slice per line (a Buffer object each, which
      // made most of a small message's garbage).
      const dotLine = chunk.indexOf(LF_DOT, i);
      if (dotLine === -1) {
        chunks.push(chunk.subarray(i));
        this.atLineStart = chunk[chunk.length - 1] === LF;
        break;
      }
      chunks.push(chunk.subarray(i, dotLine + 1));
      i = dotLine + 1;
      this.atLineStart = true;
    }
    return { chunks, done: false, rest: NOTHING };
  }

  private finish(chunks: Buffer[], chunk: Buffer, restStart: number): UnstuffResult {
    this.pending = '';
    this.atLineStart = true;
    return { chunks, done: true, rest: chunk.subarray(restStart) };
  }
}
