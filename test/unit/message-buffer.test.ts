// One message gathered into one buffer: exact bytes whatever the announced size says, bounded by
// the ceiling, and for an honest large announcement one allocation step past the up-front reserve.
import { describe, expect, it } from 'vitest';
import { MessageBuffer } from '../../src/protocols/message-buffer.js';

const MB = 1024 * 1024;
function feed(buffer: MessageBuffer, bytes: Buffer, chunk = 256 * 1024): boolean {
  for (let offset = 0; offset < bytes.length; offset += chunk) if (!buffer.append(bytes.subarray(offset, offset + chunk))) return false;
  return true;
}
function message(size: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 1) bytes[i] = i % 251;
  return bytes;
}

describe('MessageBuffer', () => {
  it('an honest 50 MB announcement: the bytes exactly, in a buffer of exactly that size (no doubling past it)', () => {
    const bytes = message(50 * MB);
    const gathered = new MessageBuffer(bytes.length, 2 * bytes.length);
    expect(feed(gathered, bytes)).toBe(true);
    expect(gathered.bytes.equals(bytes)).toBe(true);
    // Not a view into a larger allocation: the message is held once, at its size.
    expect(gathered.bytes.buffer.byteLength).toBeLessThanOrEqual(bytes.length + 8192);
  });

  it('a prefix goes first and does not count against the ceiling', () => {
    const prefix = Buffer.from('X-UIDL: abc\r\n');
    const bytes = message(1000);
    const gathered = new MessageBuffer(1000, 1000, prefix);
    expect(feed(gathered, bytes, 100)).toBe(true);
    expect(gathered.bytes.equals(Buffer.concat([prefix, bytes]))).toBe(true);
    expect(gathered.received).toBe(1000);
  });

  it.each([['announced as half (bare LF counting)', 0.5], ['announced as zero', 0], ['announced far too high', 100], ['announced as nonsense', Number.NaN]])(
    '%s: exactly the bytes that came', (_name, factor) => {
      const bytes = message(3 * MB + 17);
      const gathered = new MessageBuffer(bytes.length * factor, 8 * MB);
      expect(feed(gathered, bytes)).toBe(true);
      expect(gathered.bytes.equals(bytes)).toBe(true);
    });

  it('a lie about the size reserves no more than 16 MB before bytes back it', () => {
    const gathered = new MessageBuffer(200 * MB, 256 * MB);
    gathered.append(Buffer.from('tiny'));
    expect(gathered.bytes.toString()).toBe('tiny');
    expect(gathered.bytes.buffer.byteLength).toBeLessThanOrEqual(16 * MB + 8192);
  });

  it('past the ceiling: refused, and what came before is kept unchanged', () => {
    const gathered = new MessageBuffer(10, 100);
    expect(gathered.append(message(60))).toBe(true);
    expect(gathered.append(message(41))).toBe(false);
    expect(gathered.received).toBe(60);
    expect(gathered.append(message(40))).toBe(true);
    expect(gathered.received).toBe(100);
  });

  it('says once, with its size, when it moves out of its up-front reserve into the announced size', () => {
    const left: number[] = [];
    const gathered = new MessageBuffer(20 * MB, 32 * MB, Buffer.from('X: 1\r\n'), (bytes) => left.push(bytes));
    for (let sent = 0; sent < 20 * MB; sent += MB) gathered.append(message(MB));
    expect(left).toEqual([16 * MB + 6]);
    expect(gathered.bytes.length).toBe(20 * MB + 6);
    // A small message fits its reserve: nothing is left behind.
    const small = new MessageBuffer(1000, 2000, undefined, (bytes) => left.push(bytes));
    small.append(message(1000));
    expect(left).toHaveLength(1);
  });
});
