// The journal keeps its records on disk and only a compact index in memory: these tests read it
// back the way a resumed run does (a new MigrationJournal over the same file) after every kind of
// write, a torn line, and keys whose digests collide.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MigrationJournal } from '../../src/migration/journal.js';
import { carriedBits } from '../../src/migration/carried-flags.js';
import { KeyIndex, keyDigest, shortKeyDigest } from '../../src/migration/key-index.js';

const fresh = (): string => join(mkdtempSync(join(tmpdir(), 'mailbeacon-journal-')), 'journal.jsonl');

describe('MigrationJournal', () => {
  it('reads back what was written: the last record of a key wins, folder marks, counts per folder', () => {
    const path = fresh();
    const journal = new MigrationJournal(path);
    journal.markPendingMany(['imap:INBOX:7:1', 'imap:INBOX:7:2', 'imap:INBOX:7:3', 'pop3:abc']);
    journal.markDoneUnsynced('imap:INBOX:7:1', 101, '900', ['\\Seen', '$Label']);
    journal.markDone('imap:INBOX:7:2', 102, '900', []);
    journal.markFailed('imap:INBOX:7:3', 'too large');
    journal.markDone('pop3:abc', 5, '900');
    journal.markFolders([{ path: 'INBOX', uidValidity: '7', uidNext: 4, modseq: '12' }]);
    journal.sync();
    journal.close();

    const again = new MigrationJournal(path);
    expect(again.get('imap:INBOX:7:1')).toEqual({ status: 'done', targetUid: 101, targetUidValidity: '900', flags: ['\\Seen', '$Label'] });
    expect(again.isDone('imap:INBOX:7:2')).toBe(true);
    expect(again.get('imap:INBOX:7:3')).toEqual({ status: 'failed', reason: 'too large' });
    expect(again.get('pop3:abc')).toEqual({ status: 'done', targetUid: 5, targetUidValidity: '900', flags: undefined });
    expect(again.get('imap:INBOX:7:4')).toBeUndefined();
    expect(again.isDone('imap:INBOX:7:4')).toBe(false);
    expect(again.folderMark('INBOX')).toEqual({ uidValidity: '7', uidNext: 4, modseq: '12' });
    expect(again.doneCount('INBOX', '7')).toBe(2);
    expect(again.unfinishedUids('INBOX', '7')).toEqual([3]);
    expect(again.copyFlagBits('imap:INBOX:7:1')).toBe(carriedBits(['\\Seen']));
    expect(again.copyFlagBits('imap:INBOX:7:2')).toBe(0);
    expect(again.copyFlagBits('pop3:abc')).toBeUndefined(); // no flags recorded
    expect(again.isTargetUidClaimed('900', 101)).toBe(true);
    expect(again.isTargetUidClaimed('900', 5)).toBe(true);
    expect(again.isTargetUidClaimed('900', 103)).toBe(false);
    expect(again.isTargetUidClaimed('901', 101)).toBe(false);
    // Claims made after the first question are seen too.
    again.markDone('imap:INBOX:7:3', 103, '900', ['\\Flagged']);
    expect(again.isTargetUidClaimed('900', 103)).toBe(true);
    expect(again.unfinishedUids('INBOX', '7')).toEqual([]);
    expect(again.doneCount('INBOX', '7')).toBe(3);
    // Flags updated on done copies keep their target UID.
    again.markFlags([{ key: 'imap:INBOX:7:1', flags: ['\\Answered'] }, { key: 'imap:INBOX:7:9', flags: ['\\Seen'] }]);
    again.close();
    const third = new MigrationJournal(path);
    expect(third.get('imap:INBOX:7:1')).toEqual({ status: 'done', targetUid: 101, targetUidValidity: '900', flags: ['\\Answered'] });
    expect(third.get('imap:INBOX:7:9')).toBeUndefined();
    third.close();
  });

  it('ignores a torn last line and cuts it off, so the next record is not lost with it', () => {
    const path = fresh();
    const journal = new MigrationJournal(path);
    journal.markDone('pop3:one', 1, '5');
    journal.close();
    appendFileSync(path, '{"k":"pop3:two","s":"do'); // killed mid-write
    const resumed = new MigrationJournal(path);
    expect(resumed.get('pop3:two')).toBeUndefined();
    resumed.markDone('pop3:three', 3, '5');
    resumed.close();
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { k: string }).map((record) => record.k)).toEqual(['pop3:one', 'pop3:three']);
    const last = new MigrationJournal(path);
    expect(last.isDone('pop3:one')).toBe(true);
    expect(last.isDone('pop3:three')).toBe(true);
    last.close();
  });

  it('skips lines that are not records and reads records longer than one read', () => {
    const path = fresh();
    const longReason = 'x'.repeat(5000);
    writeFileSync(path, `not json\n\n{"k":"pop3:a","s":"failed","r":"${longReason}"}\n{"k":"pop3:b","s":"bogus"}\n[]\n`);
    const journal = new MigrationJournal(path);
    expect(journal.get('pop3:a')).toEqual({ status: 'failed', reason: longReason });
    expect(journal.get('pop3:b')).toBeUndefined();
    journal.close();
  });

  it('never answers for a key whose digest another key shares, and forgets none (every key colliding)', () => {
    const path = fresh();
    const collide = (): number => 7;
    const journal = new MigrationJournal(path, collide);
    journal.markDone('pop3:done-one', 1, '5');
    journal.markPending('pop3:pending-one');
    journal.markPending('imap:INBOX:9:3');
    journal.markDone('imap:INBOX:9:3', 4, '5', ['\\Seen']);
    journal.markFailed('pop3:failed-one', 'too large');
    journal.markDone('pop3:pending-one', 2, '5');
    journal.markPending('pop3:pending-one');
    const check = (reader: MigrationJournal): void => {
      expect(reader.get('pop3:done-one')).toEqual({ status: 'done', targetUid: 1, targetUidValidity: '5', flags: undefined });
      expect(reader.get('pop3:pending-one')).toEqual({ status: 'pending' });
      expect(reader.isDone('imap:INBOX:9:3')).toBe(true);
      expect(reader.copyFlagBits('imap:INBOX:9:3')).toBe(carriedBits(['\\Seen']));
      expect(reader.get('pop3:failed-one')).toEqual({ status: 'failed', reason: 'too large' });
      expect(reader.isDone('pop3:never-written')).toBe(false);
      expect(reader.get('pop3:never-written')).toBeUndefined();
      // Target UIDs named by each key's latest record only: 2 was taken back by "pending".
      expect([1, 2, 4].map((uid) => reader.isTargetUidClaimed('5', uid))).toEqual([true, false, true]);
      expect(reader.doneCount('INBOX', '9')).toBe(1);
      expect(reader.unfinishedUids('INBOX', '9')).toEqual([]);
    };
    check(journal);
    journal.close();
    const again = new MigrationJournal(path, collide);
    check(again);
    again.close();
  });

  it('finds each of 100,000 keys after a reload (index merged many times)', () => {
    const path = fresh();
    const journal = new MigrationJournal(path);
    const keys = Array.from({ length: 100_000 }, (_, index) => `pop3:uidl-${index.toString(36)}-${(index * 7919).toString(16)}`);
    for (let from = 0; from < keys.length; from += 500) {
      const batch = keys.slice(from, from + 500);
      journal.markPendingMany(batch);
      for (const [position, key] of batch.entries()) journal.markDoneUnsynced(key, from + position + 1, '1');
    }
    journal.sync();
    journal.close();
    const again = new MigrationJournal(path);
    for (const key of keys) if (!again.isDone(key)) throw new Error(`${key} lost`);
    expect(again.isDone('pop3:uidl-unknown')).toBe(false);
    expect(again.get(keys[54_321]!)).toMatchObject({ status: 'done', targetUid: 54_322 });
    again.close();
  });
});

describe('MigrationJournal.open (read in slices)', () => {
  it('reads the same as a whole read, cuts a torn line, and lets timers run while it reads', async () => {
    const path = fresh();
    const journal = new MigrationJournal(path);
    const keys = Array.from({ length: 5_000 }, (_, n) => `imap:INBOX:7:${n + 1}`);
    journal.markPendingMany(keys);
    for (const [n, key] of keys.entries()) if (n % 3 !== 0) journal.markDoneUnsynced(key, n + 1, '900', ['\\Seen']);
    journal.markFailed(keys[0]!, 'refused');
    journal.markFolders([{ path: 'INBOX', uidValidity: '7', uidNext: 5_001 }]);
    journal.sync();
    journal.close();
    appendFileSync(path, '{"k":"imap:INBOX:7:9999","s":"do');

    let ticks = 0;
    const ticking = setInterval(() => { ticks += 1; }, 0);
    const sliced = await MigrationJournal.open(path);
    clearInterval(ticking);
    const whole = new MigrationJournal(path);
    expect(ticks).toBeGreaterThan(0); // the event loop ran between slices
    for (const key of [...keys, 'imap:INBOX:7:9999']) expect(sliced.get(key), key).toEqual(whole.get(key));
    expect(sliced.doneCount('INBOX', '7')).toBe(whole.doneCount('INBOX', '7'));
    expect(sliced.unfinishedUids('INBOX', '7')).toEqual(whole.unfinishedUids('INBOX', '7'));
    expect(sliced.folderMark('INBOX')).toEqual({ uidValidity: '7', uidNext: 5_001 });
    // The torn line was cut off: the next record starts a line of its own.
    sliced.markDone('imap:INBOX:7:9999', 1, '900');
    sliced.close();
    whole.close();
    expect(new MigrationJournal(path).isDone('imap:INBOX:7:9999')).toBe(true);
  });

  it('a journal that is not there yet opens empty and is created by the first record', async () => {
    const path = fresh();
    const journal = await MigrationJournal.open(path);
    expect(journal.get('pop3:a')).toBeUndefined();
    journal.markDone('pop3:a', 1, '9');
    journal.close();
    expect(readFileSync(path, 'utf8')).toContain('"pop3:a"');
  });
});

describe('KeyIndex', () => {
  it('keeps entries sorted across merges, updates in place and in the overlay', () => {
    const index = new KeyIndex();
    const digests = Array.from({ length: 10_000 }, (_, n) => shortKeyDigest(`key-${n}`));
    expect(new Set(digests).size).toBe(10_000);
    digests.forEach((digest, n) => index.set(digest, n));
    digests.forEach((digest, n) => { if (n % 3 === 0) index.set(digest, n + 100_000); });
    digests.forEach((digest, n) => expect(index.get(digest)).toBe(n % 3 === 0 ? n + 100_000 : n));
    expect(index.get(digests.reduce((a, b) => Math.max(a, b)) + 1)).toBeUndefined();
    expect(index.size).toBe(10_000);
  });

  it('holds entries across its columns\' chunks (4,096 entries each), with 32-bit digests and offsets', () => {
    const index = new KeyIndex();
    const count = 40_000;
    // Digests from the top and the bottom of the range, offsets near 4 GB.
    const digestOf = (n: number): number => (n % 2 === 0 ? 0xffff_ffff - n : n);
    const offsetOf = (n: number): number => 0xffff_ffff - n * 7;
    for (let n = 0; n < count; n += 1) index.set(digestOf(n), offsetOf(n));
    for (let n = 0; n < count; n += 1) expect(index.get(digestOf(n))).toBe(offsetOf(n));
    expect(index.get(count + 1)).toBeUndefined();
    expect(index.size).toBe(count);
  });

  it('spreads keys: 200,000 typical keys share few 32-bit digests, and no 64-bit one', () => {
    const short = new Map<number, number>();
    const long = new Set<string>();
    for (let n = 0; n < 100_000; n += 1) {
      for (const key of [`imap:INBOX:1700000000:${n}`, `pop3:${(n * 2654435761 >>> 0).toString(16).padStart(8, '0')}`]) {
        const digest = shortKeyDigest(key);
        short.set(digest, (short.get(digest) ?? 0) + 1);
        long.add(keyDigest(key).join(':'));
      }
    }
    // A perfect 32-bit hash would give about 200,000² / 2³³ ≈ 4.7 shared ones.
    expect(200_000 - short.size).toBeLessThanOrEqual(15);
    expect([...short.values()].filter((times) => times > 2)).toEqual([]);
    expect(long.size).toBe(200_000);
  });
});
