// The tables a POP3 migration keeps while the listings stream in: the usual listing (1, 2, 3…)
// and every way a server can depart from it.
import { describe, expect, it } from 'vitest';
import { RepeatFinder, SizeTable } from '../../src/migration/pop3-listing-tables.js';

describe('SizeTable', () => {
  it('keeps a listing in order across its chunks (4,096 entries each)', () => {
    const table = new SizeTable();
    for (let number = 1; number <= 10_000; number += 1) table.add(number, number * 10);
    expect(table.count).toBe(10_000);
    expect([1, 4_096, 4_097, 10_000].map((number) => table.get(number))).toEqual([10, 40_960, 40_970, 100_000]);
    expect([0, -1, 10_001, 1.5].map((number) => table.get(number))).toEqual([0, 0, 0, 0]);
  });

  it('a listing that departs from 1, 2, 3…: gaps, numbers out of order and listed twice (the first size wins)', () => {
    const table = new SizeTable();
    const listed: Array<[number, number]> = [[1, 100], [2, 200], [5, 500], [3, 300], [2, 999], [9, 900], [5, 555], [4, 400]];
    for (const [number, size] of listed) table.add(number, size);
    expect(table.count).toBe(8);
    expect([1, 2, 3, 4, 5, 6, 9].map((number) => table.get(number))).toEqual([100, 200, 300, 400, 500, 0, 900]);
    // Added after a lookup: still found.
    table.add(6, 600);
    expect(table.get(6)).toBe(600);
  });

  it('a number listed many times answers with its first size, in as many steps as any other', () => {
    const table = new SizeTable();
    table.add(2, 1);
    for (let times = 0; times < 50_000; times += 1) table.add(7, times + 10);
    table.add(3, 30);
    expect([2, 3, 7, 8].map((number) => table.get(number))).toEqual([1, 30, 10, 0]);
  });

  it('a listing that starts elsewhere than 1, and sizes and numbers that are none', () => {
    const table = new SizeTable();
    table.add(2, 20);
    table.add(0, 5);
    table.add(2 ** 32, 5);
    table.add(Number.NaN, 5);
    table.add(3, -4);
    table.add(4, Number.NaN);
    table.add(5, 2 ** 40);
    expect(table.count).toBe(4);
    expect([1, 2, 3, 4, 5].map((number) => table.get(number))).toEqual([0, 20, 0, 0, 0xffff_ffff]);
  });
});

describe('RepeatFinder', () => {
  it('finds the digests and numbers listed more than once, however often', () => {
    const finder = new RepeatFinder(6);
    const lines: Array<[number, number]> = [[1, 2 ** 52 + 1], [2, 7], [3, 2 ** 52 + 1], [3, 8], [4, 2 ** 52 + 1], [5, 9], [3, 10]];
    for (const [number, digest] of lines) finder.add(number, digest);
    const repeats = finder.repeats();
    expect([...repeats.uidls]).toEqual([2 ** 52 + 1]);
    expect([...repeats.numbers]).toEqual([3]);
  });

  it('grows past the lines expected (a UIDL listing longer than LIST), and expects none', () => {
    for (const expected of [0, 3]) {
      const finder = new RepeatFinder(expected);
      for (let number = 1; number <= 1_000; number += 1) finder.add(number, number * 3);
      finder.add(999, 1);
      finder.add(1_001, 3);
      const repeats = finder.repeats();
      expect([...repeats.numbers]).toEqual([999]);
      expect([...repeats.uidls]).toEqual([3]);
    }
  });

  it('makes room up front for at most a million lines, whatever count LIST gave', () => {
    // Room for 2^32 lines would be 48 GB; the arrays start at 12 MB and grow only as lines arrive.
    const finder = new RepeatFinder(2 ** 32);
    for (const number of [1, 2, 2]) finder.add(number, number);
    expect(finder.repeats()).toEqual({ uidls: new Set([2]), numbers: new Set([2]) });
  });

  it('numbers that are no message numbers are kept as 0, never as another number', () => {
    const finder = new RepeatFinder(4);
    for (const number of [2 ** 32 + 1, -1, 1.5, 1]) finder.add(number, number);
    expect([...finder.repeats().numbers]).toEqual([0]);
  });
});
