// The UIDs a listing has handed out, 4 bytes each: a server lists a folder's UIDs in ascending
// order (RFC 3501 §2.3.1.1), so they are appended to one sorted typed array and searched by
// halves; only a UID that arrives out of order goes into a (small) Set. A repeated UID is found
// either way: a hostile or broken server never makes one message two.
export class CompactUidSet {
  private ascending = new Uint32Array(1024);
  private count = 0;
  private readonly others = new Set<number>();

  /** Adds `uid`; false when it was already there. */
  add(uid: number): boolean {
    if (this.count === 0 || uid > this.ascending[this.count - 1]!) {
      if (this.count === this.ascending.length) {
        const grown = new Uint32Array(this.count * 2);
        grown.set(this.ascending);
        this.ascending = grown;
      }
      this.ascending[this.count++] = uid;
      return true;
    }
    if (this.has(uid)) return false;
    this.others.add(uid);
    return true;
  }

  has(uid: number): boolean {
    if (this.others.has(uid)) return true;
    let from = 0;
    let to = this.count - 1;
    while (from <= to) {
      const middle = (from + to) >>> 1;
      const at = this.ascending[middle]!;
      if (at === uid) return true;
      if (at < uid) from = middle + 1;
      else to = middle - 1;
    }
    return false;
  }
}
