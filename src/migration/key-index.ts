// A compact map from a message's key to where its latest journal record is, so a migration's
// memory does not grow by an object (and a string) per message: 8 bytes an entry in typed arrays —
// a 32-bit digest of the key and the record's file offset (32 bits: a journal stays far below
// 4 GB, ~40 bytes a record), in chunked columns — kept sorted for binary search, with the newest
// additions in a small unsorted overlay merged in when it fills. The key itself stays on disk, and
// so does what the record says: the journal reads the record back and checks its key, and gives a
// key whose digest another key holds an entry of its own (see MigrationJournal).

import { ChunkedColumn } from './chunked-column.js';

/** Two 32-bit FNV-1a-style hashes with different bases and a final mix: a 64-bit digest cheap
 * enough for every key of a large journal (a cryptographic hash costs ~1 µs a key). It only has
 * to spread keys well: wherever it is used, a shared digest is checked for. */
export function keyDigest(key: string): [number, number] {
  let high = 0x811c9dc5;
  let low = 0x01000193 ^ key.length;
  for (let index = 0; index < key.length; index += 1) {
    const code = key.charCodeAt(index);
    high = Math.imul(high ^ code, 0x01000193);
    low = Math.imul(low ^ code, 0x5bd1e995);
    low ^= low >>> 15;
  }
  return [mix(high ^ Math.imul(low, 0x27d4eb2d)) >>> 0, mix(low ^ high) >>> 0];
}

function mix(value: number): number {
  let mixed = value;
  mixed ^= mixed >>> 16;
  mixed = Math.imul(mixed, 0x85ebca6b);
  mixed ^= mixed >>> 13;
  mixed = Math.imul(mixed, 0xc2b2ae35);
  return mixed ^ (mixed >>> 16);
}

/** The 32 bits of keyDigest that the index keeps: two of 100,000 keys share them about once. */
export function shortKeyDigest(key: string): number {
  return keyDigest(key)[0];
}

/** Additions held unsorted before they are merged into the sorted columns. */
const OVERLAY_LIMIT = 2048;

export class KeyIndex {
  private readonly digests = new ChunkedColumn();
  private readonly offsets = new ChunkedColumn();
  private sorted = 0;
  /** Newest additions, digest → offset: looked at before the sorted part. */
  private readonly overlay = new Map<number, number>();

  /** How many digests it holds. */
  get size(): number {
    return this.sorted + this.overlay.size;
  }

  /** The offset held for this digest. */
  get(digest: number): number | undefined {
    const added = this.overlay.get(digest);
    if (added !== undefined) return added;
    const position = this.find(digest);
    return position < 0 ? undefined : this.offsets.at(position);
  }

  set(digest: number, offset: number): void {
    const position = this.find(digest);
    if (position >= 0) {
      // Already in the sorted part: updated where it is.
      this.offsets.put(position, offset);
      return;
    }
    this.overlay.set(digest, offset);
    if (this.overlay.size >= OVERLAY_LIMIT) this.merge();
  }

  private find(digest: number): number {
    let from = 0;
    let to = this.sorted - 1;
    while (from <= to) {
      const middle = (from + to) >>> 1;
      const at = this.digests.at(middle);
      if (at === digest) return middle;
      if (at < digest) from = middle + 1;
      else to = middle - 1;
    }
    return -1;
  }

  /** The overlay merged into the sorted columns from the back, in place (they grow a chunk at a
   * time: nothing is copied to grow). */
  private merge(): void {
    const added = [...this.overlay.keys()].sort((a, b) => a - b);
    const total = this.sorted + added.length;
    this.digests.reserve(total);
    this.offsets.reserve(total);
    let from = this.sorted - 1;
    let next = added.length - 1;
    for (let into = total - 1; next >= 0; into -= 1) {
      const digest = added[next]!;
      if (from >= 0 && this.digests.at(from) > digest) {
        this.digests.put(into, this.digests.at(from));
        this.offsets.put(into, this.offsets.at(from));
        from -= 1;
      } else {
        this.digests.put(into, digest);
        this.offsets.put(into, this.overlay.get(digest)!);
        next -= 1;
      }
    }
    this.overlay.clear();
    this.sorted = total;
  }
}
