// A column of 32-bit numbers in fixed-size chunks, for tables with an entry per message (the
// journal's index). It grows by adding a chunk: never by copying everything into an array a
// quarter or twice as large, which held the old and the new array at once until the next full
// garbage collection (~2.5 MB resident for a moment in a 100,000-message run, at its peak), and
// left up to a quarter of the new one unused.

/** Entries a chunk: 16 kB. Small, so the last chunk's unused part stays small (at most 32 kB for
 * the journal's index, against 128 kB with 64 kB chunks), and below glibc's mmap threshold
 * (128 kB): a chunk fills a hole in the heap rather than adding a mapping of its own. */
const CHUNK_SHIFT = 12;
const CHUNK_ENTRIES = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK_ENTRIES - 1;

export class ChunkedColumn {
  private readonly chunks: Uint32Array[] = [];

  /** Entries it can hold without growing. */
  get capacity(): number {
    return this.chunks.length * CHUNK_ENTRIES;
  }

  /** Adds chunks until `length` entries fit. */
  reserve(length: number): void {
    while (this.capacity < length) this.chunks.push(new Uint32Array(CHUNK_ENTRIES));
  }

  at(position: number): number {
    return this.chunks[position >>> CHUNK_SHIFT]![position & CHUNK_MASK]!;
  }

  /** Stores `value` as a Uint32Array does (modulo 2^32). */
  put(position: number, value: number): void {
    this.chunks[position >>> CHUNK_SHIFT]![position & CHUNK_MASK] = value;
  }
}
