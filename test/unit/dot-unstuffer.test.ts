import { describe, expect, it } from 'vitest';
import { DotUnstuffer } from '../../src/protocols/pop3/dot-unstuffer.js';

const wire = Buffer.from('Subject: x\r\n..leading\r\n.\r\n', 'latin1');
const body = Buffer.from('Subject: x\r\n.leading\r\n', 'latin1');
const stuffedWithNext = Buffer.concat([
  Buffer.from('a\r\n...b\r\n\u0000\u00ff\r\n..\r\n.\r', 'latin1'), Buffer.from('x\r\n.\r\n+OK next\r\n', 'latin1'),
]);

function decodeInPieces(input: Buffer, cuts: number[]): { body: Buffer; rest: Buffer; done: boolean } {
  const decoder = new DotUnstuffer();
  const out: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, input.length]) {
    const result = decoder.push(input.subarray(start, cut));
    out.push(...result.chunks);
    if (result.done) return { body: Buffer.concat(out), rest: Buffer.concat([result.rest, input.subarray(cut)]), done: true };
    start = cut;
  }
  return { body: Buffer.concat(out), rest: Buffer.alloc(0), done: false };
}

describe('DotUnstuffer', () => {
  it('removes stuffing and stops at the terminator, whatever byte the packet is split at', () => {
    for (let cut = 0; cut <= wire.length; cut += 1) {
      const result = decodeInPieces(wire, [cut]);
      expect(result.done).toBe(true);
      expect(result.body.equals(body)).toBe(true);
      expect(result.rest.length).toBe(0);
    }
  });

  it('survives a split at every pair of positions, keeps NUL/8-bit/bare ".\\r" and returns the next response', () => {
    const expected = Buffer.from('a\r\n..b\r\n\u0000\u00ff\r\n.\r\n\rx\r\n', 'latin1');
    for (let first = 0; first <= stuffedWithNext.length; first += 1) {
      for (let second = first; second <= stuffedWithNext.length; second += 3) {
        const result = decodeInPieces(stuffedWithNext, [first, second]);
        expect(result.done).toBe(true);
        expect(result.body.toString('latin1')).toBe(expected.toString('latin1'));
        expect(result.rest.toString('latin1')).toBe('+OK next\r\n');
      }
    }
  });

  it('reads byte by byte', () => {
    const cuts = Array.from({ length: wire.length }, (_, i) => i + 1);
    expect(decodeInPieces(wire, cuts).body.equals(body)).toBe(true);
  });

  it('an empty body is just the terminator', () => {
    const result = new DotUnstuffer().push(Buffer.from('.\r\n'));
    expect(result.done).toBe(true);
    expect(Buffer.concat(result.chunks).length).toBe(0);
  });
});
