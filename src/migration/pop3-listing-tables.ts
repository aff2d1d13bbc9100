// What a POP3 migration keeps while the old mailbox's listings stream in (see Pop3Source.list):
// LIST's sizes by message number, and what the UIDL listing repeats. Both are typed arrays, never
// an object per message. They are the largest thing a migration holds at the start of a big
// mailbox (a 100,000-message run peaked as its copy began, with them still resident: P6), so
// neither grows by doubling, which held the old and the new array at once, up to twice the size
// needed, until the next full collection.

import { ChunkedColumn } from './chunked-column.js';

/** Numbers and sizes as POP3 allows them (RFC 1939: message numbers from 1). */
const MAX_NUMBER = 0xffff_ffff;
/** Lines a RepeatFinder makes room for up front (12 MB), whatever LIST's count: past it, a listing
 * grows the arrays as it arrives, so only lines actually received take memory. */
const MAX_EXPECTED_LINES = 1_000_000;

/**
 * LIST's sizes by message number. A server lists 1, 2, 3… in order: then only the sizes are kept,
 * 4 bytes a message in chunks that are never copied to grow. A listing that departs from that
 * (a gap, a number out of order or listed twice) moves to numbers and sizes side by side, searched
 * by halves once sorted; a number listed twice answers with its first size. A size that is no
 * size counts as 0.
 */
export class SizeTable {
  private readonly inOrder = new ChunkedColumn();
  private inOrderCount = 0;
  private other: { numbers: number[]; sizes: number[] } | undefined;
  private sortedOther: { numbers: Uint32Array; sizes: Uint32Array } | undefined;

  /** Entries listed (a number out of range is not one). */
  get count(): number {
    return this.inOrderCount + (this.other?.numbers.length ?? 0);
  }

  add(number: number, size: number): void {
    if (!Number.isSafeInteger(number) || number < 1 || number > MAX_NUMBER) return;
    const kept = Number.isSafeInteger(size) && size > 0 ? Math.min(size, MAX_NUMBER) : 0;
    if (!this.other && number === this.inOrderCount + 1) {
      this.inOrder.reserve(number);
      this.inOrder.put(number - 1, kept);
      this.inOrderCount = number;
      return;
    }
    // Off the usual path (an odd server, or a hostile one): plain arrays are enough.
    this.other ??= { numbers: [], sizes: [] };
    this.other.numbers.push(number);
    this.other.sizes.push(kept);
    this.sortedOther = undefined;
  }

  get(number: number): number {
    if (Number.isInteger(number) && number >= 1 && number <= this.inOrderCount) return this.inOrder.at(number - 1);
    if (!this.other) return 0;
    const { numbers, sizes } = this.sortedOther ??= sortedPairs(this.other.numbers, this.other.sizes);
    // The first entry not below `number`: of a number listed more than once, the first listed (the
    // sort is stable), found in as many steps as any other.
    let from = 0;
    let to = numbers.length;
    while (from < to) {
      const middle = (from + to) >>> 1;
      if (numbers[middle]! < number) from = middle + 1;
      else to = middle;
    }
    return numbers[from] === number ? sizes[from]! : 0;
  }
}

function sortedPairs(numbers: number[], sizes: number[]): { numbers: Uint32Array; sizes: Uint32Array } {
  const order = Array.from({ length: numbers.length }, (_, index) => index).sort((a, b) => numbers[a]! - numbers[b]!);
  return { numbers: Uint32Array.from(order, (index) => numbers[index]!), sizes: Uint32Array.from(order, (index) => sizes[index]!) };
}

/**
 * The UIDLs (by a 53-bit digest) and message numbers that a UIDL listing repeats: 12 bytes a line
 * while the listing runs, in arrays sized once for the lines expected (LIST's count, up to a
 * million); only a listing longer than that grows them. The answer is small.
 */
export class RepeatFinder {
  private digests: Float64Array;
  private numbers: Uint32Array;
  private count = 0;

  constructor(expected: number) {
    const capacity = Math.max(16, Math.min(expected, MAX_EXPECTED_LINES));
    this.digests = new Float64Array(capacity);
    this.numbers = new Uint32Array(capacity);
  }

  /** One listing line: its number (one that is no message number is kept as 0: the listing
   * skips those lines anyway) and its UIDL's digest. */
  add(number: number, digest: number): void {
    if (this.count === this.digests.length) {
      const grownDigests = new Float64Array(this.count * 2); grownDigests.set(this.digests); this.digests = grownDigests;
      const grownNumbers = new Uint32Array(this.count * 2); grownNumbers.set(this.numbers); this.numbers = grownNumbers;
    }
    this.digests[this.count] = digest;
    this.numbers[this.count] = Number.isSafeInteger(number) && number >= 0 && number <= MAX_NUMBER ? number : 0;
    this.count += 1;
  }

  /** The digests and numbers seen more than once (number 0 stands for "no message number"). */
  repeats(): { uidls: Set<number>; numbers: Set<number> } {
    return { uidls: new Set(repeatedIn(this.digests.subarray(0, this.count).sort())), numbers: new Set(repeatedIn(this.numbers.subarray(0, this.count).sort())) };
  }
}

/** The values found more than once in a sorted array. */
function* repeatedIn(sorted: Float64Array | Uint32Array): Generator<number> {
  for (let index = 1; index < sorted.length; index += 1) {
    if (sorted[index] === sorted[index - 1] && sorted[index] !== sorted[index - 2]) yield sorted[index]!;
  }
}
