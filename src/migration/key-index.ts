// A compact map from a message's key to where its latest journal record is and what it says, so a
// migration's memory does not grow by an object (and a string) per message: 13 bytes an entry in
// typed arrays — the key's 64-bit digest, the record's file offset (32 bits: a journal stays far
// below 4 GB, ~40 bytes a record), and one byte of state, in chunked columns — kept
// sorted for binary search, with the newest additions in a small unsorted overlay merged in when
// it fills. The key itself stays on disk: a digest match is checked against the record's own key
// (see MigrationJournal), so two keys that share a digest are never taken for one another.

import { ChunkedColumn } from './chunked-column.js';

/** Two 32-bit FNV-1a-style hashes with different bases and a final mix: a 64-bit digest cheap
 * enough for every key of a large journal (a cryptographic hash costs ~1 µs a key). Collisions are
 * harmless here (matches are verified on disk); it only has to spread keys well. */
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

export interface IndexedRecord { offset: number; state: number }

interface OverlayEntry extends IndexedRecord { high: number; low: number }

/** Additions held unsorted before they are merged into the sorted arrays. */
const OVERLAY_LIMIT = 2048;

export class KeyIndex {
  private readonly high = new ChunkedColumn(Uint32Array);
  private readonly low = new ChunkedColumn(Uint32Array);
  private readonly offsets = new ChunkedColumn(Uint32Array);
  private readonly states = new ChunkedColumn(Uint8Array);
  private sorted = 0;
  /** Newest additions, by the digest's high half (then its low half): looked at before the sorted
   * part. Keyed by numbers, not by a "high:low" string: turning numbers into strings goes through
   * V8's number-to-string cache, which lives in the old generation and keeps each new string alive
   * past young-generation collections — a 100,000-message listing that looked up every key left
   * ~4 MB of dead strings there. */
  private overlay = new Map<number, OverlayEntry[]>();
  private overlaySize = 0;

  get(high: number, low: number): IndexedRecord | undefined {
    const added = this.overlayEntry(high, low);
    if (added) return { offset: added.offset, state: added.state };
    const position = this.find(high, low);
    return position < 0 ? undefined : { offset: this.offsets.at(position), state: this.states.at(position) };
  }

  set(high: number, low: number, record: IndexedRecord): void {
    const position = this.find(high, low);
    if (position >= 0) {
      // Already in the sorted part: updated where it is.
      this.offsets.put(position, record.offset);
      this.states.put(position, record.state);
      return;
    }
    const added = this.overlayEntry(high, low);
    if (added) {
      added.offset = record.offset;
      added.state = record.state;
      return;
    }
    const entry = { high, low, offset: record.offset, state: record.state };
    const sameHigh = this.overlay.get(high);
    if (sameHigh) sameHigh.push(entry);
    else this.overlay.set(high, [entry]);
    this.overlaySize += 1;
    if (this.overlaySize >= OVERLAY_LIMIT) this.merge();
  }

  /** Every entry, in no particular order. */
  *entries(): Generator<IndexedRecord> {
    for (let position = 0; position < this.sorted; position += 1) yield { offset: this.offsets.at(position), state: this.states.at(position) };
    for (const sameHigh of this.overlay.values()) for (const entry of sameHigh) yield { offset: entry.offset, state: entry.state };
  }

  private overlayEntry(high: number, low: number): OverlayEntry | undefined {
    if (this.overlaySize === 0) return undefined;
    return this.overlay.get(high)?.find((entry) => entry.low === low);
  }

  private find(high: number, low: number): number {
    let from = 0;
    let to = this.sorted - 1;
    while (from <= to) {
      const middle = (from + to) >>> 1;
      const midHigh = this.high.at(middle);
      const midLow = this.low.at(middle);
      if (midHigh === high && midLow === low) return middle;
      if (midHigh < high || (midHigh === high && midLow < low)) from = middle + 1;
      else to = middle - 1;
    }
    return -1;
  }

  /** The overlay merged into the sorted columns from the back, in place (they grow a chunk at a
   * time: nothing is copied to grow). */
  private merge(): void {
    const added = [...this.overlay.values()].flat().sort((a, b) => a.high - b.high || a.low - b.low);
    this.overlay.clear();
    this.overlaySize = 0;
    const total = this.sorted + added.length;
    for (const column of [this.high, this.low, this.offsets, this.states]) column.reserve(total);
    let from = this.sorted - 1;
    let next = added.length - 1;
    for (let into = total - 1; next >= 0; into -= 1) {
      const entry = added[next]!;
      const fromHigh = from >= 0 ? this.high.at(from) : 0;
      const takeOld = from >= 0 && (fromHigh > entry.high || (fromHigh === entry.high && this.low.at(from) > entry.low));
      if (takeOld) {
        this.high.put(into, fromHigh);
        this.low.put(into, this.low.at(from));
        this.offsets.put(into, this.offsets.at(from));
        this.states.put(into, this.states.at(from));
        from -= 1;
      } else {
        this.high.put(into, entry.high);
        this.low.put(into, entry.low);
        this.offsets.put(into, entry.offset);
        this.states.put(into, entry.state);
        next -= 1;
      }
    }
    this.sorted = total;
  }
}
