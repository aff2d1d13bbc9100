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

  it('matches a line-by-line decoding for random bodies full of dots, cut into random packets', () => {
    let seed = 7;
    const random = (below: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % below; };
    const pieces = ['.', '..', 'a', '\r', '\u0000', 'x.y', '\u00ff', ' '];
    for (let round = 0; round < 300; round += 1) {
      const lines = Array.from({ length: random(12) }, () => {
        const text = Array.from({ length: random(4) }, () => pieces[random(pieces.length)]).join('');
        // Never the terminator itself inside the body.
        return (text === '.' || text === '.\r' ? '..' : text) + (random(4) === 0 ? '\n' : '\r\n');
      });
      const input = Buffer.from(`${lines.join('')}.\r\n+OK next\r\n`, 'latin1');
      // The reference: one line at a time, a leading dot dropped.
      const expected = lines.map((line) => (line.startsWith('.') ? line.slice(1) : line)).join('');
      const cuts = [...new Set(Array.from({ length: random(6) }, () => random(input.length + 1)))].sort((a, b) => a - b);
      const result = decodeInPieces(input, cuts);
      expect(result.done).toBe(true);
      expect(result.body.toString('latin1')).toBe(expected);
      expect(result.rest.toString('latin1')).toBe('+OK next\r\n');
    }
  });

  it('passes a packet without dot-started lines as one slice, not one per line', () => {
    const decoder = new DotUnstuffer();
    const packet = Buffer.from('Subject: many lines\r\n\r\n'.concat('a line of text\r\n'.repeat(50)), 'latin1');
    const result = decoder.push(packet);
    expect(result.chunks).toHaveLength(1);
    expect(result.chunks[0]!.equals(packet)).toBe(true);
    // The next packet starts a line: a dot there is still seen as stuffing, then the terminator.
    const next = decoder.push(Buffer.from('..dot\r\n.\r\n', 'latin1'));
    expect(Buffer.concat(next.chunks).toString('latin1')).toBe('.dot\r\n');
    expect(next.done).toBe(true);
  });
});
