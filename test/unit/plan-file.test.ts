import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanFile } from '../../src/migration/plan-file.js';
import type { SourceMessage } from '../../src/migration/migration-types.js';
import { CompactUidSet } from '../../src/protocols/imap/compact-uid-set.js';

describe('PlanFile', () => {
  it('gives back every message as it was added, in order, across its read buffer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailbeacon-plan-'));
    const plan = PlanFile.create(join(dir, 'j.jsonl'), 0);
    const messages: SourceMessage[] = Array.from({ length: 20_000 }, (_, n) => n % 2 === 0
      ? { key: `pop3:${n}`, folder: 'INBOX', size: n * 3, uidl: String(n), number: n + 1 }
      : { key: `imap:Ü/文件:${n}`, folder: 'Ü/文件', size: n, flags: ['\\Seen', '$Ключ'], internalDate: new Date(1_700_000_000_000 + n), uid: n });
    for (const message of messages) plan.add(message);
    expect(plan.count).toBe(20_000);
    expect([...plan.messages()]).toEqual(messages);
    expect([...plan.messages()]).toHaveLength(20_000); // read again from the start
    plan.remove();
    expect(existsSync(plan.path)).toBe(false);
  });

  it('gives back lines longer than its buffer, among short ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailbeacon-plan-'));
    const plan = PlanFile.create(join(dir, 'j.jsonl'), 0);
    const long = (n: number): SourceMessage => ({ key: `imap:INBOX:${n}`, folder: 'INBOX', size: n, uid: n, flags: Array.from({ length: 9000 * n }, (_, f) => `$Flag${f}`) });
    const messages: SourceMessage[] = [long(1), ...Array.from({ length: 3000 }, (_, n) => ({ key: `pop3:${n}`, folder: 'INBOX', size: n })), long(3), long(2)];
    for (const message of messages) plan.add(message);
    expect([...plan.messages()]).toEqual(messages);
    plan.remove();
  });

  it('removes a plan a dead run left behind, not one of a live process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailbeacon-plan-'));
    writeFileSync(join(dir, 'j.jsonl.plan-999999999-0'), 'left');
    writeFileSync(join(dir, `j.jsonl.plan-${process.ppid}-0`), 'live');
    const plan = PlanFile.create(join(dir, 'j.jsonl'), 3);
    expect(readdirSync(dir).sort()).toEqual([`j.jsonl.plan-${process.pid}-3`, `j.jsonl.plan-${process.ppid}-0`].sort());
    plan.remove();
  });
});

describe('CompactUidSet', () => {
  it('hands each UID out once, in order or not', () => {
    const set = new CompactUidSet();
    const added = [1, 2, 5, 5, 3, 9, 2, 4000, 7, 7, 4000, 1].map((uid) => set.add(uid));
    expect(added).toEqual([true, true, true, false, true, true, false, true, true, false, false, false]);
    for (let uid = 1; uid <= 100_000; uid += 1) set.add(uid + 5000);
    expect(set.has(55_000)).toBe(true);
    expect(set.has(4999)).toBe(false);
    expect(set.add(4999)).toBe(true);
    expect(set.has(4999)).toBe(true);
  });
});
